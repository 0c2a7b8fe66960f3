package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The inbox's q finds a task by its lead's email, first and last name and
// company as well as by its own words; sort=-completed_at lists what was
// completed last first; another account's lead is never found.
func TestInboxList_SearchLeadsAndCompletedSort(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "search", "UTC")
	other := api.Account(t, "other", "UTC")
	camp := api.Campaign(t, acct.Key, "Outreach")
	r := api.Post(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", camp), acct.Key, `{"lead_list": [
		{"email": "ann.lee@globex.example", "first_name": "Ann", "last_name": "Lee", "company_name": "Globex Corporation"},
		{"email": "omar@initech.example", "first_name": "Omar", "last_name": "Haddad", "company_name": "Initech"}]}`)
	tbWantStatus(t, r, http.StatusOK)
	var up tbUpload
	tbDecode(t, r.Body, &up)
	ann, _ := api.CreateTask(t, acct.Key, tbTaskBody(up.Leads[0].LeadMapID, map[string]string{"name": `"Call about renewal"`}))
	omar, _ := api.CreateTask(t, acct.Key, tbTaskBody(up.Leads[1].LeadMapID, map[string]string{"name": `"Send the pricing sheet"`}))
	olm := api.LeadMap(t, other.Key, "ann.lee@globex.example")
	api.CreateTask(t, other.Key, tbTaskBody(olm, map[string]string{"name": `"Not yours"`}))
	for q, want := range map[string]int64{"ann.lee@globex": ann.ID, "GLOBEX corp": ann.ID, "lee": ann.ID, "omar": omar.ID,
		"haddad": omar.ID, "initech": omar.ID, "pricing": omar.ID, "renewal": ann.ID} {
		r := api.Get(t, tbTasksPath+"?q="+url.QueryEscape(q), acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		var page struct{ Data []tbTask }
		tbDecode(t, r.Body, &page)
		if len(page.Data) != 1 || page.Data[0].ID != want {
			t.Errorf("q=%s: %s", q, r.Body)
		}
	}
	for _, id := range []int64{omar.ID, ann.ID} { // completed in this order
		tbWantStatus(t, api.Post(t, fmt.Sprintf("%s/%d/complete", tbTasksPath, id), acct.Key, ""), http.StatusOK)
	}
	r = api.Get(t, tbTasksPath+"?status=completed&sort=-completed_at", acct.Key)
	var page struct{ Data []tbTask }
	tbDecode(t, r.Body, &page)
	if len(page.Data) != 2 || page.Data[0].ID != ann.ID || page.Data[1].ID != omar.ID {
		t.Errorf("-completed_at: %s", r.Body)
	}
	r = api.Get(t, tbTasksPath+"?sort=completed", acct.Key)
	if e := tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST"); !strings.Contains(e.Message, "-completed_at") {
		t.Errorf("a bad sort's message does not list completed_at: %q", e.Message)
	}
}
