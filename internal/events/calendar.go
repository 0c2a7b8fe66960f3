package events

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	ics "github.com/arran4/golang-ical"
	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.CalendarService = (*Calendar)(nil)

// Calendar serves the accounts' iCalendar feeds. BaseURL is the server's
// public address (http://host:port, no trailing slash): feed URLs and the
// links to task pages are made from it.
type Calendar struct {
	DB      CalendarStore
	BaseURL string
}

// timedEventLength is how long a calendar event of a task due at an
// instant lasts: a due time is a moment, but calendars show a zero-length
// event poorly.
const timedEventLength = 30 * time.Minute

// RotateCalendarToken makes a new feed token; the old one stops at once.
// A replay of idem's request answers the token it made.
func (c *Calendar) RotateCalendarToken(ctx context.Context, idem *taskbox.Idempotency) (*taskbox.CalendarToken, error) {
	token, err := c.DB.NewCalendarToken(ctx, idem)
	if err != nil {
		return nil, err
	}
	return &taskbox.CalendarToken{Token: token, URL: c.BaseURL + "/ical/" + token + ".ics"}, nil
}

// Feed renders the feed of a token: an RFC 5545 calendar of the account's
// pending tasks that have a due date. An unknown token is ENOTFOUND.
func (c *Calendar) Feed(ctx context.Context, token string) ([]byte, error) {
	acct, tasks, err := c.DB.CalendarFeed(ctx, token)
	if err != nil {
		return nil, err
	}
	cal := ics.NewCalendar()
	cal.SetMethod(ics.MethodPublish)
	cal.SetProductId("-//taskbox//master inbox//EN")
	cal.SetName(icsText("taskbox: " + acct.Name))
	cal.SetXWRCalName(icsText("taskbox: " + acct.Name))
	cal.SetXWRTimezone(acct.Location().String())
	cal.SetXPublishedTTL("PT15M")
	host := "taskbox"
	if u, err := url.Parse(c.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	for _, t := range tasks {
		c.addEvent(cal, t, host)
	}
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil { // RFC 5545 lines end in CRLF
		return nil, err
	}
	return b.Bytes(), nil
}

// TaskUID is the stable UID of a task's calendar event: calendars update
// the event when the task changes instead of adding another.
func TaskUID(taskID int64, host string) string {
	return fmt.Sprintf("task-%d@%s", taskID, host)
}

func (c *Calendar) addEvent(cal *ics.Calendar, t *taskbox.Task, host string) {
	e := cal.AddEvent(TaskUID(t.ID, host))
	e.SetDtStampTime(t.UpdatedAt.Time)
	e.SetCreatedTime(t.CreatedAt.Time)
	e.SetModifiedAt(t.UpdatedAt.Time)
	e.SetSummary(icsText(t.Name))
	link := c.BaseURL + fmt.Sprintf("/tasks/%d", t.ID)
	e.SetURL(link)
	e.SetDescription(icsText(description(t, link)))
	e.SetProperty(ics.ComponentPropertyPriority, map[taskbox.Priority]string{
		taskbox.PriorityHigh: "1", taskbox.PriorityMedium: "5", taskbox.PriorityLow: "9"}[t.Priority])
	// Due dates end by 9999-12-30 (taskbox.DueDateRange), so the end stays
	// in year 9999. A task stored before that rule may end in year 10000,
	// which a date cannot be written as: its event has no DTEND, which
	// RFC 5545 reads as one day for a date and as the start for a time.
	if end := t.Due.At.AddDate(0, 0, 1); t.Due.AllDay {
		e.SetAllDayStartAt(t.Due.At)
		if end.Year() <= 9999 {
			e.SetAllDayEndAt(end)
		}
	} else {
		e.SetStartAt(t.Due.At)
		if end := t.Due.At.Add(timedEventLength); end.Year() <= 9999 {
			e.SetEndAt(end)
		}
	}
}

// icsText makes text a TEXT value may hold (RFC 5545 §3.3.11: no control
// character but the tab). The library escapes "\n", "\\", ";" and ","
// but writes a CR as it is, which ends the line early in a reader and lets
// a task's or a lead's name add lines to the feed: a CR or CRLF becomes
// "\n" (a line break, escaped), and every other control character (C0,
// DEL, C1) is dropped.
func icsText(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// description is the event's text: the task's own description, then its
// lead, campaign, priority and page.
func description(t *taskbox.Task, link string) string {
	var b strings.Builder
	if t.Description != nil && *t.Description != "" {
		b.WriteString(*t.Description)
		b.WriteString("\n\n")
	}
	if t.Lead != nil {
		b.WriteString("Lead: ")
		var name []string
		for _, p := range []*string{t.Lead.FirstName, t.Lead.LastName} {
			if p != nil && *p != "" {
				name = append(name, *p)
			}
		}
		if len(name) > 0 {
			b.WriteString(strings.Join(name, " ") + " ")
		}
		b.WriteString("<" + t.Lead.Email + ">")
		if t.Lead.CompanyName != nil && *t.Lead.CompanyName != "" {
			b.WriteString(", " + *t.Lead.CompanyName)
		}
		b.WriteString("\n")
	}
	if t.Campaign != nil {
		b.WriteString("Campaign: " + t.Campaign.Name + "\n")
	}
	b.WriteString("Priority: " + string(t.Priority) + "\n")
	b.WriteString("Task: " + link)
	return b.String()
}
