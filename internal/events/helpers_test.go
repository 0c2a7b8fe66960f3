package events_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/netguard"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// clock is the injected time of a test's store: it moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() taskbox.Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return taskbox.Timestamp{Time: c.now}
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a fresh database with a fake clock, one account acting through
// ctx, and a lead map for its tasks.
type env struct {
	db    *store.DB
	tdb   *testdb.DB // db, with its DSN for statements behind its back
	clock *clock
	ctx   context.Context
	acct  *taskbox.Account
	mapID int64
}

func newEnv(t testing.TB) *env {
	t.Helper()
	tdb := testdb.Open(t)
	db := tdb.DB
	c := &clock{now: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	db.Now = c.Now
	e := &env{db: db, tdb: tdb, clock: c}
	e.ctx, e.acct, e.mapID = e.account(t, "acme", "")
	return e
}

// account makes an account in zone tz with one lead map.
func (e *env) account(t testing.TB, name, tz string) (context.Context, *taskbox.Account, int64) {
	t.Helper()
	acct, key, err := e.db.CreateAccount(context.Background(), taskbox.NewAccount{Name: name, Timezone: tz})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := e.db.Authenticate(context.Background(), key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	ctx := taskbox.NewContextWithActor(context.Background(), actor)
	camp, err := e.db.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: name + " outreach"})
	if err != nil {
		t.Fatal(err)
	}
	first := "Ada"
	res, err := e.db.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID,
		Leads: []taskbox.LeadInput{{Email: name + "@example.com", FirstName: &first}}})
	if err != nil {
		t.Fatal(err)
	}
	return ctx, acct, res.Leads[0].LeadMapID
}

// worker is a worker over e's store that the test drives with Tick.
func (e *env) worker(allowPrivate bool) *events.Worker {
	return &events.Worker{DB: e.db, Client: netguard.NewClient(allowPrivate), Metrics: events.NewMetrics(nil), Policy: events.DefaultPolicy}
}

// drain ticks the worker until nothing is due now, waiting for the
// attempts each tick starts.
func (e *env) drain(t *testing.T, w *events.Worker) {
	t.Helper()
	for i := 0; i < 100; i++ {
		n := w.Tick(context.Background())
		w.Wait()
		if n == 0 {
			return
		}
	}
	t.Fatal("the worker never ran out of work")
}

// delivery is one POST the receiver got, its signature checked.
type delivery struct {
	EventID string
	Header  http.Header
	Body    []byte
	Event   struct {
		ID         string          `json:"event_id"`
		Type       string          `json:"event_type"`
		OccurredAt string          `json:"occurred_at"`
		AccountID  int64           `json:"account_id"`
		Data       json.RawMessage `json:"data"`
	}
	Task taskbox.Task
	Note taskbox.NoteEventData // the data of a NOTE_CREATED
}

// receiver is a real HTTP server on 127.0.0.1 that verifies the signature
// of every delivery (HMAC-SHA256 over "<t>.<body>", computed here, not by
// the code under test) and answers with the next of its statuses.
type receiver struct {
	t        testing.TB
	srv      *httptest.Server
	secret   string
	mu       sync.Mutex
	got      []delivery
	statuses []int // answered in turn; 200 once they run out
}

var sigRE = regexp.MustCompile(`^t=(\d+),v1=([0-9a-f]{64})$`)

func newReceiver(t testing.TB, statuses ...int) *receiver {
	r := &receiver{t: t, statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	m := sigRE.FindStringSubmatch(req.Header.Get("X-Taskbox-Signature"))
	if m == nil {
		r.t.Errorf("bad signature header %q", req.Header.Get("X-Taskbox-Signature"))
		w.WriteHeader(400)
		return
	}
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write([]byte(m[1] + "." + string(body)))
	if want := hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(want), []byte(m[2])) {
		r.t.Errorf("signature %s does not verify (want %s) for %s", m[2], want, body)
	}
	if ts, _ := strconv.ParseInt(m[1], 10, 64); ts <= 0 {
		r.t.Errorf("signature time %q", m[1])
	}
	if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" {
		r.t.Errorf("%s with Content-Type %q", req.Method, req.Header.Get("Content-Type"))
	}
	d := delivery{EventID: req.Header.Get("X-Taskbox-Event-Id"), Header: req.Header, Body: body}
	if err := json.Unmarshal(body, &d.Event); err != nil {
		r.t.Errorf("body %s: %v", body, err)
	}
	data := any(&d.Task)
	if d.Event.Type == taskbox.EventTypeNoteCreated {
		data = &d.Note
	}
	if !strings.HasPrefix(d.Event.Type, "TASK_") && d.Event.Type != taskbox.EventTypeNoteCreated {
		// not a task event (LEAD_REMINDER): its test reads the data
	} else if err := json.Unmarshal(d.Event.Data, data); err != nil {
		r.t.Errorf("data %s: %v", d.Event.Data, err)
	}
	if d.EventID != d.Event.ID {
		r.t.Errorf("X-Taskbox-Event-Id %q, body event_id %q", d.EventID, d.Event.ID)
	}
	r.got = append(r.got, d)
	status := 200
	if len(r.statuses) > 0 {
		status, r.statuses = r.statuses[0], r.statuses[1:]
	}
	w.WriteHeader(status)
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery{}, r.got...)
}

// subscribe creates a webhook of ctx's account to r, bypassing the API's
// check of literal addresses (the receiver is on 127.0.0.1).
func (e *env) subscribe(t testing.TB, ctx context.Context, r *receiver, evs ...string) *taskbox.Webhook {
	t.Helper()
	if len(evs) == 0 {
		evs = taskbox.WebhookEventTypes
	}
	w, err := e.db.CreateWebhook(ctx, &taskbox.WebhookCreate{URL: r.srv.URL + "/hook", Events: evs})
	if err != nil {
		t.Fatal(err)
	}
	r.secret = w.Secret
	return w
}

func (e *env) task(t testing.TB, ctx context.Context, mapID int64, name string, due *string) *taskbox.Task {
	t.Helper()
	task, err := e.db.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: mapID, Name: name, DueDate: due})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func types(ds []delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Event.Type)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
