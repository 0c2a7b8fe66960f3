package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.TaskService = (*DB)(nil)

// statusDeleted is the stored status of a deleted task; it is in no view.
const statusDeleted = "deleted"

// noDueSort is the due_sort of a task without a due date: after every date.
const noDueSort = math.MaxInt64

// taskSelect reads a task with its lead and campaign; scanTask takes its
// columns. It joins campaigns with LEFT JOIN, though every task has one, so
// that SQLite keeps tasks as the outer loop: with an inner join and a
// campaign filter it started from the (one-row) campaigns and sorted every
// task of the campaign (1.2 s at 1,000,000 tasks, against 1 ms).
const taskSelect = `SELECT t.id, t.lead_map_id, t.name, t.description, t.priority, t.due_date, t.status,
	t.created_at, t.updated_at, t.completed_at, t.completed_by, t.campaign_id, t.lead_id,
	l.email, l.first_name, l.last_name, l.company_name, c.name, t.assignee_id, m.name, lc.id, lc.name, t.snoozed_until, t.recurrence, t.reminders
	FROM tasks t JOIN leads l ON l.id = t.lead_id LEFT JOIN campaigns c ON c.id = t.campaign_id
	LEFT JOIN team_members m ON m.id = t.assignee_id
	JOIN lead_maps lm ON lm.id = t.lead_map_id LEFT JOIN lead_categories lc ON lc.id = lm.category_id`

// CreateTask creates a task for a lead map of the actor's account. Without
// an Idempotency-Key it joins the group commit's batch as a create, which
// the batch inserts with its other creates at its end (see groupCommit).
func (db *DB) CreateTask(ctx context.Context, c *taskbox.TaskCreate) (*taskbox.Task, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe, actor.Account.Location(), ""); fe != nil {
		return nil, fe.Err()
	}
	if (c.Idempotency == nil || c.Idempotency.Key == "") && !(c.AssigneeSet && c.AssigneeID != 0) {
		// A given assignee is checked in the request's own transaction.
		n := &newTask{actor: actor, c: c}
		err := db.writer.create(ctx, n)
		if taskbox.ErrorCode(err) == taskbox.ENOTFOUND {
			// Not the account's lead map id: perhaps SmartLead's id of one
			// mirrored under another id; the create runs again with it.
			alias, aerr := db.readLeadMapAlias(ctx, actor.AccountID(), c.LeadMapID)
			if aerr != nil {
				return nil, aerr
			}
			if alias != 0 {
				n = &newTask{actor: actor, c: withLeadMap(c, alias)}
				err = db.writer.create(ctx, n)
			}
		}
		if err != nil {
			return nil, err
		}
		return n.t, nil
	}
	var out *taskbox.Task
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.Task, error) {
			return createTask(ctx, tx, actor, c)
		})
		return err
	})
	return out, err
}

// createTask inserts one task and its "created" audit entry now, in tx.
func createTask(ctx context.Context, tx *Tx, actor *taskbox.Actor, c *taskbox.TaskCreate) (*taskbox.Task, error) {
	n := (&newTask{actor: actor, c: c}).begin(tx.now)
	if err := givenAssignee(ctx, tx, n); err != nil {
		return nil, err
	}
	if err := createTasks(ctx, tx, []*newTask{n}); err != nil {
		return nil, err
	}
	if n.t.ID == 0 {
		// Not the account's lead map id: perhaps SmartLead's id of one
		// mirrored under another id.
		alias, err := leadMapAlias(ctx, tx, actor.AccountID(), c.LeadMapID)
		if err != nil {
			return nil, err
		}
		if alias == 0 {
			return nil, notFound("Lead map")
		}
		n = n.onLeadMap(alias, tx.now)
		if err := createTasks(ctx, tx, []*newTask{n}); err != nil {
			return nil, err
		}
		if n.t.ID == 0 {
			return nil, notFound("Lead map")
		}
	}
	return n.t, nil
}

// withLeadMap is a copy of c for the lead map id.
func withLeadMap(c *taskbox.TaskCreate, id int64) *taskbox.TaskCreate {
	out := *c
	out.LeadMapID = id
	return &out
}

// onLeadMap is n begun again on lead map id (SmartLead's id resolved to
// the one it is mirrored under), keeping the assignee already checked.
func (n *newTask) onLeadMap(id int64, now taskbox.Timestamp) *newTask {
	again := (&newTask{actor: n.actor, c: withLeadMap(n.c, id)}).begin(now)
	again.t.Assignee = n.t.Assignee
	return again
}

// assignee returns an active member of the account as a task's assignee;
// any other id is a 422 on field.
func assignee(ctx context.Context, tx *Tx, accountID, memberID int64, field string) (*taskbox.MemberRef, error) {
	ref := &taskbox.MemberRef{ID: memberID}
	err := tx.queryRow(ctx, `SELECT name FROM team_members WHERE id = ? AND account_id = ? AND removed_at IS NULL`,
		memberID, accountID).Scan(&ref.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, taskbox.ValidationError([]taskbox.FieldError{{Field: field, Message: taskbox.MemberIDRule}})
	}
	return ref, err
}

// memberRef converts a nullable stored member.
func memberRef(id sql.NullInt64, name sql.NullString) *taskbox.MemberRef {
	if !id.Valid {
		return nil
	}
	return &taskbox.MemberRef{ID: id.Int64, Name: name.String}
}

func nullInt(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}

// givenAssignee checks the assignee_id a create gives (an active member of
// the account), before the task joins an insert: the batch's insert has
// no way to fail one row alone. Without one, the insert takes the lead
// map's owner.
func givenAssignee(ctx context.Context, tx *Tx, n *newTask) error {
	if !n.c.AssigneeSet || n.c.AssigneeID == 0 {
		return nil
	}
	var err error
	n.t.Assignee, err = assignee(ctx, tx, n.actor.AccountID(), n.c.AssigneeID, "assignee_id")
	return err
}

// recurrenceColumns is the stored form of a new task's recurrence: its
// JSON, and its series' start (the due time, which a next occurrence
// carries on from its predecessor).
func recurrenceColumns(r *taskbox.Recurrence, due *taskbox.Due) (recurrence, start any) {
	if r == nil {
		return nil, nil
	}
	b, _ := json.Marshal(r)
	if due != nil {
		start = due.At.UnixMicro()
	}
	return string(b), start
}

// dueColumns is the stored form of a due date.
func dueColumns(d *taskbox.Due) (dueDate any, dueSort int64, allDay int) {
	if d == nil {
		return nil, noDueSort, 0
	}
	if d.AllDay {
		allDay = 1
	}
	return d.String(), d.At.UnixMicro(), allDay
}

// recordTaskEvent appends to a task's audit trail, in the change's
// transaction, and keeps the task's timers (TASK_DUE, reminders) in step with it. The
// row is also the change's outbox entry: it carries the task as it is
// after the change (the webhook event's data) and outbox = 1 until the
// dispatcher (package events) has fanned it out, so the event commits or
// rolls back with the change and costs no extra statement. A change that
// no webhook of the account subscribes to is left out of the outbox
// (outbox NULL) and stores no copy of the task (task NULL): the dispatcher
// would have nothing to queue for it, and nothing else reads the copy.
//
// Whether a webhook subscribes is known now when the transaction has read
// the account's webhooks already; otherwise the row carries the copy and
// the batch's end decides (see decideOutbox), with one read of the
// webhooks for the whole batch instead of a statement for this change.
func recordTaskEvent(ctx context.Context, tx *Tx, actor *taskbox.Actor, t *taskbox.Task, typ string, changes map[string]taskbox.Change) error {
	// Both as json.Marshal writes them, without its reflection.
	ref := actor.Ref()
	who := ref.AppendJSON(nil, true)
	var ch any
	if changes != nil {
		b, err := json.Marshal(changes)
		if err != nil {
			return err
		}
		ch = string(b)
	}
	var outbox, snapshot any = undecided{}, nil
	if wanted, known := tx.hookEvents[actor.AccountID()]; known && !wanted[auditEventTypes[typ]] {
		outbox = nil
	} else {
		if known {
			outbox = 1
		}
		snapshot = string(t.AppendJSON(make([]byte, 0, 512), true))
	}
	args := []any{actor.AccountID(), t.ID, typ, string(who), tx.now.Micros(), ch, snapshot, outbox, nil} // actor_id: see internActors
	tx.later.events.add(args...)
	before := dueString(t.Due)
	due, moved := changes["due_date"]
	if moved {
		before = due.Old
	}
	if typ != taskbox.EventCreated && !timersLive(t, typ) {
		if moved {
			if err := keepDueFired(ctx, tx, t.ID, actor.AccountID(), before); err != nil {
				return err
			}
		}
		// Completed, deleted or without a due date: neither its TASK_DUE
		// nor a reminder stays armed. The batch's end disarms them.
		tx.later.disarms.add(t.ID)
		return nil
	}
	if typ != taskbox.EventCreated {
		if err := tx.later.disarmBefore(ctx, tx, t.ID); err != nil {
			return err
		}
	}
	if err := setDueTimer(ctx, tx, actor.Account, t, typ, before); err != nil {
		return err
	}
	return setReminderTimers(ctx, tx, actor.Account, t, typ)
}

// timersLive reports whether a task has a TASK_DUE timer and reminders to
// arm after a change of type typ: it is pending, has a due date and was
// not deleted.
func timersLive(t *taskbox.Task, typ string) bool {
	return typ != taskbox.EventDeleted && t.Status == taskbox.StatusPending && t.Due != nil
}

// undecided stands for the outbox column of an audit row whose change's
// transaction had not read the account's webhooks: decideOutbox sets it.
type undecided struct{}

// decideOutbox sets the outbox column, and drops the task's copy where no
// webhook wants it, of each gathered audit row (eventInsert's columns)
// that recordTaskEvent left undecided, reading each account's webhooks
// once.
func decideOutbox(ctx context.Context, tx *Tx, rows []any) error {
	n := eventInsert.cols
	for i := 0; i+n <= len(rows); i += n {
		row := rows[i : i+n]
		if _, ok := row[7].(undecided); !ok {
			continue
		}
		wanted, err := tx.webhookEvents(ctx, row[0].(int64))
		if err != nil {
			return err
		}
		if wanted[auditEventTypes[row[2].(string)]] {
			row[7] = 1
		} else {
			row[6], row[7] = nil, nil
		}
	}
	return nil
}

// FindTaskByID returns a task of the actor's account that is not deleted.
func (db *DB) FindTaskByID(ctx context.Context, id int64) (t *taskbox.Task, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inGeneric(ctx, func(tx *Tx) error {
		t, err = findTask(ctx, tx, actor.AccountID(), id, false)
		return err
	})
	return t, err
}

// findTask reads a task that is not deleted; with lock, in a write
// transaction, it holds the task until the transaction ends.
func findTask(ctx context.Context, tx *Tx, accountID, id int64, lock bool) (*taskbox.Task, error) {
	query := taskSelect + ` WHERE t.id = ? AND t.account_id = ? AND t.status <> ?`
	if lock {
		query += tx.dialect.lockTask()
	}
	t, err := scanTask(tx.queryRow(ctx, query, id, accountID, statusDeleted), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("Task")
	}
	return t, err
}

// queryTasks runs a taskSelect query and scans every row.
func queryTasks(ctx context.Context, tx *Tx, query string, args ...any) ([]*taskbox.Task, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tasks := []*taskbox.Task{}
	r := &taskRow{}
	for rows.Next() {
		t, err := scanTask(rows, r)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, t)
	}
	return tasks, rows.Err()
}

// taskRow holds the columns of a taskSelect row that scanTask converts:
// one allocation for a query's rows, where variables of scanTask's own
// would each escape to the heap at every row.
type taskRow struct {
	desc, due, by        sql.NullString
	first, last, company sql.NullString
	catID                sql.NullInt64
	catName              sql.NullString
	rank                 int
	created, updated     int64
	completed, snoozed   sql.NullInt64
	status               string
	assigneeID           sql.NullInt64
	assigneeName         sql.NullString
	recurrence, remind   sql.NullString
	dest                 [25]any // Scan's arguments
}

// taskBlock is a task with what its pointers point to, one allocation.
type taskBlock struct {
	t                          taskbox.Task
	lead                       taskbox.TaskLead
	campaign                   taskbox.TaskCampaign
	desc, first, last, company string
	due                        taskbox.Due
}

// stringIn returns a pointer to v's string kept in *at, nil for NULL.
func stringIn(at *string, v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	*at = v.String
	return at
}

// scanTask reads one taskSelect row into a new task; r holds the row's
// columns between rows (nil: scanTask makes one).
func scanTask(s scanner, r *taskRow) (*taskbox.Task, error) {
	if r == nil {
		r = &taskRow{}
	}
	b := &taskBlock{}
	t := &b.t
	t.Lead, t.Campaign = &b.lead, &b.campaign
	d := r.dest[:]
	d[0], d[1], d[2], d[3], d[4], d[5], d[6] = &t.ID, &t.LeadMapID, &t.Name, &r.desc, &r.rank, &r.due, &r.status
	d[7], d[8], d[9], d[10], d[11], d[12] = &r.created, &r.updated, &r.completed, &r.by, &t.CampaignID, &t.LeadID
	d[13], d[14], d[15], d[16], d[17], d[18], d[19] = &t.Lead.Email, &r.first, &r.last, &r.company, &t.Campaign.Name, &r.assigneeID, &r.assigneeName
	d[20], d[21], d[22], d[23], d[24] = &r.catID, &r.catName, &r.snoozed, &r.recurrence, &r.remind
	if err := s.Scan(d...); err != nil {
		return nil, err
	}
	t.Assignee = memberRef(r.assigneeID, r.assigneeName)
	t.SnoozedUntil = timestampPtr(r.snoozed)
	t.Reminders = []string{}
	if r.remind.Valid {
		if err := json.Unmarshal([]byte(r.remind.String), &t.Reminders); err != nil {
			return nil, fmt.Errorf("task %d reminders: %w", t.ID, err)
		}
	}
	if r.recurrence.Valid {
		t.Recurrence = &taskbox.Recurrence{}
		if err := json.Unmarshal([]byte(r.recurrence.String), t.Recurrence); err != nil {
			return nil, fmt.Errorf("task %d recurrence: %w", t.ID, err)
		}
	}
	t.Description, t.Priority, t.Status = stringIn(&b.desc, r.desc), taskbox.PriorityFromRank(r.rank), taskbox.Status(r.status)
	t.CreatedAt, t.UpdatedAt, t.CompletedAt = taskbox.TimestampFromMicros(r.created), taskbox.TimestampFromMicros(r.updated), timestampPtr(r.completed)
	t.Lead.ID, t.Campaign.ID = t.LeadID, t.CampaignID
	t.Lead.FirstName, t.Lead.LastName, t.Lead.CompanyName = stringIn(&b.first, r.first), stringIn(&b.last, r.last), stringIn(&b.company, r.company)
	t.LeadCategory = leadCategory(r.catID, r.catName)
	if r.due.Valid {
		var err error
		if b.due, err = taskbox.ParseDue(r.due.String, time.UTC); err != nil {
			return nil, fmt.Errorf("task %d due date %q: %w", t.ID, r.due.String, err)
		}
		t.Due = &b.due
	}
	if r.by.Valid {
		t.CompletedBy = &taskbox.ActorRef{}
		if err := json.Unmarshal([]byte(r.by.String), t.CompletedBy); err != nil {
			return nil, fmt.Errorf("task %d completed_by: %w", t.ID, err)
		}
	}
	return t, nil
}
