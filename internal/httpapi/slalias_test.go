package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// TestSmartLead_LeadMapAlias: a lead map mirrored first from an event
// without SmartLead's id (a manual step) keeps its own id; SmartLead's id,
// which a later reply brings, names it in every request a SmartLead client
// makes with it, and in no other account.
func TestSmartLead_LeadMapAlias(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "alias", "")
	other := a.Account(t, "alias-other", "")
	path, _ := a.slConnect(t, acct.Key, "")
	a.slSend(t, path, slExample(t, "manual_step_reached"))
	a.slProcess(t)
	reply := slExample(t, "email_reply")
	reply["campaign_id"], reply["campaign_name"] = 353, "test56778"
	reply["sl_lead_email"] = "sukhvir.kaur@example.com"
	reply["sl_email_lead_map_id"] = 8800001
	delete(reply, "app_url")
	delete(reply, "ui_master_inbox_link")
	a.slSend(t, path, reply)
	a.slProcess(t)
	tasks := a.slTasks(t, acct.Key)
	if len(tasks) != 1 || tasks[0].LeadMapID == 8800001 {
		t.Fatalf("tasks = %+v, want the manual step's, on a lead map mirrored under its own id", tasks)
	}
	local := tasks[0].LeadMapID

	// create-task: through the group commit, and in a transaction of its
	// own (with an Idempotency-Key, with an assignee).
	task, _ := a.CreateTask(t, acct.Key, `{"email_lead_map_id": 8800001, "name": "Call Sukhvir", "priority": "HIGH"}`)
	if task.EmailLeadMapID != local || task.Name != "Call Sukhvir" {
		t.Fatalf("create-task for SmartLead's id = %+v, want lead map %d", task, local)
	}
	idem, _ := a.CreateTask(t, acct.Key, `{"email_lead_map_id": "8800001", "name": "Once"}`, "Idempotency-Key", "alias-1")
	again, _ := a.CreateTask(t, acct.Key, `{"email_lead_map_id": "8800001", "name": "Once"}`, "Idempotency-Key", "alias-1")
	if idem.EmailLeadMapID != local || again.ID != idem.ID {
		t.Fatalf("idempotent create-task = %+v then %+v", idem, again)
	}
	ana := a.Member(t, acct, taskbox.NewMember{Name: "Ana"})
	assigned, r := a.CreateTask(t, acct.Key, fmt.Sprintf(`{"email_lead_map_id": 8800001, "name": "For Ana", "assignee_id": %d}`, ana.ID))
	if assigned.EmailLeadMapID != local || !strings.Contains(string(r.Body), fmt.Sprintf(`"assignee":{"id":%d,"name":"Ana"}`, ana.ID)) {
		t.Fatalf("create-task with an assignee = %s", r.Body)
	}
	e := tbWantError(t, a.Post(t, tbCreateTaskPath, acct.Key, `{"email_lead_map_id": 8800002, "name": "x"}`), http.StatusNotFound, "NOT_FOUND")
	if e.Message != "Lead map not found." {
		t.Errorf("unknown id: message %q", e.Message)
	}

	// bulk-create: SmartLead's id beside the local one, in order.
	r = a.Post(t, tbBulkCreatePath, acct.Key, fmt.Sprintf(`{"tasks": [{"email_lead_map_id": 8800001, "name": "b0"}, {"email_lead_map_id": %d, "name": "b1"}]}`, local))
	tbWantStatus(t, r, http.StatusOK)
	var bulk struct {
		Data []tbTask `json:"data"`
	}
	tbDecode(t, r.Body, &bulk)
	if len(bulk.Data) != 2 || bulk.Data[0].Name != "b0" || bulk.Data[1].Name != "b1" ||
		bulk.Data[0].EmailLeadMapID != local || bulk.Data[1].EmailLeadMapID != local {
		t.Fatalf("bulk-create = %s", r.Body)
	}
	before := len(a.slTasks(t, acct.Key))
	e = tbWantError(t, a.Post(t, tbBulkCreatePath, acct.Key, `{"tasks": [{"email_lead_map_id": 8800001, "name": "c0"}, {"email_lead_map_id": 8800002, "name": "c1"}]}`),
		http.StatusNotFound, "NOT_FOUND")
	if e.Message != "Lead map 8800002 of tasks[1] not found." {
		t.Errorf("bulk with an unknown id: message %q", e.Message)
	}
	if n := len(a.slTasks(t, acct.Key)); n != before {
		t.Errorf("a failed bulk-create left %d tasks, want %d", n, before)
	}

	// set-reminder, create-note, update-category, update-team-member.
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	tbWantStatus(t, a.Post(t, tbSetReminderPath, acct.Key, `{"email_lead_map_id": 8800001, "message": "m", "reminder_time": "`+at+`"}`), http.StatusOK)
	r = a.Post(t, tbRemindersPath, acct.Key, ``)
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"email_lead_map_id":"%d"`, local)) || !strings.HasSuffix(strings.TrimSpace(string(r.Body)), `"total_count":1}`) {
		t.Errorf("reminders = %s", r.Body)
	}
	a.Note(t, acct.Key, 8800001, "Spoke to Sukhvir")
	r = a.Get(t, fmt.Sprintf("/api/v1/crm/leads/notes/%d", task.LeadID), acct.Key)
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"email_lead_map_id":%d`, local)) || !strings.Contains(string(r.Body), "Spoke to Sukhvir") {
		t.Errorf("notes = %s", r.Body)
	}
	r = a.Do(t, http.MethodPatch, tbUpdateCategoryPath, acct.Key, `{"email_lead_map_id": 8800001, "category_id": 2}`)
	if r.Status != http.StatusOK || string(r.Body) != tbCategoryUpdated {
		t.Fatalf("update-category = %s", r)
	}
	for _, tk := range a.slTasks(t, acct.Key) {
		if tk.Category == nil || tk.Category.ID != 2 {
			t.Fatalf("task %d after update-category: %+v", tk.ID, tk.Category)
		}
	}
	r = a.Post(t, "/api/v1/master-inbox/update-team-member", acct.Key, fmt.Sprintf(`{"email_lead_map_id": 8800001, "team_member_id": %d}`, ana.ID))
	tbWantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"data":{"email_lead_map_id":%d,"team_member_id":%d,`, local, ana.ID)) {
		t.Errorf("update-team-member = %s", r.Body)
	}

	// Another account knows nothing of the pair.
	for _, req := range []struct{ method, path, body string }{
		{http.MethodPost, tbCreateTaskPath, `{"email_lead_map_id": 8800001, "name": "x"}`},
		{http.MethodPost, tbBulkCreatePath, `{"tasks": [{"email_lead_map_id": 8800001, "name": "x"}]}`},
		{http.MethodPost, tbSetReminderPath, `{"email_lead_map_id": 8800001, "message": "m", "reminder_time": "` + at + `"}`},
		{http.MethodPost, tbCreateNotePath, `{"email_lead_map_id": 8800001, "note_message": "x"}`},
		{http.MethodPatch, tbUpdateCategoryPath, `{"email_lead_map_id": 8800001, "category_id": 1}`},
		{http.MethodPost, "/api/v1/master-inbox/update-team-member", `{"email_lead_map_id": 8800001, "team_member_id": null}`},
	} {
		tbWantError(t, a.Do(t, req.method, req.path, other.Key, req.body), http.StatusNotFound, "NOT_FOUND")
	}
}

// TestSmartLead_LeadMapAliasOtherAccount: account 2 mirrors SmartLead's
// lead map 1438627, which account 1 holds, under an id of its own; its
// create-task for 1438627 lands on that lead map, never on account 1's.
func TestSmartLead_LeadMapAliasOtherAccount(t *testing.T) {
	a := tbNewAPI(t)
	one := a.Account(t, "one", "")
	two := a.Account(t, "two", "")
	for _, acct := range []tbAccount{one, two} {
		path, _ := a.slConnect(t, acct.Key, "")
		a.slSend(t, path, slExample(t, "email_reply"))
		a.slProcess(t)
	}
	twoTasks := a.slTasks(t, two.Key)
	if len(twoTasks) != 1 || twoTasks[0].LeadMapID == 1438627 {
		t.Fatalf("account 2's tasks = %+v", twoTasks)
	}
	local := twoTasks[0].LeadMapID
	task, _ := a.CreateTask(t, two.Key, `{"email_lead_map_id": 1438627, "name": "Two's call"}`)
	if task.EmailLeadMapID != local || task.LeadID != twoTasks[0].LeadID {
		t.Fatalf("account 2's create-task for 1438627 = %+v, want lead map %d", task, local)
	}
	r := a.Post(t, tbBulkCreatePath, two.Key, `{"tasks": [{"email_lead_map_id": 1438627, "name": "Two's bulk"}]}`)
	tbWantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"email_lead_map_id":%d`, local)) || strings.Contains(string(r.Body), `1438627`) {
		t.Fatalf("account 2's bulk-create = %s", r.Body)
	}
	if tasks := a.slTasks(t, one.Key); len(tasks) != 1 || tasks[0].LeadMapID != 1438627 {
		t.Fatalf("account 1's tasks = %+v", tasks)
	}
	if tasks := a.slTasks(t, two.Key); len(tasks) != 3 {
		t.Fatalf("account 2's tasks = %+v", tasks)
	}
	// Account 1 still gets its own lead map under SmartLead's id.
	own, _ := a.CreateTask(t, one.Key, `{"email_lead_map_id": 1438627, "name": "One's call"}`)
	if own.EmailLeadMapID != 1438627 {
		t.Fatalf("account 1's create-task = %+v", own)
	}
	// Account 2's own id is not an alias for account 1.
	tbWantError(t, a.Post(t, tbCreateTaskPath, one.Key, fmt.Sprintf(`{"email_lead_map_id": %d, "name": "x"}`, local)), http.StatusNotFound, "NOT_FOUND")
}
