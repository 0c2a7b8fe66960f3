package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Search finds a task by its own words and by its lead's email, first and
// last name and company (any part of them, any case), on both databases;
// a lead whose details change is found by the new ones at once; another
// account's tasks are never found; the count agrees with the list.
func TestSearch_FindsLeads(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "search", "UTC", 0)
	other := newFixture(t, db, "other", "UTC", 0)
	add := func(fx *fixture, email, first, last, company string) int64 {
		res, err := db.AddLeads(fx.ctx, &taskbox.LeadUpload{CampaignID: fx.campaign.ID, Leads: []taskbox.LeadInput{
			{Email: email, FirstName: &first, LastName: &last, CompanyName: &company}}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Leads[0].LeadMapID
	}
	ann := add(f, "ann.lee@globex.example", "Ann", "Lee", "Globex Corporation")
	omar := add(f, "omar@initech.example", "عمر", "Haddad", "Initech")
	stranger := add(other, "ann.lee@globex.example", "Ann", "Lee", "Globex Corporation")
	mk := func(fx *fixture, m int64, name string, desc *string) *taskbox.Task {
		task, err := db.CreateTask(fx.ctx, &taskbox.TaskCreate{LeadMapID: m, Name: name, Description: desc})
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	call := mk(f, ann, "Call about renewal", nil)
	send := mk(f, omar, "Send the pricing sheet", ptr("50% off_for 50 seats"))
	mk(other, stranger, "Call about renewal", nil)

	cases := map[string][]int64{
		"ann.lee@globex":   {call.ID},
		"GLOBEX":           {call.ID},
		"lee":              {call.ID},
		"haddad":           {send.ID},
		"عمر":              {send.ID},
		"initech pricing":  {send.ID},
		"renewal":          {call.ID},
		"50%":              {send.ID},
		"f_f":              {send.ID},
		"_":                {send.ID},
		"r_n":              nil, // "_" is no wildcard: not "ren" of renewal
		"ann_lee":          nil, // nor "ann.lee"
		"nN":               {call.ID},
		"ann haddad":       nil,
		"nobody@nowhere":   nil,
		`"quoted" OR call`: nil,
	}
	for q, want := range cases {
		page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Query: q, Status: "all", Limit: 100})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var got []int64
		for _, task := range page.Tasks {
			got = append(got, task.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("search %q found %v, want %v", q, got, want)
		}
		n, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: q, Status: "all"})
		if err != nil || n != len(want) {
			t.Errorf("count of %q: %d, %v; want %d", q, n, err, len(want))
		}
	}

	// The lead's company changes (a new upload of the lead): the new one is
	// found, the old one no more. The task's new name is found too.
	add(f, "ann.lee@globex.example", "Ann", "Lee-Park", "Umbrella")
	newName := "Call about the contract"
	if _, err := db.UpdateTask(f.ctx, call.ID, &taskbox.TaskUpdate{Name: &newName}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"umbrella": 1, "corporation": 0, "globex": 1, "lee-park": 1, "contract": 1, "renewal": 0} {
		if n, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: q}); err != nil || n != want {
			t.Errorf("after the change, %q counts %d (%v), want %d", q, n, err, want)
		}
	}

	// A new description is found; a change that touches none of the text's
	// columns (completing, reopening) keeps the text as it is.
	desc := "quarterly pricing"
	if _, err := db.UpdateTask(f.ctx, call.ID, &taskbox.TaskUpdate{Description: &desc, DescriptionSet: true}); err != nil {
		t.Fatal(err)
	}
	done, open := taskbox.StatusCompleted, taskbox.StatusPending
	for _, s := range []*taskbox.Status{&done, &open} {
		if _, err := db.UpdateTask(f.ctx, call.ID, &taskbox.TaskUpdate{Status: s}); err != nil {
			t.Fatal(err)
		}
	}
	for q, want := range map[string]int{"quarterly": 1, "contract": 1, "umbrella": 1} {
		if n, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: q}); err != nil || n != want {
			t.Errorf("after a new description and a complete, %q counts %d (%v), want %d", q, n, err, want)
		}
	}
}

// Completed sorts by completion time, newest first, page after page.
func TestListTasks_CompletedNewestFirst(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "done", "UTC", 1)
	var ids []int64
	for _, name := range []string{"first made", "second made", "third made"} {
		ids = append(ids, f.task(t, db, name, nil, "").ID)
	}
	done := taskbox.StatusCompleted
	base := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	for i, id := range []int64{ids[1], ids[2], ids[0]} { // completed in this order
		at := taskbox.TimestampFromMicros(base.Add(time.Duration(i) * time.Minute).UnixMicro())
		db.Now = func() taskbox.Timestamp { return at }
		if _, err := db.UpdateTask(f.ctx, id, &taskbox.TaskUpdate{Status: &done}); err != nil {
			t.Fatal(err)
		}
	}
	var got []int64
	cursor := ""
	for {
		page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Status: "completed", Sort: "-completed_at", Limit: 1, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range page.Tasks {
			got = append(got, task.ID)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if want := []int64{ids[0], ids[2], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("completed newest first: %v, want %v", got, want)
	}
}

// DeleteTasks deletes all or none: one missing id keeps every task.
func TestDeleteTasks_AllOrNone(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "del", "UTC", 1)
	a, b := f.task(t, db, "a", nil, ""), f.task(t, db, "b", nil, "")
	if err := db.DeleteTasks(f.ctx, []int64{a.ID, 999999}); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("with a missing id: %v, want not found", err)
	}
	if _, err := db.FindTaskByID(f.ctx, a.ID); err != nil {
		t.Fatalf("a failed bulk delete removed a task: %v", err)
	}
	if err := db.DeleteTasks(f.ctx, nil); taskbox.ErrorCode(err) != taskbox.EINVALID {
		t.Errorf("no ids: %v, want invalid", err)
	}
	if err := db.DeleteTasks(f.ctx, []int64{a.ID, b.ID}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{a.ID, b.ID} {
		if _, err := db.FindTaskByID(f.ctx, id); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
			t.Errorf("task %d after delete: %v", id, err)
		}
		events, _ := db.ListTaskEvents(f.ctx, id)
		if len(events) != 2 || events[1].Type != taskbox.EventDeleted {
			t.Errorf("task %d trail: %d entries", id, len(events))
		}
	}
}

// A word that thousands of tasks hold (past denseAt) is searched by
// walking the inbox in order: the pages come in due order, and the count
// is exact.
func TestSearch_DenseWord(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "dense", "UTC", 1)
	for b := 0; b < 3; b++ {
		batch := make([]*taskbox.TaskCreate, 0, 1000)
		for i := 0; i < 1000; i++ {
			due := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(b*1000+i) * time.Minute).Format(time.RFC3339)
			batch = append(batch, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: "send pricing", DueDate: &due})
		}
		if _, err := db.BulkCreateTasks(f.ctx, batch, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.task(t, db, "call", nil, "")
	page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Query: "pricing", Limit: 20})
	if err != nil || len(page.Tasks) != 20 || page.NextCursor == nil {
		t.Fatalf("dense search: %v, %v", page, err)
	}
	for i := 1; i < len(page.Tasks); i++ {
		if !page.Tasks[i-1].Due.At.Before(page.Tasks[i].Due.At) {
			t.Fatalf("dense search out of due order at %d", i)
		}
	}
	if n, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: "pricing"}); err != nil || n != 3000 {
		t.Errorf("count %d, %v; want 3000", n, err)
	}
	if n, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: "pricing call"}); err != nil || n != 0 {
		t.Errorf("count of two words %d, %v; want 0", n, err)
	}
}

// Every created task is found by its search text, whichever way it was
// created: gathered by the group commit with others, in a bulk create with
// a lead map of another account in its middle (left out, its neighbours
// indexed), or alone (the search text is written once a batch, migration
// 00015).
func TestSearch_FindsEveryNewTask(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "every", "UTC", 1)
	other := newFixture(t, db, "stranger", "UTC", 1)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("gathered qz%03dq", i)
			task, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: name})
			if err == nil {
				err = sameTask(db, f, task, name)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.BulkCreateTasks(f.ctx, []*taskbox.TaskCreate{
		{LeadMapID: f.mapIDs[0], Name: "bulk qzb1q"}, {LeadMapID: other.mapIDs[0], Name: "bulk qzb2q"},
		{LeadMapID: f.mapIDs[0], Name: "bulk qzb3q"}}, nil)
	if err == nil {
		t.Fatal("a bulk create with another account's lead map succeeded")
	}
	bulk, err := db.BulkCreateTasks(f.ctx, []*taskbox.TaskCreate{
		{LeadMapID: f.mapIDs[0], Name: "bulk qzb4q"}, {LeadMapID: f.mapIDs[0], Name: "bulk qzb5q"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, task := range bulk {
		if err := sameTask(db, f, task, fmt.Sprintf("bulk qzb%dq", 4+i)); err != nil {
			t.Error(err)
		}
	}
	// 21 at once: statements of 16, 4 and 1 rows (rowChunks), each task
	// answered with its own id.
	var many []*taskbox.TaskCreate
	for i := range 21 {
		many = append(many, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: fmt.Sprintf("many qzm%02dq", i)})
	}
	manyTasks, err := db.BulkCreateTasks(f.ctx, many, nil)
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"qzb4q", "qzb5q"}
	for i, task := range manyTasks {
		if err := sameTask(db, f, task, many[i].Name); err != nil {
			t.Error(err)
		}
		words = append(words, fmt.Sprintf("qzm%02dq", i))
	}
	for i := range n {
		words = append(words, fmt.Sprintf("qz%03dq", i))
	}
	for _, w := range words {
		if c, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: w, Status: "all"}); err != nil || c != 1 {
			t.Errorf("search %q: %d, %v; want 1", w, c, err)
		}
	}
	for _, w := range []string{"qzb1q", "qzb2q", "qzb3q"} {
		if c, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: w, Status: "all"}); err != nil || c != 0 {
			t.Errorf("search %q of a refused bulk create: %d, %v; want 0", w, c, err)
		}
	}
}

// sameTask checks that the task answered for a create is the one stored
// under its id.
func sameTask(db *store.DB, f *fixture, task *taskbox.Task, name string) error {
	stored, err := db.FindTaskByID(f.ctx, task.ID)
	if err != nil {
		return err
	}
	if task.Name != name || stored.Name != name {
		return fmt.Errorf("task %d: answered %q, stored %q, want %q", task.ID, task.Name, stored.Name, name)
	}
	return nil
}

// A word of the search finds its text whatever the case of letters
// beyond ASCII, and only where it stands whole: the index's lookup of a
// word is all its trigrams, which a text can hold apart.
func TestSearch_FoldsCaseAndChecksTheWholeWord(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "fold", "UTC", 0)
	first, last, company := "Jörg", "MÜLLER", "Zürich Straße AG"
	res, err := db.AddLeads(f.ctx, &taskbox.LeadUpload{CampaignID: f.campaign.ID, Leads: []taskbox.LeadInput{
		{Email: "jm@zuerich.example", FirstName: &first, LastName: &last, CompanyName: &company}}})
	if err != nil {
		t.Fatal(err)
	}
	task, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: res.Leads[0].LeadMapID, Name: "abcXbcd"})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]int64{
		"müller": {task.ID}, "ZÜRICH": {task.ID}, "jörg zürich": {task.ID}, "JÖRG": {task.ID},
		"abcd": nil, // its trigrams abc and bcd are in "abcXbcd", the word is not
		"bcX":  {task.ID},
	} {
		page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Query: q, Status: "all", Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var got []int64
		for _, task := range page.Tasks {
			got = append(got, task.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("search %q found %v, want %v", q, got, want)
		}
	}
}

// On SQLite the triggers keep the search index in step with each task's
// text: after creates, a new name and description, a lead's new fields, a
// task moved to another lead, a delete and a row removed, FTS5's integrity
// check of the index against the text it holds passes, and the index holds
// no trigram of a text that is gone (a search would hide such a stale
// match behind its check of the text, so only the index itself shows it).
func TestSearch_IndexAgreesWithTheText(t *testing.T) {
	if testdb.Backend() != "sqlite" {
		t.Skip("SQLite's search index")
	}
	tdb := testdb.Open(t)
	db := tdb.DB
	f := newFixture(t, db, "agree", "UTC", 0)
	first, company := "Ann", "Globex"
	res, err := db.AddLeads(f.ctx, &taskbox.LeadUpload{CampaignID: f.campaign.ID, Leads: []taskbox.LeadInput{
		{Email: "ann@example.com", FirstName: &first, CompanyName: &company}, {Email: "omar@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	ann, omar := res.Leads[0].LeadMapID, res.Leads[1].LeadMapID
	var tasks []*taskbox.Task
	for i := range 6 {
		m := ann
		if i%2 == 1 {
			m = omar
		}
		task, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: m, Name: fmt.Sprintf("Quixotic task %d", i), Description: ptr("zeppelin")})
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
	}
	newName, newDesc := "Renamed", "yodel"
	if _, err := db.UpdateTask(f.ctx, tasks[0].ID, &taskbox.TaskUpdate{Name: &newName, Description: &newDesc, DescriptionSet: true}); err != nil {
		t.Fatal(err)
	}
	newFirst, newCompany := "Anna", "Umbrella"
	if _, err := db.AddLeads(f.ctx, &taskbox.LeadUpload{CampaignID: f.campaign.ID, Leads: []taskbox.LeadInput{
		{Email: "ann@example.com", FirstName: &newFirst, CompanyName: &newCompany}}}); err != nil {
		t.Fatal(err)
	}
	// No request moves a task to another lead; the trigger still must.
	tdb.Exec(t, fmt.Sprintf(`UPDATE tasks SET lead_id = %d WHERE id = %d`, tasks[1].LeadID, tasks[2].ID))
	// A delete through the API keeps the row (and its text) with a deleted
	// status; no request removes a row, but the trigger still must.
	if err := db.DeleteTasks(f.ctx, []int64{tasks[3].ID}); err != nil {
		t.Fatal(err)
	}
	tdb.Exec(t, fmt.Sprintf(`DELETE FROM tasks WHERE id = %d`, tasks[4].ID))
	tdb.Exec(t, `INSERT INTO task_search (task_search, rank) VALUES ('integrity-check', 1)`)

	raw := rawDB(t, tdb.DSN)
	matches := func(trigram string) []int64 {
		t.Helper()
		rows, err := raw.Query(`SELECT rowid FROM task_search WHERE task_search MATCH ? ORDER BY rowid`, `"`+trigram+`"`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	want := map[string][]int64{
		"ixo": {tasks[1].ID, tasks[2].ID, tasks[3].ID, tasks[5].ID}, // "Quixotic": the renamed and removed ones gone
		"ode": {tasks[0].ID},                                        // "yodel"
		"epp": {tasks[1].ID, tasks[2].ID, tasks[3].ID, tasks[5].ID}, // "zeppelin", no longer task 0's
		"glo": nil,                                                  // Ann's old company
		"mbr": {tasks[0].ID},                                        // her new one: task 2 moved to Omar, task 4 removed
		"oma": {tasks[1].ID, tasks[2].ID, tasks[3].ID, tasks[5].ID}, // Omar's email
	}
	for trigram, ids := range want {
		if got := matches(trigram); !slices.Equal(got, ids) {
			t.Errorf("the index holds %q for tasks %v, want %v", trigram, got, ids)
		}
	}
}
