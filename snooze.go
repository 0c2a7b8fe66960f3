package taskbox

import "time"

// SnoozeUntilRule is the sentence a 422 on a snooze's time carries.
const SnoozeUntilRule = "must be an ISO 8601 date-time with Z or an offset (2025-12-15T09:00:00Z), " +
	"a date-time without an offset (taken in the account's time zone), or a date (09:00 that day), in the future"

// SnoozeMorningHour is the local hour a snooze to a date ends: 09:00.
const SnoozeMorningHour = 9

// ParseSnoozeUntil reads a snooze's end: a date-time as ParseDue reads
// one (without an offset, in acct, the account's zone, as a due date is),
// or a date, meaning 09:00 that day in morning (the member's zone, else
// the account's).
func ParseSnoozeUntil(s string, acct, morning *time.Location) (time.Time, error) {
	d, err := ParseDue(s, acct)
	if err != nil {
		return time.Time{}, err
	}
	if !d.AllDay {
		return d.At.Truncate(time.Microsecond), nil
	}
	y, m, day := d.At.Date()
	return time.Date(y, m, day, SnoozeMorningHour, 0, 0, 0, morning).UTC(), nil
}

// Snoozed values of TaskFilter.Snoozed.
const (
	SnoozedExclude = ""     // the default: snoozed tasks are left out
	SnoozedOnly    = "true" // only snoozed tasks
	SnoozedAll     = "all"  // both
)
