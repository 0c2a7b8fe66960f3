package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/httpapi"
)

// tbServe runs one request through h synchronously and reads the answer.
func tbServe(t *testing.T, h http.Handler, method, target, body string) *tbResp {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, strings.NewReader(body)))
	return &tbResp{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// TestKeysNotLogged: SPEC.md §2, keys never reach the logs.
func TestKeysNotLogged(t *testing.T) {
	t.Parallel()
	db, _ := tbOpenStore(t)
	_, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, DB: db, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	h := s.Handler()
	for _, target := range []string{
		"/api/v1/campaigns?api_key=" + key.Secret,
		"/api/v1/campaigns?limit=1&API_KEY=" + key.Secret,
		"/api/v1/campaigns?api_key=" + key.Secret + "&api_key=" + key.Secret,
		"/api/v1/nope?api_key=" + key.Secret,
		"/api/v1/campaigns?api_key=" + key.Secret + "&bad=%zz",
	} {
		tbServe(t, h, http.MethodGet, target, "")
	}
	if !strings.Contains(logs.String(), "/api/v1/campaigns") {
		t.Fatalf("no access log written: %s", logs.String())
	}
	if strings.Contains(logs.String(), key.Secret) || strings.Contains(logs.String(), key.Secret[4:20]) {
		t.Errorf("a key reached the log:\n%s", logs.String())
	}
}

// tbPanickingTasks is a task service with a bug.
type tbPanickingTasks struct{ taskbox.TaskService }

func (tbPanickingTasks) CreateTask(context.Context, *taskbox.TaskCreate) (*taskbox.Task, error) {
	panic("secret internal detail: nil map in CreateTask")
}

// TestInternalError: a bug is a 500 whose message says nothing internal,
// while the log says everything.
func TestInternalError(t *testing.T) {
	t.Parallel()
	db, _ := tbOpenStore(t)
	acct, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadDemo(context.Background(), acct.ID); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: tbPanickingTasks{db}, DB: db, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	r := tbServe(t, s.Handler(), http.MethodPost, tbCreateTaskPath+"?api_key="+key.Secret,
		`{"email_lead_map_id": 2433664091, "name": "x"}`)
	e := tbWantError(t, r, http.StatusInternalServerError, "INTERNAL_ERROR")
	if e.Message != "An internal error occurred." || strings.Contains(string(r.Body), "secret") {
		t.Errorf("answer = %s", r.Body)
	}
	if !strings.Contains(logs.String(), "secret internal detail") {
		t.Errorf("the log does not say what happened:\n%s", logs.String())
	}
}

// TestDatabaseUnavailable: with the database gone, the API answers 503 in
// the error envelope.
func TestDatabaseUnavailable(t *testing.T) {
	t.Parallel()
	db, _ := tbOpenStore(t)
	_, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	h := tbHandler(db)
	if r := tbServe(t, h, http.MethodGet, "/readyz", ""); r.Status != http.StatusOK {
		t.Fatalf("readyz = %s", r)
	}
	db.Close()
	tbWantError(t, tbServe(t, h, http.MethodGet, "/readyz", ""), http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	tbWantError(t, tbServe(t, h, http.MethodPost, tbCreateTaskPath+"?api_key="+key.Secret, `{"email_lead_map_id": 1, "name": "x"}`),
		http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE")
	if r := tbServe(t, h, http.MethodGet, "/healthz", ""); r.Status != http.StatusOK {
		t.Errorf("healthz = %s, want 200 while the process is alive", r)
	}
}
