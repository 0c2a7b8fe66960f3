package web

import (
	"net/http"
	"strconv"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// The bulk bar's actions. Each goes through the store paths of the API's
// bulk endpoints: all the ticked tasks change, or none.
//
// Other branches add their actions here (snooze, assign): a value of the
// form's action, a case in bulkChange, and a control in the template
// "bulk-extra" (templates/hooks.html).
const (
	bulkComplete   = "complete"
	bulkReopen     = "reopen" // the Undo of a completion
	bulkPriority   = "priority"
	bulkReschedule = "reschedule"
	bulkDelete     = "delete"
	bulkAssign     = "assign" // bulk_assignee: a member's id, or "none"
	bulkSnooze     = "snooze" // until later today, tomorrow morning or next week (see snoozeUntil)
)

// handleBulk applies the chosen action to the ticked tasks, then goes back.
func (s *Server) handleBulk(w http.ResponseWriter, r *http.Request, v *visit) {
	var ids []int64
	for _, raw := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.renderError(w, r, http.StatusBadRequest, "The selection holds something that is not a task.")
			return
		}
		ids = append(ids, id)
	}
	back := func(f flash) {
		setFlash(w, r, f)
		http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
	}
	action := r.PostForm.Get("action")
	switch {
	case len(ids) == 0:
		back(flash{Message: "Tick the tasks first, then choose what to do with them."})
		return
	case len(ids) > taskbox.MaxBulk:
		back(flash{Message: "Choose at most 1,000 tasks at once."})
		return
	case action == bulkDelete:
		s.bulkDelete(w, r, v, ids)
		return
	}
	u, done, problem := bulkChange(action, r, v, len(ids))
	if problem != "" {
		back(flash{Message: problem})
		return
	}
	tasks, err := s.Tasks.BulkUpdateTasks(r.Context(), &taskbox.BulkUpdate{IDs: ids, Set: *u})
	if taskbox.ErrorCode(err) == taskbox.EINVALID && action == bulkAssign {
		back(flash{Message: "That team member is no longer on the team: choose another."})
		return
	} else if taskbox.ErrorCode(err) == taskbox.EINVALID {
		back(flash{Message: "That date could not be read: pick it from the calendar and try again."})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	f := flash{Message: done}
	switch action {
	case bulkComplete:
		f.Undo = ids
	case bulkReschedule:
		f.Message += " " + dueLabel(tasks[0].Due, taskbox.StatusCompleted, taskbox.NewWindow(v.Now, v.Zone)) + "."
	}
	back(f)
}

// bulkChange is the change an action makes, what the confirmation says,
// or why nothing can be done.
func bulkChange(action string, r *http.Request, v *visit, n int) (u *taskbox.TaskUpdate, done, problem string) {
	tasks := plural(n, "task")
	switch action {
	case bulkComplete, bulkReopen:
		st := taskbox.StatusCompleted
		done = "Completed " + tasks + "."
		if action == bulkReopen {
			st, done = taskbox.StatusPending, "Put back "+tasks+": open again."
		}
		return &taskbox.TaskUpdate{Status: &st}, done, ""
	case bulkPriority:
		p := taskbox.Priority(r.PostForm.Get("bulk_priority"))
		if !p.Valid() {
			return nil, "", "Choose the priority to give the ticked tasks."
		}
		return &taskbox.TaskUpdate{Priority: &p}, "Set " + tasks + " to " + priorityWord(p) + " priority.", ""
	case bulkReschedule:
		due := dueInput(r.PostForm.Get("bulk_due_date"), r.PostForm.Get("bulk_due_time"), v.Zone)
		if r.PostForm.Get("bulk_due_date") == "" {
			return nil, "", "Choose the day to move the ticked tasks to."
		}
		return &taskbox.TaskUpdate{DueDateSet: true, DueDate: due}, "Moved " + tasks + " to", ""
	case bulkAssign:
		switch raw := r.PostForm.Get("bulk_assignee"); raw {
		case "":
			return nil, "", "Choose whom to assign the ticked tasks to."
		case "none":
			return &taskbox.TaskUpdate{AssigneeSet: true}, "Unassigned " + tasks + ".", ""
		default:
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id <= 0 {
				return nil, "", "Choose whom to assign the ticked tasks to."
			}
			return &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: id}, "Assigned " + tasks + ".", ""
		}
	case bulkSnooze:
		until, ok := snoozeUntil(r.PostForm.Get("bulk_snooze"), "", v)
		if !ok || r.PostForm.Get("bulk_snooze") == "pick" {
			return nil, "", "Choose how long to snooze the ticked tasks."
		}
		until = until.UTC().Truncate(time.Second)
		return &taskbox.TaskUpdate{SnoozeSet: true, SnoozedUntil: &until},
			"Snoozed " + tasks + " until " + until.In(v.Zone).Format("Mon 2 Jan 15:04") + ".", ""
	}
	return nil, "", "Choose what to do with the ticked tasks."
}

// bulkDelete asks once, on a page of its own, then deletes.
func (s *Server) bulkDelete(w http.ResponseWriter, r *http.Request, v *visit, ids []int64) {
	if r.PostForm.Get("confirmed") != "yes" {
		d := confirmData{Heading: "Delete " + plural(len(ids), "task") + "?", Action: "/tasks/bulk",
			Button: "Delete " + plural(len(ids), "task"), Cancel: returnFor(r),
			Fields: [][2]string{{"return", returnFor(r)}, {"action", bulkDelete}, {"confirmed", "yes"}}}
		for _, id := range ids {
			d.Fields = append(d.Fields, [2]string{"ids", strconv.FormatInt(id, 10)})
		}
		s.render(w, http.StatusOK, "confirm", layoutData{Title: d.Heading, CSRF: v.CSRF, Actor: v.Actor, Page: d})
		return
	}
	if err := s.Deleter.DeleteTasks(r.Context(), ids); err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, flash{Message: "Deleted " + plural(len(ids), "task") + "."})
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}

// handleBulkComplete is the older form target of "Complete selected".
func (s *Server) handleBulkComplete(w http.ResponseWriter, r *http.Request, v *visit) {
	r.PostForm.Set("action", bulkComplete)
	s.handleBulk(w, r, v)
}
