package store

import (
	"context"

	taskbox "github.com/taskboxhq/taskbox"
)

// workingHours is when a member works, for the due times rules count in
// business hours: the days of its digest_days, its work_hours (09:00–17:00
// unless set), in its zone, else the account's. A member of 0, or one no
// longer on the team, works Monday to Friday, 09:00–17:00, in the
// account's zone.
func workingHours(ctx context.Context, tx *Tx, account *taskbox.Account, memberID int64) (taskbox.WorkingHours, error) {
	wh := taskbox.DefaultWorkingHours(account.Location())
	if memberID == 0 {
		return wh, nil
	}
	m, err := findMember(ctx, tx, account.ID, memberID, false)
	if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
		return wh, nil
	} else if err != nil {
		return wh, err
	}
	wh.Loc = m.Location(account)
	if len(m.DigestDays) > 0 {
		wh.Days = m.DigestDays
	}
	wh.Start, wh.End = m.WorkHours.Minutes()
	return wh, nil
}
