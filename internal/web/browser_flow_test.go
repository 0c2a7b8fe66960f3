package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	taskbox "github.com/taskboxhq/taskbox"
)

// A person's day in the inbox: sign in, find the seeded tasks in their
// sections, page, add a task through the suggestions, complete and reopen,
// edit, delete, filter, bulk-complete and sign out, each change shown
// without a full reload.
func TestBrowserInboxWorkflow(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{pageSize: 3})
	a := s.account(t, "Acme", "", "ann@example.com", "bob@example.com")
	berlin := mustZone(t, "Europe/Berlin")
	day := func(n int) string { return time.Now().In(berlin).AddDate(0, 0, n).Format(time.DateOnly) }
	overdue := a.task(t, s, "ann@example.com", "Send pricing", taskbox.PriorityHigh, time.Now().Add(-50*time.Hour).UTC().Format(time.RFC3339))
	today := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityMedium, day(0))
	var upcoming []*taskbox.Task
	for i := 3; i <= 6; i++ {
		upcoming = append(upcoming, a.task(t, s, "bob@example.com", fmt.Sprintf("Follow up %d", i), taskbox.PriorityLow, day(i)))
	}
	none := a.task(t, s, "bob@example.com", "Research the company", taskbox.PriorityLow, "")

	signInWithBrowser(t, ctx, s, a.Key)
	for id, want := range map[int64]string{overdue.ID: "overdue", today.ID: "today", upcoming[0].ID: "upcoming", none.ID: "none"} {
		if got := sectionOfRow(t, ctx, id); got != want {
			t.Errorf("task %d is in %q, want %q", id, got, want)
		}
	}
	if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#task-%d time").textContent`, overdue.ID)); got != "Overdue by 2 days" {
		t.Errorf("overdue wording %q", got)
	}
	if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#task-%d time").textContent`, today.ID)); got != "Today" {
		t.Errorf("today wording %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("#h-upcoming .count").textContent`); got != "4" {
		t.Errorf("upcoming count %q, want 4", got)
	}
	screenshot(t, ctx, "inbox")
	checkContrast(t, ctx, ".brand", ".who", ".views a[aria-current]", ".zone", "label", ".name", ".meta", ".email", ".prio-HIGH",
		".prio-MEDIUM", ".prio-LOW", ".due.overdue", "#section-today .due", ".count", ".add summary", "a.more", ".secondary", ".signout button")
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.noReload = true`))

	// Page: the fourth upcoming task comes with "Show more", appended.
	if n := eval[int](t, ctx, `document.querySelectorAll("#section-upcoming li.task").length`); n != 3 {
		t.Errorf("upcoming shows %d rows, want 3", n)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#section-upcoming a[data-more]")))
	waitFor(t, ctx, `document.querySelectorAll("#section-upcoming li.task").length === 4 && !document.querySelector("#section-upcoming a[data-more]")`)

	// Add a task to a lead found by typing its email.
	run(t, ctx, chromedp.Click(chromedp.CSS("#add summary")), chromedp.SendKeys(chromedp.ID("add-email"), "bo"))
	waitFor(t, ctx, `document.querySelectorAll("#lead-options option").length === 1 && document.querySelector("#lead-options option").value === "bob@example.com"`)
	run(t, ctx, chromedp.SendKeys(chromedp.ID("add-email"), "b@example.com"))
	waitFor(t, ctx, `document.getElementById("add-lead-map").options.length === 2 && document.getElementById("add-lead-map").value !== ""`)
	run(t, ctx, chromedp.SendKeys(chromedp.ID("add-name"), "Book a demo"), chromedp.SetValue(chromedp.ID("add-priority"), "HIGH"),
		chromedp.SetValue(chromedp.ID("add-due-date"), day(1)), chromedp.SetValue(chromedp.ID("add-due-time"), "10:15"))
	screenshot(t, ctx, "add-form")
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-form button.primary")))
	waitFor(t, ctx, `document.querySelector(".flash") && document.querySelector(".flash").textContent === "Added “Book a demo”."`)
	added := eval[string](t, ctx, `Array.from(document.querySelectorAll("#section-upcoming li.task")).filter(function(li){return li.querySelector(".name").textContent==="Book a demo"}).map(function(li){return li.querySelector("time").textContent})[0] || ""`)
	if added != "Tomorrow 10:15" {
		t.Errorf("the added task reads %q in Upcoming, want Tomorrow 10:15", added)
	}

	// Complete with one click, then reopen from the Completed view.
	run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#task-%d .check", overdue.ID))))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d") && document.querySelector("#h-overdue .count").textContent === "0"`, overdue.ID))
	if !eval[bool](t, ctx, `window.noReload === true`) {
		t.Error("a change reloaded the whole page")
	}
	screenshot(t, ctx, "after-complete")
	run(t, ctx, chromedp.Click(chromedp.CSS(`.views a[href="/?view=completed"]`)))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d") !== null && location.search === "?view=completed"`, overdue.ID))
	screenshot(t, ctx, "completed")
	run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#task-%d .check", overdue.ID))))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d")`, overdue.ID))
	if got, _ := a.find(t, s, overdue.ID); got.Status != taskbox.StatusPending {
		t.Errorf("reopened task is %s", got.Status)
	}

	// Edit on the task's page.
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, overdue.ID)), chromedp.WaitVisible(chromedp.ID("edit-name")),
		chromedp.SetValue(chromedp.ID("edit-name"), "Send the pricing sheet"), chromedp.SetValue(chromedp.ID("edit-priority"), "LOW"),
		chromedp.Evaluate[chromedp.Void](`window.noReload = true`), chromedp.Click(chromedp.CSS("#edit-form button.primary")))
	waitFor(t, ctx, `document.querySelector("h1").textContent === "Send the pricing sheet" && document.querySelector(".trail").textContent.indexOf("priority: HIGH → LOW") >= 0`)
	if !eval[bool](t, ctx, `window.noReload === true && document.querySelector(".trail").textContent.indexOf("Reopened by Owner in the web inbox") >= 0`) {
		t.Error("the edit reloaded the page, or the trail lacks the reopening by the web user")
	}
	screenshot(t, ctx, "task")
	checkContrast(t, ctx, ".flash", ".state", ".facts dt", ".facts dd", ".opt", "button.primary", "a.button.danger", ".trail li", "#edit-name")

	// Delete with a confirmation.
	run(t, ctx, chromedp.Click(chromedp.CSS("a.button.danger")))
	waitFor(t, ctx, `document.querySelector("h1") && document.querySelector("h1").textContent === "Delete “Send the pricing sheet”?"`)
	screenshot(t, ctx, "confirm-delete")
	run(t, ctx, chromedp.Click(chromedp.CSS("button.danger")))
	waitFor(t, ctx, fmt.Sprintf(`document.querySelector(".flash") && document.querySelector(".flash").textContent === "Deleted “Send the pricing sheet”." && !document.getElementById("task-%d")`, overdue.ID))

	// Filter by text and by priority.
	run(t, ctx, chromedp.SendKeys(chromedp.ID("f-q"), "research"), chromedp.Submit(chromedp.ID("f-q")))
	waitFor(t, ctx, `location.search.indexOf("q=research") >= 0 && document.querySelectorAll("li.task").length === 1`)
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.Click(chromedp.CSS(`input[name=priority][value=HIGH]`)), chromedp.Submit(chromedp.ID("f-q")))
	waitFor(t, ctx, `location.search.indexOf("priority=HIGH") >= 0 && document.querySelectorAll("li.task").length === 1 && document.querySelector("li.task .name").textContent === "Book a demo"`)
	screenshot(t, ctx, "filtered")

	// Bulk-complete two selected rows.
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("sel-%d", upcoming[0].ID))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", upcoming[0].ID))), chromedp.Click(chromedp.ID(fmt.Sprintf("sel-%d", upcoming[1].ID))),
		chromedp.Click(chromedp.ID("bulk-complete")))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d") && !document.getElementById("task-%d") && document.querySelector(".flash").textContent === "Completed 2 tasks."`,
		upcoming[0].ID, upcoming[1].ID))

	// Sign out.
	run(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("api_key")))
	screenshot(t, ctx, "signin")
}

// The same inbox in Tokyo and in New York puts one task in different
// sections: the browser's zone decides, through the script's cookie.
func TestBrowserTimeZones(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	due, tokyo, newYork := zoneSplit(t)
	task := a.task(t, s, "ann@example.com", "Zone check", taskbox.PriorityHigh, due.Format(time.RFC3339))
	if tokyo == newYork {
		t.Fatalf("the chosen due time %s is %s in both zones", due, tokyo)
	}
	for _, z := range []struct{ zone, want, shot string }{{"Asia/Tokyo", tokyo, "zone-tokyo"}, {"America/New_York", newYork, "zone-new-york"}} {
		ctx := tab(t, z.zone)
		signInWithBrowser(t, ctx, s, a.Key)
		if got := sectionOfRow(t, ctx, task.ID); got != z.want {
			t.Errorf("in %s the task is in %q, want %q", z.zone, got, z.want)
		}
		if got := eval[string](t, ctx, `document.querySelector("[data-zone]").textContent`); got != z.zone {
			t.Errorf("the page says times are in %q, want %s", got, z.zone)
		}
		label := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#task-%d time").textContent`, task.ID))
		want := "Tomorrow " + due.In(mustZone(t, z.zone)).Format("15:04")
		if z.want == "today" {
			want = "Today " + due.In(mustZone(t, z.zone)).Format("15:04")
		}
		if label != want {
			t.Errorf("in %s the due time reads %q, want %q", z.zone, label, want)
		}
		screenshot(t, ctx, z.shot)
	}
}

// Keyboard only: j moves to a row and x completes it; Tab goes row by row
// (one stop each, with a visible focus), and Enter opens the focused row.
func TestBrowserKeyboardOnly(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	first := a.task(t, s, "ann@example.com", "First", taskbox.PriorityHigh, "")
	second := a.task(t, s, "ann@example.com", "Second", taskbox.PriorityLow, "")
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("j"))
	waitFor(t, ctx, fmt.Sprintf(`document.activeElement.id === "task-%d"`, first.ID))
	screenshot(t, ctx, "keyboard-row-focus")
	run(t, ctx, chromedp.KeyEvent("x"))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d")`, first.ID))
	if got, _ := a.find(t, s, first.ID); got.Status != taskbox.StatusCompleted {
		t.Fatalf("x did not complete the task")
	}

	// One Tab stop per row: Tab goes from the first row to the second,
	// whose controls it does not stop on; Enter on a row opens it.
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("f-q")))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d").tabIndex === 0`, second.ID))
	third := a.task(t, s, "ann@example.com", "Third", taskbox.PriorityLow, "")
	run(t, ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("f-q")))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d").tabIndex === 0`, third.ID))
	run(t, ctx, chromedp.Focus(chromedp.ID(fmt.Sprintf("task-%d", second.ID))), chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, ctx, `document.activeElement.id`); got != fmt.Sprintf("task-%d", third.ID) {
		t.Errorf("Tab from a row went to %q, want the next row", got)
	}
	if outline := eval[string](t, ctx, `getComputedStyle(document.activeElement).outlineStyle`); outline == "none" {
		t.Error("the focused row shows no outline")
	}
	screenshot(t, ctx, "keyboard-tab-row")
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, fmt.Sprintf(`location.pathname === "/tasks/%d"`, third.ID))
	run(t, ctx, chromedp.Navigate(s.URL+"/"))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("task-%d") && document.getElementById("task-%d").tabIndex === 0`, second.ID, second.ID))
	run(t, ctx, chromedp.Focus(chromedp.ID(fmt.Sprintf("task-%d", second.ID))), chromedp.KeyEvent("x"))
	waitFor(t, ctx, fmt.Sprintf(`!document.getElementById("task-%d")`, second.ID))
	if got, _ := a.find(t, s, second.ID); got.Status != taskbox.StatusCompleted {
		t.Error("x on a focused row did not complete the task")
	}
}

// At 360 px nothing overflows sideways: sign-in, inbox and a task's page.
func TestBrowserNarrowViewport(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme Corporation International", "", "a.very.long.email.address.of.someone@subdomain.example.com")
	email := "a.very.long.email.address.of.someone@subdomain.example.com"
	long := a.task(t, s, email, "Send the pricing breakdown for the fifty-seat enterprise plan before the call", taskbox.PriorityHigh,
		time.Now().Add(-3*time.Hour).UTC().Format(time.RFC3339))
	a.task(t, s, email, "Call", taskbox.PriorityMedium, time.Now().Add(30*time.Hour).UTC().Format(time.RFC3339))
	run(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("api_key")))
	screenshot(t, ctx, "narrow-signin")
	signInWithBrowser(t, ctx, s, a.Key)
	noOverflow := func(where string) {
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s is %d px wide at a 360 px viewport", where, w)
		}
	}
	noOverflow("the inbox")
	screenshot(t, ctx, "narrow-inbox")
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, long.ID)), chromedp.WaitVisible(chromedp.ID("edit-name")))
	noOverflow("the task page")
	screenshot(t, ctx, "narrow-task")
}

// A new account sees how to start; a session that ends while a task is
// typed returns to sign-in and brings the typing back.
func TestBrowserEmptyInboxAndExpiredSession(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Newcomer", "", "ann@example.com")
	signInWithBrowser(t, ctx, s, a.Key)
	waitFor(t, ctx, `document.querySelector(".empty h2").textContent === "No tasks yet" && document.querySelector("#add").open`)
	screenshot(t, ctx, "empty")
	checkContrast(t, ctx, ".empty p", "pre code", ".help", "#add-email")

	run(t, ctx, chromedp.SendKeys(chromedp.ID("add-email"), "ann@example.com"), chromedp.SendKeys(chromedp.ID("add-name"), "Typed before expiry"),
		chromedp.SendKeys(chromedp.ID("add-description"), "Keep me"))
	if err := s.DB.RevokeKey(context.Background(), a.KeyID); err != nil {
		t.Fatal(err)
	}
	second, err := s.DB.CreateKey(context.Background(), a.ID, "second")
	if err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-form button.primary")))
	waitFor(t, ctx, `document.getElementById("api_key") !== null && document.querySelector(".notice") && document.querySelector(".notice").textContent.indexOf("what you typed is kept") >= 0`)
	screenshot(t, ctx, "expired")
	run(t, ctx, chromedp.SendKeys(chromedp.ID("api_key"), second.Secret), chromedp.Submit(chromedp.ID("api_key")))
	waitFor(t, ctx, `document.getElementById("add-name") && document.getElementById("add-name").value === "Typed before expiry" && document.getElementById("add-description").value === "Keep me" && document.getElementById("add-email").value === "ann@example.com"`)
	if search := eval[string](t, ctx, `location.href`); strings.Contains(search, "draft") || strings.Contains(search, "Typed") {
		t.Errorf("the draft came back through the URL: %s", search)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("#add-form button.primary")))
	waitFor(t, ctx, `document.querySelector(".flash") && document.querySelector(".flash").textContent === "Added “Typed before expiry”."`)
}

// When the server stops answering, a change says so on the page, and the
// task keeps its row.
func TestBrowserServerGone(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Still here", taskbox.PriorityHigh, "")
	signInWithBrowser(t, ctx, s, a.Key)
	s.Close()
	run(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf("#task-%d .check", task.ID))))
	waitFor(t, ctx, `document.querySelector(".flash.error") && document.querySelector(".flash.error").textContent.indexOf("could not be sent") >= 0`)
	if !eval[bool](t, ctx, fmt.Sprintf(`document.getElementById("task-%d") !== null`, task.ID)) {
		t.Error("the row went although the change failed")
	}
	screenshot(t, ctx, "server-gone")
	checkContrast(t, ctx, ".flash.error", ".none", ".prio-HIGH")
}

// Snooze from the keyboard: s on a focused row opens its menu on its
// first choice, the arrow keys choose, Enter snoozes; Esc closes the menu
// and gives the row its focus back; on a snoozed row (Snoozed view) s goes
// to its Unsnooze button.
func TestBrowserKeyboardSnooze(t *testing.T) {
	ctx := tab(t, "Asia/Tokyo")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	first := a.task(t, s, "ann@example.com", "First", taskbox.PriorityHigh, "")
	second := a.task(t, s, "ann@example.com", "Second", taskbox.PriorityLow, "")
	signInWithBrowser(t, ctx, s, a.Key)
	row := func(id int64) string { return fmt.Sprintf(`document.getElementById("task-%d")`, id) }

	// Esc closes the menu and goes back to the row.
	waitFor(t, ctx, row(second.ID)+` && `+row(second.ID)+`.tabIndex === 0`)
	run(t, ctx, chromedp.Focus(chromedp.ID(fmt.Sprintf("task-%d", second.ID))), chromedp.KeyEvent("s"))
	waitFor(t, ctx, row(second.ID)+`.querySelector("details.snooze").open && document.activeElement.value === "later"`)
	screenshot(t, ctx, "keyboard-snooze-menu")
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	waitFor(t, ctx, `!`+row(second.ID)+`.querySelector("details.snooze").open && document.activeElement === `+row(second.ID))

	// s, ↓ (tomorrow morning), Enter: snoozed until 09:00 tomorrow in Tokyo.
	run(t, ctx, chromedp.Focus(chromedp.ID(fmt.Sprintf("task-%d", first.ID))), chromedp.KeyEvent("s"))
	waitFor(t, ctx, `document.activeElement.value === "later"`)
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	waitFor(t, ctx, `document.activeElement.value === "tomorrow" && document.activeElement.checked`)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, `!`+row(first.ID))
	got, err := a.find(t, s, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now().In(tokyo)
	want := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, tokyo)
	if got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(want) {
		t.Fatalf("snoozed_until = %v, want %v", got.SnoozedUntil, want)
	}

	// In the Snoozed view, s on the row goes to its Unsnooze button.
	run(t, ctx, chromedp.Navigate(s.URL+"/?view=snoozed"))
	waitFor(t, ctx, row(first.ID)+` && `+row(first.ID)+`.tabIndex === 0`)
	run(t, ctx, chromedp.Focus(chromedp.ID(fmt.Sprintf("task-%d", first.ID))), chromedp.KeyEvent("s"))
	waitFor(t, ctx, `document.activeElement.closest("form.unsnooze") !== null`)
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitFor(t, ctx, `!`+row(first.ID))
	if got, _ := a.find(t, s, first.ID); got.SnoozedUntil != nil {
		t.Errorf("Unsnooze from the keyboard left snoozed_until = %v", got.SnoozedUntil)
	}
}
