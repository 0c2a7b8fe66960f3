package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	taskbox "github.com/taskboxhq/taskbox"
)

// The SmartLead settings page works without JavaScript: it makes the URL
// (shown once) with a secret key, lists the events received with what the
// rules did, and turns rules off and edits them through forms that carry
// the CSRF token; a refused edit comes back with its error under the field.
func TestSmartLeadSettingsPage(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "")
	c := browserClient(t)
	csrf := s.signIn(t, c, a.Key)
	page := s.URL + "/settings/smartlead"

	p := do(t, c, "GET", page, nil)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Not connected yet") || !strings.Contains(p.Body, `href="/settings/smartlead"`) {
		t.Fatalf("first visit = %d:\n%.3000s", p.Status, p.Body)
	}
	if p := do(t, c, "POST", page+"/connect", url.Values{"secret_key": {"s3"}}); p.Status != http.StatusForbidden {
		t.Errorf("connect without the CSRF token = %d", p.Status)
	}
	if _, err := s.DB.SmartLeadSetup(a.ctx); err != nil {
		t.Fatal(err)
	}
	p = do(t, c, "POST", page+"/connect", url.Values{"csrf": {csrf}, "secret_key": {strings.Repeat("s", 256)}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Keep the secret key to 255 characters.") {
		t.Errorf("connect with a 256-byte secret key = %d:\n%.3000s", p.Status, p.Body)
	}
	p = do(t, c, "POST", page+"/connect", url.Values{"csrf": {csrf}, "secret_key": {"s3cret"}})
	hook := htmlUnescape(regexpFind(p.Body, `id="hook-url"[^>]*value="([^"]+)"`))
	if p.Status != http.StatusOK || !strings.HasPrefix(hook, s.URL+"/hooks/smartlead/slh_") || !strings.Contains(p.Body, "shown only now") {
		t.Fatalf("connect = %d, url %q:\n%.3000s", p.Status, hook, p.Body)
	}
	if !strings.Contains(p.Body, "events must carry its secret key") || strings.Count(p.Body, `class="card rule"`) != 6 ||
		!strings.Contains(p.Body, "due in 4 hours") || !strings.Contains(p.Body, "snooze the open tasks for 7 days") ||
		!strings.Contains(p.Body, `&#34;id&#34;: null,`) {
		t.Errorf("after connecting the page lacks the secret's state or the six rules:\n%.4000s", p.Body)
	}
	if p := do(t, c, "GET", page, nil); strings.Contains(p.Body, "slh_") {
		t.Error("the URL is shown again on a later visit")
	}

	ev := `{"event_type":"EMAIL_REPLY","stats_id":"p1","sl_lead_email":"zoe@example.com","sl_email_lead_map_id":881,"campaign_id":77,"campaign_name":"Spring","secret_key":"s3cret","reply_message":{"text":"Yes, call me"}}`
	resp, err := http.Post(hook, "application/json", strings.NewReader(ev))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST hook = %v, %v", resp, err)
	}
	resp.Body.Close()
	if p := do(t, c, "GET", page, nil); !strings.Contains(p.Body, "Waiting to be processed") || !strings.Contains(p.Body, "zoe@example.com") {
		t.Errorf("the pending event is not listed:\n%.5000s", p.Body)
	}
	if _, err := s.DB.ProcessInbound(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	if p := do(t, c, "GET", page, nil); !strings.Contains(p.Body, "created task") || !strings.Contains(p.Body, "reply kept") {
		t.Errorf("the event does not say what the rules did:\n%.5000s", p.Body)
	}

	rules, err := s.DB.ListRules(a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, snooze := rules[0], rules[3]
	p = do(t, c, "POST", fmt.Sprintf("%s/rules/%d/enabled", page, snooze.ID), url.Values{"csrf": {csrf}, "enabled": {"off"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != fmt.Sprintf("/settings/smartlead#rule-%d", snooze.ID) {
		t.Errorf("turn off = %d %s", p.Status, p.Header.Get("Location"))
	}
	edit := url.Values{"csrf": {csrf}, "name": {"Replies in turn"}, "task_name": {"Answer {{lead.email}}"}, "priority": {"HIGH"},
		"due": {"PT2H"}, "business_hours": {"on"}, "assignee": {"round_robin"}}
	if p := do(t, c, "POST", fmt.Sprintf("%s/rules/%d", page, first.ID), edit); p.Status != http.StatusSeeOther {
		t.Errorf("edit = %d:\n%.3000s", p.Status, p.Body)
	}
	edit.Set("due", "two hours")
	edit.Set("name", "Broken")
	p = do(t, c, "POST", fmt.Sprintf("%s/rules/%d", page, first.ID), edit)
	if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "ISO 8601 duration") || !strings.Contains(p.Body, `value="two hours"`) {
		t.Errorf("a bad due = %d, want 422 with the error and the typed value:\n%.6000s", p.Status, p.Body)
	}
	if !strings.Contains(p.Body, "<bdi>Replies in turn</bdi>") || !strings.Contains(p.Body, "due in 2 hours of working hours") {
		t.Errorf("a refused edit's heading and summary are not the saved rule's:\n%.6000s", p.Body)
	}
	rules, err = s.DB.ListRules(a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ct := rules[0].Then.CreateTask
	if rules[0].Name != "Replies in turn" || ct == nil || ct.Due != "PT2H" || !ct.BusinessHours || ct.Priority != taskbox.PriorityHigh ||
		string(ct.Assignee) != `"round_robin"` || rules[3].Enabled {
		t.Errorf("rules after the forms = %+v / %+v, %v", rules[0], ct, rules[3].Enabled)
	}
	if p := do(t, c, "POST", page+"/rules/999999/enabled", url.Values{"csrf": {csrf}, "enabled": {"on"}}); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "no such SmartLead rule") {
		t.Errorf("unknown rule = %d", p.Status)
	}
	// Another account's rule is not found.
	b := s.account(t, "Other", "")
	if _, err := s.DB.ConnectSmartLead(b.ctx, nil); err != nil {
		t.Fatal(err)
	}
	theirs, _ := s.DB.ListRules(b.ctx)
	if p := do(t, c, "POST", fmt.Sprintf("%s/rules/%d/enabled", page, theirs[0].ID), url.Values{"csrf": {csrf}, "enabled": {"off"}}); p.Status != http.StatusNotFound {
		t.Errorf("another account's rule = %d", p.Status)
	}
}

// checkAxe runs axe-core on the tab's page, light and dark, and fails on
// a serious or critical violation (as TestBrowserAccessibility does).
func checkAxe(t *testing.T, ctx context.Context, src, name string) {
	t.Helper()
	waitFor(t, ctx, `document.readyState === "complete"`)
	run(t, ctx, chromedp.Evaluate[chromedp.Void](src+";void 0"))
	for _, scheme := range []string{"light", "dark"} {
		setScheme(t, ctx, scheme)
		bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(function(r){
			return r.violations.filter(function(v){ return v.impact === "serious" || v.impact === "critical"; }).map(function(v){
				return v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3).map(function(n){ return n.target.join(" "); }).join(" | ");
			});
		})`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: axe.run: %v", name, err)
		}
		for _, v := range bad {
			t.Errorf("%s (%s): %s", name, scheme, v)
		}
	}
	setScheme(t, ctx, "")
}

// In Chromium: the header's link leads to the SmartLead page, the URL is
// made and shown, an event SmartLead sends appears with what the rules
// did, a rule is turned off and a refused edit says why under its field;
// axe-core finds no serious violation on the page in those states, wide
// and narrow.
func TestBrowserSmartLeadSettings(t *testing.T) {
	src := axeSource(t)
	ctx := tabWithin(t, "Europe/Berlin", 3*time.Minute)
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "")
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	signInWithBrowser(t, ctx, s, a.Key)
	run(t, ctx, chromedp.Click(chromedp.CSS("a.navlink")), chromedp.WaitVisible(chromedp.ID("connect")))
	checkAxe(t, ctx, src, "not connected")
	run(t, ctx, chromedp.SendKeys(chromedp.ID("secret-key"), "s3cret"), chromedp.Click(chromedp.ID("connect")),
		chromedp.WaitVisible(chromedp.ID("hook-url")))
	hook := eval[string](t, ctx, `document.getElementById("hook-url").value`)
	if !strings.HasPrefix(hook, s.URL+"/hooks/smartlead/slh_") {
		t.Fatalf("hook url = %q", hook)
	}
	checkAxe(t, ctx, src, "the new URL")
	screenshot(t, ctx, "smartlead-url")
	ev := `{"event_type":"EMAIL_REPLY","stats_id":"b1","sl_lead_email":"zoe@example.com","campaign_id":"77","secret_key":"s3cret","preview_text":"Call me"}`
	resp, err := http.Post(hook, "application/json", strings.NewReader(ev))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST hook = %v, %v", resp, err)
	}
	resp.Body.Close()
	if _, err := s.DB.ProcessInbound(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/settings/smartlead"), chromedp.WaitVisible(chromedp.CSS("table.events")))
	if got := eval[string](t, ctx, `document.querySelector("table.events tbody").innerText`); !strings.Contains(got, "created task") {
		t.Errorf("events table = %q", got)
	}
	rules, err := s.DB.ListRules(a.ctx)
	if err != nil {
		t.Fatal(err)
	}
	off := fmt.Sprintf("#rule-%d", rules[3].ID)
	run(t, ctx, chromedp.Click(chromedp.CSS(off+" form.inline button")))
	waitFor(t, ctx, `document.querySelector("`+off+` .state") && document.querySelector("`+off+` .state").textContent === "Off"`)
	first := fmt.Sprintf("#rule-%d", rules[0].ID)
	run(t, ctx, chromedp.Click(chromedp.CSS(first+" summary")), chromedp.WaitVisible(chromedp.CSS(first+" input[name=due]")),
		chromedp.SetValue(chromedp.CSS(first+" input[name=due]"), "soon"), chromedp.Click(chromedp.CSS(first+" .ruleform button.primary")))
	waitFor(t, ctx, `document.querySelector("`+first+` details[open] .err") !== null`)
	if got := eval[string](t, ctx, `document.querySelector("`+first+` details .err").textContent`); !strings.Contains(got, "ISO 8601") {
		t.Errorf("the due's error = %q", got)
	}
	checkAxe(t, ctx, src, "a refused edit")
	screenshot(t, ctx, "smartlead-edit")
	run(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(s.URL+"/settings/smartlead"), chromedp.WaitVisible(chromedp.ID("rules-h")))
	checkAxe(t, ctx, src, "at 360 px")
	if w := eval[float64](t, ctx, `document.documentElement.scrollWidth`); w > 362 {
		t.Errorf("the page is %v px wide at 360 px: %v", w, eval[[]string](t, ctx, `Array.from(document.querySelectorAll("main *")).filter(function(e){return e.getBoundingClientRect().right > 362}).slice(0, 8).map(function(e){return e.tagName + "." + e.className + "#" + e.id + " " + Math.round(e.getBoundingClientRect().right)})`))
	}
}

// A member who is not an admin sees the page without its forms, and its
// posts are refused (403): the URL and the rules are an admin's.
func TestSmartLeadSettingsPageForMembers(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "")
	if _, err := s.DB.ConnectSmartLead(a.ctx, nil); err != nil {
		t.Fatal(err)
	}
	m := a.member(t, s, taskbox.NewMember{Name: "Ben", Email: "ben@example.com", Role: taskbox.RoleMember})
	c := browserClient(t)
	csrf := s.signIn(t, c, m.Key.Secret)
	p := do(t, c, "GET", s.URL+"/settings/smartlead", nil)
	if p.Status != http.StatusOK || strings.Contains(p.Body, `id="connect-form"`) || strings.Contains(p.Body, "Turn off") ||
		!strings.Contains(p.Body, "An admin of the account makes the URL") || strings.Count(p.Body, `class="card rule"`) != 6 {
		t.Errorf("member's page = %d:\n%.4000s", p.Status, p.Body)
	}
	if p := do(t, c, "POST", s.URL+"/settings/smartlead/connect", url.Values{"csrf": {csrf}}); p.Status != http.StatusForbidden {
		t.Errorf("member's connect = %d", p.Status)
	}
	rules, _ := s.DB.ListRules(a.ctx)
	if p := do(t, c, "POST", fmt.Sprintf("%s/settings/smartlead/rules/%d/enabled", s.URL, rules[0].ID), url.Values{"csrf": {csrf}, "enabled": {"off"}}); p.Status != http.StatusForbidden {
		t.Errorf("member's turn off = %d", p.Status)
	}
	if rules, _ := s.DB.ListRules(a.ctx); !rules[0].Enabled {
		t.Error("a member turned a rule off")
	}
}
