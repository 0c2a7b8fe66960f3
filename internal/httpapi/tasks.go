package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleCreateTask is SmartLead's POST /api/v1/master-inbox/create-task.
func (s *Server) handleCreateTask(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := decodeTaskCreate(o)
	actor := taskbox.ActorFromContext(r.Context())
	if c.Validate(&fe, actor.Account.Location(), ""); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	c.Idempotency = idem
	task, err := s.Tasks.CreateTask(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.metrics.tasksCreated(1, idem)
	markReplayed(w, idem)
	writeData(w, task)
}

// decodeTaskCreate reads a create-task body; type errors go to o's field errors.
func decodeTaskCreate(o object) *taskbox.TaskCreate {
	c := &taskbox.TaskCreate{LeadMapID: o.int64("email_lead_map_id", true)}
	if name := o.string("name", true); name != nil {
		c.Name = *name
	}
	c.Description = o.string("description", false)
	if p := o.string("priority", false); p != nil {
		if c.Priority = taskbox.Priority(*p); *p == "" {
			o.fe.Add(o.prefix+"priority", taskbox.PriorityRule) // "" would read as absent
		}
	}
	c.DueDate = o.string("due_date", false)
	c.AssigneeSet, c.AssigneeID = o.memberID("assignee_id")
	c.Recurrence = o.recurrence()
	if o.has("reminders") {
		c.Reminders = o.reminders()
	}
	return c
}

// handleGetTask returns one task.
func (s *Server) handleGetTask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Task")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	task, err := s.Tasks.FindTaskByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, task)
}
