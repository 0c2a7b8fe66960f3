package taskbox

import "context"

// Notice is a reminder shown in the web inbox to the member it is for
// (the task's assignee, the lead map's owner; everyone of the account when
// none) until dismissed.
type Notice struct {
	ID        int64
	TaskID    *int64 // the task of a TASK_REMINDER, else nil
	LeadMapID int64
	Text      string
	At        Timestamp
}

// NoticeService lists and dismisses the actor's notices.
type NoticeService interface {
	ListNotices(ctx context.Context) ([]*Notice, error)
	DismissNotice(ctx context.Context, id int64) error
}
