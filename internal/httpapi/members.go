package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleListMembers is GET /api/v1/team-members: the account's active
// members, oldest first.
func (s *Server) handleListMembers(w http.ResponseWriter, r *http.Request) {
	members, err := s.Members.ListMembers(r.Context())
	s.respond(w, r, members, err)
}

// handleGetMember is GET /api/v1/team-members/{id}.
func (s *Server) handleGetMember(w http.ResponseWriter, r *http.Request) {
	serveByID(s, w, r, "Team member", s.Members.FindMemberByID)
}

// handleUpdateMember is PATCH /api/v1/team-members/{id}: name and timezone
// (null: the account's), by an admin or the member itself; role by an admin.
func (s *Server) handleUpdateMember(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	id, o, err := readUpdate(w, r, "Team member", &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u := decodeMemberUpdate(o)
	if u.Validate(&fe); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	m, err := s.Members.UpdateMember(r.Context(), id, u)
	s.respond(w, r, m, err)
}

// decodeMemberUpdate reads a member PATCH body; type errors go to o's
// field errors. Fields are added here as members gain settings.
func decodeMemberUpdate(o object) *taskbox.MemberUpdate {
	u := &taskbox.MemberUpdate{}
	if o.has("name") {
		if u.Name = o.string("name", true); u.Name == nil {
			u.Name = new(string) // recorded as an error already
		}
	}
	if o.has("timezone") {
		u.TimezoneSet, u.Timezone = true, o.string("timezone", false)
	}
	if o.has("role") {
		role := taskbox.Role("")
		if v := o.string("role", true); v != nil {
			role = taskbox.Role(*v)
		}
		u.Role = &role
	}
	decodeSettings(o, u)
	return u
}

// decodeSettings reads the notification settings of a member PATCH body.
// null is refused for each but default_reminders (null: none).
func decodeSettings(o object, u *taskbox.MemberUpdate) {
	if o.has("digest") {
		u.Digest = new(string)
		if v := o.string("digest", true); v != nil {
			*u.Digest = *v
		}
	}
	if o.has("digest_hour") {
		u.DigestHour = new(int)
		if v := o.raw("digest_hour"); v == nil || json.Unmarshal(v, u.DigestHour) != nil {
			o.fe.Add("digest_hour", taskbox.DigestHourRule)
		}
	}
	if o.has("digest_days") {
		u.DigestDays = &[]int{}
		if v := o.raw("digest_days"); v == nil || json.Unmarshal(v, u.DigestDays) != nil {
			o.fe.Add("digest_days", taskbox.DigestDaysRule)
		}
	}
	if o.has("default_reminders") {
		u.DefaultReminders = &[]string{}
		if v := o.raw("default_reminders"); v != nil && json.Unmarshal(v, u.DefaultReminders) != nil {
			o.fe.Add("default_reminders", taskbox.DefaultRemindersRule)
		}
	}
	if o.has("work_hours") {
		u.WorkHours = &taskbox.WorkHours{}
		v := o.raw("work_hours")
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.DisallowUnknownFields()
		if v == nil || dec.Decode(u.WorkHours) != nil {
			o.fe.Add("work_hours", taskbox.WorkHoursRule)
		}
	}
}

// handleUpdateTeamMember is SmartLead's POST
// /api/v1/master-inbox/update-team-member: the owner of a lead map
// (team_member_id null unassigns it), and its open tasks with it.
func (s *Server) handleUpdateTeamMember(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, _, err := readJSON(w, r, MaxBody, false, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	mapID := o.int64("email_lead_map_id", true)
	if !fe.Has("email_lead_map_id") && mapID <= 0 {
		fe.Add("email_lead_map_id", "must be an integer greater than 0")
	}
	set, memberID := o.memberID("team_member_id")
	if !set {
		fe.Add("team_member_id", "is required (null unassigns the lead)")
	}
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	owner, err := s.Owners.UpdateTeamMember(r.Context(), mapID, memberID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OK      bool               `json:"ok"`
		Message string             `json:"message"`
		Data    *taskbox.LeadOwner `json:"data"`
	}{true, "Lead team member updated successfully", owner})
}
