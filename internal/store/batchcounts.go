package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// dayKey names one row of task_day_counts.
type dayKey struct {
	account int64
	status  string
	allDay  int
	day     int64
}

// dayCounts gathers the day-count changes of a group-committed batch, so
// that the batch writes each row once, at its end, instead of once per
// task: when many creates share a due day they all change one row, and on
// PostgreSQL each change would lock it until the commit. A request's
// changes join the batch's only if the request succeeds.
type dayCounts struct {
	batch, request map[dayKey]int
}

func newDayCounts() *dayCounts {
	return &dayCounts{batch: map[dayKey]int{}, request: map[dayKey]int{}}
}

func (c *dayCounts) add(k dayKey, delta int) { c.request[k] += delta }

// settle ends a request: its changes join the batch's when it succeeded,
// and are dropped when it rolled back.
func (c *dayCounts) settle(ok bool) {
	if ok {
		for k, d := range c.request {
			c.batch[k] += d
		}
	}
	clear(c.request)
}

// write writes the batch's changes in the order of their keys, so that
// two servers' batches lock shared rows in one order and never deadlock
// on them.
func (c *dayCounts) write(ctx context.Context, tx *Tx) error {
	keys := slices.SortedFunc(maps.Keys(c.batch), func(a, b dayKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.status, b.status),
			cmp.Compare(a.allDay, b.allDay), cmp.Compare(a.day, b.day))
	})
	for _, k := range keys {
		if d := c.batch[k]; d != 0 {
			if err := writeCount(ctx, tx, k, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// laterRows gathers the rows of a group-committed batch that no later
// statement of the batch reads, so that the batch inserts them at its end
// with one statement per many rows instead of one per row: each statement
// costs the writer more than the row it adds (on PostgreSQL, a round trip).
// They are the audit entries (task_events) and the timers of new tasks: a
// client learns a new task's id only after the commit, so a request of a
// batch names a task another request of it creates only by guessing its
// id, and then the order of their audit rows still holds (see timerInsert
// for its timer). Rows go in the order they
// were added, so that one task's entries keep the order of its changes. A
// request's rows join the batch's only if the request succeeds.
type laterRows struct {
	events, timers pendingRows
}

var (
	eventInsert = newRowInsert(`INSERT INTO task_events (account_id, task_id, type, actor, at, changes, task, outbox)`, 8, "")
	// A new task's first timer. A change to the task in the same batch
	// (its id guessed) may have written the row already: that one stands,
	// and fireDue disarms a timer the task no longer matches.
	timerInsert = newRowInsert(`INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key)`, 8,
		` ON CONFLICT (kind, subject_id, slot) DO NOTHING`)
)

func newLaterRows() *laterRows {
	return &laterRows{events: pendingRows{insert: eventInsert}, timers: pendingRows{insert: timerInsert}}
}

func (l *laterRows) settle(ok bool) {
	l.events.settle(ok)
	l.timers.settle(ok)
}

func (l *laterRows) write(ctx context.Context, tx *Tx) error {
	if err := l.events.write(ctx, tx); err != nil {
		return fmt.Errorf("insert task events: %w", err)
	}
	if err := l.timers.write(ctx, tx); err != nil {
		return fmt.Errorf("insert due timers: %w", err)
	}
	return nil
}

// rowChunks are the numbers of rows one statement inserts, largest first:
// a few fixed texts, each prepared once, rather than one per batch size.
var rowChunks = [...]int{64, 16, 4, 1}

// rowInsert is an INSERT of cols columns, with its statement for each
// chunk size.
type rowInsert struct {
	cols  int
	texts [len(rowChunks)]string
}

func newRowInsert(into string, cols int, suffix string) *rowInsert {
	r := &rowInsert{cols: cols}
	row := "(" + placeholders(cols) + ")"
	for i, n := range rowChunks {
		r.texts[i] = into + " VALUES " + strings.Repeat(row+", ", n-1) + row + suffix
	}
	return r
}

// one is the statement that inserts one row.
func (r *rowInsert) one() string { return r.texts[len(rowChunks)-1] }

// pendingRows are the rows of one rowInsert, as their arguments in order.
type pendingRows struct {
	insert         *rowInsert
	batch, request []any
}

func (p *pendingRows) add(args ...any) { p.request = append(p.request, args...) }

func (p *pendingRows) settle(ok bool) {
	if ok {
		p.batch = append(p.batch, p.request...)
	}
	p.request = p.request[:0]
}

func (p *pendingRows) write(ctx context.Context, tx *Tx) error {
	rows, cols := p.batch, p.insert.cols
	for i, n := range rowChunks {
		for len(rows) >= n*cols {
			if _, err := tx.exec(ctx, p.insert.texts[i], rows[:n*cols]...); err != nil {
				return err
			}
			rows = rows[n*cols:]
		}
	}
	p.batch = p.batch[:0]
	return nil
}
