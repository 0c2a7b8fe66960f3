package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
)

// FuzzCreateTask sends arbitrary bodies and Idempotency-Keys to create-task
// through the real handler over one database. Whatever comes in, the answer
// is one of the statuses SPEC.md §2 allows for it, in the right envelope, and
// a created task reads back exactly as it was answered.
//
//	go test ./internal/httpapi -run '^$' -fuzz FuzzCreateTask -fuzztime 20s
func FuzzCreateTask(f *testing.F) {
	db, _ := tbOpenStore(f)
	acct, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "fuzz", Timezone: "Asia/Tokyo"})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.LoadDemo(context.Background(), acct.ID); err != nil {
		f.Fatal(err)
	}
	h := tbHandler(db)
	target := tbCreateTaskPath + "?api_key=" + url.QueryEscape(key.Secret)

	for _, seed := range []struct{ body, key string }{
		{`{"email_lead_map_id": 2433664091, "name": "Follow up on enterprise proposal", "description": "Send pricing breakdown for 50-seat plan", "priority": "HIGH", "due_date": "2025-12-15T09:00:00Z"}`, ""},
		{`{"email_lead_map_id": "2433664091", "name": "x", "due_date": "2025-12-15"}`, "k"},
		{`{"email_lead_map_id": 2433664091, "name": "x", "due_date": "2025-12-15T09:00:00"}`, ""},
		{`{"email_lead_map_id": 2433664091, "name": "x", "due_date": "2025-12-15T11:00:00.250+02:00"}`, ""},
		{`{"email_lead_map_id": 1e400, "name": 5, "priority": "low", "due_date": "next Tuesday"}`, ""},
		{`{"email_lead_map_id": 99999999999999999999999999999999999999999999999999, "name": ""}`, ""},
		{`[]`, ""},
		{`null`, ""},
		{``, ""},
		{`{"name": "\u0000"}`, ""},
	} {
		f.Add([]byte(seed.body), seed.key)
	}

	f.Fuzz(func(t *testing.T, body []byte, idemKey string) {
		req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if idemKey != "" {
			req.Header["Idempotency-Key"] = []string{idemKey}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		allowed := map[int]string{200: "", 400: "BAD_REQUEST", 404: "NOT_FOUND", 413: "PAYLOAD_TOO_LARGE", 422: "VALIDATION_ERROR"}
		if idemKey != "" {
			allowed[409] = "CONFLICT" // the key was used by an earlier input
		}
		code, ok := allowed[rec.Code]
		if !ok {
			t.Fatalf("status %d for body %q, key %q: %s", rec.Code, body, idemKey, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type = %q", ct)
		}
		out := rec.Body.Bytes()
		if !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("answer is not valid JSON: %q", out)
		}
		if rec.Code == http.StatusOK {
			tbFuzzCheckTask(t, h, key.Secret, out)
		} else {
			tbFuzzCheckError(t, out, code)
		}
	})
}

// tbFuzzCheckTask checks a 200 answer and that GET of the task answers the same.
func tbFuzzCheckTask(t *testing.T, h http.Handler, key string, out []byte) {
	t.Helper()
	var env struct {
		OK   bool           `json:"ok"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(out, &env); err != nil || !env.OK || len(env.Data) < len(tbTaskKeys) {
		t.Fatalf("success envelope = %s", out)
	}
	name, _ := env.Data["name"].(string)
	if name == "" || name != taskbox.TrimText(name) || utf8.RuneCountInString(name) > 255 {
		t.Fatalf("name %q was not trimmed or is too long", name)
	}
	if p := env.Data["priority"]; p != "LOW" && p != "MEDIUM" && p != "HIGH" {
		t.Fatalf("priority = %v", p)
	}
	if !tbTimestampRE.MatchString(fmt.Sprint(env.Data["created_at"])) {
		t.Fatalf("created_at = %v", env.Data["created_at"])
	}
	id, _ := env.Data["id"].(float64)
	req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/master-inbox/tasks/%d?api_key=%s", int64(id), url.QueryEscape(key)), nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), out) {
		t.Fatalf("GET of the new task answered %d\n%s\nafter create answered\n%s", rec.Code, rec.Body, out)
	}
}

// tbFuzzCheckError checks the error envelope.
func tbFuzzCheckError(t *testing.T, out []byte, code string) {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out, &top); err != nil || len(top) != 3 || string(top["ok"]) != "false" {
		t.Fatalf("error envelope = %s", out)
	}
	var e struct {
		Code    string               `json:"code"`
		Message string               `json:"message"`
		Details []taskbox.FieldError `json:"details"`
	}
	var msg string
	if json.Unmarshal(top["message"], &msg) != nil || json.Unmarshal(top["error"], &e) != nil {
		t.Fatalf("error envelope = %s", out)
	}
	if e.Code != code || msg == "" || e.Message != msg {
		t.Fatalf("error = %s, want code %s and the message twice", out, code)
	}
	if (code == "VALIDATION_ERROR") != (len(e.Details) > 0) {
		t.Fatalf("details %v with code %s", e.Details, code)
	}
	known := map[string]bool{"email_lead_map_id": true, "name": true, "description": true, "priority": true, "due_date": true}
	for _, d := range e.Details {
		if !known[d.Field] || d.Message == "" || strings.Contains(d.Message, "json") {
			t.Fatalf("detail %+v", d)
		}
	}
}
