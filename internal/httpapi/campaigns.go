package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleCreateCampaign is SmartLead's POST /api/v1/campaigns/create; its
// answer is flat: {"ok": true, "id", "name", "created_at"}.
func (s *Server) handleCreateCampaign(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := &taskbox.CampaignCreate{Idempotency: idem}
	if name := o.string("name", true); name != nil {
		c.Name = *name
	}
	if c.Validate(&fe); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	campaign, err := s.Campaigns.CreateCampaign(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	writeJSON(w, http.StatusOK, struct {
		OK        bool              `json:"ok"`
		ID        int64             `json:"id"`
		Name      string            `json:"name"`
		CreatedAt taskbox.Timestamp `json:"created_at"`
	}{true, campaign.ID, campaign.Name, campaign.CreatedAt})
}

// handleListCampaigns answers a JSON array of campaigns, as SmartLead does.
func (s *Server) handleListCampaigns(w http.ResponseWriter, r *http.Request) {
	campaigns, err := s.Campaigns.ListCampaigns(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, campaigns)
}

// handleGetCampaign answers one campaign object.
func (s *Server) handleGetCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Campaign")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	campaign, err := s.Campaigns.FindCampaignByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, campaign)
}
