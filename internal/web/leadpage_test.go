package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	taskbox "github.com/taskboxhq/taskbox"
)

// A lead's page lists its campaigns with their categories, its notes and
// its tasks open and done, each list a page at a time; notes added from
// the task's page show there and on the lead's; another account sees none
// of it.
func TestLeadPage(t *testing.T) {
	s := newSite(t, siteOptions{pageSize: 2})
	a := s.account(t, "acme", "", "ann@example.com", "bob@example.com")
	b := s.account(t, "globex", "", "zed@example.com")
	second := a.campaign(t, s, "Second wave", "ann@example.com")
	var open []*taskbox.Task
	for i := 0; i < 3; i++ {
		open = append(open, a.task(t, s, "ann@example.com", fmt.Sprintf("Open %d", i), taskbox.PriorityMedium, ""))
	}
	done := a.task(t, s, "ann@example.com", "Done one", taskbox.PriorityLow, "")
	st := taskbox.StatusCompleted
	if _, err := s.DB.UpdateTask(a.ctx, done.ID, &taskbox.TaskUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	a.task(t, s, "bob@example.com", "Bob's task", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	leadPath := fmt.Sprintf("/leads/%d", open[0].LeadID)

	// From the task's page: the lead is linked, a note is added and shown.
	tp := do(t, c, "GET", s.URL+"/tasks/"+itoa(open[0].ID), nil)
	if !strings.Contains(tp.Body, `href="`+leadPath+`"`) {
		t.Fatalf("the task's page does not link its lead:\n%.3000s", tp.Body)
	}
	add := do(t, c, "POST", s.URL+"/notes", url.Values{"csrf": {token}, "lead_map": {itoa(open[0].LeadMapID)},
		"note": {"Prefers <email> over calls"}, "return": {"/tasks/" + itoa(open[0].ID)}})
	if add.Status != http.StatusSeeOther || add.Header.Get("Location") != "/tasks/"+itoa(open[0].ID)+"#notes" {
		t.Fatalf("add note: %d %s", add.Status, add.Header.Get("Location"))
	}
	tp = do(t, c, "GET", s.URL+"/tasks/"+itoa(open[0].ID), nil)
	if !strings.Contains(tp.Body, "Prefers &lt;email&gt; over calls") || !strings.Contains(tp.Body, "Note added.") {
		t.Fatalf("the note is not on the task's page:\n%.4000s", tp.Body)
	}
	blank := do(t, c, "POST", s.URL+"/notes", url.Values{"csrf": {token}, "lead_map": {itoa(open[0].LeadMapID)},
		"note": {" \u200b "}, "return": {leadPath}})
	if blank.Status != http.StatusSeeOther {
		t.Fatalf("blank note: %d", blank.Status)
	}
	if p := do(t, c, "GET", s.URL+leadPath, nil); !strings.Contains(p.Body, "The note was not added: it must not be blank.") {
		t.Fatalf("the blank note's refusal is not said:\n%.3000s", p.Body)
	}
	// The category, set from the lead's page, shows on its tasks.
	set := do(t, c, "POST", s.URL+fmt.Sprintf("/lead-maps/%d/category", open[0].LeadMapID),
		url.Values{"csrf": {token}, "category": {"2"}, "return": {leadPath}})
	if set.Status != http.StatusSeeOther || set.Header.Get("Location") != leadPath {
		t.Fatalf("set category: %d %s", set.Status, set.Header.Get("Location"))
	}
	lp := do(t, c, "GET", s.URL+leadPath, nil)
	for _, want := range []string{"ann@example.com", "acme outreach", "Second wave", "Meeting Request", "Prefers &lt;email&gt; over calls",
		"Open 0", "Open 1", "Done one", "More open tasks", `<option value="2" selected>Meeting Request</option>`} {
		if !strings.Contains(lp.Body, want) {
			t.Errorf("the lead's page lacks %q", want)
		}
	}
	if strings.Contains(lp.Body, "Open 2") || strings.Contains(lp.Body, "Bob's task") {
		t.Errorf("the lead's first page shows a task of its second page or another lead's")
	}
	more := regexpFind(lp.Body, `href="(/leads/\d+\?open=[^"]+)"`)
	if more == "" {
		t.Fatal("no link to the next page of open tasks")
	}
	p2 := do(t, c, "GET", s.URL+strings.ReplaceAll(more, "&amp;", "&"), nil)
	if !strings.Contains(p2.Body, "Open 2") || strings.Contains(p2.Body, "Open 0<") {
		t.Errorf("the second page of open tasks:\n%.3000s", p2.Body)
	}
	if got, _ := a.find(t, s, open[0].ID); got.LeadCategory == nil || got.LeadCategory.ID != 2 {
		t.Errorf("the task's category = %+v", got.LeadCategory)
	}
	inbox := do(t, c, "GET", s.URL+"/?category=2", nil)
	if !strings.Contains(inbox.Body, "Open 0") || strings.Contains(inbox.Body, "Bob's task") ||
		!strings.Contains(inbox.Body, `href="`+leadPath+`"`) {
		t.Errorf("the inbox filtered by category:\n%.3000s", inbox.Body)
	}
	clear := do(t, c, "POST", s.URL+fmt.Sprintf("/lead-maps/%d/category", open[0].LeadMapID),
		url.Values{"csrf": {token}, "category": {""}, "return": {leadPath}})
	if clear.Status != http.StatusSeeOther {
		t.Fatalf("clear category: %d", clear.Status)
	}
	if got, _ := a.find(t, s, open[0].ID); got.LeadCategory != nil {
		t.Errorf("cleared category = %+v", got.LeadCategory)
	}
	_ = second

	// Another account: its own lead's page works, a's lead and lead maps are 404.
	cb := browserClient(t)
	tokenB := s.signIn(t, cb, b.Key)
	for _, tc := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", leadPath, nil},
		{"GET", "/leads/abc", nil},
		{"POST", "/notes", url.Values{"csrf": {tokenB}, "lead_map": {itoa(open[0].LeadMapID)}, "note": {"mine"}}},
		{"POST", fmt.Sprintf("/lead-maps/%d/category", open[0].LeadMapID), url.Values{"csrf": {tokenB}, "category": {"1"}}},
	} {
		p := do(t, cb, tc.method, s.URL+tc.path, tc.form)
		if p.Status != http.StatusNotFound || strings.Contains(p.Body, "ann@example.com") {
			t.Errorf("%s %s as another account: %d", tc.method, tc.path, p.Status)
		}
	}
	notes, err := s.DB.ListLeadNotes(a.ctx, open[0].LeadID)
	if err != nil || len(notes) != 1 {
		t.Fatalf("a's notes after b's tries: %d, %v", len(notes), err)
	}
	// A category of another account is refused.
	own, err := s.DB.CreateCategory(b.ctx, &taskbox.CategoryCreate{Name: "Globex only"})
	if err != nil {
		t.Fatal(err)
	}
	p := do(t, c, "POST", s.URL+fmt.Sprintf("/lead-maps/%d/category", open[0].LeadMapID),
		url.Values{"csrf": {token}, "category": {itoa(own.ID)}, "return": {leadPath}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "category_id") {
		t.Errorf("another account's category: %d", p.Status)
	}
}

// In Chromium: from the inbox to a task's page, a note added there, then
// the lead's page through the link, where the category is changed and the
// note shows.
func TestBrowserNotesAndCategory(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Send pricing", taskbox.PriorityHigh, "")
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#task-%d a.name`, task.ID))))
	waitFor(t, ctx, `document.getElementById("note-text") !== null`)
	run(t, ctx, chromedp.SendKeys(chromedp.ID("note-text"), "Wants the 50-seat price"),
		chromedp.Click(chromedp.CSS(`#note-form button`)))
	waitFor(t, ctx, `document.querySelector(".notes .note .text") && document.querySelector(".notes .note .text").textContent === "Wants the 50-seat price"`)
	screenshot(t, ctx, "task-notes")
	run(t, ctx, chromedp.Click(chromedp.ID("lead-link")))
	waitFor(t, ctx, `location.pathname === "/leads/`+itoa(task.LeadID)+`" && document.readyState === "complete"`)
	sel := fmt.Sprintf("#category-%d", task.LeadMapID)
	run(t, ctx, chromedp.SetValue(chromedp.CSS(sel), "1"),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#lead-map-%d button`, task.LeadMapID))))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector("#lead-map-%d [data-category]").textContent === "Interested"`, task.LeadMapID))
	if got := eval[string](t, ctx, `document.querySelector(".notes .note .text").textContent`); got != "Wants the 50-seat price" {
		t.Errorf("the lead's page shows note %q", got)
	}
	checkContrast(t, ctx, ".note .meta", "p.category", ".campaigns .opt")
	screenshot(t, ctx, "lead-page")
	if got, _ := a.find(t, s, task.ID); got.LeadCategory == nil || got.LeadCategory.Name != "Interested" {
		t.Errorf("the task's category after the browser changed it: %+v", got.LeadCategory)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/"))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector("#task-%d .category") && document.querySelector("#task-%d .category").textContent === "Interested"`, task.ID, task.ID))
}
