package httpapi_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/httpapi"
)

// Bulk bodies over 1 MiB share one budget of bytes for the whole server:
// while two bodies of unknown length (each charged the 10 MiB limit) are
// being sent, a third bulk request of unknown length is answered 503
// SERVICE_UNAVAILABLE with Retry-After, unread, after waiting
// LargeBodyWait for one of them to end; a small one of
// declared length still passes; once the two are done, the third passes.
func TestLargeBodyBudget(t *testing.T) {
	if httpapi.LargeBodyBudget/httpapi.MaxBulkBody != 2 {
		t.Fatalf("the test holds two bodies of %d bytes against a budget of %d", httpapi.MaxBulkBody, httpapi.LargeBodyBudget)
	}
	api := tbNewAPI(t)
	acct := api.Account(t, "budget", "")
	h := (&httpapi.Server{Accounts: api.DB, Campaigns: api.DB, Leads: api.DB, Tasks: api.DB, Inbox: api.DB, DB: api.DB,
		Logger: slog.New(slog.DiscardHandler), Webhooks: api.DB, LargeBodyWait: 20 * time.Millisecond}).Handler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	url := srv.URL + tbWithKey(tbBulkCreatePath, acct.Key)

	// chunked sends body without a Content-Length, as a stream.
	chunked := func(body io.Reader) (*tbResp, error) {
		req, err := http.NewRequest("POST", url, body)
		if err != nil {
			return nil, err
		}
		req.ContentLength = -1
		return tbTrySend(req)
	}
	var (
		wg      sync.WaitGroup
		writers []*io.PipeWriter
		held    = make([]*tbResp, 2)
	)
	for i := range 2 {
		pr, pw := io.Pipe()
		writers = append(writers, pw)
		wg.Go(func() {
			r, err := chunked(pr)
			if err != nil {
				t.Error(err)
				return
			}
			held[i] = r
		})
		go func() { _, _ = io.WriteString(pw, `{"tasks": [`) }()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := chunked(strings.NewReader(`{"tasks": []}`))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status == 503 {
			tbWantError(t, r, 503, "SERVICE_UNAVAILABLE")
			if r.Header.Get("Retry-After") != "1" {
				t.Errorf("over the budget: Retry-After %q, want 1", r.Header.Get("Retry-After"))
			}
			break
		}
		if r.Status != 422 || time.Now().After(deadline) {
			t.Fatalf("while two large bodies are read: %s, want 422 then 503", r)
		}
	}
	if r := (&tbAPI{URL: srv.URL}).Do(t, "POST", tbBulkCreatePath, acct.Key, `{"tasks": []}`); r.Status != 422 {
		t.Errorf("a small body of declared length: %s, want 422", r)
	}
	for _, pw := range writers {
		go func() {
			_, _ = io.WriteString(pw, `{}]}`)
			_ = pw.Close()
		}()
	}
	wg.Wait()
	for _, r := range held {
		if r != nil && r.Status != 422 {
			t.Errorf("a large body: %s, want 422", r)
		}
	}
	if r, err := chunked(strings.NewReader(`{"tasks": []}`)); err != nil || r.Status != 422 {
		t.Errorf("after the large bodies: %v %v, want 422", r, err)
	}
}
