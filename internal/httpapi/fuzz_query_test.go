package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// Fuzz targets of the inbox's query string and of its cursor format.

// tbFuzzInbox fills the fuzz account's inbox with tasks due in each window,
// so that filters, sorts and pages have something to work on.
func tbFuzzInbox(f *testing.F, h http.Handler, key string) {
	for i, due := range []string{`null`, `"2020-01-01"`, `"2020-01-01T10:00:00Z"`, `"2999-12-31"`, `"2999-12-31T23:59:59.999+14:00"`} {
		body := `{"email_lead_map_id": 2433664091, "name": "inbox ` + string(rune('a'+i)) + `", "description": "50% off_now", "priority": "` +
			[]string{"LOW", "MEDIUM", "HIGH"}[i%3] + `", "due_date": ` + due + `}`
		if rec := tbFuzzSend(h, key, http.MethodPost, tbCreateTaskPath, []byte(body)); rec.Code != http.StatusOK {
			f.Fatalf("create task: %d %s", rec.Code, rec.Body)
		}
	}
}

// tbFuzzPage reads a list answer and checks its shape.
func tbFuzzPage(t *testing.T, out []byte) (n int, next *string) {
	t.Helper()
	var page struct {
		OK         bool              `json:"ok"`
		Data       []json.RawMessage `json:"data"`
		NextCursor *string           `json:"next_cursor"`
	}
	if err := json.Unmarshal(out, &page); err != nil || !page.OK || page.Data == nil || len(page.Data) > 100 ||
		!strings.Contains(string(out), `"next_cursor":`) {
		t.Fatalf("list answer = %s", out)
	}
	if page.NextCursor != nil && *page.NextCursor == "" {
		t.Fatalf("empty next_cursor in %s", out)
	}
	return len(page.Data), page.NextCursor
}

// FuzzListQuery sends arbitrary query strings to the inbox. The answer is a
// page (200), a malformed parameter (400), a search over its caps (422), or a 401 when the query itself
// holds an api_key, which then takes the place of the Bearer key. A page's
// next_cursor always works for the same query.
func FuzzListQuery(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	tbFuzzInbox(f, h, key.Secret)
	f.Add("status=all&priority=HIGH,LOW&due=overdue&tz=Europe/Berlin&sort=-priority&limit=2&q=50%25+off")
	f.Add("q=" + strings.Repeat("%25", 600))
	f.Add("q=" + strings.Repeat("%F0%9F%A6%80", 501))
	f.Add("q=" + strings.Repeat("x+", 21))
	f.Fuzz(func(t *testing.T, query string) {
		rec := tbFuzzSend(h, key.Secret, http.MethodGet, tbTasksPath+"?"+query, nil)
		allowed := []int{200, 400, 422}
		if q, err := url.ParseQuery(query); err == nil && q.Get("api_key") != "" {
			allowed = append(allowed, 401)
		}
		out := tbFuzzAnswer(t, rec, query, regexp.MustCompile(`^q$`), allowed...)
		if out == nil {
			return
		}
		_, next := tbFuzzPage(t, out)
		if next == nil {
			return
		}
		q, _ := url.ParseQuery(query) // it parsed: the server answered 200
		q.Set("cursor", *next)
		rec = tbFuzzSend(h, key.Secret, http.MethodGet, tbTasksPath+"?"+q.Encode(), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("the next page of %q answered %d: %s", query, rec.Code, rec.Body)
		}
		tbFuzzPage(t, rec.Body.Bytes())
	})
}

// FuzzCursor sends arbitrary cursors with each sort. A cursor is accepted
// (200) only when it is exactly one the server issued for this account and
// sort, or empty (the first page); anything else, a forged or altered one
// or one of another account or sort, is a 400.
func FuzzCursor(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	tbFuzzInbox(f, h, key.Secret)
	page := func(sort, cursor, key string) *tbResp {
		target := tbTasksPath + "?status=all&limit=1&sort=" + sort + "&cursor=" + url.QueryEscape(cursor)
		rec := tbFuzzSend(h, key, http.MethodGet, target, nil)
		return &tbResp{Status: rec.Code, Body: rec.Body.Bytes()}
	}
	issued := map[string]string{} // sort → the cursor of its first page
	for _, sort := range taskbox.TaskSorts {
		var p struct {
			NextCursor *string `json:"next_cursor"`
		}
		if r := page(sort, "", key.Secret); r.Status != http.StatusOK || json.Unmarshal(r.Body, &p) != nil || p.NextCursor == nil {
			f.Fatalf("first page by %s: %s", sort, r)
		}
		issued[sort] = *p.NextCursor
	}
	// A cursor of another account, signed by this server, for every sort.
	_, other, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: "other"})
	if err != nil {
		f.Fatal(err)
	}
	rec := tbFuzzSend(h, other.Secret, http.MethodPost, tbCampaignPath, []byte(`{"name": "other"}`))
	var campaign struct{ ID int64 }
	if json.Unmarshal(rec.Body.Bytes(), &campaign) != nil {
		f.Fatalf("create campaign: %d %s", rec.Code, rec.Body)
	}
	rec = tbFuzzSend(h, other.Secret, http.MethodPost, fmt.Sprintf("/api/v1/campaigns/%d/leads", campaign.ID), []byte(`{"lead_list": [{"email": "o@other.example"}]}`))
	var up tbUpload
	if json.Unmarshal(rec.Body.Bytes(), &up) != nil || len(up.Leads) != 1 {
		f.Fatalf("add lead: %d %s", rec.Code, rec.Body)
	}
	for i := 0; i < 2; i++ {
		tbFuzzSend(h, other.Secret, http.MethodPost, tbCreateTaskPath, []byte(fmt.Sprintf(`{"email_lead_map_id": %d, "name": "o"}`, up.Leads[0].LeadMapID)))
	}
	for i, sort := range taskbox.TaskSorts {
		var p struct {
			NextCursor *string `json:"next_cursor"`
		}
		if r := page(sort, "", other.Secret); r.Status != http.StatusOK || json.Unmarshal(r.Body, &p) != nil || p.NextCursor == nil {
			f.Fatalf("other account's first page by %s: %s", sort, r)
		}
		f.Add(*p.NextCursor, uint8(i))
	}
	for i, sort := range taskbox.TaskSorts {
		c := issued[sort]
		f.Add(c, uint8(i))
		f.Add(c, uint8(i+1))                              // another sort's
		f.Add(c[:len(c)-1], uint8(i))                     // truncated
		f.Add(strings.Replace(c, ".", "..", 1), uint8(i)) // reshaped
	}
	f.Fuzz(func(t *testing.T, cursor string, sortIndex uint8) {
		sort := taskbox.TaskSorts[int(sortIndex)%len(taskbox.TaskSorts)]
		r := page(sort, cursor, key.Secret)
		if cursor == "" || cursor == issued[sort] {
			if r.Status != http.StatusOK {
				t.Fatalf("the cursor the server issued for %s answered %s", sort, r)
			}
			return
		}
		if r.Status != http.StatusBadRequest {
			t.Fatalf("forged cursor %q with sort %s answered %s", cursor, sort, r)
		}
		tbFuzzCheckError(t, r.Body, "BAD_REQUEST", regexp.MustCompile(`^$`))
	})
}
