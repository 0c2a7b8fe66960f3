package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// apply carries out one matching rule's action, as the rule (its audit
// entries name it).
func (p *processing) apply(ctx context.Context, r *taskbox.Rule) error {
	actor := &taskbox.Actor{Account: p.account, RuleID: r.ID, KeyName: "rule: " + r.Name}
	switch t := r.Then; {
	case t.CreateTask != nil:
		return p.createTask(ctx, actor, r, t.CreateTask)
	case t.UpgradeOpenTask != nil:
		return p.upgrade(ctx, actor, r, t.UpgradeOpenTask)
	case t.CompleteOpenTasks:
		return p.completeOpen(ctx, actor, r)
	case t.SnoozeOpenTasks != "":
		return p.snoozeOpen(ctx, actor, r, t.SnoozeOpenTasks)
	}
	return nil
}

// openRuleTask returns the newest open task a rule made on the lead map, 0
// when there is none.
func (p *processing) openRuleTask(ctx context.Context) (int64, error) {
	var id int64
	err := p.tx.queryRow(ctx, `SELECT t.id FROM smartlead_rule_tasks rt JOIN tasks t ON t.id = rt.task_id
		WHERE rt.lead_map_id = ? AND t.status = ? ORDER BY t.id DESC LIMIT 1`, p.leadMapID, string(taskbox.StatusPending)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func (p *processing) vars() map[string]string {
	v := map[string]string{"lead.email": p.lead.Email, "campaign.name": p.campaign, "category": p.e.CategoryName,
		"lead.first_name": "", "lead.last_name": "", "lead.company_name": "", "reply.text": "", "step": ""}
	for k, s := range map[string]*string{"lead.first_name": p.lead.FirstName, "lead.last_name": p.lead.LastName,
		"lead.company_name": p.lead.CompanyName} {
		if s != nil {
			v[k] = *s
		}
	}
	if p.e.Reply != nil {
		v["reply.text"] = p.e.Reply.Text
	}
	if p.e.Step > 0 {
		v["step"] = strconv.FormatInt(p.e.Step, 10)
	}
	return v
}

// createTask makes the rule's task, unless a rule's task is open on the
// lead map already: none is made twice.
func (p *processing) createTask(ctx context.Context, actor *taskbox.Actor, r *taskbox.Rule, rt *taskbox.RuleTask) error {
	if open, err := p.openRuleTask(ctx); err != nil || open != 0 {
		if open != 0 {
			p.say("%s: task %d is open already, none made", r, open)
		}
		return err
	}
	vars := p.vars()
	c := &taskbox.TaskCreate{LeadMapID: p.leadMapID, Name: clip(taskbox.Render(rt.Name, vars), 255), Priority: rt.Priority}
	if strings.TrimSpace(c.Name) == "" {
		c.Name = "SmartLead " + p.e.EventType
	}
	if rt.Description != nil {
		d := clip(taskbox.Render(*rt.Description, vars), 10000)
		c.Description = &d
	}
	kind, memberID, _ := rt.AssigneeKind()
	switch kind {
	case "none":
		c.AssigneeSet = true
	case "member":
		if _, err := assignee(ctx, p.tx, p.account.ID, memberID, "assignee_id"); err != nil {
			p.say("%s: member %d is not on the team, task left unassigned", r, memberID)
			memberID = 0
		}
		c.AssigneeSet, c.AssigneeID = true, memberID
	case "round_robin":
		id, err := p.nextMember(ctx)
		if err != nil {
			return err
		}
		c.AssigneeSet, c.AssigneeID = true, id
	case "lead_owner":
		memberID = p.owner.Int64 // the task takes its lead map's owner
	}
	who := memberID
	if c.AssigneeSet {
		who = c.AssigneeID
	}
	if rt.Due != "" {
		d, _ := taskbox.ParseDuration(rt.Due)
		due, err := p.dueIn(ctx, d, rt.BusinessHours, who)
		if err != nil {
			return err
		}
		s := due.Format(time.RFC3339)
		c.DueDate = &s
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe, p.account.Location(), ""); fe != nil {
		return fe.Err()
	}
	t, err := createTask(ctx, p.tx, actor, c)
	if err != nil {
		return err
	}
	if _, err := p.tx.exec(ctx, `INSERT INTO smartlead_rule_tasks (task_id, account_id, lead_map_id, rule_id) VALUES (?, ?, ?, ?)`,
		t.ID, p.account.ID, p.leadMapID, r.ID); err != nil {
		return err
	}
	p.say("%s: created task %d", r, t.ID)
	return nil
}

// clip trims s, folds runs of spaces (a template's empty value leaves
// two) and cuts it to n characters.
func clip(s string, n int) string {
	s = taskbox.TrimText(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " "))
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// dueIn is now plus d, counted in the member's working hours when
// business is set (see workingHours).
func (p *processing) dueIn(ctx context.Context, d time.Duration, business bool, memberID int64) (time.Time, error) {
	now := p.tx.now.Time.Truncate(time.Second)
	if !business {
		return now.Add(d), nil
	}
	wh, err := workingHours(ctx, p.tx, p.account, memberID)
	if err != nil {
		return time.Time{}, err
	}
	return wh.Add(now, d), nil
}

// nextMember takes the next member in turn: the account's active members
// with an email (the people who work tasks; the Owner that an account
// starts with has none), all active members when none has one.
func (p *processing) nextMember(ctx context.Context) (int64, error) {
	tx := p.tx
	var last sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT rr_member_id FROM smartlead_integrations WHERE account_id = ?`+tx.dialect.lockRow(), p.account.ID).Scan(&last); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	rows, err := tx.query(ctx, `SELECT id, email FROM team_members WHERE account_id = ? AND removed_at IS NULL ORDER BY id`, p.account.ID)
	if err != nil {
		return 0, err
	}
	var all, people []int64
	for rows.Next() {
		var id int64
		var email sql.NullString
		if err := rows.Scan(&id, &email); err != nil {
			rows.Close()
			return 0, err
		}
		all = append(all, id)
		if email.Valid && email.String != "" {
			people = append(people, id)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, err
	}
	if len(people) == 0 {
		people = all
	}
	if len(people) == 0 {
		return 0, nil
	}
	next := people[0]
	for _, id := range people {
		if id > last.Int64 {
			next = id
			break
		}
	}
	_, err = tx.exec(ctx, `UPDATE smartlead_integrations SET rr_member_id = ? WHERE account_id = ?`, next, p.account.ID)
	return next, err
}

// upgrade raises the lead map's open rule task to the rule's priority and
// an earlier due time; with none open it creates one (when the rule says
// how).
func (p *processing) upgrade(ctx context.Context, actor *taskbox.Actor, r *taskbox.Rule, u *taskbox.RuleUpgrade) error {
	id, err := p.openRuleTask(ctx)
	if err != nil {
		return err
	}
	if id == 0 {
		if u.Create != nil {
			return p.createTask(ctx, actor, r, u.Create)
		}
		p.say("%s: no open task to upgrade", r)
		return nil
	}
	t, err := findTask(ctx, p.tx, p.account.ID, id, true)
	if err != nil {
		return err
	}
	up := &taskbox.TaskUpdate{Priority: &u.Priority}
	if u.Due != "" {
		d, _ := taskbox.ParseDuration(u.Due)
		memberID := int64(0)
		if t.Assignee != nil {
			memberID = t.Assignee.ID
		}
		at, err := p.dueIn(ctx, d, false, memberID)
		if err != nil {
			return err
		}
		if t.Due == nil || t.Due.AllDay || at.Before(t.Due.At) {
			up.DueDateSet, up.Due = true, &taskbox.Due{At: at.UTC()}
		}
	}
	if err := updateTask(ctx, p.tx, actor, t, up); err != nil {
		return err
	}
	p.say("%s: upgraded task %d", r, id)
	return nil
}

// openTasks returns the lead map's pending tasks.
func (p *processing) openTasks(ctx context.Context) ([]*taskbox.Task, error) {
	return queryTasks(ctx, p.tx, taskSelect+` WHERE t.lead_map_id = ? AND t.status = ? ORDER BY t.id`, p.leadMapID, string(taskbox.StatusPending))
}

func (p *processing) completeOpen(ctx context.Context, actor *taskbox.Actor, r *taskbox.Rule) error {
	tasks, err := p.openTasks(ctx)
	if err != nil {
		return err
	}
	done := taskbox.StatusCompleted
	for _, t := range tasks {
		if err := updateTask(ctx, p.tx, actor, t, &taskbox.TaskUpdate{Status: &done}); err != nil {
			return err
		}
	}
	p.say("%s: completed %d open task(s)", r, len(tasks))
	return nil
}

// snoozeOpen snoozes the lead map's open tasks for dur from now, as a
// snooze through the API does (updateTask): an audit entry and
// TASK_UPDATED each, the day counts, and the unsnooze timer that brings
// them back with TASK_UNSNOOZED. A task snoozed already is snoozed anew
// until then.
func (p *processing) snoozeOpen(ctx context.Context, actor *taskbox.Actor, r *taskbox.Rule, dur string) error {
	tasks, err := p.openTasks(ctx)
	if err != nil {
		return err
	}
	d, _ := taskbox.ParseDuration(dur) // checked when the rule was stored
	until := p.tx.now.Add(d).UTC()
	for _, t := range tasks {
		if err := updateTask(ctx, p.tx, actor, t, &taskbox.TaskUpdate{SnoozeSet: true, SnoozedUntil: &until}); err != nil {
			return err
		}
	}
	p.say("%s: snoozed %d open task(s) until %s", r, len(tasks), until.Format(time.RFC3339))
	return nil
}
