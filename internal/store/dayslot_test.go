package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// On PostgreSQL each batch adds its day counts to a slot of its own,
// picked at random (migration 00019), so that concurrent batches do not
// lock one row a day: after many batches the count of one day is spread
// over several rows, and the summary, which sums them, still equals a
// count of the tasks one by one.
func TestDayCounts_SpreadOverSlots(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skip("SQLite has one writer and one slot")
	}
	tdb := testdb.Open(t)
	db := tdb.DB
	f := newFixture(t, db, "slots", "UTC", 1)
	now := mustTime(t, "2025-03-09T06:30:00Z")
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
	var slots, sum int
	if err := raw.QueryRow(`SELECT COUNT(DISTINCT slot), SUM(n) FROM task_day_counts
		WHERE account_id = $1 AND status = 'pending' AND due_all_day = 1 AND day = $2`,
		f.account.ID, mustTime(t, past+"T00:00:00Z").Unix()/86400).Scan(&slots, &sum); err != nil {
		t.Fatal(err)
	}
	if slots < 2 || sum != want.Overdue {
		t.Errorf("the pending tasks of one day: %d in %d slots, want %d in more than one", sum, slots, want.Overdue)
	}
	got, err := db.Summarize(f.ctx, time.UTC, now)
	if err != nil {
		t.Fatal(err)
	}
	if *got != want {
		t.Errorf("summary %+v, counted %+v", *got, want)
	}
}

// Migration 00019 keeps the day counts: rows written before it are slot
// 0 of their key, and going down sums each key's slots into one row.
func TestMigrationDayCountSlots(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.NewDSN(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.MigrateTo(ctx, 18); err != nil { // SQLite has no 00018: up to 00017
		t.Fatal(err)
	}
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
