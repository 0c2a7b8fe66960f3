package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// An audit row names who made its change by a row of actors: the actor's
// JSON (taskbox.ActorRef as json.Marshal writes it), stored once however
// many rows name it (migration 00027). Rows written before that keep the
// text in their own actor column, which ListTaskEvents reads when a row
// has no actor_id. An actors row is never changed or removed, so its id,
// once committed, names its text for good and servers may remember it.

// actorCacheSize bounds the texts a DB remembers: a team has a few keys and
// members, but each rename is a new text.
const actorCacheSize = 10_000

// actorCache remembers the ids of committed actors rows by their text. Its
// zero value is ready to use.
type actorCache struct {
	mu  sync.RWMutex
	ids map[string]int64
}

func (c *actorCache) get(ref string) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	id, ok := c.ids[ref]
	return id, ok
}

// add remembers ids a transaction read or added, once it has committed: a
// row added by a transaction that rolled back does not exist.
func (c *actorCache) add(ids map[string]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]int64{}
	}
	for ref, id := range ids {
		if len(c.ids) >= actorCacheSize {
			return
		}
		c.ids[ref] = id
	}
}

// actorID returns the id of an actor's text that this transaction or a
// committed one stored.
func (tx *Tx) actorID(ref string) (int64, bool) {
	if id, ok := tx.newActors[ref]; ok {
		return id, true
	}
	return tx.actors.get(ref)
}

// internActors gives each gathered audit row (eventInsert's columns) the
// id of its actor's text in place of the text, storing the texts not
// stored yet. They are stored in order of their text, so that two
// PostgreSQL servers storing the same two wait for each other in the same
// order rather than deadlock.
func internActors(ctx context.Context, tx *Tx, rows []any) error {
	n := eventInsert.cols
	var missing []string
	for i := 0; i+n <= len(rows); i += n {
		row := rows[i : i+n]
		ref := row[3].(string)
		if id, ok := tx.actorID(ref); ok {
			row[3], row[8] = "", id
		} else if !slices.Contains(missing, ref) {
			missing = append(missing, ref)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	if tx.newActors == nil {
		tx.newActors = map[string]int64{}
	}
	for _, ref := range missing {
		if _, err := tx.exec(ctx, `INSERT INTO actors (ref) VALUES (?) ON CONFLICT (ref) DO NOTHING`, ref); err != nil {
			return fmt.Errorf("store actor: %w", err)
		}
		var id int64
		if err := tx.queryRow(ctx, `SELECT id FROM actors WHERE ref = ?`, ref).Scan(&id); err != nil {
			return fmt.Errorf("read actor: %w", err)
		}
		tx.newActors[ref] = id
	}
	for i := 0; i+n <= len(rows); i += n {
		if row := rows[i : i+n]; row[8] == nil {
			row[3], row[8] = "", tx.newActors[row[3].(string)]
		}
	}
	return nil
}
