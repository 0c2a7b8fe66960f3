package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

func TestWebhooks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := serveBinary(t)
	c := (&api{}).client(t, s.URL, s.Key)
	var mu sync.Mutex
	received := map[string]int{}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		received[r.Header.Get("X-Taskbox-Event-Id")]++
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)

	hook, err := c.CreateWebhook(ctx, &taskbox.WebhookCreate{URL: receiver.URL + "/hook",
		Events: []string{taskbox.EventTypeTaskCreated, taskbox.EventTypeTaskCompleted}})
	if err != nil || hook.ID <= 0 || hook.Secret == "" || len(hook.Events) != 2 || hook.CreatedAt.IsZero() {
		t.Fatalf("CreateWebhook: %+v, %v", hook, err)
	}
	_, err = c.CreateWebhook(ctx, &taskbox.WebhookCreate{URL: "ftp://example.com", Events: []string{"NOPE"}})
	if e := wantCode(t, err, taskbox.EINVALID); len(e.Details) < 2 {
		t.Errorf("422 details %+v, want url and events[0]", e.Details)
	}
	list, err := c.ListWebhooks(ctx)
	if err != nil || len(list) != 1 || list[0].ID != hook.ID || list[0].Secret != "" {
		t.Fatalf("ListWebhooks: %+v, %v", list, err)
	}
	got, err := c.FindWebhookByID(ctx, hook.ID)
	if err != nil || got.URL != receiver.URL+"/hook" {
		t.Fatalf("FindWebhookByID: %+v, %v", got, err)
	}

	_, maps := leadMaps(t, c, "Hooks", "ada@example.com")
	if _, err := c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: maps["ada@example.com"].LeadMapID, Name: "hooked"}); err != nil {
		t.Fatal(err)
	}
	var deliveries []*taskbox.WebhookDelivery
	for deadline := time.Now().Add(10 * time.Second); len(deliveries) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if deliveries, err = c.ListDeliveries(ctx, hook.ID); err != nil {
			t.Fatalf("ListDeliveries: %v", err)
		}
	}
	if len(deliveries) == 0 || deliveries[0].EventType != taskbox.EventTypeTaskCreated || deliveries[0].EventID == "" {
		t.Fatalf("deliveries %+v, want the TASK_CREATED one", deliveries)
	}
	again, err := c.Redeliver(ctx, hook.ID, deliveries[0].ID)
	if err != nil || again.EventID != deliveries[0].EventID {
		t.Fatalf("Redeliver: %+v, %v", again, err)
	}
	_, err = c.Redeliver(ctx, hook.ID, 987654)
	wantCode(t, err, taskbox.ENOTFOUND)

	reached := func() bool { mu.Lock(); defer mu.Unlock(); return received[deliveries[0].EventID] > 0 }
	for deadline := time.Now().Add(10 * time.Second); !reached(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the receiver was not reached with event %s within 10s", deliveries[0].EventID)
		}
	}
	other := (&api{}).client(t, s.URL, s.newAccount(t, "other"))
	_, err = other.FindWebhookByID(ctx, hook.ID)
	wantCode(t, err, taskbox.ENOTFOUND)
	if err := c.DeleteWebhook(ctx, hook.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.FindWebhookByID(ctx, hook.ID)
	wantCode(t, err, taskbox.ENOTFOUND)
	wantCode(t, c.DeleteWebhook(ctx, hook.ID), taskbox.ENOTFOUND)
}

func TestRotateCalendarToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := serveBinary(t)
	c := (&api{}).client(t, s.URL, s.Key)
	first, err := c.RotateCalendarToken(ctx, nil)
	if err != nil || first.Token == "" || !strings.Contains(first.URL, first.Token) {
		t.Fatalf("RotateCalendarToken: %+v, %v", first, err)
	}
	second, err := c.RotateCalendarToken(ctx, nil)
	if err != nil || second.Token == first.Token {
		t.Fatalf("second rotation: %+v, %v; want a new token", second, err)
	}
	feed := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if old, cur := feed(first.URL), feed(second.URL); old != http.StatusNotFound || cur != http.StatusOK {
		t.Errorf("feed of the old token %d, of the new %d; want 404 and 200", old, cur)
	}
	_, err = (&api{}).client(t, s.URL, "tbx_wrong").RotateCalendarToken(ctx, nil)
	wantCode(t, err, taskbox.EUNAUTHORIZED)

	// With a key, the same rotation again answers the same token.
	idem := &taskbox.Idempotency{Key: "rotate-once"}
	third, err := c.RotateCalendarToken(ctx, idem)
	if err != nil || idem.Replayed || third.Token == second.Token {
		t.Fatalf("rotation with a key: %+v, %v, replayed %v", third, err, idem.Replayed)
	}
	again := &taskbox.Idempotency{Key: "rotate-once"}
	if replay, err := c.RotateCalendarToken(ctx, again); err != nil || !again.Replayed || *replay != *third {
		t.Fatalf("the same rotation again: %+v, %v, replayed %v; want %+v, replayed", replay, err, again.Replayed, third)
	}
	if cur := feed(third.URL); cur != http.StatusOK {
		t.Errorf("feed of the token after its replay: %d, want 200", cur)
	}

	// A rotation whose answer is lost is sent again with its key, and the
	// token it answers is the one that works.
	f := &flaky{path: "/api/v1/calendar/token", fails: 1}
	lost, err := (&api{}).client(t, (&api{URL: s.URL}).flaky(t, f), s.Key).RotateCalendarToken(ctx, nil)
	if err != nil || f.seen != 2 || f.keys[0] == "" || f.keys[0] != f.keys[1] {
		t.Fatalf("rotation with a lost answer: %+v, %v after %d requests with keys %q; want 2 with one key", lost, err, f.seen, f.keys)
	}
	if cur, old := feed(lost.URL), feed(third.URL); cur != http.StatusOK || old != http.StatusNotFound {
		t.Errorf("feed of the retried rotation's token %d, of the one before %d; want 200 and 404", cur, old)
	}
}
