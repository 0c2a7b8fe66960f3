package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

func TestReminders_Rules(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "remind", "")
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	for _, c := range []struct{ name, reminders, field, msg string }{
		{"not an array", `"PT15M"`, "reminders", "must be an array of ISO 8601 durations"},
		{"a number", `[15]`, "reminders[0]", "must be a string"},
		{"words", `["15 minutes"]`, "reminders[0]", taskbox.ReminderRule},
		{"months", `["P1M"]`, "reminders[0]", taskbox.ReminderRule},
		{"zero", `["PT0M"]`, "reminders[0]", taskbox.ReminderRule},
		{"negative", `["-PT15M"]`, "reminders[0]", taskbox.ReminderRule},
		{"T alone", `["P1DT"]`, "reminders[0]", taskbox.ReminderRule},
		{"units out of order", `["PT15M1H"]`, "reminders[0]", taskbox.ReminderRule},
		{"fraction", `["PT1.5H"]`, "reminders[0]", taskbox.ReminderRule},
		{"twice", `["PT15M", "P1D", "PT15M"]`, "reminders[2]", "must not repeat another reminder"},
		{"six", `["PT1M", "PT2M", "PT3M", "PT4M", "PT5M", "PT6M"]`, "reminders", "must hold at most 5 reminders"},
	} {
		r := api.Post(t, "/api/v1/master-inbox/create-task", acct.Key, tbTaskBody(lm, map[string]string{"reminders": c.reminders}))
		e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if got := e.Detail(c.field); got != c.msg {
			t.Errorf("%s: details %v, want %s: %q", c.name, e.Error.Details, c.field, c.msg)
		}
	}
	if n := api.Count(t, "tasks"); n != 0 {
		t.Fatalf("%d tasks stored by refused bodies", n)
	}
	task, r := api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"reminders": `["P1D", "PT15M", "P1W", "P1DT2H30M"]`, "due_date": `"2030-01-07"`}))
	if !strings.HasSuffix(strings.TrimSpace(string(r.Body)), `"reminders":["P1D","PT15M","P1W","P1DT2H30M"]}}`) {
		t.Fatalf("create: %s", r.Body)
	}
	path := fmt.Sprintf("%s/%d", tbTasksPath, task.ID)
	r = api.Do(t, http.MethodPatch, path, acct.Key, `{"reminders": ["PT30M"]}`)
	if !strings.Contains(string(r.Body), `"reminders":["PT30M"]`) {
		t.Errorf("PATCH reminders: %s", r.Body)
	}
	e := tbWantError(t, api.Do(t, http.MethodPatch, path, acct.Key, `{"reminders": ["soon"]}`), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if e.Detail("reminders[0]") != taskbox.ReminderRule {
		t.Errorf("PATCH bad reminder: %v", e.Error.Details)
	}
	r = api.Do(t, http.MethodPatch, path, acct.Key, `{"reminders": null}`)
	if !strings.Contains(string(r.Body), `"reminders":[]`) {
		t.Errorf("PATCH reminders null: %s", r.Body)
	}
}
