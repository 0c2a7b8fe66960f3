package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const tbTasksPath = "/api/v1/master-inbox/tasks"

// tbList is a list answer.
type tbList struct {
	OK         bool              `json:"ok"`
	Data       []json.RawMessage `json:"data"`
	NextCursor *string           `json:"next_cursor"`
}

func TestInboxList_QueryParameters(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "inbox", "Europe/Berlin")
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	for i := 0; i < 3; i++ {
		api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"due_date": fmt.Sprintf(`"2030-01-0%d"`, i+1)}))
	}
	bad := map[string]string{
		"status=open":           "status",
		"priority=HIGH,urgent":  "priority",
		"due=later":             "due",
		"due_before=tomorrow":   "due_before",
		"due_after=2025-13-01":  "due_after",
		"email_lead_map_id=abc": "email_lead_map_id",
		"lead_id=-1":            "lead_id",
		"campaign_id=0":         "campaign_id",
		"sort=name":             "sort",
		"limit=0":               "limit",
		"limit=101":             "limit",
		"limit=ten":             "limit",
		"tz=Mars/Olympus":       "tz",
		"cursor=forged.cursor":  "cursor",
	}
	for query, param := range bad {
		r := api.Get(t, tbTasksPath+"?"+query, acct.Key)
		e := tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST")
		if !strings.Contains(e.Message, param) {
			t.Errorf("%s: message %q does not name %s", query, e.Message, param)
		}
	}
	// Pages end with next_cursor null, present in the body.
	r := api.Get(t, tbTasksPath+"?limit=2", acct.Key)
	tbWantStatus(t, r, http.StatusOK)
	var page tbList
	tbDecode(t, r.Body, &page)
	if !page.OK || len(page.Data) != 2 || page.NextCursor == nil {
		t.Fatalf("first page: %s", r)
	}
	r = api.Get(t, tbTasksPath+"?limit=2&cursor="+*page.NextCursor, acct.Key)
	tbDecode(t, r.Body, &page)
	if len(page.Data) != 1 || page.NextCursor != nil || !strings.Contains(string(r.Body), `"next_cursor":null`) {
		t.Fatalf("last page: %s", r)
	}
	var task struct {
		Lead     struct{ Email string } `json:"lead"`
		Campaign struct{ Name string }  `json:"campaign"`
	}
	tbDecode(t, page.Data[0], &task)
	if task.Lead.Email != "lead@example.com" || task.Campaign.Name == "" {
		t.Errorf("a listed task carries its lead and campaign: %s", page.Data[0])
	}
	// Empty parameters are taken as absent.
	tbWantStatus(t, api.Get(t, tbTasksPath+"?status=&priority=&limit=&q=", acct.Key), http.StatusOK)
	r = api.Get(t, tbTasksPath+"/summary?tz=Asia/Tokyo", acct.Key)
	tbWantStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `"upcoming":3`) || !strings.Contains(string(r.Body), `"no_due_date":0`) {
		t.Errorf("summary: %s", r)
	}
	tbWantError(t, api.Get(t, tbTasksPath+"/summary?tz=Nowhere", acct.Key), http.StatusBadRequest, "BAD_REQUEST")
}

func TestTaskLifecycle_HTTP(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "life", "")
	other := api.Account(t, "other", "")
	lm := api.LeadMap(t, acct.Key, "life@example.com")
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"description": `"notes"`, "due_date": `"2030-05-01T10:00:00+02:00"`}))
	path := fmt.Sprintf("%s/%d", tbTasksPath, task.ID)

	// PATCH has the create rules, every faulty field listed.
	r := api.Do(t, http.MethodPatch, path, acct.Key, `{"name":"  ","priority":"low","due_date":"soon","status":"done","description":5}`)
	e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if got := fmt.Sprint(e.Fields()); got != "[description due_date name priority status]" {
		t.Errorf("PATCH 422 fields = %s", got)
	}
	tbWantError(t, api.Do(t, http.MethodPatch, path, acct.Key, `[1]`), http.StatusBadRequest, "BAD_REQUEST")
	tbWantError(t, api.Do(t, http.MethodPatch, path, acct.Key, ``), http.StatusBadRequest, "BAD_REQUEST")

	// Merge semantics: only present fields change; null clears.
	upd := tbWantTask(t, api.Do(t, http.MethodPatch, path, acct.Key, `{"description":null,"due_date":null,"unknown":1}`))
	if upd.Name != task.Name || upd.Description != nil || upd.DueDate != nil || upd.Priority != "MEDIUM" {
		t.Errorf("after PATCH: %+v", upd)
	}
	done := tbWantTask(t, api.Post(t, path+"/complete", acct.Key, ""))
	if done.Status != "completed" || done.CompletedAt == nil || !tbTimestampRE.MatchString(*done.CompletedAt) {
		t.Errorf("complete: %+v", done)
	}
	again := tbWantTask(t, api.Post(t, path+"/complete", acct.Key, ""))
	if *again.CompletedAt != *done.CompletedAt {
		t.Errorf("completing twice changed completed_at: %s vs %s", *again.CompletedAt, *done.CompletedAt)
	}
	reopened := tbWantTask(t, api.Do(t, http.MethodPatch, path, acct.Key, `{"status":"pending"}`))
	if reopened.Status != "pending" || reopened.CompletedAt != nil {
		t.Errorf("reopen by PATCH: %+v", reopened)
	}
	tbWantTask(t, api.Post(t, path+"/reopen", acct.Key, ""))

	// Another account gets 404 on every endpoint, never the task.
	for _, req := range [][2]string{{"GET", path}, {"PATCH", path}, {"DELETE", path}, {"POST", path + "/complete"},
		{"POST", path + "/reopen"}, {"GET", path + "/events"}} {
		tbWantError(t, api.Do(t, req[0], req[1], other.Key, `{"name":"x"}`), http.StatusNotFound, "NOT_FOUND")
	}
	r = api.Get(t, fmt.Sprintf("/api/v1/crm/leads/tasks/%d", task.LeadID), other.Key)
	tbWantError(t, r, http.StatusNotFound, "NOT_FOUND")
	r = api.Get(t, fmt.Sprintf("/api/v1/crm/leads/tasks/%d", task.LeadID), acct.Key)
	var lead tbList
	tbDecode(t, r.Body, &lead)
	if r.Status != http.StatusOK || len(lead.Data) != 1 {
		t.Errorf("lead tasks: %s", r)
	}

	tbWantStatus(t, api.Do(t, http.MethodDelete, path, acct.Key, ""), http.StatusOK)
	tbWantError(t, api.Get(t, path, acct.Key), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, api.Do(t, http.MethodDelete, path, acct.Key, ""), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, api.Get(t, tbTasksPath+"/99999999999999999999", acct.Key), http.StatusNotFound, "NOT_FOUND")

	r = api.Get(t, path+"/events", acct.Key)
	tbWantStatus(t, r, http.StatusOK)
	var events struct {
		Data []struct {
			Type  string `json:"type"`
			At    string `json:"at"`
			Actor struct {
				Type string `json:"type"`
				ID   int64  `json:"id"`
			} `json:"actor"`
			Changes map[string]struct{ Old, New any } `json:"changes"`
		} `json:"data"`
	}
	tbDecode(t, r.Body, &events)
	var types []string
	for _, e := range events.Data {
		types = append(types, e.Type)
		if e.Actor.Type != "api_key" || e.Actor.ID != acct.KeyID || !tbTimestampRE.MatchString(e.At) {
			t.Errorf("event %s: actor %+v at %q", e.Type, e.Actor, e.At)
		}
	}
	if got := fmt.Sprint(types); got != "[created updated completed reopened reopened deleted]" && got != "[created updated completed reopened deleted]" {
		t.Errorf("events = %s", got)
	}
	if c := events.Data[1].Changes["due_date"]; c.Old != "2030-05-01T08:00:00Z" || c.New != nil {
		t.Errorf("updated due_date change = %+v", c)
	}
}

func TestBulk_HTTP(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "bulk", "")
	other := api.Account(t, "other", "")
	lm := api.LeadMap(t, acct.Key, "bulk@example.com")
	theirs := api.LeadMap(t, other.Key, "theirs@example.com")
	body := fmt.Sprintf(`{"tasks":[{"email_lead_map_id":%d,"name":"a"},{"email_lead_map_id":%d,"name":"","priority":"x"},5]}`, lm, lm)
	e := tbWantError(t, api.Post(t, tbTasksPath+"/bulk-create", acct.Key, body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if got := fmt.Sprint(e.Fields()); got != "[tasks[1].name tasks[1].priority tasks[2]]" {
		t.Errorf("bulk 422 fields = %s", got)
	}
	body = fmt.Sprintf(`{"tasks":[{"email_lead_map_id":%d,"name":"a"},{"email_lead_map_id":%d,"name":"b"}]}`, lm, theirs)
	tbWantError(t, api.Post(t, tbTasksPath+"/bulk-create", acct.Key, body), http.StatusNotFound, "NOT_FOUND")
	if n := api.Count(t, "tasks"); n != 0 {
		t.Fatalf("failed bulk requests stored %d tasks", n)
	}
	body = fmt.Sprintf(`{"tasks":[{"email_lead_map_id":%d,"name":"a"},{"email_lead_map_id":"%d","name":"b","due_date":"2030-01-01"}]}`, lm, lm)
	r := api.Post(t, tbTasksPath+"/bulk-create", acct.Key, body)
	tbWantStatus(t, r, http.StatusOK)
	var created struct{ Data []tbTask }
	tbDecode(t, r.Body, &created)
	if len(created.Data) != 2 || created.Data[1].Name != "b" || *created.Data[1].DueDate != "2030-01-01" {
		t.Fatalf("bulk create: %s", r)
	}
	ids := fmt.Sprintf("[%d,%d]", created.Data[0].ID, created.Data[1].ID)
	tbWantError(t, api.Post(t, tbTasksPath+"/bulk-update", acct.Key, `{"ids":[1.5,"x"],"set":{"priority":"NOPE"}}`), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	tbWantError(t, api.Post(t, tbTasksPath+"/bulk-update", acct.Key, `{"ids":`+ids+`,"set":{}}`), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	tbWantError(t, api.Post(t, tbTasksPath+"/bulk-update", other.Key, `{"ids":`+ids+`,"set":{"status":"completed"}}`), http.StatusNotFound, "NOT_FOUND")
	r = api.Post(t, tbTasksPath+"/bulk-update", acct.Key, `{"ids":`+ids+`,"set":{"status":"completed","priority":"HIGH"}}`)
	var updated struct{ Data []tbTask }
	tbDecode(t, r.Body, &updated)
	if r.Status != http.StatusOK || len(updated.Data) != 2 || updated.Data[0].Status != "completed" || updated.Data[1].Priority != "HIGH" {
		t.Fatalf("bulk update: %s", r)
	}
	big := `{"tasks":[` + strings.Repeat(fmt.Sprintf(`{"email_lead_map_id":%d,"name":"%s"},`, lm, strings.Repeat("x", 200)), 1001)
	big = strings.TrimSuffix(big, ",") + "]}"
	e = tbWantError(t, api.Post(t, tbTasksPath+"/bulk-create", acct.Key, big), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if e.Detail("tasks") == "" {
		t.Errorf("1001 tasks: %v", e.Fields())
	}
	huge := `{"tasks":[{"email_lead_map_id":1,"name":"` + strings.Repeat("x", 11<<20) + `"}]}`
	tbWantError(t, api.Post(t, tbTasksPath+"/bulk-create", acct.Key, huge), http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE")
}
