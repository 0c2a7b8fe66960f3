package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/getkin/kin-openapi/openapi3filter"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/store"
)

// The feed is text/calendar; the response check reads it as plain text.
func init() { openapi3filter.RegisterBodyDecoder("text/calendar", openapi3filter.PlainBodyDecoder) }

// tbBaseURL is the public address the test API's calendar URLs carry.
const tbBaseURL = "https://tasks.example.com"

type tbWebhook struct {
	ID        int64    `json:"id"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	Secret    string   `json:"secret"`
	CreatedAt string   `json:"created_at"`
}

// TestWebhookLifecycle: create (secret shown once), list, get, deliveries,
// delete, and a later 404.
func TestWebhookLifecycle(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	r := api.Post(t, "/api/v1/webhooks", a.Key, `{"url": " https://hooks.example.com/taskbox ", "events": ["TASK_CREATED", "TASK_DUE"]}`)
	tbWantStatus(t, r, http.StatusOK)
	var created struct {
		OK   bool      `json:"ok"`
		Data tbWebhook `json:"data"`
	}
	tbDecode(t, r.Body, &created)
	h := created.Data
	if !created.OK || h.ID <= 0 || h.URL != "https://hooks.example.com/taskbox" || len(h.Events) != 2 ||
		!strings.HasPrefix(h.Secret, "whsec_") || len(h.Secret) < 40 || !tbTimestampRE.MatchString(h.CreatedAt) {
		t.Fatalf("created %s", r.Body)
	}

	r = api.Get(t, "/api/v1/webhooks", a.Key)
	tbWantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.Body, []byte(h.Secret)) || bytes.Contains(r.Body, []byte(`"secret"`)) || !bytes.Contains(r.Body, []byte(h.URL)) {
		t.Errorf("list shows the secret or lacks the webhook: %s", r.Body)
	}
	path := fmt.Sprintf("/api/v1/webhooks/%d", h.ID)
	r = api.Get(t, path, a.Key)
	tbWantStatus(t, r, http.StatusOK)
	if bytes.Contains(r.Body, []byte(h.Secret)) {
		t.Errorf("get shows the secret: %s", r.Body)
	}
	r = api.Get(t, path+"/deliveries", a.Key)
	tbWantStatus(t, r, http.StatusOK)
	if strings.TrimSpace(string(r.Body)) != `{"ok":true,"data":[]}` {
		t.Errorf("deliveries of a new webhook: %s", r.Body)
	}
	tbWantStatus(t, api.Do(t, http.MethodDelete, path, a.Key, ""), http.StatusOK)
	for _, p := range []string{path, path + "/deliveries"} {
		if e := tbWantError(t, api.Get(t, p, a.Key), http.StatusNotFound, "NOT_FOUND"); e.Message != "Webhook not found." {
			t.Errorf("%s after delete: %q", p, e.Message)
		}
	}
	tbWantError(t, api.Do(t, http.MethodDelete, path, a.Key, ""), http.StatusNotFound, "NOT_FOUND")
}

// TestWebhookCreateRules: every rule of the body, with status, code and
// the message of each faulty field.
func TestWebhookCreateRules(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	const anyEvent = "must be one of TASK_CREATED, TASK_UPDATED, TASK_COMPLETED, TASK_REOPENED, TASK_DELETED, TASK_DUE, TASK_ASSIGNED, NOTE_CREATED, TASK_UNSNOOZED, TASK_REMINDER, LEAD_REMINDER"
	const badURL = "must be an absolute http or https URL without credentials"
	const private = "must not point at a loopback, private or link-local address"
	for _, c := range []struct {
		name, body string
		want       map[string]string
	}{
		{"missing url", `{"events": ["TASK_CREATED"]}`, map[string]string{"url": "is required"}},
		{"url not a string", `{"url": 5, "events": ["TASK_CREATED"]}`, map[string]string{"url": "must be a string"}},
		{"ftp url", `{"url": "ftp://files.example.com/x", "events": ["TASK_CREATED"]}`, map[string]string{"url": badURL}},
		{"relative url", `{"url": "/hook", "events": ["TASK_CREATED"]}`, map[string]string{"url": badURL}},
		{"credentials", `{"url": "https://user:pw@hooks.example.com/", "events": ["TASK_CREATED"]}`, map[string]string{"url": badURL}},
		{"empty url", `{"url": "  ", "events": ["TASK_CREATED"]}`, map[string]string{"url": badURL}},
		{"too long", `{"url": "https://hooks.example.com/` + strings.Repeat("a", 2048) + `", "events": ["TASK_CREATED"]}`, map[string]string{"url": "must be at most 2048 bytes"}},
		{"loopback", `{"url": "http://127.0.0.1:8080/hook", "events": ["TASK_CREATED"]}`, map[string]string{"url": private}},
		{"localhost", `{"url": "http://localhost/hook", "events": ["TASK_CREATED"]}`, map[string]string{"url": private}},
		{"metadata", `{"url": "http://169.254.169.254/latest/meta-data/", "events": ["TASK_CREATED"]}`, map[string]string{"url": private}},
		{"private", `{"url": "https://10.0.0.7/hook", "events": ["TASK_CREATED"]}`, map[string]string{"url": private}},
		{"ipv6 loopback", `{"url": "http://[::1]/hook", "events": ["TASK_CREATED"]}`, map[string]string{"url": private}},
		{"missing events", `{"url": "https://hooks.example.com/"}`, map[string]string{"events": "is required"}},
		{"events not an array", `{"url": "https://hooks.example.com/", "events": "TASK_CREATED"}`, map[string]string{"events": "must be an array"}},
		{"empty events", `{"url": "https://hooks.example.com/", "events": []}`, map[string]string{"events": "must list at least one of TASK_CREATED, TASK_UPDATED, TASK_COMPLETED, TASK_REOPENED, TASK_DELETED, TASK_DUE, TASK_ASSIGNED, NOTE_CREATED, TASK_UNSNOOZED, TASK_REMINDER, LEAD_REMINDER"}},
		{"unknown event", `{"url": "https://hooks.example.com/", "events": ["TASK_CREATED", "TASK_EXPLODED"]}`, map[string]string{"events[1]": anyEvent}},
		{"lower-case event", `{"url": "https://hooks.example.com/", "events": ["task_created"]}`, map[string]string{"events[0]": anyEvent}},
		{"repeated event", `{"url": "https://hooks.example.com/", "events": ["TASK_DUE", "TASK_DUE"]}`, map[string]string{"events[1]": "is listed twice"}},
		{"event not a string", `{"url": "https://hooks.example.com/", "events": [7]}`, map[string]string{"events[0]": "must be a string"}},
		{"indexes kept", `{"url": "https://hooks.example.com/", "events": ["TASK_DUE", null, "NOPE"]}`, map[string]string{"events[1]": "must be a string", "events[2]": anyEvent}},
		{"everything wrong", `{"url": "mailto:x@example.com", "events": []}`, map[string]string{"url": badURL, "events": "must list at least one of TASK_CREATED, TASK_UPDATED, TASK_COMPLETED, TASK_REOPENED, TASK_DELETED, TASK_DUE, TASK_ASSIGNED, NOTE_CREATED, TASK_UNSNOOZED, TASK_REMINDER, LEAD_REMINDER"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := tbWantError(t, api.Post(t, "/api/v1/webhooks", a.Key, c.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			got := map[string]string{}
			for _, d := range e.Error.Details {
				if _, dup := got[d.Field]; dup {
					t.Errorf("field %s reported twice: %+v", d.Field, e.Error.Details)
				}
				got[d.Field] = d.Message
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("details %v, want %v", got, c.want)
			}
		})
	}
	for _, c := range []struct{ name, body, msg string }{
		{"not json", `{"url":`, ""},
		{"array", `[]`, "The request body must be a JSON object."},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := tbWantError(t, api.Post(t, "/api/v1/webhooks", a.Key, c.body), http.StatusBadRequest, "BAD_REQUEST")
			if c.msg != "" && e.Message != c.msg {
				t.Errorf("message %q, want %q", e.Message, c.msg)
			}
		})
	}
	tbWantError(t, api.Post(t, "/api/v1/webhooks", "", `{"url": "https://hooks.example.com/", "events": ["TASK_DUE"]}`), http.StatusUnauthorized, "UNAUTHORIZED")
	if n := api.Count(t, "webhooks"); n != 0 {
		t.Errorf("%d webhooks stored by refused requests", n)
	}
}

// TestWebhookIdempotency: the same Idempotency-Key and body replays the
// first answer (secret included) and creates nothing; another body is 409.
func TestWebhookIdempotency(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	body := `{"url": "https://hooks.example.com/", "events": ["TASK_CREATED"]}`
	first := api.Post(t, "/api/v1/webhooks", a.Key, body, "Idempotency-Key", "hook-1")
	tbWantStatus(t, first, http.StatusOK)
	again := api.Post(t, "/api/v1/webhooks", a.Key, body, "Idempotency-Key", "hook-1")
	tbWantStatus(t, again, http.StatusOK)
	if again.Header.Get("Idempotency-Replayed") != "true" || !bytes.Equal(first.Body, again.Body) {
		t.Errorf("replay %s (%q), want %s", again.Body, again.Header.Get("Idempotency-Replayed"), first.Body)
	}
	tbWantError(t, api.Post(t, "/api/v1/webhooks", a.Key, `{"url": "https://other.example.com/", "events": ["TASK_CREATED"]}`,
		"Idempotency-Key", "hook-1"), http.StatusConflict, "CONFLICT")
	if n := api.Count(t, "webhooks"); n != 1 {
		t.Errorf("%d webhooks, want 1", n)
	}
}

// TestWebhookIsolation: another account's webhook and deliveries are 404,
// and not listed.
func TestWebhookIsolation(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	b := api.Account(t, "B", "")
	r := api.Post(t, "/api/v1/webhooks", a.Key, `{"url": "https://hooks.example.com/a", "events": ["TASK_CREATED"]}`)
	tbWantStatus(t, r, http.StatusOK)
	var created struct{ Data tbWebhook }
	tbDecode(t, r.Body, &created)
	path := fmt.Sprintf("/api/v1/webhooks/%d", created.Data.ID)
	for _, req := range []struct{ method, path string }{
		{http.MethodGet, path}, {http.MethodDelete, path}, {http.MethodGet, path + "/deliveries"},
		{http.MethodPost, path + "/deliveries/1/redeliver"},
	} {
		if e := tbWantError(t, api.Do(t, req.method, req.path, b.Key, ""), http.StatusNotFound, "NOT_FOUND"); e.Message != "Webhook not found." {
			t.Errorf("%s %s as B: %q", req.method, req.path, e.Message)
		}
	}
	r = api.Get(t, "/api/v1/webhooks", b.Key)
	tbWantStatus(t, r, http.StatusOK)
	if strings.TrimSpace(string(r.Body)) != `{"ok":true,"data":[]}` {
		t.Errorf("B lists %s", r.Body)
	}
	tbWantStatus(t, api.Get(t, path, a.Key), http.StatusOK) // still A's
	for _, p := range []string{"/api/v1/webhooks/0", "/api/v1/webhooks/abc", "/api/v1/webhooks/99999999999999999999"} {
		tbWantError(t, api.Get(t, p, a.Key), http.StatusNotFound, "NOT_FOUND")
	}
	for _, p := range []string{path + "/deliveries/0/redeliver", path + "/deliveries/x/redeliver", path + "/deliveries/42/redeliver"} {
		if e := tbWantError(t, api.Post(t, p, a.Key, ""), http.StatusNotFound, "NOT_FOUND"); e.Message != "Delivery not found." {
			t.Errorf("%s: %q", p, e.Message)
		}
	}
}

// TestCalendarTokenAndFeed: the token endpoint, the feed over HTTP parsed
// by the iCalendar library, rotation (the old URL 404s at once), another
// account's tasks absent, and paths that are no feed.
func TestCalendarTokenAndFeed(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	b := api.Account(t, "B", "")
	mapA := api.AddLeads(t, a.Key, api.Campaign(t, a.Key, "A's"), "lead@a.example").Leads[0].LeadMapID
	mapB := api.AddLeads(t, b.Key, api.Campaign(t, b.Key, "B's"), "lead@b.example").Leads[0].LeadMapID
	taskA, _ := api.CreateTask(t, a.Key, tbTaskBody(mapA, map[string]string{"name": `"A's call"`, "due_date": `"2026-12-15"`}))
	api.CreateTask(t, b.Key, tbTaskBody(mapB, map[string]string{"name": `"B's call"`, "due_date": `"2026-12-15"`}))

	token := func(key string) (string, string) {
		r := api.Post(t, "/api/v1/calendar/token", key, "")
		tbWantStatus(t, r, http.StatusOK)
		var v struct {
			OK   bool `json:"ok"`
			Data struct{ Token, URL string }
		}
		tbDecode(t, r.Body, &v)
		if !v.OK || v.Data.Token == "" || v.Data.URL != tbBaseURL+"/ical/"+v.Data.Token+".ics" {
			t.Fatalf("token answer %s", r.Body)
		}
		return v.Data.Token, "/ical/" + v.Data.Token + ".ics"
	}
	_, feedA := token(a.Key)
	token(b.Key)
	r := api.Get(t, feedA, "")
	tbWantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, r.Body)
	}
	evs := cal.Events()
	if len(evs) != 1 || evs[0].GetProperty(ics.ComponentPropertySummary).Value != "A's call" ||
		evs[0].GetProperty(ics.ComponentPropertyDtStart).Value != "20261215" {
		t.Fatalf("A's feed:\n%s", r.Body)
	}
	if !strings.Contains(evs[0].GetProperty(ics.ComponentPropertyDescription).Value, fmt.Sprintf("%s/tasks/%d", tbBaseURL, taskA.ID)) {
		t.Errorf("no link to the task's page:\n%s", r.Body)
	}

	_, feedA2 := token(a.Key)
	if e := tbWantError(t, api.Get(t, feedA, ""), http.StatusNotFound, "NOT_FOUND"); e.Message != "Calendar not found." {
		t.Errorf("old token: %q", e.Message)
	}
	tbWantStatus(t, api.Get(t, feedA2, ""), http.StatusOK)
	for _, p := range []string{"/ical/nothing.ics", "/ical/" + strings.TrimSuffix(strings.TrimPrefix(feedA2, "/ical/"), ".ics"), "/ical/.ics",
		"/ical/" + strings.TrimPrefix(feedA2, "/ical/") + ".txt", "/ical/cal_" + strings.Repeat("f", 5000) + ".ics", "/ical/%00.ics", "/ical/a%2Fb.ics"} {
		tbWantError(t, api.Get(t, p, ""), http.StatusNotFound, "NOT_FOUND")
	}
	tbWantError(t, api.Post(t, "/api/v1/calendar/token", "", ""), http.StatusUnauthorized, "UNAUTHORIZED")
}

// TestWebhookDeliveriesLogAndRedeliver: a task change queues a delivery,
// the log shows it with its attempts (held to the OpenAPI schema), and a
// re-send makes it pending again with its event_id.
func TestWebhookDeliveriesLogAndRedeliver(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	mapA := api.AddLeads(t, a.Key, api.Campaign(t, a.Key, "A's"), "lead@a.example").Leads[0].LeadMapID
	r := api.Post(t, "/api/v1/webhooks", a.Key, `{"url": "https://hooks.example.com/a", "events": ["TASK_CREATED"]}`)
	tbWantStatus(t, r, http.StatusOK)
	var created struct{ Data tbWebhook }
	tbDecode(t, r.Body, &created)
	task, _ := api.CreateTask(t, a.Key, tbTaskBody(mapA, nil))
	if _, err := api.DB.DispatchOutbox(context.Background(), 100); err != nil { // as the worker does
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/webhooks/%d/deliveries", created.Data.ID)
	var log struct {
		Data []struct {
			ID          int64  `json:"id"`
			EventID     string `json:"event_id"`
			EventType   string `json:"event_type"`
			TaskID      int64  `json:"task_id"`
			Status      string `json:"status"`
			NextRetryAt *string
			Attempts    []map[string]any
		}
	}
	r = api.Get(t, path, a.Key)
	tbWantStatus(t, r, http.StatusOK)
	tbDecode(t, r.Body, &log)
	if len(log.Data) != 1 || log.Data[0].EventType != "TASK_CREATED" || log.Data[0].TaskID != task.ID || log.Data[0].Status != "pending" {
		t.Fatalf("log %s", r.Body)
	}
	d := log.Data[0]
	code := 500
	msg := "The receiver answered 500."
	if err := api.DB.RecordAttempt(context.Background(), d.ID, store.AttemptResult{
		Attempt: taskbox.DeliveryAttempt{At: taskbox.Now(), StatusCode: &code, LatencyMS: 12, Error: &msg},
		Status:  taskbox.DeliveryFailed,
	}); err != nil {
		t.Fatal(err)
	}
	r = api.Get(t, path, a.Key)
	tbWantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.Body, []byte(`"status":"failed"`)) || !bytes.Contains(r.Body, []byte(`"status_code":500,"latency_ms":12,"error":"The receiver answered 500."`)) {
		t.Errorf("log after a failed attempt: %s", r.Body)
	}
	r = api.Post(t, fmt.Sprintf("%s/%d/redeliver", path, d.ID), a.Key, "")
	tbWantStatus(t, r, http.StatusOK)
	if !bytes.Contains(r.Body, []byte(`"status":"pending"`)) || !bytes.Contains(r.Body, []byte(`"event_id":"`+d.EventID+`"`)) {
		t.Errorf("redeliver answered %s", r.Body)
	}

	// A delivery is found only under its own webhook, and an id past int64
	// names none.
	r = api.Post(t, "/api/v1/webhooks", a.Key, `{"url": "https://hooks.example.com/b", "events": ["TASK_DUE"]}`)
	tbWantStatus(t, r, http.StatusOK)
	var other struct{ Data tbWebhook }
	tbDecode(t, r.Body, &other)
	for _, p := range []string{
		fmt.Sprintf("/api/v1/webhooks/%d/deliveries/%d/redeliver", other.Data.ID, d.ID),
		path + "/99999999999999999999/redeliver",
	} {
		if e := tbWantError(t, api.Post(t, p, a.Key, ""), http.StatusNotFound, "NOT_FOUND"); e.Message != "Delivery not found." {
			t.Errorf("%s: %q", p, e.Message)
		}
	}
	if e := tbWantError(t, api.Get(t, "/api/v1/webhooks/99999999999999999999/deliveries", a.Key), http.StatusNotFound, "NOT_FOUND"); e.Message != "Webhook not found." {
		t.Errorf("huge webhook id: %q", e.Message)
	}

	// Deleting the webhook answers its id and takes its deliveries and
	// their attempts with it: nothing more is sent.
	r = api.Do(t, http.MethodDelete, fmt.Sprintf("/api/v1/webhooks/%d", created.Data.ID), a.Key, "")
	tbWantStatus(t, r, http.StatusOK)
	if want := fmt.Sprintf(`{"ok":true,"data":{"deleted":true,"id":%d}}`, created.Data.ID); strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("delete answered %s, want %s", r.Body, want)
	}
	for _, table := range []string{"webhook_deliveries", "webhook_attempts"} {
		if n := api.Count(t, table); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
}

// TestCalendarTokenNeverLogged: the feed's token is its only credential,
// so the access log shows the feed's path without it.
func TestCalendarTokenNeverLogged(t *testing.T) {
	t.Parallel()
	db, _ := tbOpenStore(t)
	var logs bytes.Buffer
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, DB: db, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Webhooks: db, Calendar: &events.Calendar{DB: db, BaseURL: tbBaseURL}}
	_, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/calendar/token", nil)
	req.Header.Set("Authorization", "Bearer "+key.Secret)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var tok struct{ Data taskbox.CalendarToken }
	tbDecode(t, rec.Body.Bytes(), &tok)
	if rec.Code != http.StatusOK || tok.Data.Token == "" {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/ical/" + tok.Data.Token + ".ics", "/ical/" + tok.Data.Token} {
		rec = httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	}
	if strings.Contains(logs.String(), tok.Data.Token) || !strings.Contains(logs.String(), "/ical/REDACTED.ics") {
		t.Errorf("access log:\n%s", logs.String())
	}
}
