package taskbox

import (
	"strconv"
	"strings"
	"time"

	"github.com/teambition/rrule-go"
)

// Where a recurring task's next occurrence counts from.
const (
	RecurFromDue        = "due"        // the rule's next time after the previous due time
	RecurFromCompletion = "completion" // the rule's next time after the completion
)

// MaxRecurrenceRuleLen bounds a rule's text, in bytes.
const MaxRecurrenceRuleLen = 500

// RecurrenceRuleRule is the sentence a 422 on a rule carries.
const RecurrenceRuleRule = "must be an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=MO,TH (without DTSTART: the due date starts the series)"

// Recurrence makes a task repeat: completing it creates its next
// occurrence. Rule is an RFC 5545 RRULE (FREQ=WEEKLY;BYDAY=MO,TH).
type Recurrence struct {
	Rule string `json:"rule"`
	From string `json:"from"`
}

// Validate trims the rule, defaults From to due and records what is wrong
// in fe under field (recurrence, or tasks[3].recurrence).
func (r *Recurrence) Validate(fe *FieldErrors, field string) {
	r.Rule = strings.TrimSpace(r.Rule)
	switch {
	case r.Rule == "":
		fe.Add(field+".rule", "is required")
	case len(r.Rule) > MaxRecurrenceRuleLen:
		fe.Add(field+".rule", "must be at most 500 bytes")
	case strings.Contains(strings.ToUpper(r.Rule), "DTSTART"):
		fe.Add(field+".rule", RecurrenceRuleRule)
	default:
		if _, err := r.rrule(time.Unix(0, 0).UTC()); err != nil {
			fe.Add(field+".rule", RecurrenceRuleRule)
		}
	}
	switch r.From {
	case "":
		r.From = RecurFromDue
	case RecurFromDue, RecurFromCompletion:
	default:
		fe.Add(field+".from", "must be due or completion")
	}
}

// rrule is the rule starting at dtstart (whose zone it keeps: a weekly
// rule keeps its local time across a change of daylight saving time).
func (r *Recurrence) rrule(dtstart time.Time) (*rrule.RRule, error) {
	o, err := rrule.StrToROption(r.Rule)
	if err != nil {
		return nil, err
	}
	o.Dtstart = dtstart
	return rrule.NewRRule(*o)
}

// Next returns the due date of the occurrence after a task due at prev
// (nil: none) and completed at done, evaluated in loc; seriesStart is the
// due time of the series' first occurrence (zero: unknown), from which the
// rule's COUNT and INTERVAL count when From is due. It returns nil when
// the rule yields no further time: the series ends.
func (r *Recurrence) Next(prev *Due, seriesStart, done time.Time, loc *time.Location) *Due {
	if loc == nil {
		loc = time.UTC
	}
	allDay := prev != nil && prev.AllDay
	// An all-day task repeats by dates: the rule runs on midnight UTC of
	// each date, the way all-day due dates are stored.
	zone := loc
	if allDay {
		zone = time.UTC
	}
	var dtstart, after time.Time
	switch {
	case prev != nil && r.From == RecurFromDue:
		dtstart, after = prev.At.In(zone), prev.At.In(zone)
		if !seriesStart.IsZero() && seriesStart.Before(prev.At) {
			dtstart = seriesStart.In(zone)
		}
	case prev != nil:
		// From the completion: the completion's date, at the due time's
		// clock (a date for an all-day task).
		d := done.In(loc)
		if allDay {
			dtstart = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		} else {
			c := prev.At.In(loc)
			dtstart = time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), c.Second(), 0, loc)
		}
		after = dtstart
	default:
		dtstart, after = done.In(loc).Truncate(time.Second), done.In(loc)
	}
	rule, err := r.rrule(dtstart)
	if err != nil {
		return nil
	}
	next := rule.After(after, false)
	if next.IsZero() || next.UTC().Year() > 9999 {
		return nil
	}
	if allDay {
		return &Due{At: time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, time.UTC), AllDay: true}
	}
	return &Due{At: next.UTC()}
}

// Words says the rule in English for the web inbox ("every week on
// Monday, Thursday"), as the library writes it.
func (r *Recurrence) Words() string {
	o, err := rrule.StrToROption(r.Rule)
	if err != nil {
		return r.Rule
	}
	return describeRule(o)
}

var (
	freqUnits = map[rrule.Frequency][2]string{
		rrule.YEARLY: {"year", "years"}, rrule.MONTHLY: {"month", "months"}, rrule.WEEKLY: {"week", "weeks"},
		rrule.DAILY: {"day", "days"}, rrule.HOURLY: {"hour", "hours"}, rrule.MINUTELY: {"minute", "minutes"},
		rrule.SECONDLY: {"second", "seconds"},
	}
	dayNames = [...]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// describeRule writes the common parts of a rule in words: how often, on
// which weekdays and days of the month, until when or how many times.
func describeRule(o *rrule.ROption) string {
	unit := freqUnits[o.Freq]
	var b strings.Builder
	b.WriteString("every ")
	if o.Interval > 1 {
		b.WriteString(strconv.Itoa(o.Interval) + " " + unit[1])
	} else {
		b.WriteString(unit[0])
	}
	if len(o.Byweekday) > 0 {
		names := make([]string, len(o.Byweekday))
		for i, d := range o.Byweekday {
			names[i] = dayNames[d.Day()%7]
		}
		b.WriteString(" on " + strings.Join(names, ", "))
	}
	if len(o.Bymonthday) > 0 {
		days := make([]string, len(o.Bymonthday))
		for i, d := range o.Bymonthday {
			days[i] = strconv.Itoa(d)
		}
		b.WriteString(" on day " + strings.Join(days, ", "))
	}
	if !o.Until.IsZero() {
		b.WriteString(" until " + o.Until.Format(time.DateOnly))
	}
	if o.Count > 0 {
		b.WriteString(", " + strconv.Itoa(o.Count) + " times")
	}
	return b.String()
}
