package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// FuzzCreateTask sends arbitrary bodies and Idempotency-Keys to create-task
// through the real handler over one database. Whatever comes in, the answer
// is one of the statuses SPEC.md §2 allows for it, in the right envelope, and
// a created task reads back exactly as it was answered.
//
//	go test ./internal/httpapi -run '^$' -fuzz FuzzCreateTask -fuzztime 20s
func FuzzCreateTask(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
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
		// Issue 14's shapes: lone surrogates, invisible names, offsets past
		// 23:59, due dates past 9999-12-30.
		{`{"email_lead_map_id": 2433664091, "name": "\ud800", "description": "\udc00\ud83d"}`, ""},
		{`{"email_lead_map_id": 2433664091, "name": "\u200c\u200d\u2063\u3164\u115f\u00ad\u200e\u200f\u202e\u034f\udb40\udc20"}`, ""},
		{`{"email_lead_map_id": 2433664091, "name": "x", "due_date": "2026-01-01T10:00:00+24:00"}`, ""},
		{`{"email_lead_map_id": 2433664091, "name": "x", "due_date": "9999-12-31"}`, ""},
		{`{"email_lead_map_id": 2433664091, "name": "x", "due_date": "9999-12-30T23:59:59.999999999-00:00"}`, ""},
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
			tbFuzzCheckError(t, out, code, tbFuzzTaskFields)
		}
	})
}

// tbFuzzAPI is the API as main wires it over one database for a fuzz
// target: an account in Asia/Tokyo holding the demo data (lead map
// 2433664091), and its key.
func tbFuzzAPI(f *testing.F) (http.Handler, *taskbox.CreatedKey, *store.DB) {
	db, _ := tbOpenStore(f)
	acct, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "fuzz", Timezone: "Asia/Tokyo"})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.LoadDemo(context.Background(), acct.ID); err != nil {
		f.Fatal(err)
	}
	return tbHandler(db), key, db
}

// tbFuzzSend runs one request through h; the key goes in a Bearer header,
// so that a fuzzed query string cannot lose it. The query is set as it is,
// bytes a request line could not carry included.
func tbFuzzSend(h http.Handler, key, method, target string, body []byte) *httptest.ResponseRecorder {
	path, query, _ := strings.Cut(target, "?")
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.URL.RawQuery = query
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// tbFuzzAnswer checks that an answer has one of the allowed statuses, is
// JSON and, when it is an error, the envelope with the status's code whose
// details name only fields that fields matches. It returns the body of a
// 200 for the target's own checks, nil for an error.
func tbFuzzAnswer(t *testing.T, rec *httptest.ResponseRecorder, input any, fields *regexp.Regexp, allowed ...int) []byte {
	t.Helper()
	if !slices.Contains(allowed, rec.Code) {
		t.Fatalf("status %d for %q: %s", rec.Code, input, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	out := rec.Body.Bytes()
	if !json.Valid(out) || !utf8.Valid(out) {
		t.Fatalf("answer is not valid JSON: %q", out)
	}
	if rec.Code == http.StatusOK {
		return out
	}
	tbFuzzCheckError(t, out, tbErrorCodes[rec.Code], fields)
	return nil
}

// tbFuzzTaskFields are the fields a create-task body can be faulted on.
var tbFuzzTaskFields = regexp.MustCompile(`^(email_lead_map_id|name|description|priority|due_date|assignee_id|recurrence(\.(rule|from))?|reminders(\[\d+\])?)$`)

// tbFuzzCheckTask checks a 200 answer and that GET of the task answers the same.
func tbFuzzCheckTask(t *testing.T, h http.Handler, key string, out []byte) {
	t.Helper()
	var env struct {
		OK   bool            `json:"ok"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(out, &env); err != nil || !env.OK {
		t.Fatalf("success envelope = %s", out)
	}
	tbFuzzCheckTaskData(t, h, key, env.Data)
}

// tbFuzzCheckTaskData checks one task as an answer wrote it, and that GET
// of the task writes it the same.
func tbFuzzCheckTaskData(t *testing.T, h http.Handler, key string, raw json.RawMessage) {
	t.Helper()
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil || len(data) < len(tbTaskKeys) {
		t.Fatalf("task = %s", raw)
	}
	name, _ := data["name"].(string)
	if taskbox.Blank(name) || name != taskbox.TrimText(name) || utf8.RuneCountInString(name) > 255 {
		t.Fatalf("name %q was not trimmed, is blank or is too long", name)
	}
	if due, ok := data["due_date"].(string); ok && due > "9999-12-30T23:59:59.999999999Z" {
		t.Fatalf("due_date %s is past 9999-12-30", due)
	}
	if p := data["priority"]; p != "LOW" && p != "MEDIUM" && p != "HIGH" {
		t.Fatalf("priority = %v", p)
	}
	if st := data["status"]; st != "pending" && st != "completed" {
		t.Fatalf("status = %v", st)
	}
	if !tbTimestampRE.MatchString(fmt.Sprint(data["created_at"])) {
		t.Fatalf("created_at = %v", data["created_at"])
	}
	id, _ := data["id"].(float64)
	rec := tbFuzzSend(h, key, http.MethodGet, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", int64(id)), nil)
	var got struct {
		Data json.RawMessage `json:"data"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil || !bytes.Equal(got.Data, raw) {
		t.Fatalf("GET of the task answered %d\n%s\nafter the change answered\n%s", rec.Code, rec.Body, raw)
	}
}

// tbFuzzCheckError checks the error envelope: a 422's details name fields
// that fields matches, or any key given twice.
func tbFuzzCheckError(t *testing.T, out []byte, code string, fields *regexp.Regexp) {
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
	for _, d := range e.Details {
		if !(fields.MatchString(d.Field) || d.Message == "must be given only once") || d.Message == "" || strings.Contains(d.Message, "json") {
			t.Fatalf("detail %+v", d)
		}
	}
}
