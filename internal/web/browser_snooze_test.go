package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	taskbox "github.com/taskboxhq/taskbox"
)

// Snooze from the keyboard in Tokyo: s on a row opens its menu (Esc closes
// it), a picked time is read in the browser's zone, the task leaves the list
// for the Snoozed view, and it comes back to its section when the clock
// passes the time set and the unsnooze timer fires. In focus mode s snoozes
// the task at hand and shows the next.
func TestBrowserSnoozeAndItsReturn(t *testing.T) {
	ctx := tab(t, "Asia/Tokyo")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	late := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	task := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityHigh, late)
	a.task(t, s, "ann@example.com", "Stay here", taskbox.PriorityLow, late)
	signInWithBrowser(t, ctx, s, a.Key)
	row := fmt.Sprintf("task-%d", task.ID)
	run(t, ctx, chromedp.Focus(chromedp.ID(row)), chromedp.KeyEvent("s"))
	waitFor(t, ctx, `document.querySelector("#`+row+` details.snooze").open && document.activeElement.name === "when" && document.activeElement.value === "later"`)
	run(t, ctx, chromedp.KeyEvent(kb.Escape))
	waitFor(t, ctx, `!document.querySelector("#`+row+` details.snooze").open && document.activeElement.id === "`+row+`"`)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	until := time.Now().In(tokyo).Add(2 * time.Hour).Truncate(time.Minute)
	run(t, ctx, chromedp.KeyEvent("s"))
	waitFor(t, ctx, `document.querySelector("#`+row+` details.snooze").open`)
	screenshot(t, ctx, "snooze-menu")
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+row+" input[value=pick]")),
		chromedp.SetValue(chromedp.CSS("#"+row+" input[name=at]"), until.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS("#"+row+" .snoozeform button")))
	waitFor(t, ctx, `document.readyState === "complete" && !document.getElementById("`+row+`") && document.querySelector("a[href*='view=snoozed'] .count").textContent === "1"`)
	got, err := a.find(t, s, task.ID)
	if err != nil || got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(until) {
		t.Fatalf("snoozed until %v, want %s (the time picked in Tokyo)", got.SnoozedUntil, until.UTC())
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("a[href*='view=snoozed']")))
	waitFor(t, ctx, `document.readyState === "complete" && document.getElementById("`+row+`") && document.querySelector("#`+row+` time.snoozed")`)
	// the time passes: the unsnooze timer fires, and the task is back
	s.DB.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: until.Add(time.Minute)} }
	if _, err := s.DB.FireTimers(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/"))
	waitFor(t, ctx, `document.readyState === "complete" && document.querySelector("#section-overdue #`+row+`") && document.querySelector("a[href*='view=snoozed'] .count").textContent === "0"`)
	if got, _ := a.find(t, s, task.ID); got.SnoozedUntil != nil {
		t.Errorf("after its time the task is still snoozed until %v", got.SnoozedUntil)
	}

	// focus mode: s opens the snooze, "Later today" snoozes, the next shows
	run(t, ctx, chromedp.Navigate(s.URL+"/focus"))
	waitFor(t, ctx, `document.readyState === "complete" && document.getElementById("focus-h").textContent === "Call Ann" && document.documentElement.classList.contains("js")`)
	run(t, ctx, chromedp.KeyEvent("s"))
	waitFor(t, ctx, `document.getElementById("focus-snooze").open && document.activeElement.value === "later"`)
	screenshot(t, ctx, "focus-snooze")
	run(t, ctx, chromedp.Click(chromedp.ID("focus-snooze-btn")))
	waitFor(t, ctx, `document.readyState === "complete" && document.getElementById("focus-h") && document.getElementById("focus-h").textContent === "Stay here"`)
	if got, _ := a.find(t, s, task.ID); got.SnoozedUntil == nil {
		t.Error("focus mode's snooze did not snooze the task")
	}
}

// Without JavaScript the row's snooze menu is a form like any other: the
// task leaves the list, tomorrow morning is 09:00 in the account's zone
// (the browser's is unknown without the script).
func TestBrowserNoScriptSnooze(t *testing.T) {
	ctx := tab(t, "UTC")
	noScript(t, ctx)
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "Europe/Berlin", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityHigh, "")
	signInWithBrowser(t, ctx, s, a.Key)
	row := fmt.Sprintf("task-%d", task.ID)
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+row+" details.snooze summary")),
		chromedp.Click(chromedp.CSS("#"+row+" input[value=tomorrow]")),
		chromedp.Click(chromedp.CSS("#"+row+" .snoozeform button")))
	waitFor(t, ctx, `document.readyState === "complete" && !document.getElementById("`+row+`") && document.querySelector("a[href*='view=snoozed'] .count").textContent === "1"`)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(berlin)
	want := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, berlin)
	if got, _ := a.find(t, s, task.ID); got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(want) {
		t.Errorf("snoozed until %v, want %s", got.SnoozedUntil, want)
	}
}
