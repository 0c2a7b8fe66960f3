package client_test

import (
	"context"
	"net/http"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
	"github.com/taskboxhq/taskbox/internal/httpapi"
)

// The client's status-to-code table is the inverse of the server's: every
// code of SPEC.md §2 comes back from its status, so an answer without the
// envelope (a proxy's page) still has the right code.
func TestCodeForStatusInvertsTheServer(t *testing.T) {
	t.Parallel()
	for _, code := range []string{taskbox.EBADREQUEST, taskbox.EUNAUTHORIZED, taskbox.EFORBIDDEN, taskbox.ENOTFOUND, taskbox.EMETHOD,
		taskbox.ECONFLICT, taskbox.ETOOLARGE, taskbox.EINVALID, taskbox.ERATELIMIT, taskbox.EINTERNAL, taskbox.EUNAVAILABLE} {
		status := httpapi.StatusFor(code)
		if got := client.CodeForStatus(status); got != code {
			t.Errorf("CodeForStatus(%d) = %s, want %s (the server sends %[1]d for %[3]s)", status, got, code)
		}
	}
	for status, want := range map[int]string{418: taskbox.EBADREQUEST, 502: taskbox.EINTERNAL, 504: taskbox.EINTERNAL} {
		if got := client.CodeForStatus(status); got != want {
			t.Errorf("CodeForStatus(%d) = %s, want %s", status, got, want)
		}
	}
}

// A refusal without the JSON envelope (a proxy's HTML page) is a
// *taskbox.Error of its status's code that names the status.
func TestErrorWithoutEnvelope(t *testing.T) {
	t.Parallel()
	page := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		_, _ = w.Write([]byte("<html><body>413 Request Entity Too Large</body></html>"))
	}
	f := &flaky{path: "/api/v1/campaigns", fails: 1, fail: page}
	_, c, _ := retrySetup(t, f)
	_, err := c.ListCampaigns(context.Background())
	if e := wantCode(t, err, taskbox.ETOOLARGE); e.Message != "The server answered 413 Request Entity Too Large." || f.seen != 1 {
		t.Errorf("message %q after %d requests", e.Message, f.seen)
	}
}
