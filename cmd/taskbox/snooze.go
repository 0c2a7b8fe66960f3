package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
)

func (m *Main) tasksSnoozeCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "snooze ID WHEN",
		Short: "Hide a task from the inbox until a time",
		Long: `Snooze a pending task: it leaves the inbox, its counts and its sections
until WHEN, its due date unchanged, and comes back then (a TASK_UNSNOOZED
webhook event). WHEN is a date-time (2025-12-15T09:00:00Z, with an offset, or
without one in the account's zone), a date (09:00 that day in the zone of the
key's member, else the account's), or a time from now: 90m, 4h, 3d.` + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(2)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			until, err := snoozeWhen(args[1], time.Now())
			if err != nil {
				return err
			}
			t, err := cl.SnoozeTask(cmd.Context(), id, until)
			if err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
}

// snoozeWhen turns a time from now (90m, 4h, 3d) into a date-time; any
// other WHEN goes to the server as it is, which says what it accepts.
func snoozeWhen(when string, now time.Time) (string, error) {
	w := strings.TrimSpace(when)
	if n, err := strconv.Atoi(strings.TrimSuffix(w, "d")); err == nil && strings.HasSuffix(w, "d") {
		if n <= 0 {
			return "", usageError(fmt.Errorf("WHEN must be in the future"))
		}
		return now.AddDate(0, 0, n).UTC().Format(time.RFC3339), nil
	}
	if d, err := time.ParseDuration(w); err == nil {
		if d <= 0 {
			return "", usageError(fmt.Errorf("WHEN must be in the future"))
		}
		return now.Add(d).UTC().Format(time.RFC3339), nil
	}
	return w, nil
}

func (m *Main) tasksUnsnoozeCommand(r *remote) *cobra.Command {
	return &cobra.Command{
		Use:   "unsnooze ID",
		Short: "Bring a snoozed task back into the inbox now",
		Long:  "Bring a snoozed task back into the inbox now.\n" + remoteHelp,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: remoteRun(func(cmd *cobra.Command, args []string) error {
			id, cl, err := r.idClient(cmd, args[0], "task")
			if err != nil {
				return err
			}
			var t *taskbox.Task
			if t, err = cl.UnsnoozeTask(cmd.Context(), id); err != nil {
				return err
			}
			return m.showTask(r, t)
		}),
	}
}
