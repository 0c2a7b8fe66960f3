package web

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// taskData is a task's page: the task, its lead's other tasks, its trail.
type taskData struct {
	Row    rowView
	Others []rowView
	Events []eventView
	Notes  []noteView // the notes of the task's lead map, beside its trail
	Edit   taskForm
	Zone   string
}

// eventView is one entry of the audit trail as the page says it.
type eventView struct {
	What    string
	Who     string
	AtISO   string
	AtText  string
	Changes []string
}

func (s *Server) handleTaskPage(w http.ResponseWriter, r *http.Request, v *visit) {
	edit := taskForm{Values: readDraft(r.URL.Query())}
	if len(edit.Values) > 0 {
		edit.Message = "Your session had expired. Here is what you typed: check it and save again."
	}
	s.renderTask(w, r, v, http.StatusOK, edit)
}

func (s *Server) renderTask(w http.ResponseWriter, r *http.Request, v *visit, status int, edit taskForm) {
	task, err := s.pathTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.Inbox.ListTaskEvents(r.Context(), task.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	others, err := s.Inbox.ListLeadTasks(r.Context(), task.LeadID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.Notes.ListLeadNotes(r.Context(), task.LeadID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	window := taskbox.NewWindow(v.Now, v.Zone)
	edit.Prefix = "edit"
	d := taskData{Row: newRow(task, window), Edit: edit, Zone: v.Zone.String()}
	if len(d.Edit.Values) == 0 {
		date, clock := dueFields(task.Due, v.Zone)
		d.Edit.Values = map[string][]string{"name": {task.Name}, "priority": {string(task.Priority)},
			"due_date": {date}, "due_time": {clock}}
		if task.Description != nil {
			d.Edit.Values.Set("description", *task.Description)
		}
	}
	for _, o := range others {
		if o.ID != task.ID {
			d.Others = append(d.Others, newRow(o, window))
		}
	}
	for _, e := range events {
		d.Events = append(d.Events, newEvent(e, v))
	}
	for _, n := range notes {
		if n.LeadMapID == task.LeadMapID {
			d.Notes = append(d.Notes, noteViews([]*taskbox.Note{n}, nil, v)...)
		}
	}
	s.render(w, status, "task", layoutData{Title: task.Name, CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: "/tasks/" + r.PathValue("id")})
}

// handleEditTask saves the edit form of a task's page.
func (s *Server) handleEditTask(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name, prio := r.PostForm.Get("name"), priorityInput(r.PostForm.Get("priority"))
	u := &taskbox.TaskUpdate{Name: &name, DescriptionSet: true, Description: optional(r.PostForm.Get("description")), Priority: &prio}
	// The form shows a due time to the minute: left as shown, the due date
	// keeps its seconds rather than being rounded by an unrelated edit.
	date, clock := r.PostForm.Get("due_date"), r.PostForm.Get("due_time")
	if oldDate, oldClock := dueFields(task.Due, v.Zone); date != oldDate || clock != oldClock {
		u.DueDateSet, u.DueDate = true, dueInput(date, clock, v.Zone)
	}
	task, err = s.Inbox.UpdateTask(r.Context(), task.ID, u)
	if errs, ok := fieldErrors(err); ok {
		s.renderTask(w, r, v, http.StatusUnprocessableEntity, taskForm{Values: draftFrom(r.PostForm), Errors: errs})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, "Saved "+quoted(task.Name)+".")
	http.Redirect(w, r, fmt.Sprintf("/tasks/%d", task.ID), http.StatusSeeOther)
}

// handleConfirmDelete asks before a task is deleted.
func (s *Server) handleConfirmDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "confirm", layoutData{Title: "Delete " + task.Name, CSRF: v.CSRF, Actor: v.Actor,
		Page: newRow(task, taskbox.NewWindow(v.Now, v.Zone))})
}

func (s *Server) handleDeleteTask(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err == nil {
		err = s.Inbox.DeleteTask(r.Context(), task.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, "Deleted "+quoted(task.Name)+".")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// pathTask is the task of the path's {id}, of the signed-in account.
func (s *Server) pathTask(r *http.Request) (*taskbox.Task, error) {
	id, err := taskID(r)
	if err != nil {
		return nil, err
	}
	return s.Tasks.FindTaskByID(r.Context(), id)
}

var eventWords = map[string]string{taskbox.EventCreated: "Created", taskbox.EventUpdated: "Changed",
	taskbox.EventCompleted: "Completed", taskbox.EventReopened: "Reopened", taskbox.EventDeleted: "Deleted"}

func newEvent(e *taskbox.TaskEvent, v *visit) eventView {
	ev := eventView{What: eventWords[e.Type], AtISO: e.At.String(), AtText: e.At.In(v.Zone).Format("Mon 2 Jan 2006 15:04")}
	if ev.What == "" {
		ev.What = e.Type
	}
	switch e.Actor.Type {
	case "web":
		ev.Who = "in the web inbox with key " + quoted(e.Actor.Name)
	default:
		ev.Who = "through the API with key " + quoted(e.Actor.Name)
	}
	if e.Type == taskbox.EventUpdated {
		fields := make([]string, 0, len(e.Changes))
		for f := range e.Changes {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			c := e.Changes[f]
			ev.Changes = append(ev.Changes, fmt.Sprintf("%s: %s → %s", strings.ReplaceAll(f, "_", " "), changeValue(c.Old), changeValue(c.New)))
		}
	}
	return ev
}

func changeValue(x any) string {
	if x == nil {
		return "none"
	}
	s := fmt.Sprint(x)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}
