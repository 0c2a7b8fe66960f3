package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// newTask is one create-task on its way into the tasks table: the task as
// the request makes it (t), for the lead map of c in the actor's account.
// insertTasks gives t its id, lead and campaign, or leaves t.ID 0 when the
// lead map is not the account's.
type newTask struct {
	actor *taskbox.Actor
	c     *taskbox.TaskCreate
	t     *taskbox.Task
}

// begin makes n's task as its transaction, which started at now, creates it.
func (n *newTask) begin(now taskbox.Timestamp) *newTask {
	c := n.c
	n.t = &taskbox.Task{
		LeadMapID: c.LeadMapID, Name: c.Name, Description: c.Description, Priority: c.Priority, Due: c.Due,
		Recurrence: c.Recurrence, Reminders: remindersOf(c.Reminders), Status: taskbox.StatusPending, CreatedAt: now, UpdatedAt: now,
		Lead: &taskbox.TaskLead{}, Campaign: &taskbox.TaskCampaign{},
	}
	return n
}

// taskInput is a column of tasks that a create takes from its request;
// the lead map's columns (account_id, lead_map_id, campaign_id, lead_id)
// come from lead_maps, which the insert joins. A new column of the create
// is one more entry here: both dialects' inserts are built from the list.
type taskInput struct {
	column string
	pgType string // the element type of its array in PostgreSQL's batch insert
	value  func(n *newTask) any
}

var taskInputs = []taskInput{
	{"name", "text", func(n *newTask) any { return n.t.Name }},
	{"description", "text", func(n *newTask) any { return nullString(n.t.Description) }},
	{"priority", "integer", func(n *newTask) any { return n.t.Priority.Rank() }},
	{"due_date", "text", func(n *newTask) any { d, _, _ := dueColumns(n.t.Due); return d }},
	{"due_sort", "bigint", func(n *newTask) any { _, s, _ := dueColumns(n.t.Due); return s }},
	{"due_all_day", "integer", func(n *newTask) any { _, _, a := dueColumns(n.t.Due); return a }},
	{"status", "text", func(n *newTask) any { return string(n.t.Status) }},
	{"created_at", "bigint", func(n *newTask) any { return n.t.CreatedAt.Micros() }},
	{"updated_at", "bigint", func(n *newTask) any { return n.t.UpdatedAt.Micros() }},
	{"assignee_id", "bigint", assigneeInput},
	{"recurrence", "text", func(n *newTask) any { r, _ := recurrenceColumns(n.t.Recurrence, n.t.Due); return r }},
	{"recurrence_start", "bigint", func(n *newTask) any { _, s := recurrenceColumns(n.t.Recurrence, n.t.Due); return s }},
	{"reminders", "text", func(n *newTask) any { return remindersColumn(n.t.Reminders) }},
}

// ownersAssignee is the assignee_id input of a create without one: the
// insert takes the lead map's owner instead.
const ownersAssignee = int64(-1)

// assigneeInput is the assignee a create gives (checked by givenAssignee),
// nil for none, or ownersAssignee.
func assigneeInput(n *newTask) any {
	switch {
	case !n.c.AssigneeSet:
		return ownersAssignee
	case n.c.AssigneeID == 0:
		return nil
	}
	return n.c.AssigneeID
}

func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// inputColumns is "name, description, …": the columns of taskInputs.
func inputColumns(prefix string) string {
	cols := make([]string, len(taskInputs))
	for i, in := range taskInputs {
		cols[i] = prefix + in.column
	}
	return strings.Join(cols, ", ")
}

// createTasks inserts the tasks of ns, each with its "created" audit
// entry, day count and timer (in a batch, gathered for its end). A task
// whose lead map is not its account's is left out, its t.ID 0. Every
// create, single, bulk or gathered by the group commit, goes through here.
func createTasks(ctx context.Context, tx *Tx, ns []*newTask) error {
	tx.zones = map[int64]sql.NullString{}
	defer func() { tx.zones = nil }()
	if err := tx.dialect.insertTasks(ctx, tx, ns); err != nil {
		return fmt.Errorf("insert tasks: %w", err)
	}
	for _, n := range ns {
		if n.t.ID == 0 {
			continue
		}
		t := n.t
		t.Lead.ID, t.Campaign.ID = t.LeadID, t.CampaignID
		if err := countTask(ctx, tx, n.actor.AccountID(), countStatus(t), t.Due, 1); err != nil {
			return err
		}
		// Read once per account and transaction (tx caches them), the
		// webhooks decide each new task's outbox now instead of at the
		// batch's end, which spares the task a copy that no webhook wants.
		if _, err := tx.webhookEvents(ctx, n.actor.AccountID()); err != nil {
			return err
		}
		if err := recordTaskEvent(ctx, tx, n.actor, t, taskbox.EventCreated, nil); err != nil {
			return err
		}
	}
	return nil
}

// takesDefaults is whether n's task takes its assignee's
// default_reminders (SPEC §9): it was created without reminders. Both
// inserts read them in the statement that looks the lead map up, from the
// assignee it resolves (given, or the lead map's owner).
func (n *newTask) takesDefaults() bool { return n.c.Reminders == nil }

// defaultRemindersColumn is the assignee's default_reminders as the
// inserts read them: NULL when there are none.
const defaultRemindersColumn = `NULLIF(NULLIF(dm.default_reminders, ''), '[]')`

// takeDefaults gives t the default reminders an insert read (def, of
// defaultRemindersColumn), before its timers are armed.
func takeDefaults(t *taskbox.Task, def sql.NullString) error {
	if !def.Valid {
		return nil
	}
	if err := json.Unmarshal([]byte(def.String), &t.Reminders); err != nil {
		return fmt.Errorf("default reminders of lead map %d's task: %w", t.LeadMapID, err)
	}
	return nil
}

// leadMapLookup reads what a task copies from its lead map, its owner's
// time zone, and the default reminders of its assignee when it takes them
// (arguments: whether it does, its assigneeInput twice, the lead map, the
// account); no row when the lead map is not the account's.
const leadMapLookup = `SELECT lm.campaign_id, lm.lead_id, l.email, l.first_name, l.last_name, l.company_name, c.name, lc.id, lc.name,
	lm.team_member_id, o.name, o.timezone, ` + defaultRemindersColumn + `
	FROM lead_maps lm JOIN leads l ON l.id = lm.lead_id JOIN campaigns c ON c.id = lm.campaign_id
	LEFT JOIN lead_categories lc ON lc.id = lm.category_id LEFT JOIN team_members o ON o.id = lm.team_member_id
	LEFT JOIN team_members dm ON ? AND dm.id = CASE WHEN ? = -1 THEN lm.team_member_id ELSE ? END AND dm.account_id = lm.account_id
	WHERE lm.id = ? AND lm.account_id = ?`

// insertTasksSQLite inserts tasks many a statement, in the fixed VALUES
// lists of rowChunks.
var insertTasksSQLite = func() *rowInsert {
	cols := []column{{"account_id", "bigint"}, {"lead_map_id", "bigint"}, {"campaign_id", "bigint"}, {"lead_id", "bigint"}}
	for _, in := range taskInputs {
		cols = append(cols, column{in.column, in.pgType})
	}
	return newRowInsert("tasks", cols, "")
}()

// indexTasksSQLite writes the search text (task_search, migration 00010)
// of the tasks with ids from first to last, all of them new: one statement
// for the whole batch, so that FTS5 writes one segment of its index a batch
// rather than one a task (see migration 00015).
const indexTasksSQLite = `INSERT INTO task_search (rowid, body)
	SELECT t.id, t.name || ' ' || COALESCE(t.description, '') || ' ' || l.email || ' ' || COALESCE(l.first_name, '') || ' ' ||
	       COALESCE(l.last_name, '') || ' ' || COALESCE(l.company_name, '')
	FROM tasks t JOIN leads l ON l.id = t.lead_id WHERE t.id BETWEEN ? AND ?`

// insertTasks, on SQLite, looks each lead map up, then inserts the tasks
// found in a few multi-row statements and their search text in one. Ids
// only grow (AUTOINCREMENT), the rows of one statement take them in their
// order, and the writer is alone: a statement's tasks have the ids up to
// its last insert id, and the batch's tasks are all the tasks from its
// first id to its last.
func (sqliteDialect) insertTasks(ctx context.Context, tx *Tx, ns []*newTask) error {
	ins := insertTasksSQLite
	rows := make([]any, 0, len(ns)*ins.cols)
	found := make([]*taskbox.Task, 0, len(ns))
	for _, n := range ns {
		t := n.t
		var (
			first, last, company, catName sql.NullString
			catID, owner                  sql.NullInt64
			ownerName, ownerZone          sql.NullString
			defaults                      sql.NullString
		)
		to := assigneeInput(n)
		err := tx.queryRow(ctx, leadMapLookup, n.takesDefaults(), to, to, t.LeadMapID, n.actor.AccountID()).
			Scan(&t.CampaignID, &t.LeadID, &t.Lead.Email, &first, &last, &company, &t.Campaign.Name, &catID, &catName, &owner, &ownerName, &ownerZone, &defaults)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return err
		}
		if err := takeDefaults(t, defaults); err != nil {
			return err
		}
		t.Lead.FirstName, t.Lead.LastName, t.Lead.CompanyName = stringPtr(first), stringPtr(last), stringPtr(company)
		t.LeadCategory = leadCategory(catID, catName)
		rows = append(rows, n.actor.AccountID(), t.LeadMapID, t.CampaignID, t.LeadID)
		for _, in := range taskInputs {
			v := in.value(n)
			if in.column == "assignee_id" && v == ownersAssignee {
				v, t.Assignee = nullInt(owner), memberRef(owner, ownerName)
				if owner.Valid {
					tx.zones[owner.Int64] = ownerZone
				}
			}
			rows = append(rows, v)
		}
		found = append(found, t)
	}
	if len(found) == 0 {
		return nil
	}
	next := found
	for i, size := range rowChunks {
		for len(next) >= size {
			res, err := tx.exec(ctx, ins.chunks[i], rows[:size*ins.cols]...)
			if err != nil {
				return err
			}
			last, err := res.LastInsertId()
			if err != nil {
				return err
			}
			for j, t := range next[:size] {
				t.ID = last - int64(size-1-j)
			}
			next, rows = next[size:], rows[size*ins.cols:]
		}
	}
	_, err := tx.exec(ctx, indexTasksSQLite, found[0].ID, found[len(found)-1].ID)
	return err
}

// insertTasksPostgres inserts a whole batch in one statement, one round
// trip: the rows travel as one array per column, are joined to their lead
// maps (a row whose lead map is not its account's drops out), take their
// ids from the sequence in their order and are inserted with their search
// text (migration 00015: no trigger reads the lead again for each row); the
// answer names each inserted row by its place in the arrays (ord), with its
// lead, campaign and assignee (and the assignee's time zone, which its
// reminders count in).
var insertTasksPostgres = func() string {
	types := []string{"?::bigint[]", "?::bigint[]"}
	for _, in := range taskInputs {
		types = append(types, "?::"+in.pgType+"[]")
	}
	types = append(types, "?::boolean[]") // take_defaults: newTask.takesDefaults
	// The assignee (the one given, or the lead map's owner) and, for a
	// task created without reminders, that member's default_reminders.
	assignee := "CASE WHEN i.assignee_id = -1 THEN lm.team_member_id ELSE i.assignee_id END"
	columns := strings.Replace(inputColumns("i."), "i.assignee_id", assignee+" AS assignee_id", 1)
	columns = strings.Replace(columns, "i.reminders",
		"CASE WHEN i.take_defaults THEN "+defaultRemindersColumn+" ELSE i.reminders END AS reminders", 1)
	// The ids are drawn over the rows in their order (the sorted subquery
	// is not flattened into the query that calls nextval), so that a bulk
	// create's tasks take ascending ids in the order of its list.
	return `WITH i AS (
		SELECT nextval('tasks_id_seq') AS id, j.* FROM (
			SELECT i.ord, i.account_id, i.lead_map_id, lm.campaign_id, lm.lead_id, lm.category_id,
				l.email, l.first_name, l.last_name, l.company_name, ` + columns + `
			FROM unnest(` + strings.Join(types, ", ") + `) WITH ORDINALITY AS i(account_id, lead_map_id, ` + inputColumns("") + `, take_defaults, ord)
			JOIN lead_maps lm ON lm.id = i.lead_map_id AND lm.account_id = i.account_id
			JOIN leads l ON l.id = lm.lead_id
			LEFT JOIN team_members dm ON i.take_defaults AND dm.id = ` + assignee + ` AND dm.account_id = i.account_id
			ORDER BY i.ord) j),
	t AS (INSERT INTO tasks (id, account_id, lead_map_id, campaign_id, lead_id, ` + inputColumns("") + `, search_text)
		SELECT id, account_id, lead_map_id, campaign_id, lead_id, ` + inputColumns("") + `,
			name || ' ' || COALESCE(description, '') || ' ' || email || ' ' || COALESCE(first_name, '') || ' ' ||
			COALESCE(last_name, '') || ' ' || COALESCE(company_name, '') FROM i)
	SELECT i.ord, i.id, i.campaign_id, i.lead_id, i.email, i.first_name, i.last_name, i.company_name, c.name, lc.id, lc.name,
		i.assignee_id, m.name, m.timezone, i.reminders
	FROM i JOIN campaigns c ON c.id = i.campaign_id
	LEFT JOIN lead_categories lc ON lc.id = i.category_id LEFT JOIN team_members m ON m.id = i.assignee_id`
}()

func (postgresDialect) insertTasks(ctx context.Context, tx *Tx, ns []*newTask) error {
	cols := make([][]any, 3+len(taskInputs))
	for i := range cols {
		cols[i] = make([]any, len(ns))
	}
	for j, n := range ns {
		cols[0][j], cols[1][j] = n.actor.AccountID(), n.t.LeadMapID
		for i, in := range taskInputs {
			cols[2+i][j] = in.value(n)
		}
		cols[2+len(taskInputs)][j] = n.takesDefaults()
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = c
	}
	rows, err := tx.query(ctx, insertTasksPostgres, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			ord                  int
			id, campaign, lead   int64
			email, campaignName  string
			first, last, company sql.NullString
			catID, assigneeID    sql.NullInt64
			catName, assigneeNm  sql.NullString
			zone, reminders      sql.NullString
		)
		if err := rows.Scan(&ord, &id, &campaign, &lead, &email, &first, &last, &company, &campaignName, &catID, &catName,
			&assigneeID, &assigneeNm, &zone, &reminders); err != nil {
			return err
		}
		if ord < 1 || ord > len(ns) {
			return fmt.Errorf("insert answered row %d of %d", ord, len(ns))
		}
		t := ns[ord-1].t
		t.ID, t.CampaignID, t.LeadID, t.Lead.Email, t.Campaign.Name = id, campaign, lead, email, campaignName
		t.Lead.FirstName, t.Lead.LastName, t.Lead.CompanyName = stringPtr(first), stringPtr(last), stringPtr(company)
		t.LeadCategory = leadCategory(catID, catName)
		t.Assignee = memberRef(assigneeID, assigneeNm)
		if assigneeID.Valid {
			tx.zones[assigneeID.Int64] = zone
		}
		if ns[ord-1].takesDefaults() {
			if err := takeDefaults(t, reminders); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}
