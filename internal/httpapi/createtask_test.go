package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// TestCreateTaskValidation: every rule of SPEC.md §3.1 that makes a 422, with
// the field named in details and its message.
func TestCreateTaskValidation(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	const (
		mustBeInt    = "must be an integer"
		mustBePos    = "must be an integer greater than 0"
		required     = "is required"
		mustBeString = "must be a string"
		blank        = "must not be blank"
		tooLongName  = "must be at most 255 characters"
		tooLongDesc  = "must be at most 10000 characters"
	)
	q := tbQuote
	for _, tc := range []struct {
		name  string
		raw   map[string]string // raw JSON values replacing the valid ones; "" removes
		field string
		msg   string // the detail's message; "" checks only the field
	}{
		{"email_lead_map_id missing", map[string]string{"email_lead_map_id": ""}, "email_lead_map_id", required},
		{"email_lead_map_id null", map[string]string{"email_lead_map_id": "null"}, "email_lead_map_id", required},
		{"email_lead_map_id zero", map[string]string{"email_lead_map_id": "0"}, "email_lead_map_id", mustBePos},
		{"email_lead_map_id minus zero", map[string]string{"email_lead_map_id": "-0"}, "email_lead_map_id", mustBePos},
		{"email_lead_map_id negative", map[string]string{"email_lead_map_id": "-5"}, "email_lead_map_id", mustBePos},
		{"email_lead_map_id fraction", map[string]string{"email_lead_map_id": "1.5"}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id exponent", map[string]string{"email_lead_map_id": "1e3"}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id 1e400", map[string]string{"email_lead_map_id": "1e400"}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id boolean", map[string]string{"email_lead_map_id": "true"}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id object", map[string]string{"email_lead_map_id": `{"id": 1}`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id array", map[string]string{"email_lead_map_id": `[1]`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id non-digit string", map[string]string{"email_lead_map_id": `"12a"`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id empty string", map[string]string{"email_lead_map_id": `""`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id signed string", map[string]string{"email_lead_map_id": `"-5"`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id spaced string", map[string]string{"email_lead_map_id": `" 5"`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id fraction string", map[string]string{"email_lead_map_id": `"5.0"`}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id fullwidth digits", map[string]string{"email_lead_map_id": q("１２")}, "email_lead_map_id", mustBeInt},
		{"email_lead_map_id 50 digits", map[string]string{"email_lead_map_id": strings.Repeat("9", 50)}, "email_lead_map_id", "is too large"},
		{"email_lead_map_id 50-digit string", map[string]string{"email_lead_map_id": q(strings.Repeat("9", 50))}, "email_lead_map_id", "is too large"},
		{"email_lead_map_id just over int64", map[string]string{"email_lead_map_id": "9223372036854775808"}, "email_lead_map_id", "is too large"},

		{"name missing", map[string]string{"name": ""}, "name", required},
		{"name null", map[string]string{"name": "null"}, "name", required},
		{"name number", map[string]string{"name": "42"}, "name", mustBeString},
		{"name boolean", map[string]string{"name": "false"}, "name", mustBeString},
		{"name array", map[string]string{"name": `["x"]`}, "name", mustBeString},
		{"name empty", map[string]string{"name": `""`}, "name", blank},
		{"name spaces", map[string]string{"name": `"    "`}, "name", blank},
		{"name tabs and newlines", map[string]string{"name": `"\t\n\r "`}, "name", blank},
		{"name unicode spaces", map[string]string{"name": q("\u00a0\u2003\u3000\u2028\u200b\ufeff\u2060")}, "name", blank},
		{"name 256 characters", map[string]string{"name": q(strings.Repeat("n", 256))}, "name", tooLongName},
		{"name 256 multibyte characters", map[string]string{"name": q(strings.Repeat("é", 256))}, "name", tooLongName},
		{"name NUL", map[string]string{"name": `"a\u0000b"`}, "name", "must not contain NUL characters"},

		{"description 10001 characters", map[string]string{"description": q(strings.Repeat("d", 10001))}, "description", tooLongDesc},
		{"description number", map[string]string{"description": "1"}, "description", mustBeString},
		{"description object", map[string]string{"description": `{"text": "x"}`}, "description", mustBeString},

		{"priority lower case", map[string]string{"priority": `"high"`}, "priority", taskbox.PriorityRule},
		{"priority mixed case", map[string]string{"priority": `"Low"`}, "priority", taskbox.PriorityRule},
		{"priority empty", map[string]string{"priority": `""`}, "priority", taskbox.PriorityRule},
		{"priority other word", map[string]string{"priority": `"URGENT"`}, "priority", taskbox.PriorityRule},
		{"priority padded", map[string]string{"priority": `" HIGH"`}, "priority", taskbox.PriorityRule},
		{"priority number", map[string]string{"priority": "3"}, "priority", ""},

		{"due_date words", map[string]string{"due_date": `"next Tuesday"`}, "due_date", taskbox.DueDateFormats},
		{"due_date month 13", map[string]string{"due_date": `"2025-13-01"`}, "due_date", taskbox.DueDateFormats},
		{"due_date February 30", map[string]string{"due_date": `"2025-02-30"`}, "due_date", taskbox.DueDateFormats},
		{"due_date hour 25", map[string]string{"due_date": `"2025-12-15T25:00:00Z"`}, "due_date", taskbox.DueDateFormats},
		{"due_date slashes", map[string]string{"due_date": `"12/15/2025"`}, "due_date", taskbox.DueDateFormats},
		{"due_date empty", map[string]string{"due_date": `""`}, "due_date", taskbox.DueDateFormats},
		{"due_date unix seconds string", map[string]string{"due_date": `"1765789200"`}, "due_date", taskbox.DueDateFormats},
		{"due_date number", map[string]string{"due_date": "1765789200"}, "due_date", ""},
		// An offset must not carry the instant out of four-digit years, or the
		// task could not be read back.
		{"due_date into year 10000", map[string]string{"due_date": `"9999-12-31T23:30:00-01:00"`}, "due_date", taskbox.DueDateFormats},
		{"due_date into year -1", map[string]string{"due_date": `"0000-01-01T00:00:00+01:00"`}, "due_date", taskbox.DueDateFormats},
		// Nor the calendar feed's end of the event (a day, or 30 minutes, later).
		{"due_date 9999-12-31", map[string]string{"due_date": `"9999-12-31"`}, "due_date", taskbox.DueDateRange},
		{"due_date last instant of year 9999", map[string]string{"due_date": `"9999-12-31T23:59:59.999Z"`}, "due_date", taskbox.DueDateRange},
		{"due_date offset of 24 hours", map[string]string{"due_date": `"2026-01-01T10:00:00+24:00"`}, "due_date", taskbox.DueDateFormats},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := api.Post(t, tbCreateTaskPath, acct.Key, tbTaskBody(mapID, tc.raw))
			e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if got := e.Fields(); len(got) != 1 || got[0] != tc.field {
				t.Fatalf("details fields = %v, want [%s]", got, tc.field)
			}
			if tc.msg != "" && e.Detail(tc.field) != tc.msg {
				t.Errorf("detail = %q, want %q", e.Detail(tc.field), tc.msg)
			}
			if want := fmt.Sprintf("Invalid field: %s %s.", tc.field, e.Detail(tc.field)); e.Message != want {
				t.Errorf("message = %q, want %q", e.Message, want)
			}
		})
	}
	t.Run("due_date message names the accepted forms", func(t *testing.T) {
		r := api.Post(t, tbCreateTaskPath, acct.Key, tbTaskBody(mapID, map[string]string{"due_date": `"next Tuesday"`}))
		e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		for _, form := range []string{"2025-12-15T09:00:00Z", "offset", "time zone", "2025-12-15)"} {
			if !strings.Contains(e.Message, form) {
				t.Errorf("message %q does not mention %q", e.Message, form)
			}
		}
	})
	if n := api.Count(t, "tasks"); n != 0 {
		t.Errorf("%d tasks were created by invalid requests", n)
	}
}

// TestCreateTaskEveryFaultyField: a 422 lists every faulty field at once.
func TestCreateTaskEveryFaultyField(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	for _, tc := range []struct {
		name, body string
		fields     []string
	}{
		{"empty object", `{}`, []string{"email_lead_map_id", "name"}},
		{"all five", `{"email_lead_map_id": 1.5, "name": " ", "description": 7, "priority": "high", "due_date": "next Tuesday"}`,
			[]string{"description", "due_date", "email_lead_map_id", "name", "priority"}},
		{"rule errors", fmt.Sprintf(`{"email_lead_map_id": 0, "name": %q, "description": %q, "priority": "", "due_date": "2025-13-01"}`,
			strings.Repeat("n", 300), strings.Repeat("d", 10001)),
			[]string{"description", "due_date", "email_lead_map_id", "name", "priority"}},
		{"unknown fields ignored", `{"foo": 1, "email_lead_map_id": "x", "priority": "urgent", "name": "ok"}`,
			[]string{"email_lead_map_id", "priority"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tbWantError(t, api.Post(t, tbCreateTaskPath, acct.Key, tc.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
			if got := e.Fields(); !slices.Equal(got, tc.fields) {
				t.Errorf("details fields = %v, want %v", got, tc.fields)
			}
			for _, d := range e.Error.Details {
				if d.Message == "" {
					t.Errorf("field %s has no message", d.Field)
				}
			}
			if len(tc.fields) > 1 {
				want := fmt.Sprintf("%d fields are invalid: ", len(tc.fields))
				if !strings.HasPrefix(e.Message, want) {
					t.Errorf("message = %q, want it to start with %q", e.Message, want)
				}
			}
		})
	}
}

// TestCreateTaskAccepted: the values §3.1 accepts and how they are echoed;
// GET of the new task returns the same object.
func TestCreateTaskAccepted(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	mapID := api.LeadMap(t, acct.Key, "lead@acme.example")
	q := tbQuote
	str := func(s string) *string { return &s }
	name255 := strings.Repeat("x", 254) + "é"
	for _, tc := range []struct {
		name     string
		raw      map[string]string
		wantName string
		wantDesc *string
		wantPrio string
		wantDue  *string
	}{
		{"minimal", nil, "Follow up", nil, "MEDIUM", nil},
		{"lead map id as digit string", map[string]string{"email_lead_map_id": q(strconv.FormatInt(mapID, 10))}, "Follow up", nil, "MEDIUM", nil},
		{"lead map id with leading zeros in a string", map[string]string{"email_lead_map_id": q("000" + strconv.FormatInt(mapID, 10))}, "Follow up", nil, "MEDIUM", nil},
		{"name trimmed", map[string]string{"name": q("  \u00a0Call them\u200b \n")}, "Call them", nil, "MEDIUM", nil},
		{"name 255 characters", map[string]string{"name": q(name255)}, name255, nil, "MEDIUM", nil},
		{"name 255 characters after trimming", map[string]string{"name": q("   " + name255 + "\t")}, name255, nil, "MEDIUM", nil},
		{"name with HTML stays as sent", map[string]string{"name": q(`<b>Tom & "Jerry"</b>`)}, `<b>Tom & "Jerry"</b>`, nil, "MEDIUM", nil},
		{"description null", map[string]string{"description": "null"}, "Follow up", nil, "MEDIUM", nil},
		{"description empty", map[string]string{"description": `""`}, "Follow up", str(""), "MEDIUM", nil},
		{"description 10000 characters", map[string]string{"description": q(strings.Repeat("ü", 10000))}, "Follow up", str(strings.Repeat("ü", 10000)), "MEDIUM", nil},
		{"description not trimmed", map[string]string{"description": q("  line 1\nline 2  ")}, "Follow up", str("  line 1\nline 2  "), "MEDIUM", nil},
		{"priority null", map[string]string{"priority": "null"}, "Follow up", nil, "MEDIUM", nil},
		{"priority LOW", map[string]string{"priority": `"LOW"`}, "Follow up", nil, "LOW", nil},
		{"priority MEDIUM", map[string]string{"priority": `"MEDIUM"`}, "Follow up", nil, "MEDIUM", nil},
		{"priority HIGH", map[string]string{"priority": `"HIGH"`}, "Follow up", nil, "HIGH", nil},
		{"due_date null", map[string]string{"due_date": "null"}, "Follow up", nil, "MEDIUM", nil},
		{"due_date Z", map[string]string{"due_date": `"2025-12-15T09:00:00Z"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00Z")},
		{"due_date offset", map[string]string{"due_date": `"2025-12-15T11:00:00+02:00"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00Z")},
		{"due_date negative offset across midnight", map[string]string{"due_date": `"2025-12-14T23:30:00-05:00"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T04:30:00Z")},
		{"due_date zero offset", map[string]string{"due_date": `"2025-12-15T09:00:00+00:00"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00Z")},
		{"due_date .000Z", map[string]string{"due_date": `"2025-12-15T09:00:00.000Z"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00Z")},
		{"due_date .250Z", map[string]string{"due_date": `"2025-12-15T09:00:00.250Z"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00.250Z")},
		{"due_date .25Z", map[string]string{"due_date": `"2025-12-15T09:00:00.25Z"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00.250Z")},
		{"due_date fraction with offset", map[string]string{"due_date": `"2025-12-15T11:00:00.5+02:00"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00.500Z")},
		{"due_date date only", map[string]string{"due_date": `"2025-12-15"`}, "Follow up", nil, "MEDIUM", str("2025-12-15")},
		{"due_date in the past", map[string]string{"due_date": `"2001-01-01T00:00:00Z"`}, "Follow up", nil, "MEDIUM", str("2001-01-01T00:00:00Z")},
		{"due_date leap day", map[string]string{"due_date": `"2028-02-29"`}, "Follow up", nil, "MEDIUM", str("2028-02-29")},
		{"due_date last instant accepted", map[string]string{"due_date": `"9999-12-30T23:59:59.999Z"`}, "Follow up", nil, "MEDIUM", str("9999-12-30T23:59:59.999Z")},
		{"due_date last day accepted", map[string]string{"due_date": `"9999-12-30"`}, "Follow up", nil, "MEDIUM", str("9999-12-30")},
		{"due_date nanoseconds", map[string]string{"due_date": `"2025-12-15T09:00:00.123456789Z"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00.123456789Z")},
		{"due_date without offset in UTC account", map[string]string{"due_date": `"2025-12-15T09:00:00"`}, "Follow up", nil, "MEDIUM", str("2025-12-15T09:00:00Z")},
		{"unknown fields ignored", map[string]string{"status": `"completed"`, "id": "5", "extra": `{"a": [1, 2]}`}, "Follow up", nil, "MEDIUM", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task, r := api.CreateTask(t, acct.Key, tbTaskBody(mapID, tc.raw))
			if task.EmailLeadMapID != mapID || task.Name != tc.wantName || task.Priority != tc.wantPrio {
				t.Errorf("task = %+v, want lead map %d, name %q, priority %s", task, mapID, tc.wantName, tc.wantPrio)
			}
			if !tbEqualPtr(task.Description, tc.wantDesc) {
				t.Errorf("description = %s, want %s", tbShow(task.Description), tbShow(tc.wantDesc))
			}
			if !tbEqualPtr(task.DueDate, tc.wantDue) {
				t.Errorf("due_date = %s, want %s", tbShow(task.DueDate), tbShow(tc.wantDue))
			}
			if task.Status != "pending" || task.CompletedAt != nil || task.UpdatedAt != task.CreatedAt {
				t.Errorf("new task status %q, completed_at %v, updated_at %q vs created_at %q",
					task.Status, tbShow(task.CompletedAt), task.UpdatedAt, task.CreatedAt)
			}
			got := api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", task.ID), acct.Key)
			tbWantTask(t, got)
			if string(got.Body) != string(r.Body) {
				t.Errorf("GET answers\n%s\nafter create answered\n%s", got.Body, r.Body)
			}
		})
	}
}

// TestCreateTaskResponse checks the answer's shape and the ids it carries.
func TestCreateTaskResponse(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Acme", "")
	campaignID := api.Campaign(t, acct.Key, "Q4")
	u := api.AddLeads(t, acct.Key, campaignID, "ann@acme.example", "bob@acme.example")
	first, r := api.CreateTask(t, acct.Key, tbTaskBody(u.Leads[1].LeadMapID, nil))
	tbWantJSONType(t, r)
	if first.CampaignID != campaignID || first.LeadID != u.Leads[1].LeadID {
		t.Errorf("campaign_id %d, lead_id %d; want %d, %d", first.CampaignID, first.LeadID, campaignID, u.Leads[1].LeadID)
	}
	for _, key := range []string{"description", "due_date", "completed_at"} {
		if v := string(tbField(t, tbField(t, r.Body, "data"), key)); v != "null" {
			t.Errorf("%s = %s, want null", key, v)
		}
	}
	second, _ := api.CreateTask(t, acct.Key, tbTaskBody(u.Leads[1].LeadMapID, nil))
	if second.ID == first.ID {
		t.Errorf("two tasks got the same id %d", first.ID)
	}
	other := api.Account(t, "Other", "")
	third, _ := api.CreateTask(t, other.Key, tbTaskBody(api.LeadMap(t, other.Key, "c@o.example"), nil))
	if third.ID == first.ID || third.ID == second.ID {
		t.Errorf("ids are not unique across accounts: %d, %d, %d", first.ID, second.ID, third.ID)
	}
	t.Run("unknown lead map", func(t *testing.T) {
		for _, id := range []string{"999999", `"999999"`, "9223372036854775807"} {
			r := api.Post(t, tbCreateTaskPath, acct.Key, tbTaskBody(0, map[string]string{"email_lead_map_id": id}))
			if e := tbWantError(t, r, http.StatusNotFound, "NOT_FOUND"); e.Message != "Lead map not found." {
				t.Errorf("message = %q", e.Message)
			}
		}
	})
	t.Run("unknown task", func(t *testing.T) {
		for _, id := range []string{"999999", "0", "-1", "abc", "1.0", "99999999999999999999"} {
			tbWantError(t, api.Get(t, "/api/v1/master-inbox/tasks/"+id, acct.Key), http.StatusNotFound, "NOT_FOUND")
		}
	})
}

// TestCreateTaskTimeZone: a due date without an offset is taken in the
// account's time zone, with its daylight saving time.
func TestCreateTaskTimeZone(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	for _, tc := range []struct {
		tz, due, want string
	}{
		{"America/New_York", "2025-12-15T09:00:00", "2025-12-15T14:00:00Z"}, // EST, UTC-5
		{"America/New_York", "2025-07-15T09:00:00", "2025-07-15T13:00:00Z"}, // EDT, UTC-4
		{"America/New_York", "2025-12-15T09:00", "2025-12-15T14:00:00Z"},
		{"America/New_York", "2025-12-15T21:30:00.125", "2025-12-16T02:30:00.125Z"},
		{"America/New_York", "2025-12-15T11:00:00+02:00", "2025-12-15T09:00:00Z"}, // an offset wins
		{"America/New_York", "2025-12-15", "2025-12-15"},                          // a date stays a date
		{"Asia/Kolkata", "2025-12-15T09:00:00", "2025-12-15T03:30:00Z"},
		{"Pacific/Auckland", "2025-01-01T00:00:00", "2024-12-31T11:00:00Z"},
	} {
		t.Run(tc.tz+" "+tc.due, func(t *testing.T) {
			acct := api.Account(t, "Zone "+tc.tz, tc.tz)
			mapID := api.LeadMap(t, acct.Key, "lead@zone.example")
			task, _ := api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"due_date": tbQuote(tc.due)}))
			if task.DueDate == nil || *task.DueDate != tc.want {
				t.Errorf("due_date = %s, want %s", tbShow(task.DueDate), tc.want)
			}
		})
	}
}

// TestCreateTaskSourceExample sends the source document's example request
// verbatim against the demo data and expects its answer.
func TestCreateTaskSourceExample(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "default", "")
	if loaded, err := api.DB.LoadDemo(context.Background(), acct.ID); err != nil || !loaded {
		t.Fatalf("LoadDemo = %v, %v", loaded, err)
	}
	const body = `{
    "email_lead_map_id": 2433664091,
    "name": "Follow up on enterprise proposal",
    "description": "Send pricing breakdown for 50-seat plan",
    "priority": "HIGH",
    "due_date": "2025-12-15T09:00:00Z"
  }`
	task, r := api.CreateTask(t, acct.Key, body)
	if store.DemoLeadMapID != 2433664091 || task.EmailLeadMapID != 2433664091 {
		t.Errorf("email_lead_map_id = %d", task.EmailLeadMapID)
	}
	if task.Name != "Follow up on enterprise proposal" || tbShow(task.Description) != "Send pricing breakdown for 50-seat plan" ||
		task.Priority != "HIGH" || tbShow(task.DueDate) != "2025-12-15T09:00:00Z" {
		t.Errorf("fields not echoed: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), `"email_lead_map_id":2433664091,`) {
		t.Errorf("email_lead_map_id is not written as a plain integer: %s", r.Body)
	}
	t.Run("as a digit string", func(t *testing.T) {
		task, _ := api.CreateTask(t, acct.Key, strings.Replace(body, "2433664091", `"2433664091"`, 1))
		if task.EmailLeadMapID != 2433664091 {
			t.Errorf("email_lead_map_id = %d", task.EmailLeadMapID)
		}
	})
	t.Run("another account", func(t *testing.T) {
		other := api.Account(t, "other", "")
		tbWantError(t, api.Post(t, tbCreateTaskPath, other.Key, body), http.StatusNotFound, "NOT_FOUND")
	})
}

func tbEqualPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func tbShow(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
