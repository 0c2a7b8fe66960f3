package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// The input edges of issue 14 in the hostile corpus: offsets past 23:59,
// due dates past 9999-12-30, webhook ports past 65535.

// tbHostileTimes: due_date values at and past the edges, on every
// endpoint that takes one.
func tbHostileTimes(fx tbHostileFixture) []tbHostile {
	ep := tbBodyEndpoints(fx)
	var out []tbHostile
	for _, e := range []tbBodyEndpoint{ep[0], ep[1], ep[2], ep[3]} {
		for _, tc := range []struct{ raw, detail string }{
			{`"2026-01-01T10:00:00+24:00"`, taskbox.DueDateFormats},
			{`"2026-01-01T10:00:00-24:00"`, taskbox.DueDateFormats},
			{`"2026-01-01T10:00:00+23:60"`, taskbox.DueDateFormats},
			{`"2026-01-01T10:00:00.5+24:00"`, taskbox.DueDateFormats},
			{`"9999-12-31"`, taskbox.DueDateRange},
			{`"9999-12-31T00:00:00Z"`, taskbox.DueDateRange},
			{`"9999-12-31T23:59:59.999Z"`, taskbox.DueDateRange},
			{`"9999-12-31T12:00:00-01:00"`, taskbox.DueDateRange},
			{`"9999-12-31T23:30:00-01:00"`, taskbox.DueDateFormats},
			{`"10000-01-01"`, taskbox.DueDateFormats},
			{`"+10000-01-01T00:00:00Z"`, taskbox.DueDateFormats},
		} {
			out = append(out, tbHostile{name: e.name + "/due_date " + tc.raw, method: e.method, path: e.path,
				body: e.with("due_date", tc.raw), status: 422, field: e.prefix + "due_date", detail: tc.detail})
		}
		for _, raw := range []string{`"9999-12-30"`, `"9999-12-30T23:59:59.999Z"`, `"9999-12-31T12:00:00+14:00"`, `"2026-01-01T10:00:00+23:59"`, `"0000-01-01"`} {
			out = append(out, tbHostile{name: e.name + "/due_date " + raw, method: e.method, path: e.path,
				body: e.with("due_date", raw), status: 200})
		}
	}
	hook := func(url string) string { return `{"url": ` + tbQuote(url) + `, "events": ["TASK_CREATED"]}` }
	for _, u := range []string{"https://hooks.example.com:99999/x", "https://hooks.example.com:65536/", "https://hooks.example.com:0/",
		"https://hooks.example.com:00000/", "http://hooks.example.com:4294967297/", "https://[2001:4860::1]:70000/"} {
		out = append(out, tbHostile{name: "webhooks/url " + u, method: "POST", path: "/api/v1/webhooks", body: hook(u),
			status: 422, field: "url", detail: "must have a port from 1 to 65535, or none"})
	}
	for _, u := range []string{"https://hooks.example.com:65535/x", "https://hooks.example.com:1/", "https://hooks.example.com:/x"} {
		out = append(out, tbHostile{name: "webhooks/url " + u, method: "POST", path: "/api/v1/webhooks", body: hook(u), status: 200})
	}
	return out
}

// TestDueInADSTGap: a local due time that the account's zone skips moves
// forward by the gap (02:30 on the night New York jumps from 02:00 to
// 03:00 is 03:30 EDT, 07:30Z; it was 06:30Z, an hour early), on create,
// PATCH and bulk-create; one that happens twice is the first.
func TestDueInADSTGap(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "New York", "America/New_York")
	mapID := api.LeadMap(t, acct.Key, "gap@example.com")
	for local, want := range map[string]string{
		"2026-03-08T02:30:00": "2026-03-08T07:30:00Z", "2026-03-08T02:00": "2026-03-08T07:00:00Z",
		"2026-03-08T01:30:00": "2026-03-08T06:30:00Z", "2026-11-01T01:30:00": "2026-11-01T05:30:00Z",
	} {
		task, r := api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"due_date": tbQuote(local)}))
		tbWantStatus(t, r, http.StatusOK)
		if task.DueDate == nil || *task.DueDate != want {
			t.Errorf("create %s: due %v, want %s", local, task.DueDate, want)
		}
		r = api.Do(t, http.MethodPatch, fmt.Sprintf("%s/%d", tbTasksPath, task.ID), acct.Key, `{"due_date": `+tbQuote(local)+`}`)
		tbWantStatus(t, r, http.StatusOK)
		var patched struct {
			Data struct {
				DueDate string `json:"due_date"`
			} `json:"data"`
		}
		if tbDecode(t, r.Body, &patched); patched.Data.DueDate != want {
			t.Errorf("PATCH %s: due %s, want %s", local, patched.Data.DueDate, want)
		}
	}
	r := api.Post(t, tbBulkCreatePath, acct.Key, `{"tasks": [`+tbTaskBody(mapID, map[string]string{"due_date": `"2026-03-08T02:30:00"`})+`]}`)
	var bulk struct {
		Data []struct {
			DueDate string `json:"due_date"`
		} `json:"data"`
	}
	tbWantStatus(t, r, http.StatusOK)
	if tbDecode(t, r.Body, &bulk); len(bulk.Data) != 1 || bulk.Data[0].DueDate != "2026-03-08T07:30:00Z" {
		t.Errorf("bulk-create in the gap: %s", r.Body)
	}
}

// TestWebhookCap: an account has at most MaxWebhooks (issue 14: 300 hooks
// made one bulk of 1,000 tasks into 300,000 deliveries). One more is a 422
// that says the cap, also when the creates race; deleting one makes room;
// another account has its own count.
func TestWebhookCap(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	api.DB.MaxWebhooks = 3
	a, b := api.Account(t, "A", ""), api.Account(t, "B", "")
	body := func(i int) string {
		return fmt.Sprintf(`{"url": "https://hooks.example.com/%d", "events": ["TASK_CREATED"]}`, i)
	}
	results := make(chan *tbResp, 8)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := api.Try(http.MethodPost, "/api/v1/webhooks", a.Key, body(i))
			if err != nil {
				t.Error(err)
				return
			}
			results <- r
		}()
	}
	wg.Wait()
	close(results)
	created, refused := 0, 0
	const capMsg = "cannot be added: the account already has 3 webhooks, the most it may have; delete one first"
	for r := range results {
		switch r.Status {
		case http.StatusOK:
			created++
		default:
			e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if e.Detail("url") != capMsg {
				t.Errorf("refusal: %s", r.Body)
			}
			refused++
		}
	}
	if created != 3 || refused != 5 || api.Count(t, "webhooks") != 3 {
		t.Fatalf("%d created, %d refused, %d stored; want 3, 5, 3", created, refused, api.Count(t, "webhooks"))
	}
	var hooks struct {
		Data []tbWebhook `json:"data"`
	}
	tbDecode(t, api.Get(t, "/api/v1/webhooks", a.Key).Body, &hooks)
	tbWantStatus(t, api.Do(t, http.MethodDelete, fmt.Sprintf("/api/v1/webhooks/%d", hooks.Data[0].ID), a.Key, ""), http.StatusOK)
	tbWantStatus(t, api.Post(t, "/api/v1/webhooks", a.Key, body(100)), http.StatusOK)
	tbWantError(t, api.Post(t, "/api/v1/webhooks", a.Key, body(101)), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	tbWantStatus(t, api.Post(t, "/api/v1/webhooks", b.Key, body(102)), http.StatusOK)
}
