package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// leadData is a lead's page: the lead, its campaigns with their lead maps'
// categories, its notes, and its tasks, open and done, a page of each.
type leadData struct {
	Lead       *taskbox.Lead
	Name       string
	Campaigns  []*taskbox.LeadCampaignMap
	Categories []*taskbox.Category
	Notes      []noteView
	Open, Done taskList
	Return     string
}

// taskList is one paginated list of the lead's tasks.
type taskList struct {
	Rows []rowView
	More string // the next page's URL, or ""
}

// noteView is a note as the pages show it.
type noteView struct {
	*taskbox.Note
	Campaign string
	AtText   string
}

func (s *Server) handleLeadPage(w http.ResponseWriter, r *http.Request, v *visit) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "Lead not found."))
		return
	}
	lead, err := s.Leads.FindLeadByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := leadData{Lead: lead, Return: r.URL.RequestURI()}
	d.Name = leadName(&taskbox.TaskLead{FirstName: lead.FirstName, LastName: lead.LastName})
	if d.Campaigns, err = s.Leads.ListLeadCampaigns(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Categories, err = s.Categories.ListCategories(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.Notes.ListLeadNotes(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Notes = noteViews(notes, d.Campaigns, v)
	q := r.URL.Query()
	for _, l := range []struct {
		list         *taskList
		status, sort string
		param        string
	}{{&d.Open, "pending", "due_date", "open"}, {&d.Done, "completed", "-completed_at", "done"}} {
		f := taskbox.TaskFilter{Status: l.status, Sort: l.sort, LeadID: id, Limit: s.PageSize, Cursor: q.Get(l.param),
			Location: v.Zone, Now: v.Now}
		page, err := s.Inbox.ListTasks(r.Context(), f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		window := taskbox.NewWindow(v.Now, v.Zone)
		for _, t := range page.Tasks {
			row := newRow(t, window)
			row.Form = "rowforms"
			if l.status == "pending" {
				row.CSRF, row.Return = v.CSRF, d.Return
			}
			l.list.Rows = append(l.list.Rows, row)
		}
		if page.NextCursor != nil {
			next := url.Values{}
			for k, vs := range q {
				next[k] = vs
			}
			next.Set(l.param, *page.NextCursor)
			l.list.More = fmt.Sprintf("/leads/%d?%s", id, next.Encode())
		}
	}
	s.render(w, http.StatusOK, "lead", layoutData{Title: lead.Email, CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: d.Return})
}

// noteViews names each note's campaign and time for the page.
func noteViews(notes []*taskbox.Note, campaigns []*taskbox.LeadCampaignMap, v *visit) []noteView {
	names := map[int64]string{}
	for _, c := range campaigns {
		names[c.ID] = c.Name
	}
	out := make([]noteView, len(notes))
	for i, n := range notes {
		out[i] = noteView{Note: n, Campaign: names[n.CampaignID], AtText: n.CreatedAt.In(v.Zone).Format("Mon 2 Jan 2006 15:04")}
	}
	return out
}

// handleAddNote adds the form's note to the form's lead map and goes back
// to the page it came from. A refused note (blank) is said there.
func (s *Server) handleAddNote(w http.ResponseWriter, r *http.Request, v *visit) {
	mapID, err := strconv.ParseInt(r.PostForm.Get("lead_map"), 10, 64)
	if err != nil || mapID <= 0 {
		s.fail(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "Lead map not found."))
		return
	}
	_, err = s.Notes.CreateNote(r.Context(), &taskbox.NoteCreate{LeadMapID: mapID, Message: r.PostForm.Get("note")})
	if errs, ok := fieldErrors(err, r.PostForm); ok {
		setFlash(w, r, flash{Message: "The note was not added: it " + errs["note_message"] + "."})
	} else if err != nil {
		s.fail(w, r, err)
		return
	} else {
		setFlash(w, r, flash{Message: "Note added."})
	}
	http.Redirect(w, r, safeReturn(r.PostForm.Get("return"))+"#notes", http.StatusSeeOther)
}

// handleSetCategory sets (or, with an empty category, clears) the category
// of the lead map of the path.
func (s *Server) handleSetCategory(w http.ResponseWriter, r *http.Request, v *visit) {
	mapID, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || mapID <= 0 {
		s.fail(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "Lead map not found."))
		return
	}
	set := &taskbox.CategorySet{LeadMapID: mapID}
	if c := strings.TrimSpace(r.PostForm.Get("category")); c != "" {
		if set.CategoryID, err = strconv.ParseInt(c, 10, 64); err != nil || set.CategoryID <= 0 {
			s.renderError(w, r, http.StatusBadRequest, "Choose a category from the list.")
			return
		}
	}
	if err := s.Categories.SetLeadCategory(r.Context(), set); err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, flash{Message: "Category saved."})
	http.Redirect(w, r, safeReturn(r.PostForm.Get("return")), http.StatusSeeOther)
}
