package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// openBackend opens a migrated store on the test run's backend: a new
// SQLite file, or a new database on TASKBOX_TEST_POSTGRES's server.
func openBackend(t *testing.T) *DB {
	ctx := context.Background()
	admin := os.Getenv("TASKBOX_TEST_POSTGRES")
	dsn := filepath.Join(t.TempDir(), "taskbox.db")
	if admin != "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "taskbox_internal_" + hex.EncodeToString(b)
		conn, err := sql.Open("pgx", admin)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(`CREATE DATABASE ` + name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); conn.Close() })
		u, _ := url.Parse(admin)
		u.Path = "/" + name
		dsn = u.String()
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// batchFixture is an account acting through actx, with one lead map.
type batchFixture struct {
	actor *taskbox.Actor
	actx  context.Context
	mapID int64
}

func newBatchFixture(t *testing.T, db *DB) batchFixture {
	ctx := context.Background()
	_, key, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := db.Authenticate(ctx, key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	actx := taskbox.NewContextWithActor(ctx, actor)
	camp, err := db.CreateCampaign(actx, &taskbox.CampaignCreate{Name: "outreach"})
	if err != nil {
		t.Fatal(err)
	}
	leads, err := db.AddLeads(actx, &taskbox.LeadUpload{CampaignID: camp.ID, Leads: []taskbox.LeadInput{{Email: "ada@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	return batchFixture{actor, actx, leads.Leads[0].LeadMapID}
}

// validCreate is a validated create-task of the lead map, due at due ("": none).
func validCreate(t *testing.T, mapID int64, name, due string) *taskbox.TaskCreate {
	c := &taskbox.TaskCreate{LeadMapID: mapID, Name: name}
	if due != "" {
		c.DueDate = &due
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe, time.UTC, ""); fe != nil {
		t.Fatal(fe.Err())
	}
	return c
}

// On PostgreSQL, where other writers commit while a batch runs, a change
// that joins a batch after a webhook was created and acknowledged on
// another writer is queued for that webhook: the batch does not keep the
// webhooks it read at its start.
func TestGroupCommit_SeesWebhookCommittedDuringTheBatch(t *testing.T) {
	if os.Getenv("TASKBOX_TEST_POSTGRES") == "" {
		t.Skip("PostgreSQL only: SQLite's one writer commits webhooks in the batches themselves")
	}
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	db.writer.maxTime = time.Minute

	gate1, held1 := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 10)
	go func() {
		errs <- db.inWrite(ctx, func(tx *Tx) error {
			if _, err := createTask(ctx, tx, f.actor, validCreate(t, f.mapID, "T1", "")); err != nil {
				return err
			}
			close(held1)
			<-gate1
			return nil
		})
	}()
	<-held1
	if _, err := db.CreateWebhook(f.actx, &taskbox.WebhookCreate{URL: "https://example.com/hook", Events: []string{taskbox.EventTypeTaskCreated}}); err != nil {
		t.Fatal(err)
	}
	// The other writers are busy, so the next create joins the first batch.
	gate2 := occupyOtherWriters(t, db, errs)
	var t2 *taskbox.Task
	go func() {
		var err error
		t2, err = db.CreateTask(f.actx, validCreate(t, f.mapID, "T2, created after the webhook", ""))
		errs <- err
	}()
	time.Sleep(200 * time.Millisecond)
	close(gate1)
	time.Sleep(200 * time.Millisecond)
	close(gate2)
	for range db.writerCount() + 1 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var outbox sql.NullInt64
	if err := db.readRow(ctx, `SELECT outbox FROM task_events WHERE task_id = ?`, []any{t2.ID}, &outbox); err != nil {
		t.Fatal(err)
	}
	if !outbox.Valid {
		t.Errorf("task %d, created after the TASK_CREATED webhook was acknowledged, is not in the outbox", t2.ID)
	}
}

// A task's TASK_DUE is queued after the deliveries of the changes before
// it: a timer whose task still has changes in the outbox waits for the
// dispatcher, here a task created already past due with a webhook on
// TASK_CREATED and TASK_DUE, its timer looked at before the outbox.
func TestFireTimers_DueWaitsForTheTasksOutbox(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	if _, err := db.CreateWebhook(f.actx, &taskbox.WebhookCreate{URL: "https://example.com/hook",
		Events: []string{taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskDue}}); err != nil {
		t.Fatal(err)
	}
	task, err := db.CreateTask(f.actx, validCreate(t, f.mapID, "past due", "2020-01-01T09:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	if fired, err := db.FireTimers(ctx, 100); err != nil || fired[TimerDue] != 0 {
		t.Fatalf("FireTimers before the dispatch = %v, %v; want 0: TASK_CREATED is not queued yet", fired, err)
	}
	if n, err := db.DispatchOutbox(ctx, 100); err != nil || n != 1 {
		t.Fatalf("DispatchOutbox = %d, %v", n, err)
	}
	if fired, err := db.FireTimers(ctx, 100); err != nil || fired[TimerDue] != 1 {
		t.Fatalf("FireTimers after the dispatch = %v, %v; want 1", fired, err)
	}
	var order []string
	rows, err := db.read.QueryContext(ctx, db.dialect.rebind(`SELECT event_type FROM webhook_deliveries WHERE task_id = ? ORDER BY id`), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		order = append(order, s)
	}
	if want := []string{taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskDue}; !slices.Equal(order, want) {
		t.Errorf("deliveries %v, want %v", order, want)
	}
}

// A request that completes a task another request of its batch creates
// (its id guessed: ids are sequential) does not find it: a batch inserts
// its creates at its end, as if they came after its other requests. The
// task is created pending with its timer armed.
func TestGroupCommit_ChangeToATaskCreatedInTheSameBatch(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	db.writer.maxTime = time.Minute
	errs := make(chan error, 10)
	gate := holdWriters(db, 1, errs)
	others := occupyOtherWriters(t, db, errs)
	var created *taskbox.Task
	createErr := make(chan error, 1)
	go func() {
		var err error
		created, err = db.CreateTask(f.actx, validCreate(t, f.mapID, "x", "2030-01-01T09:00:00Z"))
		createErr <- err
	}()
	time.Sleep(100 * time.Millisecond)
	updateErr := make(chan error, 1)
	go func() {
		_, err := db.UpdateTask(f.actx, 1, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)})
		updateErr <- err
	}()
	time.Sleep(100 * time.Millisecond)
	close(gate)
	time.Sleep(100 * time.Millisecond)
	close(others)
	for range db.writerCount() {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-createErr; err != nil {
		t.Fatal(err)
	}
	if err := <-updateErr; taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("the completion of the task its batch creates: %v; want NOT_FOUND", err)
	}
	if b, r := db.WriteBatches(); r-b < 2 {
		t.Fatalf("%d requests in %d batches: the create and the completion did not share one", r, b)
	}
	got, err := db.FindTaskByID(f.actx, created.ID)
	if err != nil || got.Status != taskbox.StatusPending {
		t.Fatalf("task %d: %v, %v; want it pending", created.ID, got, err)
	}
	var armed int
	if err := db.readRow(ctx, `SELECT armed FROM timers WHERE kind = 'due' AND subject_id = ?`, []any{created.ID}, &armed); err != nil || armed != 1 {
		t.Errorf("the new task's timer: armed %d, %v; want armed", armed, err)
	}
}

// Many creates and bulk creates at once, with and without due dates, in
// batches: every task has exactly its audit row, in the outbox for the
// account's TASK_CREATED webhook, and every task with a due date its timer.
func TestGroupCommit_ManyConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	db.writer.maxTime = 50 * time.Millisecond
	if _, err := db.CreateWebhook(f.actx, &taskbox.WebhookCreate{URL: "https://example.com/hook", Events: []string{taskbox.EventTypeTaskCreated}}); err != nil {
		t.Fatal(err)
	}
	dues := []string{"", "2020-01-01T09:00:00Z", "2031-01-01T09:00:00Z", "2031-02-02"}
	const n = 600
	errs := make(chan error, n)
	for i := range n {
		go func() {
			var err error
			if i%50 == 0 {
				_, err = db.BulkCreateTasks(f.actx, []*taskbox.TaskCreate{validCreate(t, f.mapID, "b1", dues[1]), validCreate(t, f.mapID, "b2", "")}, nil)
			} else {
				_, err = db.CreateTask(f.actx, validCreate(t, f.mapID, "c", dues[i%4]))
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		var c int
		if err := db.readRow(ctx, q, nil, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	tasks, withDue := count(`SELECT COUNT(*) FROM tasks`), count(`SELECT COUNT(*) FROM tasks WHERE due_date IS NOT NULL`)
	if tasks != n+12 { // 12 of the n are bulk creates of two
		t.Errorf("%d tasks, want %d", tasks, n+12)
	}
	if events, outbox := count(`SELECT COUNT(*) FROM task_events`), count(`SELECT COUNT(*) FROM task_events WHERE outbox = 1`); events != tasks || outbox != tasks {
		t.Errorf("%d audit rows, %d of them in the outbox; want %d and %d", events, outbox, tasks, tasks)
	}
	if timers := count(`SELECT COUNT(*) FROM timers WHERE kind = 'due'`); timers != withDue {
		t.Errorf("%d timers, want one for each of the %d tasks with a due date", timers, withDue)
	}
}

// occupyOtherWriters keeps every group-commit writer but one busy (on
// PostgreSQL, which runs several) until the returned channel is closed, so
// that the requests that come next join the one writer's batch. Each
// writer's result goes to errs.
func occupyOtherWriters(t *testing.T, db *DB, errs chan<- error) chan struct{} {
	t.Helper()
	return holdWriters(db, db.writerCount()-1, errs)
}

// holdWriters starts n writes that each hold a writer, in a batch of its
// own, until the returned channel is closed; each result goes to errs.
func holdWriters(db *DB, n int, errs chan<- error) chan struct{} {
	gate := make(chan struct{})
	for range n {
		held := make(chan struct{})
		go func() {
			errs <- db.inWrite(context.Background(), func(*Tx) error { close(held); <-gate; return nil })
		}()
		<-held
	}
	return gate
}

// writerCount is how many group-commit writers the store runs.
func (db *DB) writerCount() int {
	if db.dialect.concurrentWriters() {
		return pgWriters
	}
	return 1
}

// A bulk create's tasks take ascending ids in the order of its list,
// whatever order the insert meets their lead maps in.
func TestBulkCreate_IDsFollowTheList(t *testing.T) {
	db := openBackend(t)
	f := newBatchFixture(t, db)
	camp, err := db.CreateCampaign(f.actx, &taskbox.CampaignCreate{Name: "many"})
	if err != nil {
		t.Fatal(err)
	}
	up := &taskbox.LeadUpload{CampaignID: camp.ID}
	for i := range 50 {
		up.Leads = append(up.Leads, taskbox.LeadInput{Email: "lead" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com"})
	}
	leads, err := db.AddLeads(f.actx, up)
	if err != nil {
		t.Fatal(err)
	}
	few := []*taskbox.TaskCreate{}
	for i := range 7 {
		few = append(few, validCreate(t, f.mapID, "few", "2030-01-0"+string(rune('1'+i))))
	}
	few = append(few, validCreate(t, leads.Leads[0].LeadMapID, "few", "2020-01-01"))
	var many []*taskbox.TaskCreate
	for i := range 500 {
		many = append(many, validCreate(t, leads.Leads[(i*37)%len(leads.Leads)].LeadMapID, "many", ""))
	}
	for _, cs := range [][]*taskbox.TaskCreate{few, many} {
		tasks, err := db.BulkCreateTasks(f.actx, cs, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(tasks); i++ {
			if tasks[i].ID <= tasks[i-1].ID || tasks[i].LeadMapID != cs[i].LeadMapID {
				t.Fatalf("%s, task %d: id %d after %d, lead map %d (want %d)", cs[0].Name, i, tasks[i].ID, tasks[i-1].ID, tasks[i].LeadMapID, cs[i].LeadMapID)
			}
		}
	}
}
