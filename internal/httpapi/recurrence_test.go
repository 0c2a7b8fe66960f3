package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

func TestRecurrence_Rules(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "repeat", "")
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	for _, c := range []struct{ name, recurrence, field, msg string }{
		{"not an object", `"weekly"`, "recurrence", "must be an object"},
		{"no rule", `{"from": "due"}`, "recurrence.rule", "is required"},
		{"rule not a string", `{"rule": 7}`, "recurrence.rule", "must be a string"},
		{"blank rule", `{"rule": "  "}`, "recurrence.rule", "is required"},
		{"no FREQ", `{"rule": "BYDAY=MO"}`, "recurrence.rule", taskbox.RecurrenceRuleRule},
		{"unknown FREQ", `{"rule": "FREQ=SOMETIMES"}`, "recurrence.rule", taskbox.RecurrenceRuleRule},
		{"out of range", `{"rule": "FREQ=DAILY;BYHOUR=25"}`, "recurrence.rule", taskbox.RecurrenceRuleRule},
		{"DTSTART", `{"rule": "DTSTART:20250101T000000Z\nRRULE:FREQ=DAILY"}`, "recurrence.rule", taskbox.RecurrenceRuleRule},
		{"too long", `{"rule": "FREQ=DAILY;` + strings.Repeat("BYHOUR=1;", 60) + `"}`, "recurrence.rule", "must be at most 500 bytes"},
		{"bad from", `{"rule": "FREQ=DAILY", "from": "start"}`, "recurrence.from", "must be due or completion"},
		{"empty from", `{"rule": "FREQ=DAILY", "from": ""}`, "recurrence.from", "must be due or completion"},
	} {
		r := api.Post(t, "/api/v1/master-inbox/create-task", acct.Key, tbTaskBody(lm, map[string]string{"recurrence": c.recurrence}))
		e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if got := e.Detail(c.field); got != c.msg {
			t.Errorf("%s: details %v, want %s: %q", c.name, e.Error.Details, c.field, c.msg)
		}
		r = api.Post(t, tbTasksPath+"/bulk-create", acct.Key, `{"tasks": [`+tbTaskBody(lm, map[string]string{"recurrence": c.recurrence})+`]}`)
		e = tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if got := e.Detail("tasks[0]." + c.field); got != c.msg {
			t.Errorf("bulk %s: details %v", c.name, e.Error.Details)
		}
	}
	if n := api.Count(t, "tasks"); n != 0 {
		t.Fatalf("%d tasks stored by refused bodies", n)
	}

	// Accepted: from defaults to due; PATCH changes it, null ends it.
	task, r := api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"recurrence": `{"rule": " FREQ=WEEKLY;BYDAY=MO,TH "}`, "due_date": `"2030-01-07"`}))
	if !strings.HasSuffix(strings.TrimSpace(string(r.Body)), `"snoozed_until":null,"recurrence":{"rule":"FREQ=WEEKLY;BYDAY=MO,TH","from":"due"},"reminders":[]}}`) {
		t.Fatalf("create: %s", r.Body)
	}
	path := fmt.Sprintf("%s/%d", tbTasksPath, task.ID)
	r = api.Do(t, http.MethodPatch, path, acct.Key, `{"recurrence": {"rule": "FREQ=MONTHLY", "from": "completion"}}`)
	if !strings.Contains(string(r.Body), `"recurrence":{"rule":"FREQ=MONTHLY","from":"completion"}`) {
		t.Errorf("PATCH recurrence: %s", r.Body)
	}
	e := tbWantError(t, api.Do(t, http.MethodPatch, path, acct.Key, `{"recurrence": {"rule": "FREQ=NEVER"}}`), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if e.Detail("recurrence.rule") != taskbox.RecurrenceRuleRule {
		t.Errorf("PATCH bad rule: %v", e.Error.Details)
	}
	r = api.Do(t, http.MethodPatch, path, acct.Key, `{"recurrence": null}`)
	if !strings.Contains(string(r.Body), `"recurrence":null`) {
		t.Errorf("PATCH recurrence null: %s", r.Body)
	}
	// Completing a task that no longer recurs makes nothing.
	api.Post(t, path+"/complete", acct.Key, ``)
	if n := api.Count(t, "tasks"); n != 1 {
		t.Errorf("%d tasks after completing an ended series, want 1", n)
	}
	// Completing a recurring one answers the completed task; the next is in the inbox.
	task, _ = api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"recurrence": `{"rule": "FREQ=DAILY"}`, "due_date": `"2030-01-07"`}))
	r = api.Post(t, fmt.Sprintf("%s/%d/complete", tbTasksPath, task.ID), acct.Key, ``)
	tbWantStatus(t, r, http.StatusOK)
	r = api.Get(t, tbTasksPath, acct.Key)
	if !strings.Contains(string(r.Body), `"due_date":"2030-01-08"`) {
		t.Errorf("the next occurrence is not in the inbox: %s", r.Body)
	}
}
