package store

import (
	"cmp"
	"context"
	"maps"
	"slices"
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
