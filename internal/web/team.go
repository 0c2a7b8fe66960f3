package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// setupData is the page where a member chooses its web password.
type setupData struct {
	Token  string
	Member *taskbox.Member
	Error  string
}

// handleSetupPage shows the form of a one-time setup link, or says that
// the link is unknown, used or expired.
func (s *Server) handleSetupPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	m, err := s.People.SetupMember(r.Context(), token)
	if err != nil {
		s.setupFailed(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "setup", layoutData{Title: "Choose your password", Page: setupData{Token: token, Member: m}})
}

// handleSetup sets the password of a setup link's member, and signs the
// member in. The link is the credential: it is long, random and dies when
// used; the form needs no session, and cross-origin posts are refused.
func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	token := r.PathValue("token")
	m, err := s.People.SetupMember(r.Context(), token)
	if err != nil {
		s.setupFailed(w, r, err)
		return
	}
	password := r.PostForm.Get("password")
	d := setupData{Token: token, Member: m}
	if msg := taskbox.CheckPassword(password); msg != "" {
		d.Error = "The password " + msg + "."
	} else if password != r.PostForm.Get("confirm") {
		d.Error = "The two passwords differ: type the same one twice."
	}
	if d.Error != "" {
		s.render(w, http.StatusUnprocessableEntity, "setup", layoutData{Title: "Choose your password", Page: d})
		return
	}
	if m, err = s.People.SetPassword(r.Context(), token, password); err != nil {
		s.setupFailed(w, r, err)
		return
	}
	actor, gen, err := s.People.SignIn(r.Context(), *m.Email, password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSession(w, r, session{Member: actor.MemberID, Gen: gen, ID: newSessionID(), Seen: time.Now().Unix()})
	setFlash(w, r, flash{Message: "Your password is set. Next time, sign in with your email and it."})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) setupFailed(w http.ResponseWriter, r *http.Request, err error) {
	if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
		s.renderError(w, r, http.StatusNotFound, taskbox.ErrorMessage(err))
		return
	}
	s.fail(w, r, err)
}

// memberChoice reads the member of a form's select: an id, or "" for nobody.
func memberChoice(v string) (int64, bool) {
	if v == "" || v == "none" {
		return 0, true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// handleAssign sets a task's assignee from its page.
func (s *Server) handleAssign(w http.ResponseWriter, r *http.Request, v *visit) {
	id, err := taskID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	member, ok := memberChoice(r.PostForm.Get("assignee"))
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "Choose a team member, or nobody.")
		return
	}
	task, err := s.Tasks.UpdateTask(r.Context(), id, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: member})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	who := "nobody"
	if task.Assignee != nil {
		who = task.Assignee.Name
	}
	setFlash(w, r, flash{Message: fmt.Sprintf("Assigned %s to %s.", quoted(task.Name), who)})
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}

// handleLeadOwner sets the owner of a task's lead map from the task's
// page; the lead map's open tasks move as update-team-member moves them.
func (s *Server) handleLeadOwner(w http.ResponseWriter, r *http.Request, v *visit) {
	task, err := s.pathTask(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	member, ok := memberChoice(r.PostForm.Get("owner"))
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "Choose a team member, or nobody.")
		return
	}
	owner, err := s.Owners.UpdateTeamMember(r.Context(), task.LeadMapID, member)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "The lead has no owner now"
	if owner.TeamMemberID != nil {
		msg = "The lead has a new owner"
	}
	setFlash(w, r, flash{Message: fmt.Sprintf("%s; %d open task(s) moved.", msg, owner.TasksReassigned)})
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}
