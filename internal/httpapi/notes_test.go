package httpapi_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const tbCreateNotePath = "/api/v1/master-inbox/create-note"

// tbNoteCreatedRE is SmartLead's create-note answer, byte for byte.
var tbNoteCreatedRE = regexp.MustCompile(`^\{"ok":true,"message":"Note created successfully","data":\{"success":true,"note":\[\{"id":"([1-9][0-9]*)","created_at":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"\}\]\}\}\n$`)

// Note posts a note and returns its id.
func (a *tbAPI) Note(t testing.TB, key string, leadMapID int64, text string) string {
	t.Helper()
	r := a.Post(t, tbCreateNotePath, key, tbJSON(t, map[string]any{"email_lead_map_id": leadMapID, "note_message": text}))
	tbWantStatus(t, r, http.StatusOK)
	m := tbNoteCreatedRE.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("create-note answer = %s", r.Body)
	}
	return string(m[1])
}

func TestCreateNote_ShapeAndIdempotency(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	mapID := api.LeadMap(t, acct.Key, "zoe@acme.example")
	// The id as a digit string, as some clients send it.
	body := fmt.Sprintf(`{"email_lead_map_id": "%d", "note_message": "Asked for the pricing sheet"}`, mapID)
	r := api.Post(t, tbCreateNotePath, acct.Key, body, "Idempotency-Key", "note-1")
	tbWantStatus(t, r, http.StatusOK)
	m := tbNoteCreatedRE.FindSubmatch(r.Body)
	if m == nil {
		t.Fatalf("answer = %s", r.Body)
	}
	again := api.Post(t, tbCreateNotePath, acct.Key, body, "Idempotency-Key", "note-1")
	if again.Status != http.StatusOK || string(again.Body) != string(r.Body) || again.Header.Get("Idempotency-Replayed") != "true" {
		t.Fatalf("replay = %s (replayed %q), want %s", again, again.Header.Get("Idempotency-Replayed"), r.Body)
	}
	if n := api.Count(t, "lead_notes"); n != 1 {
		t.Fatalf("%d notes after a replay, want 1", n)
	}
	other := api.Post(t, tbCreateNotePath, acct.Key, strings.Replace(body, "pricing", "price", 1), "Idempotency-Key", "note-1")
	tbWantError(t, other, http.StatusConflict, "CONFLICT")
}

func TestCreateNote_Errors(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	other := api.Account(t, "bolt", "")
	mapID := api.LeadMap(t, acct.Key, "zoe@acme.example")
	otherMap := api.LeadMap(t, other.Key, "max@bolt.example")
	id := strconv.FormatInt(mapID, 10)
	for _, tc := range []struct {
		name, body string
		fields     map[string]string
	}{
		{"empty object", `{}`, map[string]string{"email_lead_map_id": "is required", "note_message": "is required"}},
		{"SmartLead's other names", `{"lead_id": ` + id + `, "campaign_id": 1, "note": "x"}`,
			map[string]string{"email_lead_map_id": "is required", "note_message": "is required"}},
		{"blank", `{"email_lead_map_id": ` + id + `, "note_message": "  \n\t "}`, map[string]string{"note_message": "must not be blank"}},
		{"invisible only", `{"email_lead_map_id": ` + id + `, "note_message": "\u200b\u2060\ufeff"}`, map[string]string{"note_message": "must not be blank"}},
		{"too long", `{"email_lead_map_id": ` + id + `, "note_message": "` + strings.Repeat("a", 10001) + `"}`,
			map[string]string{"note_message": "must be at most 10000 characters"}},
		{"NUL", `{"email_lead_map_id": ` + id + `, "note_message": "a\u0000b"}`, map[string]string{"note_message": "must not contain NUL characters"}},
		{"not a string", `{"email_lead_map_id": ` + id + `, "note_message": 5}`, map[string]string{"note_message": "must be a string"}},
		{"null note", `{"email_lead_map_id": ` + id + `, "note_message": null}`, map[string]string{"note_message": "is required"}},
		{"id not an integer", `{"email_lead_map_id": "12a", "note_message": "x"}`, map[string]string{"email_lead_map_id": "must be an integer"}},
		{"id a fraction", `{"email_lead_map_id": 1.5, "note_message": "x"}`, map[string]string{"email_lead_map_id": "must be an integer"}},
		{"id zero", `{"email_lead_map_id": 0, "note_message": "x"}`, map[string]string{"email_lead_map_id": "must be an integer greater than 0"}},
		{"twice", `{"email_lead_map_id": ` + id + `, "note_message": "x", "note_message": "y"}`, map[string]string{"note_message": "must be given only once"}},
	} {
		r := api.Post(t, tbCreateNotePath, acct.Key, tc.body)
		e := tbWantError(t, r, http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		got := map[string]string{}
		for _, d := range e.Error.Details {
			got[d.Field] = d.Message
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.fields) {
			t.Errorf("%s: details %v, want %v", tc.name, got, tc.fields)
		}
		for f := range tc.fields {
			if !strings.Contains(e.Message, f) {
				t.Errorf("%s: message %q does not name %s", tc.name, e.Message, f)
			}
		}
	}
	// 10,000 characters (not bytes) are allowed.
	api.Note(t, acct.Key, mapID, strings.Repeat("é", 10000))
	for _, tc := range []struct {
		name string
		id   int64
	}{{"unknown lead map", 987654321}, {"another account's lead map", otherMap}} {
		r := api.Post(t, tbCreateNotePath, acct.Key, tbJSON(t, map[string]any{"email_lead_map_id": tc.id, "note_message": "x"}))
		if e := tbWantError(t, r, http.StatusNotFound, "NOT_FOUND"); e.Message != "Lead map not found." {
			t.Errorf("%s: %q", tc.name, e.Message)
		}
	}
	for _, body := range []string{"", "[]", "not json", `"x"`} {
		tbWantError(t, api.Post(t, tbCreateNotePath, acct.Key, body), http.StatusBadRequest, "BAD_REQUEST")
	}
	tbWantError(t, api.Post(t, tbCreateNotePath, "", `{}`), http.StatusUnauthorized, "UNAUTHORIZED")
	if n := api.Count(t, "lead_notes"); n != 1 {
		t.Fatalf("%d notes stored, want 1", n)
	}
}

func TestLeadNotes_List(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	other := api.Account(t, "bolt", "")
	firstCampaign := api.Campaign(t, acct.Key, "Q1")
	up := api.AddLeads(t, acct.Key, firstCampaign, "zoe@acme.example", "someone-else@acme.example")
	first, noNotes := up.Leads[0], up.Leads[1]
	secondCampaign := api.Campaign(t, acct.Key, "Q2")
	second := api.AddLeads(t, acct.Key, secondCampaign, "zoe@acme.example").Leads[0]
	n1 := api.Note(t, acct.Key, first.LeadMapID, "first")
	n2 := api.Note(t, acct.Key, second.LeadMapID, "second <b>&")
	r := api.Get(t, fmt.Sprintf("/api/v1/crm/leads/notes/%d", first.LeadID), acct.Key)
	tbWantStatus(t, r, http.StatusOK)
	var list struct {
		Data []struct {
			ID        string `json:"id"`
			CreatedAt string `json:"created_at"`
		} `json:"data"`
	}
	tbDecode(t, r.Body, &list)
	if len(list.Data) != 2 || list.Data[0].ID != n2 || list.Data[1].ID != n1 {
		t.Fatalf("notes = %s, want %s then %s", r.Body, n2, n1)
	}
	// Byte for byte, field order included; the key's name signs the note.
	note := func(id string, mapID, campaignID int64, text, at string) string {
		return fmt.Sprintf(`{"id":"%s","lead_id":%d,"email_lead_map_id":%d,"campaign_id":%d,"note_message":"%s","created_by":"Owner","created_at":"%s"}`,
			id, first.LeadID, mapID, campaignID, text, at)
	}
	want := `{"ok":true,"data":[` + note(n2, second.LeadMapID, secondCampaign, "second <b>&", list.Data[0].CreatedAt) + "," +
		note(n1, first.LeadMapID, firstCampaign, "first", list.Data[1].CreatedAt) + "]}\n"
	if string(r.Body) != want {
		t.Fatalf("notes =\n%s\nwant\n%s", r.Body, want)
	}
	// A lead without notes: an empty list. Another account's lead, an
	// unknown one, a path that is no id: 404.
	empty := api.Get(t, fmt.Sprintf("/api/v1/crm/leads/notes/%d", noNotes.LeadID), acct.Key)
	if empty.Status != http.StatusOK || string(empty.Body) != `{"ok":true,"data":[]}`+"\n" {
		t.Fatalf("no notes = %s", empty)
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/crm/leads/notes/%d", first.LeadID), "/api/v1/crm/leads/notes/99999", "/api/v1/crm/leads/notes/abc", "/api/v1/crm/leads/notes/0"} {
		key := other.Key
		if !strings.HasSuffix(path, strconv.FormatInt(first.LeadID, 10)) {
			key = acct.Key
		}
		tbWantError(t, api.Get(t, path, key), http.StatusNotFound, "NOT_FOUND")
	}
}

// A NOTE_CREATED delivery is listed with its lead map, not a task.
func TestNoteCreatedDeliveryListed(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "acme", "")
	mapID := api.LeadMap(t, acct.Key, "zoe@acme.example")
	r := api.Post(t, "/api/v1/webhooks", acct.Key, `{"url": "https://hooks.example.com/notes", "events": ["NOTE_CREATED"]}`)
	tbWantStatus(t, r, http.StatusOK)
	var hook struct {
		Data struct{ ID int64 } `json:"data"`
	}
	tbDecode(t, r.Body, &hook)
	api.Note(t, acct.Key, mapID, "x")
	if n, err := api.DB.DispatchOutbox(t.Context(), 10); err != nil || n != 1 {
		t.Fatalf("DispatchOutbox = %d, %v", n, err)
	}
	list := api.Get(t, fmt.Sprintf("/api/v1/webhooks/%d/deliveries", hook.Data.ID), acct.Key)
	tbWantStatus(t, list, http.StatusOK)
	body := string(list.Body)
	if !strings.Contains(body, `"event_type":"NOTE_CREATED","email_lead_map_id":`+strconv.FormatInt(mapID, 10)+`,`) || strings.Contains(body, `"task_id"`) {
		t.Fatalf("deliveries = %s", body)
	}
}
