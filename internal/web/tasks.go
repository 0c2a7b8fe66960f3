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
// the chosen campaign when the lead is in several). Every field's problem
// shows at once, on its field, in words a salesperson uses.
func (s *Server) handleAddTask(w http.ResponseWriter, r *http.Request, v *visit) {
	form := taskForm{Values: draftFrom(r.PostForm), Errors: map[string]string{}, Open: true}
	ret := safeReturn(r.PostForm.Get("return"))
	mapID, err := s.resolveLeadMap(r, &form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	date, clock := r.PostForm.Get("due_date"), r.PostForm.Get("due_time")
	c := &taskbox.TaskCreate{LeadMapID: mapID, Name: r.PostForm.Get("name"), Description: optional(r.PostForm.Get("description")),
		Priority: priorityInput(r.PostForm.Get("priority")), DueDate: dueInput(date, clock, v.Zone)}
	// The task's own fields are checked whatever became of the lead, so
	// that a blank form names every missing field, not only the first.
	probe := *c
	probe.LeadMapID = max(probe.LeadMapID, 1)
	var fe taskbox.FieldErrors
	probe.Validate(&fe, v.Zone, "")
	for _, e := range fe {
		field, msg := plainWords(e.Field, e.Message, r.PostForm)
		if _, taken := form.Errors[field]; !taken {
			form.Errors[field] = msg
		}
	}
	var task *taskbox.Task
	if len(form.Errors) == 0 {
		task, err = s.Tasks.CreateTask(r.Context(), c)
		if errs, ok := fieldErrors(err, r.PostForm); ok {
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
	setFlash(w, r, flash{Message: "Added " + quoted(task.Name) + "."})
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

// handleSetStatus completes or reopens a task, then goes back to the page
// as it was: the rows still ticked, the focus on the row that takes the
// place of the one that left, and an Undo for a completion.
func (s *Server) handleSetStatus(st taskbox.Status) visitHandler {
	return func(w http.ResponseWriter, r *http.Request, v *visit) {
		id, err := taskID(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		task, err := s.Tasks.UpdateTask(r.Context(), id, &taskbox.TaskUpdate{Status: &st})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f := flash{Message: "Completed " + quoted(task.Name) + ".", Undo: []int64{task.ID}}
		if st == taskbox.StatusPending {
			f = flash{Message: "Reopened " + quoted(task.Name) + "."}
		}
		setFlash(w, r, f)
		http.Redirect(w, r, backTo(r, task.ID), http.StatusSeeOther)
	}
}

// backTo is the page a row's post came from, with the ticked rows (the
// form's ids) still ticked but for gone, and the focus (the form's focus,
// the row's neighbour) as its fragment.
func backTo(r *http.Request, gone int64) string {
	ret := returnFor(r)
	var sel []string
	for _, raw := range r.PostForm["ids"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 && id != gone {
			sel = append(sel, raw)
		}
	}
	if len(sel) > 0 {
		if u, err := url.Parse(ret); err == nil {
			q := u.Query()
			q["sel"] = sel
			u.RawQuery = q.Encode()
			ret = u.String()
		}
	}
	if focus, err := strconv.ParseInt(r.PostForm.Get("focus"), 10, 64); err == nil && focus > 0 {
		ret += "#task-" + strconv.FormatInt(focus, 10)
	}
	return ret
}
