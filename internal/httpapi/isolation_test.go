package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestAccountIsolation: SPEC.md §2, another account's object is answered
// exactly as a missing one.
func TestAccountIsolation(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	a := api.Account(t, "A", "")
	b := api.Account(t, "B", "")
	campaignA := api.Campaign(t, a.Key, "A's campaign")
	upA := api.AddLeads(t, a.Key, campaignA, "shared@lead.example", "only-a@lead.example")
	taskA, _ := api.CreateTask(t, a.Key, tbTaskBody(upA.Leads[0].LeadMapID, nil))

	missing := func(t *testing.T, r *tbResp, message string) {
		t.Helper()
		if e := tbWantError(t, r, http.StatusNotFound, "NOT_FOUND"); e.Message != message {
			t.Errorf("message = %q, want %q (as for a missing object)", e.Message, message)
		}
	}
	t.Run("campaign", func(t *testing.T) {
		missing(t, api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d", campaignA), b.Key), "Campaign not found.")
		missing(t, api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", campaignA), b.Key), "Campaign not found.")
		missing(t, api.Post(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", campaignA), b.Key, `{"lead_list": [{"email": "b@b.example"}]}`),
			"Campaign not found.")
		r := api.Get(t, "/api/v1/campaigns", b.Key)
		tbWantStatus(t, r, http.StatusOK)
		if strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("B lists %s", r.Body)
		}
	})
	t.Run("lead map", func(t *testing.T) {
		missing(t, api.Post(t, tbCreateTaskPath, b.Key, tbTaskBody(upA.Leads[0].LeadMapID, nil)), "Lead map not found.")
		missing(t, api.Post(t, tbCreateTaskPath, b.Key, tbTaskBody(upA.Leads[1].LeadMapID, nil)), "Lead map not found.")
	})
	t.Run("lead by email", func(t *testing.T) {
		missing(t, api.Get(t, "/api/v1/leads/?email=only-a@lead.example", b.Key), "Lead not found.")
	})
	t.Run("task", func(t *testing.T) {
		missing(t, api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", taskA.ID), b.Key), "Task not found.")
		tbWantTask(t, api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", taskA.ID), a.Key))
	})
	t.Run("same email, separate leads", func(t *testing.T) {
		campaignB := api.Campaign(t, b.Key, "B's campaign")
		upB := api.AddLeads(t, b.Key, campaignB, "SHARED@lead.example")
		if upB.UploadCount != 1 || upB.AlreadyAddedToCampaign != 0 || upB.Leads[0].LeadID == upA.Leads[0].LeadID {
			t.Errorf("B's upload = %+v, want a lead of its own", upB)
		}
		r := api.Get(t, "/api/v1/leads/?email=shared@lead.example", b.Key)
		tbWantStatus(t, r, http.StatusOK)
		if strings.Contains(string(r.Body), "A's campaign") {
			t.Errorf("B sees A's campaign: %s", r.Body)
		}
		// A's view is unchanged.
		r = api.Get(t, "/api/v1/leads/?email=shared@lead.example", a.Key)
		tbWantStatus(t, r, http.StatusOK)
		if strings.Contains(string(r.Body), "B's campaign") || !strings.Contains(string(r.Body), `"email":"shared@lead.example"`) {
			t.Errorf("A's lead changed: %s", r.Body)
		}
	})
}
