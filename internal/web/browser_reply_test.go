package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	taskbox "github.com/taskboxhq/taskbox"
)

// postSmartLead POSTs a SmartLead event to an account's hook and
// processes it, as the worker would.
func postSmartLead(t *testing.T, s *site, a *account, body string) {
	t.Helper()
	integ, err := s.DB.ConnectSmartLead(a.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(s.URL+"/hooks/smartlead/"+integ.Token, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST hook = %d", resp.StatusCode)
	}
	if n, err := s.DB.ProcessInbound(context.Background(), 10); err != nil || n != 1 {
		t.Fatalf("ProcessInbound = %d, %v", n, err)
	}
}

// replyTask is the one task the default rule made for a reply of email.
func replyTask(t *testing.T, s *site, a *account, email string) *taskbox.Task {
	t.Helper()
	lead, err := s.DB.FindLeadByEmail(a.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := s.DB.ListLeadTasks(a.ctx, lead.ID)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks of %s = %v, %v", email, tasks, err)
	}
	return tasks[0]
}

// A reply SmartLead sends shows under its task's row in My tasks and in
// the team's inbox: one line, cut with an ellipsis, as text (its <script>
// does not run), longer in the row's title, and the row keeps its layout
// at 1280 and 360 px; focus mode shows the longer start. Another
// account's reply on the same SmartLead lead map shows nowhere; a task
// without a reply has no snippet.
func TestBrowserReplySnippetOnInboxRows(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{})
	a := s.account(t, "Acme", "", "ann@example.com")
	b := s.account(t, "Beta", "")
	ana := a.member(t, s, taskbox.NewMember{Name: "Ana", Email: "ana@acme.example"})
	plain := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityLow, "")
	a.assign(t, s, plain, ana.ID)

	text := "Thanks   for\nreaching out! <script>window.__pwned=1</script> We would like a demo next week, ideally on Tuesday or Wednesday " +
		"afternoon, with our head of sales. " + strings.Repeat("More detail follows here. ", 30)
	body := fmt.Sprintf(`{"event_type":"EMAIL_REPLY","stats_id":"r1","sl_lead_email":"zoe@example.com","sl_email_lead_map_id":6001,`+
		`"campaign_id":"610","campaign_name":"Spring","lead_data":{"first_name":"Zoe"},"reply_message":{"message_id":"<r1@x>","text":%q}}`, text)
	postSmartLead(t, s, a, body)
	postSmartLead(t, s, b, `{"event_type":"EMAIL_REPLY","stats_id":"r2","sl_lead_email":"zoe@example.com","sl_email_lead_map_id":6001,`+
		`"campaign_id":610,"reply_message":{"text":"Beta's secret reply"}}`)
	task := replyTask(t, s, a, "zoe@example.com")
	a.assign(t, s, task, ana.ID)

	line := []rune(strings.Join(strings.Fields(text), " "))
	snippet, title := string(line[:119])+"…", string(line[:499])+"…"
	if !strings.HasPrefix(snippet, "Thanks for reaching out! <script>window.__pwned=1</script> We would") {
		t.Fatalf("the expected snippet is %q", snippet)
	}

	run(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(s.URL+"/setup/"+ana.SetupToken), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"), chromedp.SendKeys(chromedp.ID("confirm"), "correct horse battery"),
		chromedp.Click(chromedp.ID("setup-submit")))
	waitFor(t, ctx, `document.querySelector(".views a[aria-current]") && document.querySelector(".views a[aria-current]").textContent === "My tasks"`)
	row := fmt.Sprintf("#task-%d", task.ID)
	check := func(view string, width int) {
		t.Helper()
		waitFor(t, ctx, fmt.Sprintf(`document.querySelector(%q) !== null && document.readyState === "complete"`, row+" .row-reply bdi"))
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, row+" .row-reply bdi")); got != snippet {
			t.Errorf("%s: the row's snippet reads %q, want %q", view, got, snippet)
		}
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).title`, row+" .row-reply")); got != title {
			t.Errorf("%s: the row's title is %q, want %q", view, got, title)
		}
		if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, row+" .row-reply")); !strings.HasPrefix(got, "Latest reply: ") {
			t.Errorf("%s: the snippet does not say what it is to a screen reader: %q", view, got)
		}
		if eval[bool](t, ctx, `window.__pwned !== undefined || document.querySelector("li.task .row-reply script") !== null`) {
			t.Errorf("%s: the reply's <script> is markup, not text", view)
		}
		if eval[bool](t, ctx, `document.documentElement.innerHTML.indexOf("Beta's secret") >= 0`) {
			t.Errorf("%s: another account's reply shows", view)
		}
		if n := eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll("#task-%d .row-reply").length`, plain.ID)); n != 0 {
			t.Errorf("%s: a task without a reply has %d snippets", view, n)
		}
		// one line, inside the row, and nothing wider than the window
		layout := eval[string](t, ctx, fmt.Sprintf(`(function(){
			var li = document.querySelector(%q), p = li.querySelector(".row-reply"), side = li.querySelector(".side");
			var r = p.getBoundingClientRect(), l = li.getBoundingClientRect(), s = side.getBoundingClientRect();
			var lh = parseFloat(getComputedStyle(p).fontSize) * 2;
			var bad = [];
			if (r.height >= lh) bad.push("the snippet is " + r.height + " px high");
			if (r.left < l.left || r.right > l.right) bad.push("the snippet leaves the row");
			if (s.right > l.right + 0.5) bad.push("the row's side is pushed out");
			if (document.documentElement.scrollWidth > %d) bad.push("the page is " + document.documentElement.scrollWidth + " px wide");
			return bad.join("; ");
		})()`, row, width))
		if layout != "" {
			t.Errorf("%s at %d px: %s", view, width, layout)
		}
	}
	check("My tasks", 1280)
	screenshot(t, ctx, "reply-snippet")
	checkContrast(t, ctx, row+" .row-reply")

	run(t, ctx, chromedp.Navigate(s.URL+"/?assignee=all"))
	waitFor(t, ctx, `document.querySelector(".views a[aria-current]") && document.querySelector(".views a[aria-current]").textContent === "Team"`)
	check("Team", 1280)

	run(t, ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(s.URL+"/?assignee=all"))
	check("Team", 360)
	if !eval[bool](t, ctx, fmt.Sprintf(`(function(){var p = document.querySelector(%q); return p.scrollWidth > p.clientWidth})()`, row+" .row-reply")) {
		t.Error("at 360 px the snippet is not cut by the row's width (no ellipsis)")
	}
	screenshot(t, ctx, "narrow-reply-snippet")

	// focus mode shows the start of the reply beside the task's facts
	run(t, ctx, chromedp.Navigate(s.URL+"/focus?assignee=all"))
	waitFor(t, ctx, `document.querySelector(".focus-reply bdi") !== null`)
	if got := eval[string](t, ctx, `document.querySelector(".focus-reply bdi").textContent`); got != title {
		t.Errorf("focus mode shows the reply as %q, want %q", got, title)
	}
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("focus mode is %d px wide at 360 px", w)
	}
	screenshot(t, ctx, "narrow-focus-reply")

	// the task's page still shows the reply whole, on as many lines as it takes
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/tasks/%d", s.URL, task.ID)), chromedp.WaitVisible(chromedp.ID("replies")))
	whole := eval[string](t, ctx, `(function(){var p = document.querySelector("#replies p.reply"), r = p.getBoundingClientRect();
		return (r.height > 3 * parseFloat(getComputedStyle(p).fontSize) && p.scrollWidth <= p.clientWidth ? "" : "cut ") + p.textContent})()`)
	if want := strings.TrimSpace(text); whole != want && whole != strings.Join(strings.Fields(text), " ") {
		t.Errorf("the task page shows the reply as %.200q, want it whole and not cut", whole)
	}
}
