package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// taskForm is the add or edit form: what was typed, and what is wrong with it.
type taskForm struct {
	Prefix   string // of the inputs' ids: "add" or "edit"
	Values   url.Values
	Errors   map[string]string
	LeadMaps []taskbox.LeadCampaign // the campaigns of the typed lead, to choose from
	Open     bool
	Message  string
	Quick    quickForm // the quick add line, in the add form's box
}

// Get returns a typed value.
func (f taskForm) Get(name string) string { return f.Values.Get(name) }

// Err returns the error of a field.
func (f taskForm) Err(name string) string { return f.Errors[name] }

// fieldErrors maps a validation error onto the form's fields, in plain
// words (plainWords).
func fieldErrors(err error, form url.Values) (map[string]string, bool) {
	var e *taskbox.Error
	if !errors.As(err, &e) || e.Code != taskbox.EINVALID {
		return nil, false
	}
	out := map[string]string{}
	for _, d := range e.Details {
		field, msg := plainWords(d.Field, d.Message, form)
		if _, taken := out[field]; !taken {
			out[field] = msg
		}
	}
	return out, true
}

// plainWords turns a rule the API states for programs into what a person
// at the form reads, and names the input it belongs under: the due date's
// problem is the date's or the time's, the lead map's is the email's.
func plainWords(field, msg string, form url.Values) (string, string) {
	switch field {
	case "email_lead_map_id":
		return "email", "Type the email of a lead in one of your campaigns."
	case "name":
		if n := taskbox.RuneLen(strings.TrimSpace(form.Get("name"))); n > taskbox.MaxTaskNameLen {
			return field, fmt.Sprintf("Keep the task's name to %d characters: it has %d.", taskbox.MaxTaskNameLen, n)
		} else if n == 0 {
			return field, "Say what is to be done, like “Send the pricing sheet”."
		}
		return field, "The name holds a character that cannot be kept: type it again."
	case "description":
		if n := taskbox.RuneLen(form.Get("description")); n > taskbox.MaxTaskDescriptionLen {
			return field, fmt.Sprintf("Keep the description to 10,000 characters: it has %d.", n)
		}
		return field, "The description holds a character that cannot be kept: type it again."
	case "priority":
		return field, "Choose High, Medium or Low."
	case "due_date":
		date, clock := strings.TrimSpace(form.Get("due_date")), strings.TrimSpace(form.Get("due_time"))
		switch {
		case date == "" && clock != "":
			return "due_date", "Choose the day as well, or clear the time for a task without a due date."
		case clock != "" && !validClock(clock):
			return "due_time", "Type the time as hours and minutes, like 09:30, or leave it blank for all day."
		case msg == taskbox.DueDateRange:
			return "due_date", "Choose a day no later than 9999-12-30."
		}
		return "due_date", "Choose a day in the calendar, or type it as year-month-day, like 2025-12-15."
	}
	return field, msg
}

// validClock reports whether s is a time of day as the time input sends it.
func validClock(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil
}

// flashCookie carries a one-line confirmation to the page after a
// redirect, and the tasks its Undo puts back.
const flashCookie = "taskbox_flash"

// maxUndo bounds the tasks one Undo puts back (they ride in the cookie).
const maxUndo = 200

// flash is the confirmation the next page shows where the eye is.
type flash struct {
	Message string
	Undo    []int64 // completed tasks the Undo reopens
}

func setFlash(w http.ResponseWriter, r *http.Request, f flash) {
	q := url.Values{"m": {f.Message}}
	if len(f.Undo) <= maxUndo {
		for _, id := range f.Undo {
			q.Add("u", strconv.FormatInt(id, 10))
		}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(q.Encode()), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func takeFlash(w http.ResponseWriter, r *http.Request) flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return flash{}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode})
	raw, err := url.QueryUnescape(c.Value)
	if err != nil {
		return flash{}
	}
	q, err := url.ParseQuery(raw)
	if err != nil || len(q.Get("m")) > 400 {
		return flash{}
	}
	f := flash{Message: q.Get("m")}
	for _, u := range q["u"] {
		if id, err := strconv.ParseInt(u, 10, 64); err == nil && id > 0 {
			f.Undo = append(f.Undo, id)
		}
	}
	return f
}

// taskID reads the {id} of a path; a malformed one is a missing task.
func taskID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, taskbox.Errorf(taskbox.ENOTFOUND, "Task not found.")
	}
	return id, nil
}

// quoted names a task in a confirmation.
func quoted(name string) string {
	if r := []rune(name); len(r) > 60 {
		name = string(r[:59]) + "…"
	}
	return "“" + name + "”"
}

// optional is nil for blank text.
func optional(s string) *string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &s
}

// priorityInput reads the priority field: blank means MEDIUM, anything else
// goes to validation as typed.
func priorityInput(s string) taskbox.Priority {
	if s == "" {
		return taskbox.PriorityMedium
	}
	return taskbox.Priority(s)
}
