package taskbox

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// durationRE is the ISO 8601 durations rules take: weeks, days, hours,
// minutes and seconds (no years or months, whose length varies).
var durationRE = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// DurationRule is the sentence of a 422 on a duration.
const DurationRule = "must be an ISO 8601 duration such as PT4H, P1D or P1DT2H30M (weeks, days, hours, minutes, seconds)"

// ParseDuration reads an ISO 8601 duration such as PT4H or P7D.
func ParseDuration(s string) (time.Duration, bool) {
	m := durationRE.FindStringSubmatch(s)
	if m == nil || s == "P" || strings.HasSuffix(s, "T") {
		return 0, false
	}
	units := []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second}
	var d time.Duration
	for i, u := range units {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > 100000 {
			return 0, false
		}
		d += time.Duration(n) * u
	}
	if d > 10*365*24*time.Hour {
		return 0, false
	}
	return d, true
}

// Validate checks a rule as POST /api/v1/rules takes it.
func (r *Rule) Validate(fe *FieldErrors) {
	r.Name = TrimText(r.Name)
	checkName(fe, "name", r.Name)
	if len(r.On) == 0 {
		fe.Add("on", "must be one of "+strings.Join(SmartLeadEventTypes, ", ")+", or a list of them")
	}
	for _, on := range r.On {
		if !slices.Contains(SmartLeadEventTypes, on) {
			fe.Add("on", "must be one of "+strings.Join(SmartLeadEventTypes, ", ")+", or a list of them")
			break
		}
	}
	t := &r.Then
	n := 0
	if t.CreateTask != nil {
		n++
		t.CreateTask.validate(fe, "then.create_task.")
	}
	if u := t.UpgradeOpenTask; u != nil {
		n++
		if !u.Priority.Valid() {
			fe.Add("then.upgrade_open_task.priority", PriorityRule)
		}
		if _, ok := ParseDuration(u.Due); u.Due != "" && !ok {
			fe.Add("then.upgrade_open_task.due", DurationRule)
		}
		if u.Create != nil {
			u.Create.validate(fe, "then.upgrade_open_task.create.")
		}
	}
	if t.CompleteOpenTasks {
		n++
	}
	if t.SnoozeOpenTasks != "" {
		n++
		if _, ok := ParseDuration(t.SnoozeOpenTasks); !ok {
			fe.Add("then.snooze_open_tasks", DurationRule)
		}
	}
	if n != 1 {
		fe.Add("then", "must have exactly one of create_task, upgrade_open_task, complete_open_tasks (true), snooze_open_tasks")
	}
}

func (c *RuleTask) validate(fe *FieldErrors, prefix string) {
	c.Name = TrimText(c.Name)
	checkName(fe, prefix+"name", c.Name)
	if c.Description != nil {
		checkDescription(fe, prefix+"description", *c.Description)
	}
	if c.Priority == "" {
		c.Priority = PriorityMedium
	}
	if !c.Priority.Valid() {
		fe.Add(prefix+"priority", PriorityRule)
	}
	if _, ok := ParseDuration(c.Due); c.Due != "" && !ok {
		fe.Add(prefix+"due", DurationRule)
	}
	if _, _, ok := c.AssigneeKind(); !ok {
		fe.Add(prefix+"assignee", `must be "lead_owner", "round_robin", a team member's id, or null`)
	}
}

// AssigneeKind reads the assignee: kind is lead_owner, round_robin,
// member (with its id) or none.
func (c *RuleTask) AssigneeKind() (kind string, id int64, ok bool) {
	a := bytes.TrimSpace(c.Assignee)
	switch string(a) {
	case "", "null":
		return "none", 0, true
	case `"lead_owner"`:
		return "lead_owner", 0, true
	case `"round_robin"`:
		return "round_robin", 0, true
	}
	s := strings.Trim(string(a), `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return "member", n, true
}

// Render fills a rule's template: {{lead.first_name}}, {{lead.email}},
// {{lead.company_name}}, {{campaign.name}}, {{category}}, {{reply.text}},
// {{step}}. An unknown placeholder stays as written; a missing value is
// empty.
func Render(tmpl string, vars map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "{{")
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.Index(tmpl[i:], "}}")
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		key := strings.TrimSpace(tmpl[i+2 : i+j])
		if v, ok := vars[key]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(tmpl[i : i+j+2])
		}
		tmpl = tmpl[i+j+2:]
	}
}

// WorkingHours are when a member works: the ISO weekdays (1 Monday … 7
// Sunday) and, on those days, the minutes of the day [Start, End) in Loc.
type WorkingHours struct {
	Days       []int
	Start, End int // minutes since midnight: 9*60 is 09:00
	Loc        *time.Location
}

// DefaultWorkingHours is 09:00–17:00, Monday to Friday.
func DefaultWorkingHours(loc *time.Location) WorkingHours {
	return WorkingHours{Days: []int{1, 2, 3, 4, 5}, Start: 9 * 60, End: 17 * 60, Loc: loc}
}

// at is the wall-clock time minutes into t's day, in w.Loc.
func (w WorkingHours) at(t time.Time, minutes int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), minutes/60, minutes%60, 0, 0, w.Loc)
}

// Add counts d from start in working time only. Hours that are not
// working hours (no days, an empty day, no zone) count d as it is.
func (w WorkingHours) Add(start time.Time, d time.Duration) time.Time {
	if w.Loc == nil || len(w.Days) == 0 || w.End <= w.Start || w.Start < 0 || w.End > 24*60 {
		return start.Add(d)
	}
	t := start.In(w.Loc)
	for range 3660 { // ten years of days at most
		day := int(t.Weekday())
		if day == 0 {
			day = 7
		}
		open, shut := w.at(t, w.Start), w.at(t, w.End)
		if slices.Contains(w.Days, day) && t.Before(shut) {
			if t.Before(open) {
				t = open
			}
			if left := shut.Sub(t); d <= left {
				return t.Add(d).UTC()
			} else {
				d -= left
			}
		}
		t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, w.Loc)
	}
	return t.UTC()
}

// DefaultRules are the rules a new integration starts with (SPEC.md §10).
func DefaultRules() []*Rule {
	owner := []byte(`"lead_owner"`)
	task := func(name string, p Priority, due string) *RuleTask {
		return &RuleTask{Name: name, Priority: p, Due: due, Assignee: owner}
	}
	return []*Rule{
		{Name: "Reply → task", On: []string{SLEmailReply},
			Then: RuleThen{CreateTask: task("Reply to {{lead.first_name}} ({{lead.email}})", PriorityMedium, "PT4H")}},
		{Name: "Interested → urgent", On: []string{SLLeadCategoryUpdated},
			When: RuleWhen{Categories: []string{"Interested", "Meeting Request", "Information Request"}},
			Then: RuleThen{UpgradeOpenTask: &RuleUpgrade{Priority: PriorityHigh, Due: "PT1H",
				Create: task("{{category}}: reply to {{lead.first_name}} ({{lead.email}})", PriorityHigh, "PT1H")}}},
		{Name: "Not interested → close", On: []string{SLLeadCategoryUpdated},
			When: RuleWhen{Categories: []string{"Not Interested", "Do Not Contact", "Wrong Person", "Sender Originated Bounce"}},
			Then: RuleThen{CompleteOpenTasks: true}},
		{Name: "Out of office → snooze", On: []string{SLLeadCategoryUpdated},
			When: RuleWhen{Categories: []string{"Out Of Office"}},
			Then: RuleThen{SnoozeOpenTasks: "P7D"}},
		{Name: "Manual step → task", On: []string{SLManualStepReached},
			Then: RuleThen{CreateTask: task("Manual step {{step}} in {{campaign.name}}", PriorityMedium, "P1D")}},
		{Name: "Unsubscribed or bounced → close", On: []string{SLLeadUnsubscribed, SLEmailBounce},
			Then: RuleThen{CompleteOpenTasks: true}},
	}
}

// Matches reports whether the rule applies to the event.
func (r *Rule) Matches(e *SmartLeadEvent) bool {
	if !r.Enabled || !slices.Contains(r.On, e.EventType) {
		return false
	}
	if len(r.When.Categories) > 0 && !slices.ContainsFunc(r.When.Categories, func(c string) bool {
		return strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(e.CategoryName))
	}) {
		return false
	}
	if len(r.When.CampaignIDs) > 0 && !slices.Contains(r.When.CampaignIDs, e.CampaignID) {
		return false
	}
	return true
}

// String names the rule in audit entries and event results.
func (r *Rule) String() string { return fmt.Sprintf("rule %d %q", r.ID, r.Name) }
