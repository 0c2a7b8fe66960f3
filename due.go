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
// or a calendar date YYYY-MM-DD (all day).
func ParseDue(s string, loc *time.Location) (Due, error) {
	if len(s) == len("2006-01-02") {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return Due{}, errDueFormat
		}
		return Due{At: d, AllDay: true}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return dueAt(t)
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return dueAt(t)
		}
	}
	return Due{}, errDueFormat
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
