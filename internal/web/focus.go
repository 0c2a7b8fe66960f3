package web

import (
	"net/http"
	"net/url"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
)

// Focus mode ("Next", /focus) shows one open task at a time, in due order
// (overdue first, no due date last), under the inbox's filters: complete
// it, or skip to the next. Skipped tasks ride in the address (skip=ID), so
// the mode works without JavaScript and Back undoes a skip.

// maxSkips bounds the tasks one focus session may skip.
const maxSkips = 100

type focusData struct {
	Row      *rowView
	Position int    // how many were skipped before this one, plus one
	Open     int    // open tasks under the filters
	Skip     string // the address that skips this task
	Inbox    string // the inbox with the same filters
	Return   string
	Filtered bool
	// the lead's notes, newest first, beside the task (at most focusNotes)
	Notes     []noteView
	MoreNotes int // notes not shown
	LeadMapID int64
}

// focusNotes is how many of the lead's notes focus mode shows; the lead's
// page has them all.
const focusNotes = 5

func (s *Server) handleFocus(w http.ResponseWriter, r *http.Request, v *visit) {
	q := r.URL.Query()
	f := readFilter(q, v.Actor)
	f.Completed, f.Snoozed = false, false
	skipped := map[int64]bool{}
	var skips []string
	for _, raw := range q["skip"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 && len(skips) < maxSkips && !skipped[id] {
			skipped[id] = true
			skips = append(skips, raw)
		}
	}
	tf := f.taskFilter(v, "")
	tasks, err := s.listTasks(r.Context(), tf, len(skips)+1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := focusData{Inbox: pageURL(f.query("")), Filtered: f.Active()}
	if d.Open, err = s.Counter.CountTasks(r.Context(), tf); err != nil {
		s.fail(w, r, err)
		return
	}
	base := f.query("")
	base["skip"] = skips
	d.Return = "/focus?" + base.Encode()
	for _, t := range tasks {
		if !skipped[t.ID] {
			row := newRow(t, taskbox.NewWindow(v.Now, v.Zone))
			row.Form = "focusform"
			if err := s.addReplies(r.Context(), &row); err != nil {
				s.fail(w, r, err)
				return
			}
			d.Row, d.Position = &row, len(skips)+1
			next := url.Values{}
			for k, vs := range base {
				next[k] = vs
			}
			next.Add("skip", strconv.FormatInt(t.ID, 10))
			d.Skip = "/focus?" + next.Encode()
			if err := s.focusNotes(r, v, t, &d); err != nil {
				s.fail(w, r, err)
				return
			}
			break
		}
	}
	s.render(w, http.StatusOK, "focus", layoutData{Title: "Next task", CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: d.Return, Notices: s.notices(r)})
}

// focusNotes reads the notes of the task's lead, in all its campaigns, for
// the column beside the task, where a note can be added to the task's lead
// map.
func (s *Server) focusNotes(r *http.Request, v *visit, t *taskbox.Task, d *focusData) error {
	d.LeadMapID = t.LeadMapID
	notes, err := s.Notes.ListLeadNotes(r.Context(), t.LeadID)
	if err != nil {
		return err
	}
	campaigns, err := s.Leads.ListLeadCampaigns(r.Context(), t.LeadID)
	if err != nil {
		return err
	}
	if len(notes) > focusNotes {
		d.MoreNotes = len(notes) - focusNotes
		notes = notes[:focusNotes]
	}
	d.Notes = noteViews(notes, campaigns, v)
	return nil
}
