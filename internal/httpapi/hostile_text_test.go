package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// tbHostileTexts mean something to SQL, HTML, templates or terminals. The
// API stores each as data in every text field and returns it unchanged:
// never interpreted, never escaped, never trimmed inside.
var tbHostileTexts = []string{
	`'; DROP TABLE tasks; --`,
	`" OR "1"="1`,
	`' OR 1=1 UNION SELECT hash, prefix FROM api_keys --`,
	`Robert'); DELETE FROM leads WHERE ('1'='1`,
	`1; SELECT pg_sleep(10); SELECT randomblob(1000000000) --`,
	`%_\%\_\\ ESCAPE '\' LIKE '%'`,
	`$1 ?1 ? :name @p1 %s %d %n {0}`,
	`/* comment */ -- line # hash`,
	`<script>alert(document.cookie)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`</textarea></title><svg/onload=alert(1)>`,
	`&lt;b&gt; &amp;amp; &#x3C;script&#x3E; &quot;`,
	`javascript:alert(1)//`,
	`{{.Secret}} {{template "x"}} ${7*7} #{7*7} <%= 7*7 %>`,
	"line\nbreak\ttab\r\ncarriage",
	"\u2028\u2029 separators \u202e reversed \u200d joiner",
	`\u0000 \x00 \n are only backslashes here`,
	"Zalgo t̸̢̛e̵̡͝x̷̨͠t̶̢͘, emoji 🦀👩‍👩‍👧, 中文, العربية",
	"\x1b[31mred\x1b[0m \a\b\f\v",
}

// TestHostileTextStoredExactly sends every hostile text in every text field
// of campaigns, leads and tasks (create, PATCH, bulk-create), then reads
// each back by every endpoint that shows it and compares byte for byte.
func TestHostileTextStoredExactly(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	acct := api.Account(t, "Texts", "")
	for i, text := range tbHostileTexts {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			tbRoundTrip(t, api, acct.Key, i, text)
		})
	}
	t.Run("search words are literal", func(t *testing.T) {
		mapID := api.LeadMap(t, acct.Key, "search@texts.example")
		percent, _ := api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"name": `"100% sure"`}))
		under, _ := api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"name": `"a_b"`}))
		api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"name": `"1000 sure axb"`}))
		for q, want := range map[string]int64{"100%": percent.ID, "%": percent.ID, "_": under.ID, "a_b": under.ID} {
			got := tbListIDs(t, api, acct.Key, fmt.Sprintf("email_lead_map_id=%d&q=%s", mapID, url.QueryEscape(q)))
			if len(got) != 1 || got[0] != want {
				t.Errorf("q=%s found %v, want only %d", q, got, want)
			}
		}
	})
}

// tbRoundTrip stores text everywhere for one account and reads it back.
func tbRoundTrip(t *testing.T, api *tbAPI, key string, i int, text string) {
	trimmed := taskbox.TrimText(text) // names are trimmed at both ends, nothing else
	q := tbQuote

	// Campaign name.
	r := api.Post(t, tbCampaignPath, key, `{"name": `+q(text)+`}`)
	tbWantStatus(t, r, http.StatusOK)
	var created struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	tbDecode(t, r.Body, &created)
	tbSame(t, "campaign create answer name", created.Name, trimmed)
	r = api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d", created.ID), key)
	tbWantStatus(t, r, http.StatusOK)
	tbSame(t, "campaign name", tbString(t, tbField(t, r.Body, "name")), trimmed)
	tbRawHas(t, r, trimmed)

	// Every text field of a lead, and custom_fields keyed by the text.
	email := fmt.Sprintf("o'brien+%d--%%_{x}@sql.example", i)
	lead := map[string]any{"email": email, "custom_fields": map[string]any{text: text}}
	var in taskbox.LeadInput
	for name := range in.TextFields() {
		lead[name] = text
	}
	r = api.Post(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", created.ID), key, tbJSON(t, map[string]any{"lead_list": []any{lead}}))
	tbWantStatus(t, r, http.StatusOK)
	var up tbUpload
	tbDecode(t, r.Body, &up)
	if len(up.Leads) != 1 || up.Leads[0].Email != email {
		t.Fatalf("upload = %s", r.Body)
	}
	mapID := up.Leads[0].LeadMapID
	r = api.Get(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", created.ID), key)
	tbWantStatus(t, r, http.StatusOK)
	var page struct {
		Data []struct {
			Lead map[string]any `json:"lead"`
		} `json:"data"`
	}
	tbDecode(t, r.Body, &page)
	if len(page.Data) != 1 {
		t.Fatalf("campaign leads = %s", r.Body)
	}
	tbSameLead(t, "campaign leads", page.Data[0].Lead, email, text)
	r = api.Get(t, "/api/v1/leads/?email="+url.QueryEscape(email), key)
	tbWantStatus(t, r, http.StatusOK)
	var found map[string]any
	tbDecode(t, r.Body, &found)
	tbSameLead(t, "lead by email", found, email, text)
	tbRawHas(t, r, text)

	// A task's name and description: create, read, list, search, PATCH, bulk-create.
	name := text
	if taskbox.RuneLen(trimmed) > taskbox.MaxTaskNameLen {
		name = "task"
	}
	task, r := api.CreateTask(t, key, tbTaskBody(mapID, map[string]string{"name": q(name), "description": q(text)}))
	tbRawHas(t, r, text)
	tbSameTask(t, api, key, task.ID, taskbox.TrimText(name), text)
	listed := tbListIDs(t, api, key, fmt.Sprintf("email_lead_map_id=%d&q=%s", mapID, url.QueryEscape(text)))
	if len(listed) != 1 || listed[0] != task.ID {
		t.Errorf("searching for the text itself found %v, want [%d]", listed, task.ID)
	}
	r = api.Get(t, fmt.Sprintf("%s?email_lead_map_id=%d", tbTasksPath, mapID), key)
	tbWantStatus(t, r, http.StatusOK)
	var list struct {
		Data []struct {
			Lead     map[string]any `json:"lead"`
			Campaign struct{ Name string }
		} `json:"data"`
	}
	tbDecode(t, r.Body, &list)
	if len(list.Data) != 1 {
		t.Fatalf("inbox = %s", r.Body)
	}
	tbSame(t, "inbox lead first_name", tbShowAny(list.Data[0].Lead["first_name"]), text)
	tbSame(t, "inbox lead company_name", tbShowAny(list.Data[0].Lead["company_name"]), text)
	tbSame(t, "inbox campaign name", list.Data[0].Campaign.Name, trimmed)

	r = api.Do(t, http.MethodPatch, fmt.Sprintf("%s/%d", tbTasksPath, task.ID), key,
		`{"name": `+q(name+"!")+`, "description": `+q(text+text)+`}`)
	tbWantStatus(t, r, http.StatusOK)
	tbSameTask(t, api, key, task.ID, taskbox.TrimText(name+"!"), text+text)

	r = api.Post(t, tbBulkCreatePath, key, `{"tasks": [`+tbTaskBody(mapID, map[string]string{"name": q(name), "description": q(text)})+`]}`)
	tbWantStatus(t, r, http.StatusOK)
	var bulk struct{ Data []tbTask }
	tbDecode(t, r.Body, &bulk)
	if len(bulk.Data) != 1 {
		t.Fatalf("bulk-create = %s", r.Body)
	}
	tbSameTask(t, api, key, bulk.Data[0].ID, taskbox.TrimText(name), text)
}

// tbSameTask reads a task back and compares its text fields.
func tbSameTask(t *testing.T, api *tbAPI, key string, id int64, name, description string) {
	t.Helper()
	r := api.Get(t, fmt.Sprintf("%s/%d", tbTasksPath, id), key)
	got := tbWantTask(t, r)
	tbSame(t, "task name", got.Name, name)
	tbSame(t, "task description", tbShow(got.Description), description)
	tbRawHas(t, r, description)
}

// tbSameLead compares every text field of a lead as the API wrote it.
func tbSameLead(t *testing.T, where string, lead map[string]any, email, text string) {
	t.Helper()
	tbSame(t, where+": email", tbShowAny(lead["email"]), email)
	var in taskbox.LeadInput
	for name := range in.TextFields() {
		tbSame(t, where+": "+name, tbShowAny(lead[name]), text)
	}
	custom, _ := lead["custom_fields"].(map[string]any)
	if len(custom) != 1 {
		t.Errorf("%s: custom_fields = %v", where, lead["custom_fields"])
	}
	tbSame(t, where+": custom_fields value", tbShowAny(custom[text]), text)
}

// tbSame compares two strings byte for byte.
func tbSame(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %q, want exactly %q", what, got, want)
	}
}

// tbRawHas checks that the answer holds text as JSON writes it without
// HTML escaping (no \u003c for <), and that no browser may sniff it as HTML.
func tbRawHas(t *testing.T, r *tbResp, text string) {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(text); err != nil {
		t.Fatal(err)
	}
	if want := bytes.TrimSuffix(b.Bytes(), []byte("\n")); !bytes.Contains(r.Body, want) {
		t.Errorf("the answer does not hold %s as sent: %s", want, tbClip(r.Body))
	}
	tbWantJSONType(t, r)
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
}

// tbListIDs lists the inbox (all statuses) with the query and returns the ids.
func tbListIDs(t *testing.T, api *tbAPI, key, query string) []int64 {
	t.Helper()
	r := api.Get(t, tbTasksPath+"?status=all&limit=100&"+query, key)
	tbWantStatus(t, r, http.StatusOK)
	var list struct{ Data []tbTask }
	tbDecode(t, r.Body, &list)
	var ids []int64
	for _, task := range list.Data {
		ids = append(ids, task.ID)
	}
	return ids
}

func tbString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	tbDecode(t, raw, &s)
	return s
}

// tbShowAny returns a decoded JSON string, or a description of anything else.
func tbShowAny(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprintf("(%T %v)", v, v)
}
