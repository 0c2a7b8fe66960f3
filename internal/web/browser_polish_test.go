package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	taskbox "github.com/taskboxhq/taskbox"
)

// Three small defects of issue #18 found in a review at 360 × 740 and
// 1280 × 800: the header took two lines at 360 px, the Undo confirmation
// covered "Add note" in focus mode, and the lead's other tasks on the task
// page kept an empty checkbox column.

// headerJS says what is wrong with the top header: its parts must sit on
// one line, every control wholly in the window, on top at its centre and
// 24 px at least, and the account's name, however it is cut, must be whole
// in the title of its element.
const headerJS = `(function(){
  var h = document.querySelector("header.top"), bad = [], w = document.documentElement.clientWidth;
  var parts = Array.from(h.children).filter(function(e){ var b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0; });
  var lo = Math.max.apply(null, parts.map(function(e){ return e.getBoundingClientRect().top; }));
  var hi = Math.min.apply(null, parts.map(function(e){ return e.getBoundingClientRect().bottom; }));
  if (lo >= hi) bad.push("the header's parts are on more than one line: " + parts.map(function(e){ var b = e.getBoundingClientRect(); return (e.className || e.tagName) + " " + b.top.toFixed(0) + "-" + b.bottom.toFixed(0); }).join(", "));
  h.querySelectorAll("a, button").forEach(function(c){
    var b = c.getBoundingClientRect(), name = c.textContent.trim();
    if (b.width === 0 || b.height === 0) { bad.push(name + ": no size"); return; }
    if (b.left < 0 || b.right > w + 0.5) { bad.push(name + ": at " + b.left.toFixed(0) + "-" + b.right.toFixed(0) + " of " + w); return; }
    if (b.width < 24 || b.height < 24) bad.push(name + ": " + b.width.toFixed(0) + " × " + b.height.toFixed(0) + " px");
    if (c.scrollWidth > c.clientWidth + 1) bad.push(name + ": its text is cut");
    var hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    if (!hit || !c.contains(hit)) bad.push(name + ": covered by " + (hit ? hit.outerHTML.slice(0, 60) : "nothing"));
  });
  var who = h.querySelector(".who");
  if (who && who.title !== who.textContent.replace(/\s+/g, " ").trim()) bad.push("the account's title is " + JSON.stringify(who.title) + ", its text " + JSON.stringify(who.textContent));
  if (document.documentElement.scrollWidth > w) bad.push("the page is " + document.documentElement.scrollWidth + " px wide");
  return bad;
})()`

// At 360 × 740 and 1280 × 800, signed in with a key and as a member (the
// header's longest: Settings too), the header is one line, its controls
// all show and work, and the first task is on the first screen.
func TestBrowserHeaderOneLine(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme Corporation International", "", "ann@example.com")
	dayOfSections(t, s, a)
	ana := a.member(t, s, taskbox.NewMember{Name: "Ana Lima-Fernández", Email: "ana@acme.example"})

	check := func(who string, want string) {
		t.Helper()
		for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
			where := fmt.Sprintf("%s at %d px", who, size[0])
			run(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(s.URL+"/?assignee=all"))
			waitFor(t, ctx, `document.readyState === "complete" && document.querySelector("li.task") !== null`)
			if bad := eval[[]string](t, ctx, headerJS); len(bad) > 0 {
				t.Errorf("%s: the header: %v", where, bad)
			}
			if got := eval[string](t, ctx, `document.querySelector("header .who").title`); !strings.Contains(got, want) {
				t.Errorf("%s: the account's title is %q, want it to hold %q", where, got, want)
			}
			if bottom := eval[float64](t, ctx, `document.querySelector("li.task").getBoundingClientRect().bottom`); bottom > float64(size[1]) {
				t.Errorf("%s: the first task ends %.0f px down, below the first screen", where, bottom)
			}
			windowShots(t, ctx, fmt.Sprintf("header-%s-%d", who, size[0]))
		}
	}
	signInWithBrowser(t, ctx, s, a.Key)
	check("key", "Acme Corporation International · Owner · key default")

	// As a member: the header has Settings as well.
	run(t, ctx, chromedp.Click(chromedp.CSS("form.signout button")))
	waitFor(t, ctx, `document.getElementById("api_key") !== null`)
	run(t, ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(s.URL+"/setup/"+ana.SetupToken), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"), chromedp.SendKeys(chromedp.ID("confirm"), "correct horse battery"),
		chromedp.Click(chromedp.ID("setup-submit")))
	waitFor(t, ctx, `document.querySelector(".settings-link") !== null`)
	check("member", "Acme Corporation International · Ana Lima-Fernández")

	// Every control of the header works at 360 px: Settings, SmartLead, Sign out.
	run(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(s.URL+"/"))
	waitFor(t, ctx, `document.readyState === "complete"`)
	run(t, ctx, chromedp.Click(chromedp.CSS("header .settings-link")))
	waitFor(t, ctx, `location.pathname === "/settings"`)
	run(t, ctx, chromedp.Click(chromedp.CSS("header .navlink")))
	waitFor(t, ctx, `location.pathname === "/settings/smartlead"`)
	if bad := eval[[]string](t, ctx, headerJS); len(bad) > 0 {
		t.Errorf("member at 360 px on the SmartLead page: the header: %v", bad)
	}
	run(t, ctx, chromedp.Click(chromedp.CSS("header .brand")))
	waitFor(t, ctx, `location.pathname === "/" && document.readyState === "complete"`)
	run(t, ctx, chromedp.Click(chromedp.CSS("form.signout button")))
	waitFor(t, ctx, `document.getElementById("api_key") !== null || document.getElementById("password") !== null`)
}

// coveredJS lists the controls in the window that the confirmation at the
// bottom covers, wholly or in part.
const coveredJS = `(function(){
  var t = document.getElementById("toast"); if (!t || t.hidden) return ["no confirmation shows"];
  var tb = t.getBoundingClientRect(), bad = [];
  document.querySelectorAll("main a, main button, main input, main textarea, main select, main summary").forEach(function(c){
    if (c.type === "hidden") return;
    var b = c.getBoundingClientRect();
    if (b.width === 0 || b.height === 0 || b.bottom <= 0 || b.top >= innerHeight) return;
    if (b.bottom > tb.top && b.top < tb.bottom && b.right > tb.left && b.left < tb.right)
      bad.push((c.id || c.textContent.trim().slice(0, 30) || c.tagName) + " at " + b.top.toFixed(0) + "-" + b.bottom.toFixed(0) + " under the confirmation at " + tb.top.toFixed(0) + "-" + tb.bottom.toFixed(0));
  });
  return bad;
})()`

// In focus mode at 360 × 740 (and 1280 × 800) the confirmation with its
// Undo covers no control while it shows: not where the page is, not at
// its end, not where the keyboard's focus goes. z still undoes, and the
// confirmation is still announced.
func TestBrowserUndoCoversNothing(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	first := a.task(t, s, "ann@example.com", "First due", "", time.Now().Add(-2*time.Hour).UTC().Format(time.RFC3339))
	a.task(t, s, "ann@example.com", "Second due", "", time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	a.task(t, s, "ann@example.com", "Third due", "", time.Now().AddDate(0, 0, 1).UTC().Format(time.DateOnly))
	signInWithBrowser(t, ctx, s, a.Key)
	for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
		where := fmt.Sprintf("%d px", size[0])
		run(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(s.URL+"/focus"))
		waitFor(t, ctx, `document.readyState === "complete" && document.documentElement.classList.contains("js") && document.getElementById("focus-h").textContent === "First due"`)
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("x"))
		waitFor(t, ctx, `document.getElementById("focus-h").textContent === "Second due" && !document.getElementById("toast").hidden && document.querySelector("#toast .flash").textContent === "Completed “First due”."`)
		if got := eval[string](t, ctx, `document.getElementById("live").textContent`); got != "Completed “First due”." {
			t.Errorf("%s: announced %q", where, got)
		}
		if bad := eval[[]string](t, ctx, coveredJS); len(bad) > 0 {
			t.Errorf("%s, where the page is: %v", where, bad)
		}
		windowShots(t, ctx, fmt.Sprintf("focus-undo-%d", size[0]))
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.documentElement.scrollHeight)`))
		if bad := eval[[]string](t, ctx, coveredJS); len(bad) > 0 {
			t.Errorf("%s, at the end of the page: %v", where, bad)
		}
		windowShots(t, ctx, fmt.Sprintf("focus-undo-%d-end", size[0]))
		// Tabbing to "Add note" from the top brings it clear of the confirmation.
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0); document.querySelector("#note-form button").focus()`))
		if bad := eval[[]string](t, ctx, coveredJS); len(bad) > 0 {
			t.Errorf("%s, with the focus on Add note: %v", where, bad)
		}
		// z undoes from the keyboard, once the focus is off the note's field.
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.KeyEvent("z"))
		waitFor(t, ctx, `document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent.indexOf("Put back") === 0`)
		if got, _ := a.find(t, s, first.ID); got.Status != taskbox.StatusPending {
			t.Fatalf("%s: z left the task %s", where, got.Status)
		}
		if got := eval[string](t, ctx, `document.getElementById("live").textContent`); !strings.HasPrefix(got, "Put back") {
			t.Errorf("%s: the undo announced %q", where, got)
		}
	}
	// Once the confirmation goes, so does the room kept for it.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); document.querySelector("#toast [data-dismiss]").click()`))
	waitFor(t, ctx, `document.getElementById("toast").hidden`)
	if pad := eval[string](t, ctx, `getComputedStyle(document.body).paddingBottom`); pad != "0px" {
		t.Errorf("with no confirmation the page keeps %s of room at its end", pad)
	}
}

// On the task page the lead's other tasks have no checkbox column: each
// row's complete button starts where the list does, at 360 and 1280 px,
// and every control in a row works.
func TestBrowserTaskPageOthersNoEmptyColumn(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	main := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityHigh, "")
	other := a.task(t, s, "ann@example.com", "Send Ann the pricing", taskbox.PriorityLow, time.Now().AddDate(0, 0, 1).UTC().Format(time.DateOnly))
	a.task(t, s, "ann@example.com", "Ask Ann for a referral", taskbox.PriorityLow, "")
	signInWithBrowser(t, ctx, s, a.Key)
	row := fmt.Sprintf("#task-%d", other.ID)
	for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
		where := fmt.Sprintf("%d px", size[0])
		run(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, main.ID)))
		waitFor(t, ctx, `document.readyState === "complete" && document.querySelectorAll("#others li.task").length === 2`)
		if n := eval[int](t, ctx, `document.querySelectorAll("#others .sel").length`); n != 0 {
			t.Errorf("%s: %d checkbox cells in the other tasks, which no action uses", where, n)
		}
		// The complete button is the row's first column: its left edge is
		// the row's, past the row's padding only.
		gap := eval[float64](t, ctx, `(function(r){ var row = r.getBoundingClientRect(), c = r.querySelector("button.check").getBoundingClientRect();
		  return c.left - row.left - parseFloat(getComputedStyle(r).paddingLeft); })(document.querySelector("`+row+`"))`)
		if gap > 0.5 {
			t.Errorf("%s: the complete button starts %.1f px right of the row's content (an empty column)", where, gap)
		}
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > int(size[0]) {
			t.Errorf("%s: the task page is %d px wide", where, w)
		}
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("others").scrollIntoView()`))
		windowShots(t, ctx, fmt.Sprintf("task-others-%d", size[0]))
	}
	// The row's complete button works there.
	run(t, ctx, chromedp.Click(chromedp.CSS(row+" button.check")))
	waitFor(t, ctx, `document.querySelector("#toast .flash") && document.querySelector("#toast .flash").textContent === "Completed “Send Ann the pricing”."`)
	if got, _ := a.find(t, s, other.ID); got.Status != taskbox.StatusCompleted {
		t.Errorf("the other task's complete button left it %s", got.Status)
	}
	windowShots(t, ctx, "task-others-completed-1280")

	// The inbox's Completed view, whose rows no bulk action takes either.
	for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
		run(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(s.URL+"/?view=completed"))
		waitFor(t, ctx, `document.readyState === "complete" && document.querySelector("`+row+`") !== null`)
		if n := eval[int](t, ctx, `document.querySelectorAll("li.task .sel").length`); n != 0 {
			t.Errorf("%d px: %d checkbox cells in the Completed view", size[0], n)
		}
		if gap := eval[float64](t, ctx, `(function(r){ var row = r.getBoundingClientRect(), c = r.querySelector("button.check").getBoundingClientRect();
		  return c.left - row.left - parseFloat(getComputedStyle(r).paddingLeft); })(document.querySelector("`+row+`"))`); gap > 0.5 {
			t.Errorf("%d px: in the Completed view the reopen button starts %.1f px right of the row's content", size[0], gap)
		}
		windowShots(t, ctx, fmt.Sprintf("completed-%d", size[0]))
	}
}
