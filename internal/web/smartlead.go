package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// smartLeadData is the SmartLead settings page: the integration's state,
// the URL when it was just made, the rules and the last events received.
type smartLeadData struct {
	Setup   *taskbox.SmartLeadSetup
	Since   string // when the URL was made, in the visitor's zone
	URL     string // shown once, right after it is made
	Admin   bool
	Events  []inboundView
	Rules   []ruleView
	Members []*taskbox.Member
	APIBody string // the body of SmartLead's POST /campaigns/{id}/webhooks
}

// inboundView is a received event as the page lists it.
type inboundView struct {
	*taskbox.InboundEvent
	At string
}

// ruleView is a rule as the page shows it, with its edit form.
type ruleView struct {
	*taskbox.Rule
	Title          string // the saved rule's name (the form may hold another)
	On, When, Then string // the saved rule in words
	Kind           string // create, upgrade, complete, snooze
	Task           *taskbox.RuleTask
	Assignee       string // lead_owner, round_robin, none or the member's id
	Categories     string
	ByCategory     bool // on LEAD_CATEGORY_UPDATED: its categories can be edited
	Errors         map[string]string
	Open           bool // the edit form opens: it has errors
}

// smartLeadEventsShown is how many received events the page lists.
const smartLeadEventsShown = 50

func (s *Server) handleSmartLeadPage(w http.ResponseWriter, r *http.Request, v *visit) {
	s.renderSmartLead(w, r, v, http.StatusOK, "", nil)
}

// renderSmartLead renders the page; url is a URL just made, edited the
// rule whose form came back with errors.
func (s *Server) renderSmartLead(w http.ResponseWriter, r *http.Request, v *visit, status int, url string, edited *ruleView) {
	ctx := r.Context()
	d := smartLeadData{URL: url, Admin: v.Actor.IsAdmin()}
	var err error
	if d.Setup, err = s.SmartLead.SmartLeadSetup(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Setup.RotatedAt != nil {
		d.Since = d.Setup.RotatedAt.In(v.Zone).Format("Mon 2 Jan 2006 15:04")
	}
	events, err := s.SmartLead.ListSmartLeadEvents(ctx, smartLeadEventsShown, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range events.Events {
		d.Events = append(d.Events, inboundView{InboundEvent: e, At: e.ReceivedAt.In(v.Zone).Format("2 Jan 15:04:05")})
	}
	rules, err := s.Rules.ListRules(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Members, err = s.Members.ListMembers(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rule := range rules {
		rv := newRuleView(rule, d.Members)
		if edited != nil && edited.ID == rule.ID {
			rv = *edited
		}
		d.Rules = append(d.Rules, rv)
	}
	hookURL := url
	if hookURL == "" {
		hookURL = "YOUR_TASKBOX_URL"
	}
	body, _ := json.MarshalIndent(struct {
		ID         *int64   `json:"id"`
		Name       string   `json:"name"`
		URL        string   `json:"webhook_url"`
		EventTypes []string `json:"event_types"`
		Categories []string `json:"categories"`
	}{nil, "Replies to taskbox", hookURL, taskbox.SmartLeadEventTypes, smartLeadCategories}, "", "  ")
	d.APIBody = string(body)
	s.render(w, status, "smartlead", layoutData{Title: "SmartLead", CSRF: v.CSRF, Actor: v.Actor, Page: d,
		Flash: takeFlash(w, r), Return: "/settings/smartlead"})
}

// smartLeadCategories are the categories the default rules act on, for
// the webhook's "categories".
var smartLeadCategories = []string{"Interested", "Meeting Request", "Information Request", "Not Interested",
	"Do Not Contact", "Wrong Person", "Out Of Office", "Sender Originated Bounce"}

// newRuleView says a rule in words.
func newRuleView(r *taskbox.Rule, members []*taskbox.Member) ruleView {
	v := ruleView{Rule: r, On: strings.Join(r.On, ", "), Categories: strings.Join(r.When.Categories, ", "),
		ByCategory: slices.Contains(r.On, taskbox.SLLeadCategoryUpdated), Title: r.Name}
	var when []string
	if len(r.When.Categories) > 0 {
		when = append(when, "category is "+strings.Join(r.When.Categories, ", "))
	}
	if len(r.When.CampaignIDs) > 0 {
		var ids []string
		for _, id := range r.When.CampaignIDs {
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		when = append(when, "campaign "+strings.Join(ids, ", "))
	}
	v.When = strings.Join(when, "; ")
	t := r.Then
	switch {
	case t.CreateTask != nil:
		v.Kind, v.Task = "create", t.CreateTask
		v.Then = "create " + taskWords(t.CreateTask, members)
	case t.UpgradeOpenTask != nil:
		u := t.UpgradeOpenTask
		v.Kind = "upgrade"
		v.Then = "make the open task " + priorityWord(u.Priority)
		if u.Due != "" {
			v.Then += ", due within " + durationWords(u.Due)
		}
		if u.Create != nil {
			v.Task = u.Create
			v.Then += "; when none is open, create " + taskWords(u.Create, members)
		}
	case t.CompleteOpenTasks:
		v.Kind, v.Then = "complete", "complete the open tasks"
	case t.SnoozeOpenTasks != "":
		v.Kind, v.Then = "snooze", "snooze the open tasks for "+durationWords(t.SnoozeOpenTasks)
	}
	if v.Task != nil {
		kind, id, _ := v.Task.AssigneeKind()
		v.Assignee = kind
		if kind == "member" {
			v.Assignee = strconv.FormatInt(id, 10)
		}
	}
	return v
}

// taskWords says a create_task action.
func taskWords(c *taskbox.RuleTask, members []*taskbox.Member) string {
	s := fmt.Sprintf("“%s”, %s", c.Name, priorityWord(c.Priority))
	if c.Due != "" {
		s += ", due in " + durationWords(c.Due)
		if c.BusinessHours {
			s += " of working hours"
		}
	}
	switch kind, id, _ := c.AssigneeKind(); kind {
	case "lead_owner":
		s += ", for the lead's owner"
	case "round_robin":
		s += ", for the team in turn"
	case "member":
		name := fmt.Sprintf("member %d", id)
		if i := slices.IndexFunc(members, func(m *taskbox.Member) bool { return m.ID == id }); i >= 0 {
			name = members[i].Name
		}
		s += ", for " + name
	default:
		s += ", unassigned"
	}
	return s
}

// durationWords says an ISO 8601 duration in words: PT4H is "4 hours",
// P1DT2H30M "1 day 2 hours 30 minutes". One it cannot read is shown as is.
func durationWords(iso string) string {
	d, ok := taskbox.ParseDuration(iso)
	if !ok || d <= 0 {
		return iso
	}
	var parts []string
	for _, u := range []struct {
		name string
		size time.Duration
	}{{"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}, {"second", time.Second}} {
		if n := d / u.size; n > 0 {
			d -= n * u.size
			word := u.name
			if n > 1 {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	return strings.Join(parts, " ")
}

// handleConnectSmartLead makes or rotates the URL, and shows it once.
func (s *Server) handleConnectSmartLead(w http.ResponseWriter, r *http.Request, v *visit) {
	secret := strings.TrimSpace(r.PostForm.Get("secret_key"))
	if !taskbox.SmartLeadSecretFits(secret) {
		s.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("Keep the secret key to %d characters.", taskbox.MaxSmartLeadSecretLen))
		return
	}
	integ, err := s.SmartLead.ConnectSmartLead(r.Context(), &secret)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Rendered, not redirected: the URL is shown only in this answer.
	s.renderSmartLead(w, r, v, http.StatusOK, taskbox.SmartLeadHookURL(s.BaseURL, r.TLS != nil, r.Host, integ.Token), nil)
}

// ruleFromPath finds the rule of the path among the account's.
func (s *Server) ruleFromPath(r *http.Request) (*taskbox.Rule, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil && id > 0 {
		rules, err := s.Rules.ListRules(r.Context())
		if err != nil {
			return nil, err
		}
		if i := slices.IndexFunc(rules, func(x *taskbox.Rule) bool { return x.ID == id }); i >= 0 {
			return rules[i], nil
		}
	}
	return nil, taskbox.Errorf(taskbox.ENOTFOUND, "Rule not found.")
}

// handleRuleEnabled turns a rule on or off.
func (s *Server) handleRuleEnabled(w http.ResponseWriter, r *http.Request, v *visit) {
	rule, err := s.ruleFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	on := r.PostForm.Get("enabled") == "on"
	if _, err := s.Rules.UpdateRule(r.Context(), rule.ID, &taskbox.RulePatch{Enabled: &on}); err != nil {
		s.fail(w, r, err)
		return
	}
	word := "off"
	if on {
		word = "on"
	}
	setFlash(w, r, flash{Message: fmt.Sprintf("Rule %s is %s.", quoted(rule.Name), word)})
	http.Redirect(w, r, fmt.Sprintf("/settings/smartlead#rule-%d", rule.ID), http.StatusSeeOther)
}

// handleEditRule changes a rule from its form: its name, categories, and
// its action's priority, due time, working hours, assignee, task name or
// snooze. A refused change comes back with its errors under the fields.
func (s *Server) handleEditRule(w http.ResponseWriter, r *http.Request, v *visit) {
	rule, err := s.ruleFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var d struct{ Members []*taskbox.Member }
	if d.Members, err = s.Members.ListMembers(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	name := f.Get("name")
	patch := &taskbox.RulePatch{Name: &name}
	if slices.Contains(rule.On, taskbox.SLLeadCategoryUpdated) {
		when := rule.When
		when.Categories = nil
		for _, c := range strings.Split(f.Get("categories"), ",") {
			if c = strings.TrimSpace(c); c != "" {
				when.Categories = append(when.Categories, c)
			}
		}
		patch.When = &when
	}
	then := editedThen(rule.Then, f)
	patch.Then = &then
	if _, err := s.Rules.UpdateRule(r.Context(), rule.ID, patch); err != nil {
		errs, ok := ruleErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		// The form comes back as typed, with its errors.
		typed := *rule
		patch.Apply(&typed)
		rv, saved := newRuleView(&typed, nil), newRuleView(rule, d.Members)
		rv.Title, rv.On, rv.When, rv.Then = saved.Title, saved.On, saved.When, saved.Then
		rv.Categories = f.Get("categories")
		rv.Errors, rv.Open = errs, true
		s.renderSmartLead(w, r, v, http.StatusUnprocessableEntity, "", &rv)
		return
	}
	setFlash(w, r, flash{Message: fmt.Sprintf("Rule %s saved.", quoted(name))})
	http.Redirect(w, r, fmt.Sprintf("/settings/smartlead#rule-%d", rule.ID), http.StatusSeeOther)
}

// editedThen is the rule's action with the form's values.
func editedThen(t taskbox.RuleThen, f map[string][]string) taskbox.RuleThen {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	task := func(c *taskbox.RuleTask) *taskbox.RuleTask {
		n := *c
		n.Name, n.Priority, n.Due = get("task_name"), taskbox.Priority(get("priority")), get("due")
		n.BusinessHours = get("business_hours") == "on"
		switch a := get("assignee"); a {
		case "lead_owner", "round_robin":
			n.Assignee = json.RawMessage(`"` + a + `"`)
		case "none", "":
			n.Assignee = json.RawMessage(`null`)
		default:
			n.Assignee = json.RawMessage(strconv.Quote(a))
		}
		return &n
	}
	switch {
	case t.CreateTask != nil:
		t.CreateTask = task(t.CreateTask)
	case t.UpgradeOpenTask != nil:
		u := *t.UpgradeOpenTask
		u.Priority, u.Due = taskbox.Priority(get("upgrade_priority")), get("upgrade_due")
		if u.Create != nil {
			u.Create = task(u.Create)
		}
		t.UpgradeOpenTask = &u
	case t.SnoozeOpenTasks != "":
		t.SnoozeOpenTasks = get("snooze")
	}
	return t
}

// ruleErrors maps a refused rule's fields onto the form's inputs.
func ruleErrors(err error) (map[string]string, bool) {
	var e *taskbox.Error
	if !errors.As(err, &e) || e.Code != taskbox.EINVALID {
		return nil, false
	}
	out := map[string]string{}
	for _, d := range e.Details {
		field, msg := d.Field, d.Message
		input := field
		switch {
		case field == "name":
		case strings.HasPrefix(field, "when."):
			input = "categories"
		case strings.HasSuffix(field, ".name"):
			input = "task_name"
		case strings.HasPrefix(field, "then.upgrade_open_task.priority"):
			input = "upgrade_priority"
		case strings.HasPrefix(field, "then.upgrade_open_task.due"):
			input = "upgrade_due"
		case strings.HasSuffix(field, ".priority"):
			input = "priority"
		case strings.HasSuffix(field, ".due"):
			input = "due"
		case strings.HasSuffix(field, ".assignee"):
			input = "assignee"
		case field == "then.snooze_open_tasks":
			input = "snooze"
		default:
			input = "rule"
		}
		if _, taken := out[input]; !taken {
			out[input] = "It " + strings.TrimSuffix(msg, ".") + "."
		}
	}
	return out, true
}
