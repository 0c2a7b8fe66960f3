package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	taskbox "github.com/taskboxhq/taskbox"
)

// The layout defects of issue #18 found in review: an open snooze menu
// pushed the row's due time out of its column, and at 360 px the section
// bar hid "No due date" off to the right.

// dayOfSections makes an inbox with a task in each section: overdue,
// today, upcoming and without a due date. The first is the row whose
// snooze menu the tests open, with a row below it.
func dayOfSections(t *testing.T, s *site, a *account) (first *taskbox.Task) {
	t.Helper()
	for i := 0; i < 3; i++ {
		due := time.Now().Add(-time.Duration(3-i) * time.Hour).UTC().Format(time.RFC3339)
		task := a.task(t, s, "ann@example.com", fmt.Sprintf("Call back about the renewal %d", i), taskbox.PriorityHigh, due)
		if first == nil {
			first = task
		}
	}
	a.task(t, s, "ann@example.com", "Send the pricing sheet", taskbox.PriorityMedium, time.Now().UTC().Add(2*time.Minute).Format(time.RFC3339))
	a.task(t, s, "ann@example.com", "Quarterly review", taskbox.PriorityLow, time.Now().UTC().AddDate(0, 0, 9).Format(time.DateOnly))
	a.task(t, s, "ann@example.com", "Ask for a referral", taskbox.PriorityLow, "")
	return first
}

// rowGeometryJS is where, on the page (not the window: opening the menu
// with s may scroll), the row's parts are: the row, its due time, its
// priority, its name, its Snooze control and the row below it.
const rowGeometryJS = `(function(id){
  var r = document.getElementById(id);
  function box(e){ if(!e) return "none"; var b = e.getBoundingClientRect();
    return [b.left + scrollX, b.top + scrollY, b.width, b.height].map(function(v){ return v.toFixed(1) }).join(","); }
  return ["row " + box(r), "due " + box(r.querySelector(".due")), "prio " + box(r.querySelector(".prio")),
    "name " + box(r.querySelector("a.name")), "summary " + box(r.querySelector("details.snooze summary")),
    "next row " + box(r.nextElementSibling)];
})(%q)`

// menuPlacementJS says what is wrong with the open menu of the row: it
// must show, lie within the row's width and the window's, and be on top,
// its Snooze button the element at its own centre (not the row below).
const menuPlacementJS = `(function(id){
  var r = document.getElementById(id), f = r.querySelector("details.snooze[open] form"), bad = [];
  if (!f) return ["no open menu"];
  var m = f.getBoundingClientRect(), rb = r.getBoundingClientRect();
  if (m.width === 0 || m.height === 0) bad.push("the menu has no size");
  if (m.left < rb.left - 0.5 || m.right > rb.right + 0.5) bad.push("the menu leaves the row: " + m.left + "-" + m.right + " in " + rb.left + "-" + rb.right);
  if (m.left < 0 || m.right > document.documentElement.clientWidth) bad.push("the menu leaves the window");
  var btn = f.querySelector("button"); btn.scrollIntoView({block: "center"});
  var b = btn.getBoundingClientRect(), hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
  if (hit !== btn && !btn.contains(hit)) bad.push("the Snooze button is covered by " + (hit ? hit.outerHTML.slice(0, 60) : "nothing"));
  return bad;
})(%q)`

// windowShots saves what the window shows, as name-light.png and name-dark.png.
func windowShots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}))
		viewShot(t, ctx, name+"-"+scheme)
	}
	run(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return err
	}))
}

// rowStill checks that opening the menu moved nothing in the row or below it.
func rowStill(t *testing.T, ctx context.Context, where, row string, before []string) {
	t.Helper()
	after := eval[[]string](t, ctx, fmt.Sprintf(rowGeometryJS, row))
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("%s: opening the snooze menu moved the %s to %s", where, before[i], after[i])
		}
	}
	if bad := eval[[]string](t, ctx, fmt.Sprintf(menuPlacementJS, row)); len(bad) > 0 {
		t.Errorf("%s: the open menu: %v", where, bad)
	}
}

// Opening a row's snooze menu, from the keyboard or the pointer, at 1280
// and 360 px, with and without JavaScript, moves nothing in the row: the
// menu floats over the rows below, within the row's width, and its
// choices are on top and work.
func TestBrowserSnoozeMenuOverlays(t *testing.T) {
	ctx := tab(t, "Europe/Berlin")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	first := dayOfSections(t, s, a)
	row := fmt.Sprintf("task-%d", first.ID)
	open := `document.querySelector("#` + row + ` details.snooze").open`
	signInWithBrowser(t, ctx, s, a.Key)

	for _, size := range [][2]int64{{1280, 800}, {360, 740}} {
		where := fmt.Sprintf("%d px, the s key", size[0])
		run(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(s.URL+"/"))
		waitFor(t, ctx, `document.readyState === "complete" && document.getElementById("`+row+`").tabIndex === 0`)
		before := eval[[]string](t, ctx, fmt.Sprintf(rowGeometryJS, row))
		run(t, ctx, chromedp.Focus(chromedp.ID(row)), chromedp.KeyEvent("s"))
		waitFor(t, ctx, open+` && document.activeElement.value === "later"`)
		rowStill(t, ctx, where, row, before)
		screenshot(t, ctx, fmt.Sprintf("snooze-overlay-%d", size[0]))
		windowShots(t, ctx, fmt.Sprintf("snooze-overlay-%d-window", size[0]))

		where = fmt.Sprintf("%d px, a click", size[0])
		run(t, ctx, chromedp.Navigate(s.URL+"/"))
		waitFor(t, ctx, `document.readyState === "complete" && document.getElementById("`+row+`").tabIndex === 0`)
		before = eval[[]string](t, ctx, fmt.Sprintf(rowGeometryJS, row))
		run(t, ctx, chromedp.Click(chromedp.CSS("#"+row+" details.snooze summary")))
		waitFor(t, ctx, open)
		rowStill(t, ctx, where, row, before)
	}

	// One menu is open at a time, and a click or the focus elsewhere closes it.
	second := `document.querySelector("#` + row + ` + li.task details.snooze")`
	run(t, ctx, chromedp.Evaluate[chromedp.Void](second+`.querySelector("summary").click()`))
	waitFor(t, ctx, second+`.open && !`+open)
	run(t, ctx, chromedp.Click(chromedp.CSS("h1")))
	waitFor(t, ctx, `!`+second+`.open && !`+open)
	run(t, ctx, chromedp.Focus(chromedp.ID(row)), chromedp.KeyEvent("s"))
	waitFor(t, ctx, open+` && document.activeElement.value === "later"`)
	run(t, ctx, chromedp.KeyEvent("j")) // the focus moves on, the menu closes
	waitFor(t, ctx, `!`+open+` && document.activeElement === document.getElementById("`+row+`").nextElementSibling`)
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+row+" details.snooze summary")))
	waitFor(t, ctx, open)

	// The menu's choice works where it floats: tomorrow morning, 09:00 Berlin.
	run(t, ctx, chromedp.Click(chromedp.CSS("#"+row+" input[value=tomorrow]")), chromedp.Click(chromedp.CSS("#"+row+" .snoozeform button")))
	waitFor(t, ctx, `document.readyState === "complete" && !document.getElementById("`+row+`") && document.querySelector("a[href*='view=snoozed'] .count").textContent === "1"`)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Now().In(berlin)
	want := time.Date(now.Year(), now.Month(), now.Day()+1, 9, 0, 0, 0, berlin)
	if got, err := a.find(t, s, first.ID); err != nil || got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(want) {
		t.Fatalf("snoozed until %v (%v), want %s", got.SnoozedUntil, err, want)
	}
}

// Without JavaScript the menu floats the same way.
func TestBrowserNoScriptSnoozeMenuOverlays(t *testing.T) {
	ctx := tab(t, "UTC")
	noScript(t, ctx)
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	first := dayOfSections(t, s, a)
	row := fmt.Sprintf("task-%d", first.ID)
	signInWithBrowser(t, ctx, s, a.Key)
	for _, size := range [][2]int64{{1280, 800}, {360, 740}} {
		run(t, ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID(row)))
		before := eval[[]string](t, ctx, fmt.Sprintf(rowGeometryJS, row))
		run(t, ctx, chromedp.Click(chromedp.CSS("#"+row+" details.snooze summary")))
		waitFor(t, ctx, `document.querySelector("#`+row+` details.snooze").open`)
		rowStill(t, ctx, fmt.Sprintf("%d px without JavaScript", size[0]), row, before)
		viewShot(t, ctx, fmt.Sprintf("snooze-overlay-nojs-%d-window", size[0]))
	}
	// Opening the next row's menu closes this one (the menus share a name).
	second := `document.querySelector("#` + row + ` + li.task details.snooze")`
	run(t, ctx, chromedp.Evaluate[chromedp.Void](second+`.querySelector("summary").click()`))
	waitFor(t, ctx, second+`.open && !document.querySelector("#`+row+` details.snooze").open`)
}

// sectionLinksJS says which links of the section bar are not wholly in
// the window, or are covered or clipped there (the element at the link's
// centre is not the link).
const sectionLinksJS = `(function(){
  var w = document.documentElement.clientWidth, bad = [];
  document.querySelectorAll("#sectionbar a").forEach(function(a){
    var b = a.getBoundingClientRect(), name = a.textContent.replace(/\s+/g, " ").trim();
    if (b.width === 0 || b.height === 0) { bad.push(name + ": no size"); return; }
    if (b.left < 0 || b.right > w + 0.5) { bad.push(name + ": at " + b.left.toFixed(0) + "-" + b.right.toFixed(0) + " of " + w); return; }
    var hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    if (!hit || !a.contains(hit)) bad.push(name + ": covered by " + (hit ? hit.outerHTML.slice(0, 60) : "nothing"));
  });
  return bad;
})()`

// At 360 × 740 every link of the section bar shows, with counts of four
// digits too (a day at 10,000 tasks), the bar scrolls nothing sideways,
// and the first task still ends on the first screen. The bar stays at the
// top of the window as the list scrolls.
func TestBrowserNarrowSectionBar(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	dayOfSections(t, s, a)
	for i := 0; i < 12; i++ { // a page long enough to jump in
		a.task(t, s, "ann@example.com", fmt.Sprintf("Someday %d", i), taskbox.PriorityLow, "")
	}
	run(t, ctx, chromedp.EmulateViewport(360, 740))
	signInWithBrowser(t, ctx, s, a.Key)
	check := func(where string) {
		t.Helper()
		if n := eval[int](t, ctx, `document.querySelectorAll("#sectionbar a").length`); n != 4 {
			t.Fatalf("%s: %d links in the section bar, want 4", where, n)
		}
		if bad := eval[[]string](t, ctx, sectionLinksJS); len(bad) > 0 {
			t.Errorf("%s: section links not all visible at 360 px: %v", where, bad)
		}
		if sw, cw := eval[int](t, ctx, `document.getElementById("sectionbar").scrollWidth`), eval[int](t, ctx, `document.getElementById("sectionbar").clientWidth`); sw > cw {
			t.Errorf("%s: the section bar is %d px wide in %d px", where, sw, cw)
		}
		if bottom := eval[float64](t, ctx, `document.querySelector("li.task").getBoundingClientRect().bottom`); bottom > 740 {
			t.Errorf("%s: the first task ends %.0f px down, below the first screen", where, bottom)
		}
		if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s: the inbox is %d px wide", where, w)
		}
	}
	check("counts of one digit")
	viewShot(t, ctx, "narrow-sectionbar")
	// The counts of a long day: the server renders them, only their width matters here.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#sectionbar .count").forEach(function(c, i){ c.textContent = ["4481", "1250", "5321", "1180"][i]; })`))
	check("counts of four digits")
	windowShots(t, ctx, "narrow-sectionbar-4481")
	// A jump link shows its section's heading below the bar, which stays
	// at the top of the window.
	for _, key := range []string{"today", "none"} {
		// A jump only scrolls: the page fetches nothing (it fetched the
		// list again and went back to the top before), by the time the
		// jump's hashchange comes (after its popstate).
		run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.__fetches = 0; window.__hashed = false;
			if (!window.__spied) { window.__spied = true; var f = window.fetch; window.fetch = function(){ window.__fetches++; return f.apply(window, arguments); };
			  window.addEventListener("hashchange", function(){ window.__hashed = true; }); }`))
		run(t, ctx, chromedp.Click(chromedp.CSS(`#sectionbar a[href="#section-`+key+`"]`)))
		waitFor(t, ctx, `window.__hashed && location.hash === "#section-`+key+`"`)
		if n := eval[int](t, ctx, `window.__fetches`); n != 0 {
			t.Errorf("the jump to %s fetched %d times (the list again, back at its top)", key, n)
		}
		if y := eval[float64](t, ctx, `scrollY`); y == 0 {
			t.Errorf("the jump to %s left the page at its top", key)
		}
		bar := eval[[]float64](t, ctx, `(function(){var b=document.getElementById("sectionbar").getBoundingClientRect();return [b.top,b.bottom]})()`)
		if bar[0] != 0 {
			t.Errorf("after the jump to %s the section bar is %.0f px from the top of the window, want 0 (sticky)", key, bar[0])
		}
		if h := eval[float64](t, ctx, `document.getElementById("h-`+key+`").getBoundingClientRect().top`); h < bar[1] {
			t.Errorf("after the jump to %s its heading starts at %.0f px, under the section bar (to %.0f px)", key, h, bar[1])
		}
		if bad := eval[[]string](t, ctx, sectionLinksJS); len(bad) > 0 {
			t.Errorf("after the jump to %s: section links not all visible: %v", key, bad)
		}
	}
	viewShot(t, ctx, "narrow-sectionbar-jump")
}

// Back and Forward after a search show the list the address names, search
// word included; a jump to a section in between is one more step of
// history that only scrolls.
func TestBrowserBackAfterSearchAndJump(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	dayOfSections(t, s, a)
	signInWithBrowser(t, ctx, s, a.Key)
	rows := `document.querySelectorAll("li.task").length`
	run(t, ctx, chromedp.SendKeys(chromedp.ID("f-q"), "renewal"))
	waitFor(t, ctx, `location.search === "?q=renewal" && `+rows+` === 3`)
	run(t, ctx, chromedp.Click(chromedp.CSS(`#sectionbar a[href="#section-overdue"]`)))
	waitFor(t, ctx, `location.hash === "#section-overdue"`)
	run(t, ctx, chromedp.NavigateBack())
	waitFor(t, ctx, `location.hash === "" && location.search === "?q=renewal"`)
	if n, q := eval[int](t, ctx, rows), eval[string](t, ctx, `document.getElementById("f-q").value`); n != 3 || q != "renewal" {
		t.Errorf("back from the jump: %d rows under %q, want 3 under \"renewal\"", n, q)
	}
	run(t, ctx, chromedp.NavigateBack())
	waitFor(t, ctx, `location.search === "" && `+rows+` === 6 && document.getElementById("f-q").value === ""`)
	run(t, ctx, chromedp.NavigateForward())
	waitFor(t, ctx, `location.search === "?q=renewal" && `+rows+` === 3 && document.getElementById("f-q").value === "renewal"`)
}

// The sign-in page speaks to a salesperson: no command lines in its help.
func TestSignInHelpHasNoCommands(t *testing.T) {
	s := newSite(t, siteOptions{})
	p := do(t, browserClient(t), "GET", s.URL+"/", nil) // signed out, the inbox is the sign-in page
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `id="password"`) {
		t.Fatalf("sign-in page: %d", p.Status)
	}
	if !strings.Contains(p.Body, `aria-describedby="password-help"`) {
		t.Error("the password's help is not tied to its field")
	}
	for _, cli := range []string{"taskbox members", "taskbox keys", "<code>taskbox", "CLI", "command"} {
		if strings.Contains(p.Body, cli) {
			t.Errorf("the sign-in page speaks of %q", cli)
		}
	}
}
