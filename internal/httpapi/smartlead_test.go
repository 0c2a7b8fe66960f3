package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// slConnect makes the account's integration and returns the hook's path.
func (a *tbAPI) slConnect(t testing.TB, key, body string) (path string, data map[string]any) {
	t.Helper()
	r := a.Post(t, "/api/v1/integrations/smartlead", key, body)
	tbWantStatus(t, r, http.StatusOK)
	var env struct {
		OK   bool           `json:"ok"`
		Data map[string]any `json:"data"`
	}
	tbDecode(t, r.Body, &env)
	u, err := url.Parse(env.Data["url"].(string))
	if err != nil || !strings.HasPrefix(u.Path, "/hooks/smartlead/slh_") {
		t.Fatalf("url = %v", env.Data["url"])
	}
	return u.Path, env.Data
}

// slExample reads an example payload as a map.
func slExample(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/smartlead/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// slSend posts an event and wants 200 {"ok":true}.
func (a *tbAPI) slSend(t testing.TB, path string, ev any) {
	t.Helper()
	body, ok := ev.(string)
	if !ok {
		body = tbJSON(t, ev)
	}
	r := a.Do(t, http.MethodPost, path, "", body)
	if r.Status != http.StatusOK || strings.TrimSpace(string(r.Body)) != `{"ok":true}` {
		t.Fatalf("POST hook = %s", r)
	}
}

// slProcess runs the worker's processing step until nothing is pending.
func (a *tbAPI) slProcess(t testing.TB) int {
	t.Helper()
	n, err := a.DB.ProcessInbound(context.Background(), 1000)
	if err != nil {
		t.Fatalf("ProcessInbound: %v", err)
	}
	return n
}

type slTask struct {
	ID        int64  `json:"id"`
	LeadMapID int64  `json:"email_lead_map_id"`
	Name      string `json:"name"`
	Priority  string `json:"priority"`
	Status    string `json:"status"`
	DueDate   string `json:"due_date"`
	CreatedAt string `json:"created_at"`
	Campaign  int64  `json:"campaign_id"`
	LeadID    int64  `json:"lead_id"`
	Assignee  *struct {
		ID int64 `json:"id"`
	} `json:"assignee"`
	SnoozedUntil *string `json:"snoozed_until"`
	Category     *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"lead_category"`
}

// slTasks lists every task of the account (all statuses).
func (a *tbAPI) slTasks(t testing.TB, key string) []slTask {
	t.Helper()
	r := a.Get(t, "/api/v1/master-inbox/tasks?status=all&snoozed=all&limit=100", key)
	tbWantStatus(t, r, http.StatusOK)
	var env struct {
		Data []slTask `json:"data"`
	}
	tbDecode(t, r.Body, &env)
	return env.Data
}

func slVariants(t *testing.T) map[string]map[string]any {
	reply := func() map[string]any { return slExample(t, "email_reply") }
	category := func() map[string]any { return slExample(t, "lead_category_updated") }
	v := map[string]map[string]any{
		"reply":    reply(),
		"category": category(),
		"manual":   slExample(t, "manual_step_reached"),
	}
	r := reply()
	r["campaign_id"], r["sl_email_lead_map_id"], r["sl_email_lead_id"] = "9181", "1438627", "1482956"
	v["reply ids as strings"] = r
	r = reply()
	delete(r, "reply_message")
	delete(r, "preview_text")
	delete(r, "sl_lead_email")
	r["lead_email"] = "jamesparker75+2@gmail.com"
	v["reply deprecated fields only"] = r
	r = reply()
	delete(r, "sl_lead_email")
	v["reply to_email is the team's mailbox"] = r // the lead from leadCorrespondence
	r = reply()
	delete(r, "sl_email_lead_map_id")
	v["reply without lead map id, with app_url"] = r
	c := category()
	delete(c, "lead_category")
	c["campaign_id"], c["lead_id"] = "123", "789"
	v["category deprecated fields, ids as strings"] = c
	c = category()
	hist := c["history"].([]any)
	big := strings.Repeat("<p>A long thread, quoted again and again.</p>", 4<<20/45)
	c["history"] = append(hist, map[string]any{"type": "REPLY", "email_body": big})
	v["category with a 4 MB thread"] = c
	return v
}

// TestSmartLead_Examples sends every example and variant twice: one stored
// event, one task (or none, as the rules say), the reply and lead kept.
func TestSmartLead_Examples(t *testing.T) {
	for name, ev := range slVariants(t) {
		t.Run(name, func(t *testing.T) {
			a := tbNewAPI(t)
			acct := a.Account(t, "sl", "")
			path, _ := a.slConnect(t, acct.Key, `{}`)
			a.slSend(t, path, ev)
			a.slSend(t, path, ev)
			if n := a.slProcess(t); n != 1 {
				t.Fatalf("processed %d events, want 1 (the repeat is not stored)", n)
			}
			tasks := a.slTasks(t, acct.Key)
			if len(tasks) != 1 {
				t.Fatalf("tasks = %+v, want 1", tasks)
			}
			task := tasks[0]
			switch ev["event_type"] {
			case "EMAIL_REPLY":
				if task.LeadMapID != 1438627 || task.Campaign != 9181 || task.Name != "Reply to (jamesparker75+2@gmail.com)" || task.Priority != "MEDIUM" {
					t.Errorf("task = %+v", task)
				}
				r := a.Get(t, fmt.Sprintf("/api/v1/leads/%d", task.LeadID), acct.Key)
				var lead struct {
					Email   string `json:"email"`
					Replies []struct {
						Text      string  `json:"text"`
						Subject   *string `json:"subject"`
						LeadMapID int64   `json:"email_lead_map_id"`
					} `json:"replies"`
				}
				tbDecode(t, r.Body, &lead)
				if lead.Email != "jamesparker75+2@gmail.com" || len(lead.Replies) != 1 || !strings.Contains(lead.Replies[0].Text, "webhook reply") ||
					lead.Replies[0].LeadMapID != 1438627 {
					t.Errorf("lead = %s", r.Body)
				}
			case "LEAD_CATEGORY_UPDATED":
				if task.LeadMapID != 5512345 || task.Priority != "HIGH" || task.Name != "Interested: reply to John (lead@example.com)" ||
					task.Category == nil || task.Category.ID != 1 {
					t.Errorf("task = %+v", task)
				}
			case "MANUAL_STEP_REACHED":
				if task.Campaign != 353 || task.Name != "Manual step 1 in test56778" {
					t.Errorf("task = %+v", task)
				}
			}
			r := a.Get(t, "/api/v1/integrations/smartlead/events", acct.Key)
			tbWantStatus(t, r, http.StatusOK)
			if !strings.Contains(string(r.Body), "created task") {
				t.Errorf("events = %s", r.Body)
			}
		})
	}
}

// TestSmartLead_UnknownEvent records an event type taskbox does not act
// on, answers 200 and does nothing.
func TestSmartLead_UnknownEvent(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	ev := slExample(t, "email_reply")
	ev["event_type"] = "EMAIL_OPEN"
	a.slSend(t, path, ev)
	a.slSend(t, path, ev)
	a.slSend(t, path, `{"no":"event type"}`)
	a.slProcess(t)
	if tasks := a.slTasks(t, acct.Key); len(tasks) != 0 {
		t.Fatalf("tasks = %+v", tasks)
	}
	r := a.Get(t, "/api/v1/integrations/smartlead/events", acct.Key)
	if !strings.Contains(string(r.Body), `not one taskbox acts on`) || strings.Count(string(r.Body), `"event_type"`) != 2 {
		t.Errorf("events = %s", r.Body)
	}
}

// TestSmartLead_Refusals: not an object 400, unknown token 404, wrong
// secret_key 401; a rotated token is unknown.
func TestSmartLead_Refusals(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, `{"secret_key":"4f7c8d23-a619-58c2-93g6-72936ee16f38"}`)
	ev := slExample(t, "email_reply")
	for _, body := range []string{`[]`, `"x"`, `null`, `{"a":`, ``} {
		r := a.Do(t, http.MethodPost, path, "", body)
		tbWantError(t, r, http.StatusBadRequest, "BAD_REQUEST")
	}
	a.slSend(t, path, ev)
	ev["secret_key"] = "wrong"
	r := a.Do(t, http.MethodPost, path, "", tbJSON(t, ev))
	tbWantError(t, r, http.StatusUnauthorized, "UNAUTHORIZED")
	r = a.Do(t, http.MethodPost, "/hooks/smartlead/slh_nope", "", tbJSON(t, ev))
	tbWantError(t, r, http.StatusNotFound, "NOT_FOUND")
	newPath, _ := a.slConnect(t, acct.Key, ``) // rotated, no secret now
	r = a.Do(t, http.MethodPost, path, "", tbJSON(t, ev))
	tbWantError(t, r, http.StatusNotFound, "NOT_FOUND")
	a.slSend(t, newPath, ev)
	// A member who is not an admin may not connect.
	m := a.Member(t, acct, taskbox.NewMember{Name: "Bo", Email: "bo@example.com", Role: taskbox.RoleMember})
	r = a.Post(t, "/api/v1/integrations/smartlead", m.Key, `{}`)
	tbWantError(t, r, http.StatusForbidden, "FORBIDDEN")
	// The secret key's length: the rule the settings page asks too.
	r = a.Post(t, "/api/v1/integrations/smartlead", acct.Key, `{"secret_key": "`+strings.Repeat("s", 256)+`"}`)
	if e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR"); e.Message != "Invalid field: secret_key must be at most 255 characters." {
		t.Errorf("a 256-byte secret_key: %s", r)
	}
	a.slConnect(t, acct.Key, `{"secret_key": "`+strings.Repeat("s", 255)+`"}`)
}

// TestSmartLead_CategoryAfterReply: the category event upgrades the
// reply's task; Not Interested then completes it, the audit naming the rule.
func TestSmartLead_CategoryAfterReply(t *testing.T) {
	a := tbNewAPI(t)
	// One instant for the whole test: the reply's task and the category's
	// due date would otherwise read the clock a moment apart.
	at := time.Now().UTC().Truncate(time.Second)
	a.DB.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: at} }
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	reply := slExample(t, "email_reply")
	cat := slExample(t, "lead_category_updated")
	cat["lead_email"], cat["to_email"], cat["campaign_id"] = "jamesparker75+2@gmail.com", "jamesparker75+2@gmail.com", 9181
	cat["lead_data"].(map[string]any)["email"] = "jamesparker75+2@gmail.com"
	cat["app_url"] = "https://app.smartlead.ai/app/master-inbox?leadMap=1438627"
	a.slSend(t, path, reply)
	a.slSend(t, path, cat)
	a.slSend(t, path, cat)
	a.slProcess(t)
	tasks := a.slTasks(t, acct.Key)
	if len(tasks) != 1 || tasks[0].Priority != "HIGH" || tasks[0].Status != "pending" || tasks[0].Category.Name != "Interested" {
		t.Fatalf("tasks = %+v, want one HIGH", tasks)
	}
	due, _ := time.Parse(time.RFC3339, tasks[0].DueDate)
	created, _ := time.Parse(time.RFC3339, tasks[0].CreatedAt)
	if d := due.Sub(created); d != time.Hour {
		t.Errorf("due %s, created %s: want an hour later", tasks[0].DueDate, tasks[0].CreatedAt)
	}
	no := slExample(t, "lead_category_updated")
	for k, v := range cat {
		no[k] = v
	}
	no["lead_category"] = map[string]any{"new_id": "3", "new_name": "Not Interested"}
	no["event_timestamp"] = "2025-01-16T10:00:00Z"
	a.slSend(t, path, no)
	a.slProcess(t)
	tasks = a.slTasks(t, acct.Key)
	if len(tasks) != 1 || tasks[0].Status != "completed" {
		t.Fatalf("tasks = %+v, want it completed", tasks)
	}
	r := a.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d/events", tasks[0].ID), acct.Key)
	if !strings.Contains(string(r.Body), `"type":"rule"`) || !strings.Contains(string(r.Body), `rule: Not interested`) {
		t.Errorf("audit = %s", r.Body)
	}
}

// TestSmartLead_RoundRobin assigns three replies to three members in turn.
func TestSmartLead_RoundRobin(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, data := a.slConnect(t, acct.Key, "")
	var ids []int64
	for _, n := range []string{"Ann", "Ben", "Cy"} {
		ids = append(ids, a.Member(t, acct, taskbox.NewMember{Name: n, Email: strings.ToLower(n) + "@example.com", Role: taskbox.RoleMember}).ID)
	}
	first := data["rules"].([]any)[0].(map[string]any)
	r := a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/rules/%v", first["id"]), acct.Key,
		`{"then":{"create_task":{"name":"Reply to {{lead.email}}","priority":"MEDIUM","due":"PT4H","business_hours":true,"assignee":"round_robin"}}}`)
	tbWantStatus(t, r, http.StatusOK)
	for i := range 4 {
		ev := slExample(t, "email_reply")
		ev["sl_lead_email"] = fmt.Sprintf("lead%d@example.com", i)
		ev["sl_email_lead_map_id"] = 5000 + i
		ev["stats_id"] = fmt.Sprintf("stats-%d", i)
		a.slSend(t, path, ev)
	}
	a.slProcess(t)
	got := map[int64]int{}
	for _, task := range a.slTasks(t, acct.Key) {
		if task.Assignee == nil {
			t.Fatalf("task %+v unassigned", task)
		}
		got[task.Assignee.ID]++
	}
	if got[ids[0]] != 2 || got[ids[1]] != 1 || got[ids[2]] != 1 {
		t.Errorf("assignments = %v over %v", got, ids)
	}
}

// TestSmartLead_Rules: the API's rules, their validation and isolation.
func TestSmartLead_Rules(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	other := a.Account(t, "other", "")
	_, data := a.slConnect(t, acct.Key, "")
	if n := len(data["rules"].([]any)); n != 6 {
		t.Fatalf("default rules = %d", n)
	}
	r := a.Post(t, "/api/v1/rules", acct.Key, `{"name":"x","on":"EMAIL_OPEN","then":{"create_task":{"name":"a","due":"4h","assignee":"boss"}}}`)
	tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	for _, f := range []string{`"on"`, `"then.create_task.due"`, `"then.create_task.assignee"`} {
		if !strings.Contains(string(r.Body), f) {
			t.Errorf("422 lacks %s: %s", f, r.Body)
		}
	}
	r = a.Post(t, "/api/v1/rules", acct.Key, `{"name":"x","on":"EMAIL_REPLY","then":{"complete_open_tasks":true,"snooze_open_tasks":"P1D"}}`)
	tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	r = a.Post(t, "/api/v1/rules", acct.Key, `{"name":"Bounce","on":["EMAIL_BOUNCE"],"when":{"campaign_ids":[1]},"then":{"complete_open_tasks":true}}`)
	tbWantStatus(t, r, http.StatusOK)
	var env struct {
		Data taskbox.Rule `json:"data"`
	}
	tbDecode(t, r.Body, &env)
	if env.Data.Position != 7 || !env.Data.Enabled {
		t.Errorf("rule = %s", r.Body)
	}
	p := fmt.Sprintf("/api/v1/rules/%d", env.Data.ID)
	tbWantError(t, a.Do(t, http.MethodPatch, p, other.Key, `{"enabled":false}`), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, a.Do(t, http.MethodDelete, p, other.Key, ``), http.StatusNotFound, "NOT_FOUND")
	tbWantStatus(t, a.Do(t, http.MethodPatch, p, acct.Key, `{"enabled":false}`), http.StatusOK)
	tbWantStatus(t, a.Do(t, http.MethodDelete, p, acct.Key, ``), http.StatusOK)
	tbWantError(t, a.Do(t, http.MethodDelete, p, acct.Key, ``), http.StatusNotFound, "NOT_FOUND")
	r = a.Get(t, "/api/v1/rules", other.Key)
	if strings.TrimSpace(string(r.Body)) != `{"ok":true,"data":[]}` {
		t.Errorf("other account's rules = %s", r.Body)
	}
	r = a.Get(t, "/api/v1/integrations/smartlead/events", other.Key)
	if strings.TrimSpace(string(r.Body)) != `{"ok":true,"data":[],"next_cursor":null}` {
		t.Errorf("other account's events = %s", r.Body)
	}
}

// TestSmartLead_RuleIdempotency: POST /api/v1/rules creates, so it honours
// an Idempotency-Key (SPEC §2): the same key and body answer the first rule
// again, marked replayed, and add none; another body is the 409.
func TestSmartLead_RuleIdempotency(t *testing.T) {
	t.Parallel()
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	a.slConnect(t, acct.Key, "")
	before := a.Count(t, "smartlead_rules")
	body := `{"name":"Bounce","on":"EMAIL_BOUNCE","then":{"complete_open_tasks":true}}`
	r1 := a.Post(t, "/api/v1/rules", acct.Key, body, "Idempotency-Key", "rule-1")
	tbWantStatus(t, r1, http.StatusOK)
	if v := r1.Header.Get("Idempotency-Replayed"); v != "" {
		t.Errorf("first answer has Idempotency-Replayed: %q", v)
	}
	r2 := a.Post(t, "/api/v1/rules", acct.Key, body, "Idempotency-Key", "rule-1")
	tbWantStatus(t, r2, http.StatusOK)
	if string(r2.Body) != string(r1.Body) || r2.Header.Get("Idempotency-Replayed") != "true" {
		t.Errorf("replay answered %s %v\nwant %s, replayed", r2.Body, r2.Header, r1.Body)
	}
	if n := a.Count(t, "smartlead_rules"); n != before+1 {
		t.Errorf("%d rules after a create and its replay, want %d", n, before+1)
	}
	r3 := a.Post(t, "/api/v1/rules", acct.Key, `{"name":"Other","on":"EMAIL_BOUNCE","then":{"complete_open_tasks":true}}`, "Idempotency-Key", "rule-1")
	if e := tbWantError(t, r3, http.StatusConflict, "CONFLICT"); e.Message != "This Idempotency-Key was already used with a different request." {
		t.Errorf("another body: message = %q", e.Message)
	}
	if n := a.Count(t, "smartlead_rules"); n != before+1 {
		t.Errorf("%d rules after the conflict, want %d", n, before+1)
	}
}

// TestSmartLead_CrashAfterAnswer: an event stored and answered, its
// server gone before processing it; a worker started later processes it
// once.
func TestSmartLead_CrashAfterAnswer(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	a.slSend(t, path, slExample(t, "email_reply"))
	if tasks := a.slTasks(t, acct.Key); len(tasks) != 0 {
		t.Fatalf("processed before the worker ran: %+v", tasks)
	}
	w := &events.Worker{DB: a.DB}
	w.Tick(context.Background())
	w.Tick(context.Background())
	if tasks := a.slTasks(t, acct.Key); len(tasks) != 1 {
		t.Fatalf("tasks = %+v, want 1", tasks)
	}
}

// TestSmartLead_CreateTaskOnMirroredLeadMap: SmartLead's own create-task
// for the lead map id of an event works and echoes it; taskbox's own ids
// go on after it.
func TestSmartLead_CreateTaskOnMirroredLeadMap(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	a.slSend(t, path, slExample(t, "email_reply"))
	a.slProcess(t)
	task, _ := a.CreateTask(t, acct.Key, `{"email_lead_map_id":"1438627","name":"Call James","priority":"HIGH"}`)
	if task.EmailLeadMapID != 1438627 {
		t.Fatalf("task = %+v", task)
	}
	c := a.Campaign(t, acct.Key, "Own")
	up := a.AddLeads(t, acct.Key, c, "own@example.com")
	if c <= 9181 || up.Leads[0].LeadMapID <= 1438627 {
		t.Errorf("campaign %d, lead map %d: ids do not go on after SmartLead's", c, up.Leads[0].LeadMapID)
	}
	// Another account that gets SmartLead's same ids mirrors them under ids of its own.
	other := a.Account(t, "other", "")
	p2, _ := a.slConnect(t, other.Key, "")
	a.slSend(t, p2, slExample(t, "email_reply"))
	a.slProcess(t)
	tasks := a.slTasks(t, other.Key)
	if len(tasks) != 1 || tasks[0].LeadMapID == 1438627 || tasks[0].Campaign == 9181 {
		t.Errorf("other account's tasks = %+v", tasks)
	}
	// Its create-task for SmartLead's id lands on its own lead map.
	task, _ = a.CreateTask(t, other.Key, `{"email_lead_map_id":1438627,"name":"x"}`)
	if task.EmailLeadMapID != tasks[0].LeadMapID {
		t.Errorf("other account's create-task for SmartLead's id = %+v, want lead map %d", task, tasks[0].LeadMapID)
	}
}

// TestSmartLead_TwoServers: two servers on one PostgreSQL database take
// the same event (a retry to the other one) and both run their workers:
// one task.
func TestSmartLead_TwoServers(t *testing.T) {
	if os.Getenv(testdb.PostgresEnv) == "" {
		t.Skip("needs PostgreSQL (" + testdb.PostgresEnv + ")")
	}
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	db2, err := store.Open(context.Background(), a.tdb.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	b := &tbAPI{URL: a.URL, DB: db2}
	ts2 := httptest.NewServer(tbHandler(db2))
	t.Cleanup(ts2.Close)
	srv2 := ts2.URL
	var wg sync.WaitGroup
	for i := range 10 {
		ev := slExample(t, "email_reply")
		ev["stats_id"] = fmt.Sprintf("s-%d", i%5)
		ev["sl_email_lead_map_id"] = 7000 + i%5
		ev["sl_lead_email"] = fmt.Sprintf("l%d@example.com", i%5)
		body := tbJSON(t, ev)
		for _, u := range []string{a.URL, srv2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := http.Post(u+path, "application/json", strings.NewReader(body))
				if err == nil {
					res.Body.Close()
				}
			}()
		}
	}
	wg.Wait()
	for _, db := range []*tbAPI{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := db.DB.ProcessInbound(context.Background(), 3); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	a.slProcess(t)
	if tasks := a.slTasks(t, acct.Key); len(tasks) != 5 {
		t.Fatalf("tasks = %d, want 5", len(tasks))
	}
}

// TestSmartLead_ReceiverLatency posts 300 events while a worker processes
// the backlog beside them: the receiver only stores, so its answers stay
// fast (p99 under a second).
func TestSmartLead_ReceiverLatency(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if _, err := a.DB.ProcessInbound(ctx, 5); err != nil && ctx.Err() == nil {
				t.Error(err)
			}
		}
	}()
	var took []time.Duration
	for i := range 300 {
		ev := slExample(t, "email_reply")
		ev["stats_id"] = fmt.Sprintf("lat-%d", i)
		ev["sl_lead_email"] = fmt.Sprintf("lat%d@example.com", i%50)
		ev["sl_email_lead_map_id"] = 90000 + i%50
		body := tbJSON(t, ev)
		start := time.Now()
		res, err := http.Post(a.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		took = append(took, time.Since(start))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	cancel()
	<-done
	slices.Sort(took)
	p50, p99 := took[len(took)/2], took[len(took)*99/100]
	t.Logf("receiver latency over %d events with processing beside: p50 %v, p99 %v, max %v", len(took), p50, p99, took[len(took)-1])
	if p99 > time.Second {
		t.Errorf("p99 %v, want under a second", p99)
	}
}

// TestSmartLead_OutOfOfficeSnoozes: the Out Of Office rule snoozes the lead
// map's open task for 7 days as a snooze through the API does: out of the
// inbox, counted as snoozed, audited, and back when its unsnooze timer
// fires, once.
func TestSmartLead_OutOfOfficeSnoozes(t *testing.T) {
	a := tbNewAPI(t)
	var clock atomic.Int64
	start := time.Date(2025, 3, 29, 12, 0, 0, 0, time.UTC)
	clock.Store(start.UnixMicro())
	a.DB.Now = func() taskbox.Timestamp { return taskbox.TimestampFromMicros(clock.Load()) }
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	a.slSend(t, path, slExample(t, "email_reply"))
	ooo := slExample(t, "lead_category_updated")
	ooo["lead_email"], ooo["campaign_id"], ooo["event_timestamp"] = "jamesparker75+2@gmail.com", 9181, "2025-03-29T11:00:00Z"
	delete(ooo, "to_email")
	delete(ooo, "lead_data")
	ooo["app_url"] = "https://app.smartlead.ai/app/master-inbox?leadMap=1438627"
	ooo["lead_category"] = map[string]any{"new_id": 6, "new_name": "Out Of Office"}
	a.slSend(t, path, ooo)
	a.slProcess(t)

	until := start.AddDate(0, 0, 7)
	tasks := a.slTasks(t, acct.Key)
	if len(tasks) != 1 || tasks[0].SnoozedUntil == nil || *tasks[0].SnoozedUntil != until.Format("2006-01-02T15:04:05.000Z") {
		t.Fatalf("tasks = %+v, want one snoozed until %v", tasks, until)
	}
	id := tasks[0].ID
	r := a.Get(t, "/api/v1/integrations/smartlead/events", acct.Key)
	if !strings.Contains(string(r.Body), "snoozed 1 open task(s) until 2025-04-05T12:00:00Z") {
		t.Errorf("events = %s", r.Body)
	}
	summary := func() string {
		r := a.Get(t, "/api/v1/master-inbox/tasks/summary", acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		return string(tbField(t, tbField(t, r.Body, "data"), "snoozed"))
	}
	if got := summary(); got != "1" {
		t.Errorf("summary snoozed = %s, want 1", got)
	}
	r = a.Get(t, "/api/v1/master-inbox/tasks", acct.Key)
	if strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d,`, id)) {
		t.Errorf("inbox lists the snoozed task: %s", r.Body)
	}
	r = a.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d/events", id), acct.Key)
	if !strings.Contains(string(r.Body), `"snoozed_until"`) {
		t.Errorf("audit trail = %s", r.Body)
	}

	// A second before the end nothing fires; at the end it fires once.
	fire := func() int {
		fired, err := a.DB.FireTimers(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		return fired[store.TimerUnsnooze]
	}
	clock.Store(until.Add(-time.Second).UnixMicro())
	if n := fire(); n != 0 {
		t.Fatalf("fired %d unsnooze timers before the end", n)
	}
	clock.Store(until.UnixMicro())
	if n := fire(); n != 1 {
		t.Fatalf("fired %d unsnooze timers at the end, want 1", n)
	}
	if n := fire(); n != 0 {
		t.Fatalf("fired %d unsnooze timers again", n)
	}
	if tasks := a.slTasks(t, acct.Key); len(tasks) != 1 || tasks[0].SnoozedUntil != nil {
		t.Fatalf("tasks = %+v, want unsnoozed", tasks)
	}
	if got := summary(); got != "0" {
		t.Errorf("summary snoozed = %s after the end, want 0", got)
	}
}

// TestSmartLead_OutOfOfficeAndUnsubscribe: Out Of Office says what snooze
// did; LEAD_UNSUBSCRIBED completes the open
// task; a custom category unknown to taskbox is created by name.
func TestSmartLead_OutOfOfficeAndUnsubscribe(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "")
	path, _ := a.slConnect(t, acct.Key, "")
	a.slSend(t, path, slExample(t, "email_reply"))
	cat := func(id any, name, at string) map[string]any {
		c := slExample(t, "lead_category_updated")
		c["lead_email"], c["campaign_id"], c["event_timestamp"] = "jamesparker75+2@gmail.com", 9181, at
		delete(c, "to_email")
		delete(c, "lead_data")
		c["app_url"] = "https://app.smartlead.ai/app/master-inbox?leadMap=1438627"
		c["lead_category"] = map[string]any{"new_id": id, "new_name": name}
		return c
	}
	a.slSend(t, path, cat(6, "Out Of Office", "2025-03-29T10:00:00Z"))
	a.slSend(t, path, cat(70001, "Budget next quarter", "2025-03-29T11:00:00Z"))
	a.slProcess(t)
	r := a.Get(t, "/api/v1/integrations/smartlead/events", acct.Key)
	if !strings.Contains(string(r.Body), "snooze") || !strings.Contains(string(r.Body), `category \"Budget next quarter\" created`) {
		t.Errorf("events = %s", r.Body)
	}
	tasks := a.slTasks(t, acct.Key)
	if len(tasks) != 1 || tasks[0].Category == nil || tasks[0].Category.Name != "Budget next quarter" || tasks[0].Category.ID < 1000 {
		t.Fatalf("tasks = %+v", tasks)
	}
	a.slSend(t, path, map[string]any{"event_type": "LEAD_UNSUBSCRIBED", "lead_email": "jamesparker75+2@gmail.com",
		"campaign_id": "9181", "sl_email_lead_map_id": "1438627", "event_timestamp": "2025-03-30T10:00:00Z"})
	a.slProcess(t)
	if tasks := a.slTasks(t, acct.Key); len(tasks) != 1 || tasks[0].Status != "completed" {
		t.Fatalf("tasks = %+v, want completed", tasks)
	}
}

// TestSmartLead_BusinessHours: a rule's due time in business hours counts
// the assignee's working hours in the assignee's zone, else the account's.
func TestSmartLead_BusinessHours(t *testing.T) {
	a := tbNewAPI(t)
	acct := a.Account(t, "sl", "Europe/Berlin")
	path, data := a.slConnect(t, acct.Key, "")
	tokyo := a.Member(t, acct, taskbox.NewMember{Name: "Aiko", Email: "aiko@example.com", Role: taskbox.RoleMember, Timezone: "Asia/Tokyo"})
	// Omar works Sunday to Thursday, 08:30–12:00, in Dubai (UTC+4).
	gulf := a.Member(t, acct, taskbox.NewMember{Name: "Omar", Email: "omar@example.com", Role: taskbox.RoleMember, Timezone: "Asia/Dubai"})
	tbWantStatus(t, a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/team-members/%d", gulf.ID), acct.Key,
		`{"digest_days":[7,1,2,3,4],"work_hours":{"start":"08:30","end":"12:00"}}`), http.StatusOK)
	friday := time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC) // 16:00 in Tokyo, 08:00 in Berlin, 11:00 in Dubai (not a working day)
	a.DB.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: friday} }
	first := data["rules"].([]any)[0].(map[string]any)
	for i, c := range []struct {
		assignee string
		want     time.Time
	}{
		{fmt.Sprint(tokyo.ID), time.Date(2026, 3, 9, 3, 0, 0, 0, time.UTC)}, // Monday 12:00 in Tokyo
		{"null", time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC)},              // Friday 13:00 in Berlin: 4 hours from 09:00
		// Sunday 08:30–12:00 is 3.5 hours; the last half hour is Monday 08:30–09:00 in Dubai
		{fmt.Sprint(gulf.ID), time.Date(2026, 3, 9, 5, 0, 0, 0, time.UTC)},
	} {
		r := a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/rules/%v", first["id"]), acct.Key,
			`{"then":{"create_task":{"name":"Reply to {{lead.email}}","due":"PT4H","business_hours":true,"assignee":`+c.assignee+`}}}`)
		tbWantStatus(t, r, http.StatusOK)
		ev := slExample(t, "email_reply")
		ev["sl_lead_email"], ev["sl_email_lead_map_id"], ev["stats_id"] = fmt.Sprintf("bh%d@example.com", i), 6100+i, fmt.Sprintf("bh-%d", i)
		a.slSend(t, path, ev)
		a.slProcess(t)
		found := false
		for _, task := range a.slTasks(t, acct.Key) {
			if task.LeadMapID != int64(6100+i) {
				continue
			}
			found = true
			if due, err := time.Parse(time.RFC3339, task.DueDate); err != nil || !due.Equal(c.want) {
				t.Errorf("assignee %s: due %q, want %s", c.assignee, task.DueDate, c.want.Format(time.RFC3339))
			}
		}
		if !found {
			t.Errorf("assignee %s: no task on lead map %d", c.assignee, 6100+i)
		}
	}
}
