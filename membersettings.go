package taskbox

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// A member's notification settings (SPEC §9): the morning digest and the
// reminders a new task takes, and the working hours by which SmartLead's
// business-hours durations count.

// Digest settings.
const (
	DigestDaily = "daily"
	DigestOff   = "off"
)

// Defaults of a member's settings.
const (
	DefaultDigestHour     = 8
	MaxDefaultReminders   = 5
	DefaultWorkHoursStart = "09:00"
	DefaultWorkHoursEnd   = "17:00"
)

// DefaultDigestDays are Monday to Friday, as ISO weekdays.
var DefaultDigestDays = []int{1, 2, 3, 4, 5}

// The sentences of a 422 on a setting.
const (
	DigestRule           = "must be daily or off"
	DigestHourRule       = "must be an hour from 0 to 23"
	DigestDaysRule       = "must be a list of ISO weekdays from 1 (Monday) to 7 (Sunday), at least one (set digest to off to stop the digest)"
	DefaultRemindersRule = "must be a list of at most 5 ISO 8601 durations before the due time, such as PT15M, PT2H, P1D or P1W"
	WorkHoursRule        = "must be {\"start\": \"HH:MM\", \"end\": \"HH:MM\"} with start before end, such as 09:00 and 17:00"
)

// WorkHours are a member's working hours, local times of day in its zone
// ("09:00" to "17:00" by default).
type WorkHours struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// DefaultWorkHours are 09:00 to 17:00.
var DefaultWorkHours = WorkHours{Start: DefaultWorkHoursStart, End: DefaultWorkHoursEnd}

// Bounds returns the working hours as durations since local midnight.
// Hours that do not parse (never stored) are the default's.
func (w WorkHours) Bounds() (start, end time.Duration) {
	s, okS := clockMinutes(w.Start)
	e, okE := clockMinutes(w.End)
	if !okS || !okE {
		s, _ = clockMinutes(DefaultWorkHoursStart)
		e, _ = clockMinutes(DefaultWorkHoursEnd)
	}
	return time.Duration(s) * time.Minute, time.Duration(e) * time.Minute
}

// Valid reports whether both are HH:MM (00:00–23:59 for the start, up to
// 24:00 for the end) and the start comes first.
func (w WorkHours) Valid() bool {
	s, okS := clockMinutes(w.Start)
	e, okE := clockMinutes(w.End)
	return okS && okE && s < e && s < 24*60
}

// WorkHoursFromMinutes is the stored form (minutes since midnight) as HH:MM.
func WorkHoursFromMinutes(start, end int) WorkHours {
	return WorkHours{Start: fmt.Sprintf("%02d:%02d", start/60, start%60), End: fmt.Sprintf("%02d:%02d", end/60, end%60)}
}

// Minutes returns the working hours as minutes since midnight.
func (w WorkHours) Minutes() (start, end int) {
	s, e := w.Bounds()
	return int(s / time.Minute), int(e / time.Minute)
}

var clockRE = regexp.MustCompile(`^([01][0-9]|2[0-4]):([0-5][0-9])$`)

// clockMinutes reads HH:MM (24:00 the end of the day).
func clockMinutes(s string) (int, bool) {
	m := clockRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n := (int(m[1][0]-'0')*10+int(m[1][1]-'0'))*60 + int(m[2][0]-'0')*10 + int(m[2][1]-'0')
	if n > 24*60 {
		return 0, false
	}
	return n, true
}

// reminderDurationRE is an ISO 8601 duration of weeks, days, hours, minutes and
// seconds (PnW, PnD, PTnHnMnS and their mixes).
var reminderDurationRE = regexp.MustCompile(`^P(?:[0-9]{1,6}W)?(?:[0-9]{1,6}D)?(?:T(?:[0-9]{1,6}H)?(?:[0-9]{1,6}M)?(?:[0-9]{1,6}S)?)?$`)

// validReminderDuration reports whether s is a positive ISO 8601 duration
// a reminder may be.
func validReminderDuration(s string) bool {
	if !reminderDurationRE.MatchString(s) || s == "P" || strings.HasSuffix(s, "T") {
		return false
	}
	return strings.ContainsAny(strings.Trim(s, "PTWDHMS0"), "123456789")
}

// DigestOn reports whether the member gets a digest at all: daily and
// with an email to send it to.
func (m *Member) DigestOn() bool { return m.Digest == DigestDaily && m.Email != nil }

// IsDigestDay reports whether an ISO weekday is one of the member's days.
func (m *Member) IsDigestDay(wd time.Weekday) bool {
	iso := int(wd)
	if iso == 0 {
		iso = 7
	}
	return slices.Contains(m.DigestDays, iso)
}

// checkSettings checks the settings fields set in u.
func (u *MemberUpdate) checkSettings(fe *FieldErrors) {
	if u.Digest != nil && !fe.Has("digest") && *u.Digest != DigestDaily && *u.Digest != DigestOff {
		fe.Add("digest", DigestRule)
	}
	if u.DigestHour != nil && !fe.Has("digest_hour") && (*u.DigestHour < 0 || *u.DigestHour > 23) {
		fe.Add("digest_hour", DigestHourRule)
	}
	if u.DigestDays != nil && !fe.Has("digest_days") {
		days := slices.Clone(*u.DigestDays)
		slices.Sort(days)
		days = slices.Compact(days)
		if len(days) == 0 || days[0] < 1 || days[len(days)-1] > 7 {
			fe.Add("digest_days", DigestDaysRule)
		}
		*u.DigestDays = days
	}
	if u.DefaultReminders != nil && !fe.Has("default_reminders") {
		rs := slices.Compact(slices.Clone(*u.DefaultReminders))
		ok := len(rs) <= MaxDefaultReminders
		for _, r := range rs {
			ok = ok && validReminderDuration(r)
		}
		if !ok {
			fe.Add("default_reminders", DefaultRemindersRule)
		}
		*u.DefaultReminders = rs
	}
	if u.WorkHours != nil && !fe.Has("work_hours") && !u.WorkHours.Valid() {
		fe.Add("work_hours", WorkHoursRule)
	}
}

// settingsEmpty reports whether u changes no setting.
func (u *MemberUpdate) settingsEmpty() bool {
	return u.Digest == nil && u.DigestHour == nil && u.DigestDays == nil && u.DefaultReminders == nil && u.WorkHours == nil
}
