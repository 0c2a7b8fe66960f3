package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// On PostgreSQL each batch adds its day counts to a slot of its own,
// picked at random (migration 00019), so that concurrent batches do not
// lock one row a day: after many batches the count of one day is spread
// over several rows, and the summary, which sums them, still equals a
// count of the tasks one by one. The slots of days that have passed are
// merged back into one row (DB.Tidy, which an idle writer runs a step at a
// time), the counts unchanged, while later days stay spread.
func TestDayCounts_SpreadOverSlots(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skip("SQLite has one writer and one slot")
	}
	tdb := testdb.Open(t)
	db := tdb.DB
	now := mustTime(t, "2025-03-09T06:30:00Z")
	db.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: now} }
	f := newFixture(t, db, "slots", "UTC", 1)
	past, future := now.AddDate(0, 0, -10).Format(time.DateOnly), now.AddDate(0, 0, 10).Format(time.DateOnly)
	// Each request is a batch of its own: one after the other.
	var ids []int64
	for i := range 48 {
		due := past
		if i%2 == 1 {
			due = future
		}
		ids = append(ids, f.task(t, db, fmt.Sprintf("t%d", i), &due, "").ID)
	}
	want := taskbox.Summary{Overdue: 24, Upcoming: 24}
	for _, id := range ids[:6] { // three past, three future
		if _, err := db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
			t.Fatal(err)
		}
	}
	want.Overdue, want.Upcoming, want.Completed = want.Overdue-3, want.Upcoming-3, 6
	for _, id := range ids[6:10] { // two past, two future
		if err := db.DeleteTask(f.ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	want.Overdue, want.Upcoming = want.Overdue-2, want.Upcoming-2

	raw := rawDB(t, tdb.DSN)
	day := func(date string) int64 { return mustTime(t, date+"T00:00:00Z").Unix() / 86400 }
	// pending counts the slots and sums the rows of the pending tasks due
	// on date.
	pending := func(date string) (slots, sum int) {
		t.Helper()
		if err := raw.QueryRow(`SELECT COUNT(*), SUM(n) FROM task_day_counts
			WHERE account_id = $1 AND status = 'pending' AND due_all_day = 1 AND day = $2`,
			f.account.ID, day(date)).Scan(&slots, &sum); err != nil {
			t.Fatal(err)
		}
		return slots, sum
	}
	summary := func(when string) {
		t.Helper()
		got, err := db.Summarize(f.ctx, time.UTC, now)
		if err != nil {
			t.Fatal(err)
		}
		if *got != want {
			t.Errorf("%s: summary %+v, counted %+v", when, *got, want)
		}
	}
	// The idle writer may have merged the past day already (the clock
	// says it passed); the future day it leaves alone.
	if slots, sum := pending(future); slots < 2 || sum != want.Upcoming {
		t.Errorf("the pending tasks of one day: %d in %d slots, want %d in more than one", sum, slots, want.Upcoming)
	}
	if _, sum := pending(past); sum != want.Overdue {
		t.Errorf("the pending tasks of a past day: %d, want %d", sum, want.Overdue)
	}
	summary("spread")

	if err := db.Tidy(f.ctx); err != nil {
		t.Fatal(err)
	}
	var merged, slot int
	if err := raw.QueryRow(`SELECT COUNT(*), MAX(slot) FROM task_day_counts
		WHERE account_id = $1 AND day < $2`, f.account.ID, day(now.Format(time.DateOnly))).Scan(&merged, &slot); err != nil {
		t.Fatal(err)
	}
	// The past day's keys: pending and completed.
	if merged != 2 || slot != 0 {
		t.Errorf("after Tidy the past day has %d rows, the highest in slot %d; want 2 rows in slot 0", merged, slot)
	}
	if slots, sum := pending(future); slots < 2 || sum != want.Upcoming {
		t.Errorf("after Tidy the pending tasks of a later day: %d in %d slots, want %d still spread", sum, slots, want.Upcoming)
	}
	summary("merged")

	// The past day's tasks change (in new slots) while the past day is
	// merged again and again: no count is lost or counted twice, and no
	// deadlock breaks a batch.
	deadlocks, err := db.Deadlocks(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pastIDs []int64
	for i := 10; i < len(ids); i += 2 {
		pastIDs = append(pastIDs, ids[i])
	}
	var g errgroup.Group
	for _, id := range pastIDs {
		g.Go(func() error {
			_, err := db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)})
			return err
		})
	}
	stop := make(chan struct{})
	tidied := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				tidied <- nil
				return
			default:
			}
			if err := db.Tidy(f.ctx); err != nil {
				tidied <- err
				return
			}
		}
	}()
	err = g.Wait()
	close(stop)
	if terr := <-tidied; err != nil || terr != nil {
		t.Fatal(err, terr)
	}
	want.Overdue, want.Completed = want.Overdue-len(pastIDs), want.Completed+len(pastIDs)
	summary("completed while merging")
	if err := db.Tidy(f.ctx); err != nil {
		t.Fatal(err)
	}
	summary("merged again")
	if slots, sum := pending(past); slots != 1 || sum != 0 {
		t.Errorf("the past day's pending tasks: %d in %d rows, want 0 in one", sum, slots)
	}
	if after, err := db.Deadlocks(f.ctx); err != nil || after != deadlocks {
		t.Errorf("deadlocks %d before, %d after (%v)", deadlocks, after, err)
	}
}

// Migration 00019 keeps the day counts: rows written before it are slot
// 0 of their key, and going down sums each key's slots into one row.
func TestMigrationDayCountSlots(t *testing.T) {
	ctx := context.Background()
	db, dsn := openAt(t, 18) // SQLite has no 00018: up to 00017
	raw := rawDB(t, dsn)
	exec := func(q string) {
		t.Helper()
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO task_day_counts (account_id, status, due_all_day, day, n) VALUES
		(1, 'pending', 0, 100, 3), (1, 'pending', 1, 100, 2), (1, 'completed', 0, 101, 5), (2, 'pending', 0, 100, 0)`)
	before := dayCountRows(t, raw)

	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dayCountRows(t, raw); !maps.Equal(got, before) {
		t.Fatalf("after 00019 the counts are %v, want %v", got, before)
	}
	var moved int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM task_day_counts WHERE slot <> 0`).Scan(&moved); err != nil {
		t.Fatal(err)
	}
	if moved != 0 {
		t.Fatalf("%d rows are not in slot 0", moved)
	}
	// Other batches wrote other slots: of a key with a slot 0, of one without.
	exec(`INSERT INTO task_day_counts (account_id, status, due_all_day, day, slot, n) VALUES
		(1, 'pending', 0, 100, 5, 4), (1, 'pending', 0, 100, 15, -1), (1, 'pending', 0, 102, 3, 7), (1, 'pending', 0, 102, 9, 1)`)
	want := maps.Clone(before)
	want["1 pending 0 100"] += 3
	want["1 pending 0 102"] = 8

	if err := db.MigrateDownTo(ctx, 18); err != nil {
		t.Fatal(err)
	}
	if got := dayCountRows(t, raw); !maps.Equal(got, want) {
		t.Errorf("after 00019's Down the counts are %v, want %v", got, want)
	}
	if _, err := raw.Exec(`SELECT slot FROM task_day_counts`); err == nil {
		t.Error("after 00019's Down task_day_counts still has a slot column")
	}
	// One row a key again: the old primary key holds.
	if _, err := raw.Exec(`INSERT INTO task_day_counts (account_id, status, due_all_day, day, n) VALUES (1, 'pending', 0, 102, 1)`); err == nil {
		t.Error("after 00019's Down a key can have two rows")
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if got := dayCountRows(t, raw); !maps.Equal(got, want) {
		t.Errorf("after 00019 again the counts are %v, want %v", got, want)
	}
}

// dayCountRows are the sums of task_day_counts by key ("account status
// all-day day"), over its slots if it has them.
func dayCountRows(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	rows, err := raw.Query(`SELECT account_id, status, due_all_day, day, n FROM task_day_counts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sums := map[string]int{}
	for rows.Next() {
		var account, allDay, day int64
		var status string
		var n int
		if err := rows.Scan(&account, &status, &allDay, &day, &n); err != nil {
			t.Fatal(err)
		}
		sums[fmt.Sprintf("%d %s %d %d", account, status, allDay, day)] += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}
