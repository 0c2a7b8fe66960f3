package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

const tbSmartLeadEventsPath = "/api/v1/integrations/smartlead/events"

// tbEventsPage is one page of the SmartLead events listing.
type tbEventsPage struct {
	OK   bool `json:"ok"`
	Data []struct {
		ID        int64  `json:"id"`
		EventType string `json:"event_type"`
	} `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

// TestSmartLead_EventsPaging: the events listing pages with limit, cursor
// and next_cursor (null on the last page, present on every page), and
// refuses a cursor it did not issue for this listing and account as the
// inbox does.
func TestSmartLead_EventsPaging(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "events", "")
	other := a.Account(t, "events-other", "")
	path, _ := a.slConnect(t, acct.Key, "")
	const sent = 7
	for i := range sent {
		ev := slExample(t, "email_reply")
		ev["stats_id"] = fmt.Sprintf("page-%d", i)
		a.slSend(t, path, ev)
	}
	page := func(key, query string) (tbEventsPage, *tbResp) {
		t.Helper()
		r := a.Get(t, tbSmartLeadEventsPath+"?"+query, key)
		tbWantStatus(t, r, http.StatusOK)
		var p tbEventsPage
		tbDecode(t, r.Body, &p)
		var keys map[string]json.RawMessage
		tbDecode(t, r.Body, &keys)
		if _, ok := keys["next_cursor"]; !ok || !p.OK {
			t.Fatalf("page without next_cursor: %s", r.Body)
		}
		return p, r
	}

	// One page holds them all: next_cursor null.
	if p, r := page(acct.Key, ""); len(p.Data) != sent || p.NextCursor != nil {
		t.Fatalf("default page = %s", r.Body)
	}
	// Pages of 3: 3, 3, 1, newest first, each event once.
	var ids []int64
	var sizes []int
	var next *string
	first := ""
	for query := "limit=3"; ; {
		p, r := page(acct.Key, query)
		sizes = append(sizes, len(p.Data))
		for _, e := range p.Data {
			if len(ids) > 0 && e.ID >= ids[len(ids)-1] {
				t.Fatalf("ids not newest first: %v then %d (%s)", ids, e.ID, r.Body)
			}
			ids = append(ids, e.ID)
		}
		if next = p.NextCursor; next == nil {
			break
		}
		if first == "" {
			first = *next
		}
		if len(sizes) > sent {
			t.Fatalf("paging does not end: %v", sizes)
		}
		query = "limit=3&cursor=" + url.QueryEscape(*next)
	}
	if fmt.Sprint(sizes) != "[3 3 1]" || len(ids) != sent {
		t.Fatalf("pages of %v, ids %v", sizes, ids)
	}
	// A page that ends exactly at the last event says so.
	if p, r := page(acct.Key, "limit=7"); len(p.Data) != sent || p.NextCursor != nil {
		t.Fatalf("limit=7 page = %s", r.Body)
	}

	// Bad cursors: 400, as the inbox's.
	tasksCursor := func() string {
		mapID := a.LeadMap(t, acct.Key, "cursor@example.com")
		a.CreateTask(t, acct.Key, tbTaskBody(mapID, nil))
		a.CreateTask(t, acct.Key, tbTaskBody(mapID, nil))
		r := a.Get(t, tbTasksPath+"?limit=1", acct.Key)
		var p tbEventsPage
		tbDecode(t, r.Body, &p)
		if p.NextCursor == nil {
			t.Fatalf("tasks page without a cursor: %s", r.Body)
		}
		return *p.NextCursor
	}()
	const badCursor = "The cursor query parameter is not a cursor this server issued for this listing."
	for _, tc := range []struct{ key, cursor string }{
		{acct.Key, "garbage"},
		{acct.Key, first + "x"},
		{acct.Key, tasksCursor}, // another listing's
		{other.Key, first},      // another account's
	} {
		r := a.Get(t, tbSmartLeadEventsPath+"?cursor="+url.QueryEscape(tc.cursor), tc.key)
		if e := tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST"); e.Message != badCursor {
			t.Errorf("cursor %q: message %q", tc.cursor, e.Message)
		}
		r = a.Get(t, tbTasksPath+"?cursor="+url.QueryEscape(tc.cursor+"x"), tc.key)
		if e := tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST"); e.Message != badCursor {
			t.Errorf("the inbox's answer to a bad cursor changed: %q", e.Message)
		}
	}
	tbWantError(t, a.Get(t, tbSmartLeadEventsPath+"?limit=0", acct.Key), http.StatusBadRequest, "BAD_REQUEST")
}
