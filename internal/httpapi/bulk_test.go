package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestBulk_OneValidation: the bulk endpoints validate a well-typed body once,
// in the service; a body with type errors is answered by the handler, each
// entry's broken rules right after its type errors, as before. The last two
// answers are the service's: a broken set with no ids, or with a snooze in
// the past, names every fault (the handler used to stop at the set's).
func TestBulk_OneValidation(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "bulk", "")
	lm := api.LeadMap(t, acct.Key, "bulk@example.com")
	for _, c := range []struct{ path, body, message string }{
		{tbBulkCreatePath, `{"tasks":[]}`, "Invalid field: tasks must hold at least one task."},
		{tbBulkCreatePath, fmt.Sprintf(`{"tasks":[{"email_lead_map_id":%d,"name":" ","priority":"x"}]}`, lm),
			"2 fields are invalid: tasks[0].name, tasks[0].priority."},
		{tbBulkCreatePath, `{"tasks":[{"email_lead_map_id":0,"name":"","due_date":"bad"},{"email_lead_map_id":"x","name":3,"priority":"Z"},5,{"name":"ok","email_lead_map_id":-1}]}`,
			"8 fields are invalid: tasks[0].email_lead_map_id, tasks[0].name, tasks[0].due_date, tasks[1].email_lead_map_id, tasks[1].name, tasks[1].priority, tasks[2], tasks[3].email_lead_map_id."},
		{tbBulkUpdatePath, `{"ids":["x",0],"set":{"priority":"Q"}}`, "3 fields are invalid: ids[0], ids[1], set.priority."},
		{tbBulkUpdatePath, `{"ids":[1],"set":{"priority":"Q","due_date":"bad","status":"x"}}`, "3 fields are invalid: set.priority, set.due_date, set.status."},
		{tbBulkUpdatePath, `{"ids":[],"set":{"priority":"Q"}}`, "2 fields are invalid: ids, set.priority."},
		{tbBulkUpdatePath, `{"ids":[1],"set":{"snoozed_until":"2001-01-01T00:00:00Z","priority":"Q"}}`, "2 fields are invalid: set.priority, set.snoozed_until."},
	} {
		e := tbWantError(t, api.Post(t, c.path, acct.Key, c.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Message != c.message || e.Error.Message != c.message {
			t.Errorf("%s %s: message = %q, want %q", c.path, c.body, e.Message, c.message)
		}
	}
}
