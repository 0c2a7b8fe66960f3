package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func init() { store.PasswordCost = 4 }

// member adds a member to the account through the local admin.
func (a *account) member(t testing.TB, s *site, n taskbox.NewMember) *taskbox.CreatedMember {
	t.Helper()
	acct, err := s.DB.FindAccountByID(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.DB.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(acct)), n)
	if err != nil {
		t.Fatalf("CreateMember: %v", err)
	}
	return m
}

// assign gives a task to a member (0: nobody) as the account's key.
func (a *account) assign(t testing.TB, s *site, task *taskbox.Task, member int64) {
	t.Helper()
	if _, err := s.DB.UpdateTask(a.ctx, task.ID, &taskbox.TaskUpdate{AssigneeSet: true, AssigneeID: member}); err != nil {
		t.Fatal(err)
	}
}

// A member chooses its password through the one-time link (which then
// dies), is signed in, and its inbox opens on My tasks; the switch shows
// the team's and the unassigned; wrong passwords are refused and limited;
// removing the member ends its session at once.
func TestPasswordSignInAndMyTasks(t *testing.T) {
	s := newSite(t, siteOptions{signInBurst: 3, signInEvery: time.Hour})
	a := s.account(t, "acme", "", "ann@example.com", "bob@example.com")
	other := s.account(t, "other", "", "zed@example.com")
	ana := a.member(t, s, taskbox.NewMember{Name: "Ana", Email: "ana@acme.example"})
	bo := a.member(t, s, taskbox.NewMember{Name: "Bo", Email: "bo@acme.example"})
	stranger := other.member(t, s, taskbox.NewMember{Name: "Stranger"})
	mine := a.task(t, s, "ann@example.com", "Mine", taskbox.PriorityHigh, "")
	bos := a.task(t, s, "bob@example.com", "Bo's", taskbox.PriorityLow, "")
	nobody := a.task(t, s, "bob@example.com", "Nobody's", taskbox.PriorityLow, "")
	a.assign(t, s, mine, ana.ID)
	a.assign(t, s, bos, bo.ID)

	c := browserClient(t)
	link := s.URL + "/setup/" + ana.SetupToken
	if p := do(t, c, "GET", link, nil); p.Status != http.StatusOK || !strings.Contains(p.Body, "Hello Ana") || !strings.Contains(p.Body, `name="password"`) {
		t.Fatalf("setup page: %d\n%.1500s", p.Status, p.Body)
	}
	for _, form := range []url.Values{{"password": {"short"}, "confirm": {"short"}}, {"password": {"long enough 1"}, "confirm": {"long enough 2"}}} {
		if p := do(t, c, "POST", link, form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `class="err"`) {
			t.Fatalf("bad setup %v: %d", form, p.Status)
		}
	}
	p := do(t, c, "POST", link, url.Values{"password": {"ana's long password"}, "confirm": {"ana's long password"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/" {
		t.Fatalf("setup: %d %s", p.Status, p.Body)
	}
	if p := do(t, c, "GET", link, nil); p.Status != http.StatusNotFound || !strings.Contains(p.Body, "unknown, used or expired") {
		t.Fatalf("used link: %d", p.Status)
	}
	inbox := do(t, c, "GET", s.URL+"/", nil)
	if !strings.Contains(inbox.Body, `<a href="/?assignee=me" aria-current="page">My tasks</a>`) || !strings.Contains(inbox.Body, "acme · Ana") {
		t.Fatalf("inbox does not open on My tasks:\n%.3000s", inbox.Body)
	}
	if sectionOf(inbox.Body, mine.ID) == "" || sectionOf(inbox.Body, bos.ID) != "" || sectionOf(inbox.Body, nobody.ID) != "" {
		t.Fatalf("My tasks shows the wrong tasks")
	}
	team := do(t, c, "GET", s.URL+"/?assignee=all", nil)
	if sectionOf(team.Body, mine.ID) == "" || sectionOf(team.Body, bos.ID) == "" || sectionOf(team.Body, nobody.ID) == "" ||
		!strings.Contains(team.Body, `<span class="assignee" data-assignee="`+itoa(bo.ID)+`"><span class="visually-hidden">Assigned to </span><bdi>Bo</bdi></span>`) {
		t.Fatalf("the team's inbox lacks tasks or assignees")
	}
	if un := do(t, c, "GET", s.URL+"/?assignee=none", nil); sectionOf(un.Body, nobody.ID) == "" || sectionOf(un.Body, mine.ID) != "" {
		t.Fatalf("unassigned filter")
	}
	if byBo := do(t, c, "GET", s.URL+"/?assignee="+itoa(bo.ID), nil); sectionOf(byBo.Body, bos.ID) == "" || sectionOf(byBo.Body, mine.ID) != "" {
		t.Fatalf("filter by member")
	}

	// Assign and set the lead owner from a task's page, as Ana.
	token := csrfOf(t, inbox)
	if p := do(t, c, "POST", s.URL+"/tasks/"+itoa(nobody.ID)+"/assign", url.Values{"csrf": {token}, "assignee": {itoa(ana.ID)}}); p.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d %.1000s", p.Status, p.Body)
	}
	if got, _ := a.find(t, s, nobody.ID); got.Assignee == nil || got.Assignee.ID != ana.ID {
		t.Fatalf("assignee after the form: %+v", got.Assignee)
	}
	if p := do(t, c, "POST", s.URL+"/tasks/"+itoa(nobody.ID)+"/assign", url.Values{"csrf": {token}, "assignee": {itoa(stranger.ID)}}); p.Status != http.StatusBadRequest {
		t.Fatalf("another account's member: %d", p.Status)
	}
	if p := do(t, c, "POST", s.URL+"/tasks/"+itoa(bos.ID)+"/owner", url.Values{"csrf": {token}, "owner": {itoa(ana.ID)}}); p.Status != http.StatusSeeOther {
		t.Fatalf("owner: %d", p.Status)
	}
	owned := do(t, c, "GET", s.URL+"/tasks/"+itoa(bos.ID), nil)
	if !strings.Contains(owned.Body, `<option value="`+itoa(ana.ID)+`" selected>Ana</option>`) {
		t.Fatalf("the task page does not show Ana as the lead's owner:\n%.4000s", owned.Body)
	}
	events, _ := s.DB.ListTaskEvents(a.ctx, nobody.ID)
	if last := events[len(events)-1]; last.Type != taskbox.EventAssigned || last.Actor.Type != "member" || last.Actor.Member.ID != ana.ID {
		t.Fatalf("audit of the web assignment: %+v", last.Actor)
	}
	tp := do(t, c, "GET", s.URL+"/tasks/"+itoa(nobody.ID), nil)
	if !strings.Contains(tp.Body, "Assigned</strong> by Ana in the web inbox") || !strings.Contains(tp.Body, "assignee: none → Ana") {
		t.Fatalf("history of the task page:\n%.5000s", tp.Body)
	}

	// Sign-in with the password; wrong ones are refused, then limited.
	c2 := browserClient(t)
	signin := func(email, password string) page {
		return do(t, c2, "POST", s.URL+"/signin", url.Values{"email": {email}, "password": {password}, "return": {"/"}})
	}
	if p := signin("ana@acme.example", "wrong password!"); p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "The email or the password is wrong.") ||
		!strings.Contains(p.Body, `value="ana@acme.example"`) {
		t.Fatalf("wrong password: %d", p.Status)
	}
	if p := signin("ANA@acme.example", "ana's long password"); p.Status != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %.1000s", p.Status, p.Body)
	}
	if p := do(t, c2, "GET", s.URL+"/", nil); sectionOf(p.Body, mine.ID) == "" {
		t.Fatal("signed-in member does not see its tasks")
	}
	if p := signin("bo@acme.example", ""); p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("blank password: %d", p.Status)
	}
	c3 := browserClient(t) // the same address: one failure of c2 already counts
	for i := 0; i < 2; i++ {
		if p := do(t, c3, "POST", s.URL+"/signin", url.Values{"email": {"nobody@acme.example"}, "password": {"guess number " + itoa(int64(i))}}); p.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, p.Status)
		}
	}
	if p := do(t, c3, "POST", s.URL+"/signin", url.Values{"email": {"ana@acme.example"}, "password": {"ana's long password"}}); p.Status != http.StatusTooManyRequests ||
		p.Header.Get("Retry-After") == "" || !strings.Contains(p.Body, "Too many failed sign-ins") {
		t.Fatalf("over the limit: %d", p.Status)
	}

	// Removing Ana ends both of her sessions.
	acct, _ := s.DB.FindAccountByID(context.Background(), a.ID)
	if err := s.DB.RemoveMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(acct)), ana.ID); err != nil {
		t.Fatal(err)
	}
	for _, cl := range []*http.Client{c, c2} {
		if p := do(t, cl, "GET", s.URL+"/", nil); !strings.Contains(p.Body, `name="password"`) || strings.Contains(p.Body, "My tasks") {
			t.Fatalf("a removed member's session still works:\n%.1000s", p.Body)
		}
	}
}

// A session of an API key opens on the team's tasks, as before members,
// and assignee=me there is the key's member.
func TestKeySessionOpensOnTheTeam(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	bo := a.member(t, s, taskbox.NewMember{Name: "Bo"})
	task := a.task(t, s, "ann@example.com", "Unassigned", taskbox.PriorityHigh, "")
	bos := a.task(t, s, "ann@example.com", "Bo's", taskbox.PriorityHigh, "")
	a.assign(t, s, bos, bo.ID)
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	p := do(t, c, "GET", s.URL+"/", nil)
	if !strings.Contains(p.Body, `<a href="/?assignee=all" aria-current="page">Team</a>`) || sectionOf(p.Body, task.ID) == "" {
		t.Fatalf("key session inbox:\n%.2000s", p.Body)
	}
	c2 := browserClient(t)
	s.signIn(t, c2, bo.Key.Secret)
	if p := do(t, c2, "GET", s.URL+"/?assignee=me", nil); sectionOf(p.Body, bos.ID) == "" || sectionOf(p.Body, task.ID) != "" {
		t.Fatal("assignee=me of Bo's key session")
	}
}

// In Chromium: the setup link, the inbox on My tasks, signing out, a wrong
// password, signing in, and the limit on failed sign-ins.
func TestBrowserPasswordSignIn(t *testing.T) {
	ctx := tab(t, "UTC")
	s := newSite(t, siteOptions{signInBurst: 2, signInEvery: time.Hour})
	a := s.account(t, "Acme", "", "ann@example.com")
	ana := a.member(t, s, taskbox.NewMember{Name: "Ana", Email: "ana@acme.example"})
	mine := a.task(t, s, "ann@example.com", "Call Ann back", taskbox.PriorityHigh, "")
	a.task(t, s, "ann@example.com", "Someone else's", taskbox.PriorityLow, "")
	a.assign(t, s, mine, ana.ID)

	run(t, ctx, chromedp.Navigate(s.URL+"/setup/"+ana.SetupToken), chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("password"), "correct horse battery"), chromedp.SendKeys(chromedp.ID("confirm"), "correct horse battery"),
		chromedp.Click(chromedp.ID("setup-submit")))
	waitFor(t, ctx, `document.querySelector(".views a[aria-current]") && document.querySelector(".views a[aria-current]").textContent === "My tasks"`)
	if n := eval[int](t, ctx, `document.querySelectorAll("li.task").length`); n != 1 {
		t.Fatalf("My tasks shows %d tasks, want 1", n)
	}
	screenshot(t, ctx, "my-tasks")
	checkContrast(t, ctx, ".who", ".assignee", ".views a[aria-current]")

	run(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("email")))
	signIn := func(password string) {
		run(t, ctx, chromedp.SetValue(chromedp.ID("email"), "ana@acme.example"), chromedp.SetValue(chromedp.ID("password"), password),
			chromedp.Click(chromedp.ID("password-signin")))
	}
	signIn("not the password")
	waitFor(t, ctx, `document.querySelector(".err") && document.querySelector(".err").textContent === "The email or the password is wrong."`)
	screenshot(t, ctx, "wrong-password")
	signIn("correct horse battery")
	waitFor(t, ctx, `document.querySelector(".who") && document.querySelector(".who").textContent.indexOf("Ana") >= 0`)
	run(t, ctx, chromedp.Click(chromedp.CSS(".signout button")), chromedp.WaitVisible(chromedp.ID("email")))
	signIn("wrong once more")
	waitFor(t, ctx, `document.querySelector(".err") && document.querySelector(".err").textContent === "The email or the password is wrong."`)
	signIn("and again wrong")
	waitFor(t, ctx, `document.querySelector(".err") && document.querySelector(".err").textContent.indexOf("Too many failed sign-ins") === 0`)
}

// A password session has no key: it is rate limited per member, in a
// bucket of its own, so that one member over the rate leaves the others
// (and the account's key) their own.
func TestPasswordSessionsAreRateLimitedPerMember(t *testing.T) {
	s := newSite(t, siteOptions{rateLimit: 0.001})
	a := s.account(t, "acme", "", "ann@example.com")
	signInMember := func(name string) *http.Client {
		m := a.member(t, s, taskbox.NewMember{Name: name, Email: strings.ToLower(name) + "@acme.example"})
		c := browserClient(t)
		pw := name + "'s long password"
		if p := do(t, c, "POST", s.URL+"/setup/"+m.SetupToken, url.Values{"password": {pw}, "confirm": {pw}}); p.Status != http.StatusSeeOther {
			t.Fatalf("setup of %s: %d", name, p.Status)
		}
		return c
	}
	ana, bo := signInMember("Ana"), signInMember("Bo")
	if p := do(t, ana, "GET", s.URL+"/", nil); p.Status != http.StatusOK {
		t.Fatalf("Ana's first page: %d", p.Status)
	}
	if p := do(t, ana, "GET", s.URL+"/", nil); p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") == "" {
		t.Errorf("Ana over her rate: %d, want 429 with Retry-After", p.Status)
	}
	if p := do(t, bo, "GET", s.URL+"/", nil); p.Status != http.StatusOK {
		t.Errorf("Bo after Ana used her rate: %d, want 200 (a bucket of his own)", p.Status)
	}
	if p := do(t, browserClient(t), "GET", s.URL+"/", nil); p.Status != http.StatusOK {
		t.Errorf("the sign-in page: %d", p.Status)
	}
}

// The bulk bar assigns the ticked tasks to a member, or to nobody; a
// member of another account is refused in words and changes nothing.
func TestBulkAssign(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	other := s.account(t, "other", "", "zed@example.com")
	bo := a.member(t, s, taskbox.NewMember{Name: "Bo", Email: "bo@acme.example"})
	stranger := other.member(t, s, taskbox.NewMember{Name: "Stranger"})
	t1 := a.task(t, s, "ann@example.com", "One", taskbox.PriorityHigh, "")
	t2 := a.task(t, s, "ann@example.com", "Two", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, `id="bulk-assign"`) || !strings.Contains(p.Body, `<option value="`+itoa(bo.ID)+`">Bo</option>`) {
		t.Fatalf("the bulk bar lacks Assign:\n%.3000s", p.Body)
	}
	post := func(assignee string) page {
		return do(t, c, "POST", s.URL+"/tasks/bulk", url.Values{"csrf": {token}, "return": {"/"}, "action": {"assign"},
			"bulk_assignee": {assignee}, "ids": {itoa(t1.ID), itoa(t2.ID)}})
	}
	assignees := func() (out []int64) {
		for _, id := range []int64{t1.ID, t2.ID} {
			got, err := a.find(t, s, id)
			if err != nil {
				t.Fatal(err)
			}
			var m int64
			if got.Assignee != nil {
				m = got.Assignee.ID
			}
			out = append(out, m)
		}
		return out
	}
	if p := post(itoa(bo.ID)); p.Status != http.StatusSeeOther {
		t.Fatalf("bulk assign: %d", p.Status)
	}
	if got := assignees(); got[0] != bo.ID || got[1] != bo.ID {
		t.Fatalf("after assigning to Bo: %v", got)
	}
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, "Assigned 2 tasks.") {
		t.Error("no confirmation of the bulk assign")
	}
	post(itoa(stranger.ID))
	if got := assignees(); got[0] != bo.ID || got[1] != bo.ID {
		t.Fatalf("another account's member changed the tasks: %v", got)
	}
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, "That team member is no longer on the team") {
		t.Error("another account's member: no message")
	}
	post("none")
	if got := assignees(); got[0] != 0 || got[1] != 0 {
		t.Fatalf("after unassigning: %v", got)
	}
}

// The row's inline edit (e) assigns the task to a member or to nobody; a
// member of another account, or a value that is no member, changes nothing
// and says why.
func TestInlineAssign(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	other := s.account(t, "other", "", "zed@example.com")
	bo := a.member(t, s, taskbox.NewMember{Name: "Bo", Email: "bo@acme.example"})
	stranger := other.member(t, s, taskbox.NewMember{Name: "Stranger"})
	task := a.task(t, s, "ann@example.com", "Call Ann", taskbox.PriorityLow, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, `data-assignee="none"`) {
		t.Fatal("the row does not say it has no assignee")
	}
	edit := func(assignee string) page {
		return do(t, c, "POST", s.URL+"/tasks/"+itoa(task.ID)+"/inline", url.Values{"csrf": {token}, "return": {"/"},
			"focus": {itoa(task.ID)}, "due_date": {""}, "due_time": {""}, "priority": {"LOW"}, "assignee": {assignee}})
	}
	assignee := func() int64 {
		got, err := a.find(t, s, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Assignee == nil {
			return 0
		}
		return got.Assignee.ID
	}
	if p := edit(itoa(bo.ID)); p.Status != http.StatusSeeOther || assignee() != bo.ID {
		t.Fatalf("inline assign: %d, assignee %d", p.Status, assignee())
	}
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, "Saved “Call Ann”: Low, No due date, assigned to Bo.") ||
		!strings.Contains(p.Body, `data-assignee="`+itoa(bo.ID)+`"`) {
		t.Errorf("after the inline assign the page says %q", regexpFind(p.Body, `(Saved[^<]*)`))
	}
	for _, bad := range []struct{ value, says string }{{itoa(stranger.ID), "no longer on the team"}, {"x", "Choose whom to assign the task to"}} {
		edit(bad.value)
		if assignee() != bo.ID {
			t.Fatalf("assignee %q changed the task", bad.value)
		}
		if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, bad.says) {
			t.Errorf("assignee %q: the page does not say %q", bad.value, bad.says)
		}
	}
	if edit("none"); assignee() != 0 {
		t.Error("none did not unassign")
	}
}
