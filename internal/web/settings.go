package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/mail"
)

// Unsubscriber turns a member's digest off for a signed unsubscribe link
// (store.DB).
type Unsubscriber interface {
	StopDigest(ctx context.Context, memberID int64) (*taskbox.Member, error)
}

// settingsData is the page where a signed-in member edits its own
// notification settings.
type settingsData struct {
	Member   *taskbox.Member
	Zone     string // the member's zone, "" for the account's
	Days     []dayChoice
	Hours    []int
	Reminder string // default_reminders, comma-separated
	Errors   map[string]string
	Saved    bool
}

type dayChoice struct {
	ISO     int
	Name    string
	Checked bool
}

var isoDays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

func newSettingsData(m *taskbox.Member) settingsData {
	d := settingsData{Member: m, Reminder: strings.Join(m.DefaultReminders, ", "), Errors: map[string]string{}}
	if m.Timezone != nil {
		d.Zone = *m.Timezone
	}
	for i, n := range isoDays {
		d.Days = append(d.Days, dayChoice{ISO: i + 1, Name: n, Checked: containsInt(m.DigestDays, i+1)})
	}
	for h := range 24 {
		d.Hours = append(d.Hours, h)
	}
	return d
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// handleSettingsPage shows the signed-in member's settings.
func (s *Server) handleSettingsPage(w http.ResponseWriter, r *http.Request, v *visit) {
	m, err := s.Members.FindMemberByID(r.Context(), v.Actor.MemberID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "settings", layoutData{Title: "Your settings", CSRF: v.CSRF, Actor: v.Actor, Page: newSettingsData(m)})
}

// handleSettings saves the signed-in member's settings from the form; a
// bad value shows the form again with the field's error and saves nothing.
func (s *Server) handleSettings(w http.ResponseWriter, r *http.Request, v *visit) {
	f := r.PostForm
	u := &taskbox.MemberUpdate{}
	var fe taskbox.FieldErrors
	digest := f.Get("digest")
	if digest != taskbox.DigestDaily {
		digest = taskbox.DigestOff // an unticked box sends nothing
	}
	u.Digest = &digest
	hour, err := strconv.Atoi(f.Get("digest_hour"))
	if err != nil {
		fe.Add("digest_hour", taskbox.DigestHourRule)
	}
	u.DigestHour = &hour
	days := []int{}
	for _, raw := range f["digest_days"] {
		n, err := strconv.Atoi(raw)
		if err != nil {
			n = 0 // refused by the check
		}
		days = append(days, n)
	}
	u.DigestDays = &days
	reminders := []string{}
	for _, p := range strings.FieldsFunc(f.Get("default_reminders"), func(r rune) bool { return r == ',' || r == ' ' }) {
		reminders = append(reminders, strings.ToUpper(p))
	}
	u.DefaultReminders = &reminders
	u.WorkHours = &taskbox.WorkHours{Start: f.Get("work_start"), End: f.Get("work_end")}
	zone := strings.TrimSpace(f.Get("timezone"))
	u.TimezoneSet = true
	if zone != "" {
		u.Timezone = &zone
	}
	u.Validate(&fe)
	if fe == nil {
		_, err = s.Members.UpdateMember(r.Context(), v.Actor.MemberID, u)
		if err != nil && taskbox.ErrorCode(err) != taskbox.EINVALID {
			s.fail(w, r, err)
			return
		}
		if err == nil {
			setFlash(w, r, flash{Message: "Your settings are saved."})
			http.Redirect(w, r, "/settings", http.StatusSeeOther)
			return
		}
		fe = settingErrors(err)
	}
	// Show what was typed, with the errors.
	cur, ferr := s.Members.FindMemberByID(r.Context(), v.Actor.MemberID)
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	typed := *cur
	typed.Digest, typed.DigestHour, typed.DigestDays, typed.WorkHours = digest, hour, days, *u.WorkHours
	typed.DefaultReminders = reminders
	typed.Timezone = u.Timezone
	d := newSettingsData(&typed)
	d.Reminder = f.Get("default_reminders")
	for _, e := range fe {
		d.Errors[e.Field] = e.Message
	}
	s.render(w, http.StatusUnprocessableEntity, "settings", layoutData{Title: "Your settings", CSRF: v.CSRF, Actor: v.Actor, Page: d})
}

// settingErrors returns the field errors of a validation error.
func settingErrors(err error) taskbox.FieldErrors {
	var e *taskbox.Error
	if !errors.As(err, &e) {
		return taskbox.FieldErrors{{Field: "", Message: taskbox.ErrorMessage(err)}}
	}
	return taskbox.FieldErrors(e.Details)
}

// unsubscribeData is the page of an unsubscribe link.
type unsubscribeData struct {
	Token string
	Name  string
	Done  bool
}

// handleUnsubscribePage asks to confirm: a GET changes nothing, so that a
// link scanner following the link does not unsubscribe anybody.
func (s *Server) handleUnsubscribePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.unsubscribeMember(w, r); !ok {
		return
	}
	s.render(w, http.StatusOK, "unsubscribe", layoutData{Title: "Stop the daily digest", Page: unsubscribeData{Token: r.PathValue("token")}})
}

// handleUnsubscribe turns the digest off: the link's signature is the
// authority, no session is needed (a mail client's one-click unsubscribe,
// RFC 8058, posts here too).
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, ok := s.unsubscribeMember(w, r)
	if !ok {
		return
	}
	m, err := s.Unsubscribe.StopDigest(r.Context(), id)
	if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
		s.renderError(w, r, http.StatusNotFound, "This unsubscribe link is not valid: its team member is gone.")
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "unsubscribe", layoutData{Title: "Daily digest stopped", Page: unsubscribeData{Name: m.Name, Done: true}})
}

// unsubscribeMember checks the link's token; a bad one is a 404 page.
func (s *Server) unsubscribeMember(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := mail.ParseUnsubscribeToken(s.MailKey, r.PathValue("token"))
	if !ok || s.Unsubscribe == nil {
		s.renderError(w, r, http.StatusNotFound, "This unsubscribe link is not valid. Change your mail settings from your inbox instead.")
		return 0, false
	}
	return id, true
}
