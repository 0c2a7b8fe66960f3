package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// FuzzCreateWebhook fuzzes POST /api/v1/webhooks: no body may panic or get
// another status than 200, 400, 413 or 422; an error names only the
// endpoint's fields; a webhook that was created is read back as it was
// answered, with a known, unrepeated event list and an http(s) URL.
func FuzzCreateWebhook(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	db.MaxWebhooks = 1 << 30 // the cap has its own test (TestWebhookCap); here it would end the fuzzing at 20
	fields := regexp.MustCompile(`^(url|events(\[\d+\])?)$`)
	f.Add([]byte(`{"url": "https://hooks.example.com/taskbox", "events": ["TASK_CREATED", "TASK_DUE"]}`))
	f.Add([]byte(`{"url": "http://[::ffff:127.0.0.1]/", "events": ["TASK_DELETED"]}`))
	f.Add([]byte(`{"url": "https://hooks.example.com/", "events": [1, null, "TASK_DUE", "TASK_DUE"]}`))
	f.Add([]byte(`{"url": "https://hooks.example.com:99999/", "events": ["TASK_CREATED"]}`))
	f.Add([]byte(`{"url": "https://hooks.example.com:0/\ud800", "events": ["TASK_CREATED\udc00"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, "/api/v1/webhooks", body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 413, 422)
		if out == nil {
			return
		}
		var created struct{ Data tbWebhook }
		if err := json.Unmarshal(out, &created); err != nil {
			t.Fatal(err)
		}
		w := created.Data
		u, err := url.Parse(w.URL)
		if !strings.HasPrefix(w.URL, "http://") && !strings.HasPrefix(w.URL, "https://") || len(w.Events) == 0 ||
			err != nil || !tbPortOK(u.Port()) {
			t.Fatalf("created %s from %q", out, body)
		}
		seen := map[string]bool{}
		for _, e := range w.Events {
			if seen[e] || !slices.Contains(taskbox.WebhookEventTypes, e) {
				t.Fatalf("events %v from %q", w.Events, body)
			}
			seen[e] = true
		}
		got := tbFuzzSend(h, key.Secret, http.MethodGet, fmt.Sprintf("/api/v1/webhooks/%d", w.ID), nil)
		var read struct{ Data tbWebhook }
		if got.Code != http.StatusOK || json.Unmarshal(got.Body.Bytes(), &read) != nil ||
			read.Data.URL != w.URL || !slices.Equal(read.Data.Events, w.Events) || read.Data.Secret != "" {
			t.Fatalf("read back %d %s, created %s", got.Code, got.Body, out)
		}
	})
}

// tbPortOK: a URL's port is absent or 1–65535.
func tbPortOK(p string) bool {
	n, err := strconv.Atoi(p)
	return p == "" || err == nil && n >= 1 && n <= 65535
}
