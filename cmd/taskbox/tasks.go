package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

func (m *Main) tasksCommand() *cobra.Command {
	r := &remote{}
	cmd := &cobra.Command{
		Use:   "tasks",
		Short: "Work the inbox's tasks on a server",
		Long:  "Create, list, show, change, complete, reopen, snooze and delete tasks on a taskbox server.\n" + remoteHelp,
	}
	r.addRemoteFlags(group(cmd))
	cmd.AddCommand(m.tasksCreateCommand(r), m.tasksListCommand(r), m.tasksShowCommand(r), m.tasksUpdateCommand(r),
		m.tasksStatusCommand(r, "complete", taskbox.StatusCompleted), m.tasksStatusCommand(r, "reopen", taskbox.StatusPending),
		m.tasksDeleteCommand(r), m.tasksAssignCommand(r), m.tasksSnoozeCommand(r), m.tasksUnsnoozeCommand(r))
	return cmd
}

// showTask prints one task as the remote flags ask.
func (m *Main) showTask(r *remote, t *taskbox.Task) error {
	if r.JSON {
		return printJSON(m.Stdout, t)
	}
	return printTask(m.Stdout, t)
}

func (m *Main) tasksCreateCommand(r *remote) *cobra.Command {
	var (
		c                             taskbox.TaskCreate
		email, desc, prio, due, idKey string
		repeat, repeatFrom            string
		reminders                     []string
		campaign                      int64
	)
	cmd := &cobra.Command{
		Use:   "create (--lead-map ID | --email EMAIL [--campaign ID]) --name NAME",
		Short: "Create a task for a lead map",
		Long: `Create a task for one lead in one campaign: its lead map, given by id
(--lead-map) or found by the lead's email (--email; a lead in several
campaigns needs --campaign). --due takes 2025-12-15T09:00:00Z, a time with an
offset, a time without one (the account's zone) or a date (all day).
--repeat makes it recurring: an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=MO,TH;
completing it creates the next occurrence, due at the rule's next time after
the due time (--repeat-from due, the default) or after the completion.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			if (c.LeadMapID == 0) == (email == "") {
				return usageError(errors.New("give exactly one of --lead-map and --email"))
			}
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			if email != "" {
				if c.LeadMapID, err = findLeadMap(cmd, cl, email, campaign); err != nil {
					return err
				}
			}
			flags := cmd.Flags()
			if flags.Changed("description") {
				c.Description = &desc
			}
			if flags.Changed("due") {
				c.DueDate = &due
			}
			c.Priority = taskbox.Priority(strings.ToUpper(prio))
			if repeat != "" {
				c.Recurrence = &taskbox.Recurrence{Rule: repeat, From: repeatFrom}
			}
			c.Reminders = reminders
			if idKey != "" {
				c.Idempotency = &taskbox.Idempotency{Key: idKey}
			}
			t, err := cl.CreateTask(cmd.Context(), &c)
			if err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
	f := cmd.Flags()
	f.Int64Var(&c.LeadMapID, "lead-map", 0, "the lead map's id (email_lead_map_id)")
	f.StringVar(&email, "email", "", "find the lead map by the lead's email")
	f.Int64Var(&campaign, "campaign", 0, "with --email: the campaign of the lead map")
	f.StringVar(&c.Name, "name", "", "what to do (required)")
	f.StringVar(&desc, "description", "", "details")
	f.StringVar(&prio, "priority", "", "LOW, MEDIUM (the default) or HIGH")
	f.StringVar(&due, "due", "", "when it is due: a date-time or a date")
	f.StringVar(&idKey, "idempotency-key", "", "an Idempotency-Key, so that running the command again creates nothing (default: a random one)")
	f.StringVar(&repeat, "repeat", "", "make it recurring: an RRULE such as FREQ=WEEKLY;BYDAY=MO,TH")
	f.StringVar(&repeatFrom, "repeat-from", "", "with --repeat: due (the default) or completion")
	f.StringArrayVar(&reminders, "remind", nil, "a reminder before the due time, an ISO 8601 duration (PT15M, P1D); up to 5 times")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

// findLeadMap resolves a lead's email to its lead map: the only one, or the
// one in campaign (when not 0).
func findLeadMap(cmd *cobra.Command, cl *client.Client, email string, campaign int64) (int64, error) {
	lead, err := cl.FindLeadByEmail(cmd.Context(), email)
	if err != nil {
		return 0, err
	}
	id, msg, ambiguous := pickLeadMap(lead, campaign)
	switch {
	case ambiguous:
		return 0, usageError(fmt.Errorf("%s: %s", email, msg))
	case msg != "":
		return 0, taskbox.Errorf(taskbox.ENOTFOUND, "%s: %s", email, msg)
	}
	return id, nil
}

// pickLeadMap chooses the lead map of lead in campaign (0: its only one),
// or says why there is none to choose; ambiguous when --campaign would
// choose.
func pickLeadMap(lead *taskbox.Lead, campaign int64) (id int64, msg string, ambiguous bool) {
	var in []string
	for _, lc := range lead.LeadCampaignData {
		if campaign != 0 && lc.CampaignID == campaign {
			return lc.CampaignLeadMapID, "", false
		}
		in = append(in, strconv.FormatInt(lc.CampaignID, 10))
	}
	switch {
	case len(in) == 0:
		return 0, "the lead is in no campaign", false
	case campaign != 0:
		return 0, fmt.Sprintf("the lead is not in campaign %d (it is in %s)", campaign, strings.Join(in, ", ")), false
	case len(in) == 1:
		return lead.LeadCampaignData[0].CampaignLeadMapID, "", false
	}
	return 0, fmt.Sprintf("the lead is in campaigns %s; choose one with --campaign", strings.Join(in, ", ")), true
}

func (m *Main) tasksListCommand(r *remote) *cobra.Command {
	var (
		f                                           taskbox.TaskFilter
		prio, before, after, tz, assignee, category string
		all                                         bool
	)
	cmd := &cobra.Command{
		Use:   "list [flags]",
		Short: "List the inbox's tasks",
		Long: `List the inbox's tasks, one page (--limit, --cursor) or every page (--all).
By default the pending tasks, soonest due first. With --json one object is
printed: {"data": [tasks], "next_cursor": "…" or null}.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.NoArgs),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			if err := listFilter(&f, prio, before, after, tz); err != nil {
				return err
			}
			var msg string
			if f.Assignee, msg = taskbox.ParseAssigneeFilter(assignee); msg != "" {
				return usageError(fmt.Errorf("--assignee %s", msg))
			}
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			if category != "" {
				c, err := resolveCategory(cmd, cl, category)
				if err != nil {
					return err
				} else if c == nil {
					return usageError(fmt.Errorf("--category takes a category's id or name"))
				}
				f.LeadCategoryID = c.ID
			}
			page := &taskbox.TaskPage{}
			if all {
				for t, err := range cl.AllTasks(cmd.Context(), f) {
					if err != nil {
						return err
					}
					page.Tasks = append(page.Tasks, t)
				}
			} else if page, err = cl.ListTasks(cmd.Context(), f); err != nil {
				return err
			}
			if r.JSON {
				if page.Tasks == nil {
					page.Tasks = []*taskbox.Task{}
				}
				return printJSON(m.Stdout, map[string]any{"data": page.Tasks, "next_cursor": page.NextCursor})
			}
			if len(page.Tasks) == 0 {
				fmt.Fprintln(m.Stderr, "No tasks match.")
				return nil
			}
			if err := printTasks(m.Stdout, page.Tasks); err != nil {
				return err
			}
			if page.NextCursor != nil {
				fmt.Fprintf(m.Stderr, "More tasks: --cursor %s (or --all)\n", printable(*page.NextCursor))
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Status, "status", "", "pending (default), completed or all")
	fl.StringVar(&prio, "priority", "", "any of LOW, MEDIUM, HIGH, comma-separated")
	fl.StringVar(&f.Due, "due", "", "overdue, today, upcoming or none")
	fl.StringVar(&before, "due-before", "", "due before this date-time or date")
	fl.StringVar(&after, "due-after", "", "due at or after this date-time or date")
	fl.Int64Var(&f.LeadMapID, "lead-map", 0, "only this lead map's tasks")
	fl.Int64Var(&f.LeadID, "lead", 0, "only this lead's tasks")
	fl.Int64Var(&f.CampaignID, "campaign", 0, "only this campaign's tasks")
	fl.StringVar(&assignee, "assignee", "", "only the tasks of me (the key's team member), none (unassigned) or team member ids, comma-separated")
	fl.StringVar(&category, "category", "", "only the tasks whose lead map has this lead category (its id or name)")
	fl.StringVar(&f.Query, "search", "", "words in the name or description")
	fl.StringVar(&f.Sort, "sort", "", "due_date (default), priority, created_at; a leading - reverses")
	fl.IntVar(&f.Limit, "limit", 0, "tasks per page, 1-100 (default 20)")
	fl.StringVar(&f.Cursor, "cursor", "", "the next_cursor of the previous page")
	fl.StringVar(&tz, "tz", "", "IANA time zone of the due windows (default: the account's)")
	fl.BoolVar(&all, "all", false, "every page, not just the first")
	fl.StringVar(&f.Snoozed, "snoozed", "", "snoozed tasks: false (left out, the default), true (only them) or all")
	return cmd
}

// listFilter completes f from the flags that need parsing.
func listFilter(f *taskbox.TaskFilter, prio, before, after, tz string) error {
	for _, p := range strings.Split(prio, ",") {
		if p = strings.ToUpper(strings.TrimSpace(p)); p != "" {
			f.Priorities = append(f.Priorities, taskbox.Priority(p))
		}
	}
	for _, b := range []struct {
		flag, v string
		dest    **time.Time
	}{{"--due-before", before, &f.DueBefore}, {"--due-after", after, &f.DueAfter}} {
		if b.v == "" {
			continue
		}
		d, err := taskbox.ParseDue(b.v, time.UTC)
		if err != nil {
			return usageError(fmt.Errorf("%s %s", b.flag, taskbox.DueDateFormats))
		}
		*b.dest = &d.At
	}
	if tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			return usageError(fmt.Errorf("--tz must be an IANA time zone such as Europe/Berlin"))
		}
		f.Location = loc
	}
	return nil
}

func (m *Main) tasksShowCommand(r *remote) *cobra.Command {
	var events bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one task (and, with --events, its audit trail)",
		Long:  "Show one task; with --events, its audit trail, oldest first.\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			if events {
				evs, err := cl.ListTaskEvents(cmd.Context(), id)
				if err != nil {
					return err
				}
				if r.JSON {
					return printJSON(m.Stdout, evs)
				}
				tw := table(m.Stdout, "AT", "EVENT", "ACTOR", "CHANGES")
				for _, e := range evs {
					var ch []string
					for k, v := range e.Changes {
						ch = append(ch, fmt.Sprintf("%s: %v → %v", k, v.Old, v.New))
					}
					cells(tw, e.At, e.Type, e.Actor.Type+" "+strconv.FormatInt(e.Actor.ID, 10), strings.Join(ch, "; "))
				}
				return tw.Flush()
			}
			t, err := cl.FindTaskByID(cmd.Context(), id)
			if err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
	cmd.Flags().BoolVar(&events, "events", false, "show the audit trail instead")
	return cmd
}

func (m *Main) tasksUpdateCommand(r *remote) *cobra.Command {
	var (
		name, desc, prio, due, status string
		repeat, repeatFrom            string
		reminders                     []string
		clearDesc, clearDue, noRepeat bool
		noReminders                   bool
	)
	cmd := &cobra.Command{
		Use:   "update ID [--name …] [--description … | --clear-description] [--priority …] [--due … | --clear-due] [--status …] [--repeat RULE [--repeat-from …] | --no-repeat]",
		Short: "Change a task's fields",
		Long:  "Change the fields given; the others stay as they are.\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			fl := cmd.Flags()
			u := &taskbox.TaskUpdate{}
			if fl.Changed("name") {
				u.Name = &name
			}
			if fl.Changed("description") || clearDesc {
				u.DescriptionSet = true
				if !clearDesc {
					u.Description = &desc
				}
			}
			if fl.Changed("priority") {
				p := taskbox.Priority(strings.ToUpper(prio))
				u.Priority = &p
			}
			if fl.Changed("due") || clearDue {
				u.DueDateSet = true
				if !clearDue {
					u.DueDate = &due
				}
			}
			if fl.Changed("status") {
				s := taskbox.Status(status)
				u.Status = &s
			}
			if fl.Changed("remind") || noReminders {
				u.RemindersSet, u.Reminders = true, reminders
			}
			if fl.Changed("repeat") || noRepeat {
				u.RecurrenceSet = true
				if !noRepeat {
					u.Recurrence = &taskbox.Recurrence{Rule: repeat, From: repeatFrom}
				}
			}
			if u.Empty() {
				return usageError(errors.New("nothing to change: give at least one of the flags"))
			}
			t, err := cl.UpdateTask(cmd.Context(), id, u)
			if err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the new name")
	f.StringVar(&desc, "description", "", "the new description")
	f.BoolVar(&clearDesc, "clear-description", false, "remove the description")
	f.StringVar(&prio, "priority", "", "LOW, MEDIUM or HIGH")
	f.StringVar(&due, "due", "", "the new due date-time or date")
	f.BoolVar(&clearDue, "clear-due", false, "remove the due date")
	f.StringVar(&status, "status", "", "pending or completed")
	f.StringVar(&repeat, "repeat", "", "make it recurring: an RRULE such as FREQ=WEEKLY;BYDAY=MO,TH")
	f.StringVar(&repeatFrom, "repeat-from", "", "with --repeat: due (the default) or completion")
	f.BoolVar(&noRepeat, "no-repeat", false, "end its series: it no longer recurs")
	f.StringArrayVar(&reminders, "remind", nil, "its reminders (they replace the others): ISO 8601 durations before the due time")
	f.BoolVar(&noReminders, "no-reminders", false, "remove its reminders")
	cmd.MarkFlagsMutuallyExclusive("remind", "no-reminders")
	cmd.MarkFlagsMutuallyExclusive("repeat", "no-repeat")
	cmd.MarkFlagsMutuallyExclusive("description", "clear-description")
	cmd.MarkFlagsMutuallyExclusive("due", "clear-due")
	return cmd
}

func (m *Main) tasksStatusCommand(r *remote, verb string, status taskbox.Status) *cobra.Command {
	short := map[string]string{"complete": "Mark a task completed", "reopen": "Make a completed task pending again"}[verb]
	return &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Long:  short + ".\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			var t *taskbox.Task
			if status == taskbox.StatusCompleted {
				t, err = cl.CompleteTask(cmd.Context(), id)
			} else {
				t, err = cl.ReopenTask(cmd.Context(), id)
			}
			if err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
}

func (m *Main) tasksAssignCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "assign ID MEMBER",
		Short: "Assign a task to a team member (MEMBER an id, or none)",
		Long: `Assign a task to a team member of the account, given by its id (see
GET /api/v1/team-members or taskbox members list), or to nobody with none.
The change is an audit entry and a TASK_ASSIGNED event.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			u := &taskbox.TaskUpdate{AssigneeSet: true}
			if args[1] != "none" {
				if u.AssigneeID, err = positiveID(args[1], "team member"); err != nil {
					return err
				}
			}
			t, err := cl.UpdateTask(cmd.Context(), id, u)
			if err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
}

func (m *Main) tasksDeleteCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a task",
		Long:  "Delete a task: it leaves every view; its audit trail keeps its last state.\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			if err := cl.DeleteTask(cmd.Context(), id); err != nil {
				return err
			}
			if r.JSON {
				return printJSON(m.Stdout, map[string]any{"id": id, "deleted": true})
			}
			fmt.Fprintf(m.Stdout, "Deleted task %d.\n", id)
			return nil
		}),
	}
}
