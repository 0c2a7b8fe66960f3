package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// taskData is a task's page: the task, a page of its lead's other tasks,
// its trail.
type taskData struct {
	Row         rowView
	Others      []rowView
	OthersCount int
	OthersNext  string // the next page of other tasks
	OthersFirst string // back to the first page, on a later one
	Events      []eventView
	Notes       []noteView // the notes of the task's lead map, beside its trail
	// Replies are the lead's replies kept from SmartLead's events in the
	// task's campaign, newest first.
	Replies []replyView
	Edit    taskForm
	Zone    string
	Members []*taskbox.Member
	Owner   string // the lead map's owner's id, "" for nobody
}

// AssigneeID is the task's assignee's id, "" for nobody, as the select has it.
func (d taskData) AssigneeID() string {
	if d.Row.Assignee == nil {
		return ""
	}
	return strconv.FormatInt(d.Row.Assignee.ID, 10)
}

// replyView is a kept reply as the page shows it.
type replyView struct {
	Subject, Text, AppURL string
	AtISO, AtText         string
}

// replyViews are the kept replies of a lead for the page, those of one
// lead map (0: all of them).
func replyViews(replies *[]taskbox.Reply, leadMapID int64, v *visit) []replyView {
	if replies == nil {
		return nil
	}
	var out []replyView
	for _, rp := range *replies {
		if leadMapID != 0 && rp.LeadMapID != leadMapID {
			continue
		}
		rv := replyView{Text: rp.Text}
		if rp.Subject != nil {
			rv.Subject = *rp.Subject
		}
		if rp.AppURL != nil && (strings.HasPrefix(*rp.AppURL, "https://") || strings.HasPrefix(*rp.AppURL, "http://")) {
			rv.AppURL = *rp.AppURL
		}
		if rp.Time != nil {
			rv.AtISO, rv.AtText = rp.Time.String(), rp.Time.In(v.Zone).Format("Mon 2 Jan 2006 15:04")
		}
		out = append(out, rv)
	}
	return out
}

// othersPageSize is how many of the lead's other tasks a page lists.
const othersPageSize = 10

// eventView is one entry of the audit trail as the page says it.
type eventView struct {
	What    string
	Who     string
	AtISO   string
	AtText  string
	Changes []string
}

func (s *Server) handleTaskPage(w http.ResponseWriter, r *http.Request, v *visit) {
	edit := taskForm{Values: s.takeDraft(w, r)}
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
	members, err := s.Members.ListMembers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	owner, err := s.Owners.LeadOwner(r.Context(), task.LeadMapID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.Notes.ListLeadNotes(r.Context(), task.LeadID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lead, err := s.Leads.FindLeadByID(r.Context(), task.LeadID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	window := taskbox.NewWindow(v.Now, v.Zone)
	edit.Prefix = "edit"
	d := taskData{Row: newRow(task, window), Edit: edit, Zone: v.Zone.String(), Members: members}
	if owner.TeamMemberID != nil {
		d.Owner = strconv.FormatInt(*owner.TeamMemberID, 10)
	}
	if len(d.Edit.Values) == 0 {
		date, clock := dueFields(task.Due, v.Zone)
		d.Edit.Values = map[string][]string{"name": {task.Name}, "priority": {string(task.Priority)},
			"due_date": {date}, "due_time": {clock}}
		if task.Description != nil {
			d.Edit.Values.Set("description", *task.Description)
		}
	}
	if err := s.otherTasks(r, task, window, &d); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range events {
		d.Events = append(d.Events, newEvent(e, v))
	}
	for _, n := range notes {
		if n.LeadMapID == task.LeadMapID {
			d.Notes = append(d.Notes, noteViews([]*taskbox.Note{n}, nil, v)...)
		}
	}
	d.Replies = replyViews(lead.Replies, task.LeadMapID, v)
	s.render(w, status, "task", layoutData{Title: task.Name, CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: safeReturn(r.URL.RequestURI()), Notices: s.notices(r)})
}

// otherTasks reads a page of the lead's other tasks (open and done, soonest
// due first), from the page's "others" cursor.
func (s *Server) otherTasks(r *http.Request, task *taskbox.Task, window taskbox.Window, d *taskData) error {
	tf := taskbox.TaskFilter{Status: "all", LeadID: task.LeadID, Limit: othersPageSize + 1, Cursor: r.URL.Query().Get("others"),
		Location: window.TodayStart.Location(), Now: window.Now}
	page, err := s.Inbox.ListTasks(r.Context(), tf)
	if err != nil {
		return err
	}
	n, err := s.Counter.CountTasks(r.Context(), tf)
	if err != nil {
		return err
	}
	d.OthersCount = n - 1
	self := fmt.Sprintf("/tasks/%d", task.ID)
	if page.NextCursor != nil {
		d.OthersNext = self + "?others=" + url.QueryEscape(*page.NextCursor) + "#others-h"
	}
	if tf.Cursor != "" {
		d.OthersFirst = self + "#others-h"
	}
	for _, o := range page.Tasks {
		if o.ID != task.ID {
			row := newRow(o, window)
			row.Form = "rowforms"
			d.Others = append(d.Others, row)
		}
	}
	return nil
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
	task, err = s.Tasks.UpdateTask(r.Context(), task.ID, u)
	if errs, ok := fieldErrors(err, r.PostForm); ok {
		s.renderTask(w, r, v, http.StatusUnprocessableEntity, taskForm{Values: draftFrom(r.PostForm), Errors: errs})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, flash{Message: "Saved " + quoted(task.Name) + "."})
	http.Redirect(w, r, fmt.Sprintf("/tasks/%d", task.ID), http.StatusSeeOther)
}

// handleInlineEdit saves the due date and priority edited in a row (key e):
// only these fields change, and the page comes back as it was, focused on
// the row.
func (s *Server) handleInlineEdit(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prio := priorityInput(r.PostForm.Get("priority"))
	u := &taskbox.TaskUpdate{Priority: &prio}
	date, clock := r.PostForm.Get("due_date"), r.PostForm.Get("due_time")
	if oldDate, oldClock := dueFields(task.Due, v.Zone); date != oldDate || clock != oldClock {
		u.DueDateSet, u.DueDate = true, dueInput(date, clock, v.Zone)
	}
	// the assignee, when the row's form has one: a member's id or "none"
	switch raw := r.PostForm.Get("assignee"); raw {
	case "":
	case "none":
		u.AssigneeSet = task.Assignee != nil
	default:
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			setFlash(w, r, flash{Message: "The change was not saved. Choose whom to assign the task to from the list."})
			http.Redirect(w, r, backTo(r, 0), http.StatusSeeOther)
			return
		}
		u.AssigneeSet, u.AssigneeID = task.Assignee == nil || task.Assignee.ID != id, id
	}
	task, err = s.Tasks.UpdateTask(r.Context(), task.ID, u)
	if errs, ok := fieldErrors(err, r.PostForm); ok {
		msg := "The change was not saved."
		for _, field := range []string{"due_date", "due_time", "priority"} {
			if e := errs[field]; e != "" {
				msg += " " + e
			}
		}
		if errs["assignee_id"] != "" {
			msg += " That team member is no longer on the team: choose another."
		}
		setFlash(w, r, flash{Message: msg})
		http.Redirect(w, r, backTo(r, 0), http.StatusSeeOther)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Saved " + quoted(task.Name) + ": " + priorityWord(task.Priority) + ", " + dueLabel(task.Due, task.Status, taskbox.NewWindow(v.Now, v.Zone))
	if u.AssigneeSet && task.Assignee != nil {
		msg += ", assigned to " + task.Assignee.Name
	} else if u.AssigneeSet {
		msg += ", unassigned"
	}
	setFlash(w, r, flash{Message: msg + "."})
	http.Redirect(w, r, backTo(r, 0), http.StatusSeeOther)
}

// handleConfirmDelete asks before a task is deleted.
func (s *Server) handleConfirmDelete(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := confirmData{Heading: "Delete " + quoted(task.Name) + "?", Text: "The task goes from every view of the inbox. Its history is kept.",
		Action: fmt.Sprintf("/tasks/%d/delete", task.ID), Button: "Delete task", Cancel: fmt.Sprintf("/tasks/%d", task.ID)}
	s.render(w, http.StatusOK, "confirm", layoutData{Title: "Delete " + task.Name, CSRF: v.CSRF, Actor: v.Actor, Page: d})
}

func (s *Server) handleDeleteTask(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err == nil {
		err = s.Tasks.DeleteTask(r.Context(), task.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, flash{Message: "Deleted " + quoted(task.Name) + "."})
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
	taskbox.EventCompleted: "Completed", taskbox.EventReopened: "Reopened", taskbox.EventDeleted: "Deleted",
	taskbox.EventAssigned: "Assigned"}

func newEvent(e *taskbox.TaskEvent, v *visit) eventView {
	ev := eventView{What: eventWords[e.Type], AtISO: e.At.String(), AtText: e.At.In(v.Zone).Format("Mon 2 Jan 2006 15:04")}
	if ev.What == "" {
		ev.What = e.Type
	}
	by := ""
	if m := e.Actor.Member; m != nil {
		by = "by " + m.Name + " "
	}
	switch e.Actor.Type {
	case "member":
		ev.Who = by + "in the web inbox"
	case "cli":
		ev.Who = "from the command line"
	case "web":
		ev.Who = by + "in the web inbox with key " + quoted(e.Actor.Name)
	default:
		ev.Who = by + "through the API with key " + quoted(e.Actor.Name)
	}
	if e.Type == taskbox.EventUpdated || e.Type == taskbox.EventAssigned {
		fields := make([]string, 0, len(e.Changes))
		for f := range e.Changes {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			c := e.Changes[f]
			old, nu := changeValue(c.Old), changeValue(c.New)
			if f == "due_date" {
				old, nu = dueInZone(c.Old, v.Zone), dueInZone(c.New, v.Zone)
			}
			ev.Changes = append(ev.Changes, fmt.Sprintf("%s: %s → %s", strings.ReplaceAll(f, "_", " "), old, nu))
		}
	}
	return ev
}

// confirmData is a page that asks once before something that cannot be
// undone: a form posting Fields to Action.
type confirmData struct {
	Heading, Text, Action, Button, Cancel string
	Fields                                [][2]string
}

// dueInZone is a due date of the trail in the reader's zone, as the rest
// of the page shows times: "Tue 9 Dec 2026 17:00", or the day alone.
func dueInZone(x any, loc *time.Location) string {
	s, ok := x.(string)
	if !ok || s == "" {
		return changeValue(x)
	}
	d, err := taskbox.ParseDue(s, time.UTC)
	if err != nil {
		return changeValue(x)
	}
	if d.AllDay {
		return d.At.Format("Mon 2 Jan 2006")
	}
	return d.At.In(loc).Format("Mon 2 Jan 2006 15:04")
}

func changeValue(x any) string {
	if x == nil {
		return "none"
	}
	if m, ok := x.(map[string]any); ok { // a member: {"id", "name"}
		if name, ok := m["name"].(string); ok {
			x = name
		}
	}
	s := fmt.Sprint(x)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}
