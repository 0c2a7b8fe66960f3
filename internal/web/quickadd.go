package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/olebedev/when"
	"github.com/olebedev/when/rules/common"
	"github.com/olebedev/when/rules/en"
	taskbox "github.com/taskboxhq/taskbox"
)

// Quick add reads a task and its due date from one line ("Call Ann
// tomorrow 9am", "Send pricing next fri", "in 3 days", "dec 15"), on the
// server, in the reader's zone. The reading is github.com/olebedev/when:
// a rule-based parser of English dates and times (pure Go, two small
// dependencies) that reports where in the line the date was, so that the
// rest becomes the task's name; the other Go parsers are unmaintained
// (tj/go-naturaldate) or carry dozens of languages this form does not need
// (go-dateparser).

// newDateReader is the parser with the English and numeric rules.
func newDateReader() *when.Parser {
	w := when.New(nil)
	w.Add(en.All...)
	w.Add(common.All...)
	return w
}

// clockWords tell that a phrase names a time of day, not only a day: a
// phrase without them ("tomorrow", "next fri", "dec 15") is all day.
var clockWords = regexp.MustCompile(`(?i)\d\s*(am|pm|a\.m|p\.m)|\d:\d\d|\b(noon|midnight|morning|afternoon|evening|tonight|hours?|minutes?|mins?)\b`)

// trailingWords are left behind when the date is cut out of the line.
var trailingWords = regexp.MustCompile(`(?i)\s+(on|at|by|due|for|until)$`)

// quickTask is a line read into a task.
type quickTask struct {
	Name  string
	Due   *string // a due_date the domain reads, nil for none
	Label string  // the due date as the page says it, "" for none
}

func (s *Server) readQuick(text string, v *visit) quickTask {
	text = strings.Join(strings.Fields(text), " ")
	q := quickTask{Name: text}
	r, err := s.dates.Parse(text, v.Now.In(v.Zone))
	if err != nil || r == nil {
		return q
	}
	q.Name = trailingWords.ReplaceAllString(strings.TrimSpace(strings.Join(strings.Fields(text[:r.Index]+" "+text[r.Index+len(r.Text):]), " ")), "")
	at := r.Time.In(v.Zone)
	var due taskbox.Due
	if clockWords.MatchString(r.Text) {
		due = taskbox.Due{At: at.Truncate(time.Minute)}
	} else {
		due = taskbox.Due{At: time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC), AllDay: true}
	}
	wire := due.String()
	if !due.AllDay {
		wire = at.Truncate(time.Minute).Format(time.RFC3339)
	}
	q.Due = &wire
	window := taskbox.NewWindow(v.Now, v.Zone)
	q.Label = dueLabel(&due, taskbox.StatusPending, window)
	if day := dayName(at, v.Now.In(v.Zone)); !strings.HasPrefix(q.Label, day) {
		q.Label += " (" + day + ")"
	}
	return q
}

// quickForm is the quick add line as the page shows it.
type quickForm struct {
	Text, Email string
	Preview     string // the reading, shown before the task is saved
	Confirmed   string // the line whose reading was shown
	Errors      map[string]string
}

// Err returns the error of a field.
func (f quickForm) Err(name string) string { return f.Errors[name] }

func (q quickTask) preview() string {
	if q.Label == "" {
		return "“" + q.Name + "”, no due date"
	}
	return "“" + q.Name + "”, due " + q.Label
}

// handleParse answers the quick add line as it is typed: its reading, as
// JSON, so that the page shows it before saving.
func (s *Server) handleParse(w http.ResponseWriter, r *http.Request, v *visit) {
	text := r.URL.Query().Get("text")
	if len(text) > 1000 {
		text = text[:1000]
	}
	q := s.readQuick(text, v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"name": q.Name, "due_date": q.Due, "due": q.Label, "preview": q.preview()})
}

// handleQuickAdd adds the task of a quick add line once its reading has
// been shown (the form's confirmed field holds the line it was shown for);
// else it shows the reading and asks again.
func (s *Server) handleQuickAdd(w http.ResponseWriter, r *http.Request, v *visit) {
	text := strings.Join(strings.Fields(r.PostForm.Get("text")), " ")
	qf := quickForm{Text: text, Email: strings.TrimSpace(r.PostForm.Get("email")), Errors: map[string]string{}}
	ret := safeReturn(r.PostForm.Get("return"))
	q := s.readQuick(text, v)
	form := taskForm{Errors: map[string]string{}}
	mapID, err := s.resolveLeadMap(r, &form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for k, msg := range form.Errors {
		if k == "lead_map" {
			msg = "This lead is in several campaigns: use the full form below to choose one."
		}
		qf.Errors["email"] = msg
	}
	if q.Name == "" {
		qf.Errors["text"] = "Say what is to be done, then when, like “Call Ann tomorrow 9am”."
	} else if taskbox.RuneLen(q.Name) > taskbox.MaxTaskNameLen {
		qf.Errors["text"] = "Keep the task's name to 255 characters."
	}
	if len(qf.Errors) == 0 && r.PostForm.Get("confirmed") != text {
		qf.Preview, qf.Confirmed = q.preview(), text
	}
	if len(qf.Errors) > 0 || qf.Confirmed != "" {
		status := http.StatusOK
		if len(qf.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
		query, _ := url.ParseQuery(strings.TrimPrefix(strings.TrimPrefix(ret, "/"), "?"))
		s.renderInboxQuick(w, r, v, status, query, qf)
		return
	}
	task, err := s.Tasks.CreateTask(r.Context(), &taskbox.TaskCreate{LeadMapID: mapID, Name: q.Name, DueDate: q.Due})
	if errs, ok := fieldErrors(err, url.Values{"name": {q.Name}}); ok {
		for _, msg := range errs {
			qf.Errors["text"] = msg
		}
		query, _ := url.ParseQuery(strings.TrimPrefix(strings.TrimPrefix(ret, "/"), "?"))
		s.renderInboxQuick(w, r, v, http.StatusUnprocessableEntity, query, qf)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Added " + quoted(task.Name) + "."
	if q.Label != "" {
		msg = "Added " + quoted(task.Name) + ", due " + q.Label + "."
	}
	setFlash(w, r, flash{Message: msg})
	http.Redirect(w, r, ret, http.StatusSeeOther)
}

// renderInboxQuick is the inbox with the quick add line open as given.
func (s *Server) renderInboxQuick(w http.ResponseWriter, r *http.Request, v *visit, status int, q url.Values, qf quickForm) {
	s.renderInbox(w, r, v, status, q, taskForm{Open: true, Quick: qf})
}
