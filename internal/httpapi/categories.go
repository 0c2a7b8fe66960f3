package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// categoryUpdated is the message of both of SmartLead's category answers.
const categoryUpdated = "Lead category updated successfully"

// handleListCategories is SmartLead's GET /api/v1/leads/fetch-categories:
// a bare array, the defaults first.
func (s *Server) handleListCategories(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Categories.ListCategories(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cs)
}

// handleCreateCategory is taskbox's POST /api/v1/leads/categories.
func (s *Server) handleCreateCategory(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := decodeCategory(o)
	c.Idempotency = idem
	if c.Validate(&fe); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	category, err := s.Categories.CreateCategory(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	writeData(w, category)
}

// decodeCategory reads {"name", "sentiment_type"}; the sentiment may be
// absent or null.
func decodeCategory(o object) *taskbox.CategoryCreate {
	c := &taskbox.CategoryCreate{}
	if name := o.string("name", true); name != nil {
		c.Name = *name
	}
	c.Sentiment = o.string("sentiment_type", false)
	return c
}

// handleUpdateCategory is SmartLead's PATCH
// /api/v1/master-inbox/update-category.
func (s *Server) handleUpdateCategory(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, _, err := readJSON(w, r, MaxBody, false, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	set := &taskbox.CategorySet{LeadMapID: o.int64("email_lead_map_id", true), CategoryID: categoryID(o)}
	if !fe.Has("email_lead_map_id") && set.LeadMapID <= 0 {
		fe.Add("email_lead_map_id", "must be an integer greater than 0")
	}
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	if err := s.Categories.SetLeadCategory(r.Context(), set); err != nil {
		s.Error(w, r, err)
		return
	}
	type updated struct {
		Success bool `json:"success"`
		Updated int  `json:"updated"`
	}
	writeJSON(w, http.StatusOK, struct {
		OK      bool    `json:"ok"`
		Message string  `json:"message"`
		Data    updated `json:"data"`
	}{true, categoryUpdated, updated{true, 1}})
}

// handleCampaignLeadCategory is SmartLead's POST
// /api/v1/campaigns/{campaign_id}/leads/{lead_id}/category: the same for
// the lead's map in that campaign. pause_lead is accepted and ignored.
func (s *Server) handleCampaignLeadCategory(w http.ResponseWriter, r *http.Request) {
	campaignID, err := pathID(r, "Campaign")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	leadID, err := pathValueID(r, "lead_id", "Lead")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var fe taskbox.FieldErrors
	o, _, err := readJSON(w, r, MaxBody, false, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	set := &taskbox.CategorySet{CampaignID: campaignID, LeadID: leadID, CategoryID: categoryID(o)}
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	if err := s.Categories.SetLeadCategory(r.Context(), set); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OK      bool   `json:"ok"`
		Message string `json:"message"`
	}{true, categoryUpdated})
}

// categoryID reads category_id: required, an id greater than 0 or null
// (which clears the category, read as 0). A name in its place is a 422.
func categoryID(o object) int64 {
	if !o.has("category_id") {
		o.fe.Add("category_id", "is required (null clears the category)")
		return 0
	}
	id := o.int64("category_id", false)
	if !o.fe.Has("category_id") && o.raw("category_id") != nil && id <= 0 {
		o.fe.Add("category_id", "must be an integer greater than 0, or null")
	}
	return id
}
