package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// workingHours is when a member works, for the due times rules count in
// business hours: the member's zone (else the account's, loc), and the
// days and hours of its settings, else Monday to Friday, 09:00–17:00. A
// member of 0, or one no longer found, works the defaults in loc.
func workingHours(ctx context.Context, tx *Tx, memberID int64, loc *time.Location) (taskbox.WorkingHours, error) {
	wh := taskbox.DefaultWorkingHours(loc)
	if memberID == 0 {
		return wh, nil
	}
	var tz sql.NullString
	err := tx.queryRow(ctx, `SELECT timezone FROM team_members WHERE id = ?`, memberID).Scan(&tz)
	if errors.Is(err, sql.ErrNoRows) {
		return wh, nil
	} else if err != nil {
		return wh, err
	}
	if tz.Valid {
		if l, err := time.LoadLocation(tz.String); err == nil {
			wh.Loc = l
		}
	}
	return wh, nil
}
