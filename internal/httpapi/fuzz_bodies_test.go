package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// One fuzz target per body decoder besides create-task's (fuzz_test.go):
// PATCH, bulk-create, bulk-update and the lead upload. Each sends arbitrary
// bodies through the real handler over one database: no input may panic or
// get a status other than those SPEC.md §2 allows, every error is the
// envelope naming only fields the endpoint has, and a success is checked
// against what the database then holds. Seeds are in testdata/fuzz/<Name>.

// tbFuzzTask creates a task on the demo lead map and returns its id.
func tbFuzzTask(f *testing.F, h http.Handler, key, name string) int64 {
	rec := tbFuzzSend(h, key, http.MethodPost, tbCreateTaskPath, []byte(`{"email_lead_map_id": 2433664091, "name": `+tbQuote(name)+`}`))
	var env struct{ Data tbTask }
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil {
		f.Fatalf("create task: %d %s", rec.Code, rec.Body)
	}
	return env.Data.ID
}

// FuzzUpdateTask fuzzes PATCH …/tasks/{id} on one existing task.
func FuzzUpdateTask(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	id := tbFuzzTask(f, h, key.Secret, "fuzzed by PATCH")
	fields := regexp.MustCompile(`^(name|description|priority|due_date|status|assignee_id|snoozed_until|recurrence(\.(rule|from))?|reminders(\[\d+\])?)$`)
	f.Add([]byte(`{"status": "completed", "priority": "LOW", "due_date": null}`))
	f.Add([]byte(`{"snoozed_until": "2099-01-01", "recurrence": {"rule": "FREQ=WEEKLY;BYDAY=MO", "from": "completion"}, "reminders": ["PT15M", "P1D"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPatch, fmt.Sprintf("%s/%d", tbTasksPath, id), body)
		if out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 413, 422); out != nil {
			tbFuzzCheckTask(t, h, key.Secret, out)
		}
	})
}

// FuzzSnoozeTask fuzzes POST …/tasks/{id}/snooze on one existing task.
func FuzzSnoozeTask(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	id := tbFuzzTask(f, h, key.Secret, "fuzzed by snooze")
	fields := regexp.MustCompile(`^until$`)
	f.Add([]byte(`{"until": "2099-01-01"}`))
	f.Add([]byte(`{"until": "2099-01-01T09:00:00+02:00"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, fmt.Sprintf("%s/%d/snooze", tbTasksPath, id), body)
		if out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 413, 422); out != nil {
			tbFuzzCheckTask(t, h, key.Secret, out)
		}
	})
}

// FuzzBulkCreate fuzzes POST …/tasks/bulk-create.
func FuzzBulkCreate(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	fields := regexp.MustCompile(`^tasks(\[\d+\](\.(email_lead_map_id|name|description|priority|due_date|assignee_id|recurrence(\.(rule|from))?|reminders(\[\d+\])?))?)?$`)
	f.Add([]byte(`{"tasks": [{"email_lead_map_id": 2433664091, "name": "one"}, {"email_lead_map_id": "2433664091", "name": "two", "due_date": "2025-12-15"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, tbBulkCreatePath, body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 404, 413, 422)
		if out == nil {
			return
		}
		tasks := tbFuzzTaskList(t, out)
		if len(tasks) == 0 || len(tasks) > taskbox.MaxBulk {
			t.Fatalf("bulk-create made %d tasks", len(tasks))
		}
		tbFuzzCheckTaskData(t, h, key.Secret, tasks[0])
		tbFuzzCheckTaskData(t, h, key.Secret, tasks[len(tasks)-1])
	})
}

// FuzzBulkUpdate fuzzes POST …/tasks/bulk-update over three tasks.
func FuzzBulkUpdate(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	var ids []int64
	for i := 0; i < 3; i++ {
		ids = append(ids, tbFuzzTask(f, h, key.Secret, fmt.Sprint("bulk ", i)))
	}
	fields := regexp.MustCompile(`^(ids(\[\d+\])?|set(\.(status|priority|due_date|assignee_id|snoozed_until))?)$`)
	f.Add([]byte(fmt.Sprintf(`{"ids": [%d, %d], "set": {"status": "completed", "priority": "HIGH"}}`, ids[0], ids[2])))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, tbBulkUpdatePath, body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 404, 413, 422)
		if out == nil {
			return
		}
		tasks := tbFuzzTaskList(t, out)
		if len(tasks) == 0 || len(tasks) > taskbox.MaxBulk {
			t.Fatalf("bulk-update changed %d tasks", len(tasks))
		}
		tbFuzzCheckTaskData(t, h, key.Secret, tasks[len(tasks)-1]) // the last write of a task listed twice
	})
}

// tbFuzzTaskList reads the data of a bulk answer.
func tbFuzzTaskList(t *testing.T, out []byte) []json.RawMessage {
	t.Helper()
	var env struct {
		OK   bool              `json:"ok"`
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(out, &env); err != nil || !env.OK {
		t.Fatalf("success envelope = %s", out)
	}
	return env.Data
}

// FuzzAddLeads fuzzes POST /api/v1/campaigns/{id}/leads on one campaign.
func FuzzAddLeads(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	rec := tbFuzzSend(h, key.Secret, http.MethodPost, tbCampaignPath, []byte(`{"name": "fuzzed leads"}`))
	var campaign struct{ ID int64 }
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &campaign) != nil {
		f.Fatalf("create campaign: %d %s", rec.Code, rec.Body)
	}
	path := fmt.Sprintf("/api/v1/campaigns/%d/leads", campaign.ID)
	fields := regexp.MustCompile(`^lead_list(\[\d+\](\.(first_name|last_name|company_name|phone_number|website|location|linkedin_profile|company_url|custom_fields))?)?$`)
	f.Add([]byte(`{"lead_list": [{"email": "a@fuzz.example", "first_name": "A", "custom_fields": {"k": [1, "v"]}}, {"email": "A@FUZZ.example"}, {"email": "nope"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out := tbFuzzAnswer(t, tbFuzzSend(h, key.Secret, http.MethodPost, path, body), body, fields, 200, 400, 413, 422)
		if out == nil {
			return
		}
		var u tbUpload
		if err := json.Unmarshal(out, &u); err != nil || !u.OK {
			t.Fatalf("upload answer = %s", out)
		}
		if u.TotalLeads < 1 || u.TotalLeads > taskbox.MaxLeadsPerUpload ||
			u.UploadCount+u.AlreadyAddedToCampaign+u.DuplicateCount+u.InvalidEmailCount != u.TotalLeads ||
			len(u.Leads) != u.UploadCount+u.AlreadyAddedToCampaign {
			t.Fatalf("counts do not add up: %s", out)
		}
		for _, l := range u.Leads {
			if !taskbox.ValidEmail(l.Email) || l.LeadID <= 0 || l.LeadMapID <= 0 {
				t.Fatalf("lead %+v in %s", l, out)
			}
		}
	})
}

// FuzzSetReminder fuzzes SmartLead's POST …/set-reminder.
func FuzzSetReminder(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	fields := regexp.MustCompile(`^(email_lead_map_id|email_stats_id|message|reminder_time)$`)
	f.Add([]byte(`{"email_lead_map_id": 2433664091, "email_stats_id": "9", "message": "Call", "reminder_time": "2099-01-01T09:00:00Z"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, "/api/v1/master-inbox/set-reminder", body)
		if out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 404, 413, 422); out != nil && !json.Valid(out) {
			t.Fatalf("set-reminder answered %s", out)
		}
	})
}

// FuzzListReminders fuzzes SmartLead's POST …/reminders.
func FuzzListReminders(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	fields := regexp.MustCompile(`^(offset|limit|sortBy|filters(\.(search|campaignId|campaignTeamMemberId|leadCategories(\.(categoryIdsIn|categoryIdsNotIn))?))?)$`)
	f.Add([]byte(`{"offset": 0, "limit": 5, "sortBy": "REMINDER_TIME_DESC", "filters": {"search": "a", "leadCategories": {"categoryIdsIn": [1]}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, "/api/v1/master-inbox/reminders", body)
		if out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 413, 422); out != nil && !json.Valid(out) {
			t.Fatalf("reminders answered %s", out)
		}
	})
}
