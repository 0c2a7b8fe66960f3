package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleSetReminder is SmartLead's POST /api/v1/master-inbox/set-reminder.
func (s *Server) handleSetReminder(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := &taskbox.LeadReminderCreate{LeadMapID: o.int64("email_lead_map_id", true), Idempotency: idem}
	if m := o.string("message", true); m != nil {
		c.Message = *m
	}
	if t := o.string("reminder_time", true); t != nil {
		c.ReminderTime = *t
	}
	if raw := o.raw("email_stats_id"); raw != nil {
		// An id SmartLead sends as a number or a string; kept as text.
		if v := string(raw); raw[0] != '"' {
			if _, msg := parseInt(raw); msg != "" {
				fe.Add("email_stats_id", "must be a string or an integer")
			}
			c.EmailStatsID = &v
		} else {
			c.EmailStatsID = o.string("email_stats_id", false)
		}
	}
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	rem, err := s.LeadReminders.SetLeadReminder(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	type reminder struct {
		ID        string            `json:"id"`
		CreatedAt taskbox.Timestamp `json:"created_at"`
	}
	writeJSON(w, http.StatusOK, struct {
		OK      bool   `json:"ok"`
		Message string `json:"message"`
		Data    struct {
			Success  bool     `json:"success"`
			Reminder reminder `json:"reminder"`
		} `json:"data"`
	}{OK: true, Message: "Reminder set successfully", Data: struct {
		Success  bool     `json:"success"`
		Reminder reminder `json:"reminder"`
	}{true, reminder{strconv.FormatInt(rem.ID, 10), rem.CreatedAt}}})
}

// maxCategoryIDs caps each category list of the reminders list's filters.
const maxCategoryIDs = 100

// handleListReminders is SmartLead's POST /api/v1/master-inbox/reminders:
// the pending reminders, a page by offset and limit (1–20, default 20).
// The body may be empty.
func (s *Server) handleListReminders(w http.ResponseWriter, r *http.Request) {
	body, err := readOptionalBody(w, r, MaxBody)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte(`{}`)
	}
	var fe taskbox.FieldErrors
	o, err := decodeObject(body, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	f := taskbox.LeadReminderFilter{Limit: 20}
	if o.has("offset") && o.raw("offset") != nil {
		if f.Offset = int(o.int64("offset", false)); !fe.Has("offset") && f.Offset < 0 {
			fe.Add("offset", "must be an integer of 0 or more")
		}
	}
	if o.raw("limit") != nil {
		if f.Limit = int(o.int64("limit", false)); !fe.Has("limit") && (f.Limit < 1 || f.Limit > 20) {
			fe.Add("limit", "must be an integer from 1 to 20")
		}
	}
	if v := o.string("sortBy", false); v != nil {
		if f.Sort = *v; f.Sort != taskbox.ReminderTimeAsc && f.Sort != taskbox.ReminderTimeDesc {
			fe.Add("sortBy", "must be REMINDER_TIME_ASC or REMINDER_TIME_DESC")
		}
	}
	if raw := o.raw("filters"); raw != nil {
		if fo, ok := o.sub(raw, "filters"); ok {
			readReminderFilters(fo, &f)
		}
	}
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	rows, total, err := s.LeadReminders.ListLeadReminders(r.Context(), f)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OK         bool                       `json:"ok"`
		Data       []*taskbox.LeadReminderRow `json:"data"`
		Offset     int                        `json:"offset"`
		Limit      int                        `json:"limit"`
		TotalCount int                        `json:"total_count"`
	}{true, rows, f.Offset, f.Limit, total})
}

// readReminderFilters reads the list's filters object.
func readReminderFilters(o object, f *taskbox.LeadReminderFilter) {
	if v := o.string("search", false); v != nil {
		f.Search = *v
	}
	f.CampaignID = o.int64("campaignId", false)
	f.TeamMemberID = o.int64("campaignTeamMemberId", false)
	raw := o.raw("leadCategories")
	if raw == nil {
		return
	}
	co, ok := o.sub(raw, o.prefix+"leadCategories")
	if !ok {
		return
	}
	for name, dest := range map[string]*[]int64{"categoryIdsIn": &f.CategoryIn, "categoryIdsNotIn": &f.CategoryNotIn} {
		v := co.raw(name)
		if v == nil {
			continue
		}
		var items []json.RawMessage
		if v[0] != '[' || json.Unmarshal(v, &items) != nil {
			co.fe.Add(co.prefix+name, "must be an array of integers")
			continue
		}
		if len(items) > maxCategoryIDs {
			co.fe.Add(co.prefix+name, "must hold at most 100 category ids")
			continue
		}
		for _, it := range items {
			n, msg := parseInt(it)
			if msg != "" {
				co.fe.Add(co.prefix+name, "must be an array of integers")
				break
			}
			*dest = append(*dest, n)
		}
	}
}
