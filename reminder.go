package taskbox

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// MaxReminders bounds a task's reminders.
const MaxReminders = 5

// ReminderRule is the sentence a 422 on a reminder carries.
const ReminderRule = "must be an ISO 8601 duration before the due time, such as PT15M, PT2H, P1D or P1W"

// ReminderMorningHour is the local hour from which an all-day task's
// reminders count: 09:00 on its day.
const ReminderMorningHour = 9

// Reminder is a duration before a task's due time, as ISO 8601 writes it
// (PT15M, P1D): weeks and days are calendar days in the zone, the rest
// exact durations.
type Reminder struct {
	Days int
	Time time.Duration
}

var errReminder = errors.New(ReminderRule)

// ParseReminder reads PnW, PnD and PTnHnMnS (and their mixes such as
// P1DT2H); years and months, negative and zero durations are refused.
func ParseReminder(s string) (Reminder, error) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" || len(s) > 40 {
		return Reminder{}, errReminder
	}
	var r Reminder
	date, clock, hasT := strings.Cut(rest, "T")
	if hasT && clock == "" {
		return Reminder{}, errReminder
	}
	units := func(part, order string, apply func(n int, unit byte)) bool {
		for part != "" {
			i := 0
			for i < len(part) && part[i] >= '0' && part[i] <= '9' {
				i++
			}
			if i == 0 || i == len(part) || i > 6 {
				return false
			}
			n, _ := strconv.Atoi(part[:i])
			u := part[i]
			j := strings.IndexByte(order, u)
			if j < 0 {
				return false
			}
			order = order[j+1:] // each unit once, in order
			apply(n, u)
			part = part[i+1:]
		}
		return true
	}
	if !units(date, "WD", func(n int, u byte) {
		if u == 'W' {
			r.Days += 7 * n
		} else {
			r.Days += n
		}
	}) || !units(clock, "HMS", func(n int, u byte) {
		r.Time += time.Duration(n) * map[byte]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}[u]
	}) {
		return Reminder{}, errReminder
	}
	if r.Days == 0 && r.Time == 0 {
		return Reminder{}, errReminder
	}
	return r, nil
}

// At is when the reminder fires for a task due at d, in loc: before the
// due instant, or before 09:00 of an all-day task's day.
func (r Reminder) At(d Due, loc *time.Location) time.Time {
	base := d.At.In(loc)
	if d.AllDay {
		y, m, day := d.At.Date()
		base = time.Date(y, m, day, ReminderMorningHour, 0, 0, 0, loc)
	}
	return base.AddDate(0, 0, -r.Days).Add(-r.Time).UTC()
}

// ValidateReminders checks a task's reminders under field (reminders, or
// tasks[3].reminders): at most five, each a duration, none twice.
func ValidateReminders(fe *FieldErrors, field string, rs []string) {
	if len(rs) > MaxReminders {
		fe.Add(field, "must hold at most 5 reminders")
		return
	}
	seen := map[string]bool{}
	for i, s := range rs {
		f := field + "[" + strconv.Itoa(i) + "]"
		if _, err := ParseReminder(s); err != nil {
			fe.Add(f, ReminderRule)
		} else if seen[s] {
			fe.Add(f, "must not repeat another reminder")
		}
		seen[s] = true
	}
}
