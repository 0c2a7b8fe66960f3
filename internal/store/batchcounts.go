package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// dayKey names one day count: the rows of task_day_counts of every slot
// (see countSlot).
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

// rows are the batch's changes as countUpsert's rows of one slot, in the
// order of their keys, so that two batches that picked the same slot (of
// one server or of two) lock their shared rows in one order and never
// deadlock on them; the batch's changes are then cleared.
func (c *dayCounts) rows(slot int) rowSet {
	keys := slices.SortedFunc(maps.Keys(c.batch), func(a, b dayKey) int {
		return cmp.Or(cmp.Compare(a.account, b.account), cmp.Compare(a.status, b.status),
			cmp.Compare(a.allDay, b.allDay), cmp.Compare(a.day, b.day))
	})
	rows := make([]any, 0, 6*len(keys))
	for _, k := range keys {
		if d := c.batch[k]; d != 0 {
			rows = append(rows, k.account, k.status, k.allDay, k.day, slot, d)
		}
	}
	clear(c.batch)
	return rowSet{countUpsert, rows}
}

// countUpsert adds to rows of task_day_counts; a batch's keys are
// distinct and its slot one, so that no statement changes one row twice.
var countUpsert = newRowInsert("task_day_counts", []column{{"account_id", "bigint"}, {"status", "text"},
	{"due_all_day", "integer"}, {"day", "bigint"}, {"slot", "smallint"}, {"n", "bigint"}},
	` ON CONFLICT (account_id, status, due_all_day, day, slot) DO UPDATE SET n = task_day_counts.n + excluded.n`)

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
//
// disarms are the ids of tasks that a change completed, deleted or left
// without a due date: the batch's end disarms their TASK_DUE timers and
// reminders in one statement (on PostgreSQL, within the one of the other
// rows), where each change ran one, a round trip of the complete's three.
// A later change of the batch that arms one of those tasks' timers again
// (a reopen) runs that task's disarm first (see disarmBefore). A timer
// firing later in the batch (FireTimers) may still take such a timer; it
// finds the task done and disarms the timer without firing it (stale), as
// it does any timer whose task changed.
type laterRows struct {
	events, timers, disarms pendingRows
}

var (
	eventInsert = newRowInsert("task_events", []column{{"account_id", "bigint"}, {"task_id", "bigint"}, {"type", "text"},
		{"actor", "text"}, {"at", "bigint"}, {"changes", "text"}, {"task", "text"}, {"outbox", "integer"}, {"actor_id", "bigint"}}, "")
	// A new task's first timer. A change to the task in the same batch
	// (its id guessed) may have written the row already: that one stands,
	// and its firer disarms a timer the task no longer matches.
	timerInsert = newRowInsert("timers", []column{{"kind", "text"}, {"subject_id", "bigint"}, {"slot", "text"},
		{"account_id", "bigint"}, {"armed_key", "text"}, {"fire_at", "bigint"}, {"armed", "integer"}, {"fired_key", "text"}},
		` ON CONFLICT (kind, subject_id, slot) DO NOTHING`)
)

// timersDisarm disarms the TASK_DUE timers and reminders of tasks, one
// task id a row, in rowInsert's shape: SQLite's statements list the ids,
// PostgreSQL's takes them as an array.
var timersDisarm = func() *rowInsert {
	head := `UPDATE timers SET armed = 0 WHERE kind IN ('` + TimerDue + `', '` + TimerTaskReminder + `') AND armed = 1 AND subject_id IN (`
	r := &rowInsert{cols: 1, unnested: head + `SELECT * FROM unnest(?::bigint[]))`}
	for i, n := range rowChunks {
		r.chunks[i] = head + placeholders(n) + ")"
	}
	return r
}()

func newLaterRows() *laterRows {
	return &laterRows{events: pendingRows{insert: eventInsert}, timers: pendingRows{insert: timerInsert},
		disarms: pendingRows{insert: timersDisarm}}
}

func (l *laterRows) settle(ok bool) {
	l.events.settle(ok)
	l.timers.settle(ok)
	l.disarms.settle(ok)
}

// disarmBefore runs now the disarm of task id's timers that an earlier
// change of the batch (or of this request) left for the batch's end, if
// any: a change that then arms the task's timers must come after it.
func (l *laterRows) disarmBefore(ctx context.Context, tx *Tx, id int64) error {
	d, left := &l.disarms, len(l.disarms.batch)+len(l.disarms.request)
	isID := func(v any) bool { return v == any(id) }
	d.batch, d.request = slices.DeleteFunc(d.batch, isID), slices.DeleteFunc(d.request, isID)
	if len(d.batch)+len(d.request) == left {
		return nil
	}
	return disarmTimers(ctx, tx, id, TimerDue, TimerTaskReminder)
}

// writeBatchEnd writes what the batch's requests left for its end: the
// rows they added, then the day counts (unless the bench turned them
// off). On PostgreSQL the three inserts travel as one statement, one
// round trip (see insertRowSets).
func writeBatchEnd(ctx context.Context, tx *Tx) error {
	var sets []rowSet
	if err := decideOutbox(ctx, tx, tx.later.events.batch); err != nil {
		return err
	}
	if err := internActors(ctx, tx, tx.later.events.batch); err != nil {
		return err
	}
	if tx.without.NoBatchedRows {
		// One statement a row, to measure what batching them pays.
		if err := errors.Join(tx.later.events.writeOneByOne(ctx, tx), tx.later.timers.writeOneByOne(ctx, tx),
			tx.later.disarms.writeOneByOne(ctx, tx)); err != nil {
			return fmt.Errorf("write task events and timers: %w", err)
		}
	} else {
		sets = append(sets, tx.later.events.take(), tx.later.timers.take(), tx.later.disarms.take())
	}
	if !tx.without.NoDayCounts {
		sets = append(sets, tx.counts.rows(tx.dialect.countSlot()))
	}
	if err := tx.dialect.insertRowSets(ctx, tx, sets); err != nil {
		return fmt.Errorf("insert task events, timers and day counts: %w", err)
	}
	return nil
}

// column is a column of a rowInsert, with its PostgreSQL type.
type column struct{ name, pgType string }

// rowInsert inserts rows of some columns of a table, many a statement: on
// SQLite in a few fixed VALUES lists, each prepared once (see rowChunks);
// on PostgreSQL all in one statement, one array per column (unnest). One
// of them updates instead (timersDisarm), its rows the ids it lists.
type rowInsert struct {
	cols     int
	chunks   [len(rowChunks)]string // SQLite: the statement for each chunk size
	unnested string                 // PostgreSQL
}

// rowChunks are the numbers of rows one SQLite statement inserts, largest
// first: a few fixed texts rather than one per batch size.
var rowChunks = [...]int{64, 16, 4, 1}

func newRowInsert(table string, cols []column, suffix string) *rowInsert {
	names, types := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		names[i], types[i] = c.name, "?::"+c.pgType+"[]"
	}
	into := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ")"
	r := &rowInsert{cols: len(cols),
		unnested: into + " SELECT * FROM unnest(" + strings.Join(types, ", ") + ")" + suffix}
	row := "(" + placeholders(len(cols)) + ")"
	for i, n := range rowChunks {
		r.chunks[i] = into + " VALUES " + strings.Repeat(row+", ", n-1) + row + suffix
	}
	return r
}

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

// take returns the batch's rows and clears them.
func (p *pendingRows) take() rowSet {
	set := rowSet{p.insert, p.batch}
	p.batch = nil
	return set
}

// writeOneByOne inserts the batch's rows a statement each.
func (p *pendingRows) writeOneByOne(ctx context.Context, tx *Tx) error {
	n := p.insert.cols
	for len(p.batch) >= n {
		if err := tx.dialect.insertRows(ctx, tx, p.insert, p.batch[:n]); err != nil {
			return err
		}
		p.batch = p.batch[n:]
	}
	return nil
}

// rowSet is rows of one rowInsert, insert.cols arguments a row.
type rowSet struct {
	insert *rowInsert
	rows   []any
}

// insertRowSets inserts each set's rows, in the order of sets.
func (d sqliteDialect) insertRowSets(ctx context.Context, tx *Tx, sets []rowSet) error {
	for _, s := range sets {
		if err := d.insertRows(ctx, tx, s.insert, s.rows); err != nil {
			return err
		}
	}
	return nil
}

// insertRowSets writes the sets' rows in one statement: each set but the
// last a data-modifying WITH of the last. No two sets write one row, and
// none reads what another writes (the timers disarmed are of tasks that
// were there before the batch, the timers inserted of its new tasks), so
// running them as one statement changes nothing but the round trips.
func (d postgresDialect) insertRowSets(ctx context.Context, tx *Tx, sets []rowSet) error {
	var (
		with []string
		last string
		args []any
	)
	for _, s := range sets {
		if len(s.rows) < s.insert.cols {
			continue
		}
		if last != "" {
			with = append(with, "w"+strconv.Itoa(len(with))+" AS ("+last+")")
		}
		last = s.insert.unnested
		args = append(args, unnestArgs(s.insert, s.rows)...)
	}
	if last == "" {
		return nil
	}
	query := last
	if len(with) > 0 {
		query = "WITH " + strings.Join(with, ", ") + " " + last
	}
	_, err := tx.exec(ctx, query, args...)
	return err
}

// insertRows inserts rows (r.cols arguments a row) in chunks of VALUES.
func (sqliteDialect) insertRows(ctx context.Context, tx *Tx, r *rowInsert, rows []any) error {
	for i, n := range rowChunks {
		for len(rows) >= n*r.cols {
			if _, err := tx.exec(ctx, r.chunks[i], rows[:n*r.cols]...); err != nil {
				return err
			}
			rows = rows[n*r.cols:]
		}
	}
	return nil
}

// insertRows inserts rows (r.cols arguments a row) in one statement, the
// arguments passed as one array per column.
func (postgresDialect) insertRows(ctx context.Context, tx *Tx, r *rowInsert, rows []any) error {
	if len(rows) < r.cols {
		return nil
	}
	_, err := tx.exec(ctx, r.unnested, unnestArgs(r, rows)...)
	return err
}

// unnestArgs are rows' arguments as r.unnested takes them: one array a column.
func unnestArgs(r *rowInsert, rows []any) []any {
	n := len(rows) / r.cols
	args := make([]any, r.cols)
	for c := range args {
		col := make([]any, n)
		for i := range col {
			col[i] = rows[i*r.cols+c]
		}
		args[c] = col
	}
	return args
}
