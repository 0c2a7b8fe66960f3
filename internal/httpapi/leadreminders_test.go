package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

const (
	tbSetReminderPath = "/api/v1/master-inbox/set-reminder"
	tbRemindersPath   = "/api/v1/master-inbox/reminders"
)

func TestSetReminder_ShapeAndList(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "remind", "")
	stranger := api.Account(t, "stranger", "")
	lm := api.LeadMap(t, acct.Key, "ada@example.com")
	soon := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	later := soon.Add(24 * time.Hour)
	body := func(at time.Time, msg string) string {
		return fmt.Sprintf(`{"email_lead_map_id": "%d", "email_stats_id": 77, "message": %q, "reminder_time": %q}`, lm, msg, at.Format(time.RFC3339))
	}
	r := api.Post(t, tbSetReminderPath, acct.Key, body(later, "Call about the contract"))
	tbWantStatus(t, r, http.StatusOK)
	shape := regexp.MustCompile(`^\{"ok":true,"message":"Reminder set successfully","data":\{"success":true,"reminder":\{"id":"\d+","created_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"\}\}\}$`)
	if !shape.MatchString(strings.TrimSpace(string(r.Body))) {
		t.Fatalf("set-reminder answer: %s", r.Body)
	}
	api.Post(t, tbSetReminderPath, acct.Key, body(soon, "Send the deck"))

	r = api.Post(t, tbRemindersPath, acct.Key, ``)
	tbWantStatus(t, r, http.StatusOK)
	got := strings.TrimSpace(string(r.Body))
	want := fmt.Sprintf(`{"ok":true,"data":[{"email_lead_map_id":"%d","email_lead_id":"1","lead_first_name":null,"lead_last_name":null,`+
		`"lead_email":"ada@example.com","email_campaign_id":1,"email_campaign_name":"Campaign of ada@example.com","lead_category_id":null,`+
		`"team_member_id":null,"is_snoozed":false,"reminder_id":"2","reminder_time":"%s","reminder_message":"Send the deck","is_overdue":false},`, lm, soon.Format(taskbox.TimestampLayout))
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, `],"offset":0,"limit":20,"total_count":2}`) {
		t.Fatalf("reminders:\n got %s\nwant %s…", got, want)
	}
	r = api.Post(t, tbRemindersPath, acct.Key, `{"offset": 1, "limit": 1, "sortBy": "REMINDER_TIME_DESC", "filters": {"search": "deck"}}`)
	if got := strings.TrimSpace(string(r.Body)); !strings.Contains(got, `"data":[]`) || !strings.HasSuffix(got, `"offset":1,"limit":1,"total_count":1}`) {
		t.Errorf("reminders page 2 of a search: %s", got)
	}
	r = api.Post(t, tbRemindersPath, acct.Key, `{"sortBy": "REMINDER_TIME_DESC", "filters": {"campaignId": "1", "leadCategories": {"categoryIdsNotIn": [3]}}}`)
	if got := string(r.Body); strings.Index(got, "Call about") > strings.Index(got, "Send the deck") || !strings.Contains(got, `"total_count":2`) {
		t.Errorf("reminders newest first: %s", got)
	}
	// Another account sees none, and cannot set one on this lead map.
	r = api.Post(t, tbRemindersPath, stranger.Key, `{}`)
	if !strings.Contains(string(r.Body), `"data":[],"offset":0,"limit":20,"total_count":0`) {
		t.Errorf("another account's list: %s", r.Body)
	}
	tbWantError(t, api.Post(t, tbSetReminderPath, stranger.Key, body(later, "x")), http.StatusNotFound, "NOT_FOUND")
}

func TestSetReminder_Rules(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "rules", "")
	lm := api.LeadMap(t, acct.Key, "ada@example.com")
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []struct{ name, body, field, msg string }{
		{"no lead map", `{"message": "m", "reminder_time": "` + future + `"}`, "email_lead_map_id", "is required"},
		{"lead_id instead", fmt.Sprintf(`{"lead_id": %d, "message": "m", "reminder_time": "%s"}`, lm, future), "email_lead_map_id", "is required"},
		{"no message", fmt.Sprintf(`{"email_lead_map_id": %d, "reminder_time": "%s"}`, lm, future), "message", "is required"},
		{"blank message", fmt.Sprintf(`{"email_lead_map_id": %d, "message": "  ", "reminder_time": "%s"}`, lm, future), "message", "must not be blank"},
		{"long message", fmt.Sprintf(`{"email_lead_map_id": %d, "message": "%s", "reminder_time": "%s"}`, lm, strings.Repeat("x", 10001), future), "message", "must be at most 10000 characters"},
		{"no time", fmt.Sprintf(`{"email_lead_map_id": %d, "message": "m"}`, lm), "reminder_time", "is required"},
		{"past", fmt.Sprintf(`{"email_lead_map_id": %d, "message": "m", "reminder_time": "2001-01-01T00:00:00Z"}`, lm), "reminder_time", taskbox.ReminderTimeRule},
		{"a date", fmt.Sprintf(`{"email_lead_map_id": %d, "message": "m", "reminder_time": "2099-01-01"}`, lm), "reminder_time", taskbox.ReminderTimeRule},
		{"words", fmt.Sprintf(`{"email_lead_map_id": %d, "message": "m", "reminder_time": "tomorrow"}`, lm), "reminder_time", taskbox.ReminderTimeRule},
		{"stats id object", fmt.Sprintf(`{"email_lead_map_id": %d, "email_stats_id": {}, "message": "m", "reminder_time": "%s"}`, lm, future), "email_stats_id", "must be a string or an integer"},
	} {
		e := tbWantError(t, api.Post(t, tbSetReminderPath, acct.Key, c.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if got := e.Detail(c.field); got != c.msg {
			t.Errorf("%s: details %v, want %s: %q", c.name, e.Error.Details, c.field, c.msg)
		}
	}
	tbWantError(t, api.Post(t, tbSetReminderPath, acct.Key, fmt.Sprintf(`{"email_lead_map_id": 99999, "message": "m", "reminder_time": "%s"}`, future)), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, api.Post(t, tbSetReminderPath, acct.Key, `[]`), http.StatusBadRequest, "BAD_REQUEST")
	for _, c := range []struct{ body, field string }{
		{`{"limit": 0}`, "limit"}, {`{"limit": 21}`, "limit"}, {`{"limit": 2.5}`, "limit"}, {`{"offset": -1}`, "offset"},
		{`{"sortBy": "NEWEST"}`, "sortBy"}, {`{"filters": []}`, "filters"}, {`{"filters": {"campaignId": "x"}}`, "filters.campaignId"},
		{`{"filters": {"leadCategories": {"categoryIdsIn": ["a"]}}}`, "filters.leadCategories.categoryIdsIn"},
	} {
		e := tbWantError(t, api.Post(t, tbRemindersPath, acct.Key, c.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail(c.field) == "" {
			t.Errorf("%s: details %v, want %s", c.body, e.Error.Details, c.field)
		}
	}
	tbWantError(t, api.Post(t, tbRemindersPath, acct.Key, `nope`), http.StatusBadRequest, "BAD_REQUEST")
}

// TestSetReminder_Idempotent: set-reminder honours Idempotency-Key as the
// other creating POSTs do: a retry answers the first reminder and stores
// none more; the key with another body is a conflict.
func TestSetReminder_Idempotent(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "remind", "")
	lm := api.LeadMap(t, acct.Key, "ada@example.com")
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	body := fmt.Sprintf(`{"email_lead_map_id": %d, "message": "Call", "reminder_time": %q}`, lm, at)
	r := api.Post(t, tbSetReminderPath, acct.Key, body, "Idempotency-Key", "rem-1")
	tbWantStatus(t, r, http.StatusOK)
	again := api.Post(t, tbSetReminderPath, acct.Key, body, "Idempotency-Key", "rem-1")
	if again.Status != http.StatusOK || string(again.Body) != string(r.Body) || again.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("replay = %s (replayed %q), want %s", again, again.Header.Get("Idempotency-Replayed"), r.Body)
	}
	if n := api.Count(t, "lead_reminders"); n != 1 {
		t.Fatalf("%d reminders after a replay, want 1", n)
	}
	tbWantError(t, api.Post(t, tbSetReminderPath, acct.Key, strings.Replace(body, "Call", "Mail", 1), "Idempotency-Key", "rem-1"),
		http.StatusConflict, "CONFLICT")
	if n := api.Count(t, "lead_reminders"); n != 1 {
		t.Fatalf("%d reminders after a conflict, want 1", n)
	}
}

// TestReminders_LeadMapFields: a row's lead_category_id is its lead map's
// category, the category filters select by it, and is_snoozed says that
// the lead map's open tasks are all snoozed.
func TestReminders_LeadMapFields(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "remind", "")
	hot := api.LeadMap(t, acct.Key, "hot@example.com")
	cold := api.LeadMap(t, acct.Key, "cold@example.com")
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, lm := range []int64{hot, cold} {
		tbWantStatus(t, api.Post(t, tbSetReminderPath, acct.Key, fmt.Sprintf(`{"email_lead_map_id": %d, "message": "m", "reminder_time": %q}`, lm, at)), http.StatusOK)
	}
	tbWantStatus(t, api.Do(t, http.MethodPatch, "/api/v1/master-inbox/update-category", acct.Key,
		fmt.Sprintf(`{"email_lead_map_id": %d, "category_id": 2}`, hot)), http.StatusOK)
	// hot: two open tasks, both snoozed; cold: one snoozed, one not.
	snoozed := func(lm int64) {
		task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
		tbWantStatus(t, api.Post(t, fmt.Sprintf("%s/%d/snooze", tbTasksPath, task.ID), acct.Key, `{"until": "2099-01-01"}`), http.StatusOK)
	}
	snoozed(hot)
	snoozed(hot)
	snoozed(cold)
	api.CreateTask(t, acct.Key, tbTaskBody(cold, nil))

	type row struct {
		LeadMapID string `json:"email_lead_map_id"`
		Category  *int64 `json:"lead_category_id"`
		Snoozed   bool   `json:"is_snoozed"`
	}
	list := func(body string) []row {
		t.Helper()
		r := api.Post(t, tbRemindersPath, acct.Key, body)
		tbWantStatus(t, r, http.StatusOK)
		var env struct{ Data []row }
		tbDecode(t, r.Body, &env)
		return env.Data
	}
	rows := list(`{}`)
	if len(rows) != 2 || rows[0].LeadMapID != fmt.Sprint(hot) || rows[0].Category == nil || *rows[0].Category != 2 || !rows[0].Snoozed ||
		rows[1].Category != nil || rows[1].Snoozed {
		t.Fatalf("rows = %+v, want hot (category 2, snoozed) then cold (none, not snoozed)", rows)
	}
	if rows := list(`{"filters": {"leadCategories": {"categoryIdsIn": [2, 5]}}}`); len(rows) != 1 || rows[0].LeadMapID != fmt.Sprint(hot) {
		t.Errorf("categoryIdsIn [2, 5] = %+v, want hot", rows)
	}
	if rows := list(`{"filters": {"leadCategories": {"categoryIdsNotIn": [2]}}}`); len(rows) != 1 || rows[0].LeadMapID != fmt.Sprint(cold) {
		t.Errorf("categoryIdsNotIn [2] = %+v, want cold (no category)", rows)
	}
	ids := strings.Repeat("1,", 100) + "1"
	e := tbWantError(t, api.Post(t, tbRemindersPath, acct.Key, `{"filters": {"leadCategories": {"categoryIdsIn": [`+ids+`]}}}`),
		http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if got := e.Detail("filters.leadCategories.categoryIdsIn"); got != "must hold at most 100 category ids" {
		t.Errorf("101 ids: %v", e.Error.Details)
	}
}
