package client_test

import (
	"context"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// TestLeadSide: notes, categories and lead reads through the client, and
// another account's objects answered as missing.
func TestLeadSide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newServer(t)
	c := a.account(t, "acme")
	other := a.account(t, "bolt")
	camp, maps := leadMaps(t, c, "Q1", "zoe@acme.example")
	zoe := maps["zoe@acme.example"]

	idem := &taskbox.Idempotency{Key: "note-1"}
	n, err := c.CreateNote(ctx, &taskbox.NoteCreate{LeadMapID: zoe.LeadMapID, Message: "Asked for pricing", Idempotency: idem})
	if err != nil || n.ID <= 0 || n.CreatedAt.IsZero() || n.LeadMapID != zoe.LeadMapID || idem.Replayed {
		t.Fatalf("CreateNote: %+v, %v", n, err)
	}
	again, err := c.CreateNote(ctx, &taskbox.NoteCreate{LeadMapID: zoe.LeadMapID, Message: "Asked for pricing", Idempotency: idem})
	if err != nil || again.ID != n.ID || !idem.Replayed {
		t.Fatalf("CreateNote again: %+v, %v (replayed %v)", again, err, idem.Replayed)
	}
	notes, err := c.ListLeadNotes(ctx, zoe.LeadID)
	if err != nil || len(notes) != 1 || notes[0].ID != n.ID || notes[0].Message != "Asked for pricing" || notes[0].CampaignID != camp.ID {
		t.Fatalf("ListLeadNotes: %+v, %v", notes, err)
	}
	_, err = c.CreateNote(ctx, &taskbox.NoteCreate{LeadMapID: zoe.LeadMapID, Message: " "})
	wantCode(t, err, taskbox.EINVALID)
	_, err = other.CreateNote(ctx, &taskbox.NoteCreate{LeadMapID: zoe.LeadMapID, Message: "x"})
	wantCode(t, err, taskbox.ENOTFOUND)
	_, err = other.ListLeadNotes(ctx, zoe.LeadID)
	wantCode(t, err, taskbox.ENOTFOUND)

	cs, err := c.ListCategories(ctx)
	if err != nil || len(cs) != 9 || cs[0].Name != "Interested" {
		t.Fatalf("ListCategories: %+v, %v", cs, err)
	}
	own, err := c.CreateCategory(ctx, &taskbox.CategoryCreate{Name: "Hot lead", Sentiment: ptr("positive")})
	if err != nil || own.ID < taskbox.FirstAccountCategoryID || *own.Sentiment != "positive" {
		t.Fatalf("CreateCategory: %+v, %v", own, err)
	}
	if err := c.SetLeadCategory(ctx, &taskbox.CategorySet{LeadMapID: zoe.LeadMapID, CategoryID: own.ID}); err != nil {
		t.Fatal(err)
	}
	task, err := c.CreateTask(ctx, &taskbox.TaskCreate{LeadMapID: zoe.LeadMapID, Name: "Send pricing"})
	if err != nil || task.LeadCategory == nil || task.LeadCategory.ID != own.ID {
		t.Fatalf("task's category: %+v, %v", task, err)
	}
	if err := c.SetLeadCategory(ctx, &taskbox.CategorySet{CampaignID: camp.ID, LeadID: zoe.LeadID, CategoryID: 3}); err != nil {
		t.Fatal(err)
	}
	page, err := c.ListTasks(ctx, taskbox.TaskFilter{LeadCategoryID: 3})
	if err != nil || len(page.Tasks) != 1 || page.Tasks[0].LeadCategory.Name != "Not Interested" {
		t.Fatalf("ListTasks by category: %+v, %v", page, err)
	}
	if err := c.SetLeadCategory(ctx, &taskbox.CategorySet{LeadMapID: zoe.LeadMapID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.FindTaskByID(ctx, task.ID); got.LeadCategory != nil {
		t.Fatalf("cleared category: %+v", got.LeadCategory)
	}
	wantCode(t, other.SetLeadCategory(ctx, &taskbox.CategorySet{LeadMapID: zoe.LeadMapID, CategoryID: 1}), taskbox.ENOTFOUND)
	wantCode(t, c.SetLeadCategory(ctx, &taskbox.CategorySet{LeadMapID: zoe.LeadMapID, CategoryID: 999}), taskbox.EINVALID)

	lead, err := c.FindLeadByID(ctx, zoe.LeadID)
	if err != nil || lead.Email != "zoe@acme.example" || len(lead.LeadCampaignData) != 1 {
		t.Fatalf("FindLeadByID: %+v, %v", lead, err)
	}
	lcs, err := c.ListLeadCampaigns(ctx, zoe.LeadID)
	if err != nil || len(lcs) != 1 || lcs[0].ID != camp.ID || lcs[0].Name != "Q1" || lcs[0].Status != "DRAFTED" {
		t.Fatalf("ListLeadCampaigns: %+v, %v", lcs, err)
	}
	_, err = other.FindLeadByID(ctx, zoe.LeadID)
	wantCode(t, err, taskbox.ENOTFOUND)
	_, err = other.ListLeadCampaigns(ctx, zoe.LeadID)
	wantCode(t, err, taskbox.ENOTFOUND)
}
