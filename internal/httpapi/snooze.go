package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleSnooze is POST …/tasks/{id}/snooze {"until"}: the task leaves the
// inbox until then (a date means 09:00 that day), its due date unchanged.
func (s *Server) handleSnooze(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Task")
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
	u := &taskbox.TaskUpdate{SnoozeSet: true, SnoozeField: "until", Snooze: o.string("until", true)}
	if u.Validate(&fe, taskbox.ActorFromContext(r.Context()).Account.Location(), ""); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	s.respondUpdate(w, r, id, u)
}

// handleUnsnooze is POST …/tasks/{id}/unsnooze: back in the inbox now.
func (s *Server) handleUnsnooze(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Task")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.respondUpdate(w, r, id, &taskbox.TaskUpdate{SnoozeSet: true})
}
