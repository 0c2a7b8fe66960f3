package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// preloadAccounts is how many accounts --preload spreads its tasks over.
const preloadAccounts = 1000

// benchPreload stores n tasks before the bench starts, spread over
// preloadAccounts accounts of their own (10 lead maps each), through the
// store's bulk create: every task with its audit row, day count and timer,
// as the API would have stored it, then the upkeep the writer does when
// idle (DB.Tidy). It prints its progress to w.
func benchPreload(ctx context.Context, db *store.DB, n int, w io.Writer) error {
	if n <= 0 {
		return nil
	}
	start := time.Now()
	actors := make([]context.Context, preloadAccounts)
	maps := make([][]int64, preloadAccounts)
	// The accounts from 16 goroutines at once, so that the group commit
	// gathers their writes.
	var (
		wg     sync.WaitGroup
		next   atomic.Int64
		failed = make(chan error, 16)
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := int(next.Add(1) - 1); a < preloadAccounts; a = int(next.Add(1) - 1) {
				var err error
				if actors[a], maps[a], err = preloadAccount(ctx, db, a, start); err != nil {
					failed <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		return fmt.Errorf("preload: %w", <-failed)
	}
	// Bulk creates of up to MaxBulk tasks, each for one account, from a few
	// goroutines at once so that the group commit gathers them.
	type chunk struct{ account, from, n int }
	chunks := make(chan chunk)
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := preloadChunk(db, actors[c.account], maps[c.account], c.from, c.n); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	done := 0
	var err error
feed:
	for done < n {
		per := min(taskbox.MaxBulk, n-done)
		select {
		case chunks <- chunk{account: (done / taskbox.MaxBulk) % preloadAccounts, from: done, n: per}:
			done += per
			if done%100_000 == 0 {
				fmt.Fprintf(w, "preloaded %d tasks in %s\n", done, time.Since(start).Round(time.Second))
			}
		case err = <-errs:
			break feed
		}
	}
	close(chunks)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	if err != nil {
		return fmt.Errorf("preload: %w", err)
	}
	fmt.Fprintf(w, "preloaded %d tasks over %d accounts in %s\n", n, preloadAccounts, time.Since(start).Round(time.Second))
	// The preload kept the writer busy throughout, so it never merged the
	// search index as it does when idle: merge it now, as a server that
	// received these tasks over time would have.
	start = time.Now()
	if err := db.Tidy(ctx); err != nil {
		return fmt.Errorf("preload: tidy: %w", err)
	}
	fmt.Fprintf(w, "tidied the database (the search index's merge on SQLite) in %s\n", time.Since(start).Round(time.Second))
	// Statistics of the full tables. Not without a preload: PostgreSQL
	// would then plan on an analyzed empty tasks table, and the plans its
	// connections cache (the foreign-key checks' among them) would scan the
	// table as it grows during the runs (see docs/performance.md, round
	// five).
	return db.Analyze(ctx)
}

// preloadAccount makes the ath account of the preload, with a campaign
// and 10 lead maps, and returns a context acting as it and its lead maps.
func preloadAccount(ctx context.Context, db *store.DB, a int, start time.Time) (context.Context, []int64, error) {
	_, key, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: fmt.Sprintf("preload %d %d", a, start.UnixNano())})
	if err != nil {
		return nil, nil, err
	}
	actor, err := db.Authenticate(ctx, key.Secret)
	if err != nil {
		return nil, nil, err
	}
	actx := taskbox.NewContextWithActor(ctx, actor)
	camp, err := db.CreateCampaign(actx, &taskbox.CampaignCreate{Name: "preload"})
	if err != nil {
		return nil, nil, err
	}
	up := &taskbox.LeadUpload{CampaignID: camp.ID}
	for j := range 10 {
		up.Leads = append(up.Leads, taskbox.LeadInput{Email: fmt.Sprintf("lead%d@preload%d.example", j, a)})
	}
	res, err := db.AddLeads(actx, up)
	if err != nil {
		return nil, nil, err
	}
	maps := make([]int64, len(res.Leads))
	for i, l := range res.Leads {
		maps[i] = l.LeadMapID
	}
	return actx, maps, nil
}

// preloadChunk bulk-creates n tasks for the actor's lead maps, the ith due
// on one of 60 days, some past, some all-day, some without a due date.
func preloadChunk(db *store.DB, actx context.Context, maps []int64, from, n int) error {
	desc := "Send pricing breakdown for 50-seat plan"
	cs := make([]*taskbox.TaskCreate, n)
	for j := range cs {
		i := from + j
		c := &taskbox.TaskCreate{LeadMapID: maps[i%len(maps)], Name: fmt.Sprintf("Follow up on proposal %d", i),
			Priority: []taskbox.Priority{taskbox.PriorityLow, taskbox.PriorityMedium, taskbox.PriorityHigh}[i%3]}
		if i%2 == 0 {
			c.Description = &desc
		}
		switch i % 4 {
		case 0, 1:
			due := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, i%60).Format(time.RFC3339)
			c.DueDate = &due
		case 2:
			due := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%60).Format(time.DateOnly)
			c.DueDate = &due
		}
		var fe taskbox.FieldErrors
		if c.Validate(&fe, time.UTC, ""); fe != nil {
			return fe.Err()
		}
		cs[j] = c
	}
	_, err := db.BulkCreateTasks(actx, cs, nil)
	return err
}
