package store_test

import (
	"encoding/json"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func TestCategories_DefaultsAndOwn(t *testing.T) {
	db := newTestDB(t)
	a := newFixture(t, db, "acme", "UTC", 2)
	b := newFixture(t, db, "bolt", "UTC", 1)
	cs, err := db.ListCategories(a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Interested", "Meeting Request", "Not Interested", "Do Not Contact", "Information Request",
		"Out Of Office", "Wrong Person", "Uncategorizable by Ai", "Sender Originated Bounce"}
	if len(cs) != len(want) {
		t.Fatalf("%d defaults, want %d", len(cs), len(want))
	}
	for i, c := range cs {
		if c.ID != int64(i+1) || c.Name != want[i] {
			t.Errorf("default %d = %d %q", i, c.ID, c.Name)
		}
	}
	if cs[5].Sentiment != nil || *cs[0].Sentiment != "positive" || *cs[6].Sentiment != "neutral" {
		t.Errorf("sentiments: %v %v %v", cs[5].Sentiment, cs[0].Sentiment, cs[6].Sentiment)
	}
	own, err := db.CreateCategory(a.ctx, &taskbox.CategoryCreate{Name: "  Hot lead ", Sentiment: ptr("positive")})
	if err != nil {
		t.Fatal(err)
	}
	if own.ID < taskbox.FirstAccountCategoryID || own.Name != "Hot lead" {
		t.Fatalf("own category = %+v", own)
	}
	for _, name := range []string{"hot LEAD", "interested"} {
		_, err := db.CreateCategory(a.ctx, &taskbox.CategoryCreate{Name: name})
		if taskbox.ErrorCode(err) != taskbox.EINVALID || !strings.Contains(taskbox.ErrorMessage(err), "name") {
			t.Errorf("duplicate %q: %v", name, err)
		}
	}
	// Another account may use the name, and sees none of a's.
	if _, err := db.CreateCategory(b.ctx, &taskbox.CategoryCreate{Name: "Hot lead"}); err != nil {
		t.Fatal(err)
	}
	if cs, _ := db.ListCategories(b.ctx); len(cs) != 10 || cs[9].ID == own.ID {
		t.Fatalf("b's categories: %d", len(cs))
	}
	// Setting: a's own and a default; b's category is unknown to a; a's
	// lead map is unknown to b.
	if err := db.SetLeadCategory(a.ctx, &taskbox.CategorySet{LeadMapID: a.mapIDs[0], CategoryID: own.ID}); err != nil {
		t.Fatal(err)
	}
	bOwn, _ := db.ListCategories(b.ctx)
	err = db.SetLeadCategory(a.ctx, &taskbox.CategorySet{LeadMapID: a.mapIDs[0], CategoryID: bOwn[9].ID})
	if taskbox.ErrorCode(err) != taskbox.EINVALID || !strings.Contains(taskbox.ErrorMessage(err), "category_id") {
		t.Fatalf("b's category on a's lead map: %v", err)
	}
	if err := db.SetLeadCategory(b.ctx, &taskbox.CategorySet{LeadMapID: a.mapIDs[0], CategoryID: 1}); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("a's lead map from b: %v", err)
	}
	task := a.task(t, db, "call", nil, "")
	if task.LeadCategory == nil || task.LeadCategory.ID != own.ID || task.LeadCategory.Name != "Hot lead" {
		t.Fatalf("new task's category = %+v", task.LeadCategory)
	}
	// By campaign and lead; the filter; clearing.
	leadID := task.LeadID
	if err := db.SetLeadCategory(a.ctx, &taskbox.CategorySet{CampaignID: a.campaign.ID, LeadID: leadID, CategoryID: 2}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetLeadCategory(a.ctx, &taskbox.CategorySet{CampaignID: b.campaign.ID, LeadID: leadID, CategoryID: 2}); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("b's campaign: %v", err)
	}
	if _, err := db.CreateTask(a.ctx, &taskbox.TaskCreate{LeadMapID: a.mapIDs[1], Name: "other"}); err != nil {
		t.Fatal(err)
	}
	page, err := db.ListTasks(a.ctx, taskbox.TaskFilter{LeadCategoryID: 2})
	if err != nil || len(page.Tasks) != 1 || page.Tasks[0].ID != task.ID || page.Tasks[0].LeadCategory.Name != "Meeting Request" {
		t.Fatalf("filter by category 2: %+v, %v", page, err)
	}
	if err := db.SetLeadCategory(a.ctx, &taskbox.CategorySet{LeadMapID: a.mapIDs[0]}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindTaskByID(a.ctx, task.ID)
	if err != nil || got.LeadCategory != nil {
		t.Fatalf("cleared: %+v, %v", got.LeadCategory, err)
	}
	if page, _ := db.ListTasks(a.ctx, taskbox.TaskFilter{LeadCategoryID: 2}); len(page.Tasks) != 0 {
		t.Fatalf("filter after clearing: %d tasks", len(page.Tasks))
	}
}

func TestNotes_CreateListIsolation(t *testing.T) {
	db := newTestDB(t)
	a := newFixture(t, db, "acme", "UTC", 1)
	b := newFixture(t, db, "bolt", "UTC", 1)
	// The lead in a second campaign of a: its notes are the lead's too.
	c2, err := db.CreateCampaign(a.ctx, &taskbox.CampaignCreate{Name: "second"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.AddLeads(a.ctx, &taskbox.LeadUpload{CampaignID: c2.ID, Leads: []taskbox.LeadInput{{Email: "acme-a@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	second := res.Leads[0].LeadMapID
	n1, err := db.CreateNote(a.ctx, &taskbox.NoteCreate{LeadMapID: a.mapIDs[0], Message: " first \u200b"})
	if err != nil {
		t.Fatal(err)
	}
	if n1.Message != "first" || n1.CreatedBy == "" || n1.LeadID != res.Leads[0].LeadID || n1.CampaignID != a.campaign.ID {
		t.Fatalf("note = %+v", n1)
	}
	db.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: n1.CreatedAt.Add(1000)} }
	n2, err := db.CreateNote(a.ctx, &taskbox.NoteCreate{LeadMapID: second, Message: "second"})
	if err != nil {
		t.Fatal(err)
	}
	notes, err := db.ListLeadNotes(a.ctx, n1.LeadID)
	if err != nil || len(notes) != 2 || notes[0].ID != n2.ID || notes[1].ID != n1.ID || notes[0].CampaignID != c2.ID {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	for _, bad := range []string{"", " \t\n", "\u200b\u2060\ufeff", strings.Repeat("x", 10001), "a\x00b"} {
		_, err := db.CreateNote(a.ctx, &taskbox.NoteCreate{LeadMapID: a.mapIDs[0], Message: bad})
		if taskbox.ErrorCode(err) != taskbox.EINVALID || !strings.Contains(taskbox.ErrorMessage(err), "note_message") {
			t.Errorf("note %q: %v", bad, err)
		}
	}
	if _, err := db.CreateNote(a.ctx, &taskbox.NoteCreate{LeadMapID: a.mapIDs[0], Message: strings.Repeat("é", 10000)}); err != nil {
		t.Errorf("10,000 characters: %v", err)
	}
	// Isolation both ways: b cannot note a's lead map nor read a's lead.
	if _, err := db.CreateNote(b.ctx, &taskbox.NoteCreate{LeadMapID: a.mapIDs[0], Message: "x"}); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("b notes a's lead map: %v", err)
	}
	if _, err := db.ListLeadNotes(b.ctx, n1.LeadID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("b reads a's notes: %v", err)
	}
	if _, err := db.FindLeadByID(b.ctx, n1.LeadID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("b reads a's lead: %v", err)
	}
	if _, err := db.ListLeadCampaigns(b.ctx, n1.LeadID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("b reads a's lead's campaigns: %v", err)
	}
	lead, err := db.FindLeadByID(a.ctx, n1.LeadID)
	if err != nil || lead.Email != "acme-a@example.com" || len(lead.LeadCampaignData) != 2 {
		t.Fatalf("lead = %+v, %v", lead, err)
	}
	cs, err := db.ListLeadCampaigns(a.ctx, n1.LeadID)
	if err != nil || len(cs) != 2 || cs[0].ID != a.campaign.ID || cs[1].Name != "second" || cs[1].LeadMapID != second || cs[0].Status != "DRAFTED" {
		t.Fatalf("campaigns = %+v, %v", cs, err)
	}
}

// TestNotes_WebhookEvent: a note's NOTE_CREATED goes through the outbox
// into a delivery, with the note, its lead and campaign as data; without a
// subscriber nothing waits in the outbox.
func TestNotes_WebhookEvent(t *testing.T) {
	db := newTestDB(t)
	a := newFixture(t, db, "acme", "UTC", 1)
	if _, err := db.CreateNote(a.ctx, &taskbox.NoteCreate{LeadMapID: a.mapIDs[0], Message: "unheard"}); err != nil {
		t.Fatal(err)
	}
	if outbox, _, err := db.QueueDepth(a.ctx); err != nil || outbox != 0 {
		t.Fatalf("outbox without a subscriber = %d, %v", outbox, err)
	}
	hook, err := db.CreateWebhook(a.ctx, &taskbox.WebhookCreate{URL: "https://hooks.example.com/x", Events: []string{"NOTE_CREATED"}})
	if err != nil {
		t.Fatal(err)
	}
	note, err := db.CreateNote(a.ctx, &taskbox.NoteCreate{LeadMapID: a.mapIDs[0], Message: "heard <b>"})
	if err != nil {
		t.Fatal(err)
	}
	a.task(t, db, "a task nobody listens to", nil, "")
	if outbox, _, _ := db.QueueDepth(a.ctx); outbox != 1 {
		t.Fatalf("outbox = %d, want 1", outbox)
	}
	if n, err := db.DispatchOutbox(a.ctx, 100); err != nil || n != 1 {
		t.Fatalf("DispatchOutbox = %d, %v", n, err)
	}
	if outbox, pending, _ := db.QueueDepth(a.ctx); outbox != 0 || pending != 1 {
		t.Fatalf("after dispatch: outbox %d, pending %d", outbox, pending)
	}
	ds, err := db.ListDeliveries(a.ctx, hook.ID)
	if err != nil || len(ds) != 1 || ds[0].EventType != "NOTE_CREATED" || ds[0].TaskID != 0 || ds[0].LeadMapID != a.mapIDs[0] {
		t.Fatalf("deliveries = %+v, %v", ds, err)
	}
	out, err := db.ClaimDeliveries(a.ctx, 60e9, 10)
	if err != nil || len(out) != 1 {
		t.Fatalf("claimed %d, %v", len(out), err)
	}
	var body struct {
		EventID   string                `json:"event_id"`
		EventType string                `json:"event_type"`
		AccountID int64                 `json:"account_id"`
		Data      taskbox.NoteEventData `json:"data"`
	}
	if err := json.Unmarshal(out[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	d := body.Data
	if body.EventType != "NOTE_CREATED" || body.AccountID != a.account.ID || d.ID != note.ID || d.Message != "heard <b>" ||
		d.LeadMapID != a.mapIDs[0] || d.Lead == nil || d.Lead.Email != "acme-a@example.com" || d.Campaign.ID != a.campaign.ID {
		t.Fatalf("event body = %s", out[0].Body)
	}
	if !strings.HasPrefix(string(out[0].Body), `{"event_id":"evt_lm_`) || !strings.Contains(string(out[0].Body), `"data":{"id":"`) {
		t.Fatalf("event body = %s", out[0].Body)
	}
}

var _ taskbox.NoteService = (*store.DB)(nil)
