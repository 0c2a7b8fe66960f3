package httpapi

import (
	"fmt"
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleBulkCreate is POST …/tasks/bulk-create: {"tasks": [create bodies]},
// all or nothing.
func (s *Server) handleBulkCreate(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBulkBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// Refused by its length alone: a huge array of faulty entries
	// would otherwise cost a detail (and a scan of the details) each.
	items, tooLong := o.array("tasks", taskbox.MaxBulk, "must hold at most 1000 tasks")
	if tooLong {
		s.Error(w, r, fe.Err())
		return
	}
	cs := make([]*taskbox.TaskCreate, len(items))
	top, ends := len(fe), make([]int, len(items)) // where the type errors of the body and of each entry end in fe
	for i, item := range items {
		if io, ok := o.sub(item, fmt.Sprintf("tasks[%d]", i)); ok {
			cs[i] = decodeTaskCreate(io)
		}
		ends[i] = len(fe)
	}
	if fe != nil {
		// As create-task: the service validates well-typed entries. A
		// body with type errors is answered here, the rules each entry
		// breaks after its type errors, in the order the service would.
		loc := taskbox.ActorFromContext(r.Context()).Account.Location()
		all := append(taskbox.FieldErrors(nil), fe[:top]...)
		for i, c := range cs {
			all = append(all, fe[top:ends[i]]...)
			if top = ends[i]; c != nil {
				c.Validate(&all, loc, fmt.Sprintf("tasks[%d].", i))
			}
		}
		s.Error(w, r, all.Err())
		return
	}
	tasks, err := s.Tasks.BulkCreateTasks(r.Context(), cs, idem)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.metrics.tasksCreated(len(tasks), idem)
	markReplayed(w, idem)
	writeData(w, tasks)
}

// handleBulkUpdate is POST …/tasks/bulk-update: {"ids": […], "set": {…}},
// all or nothing.
func (s *Server) handleBulkUpdate(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, _, err := readJSON(w, r, MaxBulkBody, false, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	b := &taskbox.BulkUpdate{}
	ids, tooLong := o.array("ids", taskbox.MaxBulk, "must hold at most 1000 task ids")
	if tooLong {
		s.Error(w, r, fe.Err())
		return
	}
	for i, raw := range ids {
		id, msg := parseInt(raw)
		if msg == "" && id <= 0 {
			msg = "must be a positive integer"
		}
		if msg != "" {
			fe.Add(fmt.Sprintf("ids[%d]", i), msg)
		}
		b.IDs = append(b.IDs, id)
	}
	if raw := o.raw("set"); raw == nil {
		fe.Add("set", "is required")
	} else if so, ok := o.sub(raw, "set"); ok {
		b.Set = *decodeTaskUpdate(so, false)
		if b.Set.Empty() {
			fe.Add("set", "must set status, priority, due_date, assignee_id or snoozed_until")
		}
	}
	if fe != nil {
		// As PATCH: the service validates a well-typed body.
		b.Set.Validate(&fe, taskbox.ActorFromContext(r.Context()).Account.Location(), "set.")
		s.Error(w, r, fe.Err())
		return
	}
	tasks, err := s.Tasks.BulkUpdateTasks(r.Context(), b)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, tasks)
}
