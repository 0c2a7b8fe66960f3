package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func (m *Main) outboxCommand() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "outbox",
		Short: "List, retry or drop the task changes that failed to dispatch to webhooks",
		Long: fmt.Sprintf(`A task change that cannot be turned into webhook deliveries (its stored
data is damaged, say) is tried again %d times in all, after %v and twice as long
each next time, then parked. Meanwhile the later changes of its task wait
behind it, so that receivers still get a task's events in order; every other
task's go on. A parked change waits for an admin: retry it (once fixed) or
drop it. See docs/operations.md.`, store.OutboxTries, store.OutboxFirstWait),
	})
	cmd.AddCommand(m.outboxListCommand(), m.outboxRetryCommand(), m.outboxDropCommand())
	return cmd
}

// outboxFailure is a failed task change as list --json prints it.
type outboxFailure struct {
	EventID       int64              `json:"event_id"`
	Event         string             `json:"event"`
	EventType     string             `json:"event_type"`
	AccountID     int64              `json:"account_id"`
	TaskID        int64              `json:"task_id"`
	State         string             `json:"state"`
	Tries         int                `json:"tries"`
	NextTryAt     *taskbox.Timestamp `json:"next_try_at"`
	ParkedAt      *taskbox.Timestamp `json:"parked_at"`
	FirstFailedAt taskbox.Timestamp  `json:"first_failed_at"`
	FailedAt      taskbox.Timestamp  `json:"failed_at"`
	Waiting       int64              `json:"waiting"`
	Error         string             `json:"error"`
}

func (m *Main) outboxListCommand() *cobra.Command {
	var jsonFlag bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the failed task changes: parked, or waiting for their next try",
		Long: `List the task changes that failed to dispatch, oldest first, in every account:
their id (for retry and drop), event, account, task, state (parked, or retrying
with the time of the next try), tries, how many later changes of the task wait
behind it, and the last error.
With --json one JSON object is printed: {"failures": [{"event_id", "event",
"event_type", "account_id", "task_id", "state", "tries", "next_try_at",
"parked_at", "first_failed_at", "failed_at", "waiting", "error"}]}.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			fs, err := db.OutboxFailures(cmd.Context())
			if err != nil {
				return cliError(err)
			}
			out := make([]outboxFailure, len(fs))
			for i, f := range fs {
				out[i] = outboxFailure{EventID: f.EventID, Event: "evt_" + strconv.FormatInt(f.EventID, 10), EventType: f.EventType,
					AccountID: f.AccountID, TaskID: f.TaskID, State: "retrying", Tries: f.Tries, NextTryAt: f.NextAt, ParkedAt: f.ParkedAt,
					FirstFailedAt: f.FirstFailedAt, FailedAt: f.FailedAt, Waiting: f.Waiting, Error: f.Error}
				if f.ParkedAt != nil {
					out[i].State = "parked"
				}
			}
			if jsonFlag {
				return printJSON(m.Stdout, map[string]any{"failures": out})
			}
			tw := table(m.Stdout, "ID", "EVENT", "ACCOUNT", "TASK", "STATE", "TRIES", "WAITING", "ERROR")
			for _, f := range out {
				state := "parked since "
				if f.ParkedAt != nil {
					state += f.ParkedAt.Format(time.RFC3339)
				} else {
					state = "next try " + f.NextTryAt.Format(time.RFC3339)
				}
				cells(tw, f.EventID, f.EventType, f.AccountID, f.TaskID, state, f.Tries, f.Waiting, f.Error)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	return cmd
}

func (m *Main) outboxRetryCommand() *cobra.Command {
	return m.outboxActionCommand("retry", "retrying",
		"Try a failed task change again at the next dispatch",
		`Try a failed task change again at the next dispatch of a running server
(within a second). Its tries are not reset: a parked change that fails once
more is parked again at once. Repair what made it fail first.`,
		func(db *store.DB, cmd *cobra.Command, id int64) error { return db.RetryOutbox(cmd.Context(), id) },
		"Task change %d will be tried again at the next dispatch.\n")
}

func (m *Main) outboxDropCommand() *cobra.Command {
	return m.outboxActionCommand("drop", "dropped",
		"Give up a failed task change: its webhook events are never sent",
		`Give up a failed task change: its webhook events are never sent, and the
later changes of its task go on. The change stays in the task's audit trail
(GET /api/v1/master-inbox/tasks/{id}/events).`,
		func(db *store.DB, cmd *cobra.Command, id int64) error { return db.DropOutbox(cmd.Context(), id) },
		"Task change %d dropped: its webhook events will not be sent.\n")
}

// outboxActionCommand makes retry or drop: one ID, done by do.
func (m *Main) outboxActionCommand(name, state, short, long string, do func(*store.DB, *cobra.Command, int64) error, done string) *cobra.Command {
	var jsonFlag bool
	cmd := &cobra.Command{
		Use:   name + " ID [--json]",
		Short: short,
		Long: long + `
ID is the change's id as taskbox outbox list prints it (17), or its event id
as receivers see it (evt_17).
With --json one JSON object is printed: {"event_id", "state": "` + state + `"}.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "evt_"), 10, 64)
			if err != nil || id <= 0 {
				return usageError(fmt.Errorf("ID must be a task change's id such as 17 or evt_17, not %q", args[0]))
			}
			db, err := m.openDB(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			if err := do(db, cmd, id); err != nil {
				return cliError(err)
			}
			if jsonFlag {
				return printJSON(m.Stdout, struct {
					EventID int64  `json:"event_id"`
					State   string `json:"state"`
				}{id, state})
			}
			fmt.Fprintf(m.Stdout, done, id)
			return nil
		},
	}
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "print one JSON object")
	return cmd
}
