package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	taskbox "github.com/taskboxhq/taskbox"
)

// A write that waits DB.Timeout for a writer busy elsewhere (a stalled
// disk, here a transaction that does not end) is answered 503 in about that
// time, and the writer serves the next writes once it is free again.
func TestGroupCommit_QueueWaitBounded(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(ctx, filepath.Join(t.TempDir(), "taskbox.db"), openOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Timeout = 200 * time.Millisecond
	release, held := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.inWrite(ctx, func(*Tx) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	start := time.Now()
	err = db.inWrite(ctx, func(*Tx) error { return nil })
	if taskbox.ErrorCode(err) != taskbox.EUNAVAILABLE {
		t.Fatalf("write behind a stuck writer: %v, want SERVICE_UNAVAILABLE", err)
	}
	if waited := time.Since(start); waited < db.Timeout || waited > db.Timeout+time.Second {
		t.Errorf("write behind a stuck writer answered after %s, want about %s", waited, db.Timeout)
	}
	close(release)
	// The stuck transaction itself outlived its watchdog: it may be rolled
	// back with a 503 or commit, but nothing else.
	if err := <-done; err != nil && taskbox.ErrorCode(err) != taskbox.EUNAVAILABLE {
		t.Fatal(err)
	}
	if err := db.inWrite(ctx, func(*Tx) error { return nil }); err != nil {
		t.Errorf("write once the writer is free: %v", err)
	}
}

// A write whose own statement PostgreSQL picks to break a deadlock
// (SQLSTATE 40P01, which aborts the transaction) runs again, alone, and
// succeeds; its batch mates commit, alone too if they shared its batch. The deadlock is
// simulated by the request's function failing once with PostgreSQL's error.
func TestGroupCommit_DeadlockedRequestRunsAgain(t *testing.T) {
	ctx := context.Background()
	db, err := openSQLite(ctx, filepath.Join(t.TempDir(), "taskbox.db"), openOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var calls atomic.Int32
	deadlocked := func(*Tx) error {
		if calls.Add(1) == 1 {
			return fmt.Errorf("update task: %w", &pgconn.PgError{Code: "40P01", Message: "deadlock detected"})
		}
		return nil
	}
	errs := make(chan error, 9)
	for range 8 {
		go func() { errs <- db.inWrite(ctx, func(*Tx) error { return nil }) }()
	}
	go func() { errs <- db.inWrite(ctx, deadlocked) }()
	for range 9 {
		if err := <-errs; err != nil {
			t.Errorf("write: %v", err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the deadlocked request ran %d times, want 2 (once more, alone)", n)
	}
}

// In one batch (the second request, queued while the first waits, joins
// its batch), a request that fails after its writes leaves none of them,
// not even the rows the batch inserts at its end (its audit row and its
// task's timer), while its batch mate's task, audit row and timer commit.
func TestGroupCommit_FailedRequestLeavesNoLaterRows(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	create := func(name string) *taskbox.TaskCreate { return validCreate(t, f.mapID, name, "2030-01-01T09:00:00Z") }

	h := writeByHand(db)
	errs := make(chan error, 2)
	go func() { _, err := db.CreateTask(f.actx, create("kept")); errs <- err }()
	h.waitQueued(t, 1) // "kept" waits first
	failed := errors.New("fails after its writes")
	go func() {
		errs <- db.inWrite(ctx, func(tx *Tx) error {
			if _, err := createTask(ctx, tx, f.actor, create("dropped")); err != nil {
				return err
			}
			return failed
		})
	}()
	h.waitQueued(t, 2)
	h.commit()
	got := []error{<-errs, <-errs}
	if n := len(slices.DeleteFunc(got, func(err error) bool { return err == nil })); n != 1 || !errors.Is(got[0], failed) {
		t.Fatalf("errors %v, want only the failing request's", got)
	}
	if b, r := db.WriteBatches(); b != 1 || r != 2 {
		t.Fatalf("%d batches of %d requests, want the two in one", b, r)
	}
	for _, q := range []string{`SELECT COUNT(*) FROM tasks`, `SELECT COUNT(*) FROM task_events`, `SELECT COUNT(*) FROM timers WHERE armed = 1`} {
		var n int
		if err := db.readRow(ctx, q, nil, &n); err != nil || n != 1 {
			t.Errorf("%s = %d, %v; want 1, the kept task's", q, n, err)
		}
	}
}

// A batch whose end fails (here a request leaves an audit row for a task
// that does not exist, which its foreign key refuses) runs its requests
// again, each alone: the creates commit, the create of a lead map not the
// account's gets its 404, and only the faulty request fails. The batch is
// driven by hand (its requests queued before it starts), so that nothing
// waits on timing.
func TestGroupCommit_FailedBatchRunsEachAlone(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	g := &groupCommit{db: db, reqs: make(chan *writeReq, 8), closing: make(chan struct{}), maxTime: time.Minute}
	request := func(r *writeReq) *writeReq {
		r.ctx, r.reply = ctx, make(chan error, 1)
		return r
	}
	creates := []*writeReq{
		request(&writeReq{create: &newTask{actor: f.actor, c: validCreate(t, f.mapID, "one", "2030-01-01T09:00:00Z")}}),
		request(&writeReq{create: &newTask{actor: f.actor, c: validCreate(t, f.mapID+1000, "not the account's", "")}}),
		request(&writeReq{create: &newTask{actor: f.actor, c: validCreate(t, f.mapID, "two", "")}}),
	}
	faulty := request(&writeReq{fn: func(tx *Tx) error {
		tx.later.events.add(f.actor.AccountID(), int64(1_000_000), taskbox.EventCreated, "{}", tx.now.Micros(), nil, nil, nil, nil)
		return nil
	}})
	for _, r := range append(creates[1:], faulty) {
		g.reqs <- r
	}
	g.commit(creates[0])
	if err := <-creates[0].reply; err != nil || creates[0].create.t.ID == 0 {
		t.Errorf("create one: %v", err)
	}
	if err := <-creates[1].reply; taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Errorf("create of another account's lead map: %v, want NOT_FOUND", err)
	}
	if err := <-creates[2].reply; err != nil || creates[2].create.t.ID == 0 {
		t.Errorf("create two: %v", err)
	}
	if err := <-faulty.reply; err == nil {
		t.Error("the faulty request succeeded")
	}
	for _, q := range []string{`SELECT COUNT(*) FROM tasks`, `SELECT COUNT(*) FROM task_events`} {
		var n int
		if err := db.readRow(ctx, q, nil, &n); err != nil || n != 2 {
			t.Errorf("%s = %d, %v; want 2", q, n, err)
		}
	}
	// The failed batch stored its actors and rolled them back: the rows
	// written alone name actors that exist (on PostgreSQL an id taken by
	// a rolled-back insert is never given again).
	var dangling int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM task_events e WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = e.actor_id)`, nil, &dangling); err != nil || dangling != 0 {
		t.Errorf("%d audit rows name an actor that is not stored (%v)", dangling, err)
	}
}

// Requests run without savepoints. One refused before it wrote fails
// alone and runs once; one failed by the database's error (which on
// PostgreSQL aborts the transaction), wherever it stands in the batch,
// leaves its mates to commit, run again alone. Each batch is driven by
// hand, its requests queued before it starts.
func TestGroupCommit_FailuresWithoutSavepoints(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	g := &groupCommit{db: db, reqs: make(chan *writeReq, 8), closing: make(chan struct{}), maxTime: time.Minute}
	type req struct {
		*writeReq
		calls *atomic.Int32
	}
	request := func(fn func(*Tx) error) req {
		var calls atomic.Int32
		return req{&writeReq{ctx: ctx, reply: make(chan error, 1), fn: func(tx *Tx) error { calls.Add(1); return fn(tx) }}, &calls}
	}
	names := 0
	creating := func() req {
		names++
		name := fmt.Sprintf("task %d", names)
		return request(func(tx *Tx) error {
			_, err := createTask(ctx, tx, f.actor, validCreate(t, f.mapID, name, ""))
			return err
		})
	}
	missing := request(func(tx *Tx) error { _, err := findTask(ctx, tx, f.actor.AccountID(), 1_000_000, true); return err })
	failedSelect := func() req {
		return request(func(tx *Tx) error {
			var n int
			return tx.queryRow(ctx, `SELECT COUNT(*) FROM no_such_table`).Scan(&n)
		})
	}
	run := func(batch ...req) {
		t.Helper()
		for _, r := range batch[1:] {
			g.reqs <- r.writeReq
		}
		g.commit(batch[0].writeReq)
		for len(g.reqs) > 0 { // those a failed batch did not take: the next batches
			g.commit(<-g.reqs)
		}
	}
	tasks := func() int {
		var n int
		if err := db.readRow(ctx, `SELECT COUNT(*) FROM tasks`, nil, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	a, c := creating(), creating()
	run(a, missing, c)
	if err := <-missing.reply; taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Errorf("a missing task: %v, want NOT_FOUND", err)
	}
	for _, r := range []req{a, missing, c} {
		if n := r.calls.Load(); n != 1 {
			t.Errorf("a request of a batch whose one failure wrote nothing ran %d times, want 1", n)
		}
	}
	if err := errors.Join(<-a.reply, <-c.reply); err != nil || tasks() != 2 {
		t.Fatalf("the failure's batch mates: %v, %d tasks; want both committed", err, tasks())
	}

	// The database's error in the middle of a batch, then last: it fails
	// the batch (on PostgreSQL its transaction is aborted), whose
	// requests run again alone.
	for _, batch := range [][]req{{creating(), failedSelect(), creating()}, {creating(), failedSelect()}} {
		before := tasks()
		run(batch...)
		for i, r := range batch {
			err := <-r.reply
			if (err != nil) != (i == 1) {
				t.Errorf("request %d of %d: %v", i, len(batch), err)
			}
		}
		if got, want := tasks(), before+len(batch)-1; got != want {
			t.Errorf("%d tasks after a batch with a failed statement, want %d", got, want)
		}
	}
}

// On SQLite the writer merges the search index's segments when no request
// waits (tidy), not in the commits that write them: after 24 creates,
// each committed by itself (more than the 16 segments at which a level
// merges, fewer than the 32 at which a commit would merge them itself,
// migration 00026), tidying runs steps until nothing is left, leaves
// fewer rows in the index's data, and every task is still found; DB.Tidy
// runs the steps to the end at once. PostgreSQL has no such upkeep.
func TestGroupCommit_TidyMergesTheSearchIndex(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	h := writeByHand(db) // no writer loop: nothing tidies but the test
	create24 := func() {
		for i := range 24 {
			r := &writeReq{ctx: ctx, reply: make(chan error, 1), fn: func(tx *Tx) error {
				_, err := createTask(ctx, tx, f.actor, validCreate(t, f.mapID, fmt.Sprintf("needle %d", i), ""))
				return err
			}}
			h.g.commit(r)
			if err := <-r.reply; err != nil {
				t.Fatal(err)
			}
		}
	}
	create24()
	if _, ok := db.dialect.(postgresDialect); ok {
		if h.g.tidy() {
			t.Error("tidy says more is left on a database without upkeep")
		}
		if err := db.Tidy(ctx); err != nil {
			t.Errorf("Tidy: %v", err)
		}
		return
	}
	count := func(q string) int {
		var n int
		if err := db.readRow(ctx, q, nil, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count(`SELECT COUNT(*) FROM task_search_data`)
	steps := 0
	for h.g.tidy() {
		if steps++; steps > 1000 {
			t.Fatal("tidy never ends")
		}
	}
	after := count(`SELECT COUNT(*) FROM task_search_data`)
	if steps == 0 || after >= before {
		t.Errorf("%d tidy steps took the index's data from %d rows to %d; want fewer", steps, before, after)
	}
	if n := count(`SELECT COUNT(*) FROM task_search WHERE task_search MATCH '"edl"'`); n != 24 {
		t.Errorf("%d of the 24 tasks found after the merges", n)
	}

	// DB.Tidy does at once what the idle steps do: after 24 more
	// commits it merges until a step finds nothing left.
	create24()
	before = count(`SELECT COUNT(*) FROM task_search_data`)
	if err := db.Tidy(ctx); err != nil {
		t.Fatal(err)
	}
	if after := count(`SELECT COUNT(*) FROM task_search_data`); after >= before {
		t.Errorf("Tidy took the index's data from %d rows to %d; want fewer", before, after)
	}
	if h.g.tidy() {
		t.Error("a step after Tidy found more to merge")
	}
	if n := count(`SELECT COUNT(*) FROM task_search WHERE task_search MATCH '"edl"'`); n != 48 {
		t.Errorf("%d of the 48 tasks found after Tidy", n)
	}
}

// The idle writer looks for upkeep only after the dialect's tidyEvery
// batches (on SQLite the search index's usermerge, migration 00026): the
// batches before it run no step, so a lone create does not pay for a
// look that finds nothing; the batch that reaches it is followed by one.
func TestGroupCommit_UpkeepAfterTidyEveryBatches(t *testing.T) {
	db := openBackend(t)
	f := newBatchFixture(t, db)
	every := db.dialect.tidyEvery()
	if _, ok := db.dialect.(sqliteDialect); ok {
		// A level merges at usermerge segments and a batch adds one: the
		// writer looks as often as a merge can have become due.
		var usermerge int
		if err := db.readRow(context.Background(), `SELECT v FROM task_search_config WHERE k = 'usermerge'`, nil, &usermerge); err != nil {
			t.Fatal(err)
		}
		if every != usermerge {
			t.Errorf("SQLite looks for upkeep every %d batches, but the search index merges a level at %d segments (migration 00026)", every, usermerge)
		}
	}
	db.writer.close() // a writer whose count starts with this test's batches
	db.writer = startGroupCommit(db, 1)
	create := func(i int) {
		if _, err := db.CreateTask(f.actx, validCreate(t, f.mapID, fmt.Sprintf("lone %d", i), "")); err != nil {
			t.Fatal(err)
		}
	}
	for i := range every - 1 {
		create(i)
	}
	if n := db.UpkeepSteps(); n != 0 {
		t.Fatalf("%d upkeep steps after %d batches, want none before %d", n, every-1, every)
	}
	create(every)
	for deadline := time.Now().Add(10 * time.Second); db.UpkeepSteps() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no upkeep step 10s after batch %d", every)
		}
	}
}

// tidyCounter is a dialect whose upkeep has steps left until it is told
// otherwise, and which counts the steps it ran.
type tidyCounter struct {
	dialect
	steps int
	more  bool
	at    time.Time
}

func (d *tidyCounter) tidy(_ context.Context, _ *sql.DB, now time.Time) bool {
	d.steps++
	d.at = now
	return d.more
}

func (d *tidyCounter) tidyPause() time.Duration { return time.Minute }

// An idle writer runs the upkeep by the clock of its last batch, and once
// a step found nothing left it leaves the upkeep alone for the dialect's
// pause (PostgreSQL: a minute), then looks again.
func TestGroupCommit_TidyPause(t *testing.T) {
	d := &tidyCounter{dialect: postgresDialect{}, more: true}
	g := &groupCommit{db: &DB{dialect: d}}
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	step := func(after time.Duration, wantSteps int, wantMore bool) {
		t.Helper()
		g.lastAt.Store(t0.Add(after).UnixMicro())
		if more := g.tidy(); more != wantMore || d.steps != wantSteps {
			t.Fatalf("%v after: more %v after %d steps, want %v after %d", after, more, d.steps, wantMore, wantSteps)
		}
	}
	step(0, 1, true)
	if !d.at.Equal(t0) {
		t.Errorf("the step ran at %v, want the last batch's %v", d.at, t0)
	}
	step(time.Second, 2, true)
	d.more = false
	step(2*time.Second, 3, false) // nothing left: the pause starts
	d.more = true
	step(30*time.Second, 3, false)
	step(61*time.Second, 3, false)
	step(62*time.Second, 4, true)

	// bench --without tidy: no step at all.
	g.db.without.NoTidy = true
	step(time.Hour, 4, false)
}

// A complete's timers are disarmed at its batch's end, with the batch's
// others in one statement. A reopen of the same task later in the batch
// runs that disarm first, so the reopen's timers stay armed; a complete
// whose request fails leaves nothing to disarm. Each batch is driven by
// hand, its requests queued before it starts.
func TestGroupCommit_DisarmAtBatchEnd(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	g := &groupCommit{db: db, reqs: make(chan *writeReq, 8), closing: make(chan struct{}), maxTime: time.Minute}
	request := func(fn func(*Tx) error) *writeReq {
		return &writeReq{ctx: ctx, reply: make(chan error, 1), fn: fn}
	}
	run := func(batch ...*writeReq) []error {
		t.Helper()
		for _, r := range batch[1:] {
			g.reqs <- r
		}
		g.commit(batch[0])
		if len(g.reqs) > 0 {
			t.Fatalf("%d requests left out of the batch", len(g.reqs))
		}
		errs := make([]error, len(batch))
		for i, r := range batch {
			errs[i] = <-r.reply
		}
		return errs
	}
	ids := make([]int64, 3)
	var creates []*writeReq
	for i := range ids {
		creates = append(creates, request(func(tx *Tx) error {
			c := validCreate(t, f.mapID, fmt.Sprintf("task %d", i), "2030-01-01T09:00:00Z")
			c.Reminders = []string{"PT1H", "P1D"}
			task, err := createTask(ctx, tx, f.actor, c)
			if err == nil {
				ids[i] = task.ID
			}
			return err
		}))
	}
	if err := errors.Join(run(creates...)...); err != nil {
		t.Fatal(err)
	}
	setStatus := func(id int64, s taskbox.Status, fail bool) *writeReq {
		return request(func(tx *Tx) error {
			task, err := findTask(ctx, tx, f.actor.AccountID(), id, true)
			if err != nil {
				return err
			}
			if err := updateTask(ctx, tx, f.actor, task, &taskbox.TaskUpdate{Status: &s}); err != nil || !fail {
				return err
			}
			return errors.New("failed after it wrote")
		})
	}
	armed := func(id int64) int {
		var n int
		if err := db.readRow(ctx, `SELECT COUNT(*) FROM timers WHERE subject_id = ? AND kind IN (?, ?) AND armed = 1`,
			[]any{id, TimerDue, TimerTaskReminder}, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, id := range ids {
		if n := armed(id); n != 3 {
			t.Fatalf("task %d: %d armed timers after its create, want 3 (TASK_DUE and two reminders)", id, n)
		}
	}
	// Complete, then reopen, task 0; complete task 1 and task 2.
	done, open := taskbox.StatusCompleted, taskbox.StatusPending
	errs := run(setStatus(ids[0], done, false), setStatus(ids[1], done, false), setStatus(ids[0], open, false), setStatus(ids[2], done, false))
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{3, 0, 0} {
		if n := armed(ids[i]); n != want {
			t.Errorf("task %d: %d armed timers, want %d", i, n, want)
		}
	}
	// A reopen whose request fails after it wrote fails its batch, which
	// runs each request alone: the complete before it still disarms.
	errs = run(setStatus(ids[0], done, false), setStatus(ids[1], open, true))
	if errs[0] != nil || errs[1] == nil {
		t.Fatalf("errors %v, want the second request's alone", errs)
	}
	if n, m := armed(ids[0]), armed(ids[1]); n != 0 || m != 0 {
		t.Errorf("%d and %d armed timers, want none: one completed, the other's reopen failed", n, m)
	}
}
