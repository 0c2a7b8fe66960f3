package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleAddTask creates a task for the lead found by the typed email (in
// the chosen campaign when the lead is in several).
func (s *Server) handleAddTask(w http.ResponseWriter, r *http.Request, v *visit) {
	form := taskForm{Values: draftFrom(r.PostForm), Errors: map[string]string{}, Open: true}
	ret := safeReturn(r.PostForm.Get("return"))
	mapID, err := s.resolveLeadMap(r, &form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := &taskbox.TaskCreate{LeadMapID: mapID, Name: r.PostForm.Get("name"), Description: optional(r.PostForm.Get("description")),
		Priority: priorityInput(r.PostForm.Get("priority")),
		DueDate:  dueInput(r.PostForm.Get("due_date"), r.PostForm.Get("due_time"), v.Zone)}
	var task *taskbox.Task
	if len(form.Errors) == 0 {
		task, err = s.Tasks.CreateTask(r.Context(), c)
		if errs, ok := fieldErrors(err); ok {
			form.Errors = errs
		} else if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
			form.Errors["email"] = "No lead with this email is in your campaigns."
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(form.Errors) > 0 {
		q, _ := url.ParseQuery(strings.TrimPrefix(strings.TrimPrefix(ret, "/"), "?"))
		s.renderInbox(w, r, v, http.StatusUnprocessableEntity, q, form)
		return
	}
	setFlash(w, r, "Added "+quoted(task.Name)+".")
	http.Redirect(w, r, ret, http.StatusSeeOther)
}

// resolveLeadMap finds the lead map the add form means. Problems with the
// lead are recorded on the form, and give 0; an error is a failure to look.
func (s *Server) resolveLeadMap(r *http.Request, form *taskForm) (int64, error) {
	email := strings.TrimSpace(r.PostForm.Get("email"))
	chosen, _ := strconv.ParseInt(r.PostForm.Get("lead_map"), 10, 64)
	if email == "" {
		form.Errors["email"] = "Type the email of the lead the task is for."
		return 0, nil
	}
	lead, err := s.Leads.FindLeadByEmail(r.Context(), email)
	if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
		form.Errors["email"] = "No lead with this email is in your campaigns."
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	form.LeadMaps = lead.LeadCampaignData
	for _, lc := range lead.LeadCampaignData {
		if lc.CampaignLeadMapID == chosen || (chosen == 0 && len(lead.LeadCampaignData) == 1) {
			return lc.CampaignLeadMapID, nil
		}
	}
	if len(lead.LeadCampaignData) == 0 {
		form.Errors["email"] = "This lead is in no campaign yet: add it to one first."
	} else {
		form.Errors["lead_map"] = "This lead is in several campaigns: choose one."
	}
	return 0, nil
}

// handleSuggest answers the add form's email field as the person types:
// up to 8 leads whose email starts with q, with their campaigns, as JSON.
func (s *Server) handleSuggest(w http.ResponseWriter, r *http.Request, v *visit) {
	type leadMap struct {
		ID       int64  `json:"id"`
		Campaign string `json:"campaign"`
	}
	type suggestion struct {
		Email    string    `json:"email"`
		Name     string    `json:"name"`
		Company  string    `json:"company"`
		LeadMaps []leadMap `json:"lead_maps"`
	}
	prefix := r.URL.Query().Get("q")
	out := []suggestion{}
	if len(prefix) <= 254 {
		leads, err := s.Search.SearchLeads(r.Context(), prefix, 8)
		if err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("[]"))
			s.Logger.Warn("web: search leads", "err", err)
			return
		}
		for _, l := range leads {
			sg := suggestion{Email: l.Email, Name: leadName(&taskbox.TaskLead{FirstName: l.FirstName, LastName: l.LastName}),
				LeadMaps: []leadMap{}}
			if l.CompanyName != nil {
				sg.Company = *l.CompanyName
			}
			for _, lc := range l.LeadCampaignData {
				sg.LeadMaps = append(sg.LeadMaps, leadMap{lc.CampaignLeadMapID, lc.CampaignName})
			}
			out = append(out, sg)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// handleSetStatus completes or reopens a task, then goes back.
func (s *Server) handleSetStatus(st taskbox.Status) visitHandler {
	return func(w http.ResponseWriter, r *http.Request, v *visit) {
		id, err := taskID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		task, err := s.Inbox.UpdateTask(r.Context(), id, &taskbox.TaskUpdate{Status: &st})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		verb := "Completed "
		if st == taskbox.StatusPending {
			verb = "Reopened "
		}
		setFlash(w, r, verb+quoted(task.Name)+".")
		http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
	}
}

// handleBulkComplete completes the selected tasks, all or none.
func (s *Server) handleBulkComplete(w http.ResponseWriter, r *http.Request, v *visit) {
	var ids []int64
	for _, raw := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.renderError(w, r, http.StatusBadRequest, "The selection holds something that is not a task.")
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		setFlash(w, r, "Select the tasks to complete first.")
		http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
		return
	}
	done := taskbox.StatusCompleted
	if _, err := s.Inbox.BulkUpdateTasks(r.Context(), &taskbox.BulkUpdate{IDs: ids, Set: taskbox.TaskUpdate{Status: &done}}); err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, "Completed "+plural(len(ids), "task")+".")
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}
