package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	taskbox "github.com/taskboxhq/taskbox"
)

// The scenarios of issue #18, part 1: each failed before the inbox was
// reworked for a working day.

// noScript turns JavaScript off in the tab, as for a person without it.
func noScript(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
}

// spyTimers records, in every page the tab opens, the delay of each
// setTimeout (window.__timers), so that a test reads how long the page
// means to wait without waiting.
func spyTimers(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__timers = []; (function(st){ window.setTimeout = function(f, ms){ window.__timers.push(ms || 0); return st.apply(window, arguments); }; })(window.setTimeout);`})
		return err
	}))
}

// overdueDay makes an inbox of 8 overdue tasks, one for today, one
// upcoming and one without a due date.
func overdueDay(t *testing.T, s *site, a *account) (over []*taskbox.Task, others []*taskbox.Task) {
	for i := 0; i < 8; i++ {
		due := time.Now().Add(-time.Duration(10-i) * time.Hour).UTC().Format(time.RFC3339)
		over = append(over, a.task(t, s, "ann@example.com", fmt.Sprintf("Late %d", i), taskbox.PriorityLow, due))
	}
	others = append(others, a.task(t, s, "ann@example.com", "Due later today", "", time.Now().UTC().Add(time.Minute).Format(time.RFC3339)),
		a.task(t, s, "ann@example.com", "Next week", "", time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)),
		a.task(t, s, "ann@example.com", "Someday", "", ""))
	return over, others
}

// trailCounts counts a task's completed and reopened audit entries.
func trailCounts(t *testing.T, s *site, a *account, id int64) (completed, reopened int) {
	t.Helper()
	events, err := s.DB.ListTaskEvents(a.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		switch e.Type {
		case taskbox.EventCompleted:
			completed++
		case taskbox.EventReopened:
			reopened++
		}
	}
	return completed, reopened
}

// "Show more", then complete a row past the first page: every section
// stays, the section keeps its rows shown, the ticked row stays ticked,
// the page does not move, and the confirmation shows at the bottom of the
// window with an Undo that lasts at least 10 s and that z presses. Undo
// puts the task back as it was, with one audit entry each way.
func TestBrowserShowMoreCompleteAndUndo(t *testing.T) {
	ctx := tab(t, "UTC")
	spyTimers(t, ctx)
	s := newSite(t, siteOptions{pageSize: 3})
	a := s.account(t, "Acme", "", "ann@example.com")
	over, others := overdueDay(t, s, a)
	run(t, ctx, chromedp.EmulateViewport(1280, 600))
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Click(chromedp.CSS("#section-overdue a[data-more]")))
	waitFor(t, ctx, `document.querySelectorAll("#section-overdue li.task").length === 6 && location.search.indexOf("show_overdue=6") >= 0`)
	// The row to complete in the middle of the window, clear of the bulk bar.
	run(t, ctx, chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", over[1].ID))),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById("task-%d").scrollIntoView({block: "center"}); window.noReload = true`, over[4].ID)))
	y := eval[float64](t, ctx, `window.scrollY`)
	run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#task-%d .check", over[4].ID))))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d") && !document.getElementById("toast").hidden`, over[4].ID))

	if !eval[bool](t, ctx, `window.noReload === true`) {
		t.Error("completing reloaded the page")
	}
	for _, task := range append([]*taskbox.Task{over[0], over[6]}, others...) {
		if sectionOfRow(t, ctx, task.ID) == "" {
			t.Errorf("after completing, %q left the page", task.Name)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#section-overdue li.task").length`); n != 6 {
		t.Errorf("Overdue shows %d rows after completing, want the 6 it showed", n)
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`document.getElementById("sel-%d").checked`, over[1].ID)) {
		t.Error("the ticked row lost its tick")
	}
	if got := eval[float64](t, ctx, `window.scrollY`); got < y-40 || got > y+40 {
		t.Errorf("the page moved from %.0f to %.0f px", y, got)
	}
	if got := eval[string](t, ctx, `document.activeElement.id`); got != fmt.Sprintf("task-%d", over[5].ID) {
		t.Errorf("the focus went to %q, want the next row", got)
	}
	// Where the eye is: inside the window, at its bottom, whatever the scroll.
	if !eval[bool](t, ctx, `(function(){var r=document.getElementById("toast").getBoundingClientRect();return r.bottom<=innerHeight&&r.top>=innerHeight/2&&r.height>0})()`) {
		t.Error("the confirmation is not at the bottom of the window")
	}
	if got := eval[string](t, ctx, `document.querySelector("#toast .flash").textContent`); got != "Completed “Late 4”." {
		t.Errorf("confirmation %q", got)
	}
	if ms := eval[int](t, ctx, `Math.max.apply(null, window.__timers)`); ms < 10000 {
		t.Errorf("the Undo is offered for %d ms, want at least 10 s", ms)
	}
	screenshot(t, ctx, "undo-toast")
	viewShot(t, ctx, "undo-toast-window")
	if got, _ := a.find(t, s, over[4].ID); got.Status != taskbox.StatusCompleted || got.CompletedAt == nil {
		t.Fatalf("the task is %s after completing", got.Status)
	}

	run(t, ctx, chromedp.KeyEvent("z"))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d") !== null`, over[4].ID))
	got, _ := a.find(t, s, over[4].ID)
	if got.Status != taskbox.StatusPending || got.CompletedAt != nil {
		t.Errorf("after Undo the task is %s, completed at %v", got.Status, got.CompletedAt)
	}
	if c, r := trailCounts(t, s, a, over[4].ID); c != 1 || r != 1 {
		t.Errorf("the trail holds %d completions and %d reopenings, want one each way", c, r)
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`document.getElementById("sel-%d").checked && window.noReload === true`, over[1].ID)) {
		t.Error("Undo lost the tick or reloaded the page")
	}
}

// The same without JavaScript: Show more keeps every section, completing
// comes back to the same page with the tick and at the row, the
// confirmation sits at the bottom of the window, and its Undo works.
// Adding a task works too.
func TestBrowserNoScriptKeepsThePage(t *testing.T) {
	ctx := tab(t, "UTC")
	noScript(t, ctx)
	s := newSite(t, siteOptions{pageSize: 3})
	a := s.account(t, "Acme", "", "ann@example.com")
	over, others := overdueDay(t, s, a)
	run(t, ctx, chromedp.EmulateViewport(1280, 700))
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Click(chromedp.CSS("#section-overdue a[data-more]")))
	waitFor(t, ctx, `location.search.indexOf("show_overdue=6") >= 0 && document.querySelectorAll("#section-overdue li.task").length === 6 && document.readyState === "complete"`)
	run(t, ctx, chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", over[1].ID))))
	if eval[string](t, ctx, `getComputedStyle(document.getElementById("bulkbar")).display`) == "none" {
		t.Error("the bulk bar does not appear when a row is ticked")
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#task-%d .check", over[4].ID))))
	waitFor(t, ctx, fmt.Sprintf(`location.hash === "#task-%d" && !document.getElementById("task-%d") && document.readyState === "complete"`, over[5].ID, over[4].ID))
	for _, task := range append([]*taskbox.Task{over[0], over[6]}, others...) {
		if sectionOfRow(t, ctx, task.ID) == "" {
			t.Errorf("after completing, %q left the page", task.Name)
		}
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`document.getElementById("sel-%d").checked`, over[1].ID)) {
		t.Error("the ticked row lost its tick")
	}
	if !eval[bool](t, ctx, fmt.Sprintf(`(function(){var r=document.getElementById("task-%d").getBoundingClientRect(), t=document.getElementById("toast").getBoundingClientRect();
		return r.top >= 0 && r.top < innerHeight && t.bottom <= innerHeight && t.top >= innerHeight/2})()`, over[5].ID)) {
		t.Error("the page is not at the next row, or the confirmation is not at the bottom of the window")
	}
	screenshot(t, ctx, "noscript-after-complete")
	run(t, ctx, chromedp.Click(chromedp.ID("undo")))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d") !== null && document.readyState === "complete"`, over[4].ID))
	if got, _ := a.find(t, s, over[4].ID); got.Status != taskbox.StatusPending || got.CompletedAt != nil {
		t.Errorf("after Undo the task is %s", got.Status)
	}

	run(t, ctx, chromedp.Click(chromedp.CSS("#add summary")), chromedp.SendKeys(chromedp.ID("add-email"), "ann@example.com"),
		chromedp.SendKeys(chromedp.ID("add-name"), "Added without script"), chromedp.Click(chromedp.CSS("#add-form button.primary")))
	waitFor(t, ctx, `document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent === "Added “Added without script”."`)
}

// Search finds a task by its lead's email, first name, last name and
// company, as it is typed (no button); Back shows the unfiltered list with
// an empty search field, Forward the search again.
func TestBrowserSearchFindsLeads(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	omar := a.lead(t, s, "omar@initech.example", "Omar", "Haddad", "Initech Systems")
	task := a.taskFor(t, s, omar, "Send the pricing sheet")
	a.task(t, s, "ann@example.com", "Call Ann", "", "")
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.startHistory = history.length`))
	for _, q := range []string{"omar@initech", "Omar", "haddad", "initech sys"} {
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("f-q").value = ""`), chromedp.SendKeys(chromedp.ID("f-q"), q))
		waitFor(t, ctx, fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %s && document.querySelectorAll("li.task").length === 1 && document.getElementById("task-%d")`,
			jsString(q), task.ID))
	}
	screenshot(t, ctx, "search-lead")
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`history.go(window.startHistory - history.length)`))
	waitFor(t, ctx, `location.search === "" && document.getElementById("f-q").value === "" && document.querySelectorAll("li.task").length === 2`)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`history.forward()`))
	waitFor(t, ctx, `document.getElementById("f-q").value === "omar@initech" && document.querySelectorAll("li.task").length === 1`)
	// A filter applies as it changes, and the Completed view keeps it.
	run(t, ctx, chromedp.Click(chromedp.CSS(`input[name=priority][value=HIGH]`)))
	waitFor(t, ctx, `location.search.indexOf("priority=HIGH") >= 0 && document.getElementById("nomatch") !== null`)
	if got := eval[string](t, ctx, `document.querySelector("#nomatch p").textContent`); !strings.Contains(got, "No open task matches “omar@initech” with these filters.") {
		t.Errorf("empty state %q", got)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`.views a[href*="view=completed"]`)))
	waitFor(t, ctx, `location.search.indexOf("view=completed") >= 0 && location.search.indexOf("priority=HIGH") >= 0 && document.getElementById("f-q").value === "omar@initech"`)
}

// The bulk bar: hidden until a row is ticked, then at the bottom of the
// window; select-all per section; move, change priority, assign, delete
// (asking once), complete and undo; completing one row keeps the others ticked.
func TestBrowserBulkBar(t *testing.T) {
	ctx := tab(t, "UTC")
	// A row to click is brought to the middle of the window first, clear
	// of the bulk bar at its bottom, as a person scrolls to it.
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).scrollIntoView({block: "center"})`)); err != nil {
				return err
			}
			_, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(sel)))
			return err
		})
	}
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	var up []*taskbox.Task
	for i := 0; i < 4; i++ {
		up = append(up, a.task(t, s, "ann@example.com", fmt.Sprintf("Upcoming %d", i), taskbox.PriorityLow, time.Now().UTC().AddDate(0, 0, 3+i).Format(time.DateOnly)))
	}
	n1 := a.task(t, s, "ann@example.com", "Loose end", taskbox.PriorityLow, "")
	n2 := a.task(t, s, "ann@example.com", "Another loose end", taskbox.PriorityLow, "")
	bo := a.member(t, s, taskbox.NewMember{Name: "Bo", Email: "bo@acme.example"})
	run(t, ctx, chromedp.EmulateViewport(1280, 500))
	signInWithBrowser(t, ctx, s, a.Key)
	if eval[string](t, ctx, `getComputedStyle(document.getElementById("bulkbar")).display`) != "none" {
		t.Error("the bulk bar shows with nothing ticked")
	}
	run(t, ctx, chromedp.Click(chromedp.CSS(`#section-upcoming input.selall`)))
	waitFor(t, ctx, `document.querySelectorAll("#section-upcoming input.sel:checked").length === 4 && document.getElementById("bulk-n").textContent === "4 tasks ticked:"`)
	if !eval[bool](t, ctx, `(function(){var r=document.getElementById("bulkbar").getBoundingClientRect();return getComputedStyle(document.getElementById("bulkbar")).display!=="none"&&r.bottom<=innerHeight&&r.top<innerHeight})()`) {
		t.Error("the bulk bar is not within the window")
	}
	screenshot(t, ctx, "bulk-bar")
	viewShot(t, ctx, "bulk-bar-window")
	target := time.Now().UTC().AddDate(0, 0, 20).Format(time.DateOnly)
	run(t, ctx, chromedp.SetValue(chromedp.ID("bulk-due"), target), chromedp.Click(chromedp.ID("bulk-reschedule")))
	waitFor(t, ctx, `document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent.indexOf("Moved 4 tasks to") === 0`)
	for _, task := range up {
		if got, _ := a.find(t, s, task.ID); got.Due == nil || got.Due.String() != target {
			t.Errorf("%q is due %v, want %s", task.Name, got.Due, target)
		}
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("input.sel:checked").length`); n != 0 {
		t.Errorf("%d rows stay ticked after a bulk action", n)
	}

	run(t, ctx, click(fmt.Sprintf("#sel-%d", up[0].ID)), click(fmt.Sprintf("#sel-%d", up[1].ID)),
		chromedp.SetValue(chromedp.ID("bulk-prio"), "HIGH"), chromedp.Click(chromedp.ID("bulk-priority")))
	waitFor(t, ctx, `document.querySelector("#toast .flash").textContent === "Set 2 tasks to High priority."`)
	for _, task := range up[:2] {
		if got, _ := a.find(t, s, task.ID); got.Priority != taskbox.PriorityHigh {
			t.Errorf("%q is %s", task.Name, got.Priority)
		}
	}

	// Assign: the ticked rows go to a member, and the rows say so.
	run(t, ctx, click(fmt.Sprintf("#sel-%d", up[0].ID)), click(fmt.Sprintf("#sel-%d", up[1].ID)),
		chromedp.SetValue(chromedp.ID("bulk-assignee"), itoa(bo.ID)), chromedp.Click(chromedp.ID("bulk-assign")))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector("#toast .flash").textContent === "Assigned 2 tasks." && document.querySelector("#task-%d .assignee").textContent.indexOf("Bo") >= 0`, up[1].ID))
	for _, task := range up[:2] {
		if got, _ := a.find(t, s, task.ID); got.Assignee == nil || got.Assignee.ID != bo.ID {
			t.Errorf("%q is assigned to %v", task.Name, got.Assignee)
		}
	}

	// Completing one row keeps the other rows ticked.
	run(t, ctx, click(fmt.Sprintf("#sel-%d", up[2].ID)), click(fmt.Sprintf("#sel-%d", up[3].ID)),
		click(fmt.Sprintf("#task-%d .check", n1.ID)))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d")`, n1.ID))
	if n := eval[int](t, ctx, `document.querySelectorAll("input.sel:checked").length`); n != 2 {
		t.Errorf("%d rows ticked after completing another row, want 2", n)
	}
	run(t, ctx, chromedp.Click(chromedp.ID("bulk-complete")))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector("#toast .flash").textContent === "Completed 2 tasks." && !document.getElementById("task-%d")`, up[2].ID))
	run(t, ctx, chromedp.Click(chromedp.ID("undo")))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d") && document.getElementById("task-%d")`, up[2].ID, up[3].ID))

	run(t, ctx, click(fmt.Sprintf("#sel-%d", n2.ID)), chromedp.Click(chromedp.ID("bulk-delete")))
	waitFor(t, ctx, `document.querySelector("h1") && document.querySelector("h1").textContent === "Delete 1 task?"`)
	screenshot(t, ctx, "bulk-delete-confirm")
	run(t, ctx, chromedp.Click(chromedp.CSS("button.danger")))
	waitFor(t, ctx, `location.pathname === "/" && document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent === "Deleted 1 task."`)
	if _, err := a.find(t, s, n2.ID); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Errorf("the deleted task: %v", err)
	}
}

// At 360 × 740: the first task is on the first screen, the filters fold
// behind one control, nothing overflows (a long unbroken title wraps),
// touch targets are 24 px at least, the page has one h1, priority glyphs
// are hidden from assistive technology, and an Arabic lead name is
// isolated from the text around it.
func TestBrowserNarrowFirstScreen(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme Corporation International", "", "ann@example.com")
	omar := a.lead(t, s, "omar@example.com", "عمر", "حداد", "شركة")
	long := a.taskFor(t, s, omar, strings.Repeat("Unbroken", 30))
	for i := 0; i < 30; i++ {
		a.task(t, s, "ann@example.com", fmt.Sprintf("Overdue %d", i), taskbox.PriorityHigh, time.Now().Add(-time.Duration(i+2)*time.Hour).UTC().Format(time.RFC3339))
	}
	old := a.task(t, s, "ann@example.com", "Ancient", taskbox.PriorityHigh, time.Now().AddDate(-6, 0, -30).UTC().Format(time.RFC3339))
	dayOld := a.task(t, s, "ann@example.com", "A day late", taskbox.PriorityHigh, time.Now().Add(-30*time.Hour).UTC().Format(time.RFC3339))
	run(t, ctx, chromedp.EmulateViewport(360, 740))
	signInWithBrowser(t, ctx, s, a.Key)
	if top := eval[float64](t, ctx, `document.querySelector("li.task").getBoundingClientRect().bottom`); top > 740 {
		t.Errorf("the first task ends %.0f px down, below the first screen", top)
	}
	if eval[bool](t, ctx, `document.getElementById("morefilters").open`) {
		t.Error("the filters are open at 360 px")
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the inbox is %d px wide", w)
	}
	if small := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("input.sel, button.check, a.more, .sectionbar a, summary, input[type=checkbox]")).filter(function(e){var r=e.getBoundingClientRect();return r.width>0&&(r.width<24||r.height<24)}).map(function(e){return e.outerHTML.slice(0,80)})`); len(small) > 0 {
		t.Errorf("touch targets under 24 px: %v", small)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("h1").length`); n != 1 {
		t.Errorf("%d h1 on the inbox", n)
	}
	if n := eval[int](t, ctx, `Array.from(document.querySelectorAll(".prio .glyph")).filter(function(g){return g.getAttribute("aria-hidden")!=="true"}).length`); n != 0 {
		t.Errorf("%d priority glyphs are read aloud", n)
	}
	if got := eval[string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll("#task-%d .meta .lead bdi")).map(function(b){return b.textContent}).join("|")`, long.ID)); got != "omar@example.com|عمر حداد|شركة" {
		t.Errorf("the lead's parts are not isolated: %q", got)
	}
	for id, want := range map[int64]string{old.ID: "Overdue by 6 years", dayOld.ID: "Overdue by 1 day"} {
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#task-%d time").textContent`, id)); got != want {
			t.Errorf("overdue wording %q, want %q", got, want)
		}
	}
	screenshot(t, ctx, "narrow-first-screen")
	viewShot(t, ctx, "narrow-first-screen-window")
	run(t, ctx, chromedp.Click(chromedp.CSS("#morefilters summary")))
	waitFor(t, ctx, `document.getElementById("morefilters").open`)
	screenshot(t, ctx, "narrow-filters-open")
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, long.ID)), chromedp.WaitVisible(chromedp.ID("edit-name")))
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the task page is %d px wide", w)
	}
}

// The task page lists the lead's other tasks a page at a time, without
// checkboxes that do nothing; their buttons work and come back to the
// page; the History shows times in the reader's zone.
func TestBrowserTaskPage(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	var all []*taskbox.Task
	for i := 0; i < 23; i++ {
		all = append(all, a.task(t, s, "ann@example.com", fmt.Sprintf("Task %02d", i), taskbox.PriorityMedium,
			time.Now().UTC().AddDate(0, 0, i+1).Format(time.DateOnly)))
	}
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, all[0].ID)), chromedp.WaitVisible(chromedp.ID("edit-name")))
	if got := eval[string](t, ctx, `document.querySelector("#others-h .count").textContent`); got != "22" {
		t.Errorf("other tasks counted %q, want 22", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#others li.task").length`); n > 10 || n < 9 {
		t.Errorf("the first page lists %d other tasks", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#others input[type=checkbox]").length`); n != 0 {
		t.Errorf("%d checkboxes on the task page", n)
	}
	first := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#others li.task")).map(function(li){return li.id})`)
	run(t, ctx, chromedp.Click(chromedp.ID("others-next")))
	waitFor(t, ctx, `location.search.indexOf("others=") >= 0 && document.readyState === "complete" && document.querySelectorAll("#others li.task").length > 0`)
	second := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#others li.task")).map(function(li){return li.id})`)
	for _, id := range second {
		if strings.Contains(strings.Join(first, ","), id) {
			t.Errorf("%s is on both pages", id)
		}
	}
	// Complete another task from the list: it stays on this page, done.
	other := second[0]
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+other+" .check")))
	waitFor(t, ctx, `document.getElementById("`+other+`") && document.getElementById("`+other+`").classList.contains("done") && location.pathname.indexOf("/tasks/") === 0`)
	// The History shows a changed due time in Berlin, not in UTC.
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, all[0].ID)), chromedp.WaitVisible(chromedp.ID("edit-name")),
		chromedp.SetValue(chromedp.ID("edit-due-date"), "2030-03-04"), chromedp.SetValue(chromedp.ID("edit-due-time"), "09:15"),
		chromedp.Click(chromedp.CSS("#edit-form button.primary")))
	waitFor(t, ctx, `document.querySelector(".trail").textContent.indexOf("due date:") >= 0`)
	trail := eval[string](t, ctx, `document.querySelector(".trail").textContent`)
	if !strings.Contains(trail, "→ Mon 4 Mar 2030 09:15") || strings.Contains(trail, "T08:15:00Z") {
		t.Errorf("the History does not read in the reader's zone:\n%s", trail)
	}
}

// Keys: ? shows every shortcut, / goes to the search, and no shortcut
// fires while typing in a field.
func TestBrowserShortcutsNotWhileTyping(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Stay open", "", "")
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("?"))
	waitFor(t, ctx, `document.getElementById("keyhelp").open`)
	screenshot(t, ctx, "shortcuts")
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	waitFor(t, ctx, `!document.getElementById("keyhelp").open`)
	run(t, ctx, chromedp.KeyEvent("/"))
	waitFor(t, ctx, `document.activeElement.id === "f-q"`)
	run(t, ctx, chromedp.KeyEvent("jxz?c"))
	if got, _ := a.find(t, s, task.ID); got.Status != taskbox.StatusPending {
		t.Error("a shortcut fired while typing")
	}
	if eval[bool](t, ctx, `document.getElementById("keyhelp").open || document.getElementById("add").open`) {
		t.Error("a shortcut opened something while typing")
	}
	run(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent("c"))
	waitFor(t, ctx, `document.getElementById("add").open && document.activeElement.id === "quick-text"`)
}

// lead adds a lead with names and a company to the account's campaign.
func (a *account) lead(t *testing.T, s *site, email, first, last, company string) int64 {
	t.Helper()
	res, err := s.DB.AddLeads(a.ctx, &taskbox.LeadUpload{CampaignID: a.Campaign.ID, Leads: []taskbox.LeadInput{
		{Email: email, FirstName: &first, LastName: &last, CompanyName: &company}}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Leads[0].LeadMapID
}

// taskFor creates a task on a lead map.
func (a *account) taskFor(t *testing.T, s *site, leadMap int64, name string) *taskbox.Task {
	t.Helper()
	task, err := s.DB.CreateTask(a.ctx, &taskbox.TaskCreate{LeadMapID: leadMap, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// viewShot saves what the window shows (not the whole page), in the light
// scheme, as name.png.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(filepath.Join(shotDir(t), name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Quick add from the keyboard, in Tokyo: c opens it, the reading of the
// line shows before saving, and the task lands due at 09:00 Tokyo time.
func TestBrowserQuickAdd(t *testing.T) {
	ctx := tab(t, "Asia/Tokyo")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("c"))
	waitFor(t, ctx, `document.activeElement.id === "quick-text"`)
	// chromedp sends the key's char event apart from its keydown, whose
	// default the page prevents; when the field already has the focus by
	// then (a loaded machine), the c lands in it, which a real keyboard's
	// prevented keydown never does: start from an empty field.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("quick-text").value = ""`),
		chromedp.SendKeys(chromedp.ID("quick-text"), "Call Ann tomorrow 9am"))
	waitFor(t, ctx, `document.getElementById("quick-preview").textContent.indexOf("“Call Ann”, due Tomorrow 09:00") === 0`)
	run(t, ctx, chromedp.SendKeys(chromedp.ID("quick-email"), "ann@example.com"))
	screenshot(t, ctx, "quick-add")
	run(t, ctx, chromedp.Click(chromedp.ID("quick-add")))
	waitFor(t, ctx, `document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent.indexOf("Added “Call Ann”, due Tomorrow 09:00") === 0`)
	page, err := s.DB.ListTasks(a.ctx, taskbox.TaskFilter{Limit: 10})
	if err != nil || len(page.Tasks) != 1 {
		t.Fatalf("tasks: %v %v", page, err)
	}
	tokyo := mustZone(t, "Asia/Tokyo")
	at := page.Tasks[0].Due.At.In(tokyo)
	if tomorrow := time.Now().In(tokyo).AddDate(0, 0, 1); at.Hour() != 9 || at.Day() != tomorrow.Day() {
		t.Errorf("due %s in Tokyo, want tomorrow 09:00", at)
	}
}

// Focus mode from the keyboard: n opens it on the first task in due
// order, n skips, x completes and shows the next one.
func TestBrowserFocusMode(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	first := a.task(t, s, "ann@example.com", "First due", "", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	second := a.task(t, s, "ann@example.com", "Second due", "", time.Now().AddDate(0, 0, 1).UTC().Format(time.DateOnly))
	a.task(t, s, "ann@example.com", "No date", "", "")
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("n"))
	waitFor(t, ctx, `location.pathname === "/focus" && document.getElementById("focus-h").textContent === "First due" && document.readyState === "complete" && document.documentElement.classList.contains("js")`)
	// a note added beside the task stays on the same task; typing n and x
	// in the note does not skip or complete
	run(t, ctx, chromedp.Click(chromedp.ID("note-text")), chromedp.SendKeys(chromedp.ID("note-text"), "next call in January"),
		chromedp.Click(chromedp.CSS("#note-form button")))
	waitFor(t, ctx, `document.readyState === "complete" && document.getElementById("focus-h").textContent === "First due" && document.querySelector("#notes .note .text") && document.querySelector("#notes .note .text").textContent === "next call in January"`)
	screenshot(t, ctx, "focus")
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
	waitFor(t, ctx, `document.documentElement.classList.contains("js")`)
	run(t, ctx, chromedp.KeyEvent("n"))
	waitFor(t, ctx, `document.getElementById("focus-h").textContent === "Second due" && document.readyState === "complete" && document.documentElement.classList.contains("js")`)
	run(t, ctx, chromedp.KeyEvent("x"))
	waitFor(t, ctx, `document.getElementById("focus-h").textContent === "No date" && document.querySelector("#toast .flash").textContent === "Completed “Second due”."`)
	if got, _ := a.find(t, s, second.ID); got.Status != taskbox.StatusCompleted {
		t.Error("x did not complete the task in focus mode")
	}
	// at 360 px the notes go below the task, and nothing overflows
	run(t, ctx, chromedp.EmulateViewport(360, 740))
	if eval[bool](t, ctx, `document.getElementById("notes").getBoundingClientRect().top < document.getElementById("focus-complete").getBoundingClientRect().bottom || document.documentElement.scrollWidth > innerWidth`) {
		t.Error("at 360 px the notes are not below the task, or the page overflows")
	}
	screenshot(t, ctx, "focus-narrow")
	if got, _ := a.find(t, s, first.ID); got.Status != taskbox.StatusPending {
		t.Error("the skipped task changed")
	}
}

// e edits a row's due date and priority in place; Esc cancels.
func TestBrowserInlineEdit(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityLow, "")
	bo := a.member(t, s, taskbox.NewMember{Name: "Bo", Email: "bo@acme.example"})
	signInWithBrowser(t, ctx, s, a.Key)
	row := fmt.Sprintf("task-%d", task.ID)
	run(t, ctx, chromedp.Focus(chromedp.ID(row)), chromedp.KeyEvent("e"))
	waitFor(t, ctx, `document.activeElement.name === "due_date" && document.activeElement.closest("form.inline")`)
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	waitFor(t, ctx, `!document.querySelector("form.inline") && document.activeElement.id === "`+row+`"`)
	run(t, ctx, chromedp.KeyEvent("e"))
	waitFor(t, ctx, `document.querySelector("form.inline") !== null`)
	screenshot(t, ctx, "inline-edit")
	run(t, ctx, chromedp.SetValue(chromedp.CSS("form.inline input[name=due_date]"), "2030-01-02"),
		chromedp.SetValue(chromedp.CSS("form.inline input[name=due_time]"), "10:30"),
		chromedp.SetValue(chromedp.CSS("form.inline select[name=priority]"), "HIGH"))
	if got := eval[string](t, ctx, `document.querySelector("form.inline select[name=assignee]").value`); got != "none" {
		t.Errorf("the inline edit's assignee starts at %q, not none", got)
	}
	run(t, ctx, chromedp.SetValue(chromedp.CSS("form.inline select[name=assignee]"), itoa(bo.ID)),
		chromedp.Click(chromedp.CSS("form.inline button.primary")))
	waitFor(t, ctx, `document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent.indexOf("Saved “Call Ann”: High,") === 0 && document.activeElement.id === "`+row+`"`)
	got, _ := a.find(t, s, task.ID)
	if got.Priority != taskbox.PriorityHigh || got.Due == nil || !got.Due.At.Equal(mustTime(t, "2030-01-02T09:30:00Z")) || got.Assignee == nil || got.Assignee.ID != bo.ID {
		t.Errorf("after the inline edit: %s due %v assignee %v", got.Priority, got.Due, got.Assignee)
	}
}
