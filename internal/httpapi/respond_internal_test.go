package httpapi

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// TestWriteTasks holds writeTasks (no reflection) to the bytes writeJSON
// writes for the same answer: one task, a list with and without a cursor,
// an empty and a nil list, texts with HTML, U+2028 and invalid UTF-8.
func TestWriteTasks(t *testing.T) {
	desc, first, cursor := "<b>pricing</b> & \"terms\" \u2028 \xff", "Zoë", "c<&>\u2029"
	due := taskbox.Due{At: time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC), AllDay: true}
	by := taskbox.ActorRef{Type: "web", ID: 2, Name: "ops & <sales>"}
	done := taskbox.Now()
	full := &taskbox.Task{ID: 9, LeadMapID: 2433664091, Name: "Call </script>", Description: &desc, Priority: taskbox.PriorityLow,
		Due: &due, CreatedAt: taskbox.Now(), Status: taskbox.StatusCompleted, UpdatedAt: taskbox.Now(), CompletedAt: &done,
		CampaignID: 1, LeadID: 2, CompletedBy: &by, Lead: &taskbox.TaskLead{ID: 2, Email: "a@example.com", FirstName: &first},
		Campaign: &taskbox.TaskCampaign{ID: 1, Name: "Q4 \x00 & more"}}
	plain := referenceTask(3, taskbox.StatusPending)
	type list struct {
		OK         bool    `json:"ok"`
		Data       any     `json:"data"`
		NextCursor *string `json:"next_cursor"`
	}
	cases := []struct {
		name      string
		write     func(*httptest.ResponseRecorder)
		reference any
	}{
		{"task", func(w *httptest.ResponseRecorder) { writeData(w, full) }, envelope{OK: true, Data: full}},
		{"plain task", func(w *httptest.ResponseRecorder) { writeData(w, plain) }, envelope{OK: true, Data: plain}},
		{"nil task", func(w *httptest.ResponseRecorder) { writeData(w, (*taskbox.Task)(nil)) }, envelope{OK: true, Data: (*taskbox.Task)(nil)}},
		{"tasks", func(w *httptest.ResponseRecorder) { writeData(w, []*taskbox.Task{full, plain}) }, envelope{OK: true, Data: []*taskbox.Task{full, plain}}},
		{"no tasks", func(w *httptest.ResponseRecorder) { writeData(w, []*taskbox.Task{}) }, envelope{OK: true, Data: []*taskbox.Task{}}},
		{"nil tasks", func(w *httptest.ResponseRecorder) { writeData(w, []*taskbox.Task(nil)) }, envelope{OK: true, Data: []*taskbox.Task(nil)}},
		{"page", func(w *httptest.ResponseRecorder) { writeTasks(w, nil, []*taskbox.Task{plain, full}, true, &cursor) },
			list{OK: true, Data: []*taskbox.Task{plain, full}, NextCursor: &cursor}},
		{"last page", func(w *httptest.ResponseRecorder) { writeTasks(w, nil, []*taskbox.Task{full}, true, nil) },
			list{OK: true, Data: []*taskbox.Task{full}}},
		{"empty page", func(w *httptest.ResponseRecorder) { writeTasks(w, nil, []*taskbox.Task{}, true, nil) },
			list{OK: true, Data: []*taskbox.Task{}}},
	}
	for _, c := range cases {
		for range 2 { // the second time with a buffer from the pool
			got, want := httptest.NewRecorder(), httptest.NewRecorder()
			c.write(got)
			writeJSON(want, 200, c.reference)
			if got.Code != 200 || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Fatalf("%s: %d\n got %s\nwant %s", c.name, got.Code, got.Body.Bytes(), want.Body.Bytes())
			}
			if ct := got.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("%s: Content-Type %q", c.name, ct)
			}
		}
	}
}
