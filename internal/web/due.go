package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// zoneCookie is where the page's script keeps the browser's IANA zone, so
// that the server puts tasks in the sections the reader's clock implies.
const zoneCookie = "tz"

// browserZone is the zone of the zone cookie, else the account's.
func browserZone(r *http.Request, acct *taskbox.Account) *time.Location {
	if c, err := r.Cookie(zoneCookie); err == nil {
		if loc := parseZone(c.Value); loc != nil {
			return loc
		}
	}
	return acct.Location()
}

func parseZone(name string) *time.Location {
	if name == "" || len(name) > 64 || name == "Local" || strings.ContainsAny(name, " \\") {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}

// dueLabel says when a task is due the way people say it, in the reader's
// zone: "Overdue by 2 days", "Today 15:00", "Tomorrow", "Tue 16 Dec". The
// page's script rewrites it in the browser; this is what shows without it.
// app.js keeps the same rules.
func dueLabel(d *taskbox.Due, status taskbox.Status, w taskbox.Window) string {
	if d == nil {
		return "No due date"
	}
	loc := w.TodayStart.Location()
	if d.AllDay {
		days := int(d.At.Sub(w.TodayDate).Hours() / 24)
		switch {
		case days < 0 && status == taskbox.StatusPending:
			return "Overdue by " + daysAgo(-days)
		case days == 0:
			return "Today"
		case days == 1:
			return "Tomorrow"
		}
		return dayName(d.At, w.TodayDate)
	}
	at := d.At.In(loc)
	clock := at.Format("15:04")
	switch {
	case at.Before(w.Now) && status == taskbox.StatusPending:
		return "Overdue by " + ago(w.Now.Sub(at))
	case !at.Before(w.TodayStart) && at.Before(w.TomorrowStart):
		return "Today " + clock
	case !at.Before(w.TomorrowStart) && at.Before(w.TomorrowStart.AddDate(0, 0, 1)):
		return "Tomorrow " + clock
	}
	return dayName(at, w.Now.In(loc)) + " " + clock
}

// dayName is "Tue 16 Dec", with the year when it is not the current one.
func dayName(t, now time.Time) string {
	if t.Year() != now.Year() {
		return t.Format("Mon 2 Jan 2006")
	}
	return t.Format("Mon 2 Jan")
}

// ago is a duration in its largest whole unit, as people say it:
// "5 minutes", "3 hours", "1 day", "12 days", "2 months", "6 years".
// app.js keeps the same rules.
func ago(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return daysAgo(int(d / (24 * time.Hour)))
	case d >= time.Hour:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(max(1, int(d/time.Minute)), "minute")
}

// daysAgo says a number of days in days up to a month, then in months,
// then in years.
func daysAgo(days int) string {
	switch {
	case days >= 365:
		return plural(days/365, "year")
	case days >= 31:
		return plural(days/30, "month")
	}
	return plural(days, "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// dueInput turns the due date and time fields of a form into a due_date the
// domain reads: "" clears it, a date alone is all day, a date and a time
// are taken in the reader's zone. Anything else is passed on as typed, so
// that validation names the field.
func dueInput(date, clock string, loc *time.Location) *string {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if date == "" && clock == "" {
		return nil
	}
	if clock == "" {
		return &date
	}
	t, err := taskbox.ParseLocal(date+"T"+clock, loc) // a time in a DST gap moves forward by the gap
	if err != nil {
		raw := date + "T" + clock
		return &raw
	}
	s := t.Format(time.RFC3339)
	return &s
}

// dueFields splits a due date into the form's date and time fields, in the
// reader's zone.
func dueFields(d *taskbox.Due, loc *time.Location) (date, clock string) {
	if d == nil {
		return "", ""
	}
	if d.AllDay {
		return d.Date(), ""
	}
	t := d.At.In(loc)
	return t.Format(time.DateOnly), t.Format("15:04")
}
