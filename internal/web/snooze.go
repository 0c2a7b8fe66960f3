package web

import (
	"net/http"
	"strconv"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// snoozedSection is the Snoozed view's one list.
var snoozedSection = sectionDef{"snoozed", "Snoozed", "No task is snoozed."}

// snoozeUntil turns a row's snooze choice into a time, in the visitor's
// zone: later today (in 3 hours), tomorrow morning (09:00), next week
// (Monday 09:00), or a picked date and time; false when there is none.
func snoozeUntil(when, at string, v *visit) (time.Time, bool) {
	now := v.Now.In(v.Zone)
	morning := func(days int) time.Time {
		return time.Date(now.Year(), now.Month(), now.Day()+days, taskbox.SnoozeMorningHour, 0, 0, 0, v.Zone)
	}
	switch when {
	case "later":
		return now.Add(3 * time.Hour), true
	case "tomorrow":
		return morning(1), true
	case "next_week":
		return morning(int(7 - (now.Weekday()+6)%7)), true // the coming Monday
	case "pick":
		t, err := time.ParseInLocation("2006-01-02T15:04", at, v.Zone)
		return t, err == nil
	}
	return time.Time{}, false
}

// handleSnooze snoozes a task from its row.
func (s *Server) handleSnooze(w http.ResponseWriter, r *http.Request, v *visit) {
	id, err := taskID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	until, ok := snoozeUntil(r.PostForm.Get("when"), r.PostForm.Get("at"), v)
	if !ok || !until.After(v.Now) {
		setFlash(w, r, flash{Message: "Pick a time in the future to snooze until."})
		http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
		return
	}
	until = until.UTC().Truncate(time.Second)
	task, err := s.Tasks.UpdateTask(r.Context(), id, &taskbox.TaskUpdate{SnoozeSet: true, SnoozedUntil: &until})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, flash{Message: "Snoozed " + quoted(task.Name) + " until " + until.In(v.Zone).Format("Mon 2 Jan 15:04") + "."})
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}

// handleDismissNotice hides a reminder's notice.
func (s *Server) handleDismissNotice(w http.ResponseWriter, r *http.Request, v *visit) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 || s.Notices == nil {
		s.renderError(w, r, http.StatusNotFound, "There is no such reminder.")
		return
	}
	if err := s.Notices.DismissNotice(r.Context(), id); err != nil {
		if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
			s.renderError(w, r, http.StatusNotFound, "There is no such reminder.")
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}

// handleUnsnooze brings a snoozed task back now.
func (s *Server) handleUnsnooze(w http.ResponseWriter, r *http.Request, v *visit) {
	id, err := taskID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	task, err := s.Tasks.UpdateTask(r.Context(), id, &taskbox.TaskUpdate{SnoozeSet: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setFlash(w, r, flash{Message: "Unsnoozed " + quoted(task.Name) + ": it is back in the inbox."})
	http.Redirect(w, r, returnFor(r), http.StatusSeeOther)
}
