package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleUpdateTask is PATCH …/tasks/{id}: merge semantics, only the fields
// present change; null clears description and due_date.
func (s *Server) handleUpdateTask(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	id, o, err := readUpdate(w, r, "Task", &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	u := decodeTaskUpdate(o, true)
	if fe != nil {
		// As create-task: the service validates a well-typed body.
		u.Validate(&fe, taskbox.ActorFromContext(r.Context()).Account.Location(), "")
		s.Error(w, r, fe.Err())
		return
	}
	s.respondUpdate(w, r, id, u)
}

// handleSetStatus serves …/complete and …/reopen: PATCH of status alone.
func (s *Server) handleSetStatus(status taskbox.Status) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "Task")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		s.respondUpdate(w, r, id, &taskbox.TaskUpdate{Status: &status})
	}
}

func (s *Server) respondUpdate(w http.ResponseWriter, r *http.Request, id int64, u *taskbox.TaskUpdate) {
	task, err := s.Tasks.UpdateTask(r.Context(), id, u)
	s.respond(w, r, task, err)
}

// decodeTaskUpdate reads the fields of a PATCH body (all of them) or of a
// bulk update's "set" (status, priority, due_date, assignee_id and
// snoozed_until).
func decodeTaskUpdate(o object, all bool) *taskbox.TaskUpdate {
	u := &taskbox.TaskUpdate{}
	if all && o.has("name") {
		if u.Name = o.string("name", true); u.Name == nil {
			u.Name = new(string) // recorded as an error already; keeps the field "present"
		}
	}
	if all && o.has("description") {
		u.DescriptionSet, u.Description = true, o.string("description", false)
	}
	if o.has("priority") {
		p := taskbox.Priority("")
		if v := o.string("priority", true); v != nil {
			p = taskbox.Priority(*v)
		}
		u.Priority = &p
	}
	if o.has("due_date") {
		u.DueDateSet, u.DueDate = true, o.string("due_date", false)
	}
	if o.has("snoozed_until") {
		u.SnoozeSet, u.Snooze = true, o.string("snoozed_until", false)
	}
	if all && o.has("reminders") {
		u.RemindersSet, u.Reminders = true, o.reminders()
	}
	if all && o.has("recurrence") {
		u.RecurrenceSet, u.Recurrence = true, o.recurrence()
	}
	if o.has("status") {
		st := taskbox.Status("")
		if v := o.string("status", true); v != nil {
			st = taskbox.Status(*v)
		}
		u.Status = &st
	}
	u.AssigneeSet, u.AssigneeID = o.memberID("assignee_id")
	return u
}

// handleDeleteTask is DELETE …/tasks/{id}.
func (s *Server) handleDeleteTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Task")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Tasks.DeleteTask(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, map[string]any{"id": id, "deleted": true})
}

// handleTaskEvents is the audit trail: GET …/tasks/{id}/events.
func (s *Server) handleTaskEvents(w http.ResponseWriter, r *http.Request) {
	serveByID(s, w, r, "Task", s.Inbox.ListTaskEvents)
}

// handleLeadTasks is SmartLead's GET /api/v1/crm/leads/tasks/{id}.
func (s *Server) handleLeadTasks(w http.ResponseWriter, r *http.Request) {
	serveByID(s, w, r, "Lead", s.Inbox.ListLeadTasks)
}
