package taskbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"time"
)

// Due is when a task is due: an instant, or a whole calendar day (an all-day
// task), which is due for all of that day wherever the reader is.
type Due struct {
	At     time.Time // UTC; for an all-day task, midnight UTC of the date
	AllDay bool
}

// DueDateFormats is the sentence a 422 on due_date carries.
const DueDateFormats = "must be an ISO 8601 date-time with Z or an offset (2025-12-15T09:00:00Z), " +
	"a date-time without an offset (taken in the account's time zone), or a date (2025-12-15)"

var errDueFormat = errors.New(DueDateFormats)

// Layouts of a date-time without an offset, tried in order.
var localLayouts = []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04"}

// ParseDue reads a due_date as SPEC.md §3.1 allows: RFC 3339 with Z or an
// offset (normalised to UTC), a date-time without an offset (taken in loc),
// or a calendar date YYYY-MM-DD (all day). An offset's hours are 00–23 and
// its minutes 00–59 (RFC 3339 §5.6; Go's parser takes +24:00 and +23:60).
// A local time that the zone skips (a DST gap) is moved forward by the
// gap: 02:30 on a night that jumps from 02:00 to 03:00 is 03:30, the rule
// of RFC 5545 and of most calendars. A local time that happens twice (the
// hour DST ends) is the first of the two. ParseDue bounds years to four
// digits; ParseDueInput also keeps a new due date within DueDateRange.
func ParseDue(s string, loc *time.Location) (Due, error) {
	if len(s) == len("2006-01-02") {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return Due{}, errDueFormat
		}
		return Due{At: d, AllDay: true}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if !validOffset(s) {
			return Due{}, errDueFormat
		}
		return dueAt(t)
	}
	if t, err := ParseLocal(s, loc); err == nil {
		return dueAt(t)
	}
	return Due{}, errDueFormat
}

// ParseLocal reads a date-time without an offset (2025-12-15T09:00, with
// seconds and a fraction or not) as a wall clock in loc, with the DST rule
// of ParseDue: a skipped time moves forward by the gap, a repeated one is
// the first. The web's forms read their date and time fields with it.
func ParseLocal(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			wall, _ := time.ParseInLocation(layout, s, time.UTC)
			return skipGap(t, wall, loc), nil
		}
	}
	return time.Time{}, errDueFormat
}

// validOffset reports whether the offset that ends s, a valid RFC 3339
// date-time, has hours 00–23 and minutes 00–59.
func validOffset(s string) bool {
	if n := len(s); s[n-1] == 'Z' || s[n-1] == 'z' || n < 6 {
		return true
	}
	off := s[len(s)-6:] // ±hh:mm, as the layout made sure
	return off[1:3] <= "23" && off[4:6] <= "59"
}

// skipGap applies the DST-gap rule to t, the instant Go chose for the wall
// clock wall (read as UTC) in loc. Outside a gap t shows wall and is kept.
// In a gap no instant shows wall, and Go may take either offset around
// it; the later of the two instants is wall less the offset before the
// gap, which is wall moved forward by the gap's length.
func skipGap(t, wall time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	if y, m, d := local.Date(); y == wall.Year() && m == wall.Month() && d == wall.Day() &&
		local.Hour() == wall.Hour() && local.Minute() == wall.Minute() && local.Second() == wall.Second() {
		return t
	}
	_, off := local.Zone()
	other := wall.Add(-time.Duration(off) * time.Second)
	if other.After(t) {
		return other
	}
	return t
}

// dueAt keeps an instant whose UTC year has four digits: an offset can push
// 9999-12-31T23:30:00-01:00 into year 10000, which the wire form cannot
// carry and ParseDue could not read back from the database.
func dueAt(t time.Time) (Due, error) {
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return Due{}, errDueFormat
	}
	return Due{At: t.UTC()}, nil
}

// DueDateRange is the sentence a 422 on a due_date out of range carries.
// A new due date is within 0000-01-01 and 9999-12-30 (an instant: before
// 9999-12-31T00:00:00Z), so that every form of it, the calendar feed's end
// of the event a day or 30 minutes later included, has a four-digit year.
const DueDateRange = "must be between 0000-01-01 and 9999-12-30"

// dueEnd is the first instant past DueDateRange.
var dueEnd = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// ParseDueInput reads a due date a client sends (create, PATCH, bulk, the
// web's forms, a CSV import): ParseDue, within DueDateRange. msg is the
// sentence of the 422, "" when the date is accepted.
func ParseDueInput(s string, loc *time.Location) (d Due, msg string) {
	d, err := ParseDue(s, loc)
	if err != nil {
		return Due{}, DueDateFormats
	}
	if !d.At.Before(dueEnd) {
		return Due{}, DueDateRange
	}
	return d, ""
}

// Date returns the calendar day of an all-day task.
func (d Due) Date() string { return d.At.Format(time.DateOnly) }

// String is the wire form: the date of an all-day task, else the UTC
// date-time with a fraction only when it is not zero, in 3, 6 or 9 digits.
func (d Due) String() string {
	if d.AllDay {
		return d.Date()
	}
	t := d.At.UTC()
	switch ns := t.Nanosecond(); {
	case ns == 0:
		return t.Format("2006-01-02T15:04:05Z")
	case ns%int(time.Millisecond) == 0:
		return t.Format("2006-01-02T15:04:05.000Z")
	case ns%int(time.Microsecond) == 0:
		return t.Format("2006-01-02T15:04:05.000000Z")
	default:
		return t.Format("2006-01-02T15:04:05.000000000Z")
	}
}

// MarshalJSON writes the wire form.
func (d Due) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads the wire form; a date-time must carry Z or an offset.
func (d *Due) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseDue(s, time.UTC)
	*d = v
	return err
}
