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

// sum is an SQL expression that adds up counts, each a scalar subquery,
// with its arguments: the summary reads all its counts in one statement,
// one round trip, instead of one statement a count. The zero sum is 0.
type sum struct {
	terms string // " + (subquery)" or " - (subquery)", one after the other
	args  []any
}

// add adds (sign 1) or subtracts (-1) a subquery.
func (e *sum) add(sign int, query string, args ...any) {
	op := " + "
	if sign < 0 {
		op = " - "
	}
	e.terms += op + "(" + query + ")"
	e.args = append(e.args, args...)
}

// sql is the expression.
func (e *sum) sql() string { return "0" + e.terms }

// dayCounter counts one account's tasks of one status by ranges of due_sort.
type dayCounter struct {
	dialect dialect
	account int64
	status  string
}

// count adds to e (sign 1) or subtracts from it (-1) how many tasks have
// due_sort in [lo, hi): all of them, or only the all-day ones. Whole days
// come from task_day_counts; the partial days at both ends are counted in
// the inbox indexes, so the work is two days of tasks at most, however
// many the account has.
func (c dayCounter) count(e *sum, sign int, allDayOnly bool, lo, hi int64) {
	if lo >= hi {
		return
	}
	first, last := dayOf(lo), dayOf(hi-1)
	if first == last {
		c.indexed(e, sign, allDayOnly, lo, hi)
		return
	}
	c.indexed(e, sign, allDayOnly, lo, (first+1)*dayMicros)
	c.indexed(e, sign, allDayOnly, last*dayMicros, hi)
	c.days(e, sign, allDayOnly, first+1, last)
}

// indexed counts in the tasks indexes. Pending tasks that are snoozed are
// counted under their own status, as in the day counts: the snoozed ones
// from the partial index tasks_snoozed (migration 00023), the others as
// every pending task of the range less those, so that neither count reads
// the rows of the (at most two) partial days, only index entries.
func (c dayCounter) indexed(e *sum, sign int, allDayOnly bool, lo, hi int64) {
	allDay := ""
	if allDayOnly {
		allDay = ` AND due_all_day = 1`
	}
	// The snoozed tasks' condition is the index's, literally, so that the
	// planner of a prepared statement can prove the index holds them.
	snoozed := `SELECT COUNT(*) FROM tasks` + c.dialect.indexedBy("tasks_snoozed") + ` WHERE snoozed_until IS NOT NULL
		AND account_id = ? AND status = ? AND due_sort >= ? AND due_sort < ?` + allDay
	all := `SELECT COUNT(*) FROM tasks WHERE account_id = ? AND status = ? AND due_sort >= ? AND due_sort < ?` + allDay
	switch c.status {
	case string(taskbox.StatusPending):
		e.add(sign, all, c.account, c.status, lo, hi)
		e.add(-sign, snoozed, c.account, c.status, lo, hi)
	case string(statusSnoozed):
		e.add(sign, snoozed, c.account, string(taskbox.StatusPending), lo, hi)
	default:
		e.add(sign, all, c.account, c.status, lo, hi)
	}
}

// days adds up the day counts of days [from, to).
func (c dayCounter) days(e *sum, sign int, allDayOnly bool, from, to int64) {
	if from >= to {
		return
	}
	query := `SELECT COALESCE(SUM(n), 0) FROM task_day_counts WHERE account_id = ? AND status = ? AND day >= ? AND day < ?`
	if allDayOnly {
		query += ` AND due_all_day = 1`
	}
	e.add(sign, query, c.account, c.status, from, to)
}
