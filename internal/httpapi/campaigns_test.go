package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// tbCampaign is a campaign as GET /api/v1/campaigns writes it.
type tbCampaign struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// TestCampaigns: SPEC.md §4, create, list and get in SmartLead's shapes.
func TestCampaigns(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")

	r := api.Post(t, "/api/v1/campaigns/create", acct.Key, `{"name": "  Q4 outreach  ", "client_id": null}`)
	tbWantStatus(t, r, http.StatusOK)
	tbWantJSONType(t, r)
	if got := tbKeys(t, r.Body); !slices.Equal(got, []string{"ok", "id", "name", "created_at"}) {
		t.Errorf("create answer keys = %v", got)
	}
	var created struct {
		OK        bool   `json:"ok"`
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		CreatedAt string `json:"created_at"`
	}
	tbDecode(t, r.Body, &created)
	if !created.OK || created.ID <= 0 || created.Name != "Q4 outreach" || !tbTimestampRE.MatchString(created.CreatedAt) {
		t.Errorf("create answer = %s", r.Body)
	}
	second := api.Campaign(t, acct.Key, "Q1 outreach")

	t.Run("list", func(t *testing.T) {
		r := api.Get(t, "/api/v1/campaigns", acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		tbWantJSONType(t, r)
		var list []tbCampaign
		tbDecode(t, r.Body, &list)
		if len(list) != 2 || list[0].ID != second || list[1].ID != created.ID {
			t.Fatalf("list = %s, want newest first: %d, %d", r.Body, second, created.ID)
		}
		c := list[1]
		if c.Name != "Q4 outreach" || c.Status != "DRAFTED" || c.CreatedAt != created.CreatedAt || c.UpdatedAt != c.CreatedAt {
			t.Errorf("campaign = %+v", c)
		}
	})
	t.Run("list of an account without campaigns is an empty array", func(t *testing.T) {
		empty := api.Account(t, "Empty", "")
		r := api.Get(t, "/api/v1/campaigns", empty.Key)
		tbWantStatus(t, r, http.StatusOK)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("body = %s, want []", r.Body)
		}
	})
	t.Run("get", func(t *testing.T) {
		r := api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d", created.ID), acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		var c tbCampaign
		tbDecode(t, r.Body, &c)
		if c.ID != created.ID || c.Name != "Q4 outreach" || c.Status != "DRAFTED" || c.CreatedAt != created.CreatedAt {
			t.Errorf("campaign = %s", r.Body)
		}
	})
	t.Run("get unknown", func(t *testing.T) {
		for _, id := range []string{"999999", "0", "-3", "abc", "99999999999999999999"} {
			e := tbWantError(t, api.Get(t, "/api/v1/campaigns/"+id, acct.Key), http.StatusNotFound, "NOT_FOUND")
			if e.Message != "Campaign not found." {
				t.Errorf("%s: message %q", id, e.Message)
			}
		}
	})
	t.Run("create invalid", func(t *testing.T) {
		for _, tc := range []struct{ body, detail string }{
			{`{}`, "is required"},
			{`{"name": null}`, "is required"},
			{`{"name": 3}`, "must be a string"},
			{`{"name": " \u00a0 "}`, "must not be blank"},
			{`{"name": "` + strings.Repeat("c", 256) + `"}`, "must be at most 255 characters"},
		} {
			e := tbWantError(t, api.Post(t, "/api/v1/campaigns/create", acct.Key, tc.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if e.Detail("name") != tc.detail || len(e.Error.Details) != 1 {
				t.Errorf("%s: details %+v, want name %q", tc.body, e.Error.Details, tc.detail)
			}
		}
		for _, body := range []string{``, `[]`, `{"name":`} {
			tbWantError(t, api.Post(t, "/api/v1/campaigns/create", acct.Key, body), http.StatusBadRequest, "BAD_REQUEST")
		}
	})
}

// TestAddLeads: SPEC.md §4, SmartLead's counts for a lead upload.
func TestAddLeads(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	campaign := api.Campaign(t, acct.Key, "Q4")
	path := fmt.Sprintf("/api/v1/campaigns/%d/leads", campaign)

	body := `{"lead_list": [
		{"email": "ann@acme.example", "first_name": "Ann", "last_name": "Lee", "company_name": "Acme",
		 "phone_number": "+1 555 0100", "website": "acme.example", "location": "NYC",
		 "linkedin_profile": "https://linkedin.com/in/ann", "company_url": "https://acme.example",
		 "custom_fields": {"Title": "CTO", "Seats": 50}},
		{"email": "not-an-email"},
		{"email": "ANN@Acme.Example"},
		{"first_name": "No email"},
		{"email": 42},
		{"email": "bob@acme.example"},
		{"email": "  carol@acme.example  "},
		{"email": "dave@@acme.example"},
		{"email": "eve@localhost"}
	], "settings": {"ignore_global_block_list": true}}`
	r := api.Post(t, path, acct.Key, body)
	tbWantStatus(t, r, http.StatusOK)
	tbWantJSONType(t, r)
	if got := tbKeys(t, r.Body); !slices.Equal(got, []string{"ok", "upload_count", "total_leads", "already_added_to_campaign",
		"duplicate_count", "invalid_email_count", "unsubscribed_leads", "leads"}) {
		t.Errorf("keys = %v", got)
	}
	var u tbUpload
	tbDecode(t, r.Body, &u)
	if !u.OK || u.TotalLeads != 9 || u.UploadCount != 3 || u.DuplicateCount != 1 || u.InvalidEmailCount != 5 ||
		u.AlreadyAddedToCampaign != 0 || u.UnsubscribedLeads == nil || len(u.UnsubscribedLeads) != 0 {
		t.Errorf("counts = %s", r.Body)
	}
	if len(u.Leads) != 3 || u.Leads[0].Email != "ann@acme.example" || u.Leads[1].Email != "bob@acme.example" ||
		u.Leads[2].Email != "carol@acme.example" {
		t.Fatalf("leads = %+v", u.Leads)
	}
	ann := u.Leads[0]

	t.Run("again: already in the campaign", func(t *testing.T) {
		again := api.AddLeads(t, acct.Key, campaign, "Ann@ACME.example", "frank@acme.example")
		if again.UploadCount != 1 || again.AlreadyAddedToCampaign != 1 || again.TotalLeads != 2 || again.DuplicateCount != 0 {
			t.Errorf("counts = %+v", again)
		}
		if again.Leads[0].LeadID != ann.LeadID || again.Leads[0].LeadMapID != ann.LeadMapID {
			t.Errorf("ann got lead %d map %d, want %d %d", again.Leads[0].LeadID, again.Leads[0].LeadMapID, ann.LeadID, ann.LeadMapID)
		}
	})
	t.Run("second campaign: same lead, second lead map", func(t *testing.T) {
		other := api.Campaign(t, acct.Key, "Q1")
		u2 := api.AddLeads(t, acct.Key, other, "ANN@acme.example")
		if u2.UploadCount != 1 || u2.Leads[0].LeadID != ann.LeadID || u2.Leads[0].LeadMapID == ann.LeadMapID {
			t.Errorf("upload = %+v, want lead %d with a new lead map", u2, ann.LeadID)
		}
		// Both lead maps take tasks, of their own campaigns.
		t1, _ := api.CreateTask(t, acct.Key, tbTaskBody(ann.LeadMapID, nil))
		t2, _ := api.CreateTask(t, acct.Key, tbTaskBody(u2.Leads[0].LeadMapID, nil))
		if t1.CampaignID != campaign || t2.CampaignID != other || t1.LeadID != ann.LeadID || t2.LeadID != ann.LeadID {
			t.Errorf("tasks = %+v, %+v", t1, t2)
		}

		r := api.Get(t, "/api/v1/leads/?email="+url.QueryEscape("Ann@Acme.EXAMPLE"), acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		tbWantJSONType(t, r)
		var lead struct {
			ID               int64          `json:"id"`
			Email            string         `json:"email"`
			FirstName        string         `json:"first_name"`
			CompanyName      string         `json:"company_name"`
			LinkedinProfile  string         `json:"linkedin_profile"`
			CustomFields     map[string]any `json:"custom_fields"`
			LeadCampaignData []struct {
				CampaignID        int64  `json:"campaign_id"`
				CampaignName      string `json:"campaign_name"`
				CampaignLeadMapID int64  `json:"campaign_lead_map_id"`
			} `json:"lead_campaign_data"`
		}
		tbDecode(t, r.Body, &lead)
		if lead.ID != ann.LeadID || lead.Email != "ann@acme.example" || lead.FirstName != "Ann" || lead.CompanyName != "Acme" ||
			lead.LinkedinProfile != "https://linkedin.com/in/ann" || lead.CustomFields["Title"] != "CTO" {
			t.Errorf("lead = %s", r.Body)
		}
		lcd := lead.LeadCampaignData
		if len(lcd) != 2 || lcd[0].CampaignID != campaign || lcd[0].CampaignName != "Q4" || lcd[0].CampaignLeadMapID != ann.LeadMapID ||
			lcd[1].CampaignID != other || lcd[1].CampaignName != "Q1" || lcd[1].CampaignLeadMapID != u2.Leads[0].LeadMapID {
			t.Errorf("lead_campaign_data = %+v", lcd)
		}
	})
	t.Run("find lead without the slash", func(t *testing.T) {
		r := api.Get(t, "/api/v1/leads?email=bob@acme.example", acct.Key)
		tbWantStatus(t, r, http.StatusOK)
	})
	t.Run("find lead errors", func(t *testing.T) {
		for _, p := range []string{"/api/v1/leads/", "/api/v1/leads/?email=", "/api/v1/leads?other=x"} {
			tbWantError(t, api.Get(t, p, acct.Key), http.StatusBadRequest, "BAD_REQUEST")
		}
		e := tbWantError(t, api.Get(t, "/api/v1/leads/?email=nobody@acme.example", acct.Key), http.StatusNotFound, "NOT_FOUND")
		if e.Message != "Lead not found." {
			t.Errorf("message = %q", e.Message)
		}
		tbWantError(t, api.Get(t, "/api/v1/leads/?email=not-an-email", acct.Key), http.StatusNotFound, "NOT_FOUND")
	})
}

// TestAddLeadsLimits: the size of a lead_list and the types of its entries.
func TestAddLeadsLimits(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	campaign := api.Campaign(t, acct.Key, "Big")
	path := fmt.Sprintf("/api/v1/campaigns/%d/leads", campaign)
	emails := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("lead%03d@big.example", i)
		}
		return out
	}

	t.Run("401 leads", func(t *testing.T) {
		list := make([]map[string]string, 401)
		for i, e := range emails(401) {
			list[i] = map[string]string{"email": e}
		}
		e := tbWantError(t, api.Post(t, path, acct.Key, tbJSON(t, map[string]any{"lead_list": list})), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail("lead_list") != "must hold at most 400 leads" {
			t.Errorf("details = %+v", e.Error.Details)
		}
		if n := api.Count(t, "leads"); n != 0 {
			t.Errorf("%d leads stored by a refused upload", n)
		}
	})
	t.Run("400 leads", func(t *testing.T) {
		u := api.AddLeads(t, acct.Key, campaign, emails(400)...)
		if u.UploadCount != 400 || u.TotalLeads != 400 || len(u.Leads) != 400 {
			t.Errorf("upload_count %d, total_leads %d, %d leads", u.UploadCount, u.TotalLeads, len(u.Leads))
		}
	})
	for _, tc := range []struct{ name, body, field string }{
		{"no lead_list", `{}`, "lead_list"},
		{"null lead_list", `{"lead_list": null}`, "lead_list"},
		{"empty lead_list", `{"lead_list": []}`, "lead_list"},
		{"lead_list not an array", `{"lead_list": {"email": "a@b.example"}}`, "lead_list"},
		{"entry not an object", `{"lead_list": [{"email": "a@b.example"}, "c@b.example"]}`, "lead_list[1]"},
		{"text field not a string", `{"lead_list": [{"email": "a@b.example"}, {"email": "c@b.example", "first_name": 7}]}`, "lead_list[1].first_name"},
		{"text field too long", `{"lead_list": [{"email": "a@b.example", "company_name": "` + strings.Repeat("c", 2001) + `"}]}`, "lead_list[0].company_name"},
		{"custom_fields not an object", `{"lead_list": [{"email": "a@b.example", "custom_fields": [1]}]}`, "lead_list[0].custom_fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tbWantError(t, api.Post(t, path, acct.Key, tc.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if got := e.Fields(); len(got) != 1 || got[0] != tc.field {
				t.Errorf("details fields = %v, want [%s]", got, tc.field)
			}
		})
	}
	t.Run("unknown campaign", func(t *testing.T) {
		for _, id := range []string{"999999", "abc", "0"} {
			tbWantError(t, api.Post(t, "/api/v1/campaigns/"+id+"/leads", acct.Key, `{"lead_list": [{"email": "a@b.example"}]}`),
				http.StatusNotFound, "NOT_FOUND")
		}
	})
}

// TestListLeads: a campaign's leads, oldest first, with offset and limit.
func TestListLeads(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	campaign := api.Campaign(t, acct.Key, "Q4")
	r := api.Post(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", campaign), acct.Key,
		`{"lead_list": [{"email": "a@x.example", "first_name": "A", "company_name": "X", "custom_fields": {"k": "v"}},
			{"email": "b@x.example"}, {"email": "c@x.example"}, {"email": "d@x.example"}, {"email": "e@x.example"}]}`)
	tbWantStatus(t, r, http.StatusOK)
	var u tbUpload
	tbDecode(t, r.Body, &u)

	type page struct {
		TotalLeads int `json:"total_leads"`
		Offset     int `json:"offset"`
		Limit      int `json:"limit"`
		Data       []struct {
			CampaignLeadMapID int64  `json:"campaign_lead_map_id"`
			Status            string `json:"status"`
			CreatedAt         string `json:"created_at"`
			Lead              struct {
				ID           int64          `json:"id"`
				Email        string         `json:"email"`
				FirstName    *string        `json:"first_name"`
				LastName     *string        `json:"last_name"`
				CompanyName  *string        `json:"company_name"`
				CustomFields map[string]any `json:"custom_fields"`
			} `json:"lead"`
		} `json:"data"`
	}
	list := func(t *testing.T, query string) page {
		t.Helper()
		r := api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d/leads%s", campaign, query), acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		tbWantJSONType(t, r)
		if got := tbKeys(t, r.Body); !slices.Equal(got, []string{"total_leads", "offset", "limit", "data"}) {
			t.Errorf("keys = %v", got)
		}
		var p page
		tbDecode(t, r.Body, &p)
		return p
	}
	t.Run("defaults", func(t *testing.T) {
		p := list(t, "")
		if p.TotalLeads != 5 || p.Offset != 0 || p.Limit != 100 || len(p.Data) != 5 {
			t.Fatalf("page = %+v", p)
		}
		first := p.Data[0]
		if first.CampaignLeadMapID != u.Leads[0].LeadMapID || first.Status != "STARTED" || !tbTimestampRE.MatchString(first.CreatedAt) ||
			first.Lead.ID != u.Leads[0].LeadID || first.Lead.Email != "a@x.example" || tbShow(first.Lead.FirstName) != "A" ||
			tbShow(first.Lead.CompanyName) != "X" || first.Lead.LastName != nil || first.Lead.CustomFields["k"] != "v" {
			t.Errorf("first = %+v", first)
		}
		if p.Data[1].Lead.CustomFields == nil {
			t.Errorf("custom_fields of a lead without any should be {}, not null")
		}
		for i, d := range p.Data {
			if d.CampaignLeadMapID != u.Leads[i].LeadMapID {
				t.Errorf("data[%d] is lead map %d, want %d (oldest first)", i, d.CampaignLeadMapID, u.Leads[i].LeadMapID)
			}
		}
	})
	t.Run("offset and limit", func(t *testing.T) {
		p := list(t, "?offset=1&limit=2")
		if p.TotalLeads != 5 || p.Offset != 1 || p.Limit != 2 || len(p.Data) != 2 ||
			p.Data[0].Lead.Email != "b@x.example" || p.Data[1].Lead.Email != "c@x.example" {
			t.Errorf("page = %+v", p)
		}
		if p := list(t, "?offset=4&limit=10"); len(p.Data) != 1 || p.Data[0].Lead.Email != "e@x.example" {
			t.Errorf("last page = %+v", p)
		}
		if p := list(t, "?offset=50"); len(p.Data) != 0 || p.Data == nil || p.TotalLeads != 5 {
			t.Errorf("past the end = %+v", p)
		}
	})
	t.Run("bad offset or limit", func(t *testing.T) {
		for _, query := range []string{"?offset=-1", "?offset=x", "?offset=1.5", "?limit=0", "?limit=-1", "?limit=abc", "?limit=1001",
			"?offset=99999999999999999999"} {
			r := api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d/leads%s", campaign, query), acct.Key)
			tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST")
		}
	})
	t.Run("unknown campaign", func(t *testing.T) {
		tbWantError(t, api.Get(t, "/api/v1/campaigns/999999/leads", acct.Key), http.StatusNotFound, "NOT_FOUND")
	})
}
