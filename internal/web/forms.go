package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
}

// Get returns a typed value.
func (f taskForm) Get(name string) string { return f.Values.Get(name) }

// Err returns the error of a field.
func (f taskForm) Err(name string) string { return f.Errors[name] }

// fieldErrors maps a validation error onto the form's fields: due_date
// covers the date and time inputs, email_lead_map_id the lead's.
func fieldErrors(err error) (map[string]string, bool) {
	var e *taskbox.Error
	if !errors.As(err, &e) || e.Code != taskbox.EINVALID {
		return nil, false
	}
	out := map[string]string{}
	for _, d := range e.Details {
		field := d.Field
		if field == "email_lead_map_id" {
			field = "email"
		}
		out[field] = d.Message
	}
	return out, true
}

// flashCookie carries a one-line confirmation to the page after a redirect.
const flashCookie = "taskbox_flash"

func setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode})
	msg, err := url.QueryUnescape(c.Value)
	if err != nil || len(msg) > 400 {
		return ""
	}
	return msg
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
