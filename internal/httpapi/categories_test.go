package httpapi_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

const tbUpdateCategoryPath = "/api/v1/master-inbox/update-category"

// tbDefaultCategories is SmartLead's nine, as fetch-categories lists them.
const tbDefaultCategories = `{"id":1,"created_at":"2022-01-01T00:00:00.000Z","name":"Interested","sentiment_type":"positive"},` +
	`{"id":2,"created_at":"2022-01-01T00:00:00.000Z","name":"Meeting Request","sentiment_type":"positive"},` +
	`{"id":3,"created_at":"2022-01-01T00:00:00.000Z","name":"Not Interested","sentiment_type":"negative"},` +
	`{"id":4,"created_at":"2022-01-01T00:00:00.000Z","name":"Do Not Contact","sentiment_type":"negative"},` +
	`{"id":5,"created_at":"2022-01-01T00:00:00.000Z","name":"Information Request","sentiment_type":"positive"},` +
	`{"id":6,"created_at":"2022-01-01T00:00:00.000Z","name":"Out Of Office","sentiment_type":null},` +
	`{"id":7,"created_at":"2022-01-01T00:00:00.000Z","name":"Wrong Person","sentiment_type":"neutral"},` +
	`{"id":8,"created_at":"2022-01-01T00:00:00.000Z","name":"Uncategorizable by Ai","sentiment_type":null},` +
	`{"id":9,"created_at":"2022-01-01T00:00:00.000Z","name":"Sender Originated Bounce","sentiment_type":"negative"}`

const tbCategoryUpdated = `{"ok":true,"message":"Lead category updated successfully","data":{"success":true,"updated":1}}` + "\n"

// Category creates an account category and returns its answer's data.
func (a *tbAPI) Category(t testing.TB, key, name string, sentiment any) (id int64, createdAt string) {
	t.Helper()
	r := a.Post(t, "/api/v1/leads/categories", key, tbJSON(t, map[string]any{"name": name, "sentiment_type": sentiment}))
	tbWantStatus(t, r, http.StatusOK)
	var c struct {
		Data struct {
			ID        int64  `json:"id"`
			CreatedAt string `json:"created_at"`
		} `json:"data"`
	}
	tbDecode(t, r.Body, &c)
	return c.Data.ID, c.Data.CreatedAt
}

func TestCategories_FetchAndCreate(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	other := api.Account(t, "bolt", "")
	r := api.Get(t, "/api/v1/leads/fetch-categories", acct.Key)
	if r.Status != http.StatusOK || string(r.Body) != "["+tbDefaultCategories+"]\n" {
		t.Fatalf("fetch-categories = %s", r)
	}
	create := api.Post(t, "/api/v1/leads/categories", acct.Key, `{"name": " Hot lead ", "sentiment_type": "positive"}`, "Idempotency-Key", "c1")
	tbWantStatus(t, create, http.StatusOK)
	var c struct {
		Data struct {
			ID        int64  `json:"id"`
			CreatedAt string `json:"created_at"`
		} `json:"data"`
	}
	tbDecode(t, create.Body, &c)
	own := fmt.Sprintf(`{"id":%d,"created_at":"%s","name":"Hot lead","sentiment_type":"positive"}`, c.Data.ID, c.Data.CreatedAt)
	if c.Data.ID < 1000 || string(create.Body) != `{"ok":true,"data":`+own+"}\n" {
		t.Fatalf("create = %s", create.Body)
	}
	replay := api.Post(t, "/api/v1/leads/categories", acct.Key, `{"name": " Hot lead ", "sentiment_type": "positive"}`, "Idempotency-Key", "c1")
	if string(replay.Body) != string(create.Body) || replay.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("replay = %s", replay)
	}
	noSentiment, at := api.Category(t, acct.Key, "Later", nil)
	if r := api.Get(t, "/api/v1/leads/fetch-categories", acct.Key); string(r.Body) != "["+tbDefaultCategories+","+own+
		fmt.Sprintf(`,{"id":%d,"created_at":"%s","name":"Later","sentiment_type":null}`, noSentiment, at)+"]\n" {
		t.Fatalf("fetch-categories with the account's = %s", r.Body)
	}
	// Another account sees only the defaults.
	if r := api.Get(t, "/api/v1/leads/fetch-categories", other.Key); string(r.Body) != "["+tbDefaultCategories+"]\n" {
		t.Fatalf("other account's categories = %s", r.Body)
	}
	for _, tc := range []struct{ body, field, msg string }{
		{`{}`, "name", "is required"},
		{`{"category_name": "x"}`, "name", "is required"},
		{`{"name": "  "}`, "name", "must not be blank"},
		{`{"name": "` + strings.Repeat("n", 256) + `"}`, "name", "must be at most 255 characters"},
		{`{"name": 7}`, "name", "must be a string"},
		{`{"name": "x", "sentiment_type": "happy"}`, "sentiment_type", "must be positive, negative, neutral or null"},
		{`{"name": "x", "sentiment_type": "POSITIVE"}`, "sentiment_type", "must be positive, negative, neutral or null"},
		{`{"name": "x", "sentiment_type": 1}`, "sentiment_type", "must be a string"},
		{`{"name": "HOT LEAD"}`, "name", "is the name of another lead category of the account"},
		{`{"name": "interested"}`, "name", "is the name of another lead category of the account"},
	} {
		e := tbWantError(t, api.Post(t, "/api/v1/leads/categories", acct.Key, tc.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail(tc.field) != tc.msg || len(e.Error.Details) != 1 {
			t.Errorf("%s: details %+v, want %s %s", tc.body, e.Error.Details, tc.field, tc.msg)
		}
	}
	// The same name in another account is its own.
	api.Category(t, other.Key, "Hot lead", "neutral")
}

func TestUpdateCategory(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	other := api.Account(t, "bolt", "")
	campaign := api.Campaign(t, acct.Key, "Q1")
	lead := api.AddLeads(t, acct.Key, campaign, "zoe@acme.example").Leads[0]
	otherMap := api.LeadMap(t, other.Key, "max@bolt.example")
	own, _ := api.Category(t, acct.Key, "Hot lead", "positive")
	theirs, _ := api.Category(t, other.Key, "Theirs", nil)
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lead.LeadMapID, nil))
	category := func() string {
		t.Helper()
		r := api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", task.ID), acct.Key)
		tbWantStatus(t, r, http.StatusOK)
		body, _, _ := strings.Cut(string(r.Body), `,"snoozed_until":`) // the fields after it: another branch's
		i := strings.LastIndex(body, `,"lead_category":`)
		if i < 0 {
			t.Fatalf("task without lead_category last: %s", r.Body)
		}
		return body[i+len(`,"lead_category":`):]
	}
	if got := category(); got != "null" {
		t.Fatalf("new task's category = %s", got)
	}
	id := strconv.FormatInt(lead.LeadMapID, 10)
	for _, tc := range []struct{ body, want string }{
		{`{"email_lead_map_id": ` + id + `, "category_id": 2}`, `{"id":2,"name":"Meeting Request"}`},
		{`{"email_lead_map_id": "` + id + `", "category_id": "` + strconv.FormatInt(own, 10) + `"}`, fmt.Sprintf(`{"id":%d,"name":"Hot lead"}`, own)},
		{`{"email_lead_map_id": ` + id + `, "category_id": null}`, `null`},
		{`{"email_lead_map_id": ` + id + `, "category_id": 1}`, `{"id":1,"name":"Interested"}`},
	} {
		r := api.Do(t, http.MethodPatch, tbUpdateCategoryPath, acct.Key, tc.body)
		if r.Status != http.StatusOK || string(r.Body) != tbCategoryUpdated {
			t.Fatalf("%s: %s", tc.body, r)
		}
		if got := category(); got != tc.want {
			t.Errorf("%s: task's lead_category = %s, want %s", tc.body, got, tc.want)
		}
	}
	// The inbox filters by it.
	api.CreateTask(t, acct.Key, tbTaskBody(api.LeadMap(t, acct.Key, "other@acme.example"), nil))
	for _, tc := range []struct {
		q    string
		want int
	}{{"lead_category_id=1", 1}, {"lead_category_id=2", 0}, {"", 2}} {
		r := api.Get(t, "/api/v1/master-inbox/tasks?"+tc.q, acct.Key)
		var page struct {
			Data []struct {
				ID int64 `json:"id"`
			} `json:"data"`
		}
		tbWantStatus(t, r, http.StatusOK)
		tbDecode(t, r.Body, &page)
		if len(page.Data) != tc.want || (tc.want == 1 && page.Data[0].ID != task.ID) {
			t.Errorf("?%s: %s", tc.q, r.Body)
		}
	}
	for _, q := range []string{"lead_category_id=x", "lead_category_id=0", "lead_category_id=-1"} {
		tbWantError(t, api.Get(t, "/api/v1/master-inbox/tasks?"+q, acct.Key), http.StatusBadRequest, "BAD_REQUEST")
	}
	for _, tc := range []struct{ name, body, field, msg string }{
		{"a category name", `{"email_lead_map_id": ` + id + `, "category_id": "Interested"}`, "category_id", "must be an integer"},
		{"the name's field", `{"email_lead_map_id": ` + id + `, "category": "Interested"}`, "category_id", "is required (null clears the category)"},
		{"no lead map", `{"category_id": 1}`, "email_lead_map_id", "is required"},
		{"lead_id for the lead map", `{"lead_id": ` + id + `, "category_id": 1}`, "email_lead_map_id", "is required"},
		{"category 0", `{"email_lead_map_id": ` + id + `, "category_id": 0}`, "category_id", "must be an integer greater than 0, or null"},
		{"an unknown category", `{"email_lead_map_id": ` + id + `, "category_id": 10}`, "category_id",
			"must be the id of a lead category of the account (GET /api/v1/leads/fetch-categories lists them)"},
		{"another account's category", `{"email_lead_map_id": ` + id + `, "category_id": ` + strconv.FormatInt(theirs, 10) + `}`, "category_id",
			"must be the id of a lead category of the account (GET /api/v1/leads/fetch-categories lists them)"},
	} {
		e := tbWantError(t, api.Do(t, http.MethodPatch, tbUpdateCategoryPath, acct.Key, tc.body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail(tc.field) != tc.msg || !strings.Contains(e.Message, tc.field) {
			t.Errorf("%s: %+v, want %s %s", tc.name, e, tc.field, tc.msg)
		}
	}
	if got := category(); got != `{"id":1,"name":"Interested"}` {
		t.Fatalf("refused changes changed the category: %s", got)
	}
	for _, body := range []string{
		fmt.Sprintf(`{"email_lead_map_id": %d, "category_id": 1}`, otherMap),
		`{"email_lead_map_id": 99999999, "category_id": 1}`,
	} {
		tbWantError(t, api.Do(t, http.MethodPatch, tbUpdateCategoryPath, acct.Key, body), http.StatusNotFound, "NOT_FOUND")
	}
	// The other account cannot set a's lead map either way round.
	tbWantError(t, api.Do(t, http.MethodPatch, tbUpdateCategoryPath, other.Key, `{"email_lead_map_id": `+id+`, "category_id": 1}`), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, api.Do(t, http.MethodPatch, tbUpdateCategoryPath, acct.Key, ``), http.StatusBadRequest, "BAD_REQUEST")
}

func TestCampaignLeadCategory(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	other := api.Account(t, "bolt", "")
	campaign := api.Campaign(t, acct.Key, "Q1")
	lead := api.AddLeads(t, acct.Key, campaign, "zoe@acme.example").Leads[0]
	otherCampaign := api.Campaign(t, other.Key, "theirs")
	path := func(c, l int64) string { return fmt.Sprintf("/api/v1/campaigns/%d/leads/%d/category", c, l) }
	r := api.Post(t, path(campaign, lead.LeadID), acct.Key, `{"category_id": 3, "pause_lead": true}`)
	if r.Status != http.StatusOK || string(r.Body) != `{"ok":true,"message":"Lead category updated successfully"}`+"\n" {
		t.Fatalf("set = %s", r)
	}
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(lead.LeadMapID, nil))
	got := api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", task.ID), acct.Key)
	if !strings.Contains(string(got.Body), `"assignee":null,"lead_category":{"id":3,"name":"Not Interested"},"snoozed_until":`) {
		t.Fatalf("task = %s", got.Body)
	}
	if r := api.Post(t, path(campaign, lead.LeadID), acct.Key, `{"category_id": null}`); r.Status != http.StatusOK {
		t.Fatalf("clear = %s", r)
	}
	got = api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", task.ID), acct.Key)
	if !strings.Contains(string(got.Body), `"assignee":null,"lead_category":null,"snoozed_until":`) {
		t.Fatalf("cleared task = %s", got.Body)
	}
	e := tbWantError(t, api.Post(t, path(campaign, lead.LeadID), acct.Key, `{"category": "Interested", "pause_lead": false}`),
		http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if e.Detail("category_id") == "" {
		t.Fatalf("missing category_id: %+v", e)
	}
	for _, p := range []string{
		path(otherCampaign, lead.LeadID), // another account's campaign
		path(campaign, lead.LeadID+1000), // a lead not in the campaign
		path(campaign, 0), "/api/v1/campaigns/x/leads/1/category", "/api/v1/campaigns/1/leads/x/category",
	} {
		tbWantError(t, api.Post(t, p, acct.Key, `{"category_id": 1}`), http.StatusNotFound, "NOT_FOUND")
	}
	tbWantError(t, api.Post(t, path(campaign, lead.LeadID), other.Key, `{"category_id": 1}`), http.StatusNotFound, "NOT_FOUND")
}
