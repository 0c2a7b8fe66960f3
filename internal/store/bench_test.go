package store_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

var (
	benchTasks  = flag.Int("bench-tasks", 1_000_000, "tasks in the inbox benchmark's account")
	benchUntidy = flag.Bool("bench-untidy", false, "leave the inbox benchmark's database as its load wrote it: no upkeep when the writer is idle (store.Machinery.NoTidy), no DB.Tidy after the load")
	benchDB     = flag.String("bench-db", "", "keep the inbox benchmark's database in this SQLite file or PostgreSQL URL and reuse it (default: a new temporary database)")
)

// BenchmarkInbox fills one account with -bench-tasks tasks over 10,000 lead
// maps through the bulk endpoint's store method, and 2,000 more in a
// second campaign, then times the inbox's queries. Each sub-benchmark
// reports the median and p99 of its calls.
//
//	go test ./internal/store -run '^$' -bench Inbox -benchtime 200x -timeout 60m
func BenchmarkInbox(b *testing.B) {
	ctx, db, now := loadInbox(b)
	small := smallCampaign(b, ctx, db, now) // 2,000 tasks beside the million
	var cursor1000 string
	b.Run("FirstPageOverdue", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.ListTasks(ctx, taskbox.TaskFilter{Due: taskbox.DueOverdue, Limit: 20, Now: now})
			return err
		})
	})
	b.Run("Page1000", func(b *testing.B) {
		if cursor1000 == "" {
			cursor1000 = walkPages(b, ctx, db, 999, now)
		}
		timeCalls(b, func() error {
			_, err := db.ListTasks(ctx, taskbox.TaskFilter{Limit: 20, Cursor: cursor1000, Now: now})
			return err
		})
	})
	b.Run("SearchQ", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.ListTasks(ctx, taskbox.TaskFilter{Query: "pricing", Limit: 20, Now: now})
			return err
		})
	})
	// Search by a lead (issue #18): one lead's email (about 100 tasks of
	// 1,000,000), a last name, a company (3 leads), a first name that a
	// tenth of the leads have, and the exact count of a filtered section.
	for name, q := range map[string]string{"SearchEmail": "lead04242@example.com", "SearchLastName": "surname04242",
		"SearchCompany": "company 1414", "SearchFirstName": "dmitri"} {
		b.Run(name, func(b *testing.B) {
			timeCalls(b, func() error {
				_, err := db.ListTasks(ctx, taskbox.TaskFilter{Query: q, Limit: 25, Now: now})
				return err
			})
		})
	}
	b.Run("CountSearchCompany", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.CountTasks(ctx, taskbox.TaskFilter{Query: "company 1414", Now: now})
			return err
		})
	})
	b.Run("CountOverdueHigh", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.CountTasks(ctx, taskbox.TaskFilter{Due: taskbox.DueOverdue, Priorities: []taskbox.Priority{taskbox.PriorityHigh}, Now: now})
			return err
		})
	})
	// The web inbox under filters counts every section at once
	// (CountSections): a priority (a third of the tasks), a campaign (the
	// million's; "small", below, has the other 2,000), a rare search and a
	// common one.
	for name, f := range map[string]taskbox.TaskFilter{
		"SectionsHigh":          {Priorities: []taskbox.Priority{taskbox.PriorityHigh}},
		"SectionsCampaign":      {CampaignID: 1},
		"SectionsSearchCompany": {Query: "company 1414"},
		"SectionsSearchPricing": {Query: "pricing"},
	} {
		b.Run("Count"+name, func(b *testing.B) {
			f.Now = now
			timeCalls(b, func() error {
				_, err := db.CountSections(ctx, f)
				return err
			})
		})
	}
	// A campaign's tasks: "small"'s 2,000 beside the million, and the
	// million's.
	for name, f := range map[string]taskbox.TaskFilter{
		"CampaignSmallFirstPage": {CampaignID: small, Limit: 20},
		"CampaignLargeFirstPage": {CampaignID: 1, Limit: 20},
		"CampaignSmallOverdue":   {CampaignID: small, Due: taskbox.DueOverdue, Limit: 20},
	} {
		b.Run(name, func(b *testing.B) {
			f.Now = now
			timeCalls(b, func() error {
				_, err := db.ListTasks(ctx, f)
				return err
			})
		})
	}
	b.Run("CountCampaignSmall", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.CountTasks(ctx, taskbox.TaskFilter{CampaignID: small, Now: now})
			return err
		})
	})
	b.Run("CompletedNewestFirst", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.ListTasks(ctx, taskbox.TaskFilter{Status: "completed", Sort: "-completed_at", Limit: 25, Now: now})
			return err
		})
	})
	b.Run("Summary", func(b *testing.B) {
		timeCalls(b, func() error {
			_, err := db.Summarize(ctx, time.UTC, now)
			return err
		})
	})
}

// timeCalls runs fn b.N times and reports the median and p99 latency.
func timeCalls(b *testing.B, fn func() error) {
	b.Helper()
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}

func walkPages(b *testing.B, ctx context.Context, db *store.DB, pages int, now time.Time) string {
	b.Helper()
	cursor := ""
	for i := 0; i < pages; i++ {
		page, err := db.ListTasks(ctx, taskbox.TaskFilter{Limit: 20, Cursor: cursor, Now: now})
		if err != nil || page.NextCursor == nil {
			b.Fatalf("page %d: %v", i, err)
		}
		cursor = *page.NextCursor
	}
	return cursor
}

// smallCampaign returns the id of the inbox benchmark's campaign
// "small", making it first if the database has none: 100 of the leads
// mapped to it, and 2,000 tasks over them, due as the million are.
func smallCampaign(b *testing.B, ctx context.Context, db *store.DB, now time.Time) int64 {
	b.Helper()
	campaigns, err := db.ListCampaigns(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range campaigns {
		if c.Name == "small" {
			return c.ID
		}
	}
	c, err := db.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "small"})
	if err != nil {
		b.Fatal(err)
	}
	up := &taskbox.LeadUpload{CampaignID: c.ID}
	for j := range 100 {
		up.Leads = append(up.Leads, taskbox.LeadInput{Email: fmt.Sprintf("lead%05d@example.com", j*97)})
	}
	res, err := db.AddLeads(ctx, up)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	creates := make([]*taskbox.TaskCreate, 2000)
	for i := range creates {
		s := now.Add(time.Duration(rng.IntN(120*24)-60*24) * time.Hour).Format(time.RFC3339)
		creates[i] = &taskbox.TaskCreate{LeadMapID: res.Leads[i%len(res.Leads)].LeadMapID, Name: "small " + benchWords[rng.IntN(len(benchWords))],
			Priority: []taskbox.Priority{"LOW", "MEDIUM", "HIGH"}[rng.IntN(3)], DueDate: &s}
	}
	for i := 0; i < len(creates); i += taskbox.MaxBulk {
		if _, err := db.BulkCreateTasks(ctx, creates[i:min(i+taskbox.MaxBulk, len(creates))], nil); err != nil {
			b.Fatal(err)
		}
	}
	return c.ID
}

var benchWords = []string{"call", "pricing", "proposal", "demo", "contract", "follow", "up", "send", "quote", "renewal",
	"intro", "meeting", "budget", "seats", "trial", "security", "review", "legal", "invoice", "onboarding"}

var benchFirstNames = []string{"Ann", "Bob", "Carla", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas"}

// loadInbox opens (or makes) the benchmark database and returns a context
// acting as its account and a fixed "now" in the middle of the due dates.
func loadInbox(b *testing.B) (context.Context, *store.DB, time.Time) {
	b.Helper()
	path := *benchDB
	if path == "" {
		path = testdb.NewDSN(b) // SQLite, or PostgreSQL under TASKBOX_TEST_POSTGRES
	}
	_, statErr := os.Stat(path) // a PostgreSQL URL is never a file: always loaded
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.WithoutMachinery(store.Machinery{NoTidy: *benchUntidy}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	// tidy does what an idle server's writer does a step at a time.
	tidy := func() {
		if *benchUntidy {
			return
		}
		start := time.Now()
		if err := db.Tidy(ctx); err != nil {
			b.Fatal(err)
		}
		b.Logf("tidied in %s", time.Since(start).Round(time.Millisecond))
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	acct, err := db.FindAccountByName(ctx, "bench")
	if statErr == nil || (err == nil && store.IsPostgres(path)) {
		if err != nil {
			b.Fatal(err)
		}
		key, err := db.CreateKey(ctx, acct.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		actor, err := db.Authenticate(ctx, key.Secret)
		if err != nil {
			b.Fatal(err)
		}
		tidy()
		return taskbox.NewContextWithActor(ctx, actor), db, now
	}
	start := time.Now()
	f := newFixture(b, db, "bench", "UTC", 0)
	for i := 0; i < 10_000; i += taskbox.MaxLeadsPerUpload {
		up := &taskbox.LeadUpload{CampaignID: f.campaign.ID}
		for j := i; j < i+taskbox.MaxLeadsPerUpload; j++ {
			first, last, company := benchFirstNames[j%len(benchFirstNames)], fmt.Sprintf("Surname%05d", j), fmt.Sprintf("Company %04d Ltd", j/3)
			up.Leads = append(up.Leads, taskbox.LeadInput{Email: fmt.Sprintf("lead%05d@example.com", j), FirstName: &first,
				LastName: &last, CompanyName: &company})
		}
		res, err := db.AddLeads(f.ctx, up)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range res.Leads {
			f.mapIDs = append(f.mapIDs, l.LeadMapID)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	batch := make([]*taskbox.TaskCreate, 0, taskbox.MaxBulk)
	var toComplete []int64
	for i := 0; i < *benchTasks; i++ {
		c := &taskbox.TaskCreate{
			LeadMapID: f.mapIDs[rng.IntN(len(f.mapIDs))],
			Name:      benchWords[rng.IntN(len(benchWords))] + " " + benchWords[rng.IntN(len(benchWords))],
			Priority:  []taskbox.Priority{"LOW", "MEDIUM", "HIGH"}[rng.IntN(3)],
		}
		if rng.IntN(10) < 8 {
			due := now.Add(time.Duration(rng.IntN(120*24)-60*24) * time.Hour)
			s := due.Format(time.RFC3339)
			if rng.IntN(10) == 0 {
				s = due.Format(time.DateOnly)
			}
			c.DueDate = &s
		}
		batch = append(batch, c)
		if len(batch) == cap(batch) || i == *benchTasks-1 {
			tasks, err := db.BulkCreateTasks(f.ctx, batch, nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, t := range tasks {
				if rng.IntN(10) == 0 {
					toComplete = append(toComplete, t.ID)
				}
			}
			batch = batch[:0]
		}
	}
	for i := 0; i < len(toComplete); i += taskbox.MaxBulk {
		ids := toComplete[i:min(i+taskbox.MaxBulk, len(toComplete))]
		if _, err := db.BulkUpdateTasks(f.ctx, &taskbox.BulkUpdate{IDs: ids, Set: taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}}); err != nil {
			b.Fatal(err)
		}
	}
	tidy()
	if err := db.Analyze(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d tasks (%d completed) over %d lead maps in %s", *benchTasks, len(toComplete), len(f.mapIDs), time.Since(start).Round(time.Second))
	return f.ctx, db, now
}
