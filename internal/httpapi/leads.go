package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleAddLeads is SmartLead's POST /api/v1/campaigns/{id}/leads.
func (s *Server) handleAddLeads(w http.ResponseWriter, r *http.Request) {
	campaignID, err := pathID(r, "Campaign")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	leads, ok := decodeLeadList(o)
	if !ok {
		s.Error(w, r, fe.Err())
		return
	}
	u := &taskbox.LeadUpload{CampaignID: campaignID, Leads: leads, Idempotency: idem}
	if u.Validate(&fe); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	res, err := s.Leads.AddLeads(r.Context(), u)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	writeJSON(w, http.StatusOK, struct {
		OK bool `json:"ok"`
		*taskbox.LeadUploadResult
	}{true, res})
}

// decodeLeadList reads lead_list. An entry whose email is missing or not a
// string is kept with an empty email, which counts as an invalid email. A
// list over the limit is refused by its length alone (false), before any
// entry is decoded.
func decodeLeadList(o object) ([]taskbox.LeadInput, bool) {
	items, tooLong := o.array("lead_list", taskbox.MaxLeadsPerUpload, "must hold at most 400 leads")
	if tooLong {
		return nil, false
	}
	leads := make([]taskbox.LeadInput, 0, len(items))
	for i, item := range items {
		lo, ok := o.sub(item, "lead_list["+strconv.Itoa(i)+"]")
		if !ok {
			continue
		}
		var l taskbox.LeadInput
		if v := lo.raw("email"); v != nil && !loneSurrogate(v) {
			_ = json.Unmarshal(v, &l.Email) // not a string, or not Unicode text: counted as an invalid email
		}
		for name, p := range l.TextFields() {
			*p = lo.string(name, false)
		}
		if v := lo.raw("custom_fields"); v != nil {
			if json.Unmarshal(v, &l.CustomFields) != nil || l.CustomFields == nil {
				o.fe.Add(lo.prefix+"custom_fields", "must be an object")
			} else if loneSurrogate(v) {
				o.fe.Add(lo.prefix+"custom_fields", LoneSurrogateRule)
			}
		}
		leads = append(leads, l)
	}
	return leads, true
}

// handleListLeads is SmartLead's GET /api/v1/campaigns/{id}/leads.
func (s *Server) handleListLeads(w http.ResponseWriter, r *http.Request) {
	campaignID, err := pathID(r, "Campaign")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	q := r.URL.Query()
	offset, err := intParam(q.Get("offset"), "offset", 0, 0, 1<<31)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	limit, err := intParam(q.Get("limit"), "limit", 100, 1, 1000)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.Leads.ListLeadMaps(r.Context(), campaignID, offset, limit)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// handleFindLead is SmartLead's GET /api/v1/leads/?email=.
func (s *Server) handleFindLead(w http.ResponseWriter, r *http.Request) {
	email := r.URL.Query().Get("email")
	if email == "" {
		s.Error(w, r, taskbox.Errorf(taskbox.EBADREQUEST, "The email query parameter is required."))
		return
	}
	lead, err := s.Leads.FindLeadByEmail(r.Context(), email)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, lead)
}

// intParam reads an integer query parameter between lo and hi; empty means def.
func intParam(v, name string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, taskbox.Errorf(taskbox.EBADREQUEST, "The %s query parameter must be an integer from %d to %d.", name, lo, hi)
	}
	return n, nil
}

// handleGetLead is GET /api/v1/leads/{id}: the lead as GET /leads/?email=
// answers it.
func (s *Server) handleGetLead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Lead")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lead, err := s.Leads.FindLeadByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, lead)
}

// handleLeadCampaigns is GET /api/v1/leads/{id}/campaigns: a bare array of
// {"id", "status", "name"}, as SmartLead answers it.
func (s *Server) handleLeadCampaigns(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Lead")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	cs, err := s.Leads.ListLeadCampaigns(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cs)
}
