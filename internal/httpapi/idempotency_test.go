package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestIdempotencyReplay: SPEC.md §2, the same key with the same body answers
// the first response again, marked replayed, and creates nothing.
func TestIdempotencyReplay(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	body := tbTaskBody(mapID, map[string]string{"description": `"<b>pricing</b> & terms"`, "priority": `"HIGH"`, "due_date": `"2025-12-15T11:00:00.250+02:00"`})

	first, r1 := api.CreateTask(t, acct.Key, body, "Idempotency-Key", "order-1")
	if v := r1.Header.Get("Idempotency-Replayed"); v != "" {
		t.Errorf("first answer has Idempotency-Replayed: %q", v)
	}
	for i := 0; i < 3; i++ {
		again, r2 := api.CreateTask(t, acct.Key, body, "Idempotency-Key", "order-1")
		if v := r2.Header.Get("Idempotency-Replayed"); v != "true" {
			t.Errorf("replay %d: Idempotency-Replayed = %q, want true", i, v)
		}
		if string(r2.Body) != string(r1.Body) || again.ID != first.ID {
			t.Errorf("replay %d answered\n%s\nwant\n%s", i, r2.Body, r1.Body)
		}
	}
	if n := api.Count(t, "tasks"); n != 1 {
		t.Errorf("%d tasks, want 1", n)
	}
	if n := api.Count(t, "task_events"); n != 1 {
		t.Errorf("%d task events, want 1", n)
	}
	t.Run("a bearer key of the same account replays too", func(t *testing.T) {
		_, r := api.CreateTask(t, "", body, "Idempotency-Key", "order-1", "Authorization", "Bearer "+acct.Key)
		if r.Header.Get("Idempotency-Replayed") != "true" || string(r.Body) != string(r1.Body) {
			t.Errorf("answer = %s %v", r.Body, r.Header)
		}
	})
	t.Run("without a key every request creates", func(t *testing.T) {
		a, _ := api.CreateTask(t, acct.Key, body)
		b, r := api.CreateTask(t, acct.Key, body)
		if a.ID == b.ID || r.Header.Get("Idempotency-Replayed") != "" {
			t.Errorf("ids %d and %d, replayed %q", a.ID, b.ID, r.Header.Get("Idempotency-Replayed"))
		}
	})
}

// TestIdempotencyConflict: the same key with another body, or on another
// endpoint, is a 409 and changes nothing.
func TestIdempotencyConflict(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	first, _ := api.CreateTask(t, acct.Key, tbTaskBody(mapID, nil), "Idempotency-Key", "k1")
	for _, tc := range []struct{ name, path, body string }{
		{"other name", tbCreateTaskPath, tbTaskBody(mapID, map[string]string{"name": `"Something else"`})},
		{"same fields, other spacing", tbCreateTaskPath, " " + tbTaskBody(mapID, nil)},
		{"other endpoint", "/api/v1/campaigns/create", `{"name": "Q4"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := api.Post(t, tc.path, acct.Key, tc.body, "Idempotency-Key", "k1")
			e := tbWantError(t, r, http.StatusConflict, "CONFLICT")
			if e.Message != "This Idempotency-Key was already used with a different request." {
				t.Errorf("message = %q", e.Message)
			}
		})
	}
	if n := api.Count(t, "tasks"); n != 1 {
		t.Errorf("%d tasks, want 1", n)
	}
	// The first body still replays after the conflicts.
	again, r := api.CreateTask(t, acct.Key, tbTaskBody(mapID, nil), "Idempotency-Key", "k1")
	if again.ID != first.ID || r.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("replay after conflicts: %s", r.Body)
	}
}

// TestIdempotencyScope: a key belongs to one account, and a request that
// fails does not use it up.
func TestIdempotencyScope(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	b := api.Account(t, "B", "")
	mapA := api.LeadMap(t, a.Key, "lead@a.example")
	mapB := api.LeadMap(t, b.Key, "lead@b.example")

	t.Run("per account", func(t *testing.T) {
		ta, ra := api.CreateTask(t, a.Key, tbTaskBody(mapA, nil), "Idempotency-Key", "same")
		tb, rb := api.CreateTask(t, b.Key, tbTaskBody(mapB, nil), "Idempotency-Key", "same")
		if ta.ID == tb.ID || ra.Header.Get("Idempotency-Replayed") != "" || rb.Header.Get("Idempotency-Replayed") != "" {
			t.Errorf("A: %s\nB: %s", ra.Body, rb.Body)
		}
		// Same bytes in both accounts: still two tasks.
		body := tbTaskBody(mapA, nil)
		api.CreateTask(t, a.Key, body, "Idempotency-Key", "bytes")
		tbWantError(t, api.Post(t, tbCreateTaskPath, b.Key, body, "Idempotency-Key", "bytes"), http.StatusNotFound, "NOT_FOUND")
	})
	t.Run("a 404 does not use the key up", func(t *testing.T) {
		body := tbTaskBody(999999, nil)
		tbWantError(t, api.Post(t, tbCreateTaskPath, a.Key, body, "Idempotency-Key", "retry-me"), http.StatusNotFound, "NOT_FOUND")
		tbWantError(t, api.Post(t, tbCreateTaskPath, a.Key, body, "Idempotency-Key", "retry-me"), http.StatusNotFound, "NOT_FOUND")
		_, r := api.CreateTask(t, a.Key, tbTaskBody(mapA, nil), "Idempotency-Key", "retry-me")
		if r.Header.Get("Idempotency-Replayed") != "" {
			t.Errorf("a fresh create was marked replayed")
		}
	})
	t.Run("a 422 does not use the key up", func(t *testing.T) {
		tbWantError(t, api.Post(t, tbCreateTaskPath, a.Key, `{"name": ""}`, "Idempotency-Key", "fix-me"),
			http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		api.CreateTask(t, a.Key, tbTaskBody(mapA, nil), "Idempotency-Key", "fix-me")
	})
	t.Run("key length", func(t *testing.T) {
		long := strings.Repeat("k", 255)
		api.CreateTask(t, a.Key, tbTaskBody(mapA, nil), "Idempotency-Key", long)
		_, r := api.CreateTask(t, a.Key, tbTaskBody(mapA, nil), "Idempotency-Key", long)
		if r.Header.Get("Idempotency-Replayed") != "true" {
			t.Errorf("a 255-character key did not replay")
		}
		before := api.Count(t, "tasks")
		e := tbWantError(t, api.Post(t, tbCreateTaskPath, a.Key, tbTaskBody(mapA, nil), "Idempotency-Key", long+"k"),
			http.StatusBadRequest, "BAD_REQUEST")
		if !strings.Contains(e.Message, "255") {
			t.Errorf("message = %q, want the limit in it", e.Message)
		}
		if n := api.Count(t, "tasks"); n != before {
			t.Errorf("a refused key created a task")
		}
	})
}

// TestIdempotencyConcurrent: requests racing with one key create one task,
// and every one of them is answered with it.
func TestIdempotencyConcurrent(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	const n = 8
	for round := 0; round < 3; round++ {
		key := fmt.Sprintf("race-%d", round)
		body := tbTaskBody(mapID, map[string]string{"name": fmt.Sprintf(`"Race %d"`, round)})
		answers, errs := atOnce(n, func() (*tbResp, error) {
			return api.Try(http.MethodPost, tbCreateTaskPath, acct.Key, body, "Idempotency-Key", key)
		})
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		replayed := 0
		for i, r := range answers {
			if r.Status != http.StatusOK || string(r.Body) != string(answers[0].Body) {
				t.Errorf("round %d answer %d: %s; answer 0: %s", round, i, r, answers[0].Body)
			}
			if r.Header.Get("Idempotency-Replayed") == "true" {
				replayed++
			}
		}
		if replayed != n-1 {
			t.Errorf("round %d: %d answers replayed, want %d", round, replayed, n-1)
		}
	}
	if got := api.Count(t, "tasks"); got != 3 {
		t.Errorf("%d tasks, want 3", got)
	}
}

// TestIdempotencyOtherEndpoints: campaigns and lead uploads honour the key too.
func TestIdempotencyOtherEndpoints(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	r1 := api.Post(t, "/api/v1/campaigns/create", acct.Key, `{"name": "Q4"}`, "Idempotency-Key", "c1")
	r2 := api.Post(t, "/api/v1/campaigns/create", acct.Key, `{"name": "Q4"}`, "Idempotency-Key", "c1")
	tbWantStatus(t, r1, http.StatusOK)
	tbWantStatus(t, r2, http.StatusOK)
	if string(r1.Body) != string(r2.Body) || r2.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("campaign replay: %s then %s", r1.Body, r2.Body)
	}
	if n := api.Count(t, "campaigns"); n != 1 {
		t.Errorf("%d campaigns, want 1", n)
	}
	var c struct{ ID int64 }
	tbDecode(t, r1.Body, &c)
	path := fmt.Sprintf("/api/v1/campaigns/%d/leads", c.ID)
	body := `{"lead_list": [{"email": "a@x.example"}, {"email": "b@x.example"}]}`
	l1 := api.Post(t, path, acct.Key, body, "Idempotency-Key", "l1")
	l2 := api.Post(t, path, acct.Key, body, "Idempotency-Key", "l1")
	tbWantStatus(t, l1, http.StatusOK)
	tbWantStatus(t, l2, http.StatusOK)
	if string(l1.Body) != string(l2.Body) || l2.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("upload replay: %s then %s", l1.Body, l2.Body)
	}
	if n := api.Count(t, "lead_maps"); n != 2 {
		t.Errorf("%d lead maps, want 2", n)
	}
}

// TestIdempotencyCalendarToken: a token rotation honours the key as every
// creating POST does. The same key and body answer the first token again,
// marked replayed, and revoke nothing; another body, or the key of another
// endpoint, is the 409; requests racing with one key make one token; a key
// is per account.
func TestIdempotencyCalendarToken(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	b := api.Account(t, "B", "")
	const path = "/api/v1/calendar/token"
	token := func(r *tbResp) string {
		t.Helper()
		tbWantStatus(t, r, http.StatusOK)
		var v struct{ Data struct{ Token, URL string } }
		tbDecode(t, r.Body, &v)
		if v.Data.Token == "" || v.Data.URL != tbBaseURL+"/ical/"+v.Data.Token+".ics" {
			t.Fatalf("token answer %s", r.Body)
		}
		return v.Data.Token
	}
	feed := func(tok string) int { return api.Get(t, "/ical/"+tok+".ics", "").Status }

	r1 := api.Post(t, path, a.Key, "", "Idempotency-Key", "cal-1")
	first := token(r1)
	if v := r1.Header.Get("Idempotency-Replayed"); v != "" {
		t.Errorf("first answer has Idempotency-Replayed: %q", v)
	}
	for i := 0; i < 2; i++ {
		r := api.Post(t, path, a.Key, "", "Idempotency-Key", "cal-1")
		if token(r) != first || string(r.Body) != string(r1.Body) || r.Header.Get("Idempotency-Replayed") != "true" {
			t.Errorf("replay %d answered %s %v\nwant %s, replayed", i, r.Body, r.Header, r1.Body)
		}
	}
	if st := feed(first); st != http.StatusOK {
		t.Errorf("the feed of the first token answers %d after its replays, want 200", st)
	}

	for _, tc := range []struct{ name, path, body string }{
		{"another body", path, `{"rotate": true}`},
		{"another endpoint", "/api/v1/campaigns/create", `{"name": "Q4"}`},
	} {
		r := api.Post(t, tc.path, a.Key, tc.body, "Idempotency-Key", "cal-1")
		if e := tbWantError(t, r, http.StatusConflict, "CONFLICT"); e.Message != "This Idempotency-Key was already used with a different request." {
			t.Errorf("%s: message = %q", tc.name, e.Message)
		}
	}
	if st := feed(first); st != http.StatusOK {
		t.Errorf("the feed of the first token answers %d after the conflicts, want 200", st)
	}
	e := tbWantError(t, api.Post(t, path, a.Key, "", "Idempotency-Key", strings.Repeat("k", 256)), http.StatusBadRequest, "BAD_REQUEST")
	if e.Message != "The Idempotency-Key header must be at most 255 characters." {
		t.Errorf("long key: message = %q", e.Message)
	}

	if other := token(api.Post(t, path, b.Key, "", "Idempotency-Key", "cal-1")); other == first || feed(first) != http.StatusOK {
		t.Errorf("B's rotation with A's key answered A's token or revoked it")
	}

	const n = 8
	answers, errs := atOnce(n, func() (*tbResp, error) {
		return api.Try(http.MethodPost, path, a.Key, "", "Idempotency-Key", "cal-race")
	})
	for i, r := range answers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if r.Status != http.StatusOK || string(r.Body) != string(answers[0].Body) {
			t.Errorf("racing answer %d: %s; answer 0: %s", i, r, answers[0].Body)
		}
	}
	raced := token(answers[0])
	if feed(raced) != http.StatusOK || feed(first) != http.StatusNotFound {
		t.Errorf("after the race: feed of its token %d, of the first %d; want 200 and 404", feed(raced), feed(first))
	}

	if fresh := token(api.Post(t, path, a.Key, "")); fresh == raced || feed(raced) != http.StatusNotFound {
		t.Errorf("a rotation without a key did not replace the token")
	}
}

// atOnce sends n requests with send from n goroutines released together,
// and returns their answers and errors in the goroutines' order.
func atOnce(n int, send func() (*tbResp, error)) ([]*tbResp, []error) {
	answers, errs := make([]*tbResp, n), make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			answers[i], errs[i] = send()
		})
	}
	close(start)
	wg.Wait()
	return answers, errs
}
