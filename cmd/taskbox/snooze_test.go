package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// tasks snooze, unsnooze, list --snoozed and create --repeat as a user
// runs them against a real server.
func TestRemoteSnoozeAndRepeat(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t), "--demo")
	env := remoteEnv(t, s)
	var task struct {
		ID           int64           `json:"id"`
		SnoozedUntil *string         `json:"snoozed_until"`
		Recurrence   json.RawMessage `json:"recurrence"`
	}
	runJSON(t, env, &task, "tasks", "create", "--lead-map", "2433664091", "--name", "Weekly check-in",
		"--due", "2030-01-07T09:00:00Z", "--repeat", "FREQ=WEEKLY;BYDAY=MO,TH")
	if string(task.Recurrence) != `{"rule":"FREQ=WEEKLY;BYDAY=MO,TH","from":"due"}` {
		t.Fatalf("create --repeat: recurrence %s", task.Recurrence)
	}
	id := fmt.Sprint(task.ID)
	runJSON(t, env, &task, "tasks", "snooze", id, "2030-01-03")
	if task.SnoozedUntil == nil || *task.SnoozedUntil != "2030-01-03T09:00:00.000Z" {
		t.Fatalf("tasks snooze: snoozed_until %v", task.SnoozedUntil)
	}
	res := runCLI(t, env, "tasks", "list", "--snoozed", "true")
	if res.Code != 0 || !strings.Contains(res.Stdout, "Weekly check-in") {
		t.Errorf("tasks list --snoozed true: %d %s %s", res.Code, res.Stdout, res.Stderr)
	}
	res = runCLI(t, env, "tasks", "show", id)
	if !strings.Contains(res.Stdout, "every week on Monday, Thursday, from the due (FREQ=WEEKLY;BYDAY=MO,TH)") ||
		!strings.Contains(res.Stdout, "2030-01-03T09:00:00.000Z") {
		t.Errorf("tasks show: %s", res.Stdout)
	}
	runJSON(t, env, &task, "tasks", "unsnooze", id)
	if task.SnoozedUntil != nil {
		t.Errorf("tasks unsnooze: snoozed_until %v", *task.SnoozedUntil)
	}
	runJSON(t, env, &task, "tasks", "snooze", id, "2h")
	if at, err := time.Parse(time.RFC3339, *task.SnoozedUntil); err != nil || time.Until(at) < time.Hour {
		t.Errorf("tasks snooze 2h: %v", *task.SnoozedUntil)
	}
	expectCode(t, env, 4, "until", "tasks", "snooze", id, "2001-01-01")
	expectCode(t, env, 2, "future", "tasks", "snooze", id, "0h")
	expectCode(t, env, 4, "recurrence.rule", "tasks", "update", id, "--repeat", "FREQ=SOMETIMES")
	for _, help := range [][]string{{"tasks", "snooze", "--help"}, {"tasks", "unsnooze", "--help"}} {
		if res := runCLI(t, env, help...); res.Code != 0 || !strings.Contains(res.Stdout, "snooze") {
			t.Errorf("%v: %d %s", help, res.Code, res.Stdout)
		}
	}
}
