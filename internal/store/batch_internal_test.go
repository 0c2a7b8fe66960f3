package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
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
	return openDSN(t, backendDSN(t))
}

// backendDSN makes an empty database on the test run's backend and
// returns its DSN.
func backendDSN(t *testing.T) string {
	admin := os.Getenv("TASKBOX_TEST_POSTGRES")
	if admin == "" {
		return filepath.Join(t.TempDir(), "taskbox.db")
	}
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
	return u.String()
}

// openDSN opens and migrates the store at dsn, closed at the test's end;
// opened twice, it is two servers on one database.
func openDSN(t *testing.T, dsn string) *DB {
	ctx := context.Background()
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
// another writer (here another server's) is queued for that webhook: the
// batch does not keep the webhooks it read at its start.
func TestGroupCommit_SeesWebhookCommittedDuringTheBatch(t *testing.T) {
	if os.Getenv("TASKBOX_TEST_POSTGRES") == "" {
		t.Skip("PostgreSQL only: SQLite's one writer commits webhooks in the batches themselves")
	}
	ctx := context.Background()
	dsn := backendDSN(t)
	db, other := openDSN(t, dsn), openDSN(t, dsn)
	f := newBatchFixture(t, db)
	h := writeByHand(db)

	gate1, held1 := make(chan struct{}), make(chan struct{})
	errs := make(chan error, 2)
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
	h.waitQueued(t, 1)
	committed := h.commitInBackground()
	<-held1
	if _, err := other.CreateWebhook(f.actx, &taskbox.WebhookCreate{URL: "https://example.com/hook", Events: []string{taskbox.EventTypeTaskCreated}}); err != nil {
		t.Fatal(err)
	}
	var t2 *taskbox.Task
	go func() {
		var err error
		t2, err = db.CreateTask(f.actx, validCreate(t, f.mapID, "T2, created after the webhook", ""))
		errs <- err
	}()
	h.waitQueued(t, 1) // T2 waits while T1's batch runs, and joins it
	close(gate1)
	<-committed
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if b, r := db.WriteBatches(); b != 1 || r != 2 {
		t.Fatalf("%d requests in %d batches, want T1 and T2 in one", r, b)
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
	h := writeByHand(db)
	var created *taskbox.Task
	createErr := make(chan error, 1)
	go func() {
		var err error
		created, err = db.CreateTask(f.actx, validCreate(t, f.mapID, "x", "2030-01-01T09:00:00Z"))
		createErr <- err
	}()
	h.waitQueued(t, 1)
	updateErr := make(chan error, 1)
	go func() {
		_, err := db.UpdateTask(f.actx, 1, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)})
		updateErr <- err
	}()
	h.waitQueued(t, 2)
	h.commit()
	if err := <-createErr; err != nil {
		t.Fatal(err)
	}
	if err := <-updateErr; taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("the completion of the task its batch creates: %v; want NOT_FOUND", err)
	}
	if b, r := db.WriteBatches(); b != 1 || r != 2 {
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
// account's TASK_CREATED webhook, and every task with a due date ahead its
// timer (one already passed has none: no webhook wants its TASK_DUE).
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
	count := func(q string, args ...any) int {
		var c int
		if err := db.readRow(ctx, q, args, &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	tasks := count(`SELECT COUNT(*) FROM tasks`)
	ahead := count(`SELECT COUNT(*) FROM tasks WHERE due_date IS NOT NULL AND due_sort > ?`, time.Now().UnixMicro())
	if tasks != n+12 { // 12 of the n are bulk creates of two
		t.Errorf("%d tasks, want %d", tasks, n+12)
	}
	if events, outbox := count(`SELECT COUNT(*) FROM task_events`), count(`SELECT COUNT(*) FROM task_events WHERE outbox = 1`); events != tasks || outbox != tasks {
		t.Errorf("%d audit rows, %d of them in the outbox; want %d and %d", events, outbox, tasks, tasks)
	}
	if ahead == 0 {
		t.Fatal("no task with a due date ahead")
	}
	if timers := count(`SELECT COUNT(*) FROM timers WHERE kind = 'due'`); timers != ahead {
		t.Errorf("%d timers, want one for each of the %d tasks with a due date ahead", timers, ahead)
	}
	if armed := count(`SELECT COUNT(*) FROM timers t JOIN tasks k ON k.id = t.subject_id WHERE t.kind = 'due' AND t.armed = 1 AND k.due_sort > ?`, time.Now().UnixMicro()); armed != ahead {
		t.Errorf("%d armed timers, want %d", armed, ahead)
	}
}

// handWriter is a group commit that no goroutine runs: writes queue in its
// buffer in the order they come, and the test commits them by hand, all in
// one batch. A test waits for a write to be queued (waitQueued) before it
// sends the next, so that the order in the batch is the test's own and
// nothing waits on a sleep.
type handWriter struct{ g *groupCommit }

// writeByHand stops db's writers and gives db a handWriter instead.
func writeByHand(db *DB) *handWriter {
	db.writer.close()
	db.writer = &groupCommit{db: db, reqs: make(chan *writeReq, 16), closing: make(chan struct{}), maxTime: time.Minute}
	return &handWriter{db.writer}
}

// waitQueued waits until n writes are queued.
func (h *handWriter) waitQueued(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(h.g.reqs) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued after 10s, want %d", len(h.g.reqs), n)
		}
	}
}

// commit runs the first queued write and every write queued while it runs
// in one batch, as a writer does.
func (h *handWriter) commit() { h.g.commit(<-h.g.reqs) }

// commitInBackground commits as commit does, in a goroutine; the channel
// is closed once the batch is answered.
func (h *handWriter) commitInBackground() <-chan struct{} {
	done := make(chan struct{})
	go func() { defer close(done); h.commit() }()
	return done
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

// The batch's end decides which audit rows go to the outbox, reading each
// account's webhooks once: in one batch, an account's change its webhook
// subscribes to is queued with the task's copy, its other change and
// another account's change (no webhook) are not and keep no copy; a
// completion disarms the task's TASK_DUE timer and its reminders.
func TestGroupCommit_OutboxDecidedAtTheEnd(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	hooked, other := newBatchFixture(t, db), newBatchFixture(t, db)
	if _, err := db.CreateWebhook(hooked.actx, &taskbox.WebhookCreate{URL: "https://example.com/hook", Events: []string{taskbox.EventTypeTaskCompleted}}); err != nil {
		t.Fatal(err)
	}
	task := func(f batchFixture) int64 {
		c := validCreate(t, f.mapID, "call back", "2031-01-01T09:00:00Z")
		c.Reminders = []string{"PT1H"}
		got, err := db.CreateTask(f.actx, c)
		if err != nil {
			t.Fatal(err)
		}
		return got.ID
	}
	a, b := task(hooked), task(other)
	h := writeByHand(db)
	done, name := taskbox.StatusCompleted, "renamed"
	errs := make(chan error, 3)
	for i, u := range []struct {
		f  batchFixture
		id int64
		u  *taskbox.TaskUpdate
	}{{hooked, a, &taskbox.TaskUpdate{Status: &done}}, {hooked, a, &taskbox.TaskUpdate{Name: &name}}, {other, b, &taskbox.TaskUpdate{Status: &done}}} {
		go func() { _, err := db.UpdateTask(u.f.actx, u.id, u.u); errs <- err }()
		h.waitQueued(t, i+1) // in this order in the batch
	}
	h.commit()
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	type row struct {
		task          int64
		typ           string
		outbox, hasIt bool
	}
	rs, err := db.read.QueryContext(ctx, db.dialect.rebind(`SELECT task_id, type, outbox IS NOT NULL, task IS NOT NULL FROM task_events WHERE type <> ? ORDER BY id`), taskbox.EventCreated)
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.task, &r.typ, &r.outbox, &r.hasIt); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if err := errors.Join(rs.Err(), rs.Close()); err != nil {
		t.Fatal(err)
	}
	want := []row{{a, taskbox.EventCompleted, true, true}, {a, taskbox.EventUpdated, false, false}, {b, taskbox.EventCompleted, false, false}}
	if !slices.Equal(got, want) {
		t.Errorf("audit rows %+v, want %+v", got, want)
	}
	var armed int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM timers WHERE subject_id IN (?, ?) AND kind IN ('due', 'task_reminder') AND armed = 1`, []any{a, b}, &armed); err != nil || armed != 0 {
		t.Errorf("%d timers of the completed tasks armed (%v), want none", armed, err)
	}
}

// A task created with its due time passed stores no timer when no webhook
// wants its TASK_DUE, nor one for a reminder whose time has passed: none
// of them would tell anybody. A task due ahead stores its TASK_DUE timer
// and each reminder still ahead, armed.
func TestCreateStoresOnlyTimersThatMayFire(t *testing.T) {
	ctx := context.Background()
	db := openBackend(t)
	f := newBatchFixture(t, db)
	create := func(due string, reminders ...string) int64 {
		t.Helper()
		c := validCreate(t, f.mapID, "x", due)
		c.Reminders = reminders
		task, err := db.CreateTask(f.actx, c)
		if err != nil {
			t.Fatal(err)
		}
		return task.ID
	}
	db.Now = func() taskbox.Timestamp {
		return taskbox.Timestamp{Time: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	}
	ahead := "2026-12-07T13:30:00Z" // its PT2H reminder passed at 11:30
	for _, c := range []struct {
		id    int64
		armed []string // kind/slot of each timer, all armed
	}{
		{create("2020-01-01T09:00:00Z", "PT1H"), nil},
		{create(ahead, "PT1H", "PT2H"), []string{"due/", "task_reminder/PT1H"}},
	} {
		rows, err := db.read.QueryContext(ctx, db.dialect.rebind(`SELECT kind, slot, armed FROM timers WHERE subject_id = ? ORDER BY kind, slot`), c.id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var kind, slot string
			var armed int
			if err := rows.Scan(&kind, &slot, &armed); err != nil {
				t.Fatal(err)
			}
			if armed != 1 {
				kind = "unarmed " + kind
			}
			got = append(got, kind+"/"+slot)
		}
		rows.Close()
		if !slices.Equal(got, c.armed) {
			t.Errorf("task %d: timers %q, want %q", c.id, got, c.armed)
		}
	}
}
