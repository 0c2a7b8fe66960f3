package store

import (
	"context"

	taskbox "github.com/taskboxhq/taskbox"
)

// dayMicros is one day of due_sort, the width of a task_day_counts bucket.
const dayMicros = 86_400_000_000

// dayOf is the bucket of a due_sort: days since the epoch, rounded down.
func dayOf(dueSort int64) int64 {
	d := dueSort / dayMicros
	if dueSort%dayMicros < 0 {
		d--
	}
	return d
}

// statusSnoozed is the day counts' status of a pending task that is
// snoozed, so that the summary's sections, which count status pending,
// leave it out.
const statusSnoozed taskbox.Status = "snoozed"

// countStatus is the status a task is counted under.
func countStatus(t *taskbox.Task) taskbox.Status {
	if t.Status == taskbox.StatusPending && t.SnoozedUntil != nil {
		return statusSnoozed
	}
	return t.Status
}

// countTask adds delta to the day count of a task with this status and due
// date, in the transaction that changes the task; the change is gathered
// and written once per day at the batch's end (see dayCounts).
func countTask(_ context.Context, tx *Tx, accountID int64, status taskbox.Status, due *taskbox.Due, delta int) error {
	_, sort, allDay := dueColumns(due)
	tx.counts.add(dayKey{accountID, string(status), allDay, dayOf(sort)}, delta)
	return nil
}

// dayCounter counts one account's tasks of one status by ranges of due_sort.
type dayCounter struct {
	ctx     context.Context
	tx      *Tx
	account int64
	status  string
}

// count returns how many tasks have due_sort in [lo, hi): all of them, or
// only the all-day ones. Whole days come from task_day_counts; the partial
// days at both ends are counted in the inbox indexes, so the work is two
// days of tasks at most, however many the account has.
func (c dayCounter) count(allDayOnly bool, lo, hi int64) (int, error) {
	if lo >= hi {
		return 0, nil
	}
	first, last := dayOf(lo), dayOf(hi-1)
	if first == last {
		return c.indexed(allDayOnly, lo, hi)
	}
	head, err := c.indexed(allDayOnly, lo, (first+1)*dayMicros)
	if err != nil {
		return 0, err
	}
	tail, err := c.indexed(allDayOnly, last*dayMicros, hi)
	if err != nil {
		return 0, err
	}
	middle, err := c.days(allDayOnly, first+1, last)
	return head + middle + tail, err
}

// indexed counts in the tasks indexes. Pending tasks that are snoozed are
// counted under their own status, as in the day counts: the snoozed ones
// from the partial index tasks_snoozed (migration 00023), the others as
// every pending task of the range less those, so that neither count reads
// the rows of the (at most two) partial days, only index entries.
func (c dayCounter) indexed(allDayOnly bool, lo, hi int64) (int, error) {
	allDay := ""
	if allDayOnly {
		allDay = ` AND due_all_day = 1`
	}
	// The snoozed tasks' condition is the index's, literally, so that the
	// planner of a prepared statement can prove the index holds them.
	snoozed := `(SELECT COUNT(*) FROM tasks` + c.tx.dialect.indexedBy("tasks_snoozed") + ` WHERE snoozed_until IS NOT NULL
		AND account_id = ? AND status = ? AND due_sort >= ? AND due_sort < ?` + allDay + `)`
	all := `(SELECT COUNT(*) FROM tasks WHERE account_id = ? AND status = ? AND due_sort >= ? AND due_sort < ?` + allDay + `)`
	var query string
	var args []any
	switch c.status {
	case string(taskbox.StatusPending):
		query, args = `SELECT `+all+` - `+snoozed, []any{c.account, c.status, lo, hi, c.account, c.status, lo, hi}
	case string(statusSnoozed):
		query, args = `SELECT `+snoozed, []any{c.account, string(taskbox.StatusPending), lo, hi}
	default:
		query, args = `SELECT `+all, []any{c.account, c.status, lo, hi}
	}
	var n int
	err := c.tx.queryRow(c.ctx, query, args...).Scan(&n)
	return n, err
}

// days adds up the day counts of days [from, to).
func (c dayCounter) days(allDayOnly bool, from, to int64) (int, error) {
	if from >= to {
		return 0, nil
	}
	query := `SELECT COALESCE(SUM(n), 0) FROM task_day_counts WHERE account_id = ? AND status = ? AND day >= ? AND day < ?`
	if allDayOnly {
		query += ` AND due_all_day = 1`
	}
	var n int
	err := c.tx.queryRow(c.ctx, query, c.account, c.status, from, to).Scan(&n)
	return n, err
}
