package store

import (
	"context"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.ReplyReader = (*DB)(nil)

// LatestReplies reads the latest kept reply of each of the lead maps, for
// the rows of an inbox page: one statement for the whole page (see
// maxIDsPerStatement). The text is cut in SQL, so that a long reply (a
// quoted thread) is not read whole for a row that shows its first line.
func (db *DB) LatestReplies(ctx context.Context, leadMapIDs []int64, maxChars int) (out map[int64]*taskbox.Reply, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	out = map[int64]*taskbox.Reply{}
	ids := distinctIDs(leadMapIDs)
	if len(ids) == 0 {
		return out, nil
	}
	err = db.inStatement(ctx, func(tx *Tx) error {
		for len(ids) > 0 {
			n := min(len(ids), maxIDsPerStatement)
			if err := latestReplies(ctx, tx, actor.AccountID(), ids[:n], maxChars, out); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxIDsPerStatement bounds the ids of one IN list, below SQLite's limit
// of 32766 arguments. An inbox page shows at most 4000 rows (four sections
// of 1000), so a page takes one statement.
const maxIDsPerStatement = 4096

// latestReplies reads the latest reply of each lead map of ids into out.
func latestReplies(ctx context.Context, tx *Tx, accountID int64, ids []int64, maxChars int, out map[int64]*taskbox.Reply) error {
	marks, in := inList(ids)
	args := append([]any{max(maxChars, 1), accountID}, in...)
	rows, err := tx.query(ctx, `SELECT r.id, r.lead_map_id, r.subject, SUBSTR(r.text, 1, ?), r.replied_at, r.app_url
		FROM smartlead_replies r JOIN (SELECT lead_map_id, MAX(id) AS id FROM smartlead_replies
			WHERE account_id = ? AND lead_map_id IN (`+marks+`) GROUP BY lead_map_id) latest ON latest.id = r.id`,
		args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanReply(rows)
		if err != nil {
			return err
		}
		out[r.LeadMapID] = &r
	}
	return rows.Err()
}

// distinctIDs is ids without repeats and without ids that cannot be.
func distinctIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	var out []int64
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
