package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// A page of tasks, larger than net/http's 2 KB buffer, and an error
// answer leave with their Content-Length over real HTTP, not chunked.
func TestAnswersCarryContentLength(t *testing.T) {
	page := make([]*taskbox.Task, 20)
	for i := range page {
		page[i] = referenceTask(int64(i+1), taskbox.StatusPending)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/page" {
			writeTasks(w, nil, page, true, nil)
			return
		}
		writeJSON(w, http.StatusNotFound, envelope{OK: false, Data: "missing"})
	}))
	defer srv.Close()
	for _, path := range []string{"/page", "/error"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if path == "/page" && len(body) < 4096 {
			t.Fatalf("the page is %d bytes, too small to test", len(body))
		}
		if len(resp.TransferEncoding) != 0 || resp.ContentLength != int64(len(body)) ||
			resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: Transfer-Encoding %v, Content-Length %d (%q) for %d bytes, Content-Type %q", path, resp.TransferEncoding,
				resp.ContentLength, resp.Header.Get("Content-Length"), len(body), resp.Header.Get("Content-Type"))
		}
	}
}
