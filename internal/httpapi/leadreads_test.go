package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLeadReads(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	other := api.Account(t, "bolt", "")
	c1 := api.Campaign(t, acct.Key, "Q1")
	c2 := api.Campaign(t, acct.Key, "Q2 <&>")
	lead := api.AddLeads(t, acct.Key, c1, "Zoe@Acme.example").Leads[0]
	api.AddLeads(t, acct.Key, c2, "zoe@acme.example")
	byEmail := api.Get(t, "/api/v1/leads/?email="+url.QueryEscape("zoe@acme.example"), acct.Key)
	byID := api.Get(t, fmt.Sprintf("/api/v1/leads/%d", lead.LeadID), acct.Key)
	tbWantStatus(t, byID, http.StatusOK)
	if string(byID.Body) != string(byEmail.Body) || !strings.Contains(string(byID.Body), `"lead_campaign_data":[{"campaign_id":`) {
		t.Fatalf("GET /leads/{id} = %s\nGET /leads/?email= = %s", byID.Body, byEmail.Body)
	}
	cs := api.Get(t, fmt.Sprintf("/api/v1/leads/%d/campaigns", lead.LeadID), acct.Key)
	want := fmt.Sprintf(`[{"id":%d,"status":"DRAFTED","name":"Q1"},{"id":%d,"status":"DRAFTED","name":"Q2 <&>"}]`+"\n", c1, c2)
	if cs.Status != http.StatusOK || string(cs.Body) != want {
		t.Fatalf("campaigns = %s, want %s", cs, want)
	}
	// The campaigns with the trailing slash SmartLead's docs use.
	slash, bare := api.Get(t, "/api/v1/campaigns/", acct.Key), api.Get(t, "/api/v1/campaigns", acct.Key)
	if slash.Status != http.StatusOK || string(slash.Body) != string(bare.Body) || !strings.HasPrefix(string(slash.Body), "[{") {
		t.Fatalf("GET /campaigns/ = %s, GET /campaigns = %s", slash, bare)
	}
	// Another account's lead, an unknown one, no id: 404 both ways.
	for _, tc := range []struct{ key, path string }{
		{other.Key, fmt.Sprintf("/api/v1/leads/%d", lead.LeadID)},
		{other.Key, fmt.Sprintf("/api/v1/leads/%d/campaigns", lead.LeadID)},
		{acct.Key, "/api/v1/leads/99999999"},
		{acct.Key, "/api/v1/leads/99999999/campaigns"},
		{acct.Key, "/api/v1/leads/0"},
		{acct.Key, "/api/v1/leads/abc/campaigns"},
	} {
		tbWantError(t, api.Get(t, tc.path, tc.key), http.StatusNotFound, "NOT_FOUND")
	}
	if r := api.Get(t, "/api/v1/campaigns/", other.Key); string(r.Body) != "[]\n" {
		t.Fatalf("other account's campaigns = %s", r.Body)
	}
}

// TestUnknownAPIPaths: a path under /api/v1/ that taskbox does not serve is
// a 404 in the envelope, also when a pattern of another method would take
// one of its words for an id; a path taskbox serves with another method
// stays a 405 with Allow.
func TestUnknownAPIPaths(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	for _, tc := range []struct{ method, path string }{
		{"POST", "/api/v1/leads/update-category"},
		{"POST", "/api/v1/leads/123abc"},
		{"PATCH", "/api/v1/leads/fetch-category"},
		{"DELETE", "/api/v1/leads/categories/5"},
		{"POST", "/api/v1/campaigns/abc"},
		{"PATCH", "/api/v1/campaigns/create-campaign"},
		{"POST", "/api/v1/campaigns/1/leads/x/category/extra"},
		{"GET", "/api/v1/campaigns/1/schedule"},
		{"POST", "/api/v1/campaigns/1/status"},
		{"POST", "/api/v1/master-inbox/update-team-member-x"},
		{"GET", "/api/v1/master-inbox/create-note/1"},
		{"PUT", "/api/v1/master-inbox/tasks/summary/x"},
		{"POST", "/api/v1/webhooks/abc"},
		{"GET", "/api/v1/crm/leads/notes"},
		{"POST", "/api/v1/crm/leads/notes/new"},
		{"GET", "/api/v1/crm/leads/3/notes"},
		{"GET", "/api/v1/leads/1/campaigns/2"},
		{"DELETE", "/api/v1/leads/abc/campaigns"},
		{"GET", "/api/v1/nope"},
		{"GET", "/api/v2/campaigns"},
	} {
		r := api.Do(t, tc.method, tc.path, acct.Key, "")
		e := tbWantError(t, r, http.StatusNotFound, "NOT_FOUND")
		if !strings.HasPrefix(e.Message, "No such endpoint") && !strings.HasSuffix(e.Message, "not found.") {
			t.Errorf("%s %s: %q", tc.method, tc.path, e.Message)
		}
	}
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/campaigns/1", "GET, HEAD"},
		{"POST", "/api/v1/leads/fetch-categories", "GET, HEAD"},
		{"GET", "/api/v1/master-inbox/create-note", "POST"},
		{"POST", "/api/v1/master-inbox/update-category", "PATCH"},
		{"DELETE", "/api/v1/leads/5/campaigns", "GET, HEAD"},
		{"GET", "/api/v1/campaigns/1/leads/2/category", "POST"},
	} {
		r := api.Do(t, tc.method, tc.path, acct.Key, "")
		tbWantError(t, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
		if r.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, r.Header.Get("Allow"), tc.allow)
		}
	}
}
