package main

import (
	"strconv"
	"strings"
	"testing"
)

// The lead side of the leads group as a user runs it: notes, categories by
// id, by name and "none", --json, and the server's refusals as exit codes.
func TestLeadSideCommands(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	var camps []struct {
		ID int64 `json:"id"`
	}
	runJSON(t, env, &camps, "campaigns", "create", "--name", "Q1")
	var added struct {
		Leads []struct {
			LeadID    int64 `json:"lead_id"`
			LeadMapID int64 `json:"email_lead_map_id"`
		} `json:"leads"`
	}
	runJSON(t, env, &added, "leads", "add", "--campaign", strconv.FormatInt(camps[0].ID, 10), "zoe@acme.example")
	mapID, leadID := strconv.FormatInt(added.Leads[0].LeadMapID, 10), strconv.FormatInt(added.Leads[0].LeadID, 10)

	var note struct {
		ID        string `json:"id"`
		LeadMapID int64  `json:"email_lead_map_id"`
		Message   string `json:"note_message"`
		CreatedAt string `json:"created_at"`
	}
	runJSON(t, env, &note, "leads", "note", mapID, "Asked for the pricing sheet")
	if note.ID == "" || note.LeadMapID != added.Leads[0].LeadMapID || note.Message != "Asked for the pricing sheet" || note.CreatedAt == "" {
		t.Fatalf("leads note --json: %+v", note)
	}
	if res := runCLI(t, env, "leads", "note", mapID, "Call on Thursday"); res.Code != 0 || !strings.Contains(res.Stdout, "added to lead map "+mapID) {
		t.Fatalf("leads note: %+v", res)
	}
	var notes []struct {
		ID        string `json:"id"`
		Message   string `json:"note_message"`
		CreatedBy string `json:"created_by"`
	}
	runJSON(t, env, &notes, "leads", "notes", leadID)
	if len(notes) != 2 || notes[0].Message != "Call on Thursday" || notes[1].ID != note.ID || notes[0].CreatedBy == "" {
		t.Fatalf("leads notes --json: %+v", notes)
	}
	if res := runCLI(t, env, "leads", "notes", leadID); res.Code != 0 || !strings.Contains(res.Stdout, "Call on Thursday") || !strings.Contains(res.Stdout, "NOTE") {
		t.Fatalf("leads notes: %+v", res)
	}

	var set struct {
		LeadMapID int64 `json:"email_lead_map_id"`
		Category  *struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"lead_category"`
	}
	runJSON(t, env, &set, "leads", "category", mapID, "meeting request")
	if set.Category == nil || set.Category.ID != 2 || set.Category.Name != "Meeting Request" {
		t.Fatalf("leads category by name: %+v", set)
	}
	if res := runCLI(t, env, "leads", "category", mapID, "5"); res.Code != 0 || !strings.Contains(res.Stdout, "Information Request (category 5)") {
		t.Fatalf("leads category by id: %+v", res)
	}
	var task cliTask
	runJSON(t, env, &task, "tasks", "create", "--lead-map", mapID, "--name", "Send pricing")
	var shown map[string]any
	runJSON(t, env, &shown, "tasks", "show", strconv.FormatInt(task.ID, 10))
	if c, _ := shown["lead_category"].(map[string]any); c == nil || c["name"] != "Information Request" {
		t.Fatalf("task's lead_category: %v", shown["lead_category"])
	}
	var page struct {
		Data []cliTask `json:"data"`
	}
	runJSON(t, env, &page, "tasks", "list", "--category", "information request")
	if len(page.Data) != 1 || page.Data[0].ID != task.ID {
		t.Fatalf("tasks list --category: %+v", page)
	}
	runJSON(t, env, &page, "tasks", "list", "--category", "1")
	if len(page.Data) != 0 {
		t.Fatalf("tasks list --category 1: %+v", page)
	}
	runJSON(t, env, &set, "leads", "category", mapID, "none")
	if set.Category != nil {
		t.Fatalf("leads category none: %+v", set)
	}
	var cats []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	runJSON(t, env, &cats, "leads", "categories")
	if len(cats) != 9 || cats[8].Name != "Sender Originated Bounce" {
		t.Fatalf("leads categories: %+v", cats)
	}

	expectCode(t, env, exitUsage, "no lead category is named", "leads", "category", mapID, "Hot")
	expectCode(t, env, exitUsage, "is not a lead map id", "leads", "note", "abc", "x")
	expectCode(t, env, exitRefused, "note_message", "leads", "note", mapID, " \u200b ")
	expectCode(t, env, exitRefused, "category_id", "leads", "category", mapID, "77")
	expectCode(t, env, exitNotFound, "Lead map not found", "leads", "note", "999999", "x")
	expectCode(t, env, exitNotFound, "Lead not found", "leads", "notes", "999999")
	for _, args := range [][]string{{"leads", "note", "--help"}, {"leads", "notes", "--help"}, {"leads", "category", "--help"}, {"leads", "categories", "--help"}} {
		if res := runCLI(t, env, args...); res.Code != 0 || !strings.Contains(res.Stdout, "Usage:") {
			t.Errorf("taskbox %s: %+v", strings.Join(args, " "), res)
		}
	}
}
