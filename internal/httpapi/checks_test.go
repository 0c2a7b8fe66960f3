package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"sort"
	"testing"
)

// tbTask is a task as the API writes it; pointers are the nullable fields.
type tbTask struct {
	ID             int64   `json:"id"`
	EmailLeadMapID int64   `json:"email_lead_map_id"`
	Name           string  `json:"name"`
	Description    *string `json:"description"`
	Priority       string  `json:"priority"`
	DueDate        *string `json:"due_date"`
	CreatedAt      string  `json:"created_at"`
	Status         string  `json:"status"`
	UpdatedAt      string  `json:"updated_at"`
	CompletedAt    *string `json:"completed_at"`
	CampaignID     int64   `json:"campaign_id"`
	LeadID         int64   `json:"lead_id"`
}

// tbTaskKeys are the first keys of a task: the source document's seven,
// then taskbox's additions of SPEC.md §3.1.
var tbTaskKeys = []string{"id", "email_lead_map_id", "name", "description", "priority", "due_date", "created_at",
	"status", "updated_at", "completed_at", "campaign_id", "lead_id"}

// tbWantTask checks a 200 {"ok": true, "data": task} answer and returns the task.
func tbWantTask(t testing.TB, r *tbResp) tbTask {
	t.Helper()
	tbWantStatus(t, r, http.StatusOK)
	var env struct {
		OK   bool            `json:"ok"`
		Data json.RawMessage `json:"data"`
	}
	tbDecode(t, r.Body, &env)
	if got := tbKeys(t, r.Body); !slices.Equal(got, []string{"ok", "data"}) {
		t.Errorf("envelope keys = %v, want [ok data]", got)
	}
	if !env.OK {
		t.Errorf("ok = false in %s", r.Body)
	}
	// The lifecycle may add fields after these; these come first, in order.
	if got := tbKeys(t, env.Data); len(got) < len(tbTaskKeys) || !slices.Equal(got[:len(tbTaskKeys)], tbTaskKeys) {
		t.Errorf("task keys = %v,\nwant them to start with %v", got, tbTaskKeys)
	}
	var task tbTask
	tbDecode(t, env.Data, &task)
	if task.ID <= 0 || task.CampaignID <= 0 || task.LeadID <= 0 {
		t.Errorf("task ids not positive: %s", env.Data)
	}
	if !tbTimestampRE.MatchString(task.CreatedAt) || !tbTimestampRE.MatchString(task.UpdatedAt) {
		t.Errorf("created_at %q / updated_at %q do not have milliseconds", task.CreatedAt, task.UpdatedAt)
	}
	return task
}

// tbError is the error envelope.
type tbError struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
	Error   struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

// Fields lists the fields named in details, sorted.
func (e tbError) Fields() []string {
	var out []string
	for _, d := range e.Error.Details {
		out = append(out, d.Field)
	}
	sort.Strings(out)
	return out
}

// Detail returns the message for field in details, or "".
func (e tbError) Detail(field string) string {
	for _, d := range e.Error.Details {
		if d.Field == field {
			return d.Message
		}
	}
	return ""
}

// tbWantError checks status, the JSON content type and the exact error
// envelope, and returns the decoded error.
func tbWantError(t testing.TB, r *tbResp, status int, code string) tbError {
	t.Helper()
	tbWantStatus(t, r, status)
	tbWantJSONType(t, r)
	var e tbError
	tbDecode(t, r.Body, &e)
	if got := tbKeys(t, r.Body); !slices.Equal(got, []string{"ok", "message", "error"}) {
		t.Errorf("error envelope keys = %v, want [ok message error]: %s", got, r.Body)
	}
	var inner map[string]json.RawMessage
	tbDecode(t, tbField(t, r.Body, "error"), &inner)
	for k := range inner {
		if k != "code" && k != "message" && k != "details" && !(k == "retry_after" && status == http.StatusTooManyRequests) {
			t.Errorf("unexpected key %q in error: %s", k, r.Body)
		}
	}
	if _, ok := inner["details"]; ok != (status == http.StatusUnprocessableEntity) {
		t.Errorf("details present = %v for status %d: %s", ok, status, r.Body)
	}
	if e.OK || e.Error.Code != code || e.Message == "" || e.Message != e.Error.Message {
		t.Errorf("error envelope = %s, want ok false, code %s, message twice", r.Body, code)
	}
	return e
}

// tbWantStatus fails the test now when the status is not want.
func tbWantStatus(t testing.TB, r *tbResp, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status = %d, want %d; body %s", r.Status, want, r.Body)
	}
}

// tbWantJSONType checks Content-Type: application/json.
func tbWantJSONType(t testing.TB, r *tbResp) {
	t.Helper()
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		t.Errorf("Content-Type = %q, want application/json (status %d)", r.Header.Get("Content-Type"), r.Status)
	}
}

// tbDecode unmarshals b into v strictly enough to catch a non-JSON answer.
func tbDecode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// tbField returns one member of a JSON object.
func tbField(t testing.TB, b []byte, name string) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	tbDecode(t, b, &m)
	return m[name]
}

// tbKeys returns the keys of a JSON object in the order they are written.
func tbKeys(t testing.TB, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", b)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("reading keys of %s: %v", b, err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("reading value of %s: %v", b, err)
		}
	}
	return keys
}

// tbJSON marshals v.
func tbJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}
