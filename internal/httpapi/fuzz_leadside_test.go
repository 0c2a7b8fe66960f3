package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// Fuzz targets of the lead side's body decoders: create-note,
// update-category, the per-campaign category and new categories. As in
// fuzz_bodies_test.go, no input may panic or get a status SPEC.md §2 does
// not allow, errors name only the endpoint's fields, and a success is
// checked against what the server then answers.

// tbFuzzDemoLead returns the id of the demo lead map's lead and campaign.
func tbFuzzDemoLead(f *testing.F, db *store.DB, key string) (leadID, campaignID int64) {
	actor, err := db.Authenticate(f.Context(), key)
	if err != nil {
		f.Fatal(err)
	}
	lead, err := db.FindLeadByEmail(taskbox.NewContextWithActor(f.Context(), actor), "jordan.avery@northwind.example")
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range lead.LeadCampaignData {
		if c.CampaignLeadMapID == store.DemoLeadMapID {
			return lead.ID, c.CampaignID
		}
	}
	f.Fatal("the demo lead map is not the demo lead's")
	return 0, 0
}

// FuzzCreateNote fuzzes POST /api/v1/master-inbox/create-note; a note made
// is the newest of its lead, with the text sent, trimmed.
func FuzzCreateNote(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	leadID, _ := tbFuzzDemoLead(f, db, key.Secret)
	fields := regexp.MustCompile(`^(email_lead_map_id|note_message)$`)
	f.Add([]byte(`{"email_lead_map_id": 2433664091, "note_message": "Asked for pricing"}`))
	f.Add([]byte(`{"email_lead_map_id": "2433664091", "note_message": " \u200b "}`))
	f.Add([]byte(`{"lead_id": 1, "note": "x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, tbCreateNotePath, body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 404, 413, 422)
		if out == nil {
			return
		}
		m := tbNoteCreatedRE.FindSubmatch(out)
		if m == nil {
			t.Fatalf("create-note answer = %s", out)
		}
		var sent struct {
			LeadMap json.RawMessage `json:"email_lead_map_id"`
			Note    string          `json:"note_message"`
		}
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatalf("accepted a body encoding/json refuses: %q", body)
		}
		if strings.Trim(string(sent.LeadMap), `"`) != "2433664091" {
			return // another of the demo's lead maps, whose lead is another
		}
		list := tbFuzzSend(h, key.Secret, http.MethodGet, fmt.Sprintf("/api/v1/crm/leads/notes/%d", leadID), nil)
		var notes struct {
			Data []taskbox.Note `json:"data"`
		}
		if err := json.Unmarshal(list.Body.Bytes(), &notes); err != nil || len(notes.Data) == 0 {
			t.Fatalf("notes after a create: %s", list.Body)
		}
		if got := notes.Data[0]; fmt.Sprint(got.ID) != string(m[1]) || got.Message != taskbox.TrimText(sent.Note) {
			t.Fatalf("newest note = %+v, want id %s text %q", got, m[1], taskbox.TrimText(sent.Note))
		}
	})
}

// FuzzUpdateCategory fuzzes PATCH …/update-category and the per-campaign
// category endpoint with one body; a success shows on the lead map's task.
func FuzzUpdateCategory(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	leadID, campaignID := tbFuzzDemoLead(f, db, key.Secret)
	taskID := tbFuzzTask(f, h, key.Secret, "categorised")
	fields := regexp.MustCompile(`^(email_lead_map_id|category_id)$`)
	f.Add([]byte(`{"email_lead_map_id": 2433664091, "category_id": 2}`), false)
	f.Add([]byte(`{"email_lead_map_id": "2433664091", "category_id": null}`), false)
	f.Add([]byte(`{"category_id": "Interested", "pause_lead": true}`), true)
	f.Fuzz(func(t *testing.T, body []byte, perCampaign bool) {
		method, path := http.MethodPatch, tbUpdateCategoryPath
		if perCampaign {
			method, path = http.MethodPost, fmt.Sprintf("/api/v1/campaigns/%d/leads/%d/category", campaignID, leadID)
		}
		rec := tbFuzzSend(h, key.Secret, method, path, body)
		if tbFuzzAnswer(t, rec, body, fields, 200, 400, 404, 413, 422) == nil {
			return
		}
		var sent struct {
			LeadMap    json.RawMessage `json:"email_lead_map_id"`
			CategoryID json.RawMessage `json:"category_id"`
		}
		_ = json.Unmarshal(body, &sent)
		if !perCampaign && strings.Trim(string(sent.LeadMap), `"`) != "2433664091" {
			return // another of the demo's lead maps, not the task's
		}
		got := tbFuzzSend(h, key.Secret, http.MethodGet, fmt.Sprintf("%s/%d", tbTasksPath, taskID), nil)
		var env struct {
			Data struct {
				LeadCategory *taskbox.LeadCategory `json:"lead_category"`
			} `json:"data"`
		}
		if err := json.Unmarshal(got.Body.Bytes(), &env); err != nil {
			t.Fatalf("task: %s", got.Body)
		}
		var want int64
		if string(sent.CategoryID) != "null" {
			var s string
			if json.Unmarshal(sent.CategoryID, &s) != nil {
				s = string(sent.CategoryID)
			}
			// Base 10 as the server reads it: fmt.Sscan would take
			// "0000000008" for octal and refuse it.
			want, _ = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		}
		if (env.Data.LeadCategory == nil) != (want == 0) || (want != 0 && env.Data.LeadCategory.ID != want) {
			t.Fatalf("after %s the task's category is %+v", body, env.Data.LeadCategory)
		}
	})
}

// FuzzCreateCategory fuzzes POST /api/v1/leads/categories.
func FuzzCreateCategory(f *testing.F) {
	h, key, _ := tbFuzzAPI(f)
	fields := regexp.MustCompile(`^(name|sentiment_type)$`)
	f.Add([]byte(`{"name": "Hot lead", "sentiment_type": "positive"}`))
	f.Add([]byte(`{"name": "Interested"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, "/api/v1/leads/categories", body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 413, 422)
		if out == nil {
			return
		}
		var env struct {
			Data taskbox.Category `json:"data"`
		}
		if err := json.Unmarshal(out, &env); err != nil || env.Data.ID < taskbox.FirstAccountCategoryID {
			t.Fatalf("category = %s", out)
		}
		list := tbFuzzSend(h, key.Secret, http.MethodGet, "/api/v1/leads/fetch-categories", nil)
		var cs []taskbox.Category
		if err := json.Unmarshal(list.Body.Bytes(), &cs); err != nil || cs[len(cs)-1].ID != env.Data.ID || cs[len(cs)-1].Name != env.Data.Name {
			t.Fatalf("fetch-categories after a create: %s", list.Body)
		}
	})
}
