package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// snoozedUntil reads a task answer's snoozed_until ("null" when not snoozed).
func snoozedUntil(t *testing.T, r *tbResp) string {
	t.Helper()
	tbWantStatus(t, r, http.StatusOK)
	return string(tbField(t, tbField(t, r.Body, "data"), "snoozed_until"))
}

func TestSnooze_HidesTheTaskUntilUnsnoozed(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "snooze", "Asia/Tokyo")
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"due_date": `"2020-01-01"`}))
	other, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))

	// A date means 09:00 that day in the account's zone (Tokyo: 00:00Z).
	day := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	r := api.Post(t, fmt.Sprintf("%s/%d/snooze", tbTasksPath, task.ID), acct.Key, `{"until": "`+day+`"}`)
	if got := snoozedUntil(t, r); got != `"`+day+`T00:00:00.000Z"` {
		t.Fatalf("snoozed_until = %s, want %sT00:00:00.000Z", got, day)
	}
	// The due date is untouched, and the key order holds: snoozed_until
	// and recurrence after the existing fields.
	if !strings.Contains(string(r.Body), `"due_date":"2020-01-01"`) || !strings.Contains(string(r.Body), `"campaign":{`) ||
		strings.Index(string(r.Body), `"snoozed_until"`) < strings.Index(string(r.Body), `"campaign":{`) ||
		!strings.HasSuffix(strings.TrimSpace(string(r.Body)), `"recurrence":null,"reminders":[]}}`) {
		t.Errorf("snoozed task: %s", r.Body)
	}

	ids := func(query string) string {
		var page tbList
		r := api.Get(t, tbTasksPath+query, acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		tbDecode(t, r.Body, &page)
		var out []string
		for _, raw := range page.Data {
			out = append(out, string(tbField(t, raw, "id")))
		}
		return strings.Join(out, ",")
	}
	one, two := fmt.Sprint(task.ID), fmt.Sprint(other.ID)
	for query, want := range map[string]string{
		"": two, "?snoozed=false": two, "?snoozed=true": one, "?snoozed=all": one + "," + two,
		"?due=overdue": "", "?due=overdue&snoozed=all": one, "?status=all": two,
	} {
		if got := ids(query); got != want {
			t.Errorf("inbox%s = [%s], want [%s]", query, got, want)
		}
	}
	r = api.Get(t, tbTasksPath+"/summary", acct.Key)
	tbWantStatus(t, r, http.StatusOK)
	if want := `{"ok":true,"data":{"overdue":0,"today":0,"upcoming":0,"no_due_date":1,"completed":0,"snoozed":1}}`; strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("summary = %s, want %s", r.Body, want)
	}

	// Unsnooze: back at once, counted again; the audit trail has both.
	r = api.Post(t, fmt.Sprintf("%s/%d/unsnooze", tbTasksPath, task.ID), acct.Key, ``)
	if got := snoozedUntil(t, r); got != "null" {
		t.Fatalf("after unsnooze snoozed_until = %s", got)
	}
	if got := ids(""); got != one+","+two {
		t.Errorf("inbox after unsnooze = [%s]", got)
	}
	r = api.Get(t, tbTasksPath+"/summary", acct.Key)
	if want := `{"ok":true,"data":{"overdue":1,"today":0,"upcoming":0,"no_due_date":1,"completed":0,"snoozed":0}}`; strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("summary = %s, want %s", r.Body, want)
	}
	r = api.Get(t, fmt.Sprintf("%s/%d/events", tbTasksPath, task.ID), acct.Key)
	if n := strings.Count(string(r.Body), `"snoozed_until":{"old"`); n != 2 {
		t.Errorf("%d snoozed_until changes in the trail, want 2: %s", n, r.Body)
	}

	// Bulk: set.snoozed_until snoozes both, null unsnoozes them; a
	// date-time with an offset is kept as its instant.
	until := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	body := fmt.Sprintf(`{"ids": [%d, %d], "set": {"snoozed_until": %q}}`, task.ID, other.ID, until.In(time.FixedZone("", 2*3600)).Format(time.RFC3339))
	r = api.Post(t, tbTasksPath+"/bulk-update", acct.Key, body)
	tbWantStatus(t, r, http.StatusOK)
	if n := strings.Count(string(r.Body), `"snoozed_until":"`+until.Format(taskbox.TimestampLayout)+`"`); n != 2 {
		t.Errorf("bulk snooze: %s", r.Body)
	}
	if got := ids(""); got != "" {
		t.Errorf("inbox after bulk snooze = [%s]", got)
	}
	r = api.Post(t, tbTasksPath+"/bulk-update", acct.Key, fmt.Sprintf(`{"ids": [%d, %d], "set": {"snoozed_until": null}}`, task.ID, other.ID))
	if n := strings.Count(string(r.Body), `"snoozed_until":null`); n != 2 {
		t.Errorf("bulk unsnooze: %s", r.Body)
	}

	// Completing a snoozed task ends its snooze.
	api.Post(t, fmt.Sprintf("%s/%d/snooze", tbTasksPath, task.ID), acct.Key, `{"until": "`+day+`"}`)
	r = api.Post(t, fmt.Sprintf("%s/%d/complete", tbTasksPath, task.ID), acct.Key, ``)
	if got := snoozedUntil(t, r); got != "null" {
		t.Errorf("a completed task stays snoozed: %s", r.Body)
	}
	r = api.Get(t, tbTasksPath+"/summary", acct.Key)
	if want := `{"ok":true,"data":{"overdue":0,"today":0,"upcoming":0,"no_due_date":1,"completed":1,"snoozed":0}}`; strings.TrimSpace(string(r.Body)) != want {
		t.Errorf("summary = %s, want %s", r.Body, want)
	}
}

// TestSnooze_Zones: a snooze's date means 09:00 that day in the zone of
// the member who snoozes, but a date-time without an offset is taken in
// the account's zone, as a due date is and as the 422's sentence says
// (docs/time.md); the two zones differ here (Tokyo, UTC+9; Paris, UTC+1).
func TestSnooze_Zones(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "zones", "Asia/Tokyo")
	ana := api.Member(t, acct, taskbox.NewMember{Name: "Ana", Email: "ana@zones.example", Timezone: "Europe/Paris"})
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
	path := fmt.Sprintf("%s/%d/snooze", tbTasksPath, task.ID)
	day := time.Now().AddDate(1, 0, 0).Format(time.DateOnly) // in winter or summer: the offsets differ by 7 or 8 hours
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	at := func(loc *time.Location, hour int) string {
		d, err := time.ParseInLocation(time.DateOnly, day, loc)
		if err != nil {
			t.Fatal(err)
		}
		return `"` + d.Add(time.Duration(hour)*time.Hour).UTC().Format("2006-01-02T15:04:05.000Z") + `"`
	}
	for _, c := range []struct{ name, body, want string }{
		{"a date, 09:00 in the member's zone", `{"until": "` + day + `"}`, at(paris, 9)},
		{"a date-time without an offset, in the account's zone", `{"until": "` + day + `T10:00:00"}`, at(tokyo, 10)},
		{"a date-time with an offset", `{"until": "` + day + `T10:00:00Z"}`, at(time.UTC, 10)},
	} {
		if got := snoozedUntil(t, api.Post(t, path, ana.Key, c.body)); got != c.want {
			t.Errorf("%s: snoozed_until = %s, want %s", c.name, got, c.want)
		}
	}
	r := api.Do(t, http.MethodPatch, fmt.Sprintf("%s/%d", tbTasksPath, task.ID), ana.Key, `{"snoozed_until": "`+day+`T11:00:00"}`)
	if got, want := snoozedUntil(t, r), at(tokyo, 11); got != want {
		t.Errorf("PATCH without an offset: snoozed_until = %s, want %s", got, want)
	}
}

func TestSnooze_Rules(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "rules", "")
	stranger := api.Account(t, "stranger", "")
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
	done, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
	api.Post(t, fmt.Sprintf("%s/%d/complete", tbTasksPath, done.ID), acct.Key, ``)
	path := fmt.Sprintf("%s/%d/snooze", tbTasksPath, task.ID)
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for _, c := range []struct{ name, path, body, field, msg string }{
		{"missing until", path, `{}`, "until", "is required"},
		{"null until", path, `{"until": null}`, "until", "is required"},
		{"number", path, `{"until": 5}`, "until", "must be a string"},
		{"words", path, `{"until": "next Tuesday"}`, "until", taskbox.SnoozeUntilRule},
		{"bad date", path, `{"until": "2030-13-01"}`, "until", taskbox.SnoozeUntilRule},
		{"past", path, `{"until": "` + past + `"}`, "until", taskbox.SnoozeUntilRule},
		{"yesterday", path, `{"until": "2001-01-01"}`, "until", taskbox.SnoozeUntilRule},
		{"completed", fmt.Sprintf("%s/%d/snooze", tbTasksPath, done.ID), `{"until": "2099-01-01"}`, "until", "cannot snooze a completed task"},
		{"patch past", "", `{"snoozed_until": "` + past + `"}`, "snoozed_until", taskbox.SnoozeUntilRule},
		{"bulk past", tbTasksPath + "/bulk-update", fmt.Sprintf(`{"ids": [%d], "set": {"snoozed_until": "%s"}}`, task.ID, past), "set.snoozed_until", taskbox.SnoozeUntilRule},
		{"bulk completed", tbTasksPath + "/bulk-update", fmt.Sprintf(`{"ids": [%d, %d], "set": {"snoozed_until": "2099-01-01"}}`, task.ID, done.ID), "set.snoozed_until", "cannot snooze a completed task"},
	} {
		var r *tbResp
		if c.path == "" {
			r = api.Do(t, http.MethodPatch, fmt.Sprintf("%s/%d", tbTasksPath, task.ID), acct.Key, c.body)
		} else {
			r = api.Post(t, c.path, acct.Key, c.body)
		}
		e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if got := e.Detail(c.field); got != c.msg {
			t.Errorf("%s: details %v, want %s: %q", c.name, e.Error.Details, c.field, c.msg)
		}
	}
	// Nothing half-stored: the bulk update that failed on its second task
	// left the first unsnoozed.
	if got := snoozedUntil(t, api.Get(t, fmt.Sprintf("%s/%d", tbTasksPath, task.ID), acct.Key)); got != "null" {
		t.Errorf("a failed bulk snooze left the first task snoozed: %s", got)
	}
	tbWantError(t, api.Post(t, path, acct.Key, `[]`), http.StatusBadRequest, "BAD_REQUEST")
	tbWantError(t, api.Post(t, path, acct.Key, ``), http.StatusBadRequest, "BAD_REQUEST")
	tbWantError(t, api.Get(t, tbTasksPath+"?snoozed=yes", acct.Key), http.StatusBadRequest, "BAD_REQUEST")
	// Another account's task is missing, in both directions.
	tbWantError(t, api.Post(t, path, stranger.Key, `{"until": "2099-01-01"}`), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, api.Post(t, fmt.Sprintf("%s/%d/unsnooze", tbTasksPath, task.ID), stranger.Key, ``), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, api.Post(t, tbTasksPath+"/99999/snooze", acct.Key, `{"until": "2099-01-01"}`), http.StatusNotFound, "NOT_FOUND")
}

// TestSnooze_Summary: the summary takes snoozed as the inbox does. Its
// sections leave snoozed tasks out by default, count only them with
// snoozed=true and all tasks with snoozed=all; "snoozed" counts the snoozed
// tasks in every mode. The account's summary (the day counts) and an
// assignee's (the tasks themselves) agree; a bad value is the inbox's 400.
func TestSnooze_Summary(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "snoozesum", "Europe/Berlin")
	lm := api.LeadMap(t, acct.Key, "lead@example.com")
	overdue, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"due_date": `"2020-01-01"`}))
	upcoming, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, map[string]string{"due_date": `"2099-01-01T10:00:00Z"`}))
	api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
	done, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
	tbWantStatus(t, api.Post(t, fmt.Sprintf("%s/%d/complete", tbTasksPath, done.ID), acct.Key, ``), http.StatusOK)
	day := time.Now().AddDate(0, 0, 3).Format(time.DateOnly)
	for _, id := range []int64{overdue.ID, upcoming.ID} {
		tbWantStatus(t, api.Post(t, fmt.Sprintf("%s/%d/snooze", tbTasksPath, id), acct.Key, `{"until": "`+day+`"}`), http.StatusOK)
	}

	const (
		exclude = `{"ok":true,"data":{"overdue":0,"today":0,"upcoming":0,"no_due_date":1,"completed":1,"snoozed":2}}`
		only    = `{"ok":true,"data":{"overdue":1,"today":0,"upcoming":1,"no_due_date":0,"completed":0,"snoozed":2}}`
		all     = `{"ok":true,"data":{"overdue":1,"today":0,"upcoming":1,"no_due_date":1,"completed":1,"snoozed":2}}`
	)
	for query, want := range map[string]string{"": exclude, "snoozed=false": exclude, "snoozed=true": only, "snoozed=all": all} {
		for _, q := range []string{query, query + "&assignee=none"} {
			r := api.Get(t, tbTasksPath+"/summary?"+q, acct.Key)
			tbWantStatus(t, r, http.StatusOK)
			if got := strings.TrimSpace(string(r.Body)); got != want {
				t.Errorf("summary?%s = %s, want %s", q, got, want)
			}
		}
	}
	const msg = "The snoozed query parameter must be true, false or all."
	for _, path := range []string{tbTasksPath + "/summary?snoozed=bogus", tbTasksPath + "/summary?assignee=none&snoozed=TRUE", tbTasksPath + "?snoozed=bogus"} {
		e := tbWantError(t, api.Get(t, path, acct.Key), http.StatusBadRequest, "BAD_REQUEST")
		if e.Error.Message != msg {
			t.Errorf("%s: message %q, want %q", path, e.Error.Message, msg)
		}
	}
}
