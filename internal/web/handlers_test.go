package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/web"
)

// Every page carries the security headers; the policy allows no inline
// script or style and no framing.
func TestPagesCarrySecurityHeaders(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call", taskbox.PriorityHigh, "")
	c := browserClient(t)
	anon := do(t, c, "GET", s.URL+"/", nil)
	s.signIn(t, c, a.Key)
	for _, p := range []page{anon, do(t, c, "GET", s.URL+"/", nil), do(t, c, "GET", s.URL+"/tasks/"+itoa(task.ID), nil),
		do(t, c, "GET", s.URL+"/no/such/page", nil)} {
		csp := p.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("CSP %q allows inline code", csp)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
			"Referrer-Policy": "same-origin", "Content-Type": "text/html; charset=utf-8"} {
			if got := p.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " style=") || strings.Contains(p.Body, " on") && strings.Contains(p.Body, "onclick=") {
			t.Errorf("a page holds inline script or style")
		}
	}
	if anon.Status != http.StatusOK || !strings.Contains(anon.Body, `name="api_key"`) {
		t.Errorf("GET / without a session: %d, want the sign-in page", anon.Status)
	}
}

// The session cookie is HttpOnly, SameSite=Lax, lives for the idle
// timeout, and is Secure when the page came over TLS. A wrong key gets no
// cookie and a sentence.
func TestSessionCookieAttributes(t *testing.T) {
	for _, tls := range []bool{false, true} {
		s := newSite(t, siteOptions{tls: tls, idle: 90 * time.Minute})
		a := s.account(t, "acme", "")
		c := browserClient(t)
		c.Transport = http.DefaultTransport
		if tls {
			c.Transport = insecureTransport()
		}
		bad := do(t, c, "POST", s.URL+"/signin", url.Values{"api_key": {"tbx_nope"}})
		if bad.Status != http.StatusUnauthorized || !strings.Contains(bad.Body, "That API key is not valid, or it has been revoked.") ||
			bad.Header.Get("Set-Cookie") != "" {
			t.Errorf("wrong key: %d, cookie %q", bad.Status, bad.Header.Get("Set-Cookie"))
		}
		p := do(t, c, "POST", s.URL+"/signin", url.Values{"api_key": {a.Key}, "return": {"/?view=completed"}})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/?view=completed" {
			t.Fatalf("sign-in: %d to %q", p.Status, p.Header.Get("Location"))
		}
		cookie := (&http.Response{Header: p.Header}).Cookies()[0]
		if cookie.Name != "taskbox_session" || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode ||
			cookie.Path != "/" || cookie.MaxAge != 5400 || cookie.Secure != tls {
			t.Errorf("tls=%v: cookie %+v", tls, cookie)
		}
		if strings.Contains(cookie.Value, a.Key) || strings.Contains(cookie.Value, a.Key[4:20]) {
			t.Error("the cookie shows the API key")
		}
	}
}

// A return path that leaves the site is not followed after sign-in.
func TestSignInStaysOnTheSite(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	for _, ret := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		p := do(t, browserClient(t), "POST", s.URL+"/signin", url.Values{"api_key": {a.Key}, "return": {ret}})
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/" {
			t.Errorf("return %q: %d to %q, want /", ret, p.Status, p.Header.Get("Location"))
		}
	}
}

// Forms need the session's CSRF token, and a cross-site POST is refused
// even when it carries one.
func TestCrossSitePostRefused(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	complete := s.URL + "/tasks/" + itoa(task.ID) + "/complete"
	cases := []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"cross-site with token", url.Values{"csrf": {token}}, []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}},
		{"other origin with token", url.Values{"csrf": {token}}, []string{"Origin", "https://evil.example"}},
		{"no token", url.Values{}, nil},
		{"wrong token", url.Values{"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAA"}}, nil},
		{"token of another session", url.Values{"csrf": {s.signIn(t, browserClient(t), a.Key)}}, nil},
	}
	for _, tc := range cases {
		p := do(t, c, "POST", complete, tc.form, tc.header...)
		if p.Status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", tc.name, p.Status)
		}
	}
	if got, _ := a.find(t, s, task.ID); got.Status != taskbox.StatusPending {
		t.Fatalf("a refused post completed the task")
	}
	cross := do(t, browserClient(t), "POST", s.URL+"/signin", url.Values{"api_key": {a.Key}},
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if cross.Status != http.StatusForbidden || cross.Header.Get("Set-Cookie") != "" {
		t.Errorf("cross-site sign-in: %d, want 403 without a cookie", cross.Status)
	}
	ok := do(t, c, "POST", complete, url.Values{"csrf": {token}}, "Sec-Fetch-Site", "same-origin", "Origin", s.URL)
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("same-origin post with token: %d\n%s", ok.Status, ok.Body)
	}
	if got, _ := a.find(t, s, task.ID); got.Status != taskbox.StatusCompleted {
		t.Errorf("the accepted post did not complete the task")
	}
}

// One account's task is a 404 for another, by page and by every form.
func TestAccountsAreIsolated(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	b := s.account(t, "globex", "", "bob@example.com")
	task := a.task(t, s, "ann@example.com", "Secret plan", taskbox.PriorityHigh, "")
	c := browserClient(t)
	token := s.signIn(t, c, b.Key)
	id := itoa(task.ID)
	if p := do(t, c, "GET", s.URL+"/", nil); strings.Contains(p.Body, "Secret plan") {
		t.Error("another account's task shows in the inbox")
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/tasks/" + id}, {"GET", "/tasks/" + id + "/delete"}, {"POST", "/tasks/" + id + "/complete"},
		{"POST", "/tasks/" + id}, {"POST", "/tasks/" + id + "/delete"}, {"POST", "/tasks/bulk-complete"},
	} {
		form := url.Values{"csrf": {token}, "ids": {id}, "name": {"Mine now"}}
		if tc.method == "GET" {
			form = nil
		}
		p := do(t, c, tc.method, s.URL+tc.path, form)
		if p.Status != http.StatusNotFound || strings.Contains(p.Body, "Secret plan") {
			t.Errorf("%s %s: %d, want 404 without the task", tc.method, tc.path, p.Status)
		}
	}
	got, err := a.find(t, s, task.ID)
	if err != nil || got.Name != "Secret plan" || got.Status != taskbox.StatusPending {
		t.Errorf("the task was changed by another account: %+v, %v", got, err)
	}
	sg := do(t, c, "GET", s.URL+"/leads/suggest?q=ann", nil)
	if sg.Status != http.StatusOK || strings.Contains(sg.Body, "ann@") {
		t.Errorf("suggestions show another account's lead: %d %s", sg.Status, sg.Body)
	}
}

// A revoked key's session ends at its next request.
func TestRevokedKeyEndsTheSession(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	if err := s.DB.RevokeKey(context.Background(), a.KeyID); err != nil {
		t.Fatal(err)
	}
	p := do(t, c, "GET", s.URL+"/", nil)
	if !strings.Contains(p.Body, `name="api_key"`) || !strings.Contains(p.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("after revocation: %d, Set-Cookie %q, want the sign-in page and the cookie cleared", p.Status, p.Header.Get("Set-Cookie"))
	}
}

// Sign out clears the cookie; the old cookie's page is the sign-in page.
func TestSignOut(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	p := do(t, c, "POST", s.URL+"/signout", url.Values{"csrf": {token}})
	if p.Status != http.StatusSeeOther || !strings.Contains(p.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("sign out: %d %q", p.Status, p.Header.Get("Set-Cookie"))
	}
	if p := do(t, c, "GET", s.URL+"/", nil); !strings.Contains(p.Body, `name="api_key"`) {
		t.Error("signed out, / is not the sign-in page")
	}
}

// A post whose session has ended shows sign-in with what was typed, and
// signing in brings the typed task back into the add form.
func TestExpiredSessionKeepsTheDraft(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	c := browserClient(t)
	p := do(t, c, "POST", s.URL+"/tasks", url.Values{"csrf": {"stale"}, "email": {"ann@example.com"},
		"name": {"Send <the> pricing"}, "description": {"50 seats"}, "priority": {"HIGH"}, "return": {"/?q=x"}})
	if p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "Your session has ended") ||
		!strings.Contains(p.Body, `name="draft_name" value="Send &lt;the&gt; pricing"`) {
		t.Fatalf("post without a session: %d\n%.3000s", p.Status, p.Body)
	}
	form := url.Values{"api_key": {a.Key}, "return": {"/?q=x"}, "draft_name": {"Send <the> pricing"},
		"draft_email": {"ann@example.com"}, "draft_description": {"50 seats"}, "draft_priority": {"HIGH"}}
	in := do(t, c, "POST", s.URL+"/signin", form)
	loc := in.Header.Get("Location")
	if in.Status != http.StatusSeeOther || loc != "/?q=x" {
		t.Fatalf("sign-in with a draft: %d to %q, want the return path alone (the draft kept out of the URL)", in.Status, loc)
	}
	for _, sc := range (&http.Response{Header: in.Header}).Cookies() {
		if strings.Contains(sc.Value, "pricing") || strings.Contains(sc.Value, "seats") {
			t.Errorf("the draft's cookie %s is readable: %q", sc.Name, sc.Value)
		}
	}
	back := do(t, c, "GET", s.URL+loc, nil)
	for _, want := range []string{`value="Send &lt;the&gt; pricing"`, `value="ann@example.com"`, ">50 seats</textarea>",
		`<option value="HIGH" selected>`, "Your session had expired"} {
		if !strings.Contains(back.Body, want) {
			t.Errorf("the add form lacks %s", want)
		}
	}
	if again := do(t, c, "GET", s.URL+loc, nil); strings.Contains(again.Body, "Your session had expired") {
		t.Error("the draft came back a second time")
	}
	// A long draft (a description of 10,000 characters that do not
	// compress) comes back whole, over several cookies.
	long := strings.Repeat("Zürich ☃ ", 1) + randomText(9990)
	form.Set("draft_description", long)
	in = do(t, c, "POST", s.URL+"/signin", form)
	back = do(t, c, "GET", s.URL+in.Header.Get("Location"), nil)
	if !strings.Contains(back.Body, ">"+htmlEscape(long)+"</textarea>") {
		t.Error("a long draft did not come back whole")
	}
}

// Adding a task: a clear 422 for each mistake, then the task in its section.
func TestAddTaskForm(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "Europe/Berlin", "ann@example.com", "bob@example.com")
	a.campaign(t, s, "Second", "bob@example.com")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	base := url.Values{"csrf": {token}, "email": {"ann@example.com"}, "name": {"Call Ann"}, "return": {"/"}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"blank name", with("name", "  "), `<p class="err" id="add-name-err">Say what is to be done, like “Send the pricing sheet”.</p>`},
		{"unknown email", with("email", "nobody@example.com"), `<p class="err" id="add-email-err">No lead with this email is in your campaigns.</p>`},
		{"no email", with("email", ""), `<p class="err" id="add-email-err">Type the email of the lead the task is for.</p>`},
		{"lead in two campaigns", with("email", "bob@example.com"), `<p class="err" id="add-lead-map-err">This lead is in several campaigns: choose one.</p>`},
		{"bad date", with("due_date", "2025-13-01"), `<p class="err" id="add-due-err">Choose a day in the calendar, or type it as year-month-day, like 2025-12-15.</p>`},
		{"bad time", with("due_date", "2025-12-01", "due_time", "25:99"), `<p class="err" id="add-time-err">Type the time as hours and minutes, like 09:30, or leave it blank for all day.</p>`},
		{"time without a day", with("due_time", "09:30"), `<p class="err" id="add-due-err">Choose the day as well, or clear the time for a task without a due date.</p>`},
		{"bad priority", with("priority", "URGENT"), `<p class="err" id="add-priority-err">Choose High, Medium or Low.</p>`},
		{"long name", with("name", strings.Repeat("n", 256)), "Keep the task&#39;s name to 255 characters: it has 256."},
		{"long description", with("description", strings.Repeat("d", 10001)), "Keep the description to 10,000 characters: it has 10001."},
	}
	for _, tc := range cases {
		p := do(t, c, "POST", s.URL+"/tasks", tc.form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, tc.want) {
			t.Errorf("%s: %d, want 422 with %q", tc.name, p.Status, tc.want)
		}
	}
	for _, tc := range cases {
		if p := do(t, c, "POST", s.URL+"/tasks", tc.form); strings.Contains(p.Body, "ISO 8601") || strings.Contains(p.Body, "must be") {
			t.Errorf("%s: the page speaks the API's words", tc.name)
		}
	}
	// A blank form names every missing field at once, each on its field.
	blank := do(t, c, "POST", s.URL+"/tasks", url.Values{"csrf": {token}, "return": {"/"}, "due_time": {"10:00"}})
	for _, want := range []string{`id="add-email-err"`, `id="add-name-err"`, `id="add-due-err"`, "3 things to fix before the task can be saved",
		`<input id="add-name" name="name" required maxlength="255" value="" aria-invalid="true" aria-describedby="add-name-err">`} {
		if !strings.Contains(blank.Body, want) {
			t.Errorf("the blank form lacks %s", want)
		}
	}
	p := do(t, c, "POST", s.URL+"/tasks", with("email", "bob@example.com", "lead_map", "0"))
	if !strings.Contains(p.Body, ">Second</option>") {
		t.Error("the campaign choice does not list the lead's campaigns")
	}
	tomorrow := time.Now().In(mustZone(t, "Europe/Berlin")).AddDate(0, 0, 1).Format(time.DateOnly)
	ok := do(t, c, "POST", s.URL+"/tasks", with("due_date", tomorrow, "due_time", "09:30", "priority", "HIGH", "description", "Pricing"))
	if ok.Status != http.StatusSeeOther {
		t.Fatalf("valid add: %d\n%.2000s", ok.Status, ok.Body)
	}
	inbox := do(t, c, "GET", s.URL+"/", nil, "Cookie", "tz=Europe/Berlin")
	if !strings.Contains(inbox.Body, "Added “Call Ann”.") {
		t.Error("no confirmation after adding")
	}
	page, err := s.DB.ListTasks(a.ctx, taskbox.TaskFilter{Limit: 10})
	if err != nil || len(page.Tasks) != 1 {
		t.Fatalf("tasks after add: %v %v", page, err)
	}
	got := page.Tasks[0]
	if want := tomorrow + "T09:30:00+01:00"; got.Due == nil || !got.Due.At.Equal(mustTime(t, want)) || got.Priority != taskbox.PriorityHigh {
		t.Errorf("added task due %v priority %s, want %s HIGH", got.Due, got.Priority, want)
	}
	if sec := sectionOf(inbox.Body, got.ID); sec != taskbox.DueUpcoming {
		t.Errorf("the new task is in section %q, want upcoming", sec)
	}
}

// Completing, editing and deleting from the pages go through the domain,
// and the trail names the web user.
func TestWorkingATaskRecordsTheWebUser(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	task := a.task(t, s, "ann@example.com", "Call", taskbox.PriorityLow, "2030-01-02")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	id := itoa(task.ID)
	steps := []struct {
		path string
		form url.Values
	}{
		{"/tasks/" + id + "/complete", url.Values{"return": {"/tasks/" + id}}},
		{"/tasks/" + id + "/reopen", url.Values{}},
		{"/tasks/" + id, url.Values{"name": {"Call Ann"}, "priority": {"HIGH"}, "due_date": {"2030-01-03"}}},
	}
	for _, st := range steps {
		st.form.Set("csrf", token)
		if p := do(t, c, "POST", s.URL+st.path, st.form); p.Status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%.2000s", st.path, p.Status, p.Body)
		}
	}
	bad := do(t, c, "POST", s.URL+"/tasks/"+id, url.Values{"csrf": {token}, "name": {""}})
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Say what is to be done") {
		t.Errorf("blank name on edit: %d", bad.Status)
	}
	tp := do(t, c, "GET", s.URL+"/tasks/"+id, nil)
	for _, want := range []string{"<h1><bdi>Call Ann</bdi></h1>", "ann@example.com", "acme outreach", "Created</strong> through the API with key",
		"Completed</strong> in the web inbox with key", "Reopened</strong> in the web inbox", "priority: LOW → HIGH", "name: Call → Call Ann"} {
		if !strings.Contains(tp.Body, want) {
			t.Errorf("the task page lacks %q", want)
		}
	}
	events, err := s.DB.ListTaskEvents(a.ctx, task.ID)
	if err != nil || len(events) != 4 {
		t.Fatalf("events: %v %v", events, err)
	}
	if ev := events[1]; ev.Type != taskbox.EventCompleted || ev.Actor.Type != "web" || ev.Actor.ID != a.KeyID {
		t.Errorf("completion recorded as %+v, want the web user with key %d", ev.Actor, a.KeyID)
	}
	if events[0].Actor.Type != "api_key" {
		t.Errorf("the API's creation recorded as %+v", events[0].Actor)
	}
	if p := do(t, c, "GET", s.URL+"/tasks/"+id+"/delete", nil); !strings.Contains(p.Body, "Delete “Call Ann”?") {
		t.Error("no confirmation page before delete")
	}
	if p := do(t, c, "POST", s.URL+"/tasks/"+id+"/delete", url.Values{"csrf": {token}}); p.Status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.Status)
	}
	if p := do(t, c, "GET", s.URL+"/tasks/"+id, nil); p.Status != http.StatusNotFound {
		t.Errorf("deleted task's page: %d, want 404", p.Status)
	}
}

// Bulk completion is all or nothing; no selection is a sentence, not an error.
func TestBulkComplete(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	t1 := a.task(t, s, "ann@example.com", "One", "", "")
	t2 := a.task(t, s, "ann@example.com", "Two", "", "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	if p := do(t, c, "POST", s.URL+"/tasks/bulk-complete", url.Values{"csrf": {token}, "ids": {"x"}}); p.Status != http.StatusBadRequest {
		t.Errorf("bulk with a bad id: %d, want 400", p.Status)
	}
	if p := do(t, c, "POST", s.URL+"/tasks/bulk-complete", url.Values{"csrf": {token}}); p.Status != http.StatusSeeOther {
		t.Errorf("bulk without selection: %d", p.Status)
	}
	p := do(t, c, "POST", s.URL+"/tasks/bulk-complete", url.Values{"csrf": {token}, "ids": {itoa(t1.ID), itoa(t2.ID)}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("bulk: %d %s", p.Status, p.Body)
	}
	for _, id := range []int64{t1.ID, t2.ID} {
		if got, _ := a.find(t, s, id); got.Status != taskbox.StatusCompleted {
			t.Errorf("task %d not completed", id)
		}
	}
	done := do(t, c, "GET", s.URL+"/?view=completed", nil)
	if sectionOf(done.Body, t1.ID) != "completed" || !strings.Contains(done.Body, `<span class="count">2</span>`) {
		t.Error("the Completed view lacks the tasks or their count")
	}
}

// The browser's zone, from the cookie the script sets, decides the section.
func TestZoneCookieDecidesTheSection(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	due, tokyo, newYork := zoneSplit(t)
	task := a.task(t, s, "ann@example.com", "Zone check", "", due.Format(time.RFC3339))
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	for zone, want := range map[string]string{"Asia/Tokyo": tokyo, "America/New_York": newYork} {
		p := do(t, c, "GET", s.URL+"/", nil, "Cookie", c.Jar.Cookies(mustURL(t, s.URL))[0].String()+"; tz="+zone)
		if got := sectionOf(p.Body, task.ID); got != want {
			t.Errorf("in %s the task is in %q, want %q", zone, got, want)
		}
	}
	p := do(t, c, "GET", s.URL+"/", nil, "Cookie", c.Jar.Cookies(mustURL(t, s.URL))[0].String()+"; tz=Not/AZone")
	if p.Status != http.StatusOK {
		t.Errorf("a bad zone cookie: %d", p.Status)
	}
}

// zoneSplit picks a due time that is today in one of Tokyo and New York
// and upcoming in the other, whatever the time now: a minute after the
// earlier of their next midnights.
func zoneSplit(t testing.TB) (due time.Time, tokyo, newYork string) {
	now := time.Now()
	wt := taskbox.NewWindow(now, mustZone(t, "Asia/Tokyo"))
	wn := taskbox.NewWindow(now, mustZone(t, "America/New_York"))
	due = wt.TomorrowStart
	if wn.TomorrowStart.Before(due) {
		due = wn.TomorrowStart
	}
	due = due.Add(time.Minute).UTC().Truncate(time.Second)
	return due, wt.Classify(&taskbox.Due{At: due}), wn.Classify(&taskbox.Due{At: due})
}

// "Show more" without the script keeps every section on the page and
// shows a page more of its own; completing a row past the first page
// comes back to the page as it was: the same sections and expansions, the
// rows still ticked, the neighbour row as the fragment, and an Undo.
func TestShowMoreThenCompleteKeepsThePage(t *testing.T) {
	s := newSite(t, siteOptions{pageSize: 3})
	a := s.account(t, "acme", "", "ann@example.com")
	var over []*taskbox.Task
	for i := 0; i < 8; i++ {
		over = append(over, a.task(t, s, "ann@example.com", "Late "+itoa(int64(i)), taskbox.PriorityLow, time.Now().Add(-time.Duration(10-i)*time.Hour).UTC().Format(time.RFC3339)))
	}
	today := a.task(t, s, "ann@example.com", "Due today", "", time.Now().UTC().Format(time.DateOnly))
	none := a.task(t, s, "ann@example.com", "Someday", "", "")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	first := do(t, c, "GET", s.URL+"/", nil, "Cookie", "tz=UTC")
	more := htmlUnescape(regexpFind(first.Body, `class="more button" href="([^"]+)"`))
	if !strings.Contains(more, "show_overdue=6") || !strings.HasSuffix(more, "#task-"+itoa(over[3].ID)) {
		t.Fatalf("Show more of Overdue links to %q", more)
	}
	page := do(t, c, "GET", s.URL+more, nil)
	for _, task := range []*taskbox.Task{over[0], over[5], today, none} {
		if sectionOf(page.Body, task.ID) == "" {
			t.Errorf("after Show more, task %q is not on the page", task.Name)
		}
	}
	if !strings.Contains(page.Body, "6 of 8 shown") || strings.Contains(page.Body, "later page") {
		t.Error("the expanded section does not say how much it shows")
	}
	ret := htmlUnescape(regexpFind(page.Body, `<form id="bulk"[^>]*>.*?name="return" value="([^"]+)"`))
	if ret != "/?show_overdue=6" {
		t.Fatalf("the page's return path is %q", ret)
	}
	// Complete the fifth overdue row (past the first page) with the second
	// one ticked, as the row's button posts the bulk form without the script.
	p := do(t, c, "POST", s.URL+"/tasks/"+itoa(over[4].ID)+"/complete", url.Values{"csrf": {token}, "return": {ret},
		"ids": {itoa(over[1].ID)}, "focus": {itoa(over[5].ID)}})
	want := "/?sel=" + itoa(over[1].ID) + "&show_overdue=6#task-" + itoa(over[5].ID)
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != want {
		t.Fatalf("complete: %d to %q, want %q", p.Status, p.Header.Get("Location"), want)
	}
	back := do(t, c, "GET", s.URL+strings.Split(want, "#")[0], nil, "Cookie", "tz=UTC")
	for _, task := range []*taskbox.Task{over[0], over[5], over[6], today, none} {
		if sectionOf(back.Body, task.ID) == "" {
			t.Errorf("after completing, task %q left the page", task.Name)
		}
	}
	if sectionOf(back.Body, over[4].ID) != "" {
		t.Error("the completed task is still listed")
	}
	if !strings.Contains(back.Body, `value="`+itoa(over[1].ID)+`" id="sel-`+itoa(over[1].ID)+`" aria-label="Select Late 1" checked>`) {
		t.Error("the ticked row lost its tick")
	}
	if !strings.Contains(back.Body, "Completed “Late 4”.") || !strings.Contains(back.Body, `<input type="hidden" name="action" value="reopen"><input type="hidden" name="ids" value="`+itoa(over[4].ID)+`">`) {
		t.Error("no confirmation with an Undo")
	}
	// The bounds of the page's state: huge or malformed counts are ignored or capped.
	for _, q := range []string{"?show_overdue=99999999", "?show_overdue=-3", "?show_overdue=x", "?sel=abc&sel=-1"} {
		if p := do(t, c, "GET", s.URL+"/"+q, nil); p.Status != http.StatusOK {
			t.Errorf("GET /%s: %d", q, p.Status)
		}
	}
}

// Filters narrow the sections, with exact counts (no "25+").
func TestFiltersAndCounts(t *testing.T) {
	s := newSite(t, siteOptions{pageSize: 3})
	a := s.account(t, "acme", "", "ann@example.com")
	other := a.campaign(t, s, "Other", "zed@example.com")
	for i := 0; i < 7; i++ {
		a.task(t, s, "ann@example.com", "Pricing "+itoa(int64(i)), taskbox.PriorityLow, "")
	}
	hi := a.task(t, s, "zed@example.com", "Urgent call", taskbox.PriorityHigh, "")
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	for q, want := range map[string]int{"?priority=HIGH": 1, "?campaign=" + itoa(other.ID): 1, "?q=urgent": 1, "?q=pricing&priority=LOW": 3,
		"?q=zed@example": 1, "?q=Ann": 3} {
		p := do(t, c, "GET", s.URL+"/"+q, nil)
		if n := strings.Count(p.Body, `<li class="task`); n != want {
			t.Errorf("%s shows %d rows, want %d", q, n, want)
		}
		if strings.HasPrefix(q, "?priority=HIGH") && sectionOf(p.Body, hi.ID) != taskbox.DueNone {
			t.Errorf("%s lacks the urgent task", q)
		}
	}
	p := do(t, c, "GET", s.URL+"/?q=pricing", nil)
	if !strings.Contains(p.Body, `<h2 id="h-none">No due date <span class="count">7</span></h2>`) || strings.Contains(p.Body, "+</span>") {
		t.Error("the filtered count is not exact")
	}
	if !strings.Contains(p.Body, `href="/?q=pricing&amp;view=completed"`) {
		t.Error("the Completed view drops the filters")
	}
	if !strings.Contains(p.Body, "No task here matches the filters.") || strings.Contains(p.Body, "Every open task has a due date.") {
		t.Error("an empty section under a filter says something untrue")
	}
	none := do(t, c, "GET", s.URL+"/?q=nothing-like-this", nil)
	if !strings.Contains(none.Body, "No open task matches “<bdi>nothing-like-this</bdi>”") || strings.Contains(none.Body, `class="section"`) ||
		strings.Contains(none.Body, "Every open task has a due date.") {
		t.Errorf("no one empty state for a search without hits:\n%.3000s", none.Body)
	}
}

// A new account sees how to add a first task, with the curl that does it.
func TestEmptyInbox(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	p := do(t, c, "GET", s.URL+"/", nil)
	for _, want := range []string{"No tasks yet", "curl -X POST '" + s.URL + "/api/v1/master-inbox/create-task?api_key=YOUR_API_KEY'",
		`<details class="add card" id="add" open>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the empty inbox lacks %q", want)
		}
	}
}

// Unknown pages are HTML 404s; the API's unknown paths stay JSON.
func TestNotFoundAnswers(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	for _, path := range []string{"/nope", "/tasks/abc", "/tasks/0", "/tasks/99999999", "/static/missing.js", "/static/"} {
		p := do(t, c, "GET", s.URL+path, nil)
		if p.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, p.Status)
		}
	}
	api := do(t, c, "GET", s.URL+"/api/v1/nope", nil)
	if api.Status != http.StatusNotFound || api.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /api/v1/nope: %d %s", api.Status, api.Header.Get("Content-Type"))
	}
	if p := do(t, c, "GET", s.URL+"/healthz", nil); p.Status != http.StatusOK {
		t.Errorf("healthz: %d", p.Status)
	}
	// A wrong method on a route of the API outside /api/ is the API's JSON
	// 405, not a page of the inbox.
	for _, path := range []string{"/healthz", "/openapi.json", "/ical/x.ics"} {
		p := do(t, c, "POST", s.URL+path, url.Values{})
		if p.Status != http.StatusMethodNotAllowed || p.Header.Get("Content-Type") != "application/json" {
			t.Errorf("POST %s: %d %s, want the API's 405", path, p.Status, p.Header.Get("Content-Type"))
		}
	}
}

// Suggestions: leads of the account whose email starts with what is typed,
// with their campaigns.
func TestLeadSuggestions(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com", "anna@example.com", "bob@example.com", "a_b@example.com")
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	p := do(t, c, "GET", s.URL+"/leads/suggest?q=AN", nil)
	if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(p.Body, `"email":"ann@example.com"`) || !strings.Contains(p.Body, `"email":"anna@example.com"`) ||
		strings.Contains(p.Body, "bob@") || !strings.Contains(p.Body, `"campaign":"acme outreach"`) {
		t.Errorf("suggest AN: %d %s", p.Status, p.Body)
	}
	if p := do(t, c, "GET", s.URL+"/leads/suggest?q=a_", nil); strings.Contains(p.Body, "ann@") || !strings.Contains(p.Body, "a_b@") {
		t.Errorf("suggest a_ (a wildcard in LIKE): %s", p.Body)
	}
	if p := do(t, c, "GET", s.URL+"/leads/suggest?q=", nil); p.Body != "[]\n" {
		t.Errorf("suggest with nothing typed: %q", p.Body)
	}
}

// The first load of the inbox (HTML, CSS, JS) stays under 150 KB.
func TestFirstPageWeight(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	for i := 0; i < 25; i++ {
		a.task(t, s, "ann@example.com", "A task with a name of a usual length "+itoa(int64(i)), taskbox.PriorityMedium, "")
	}
	c := browserClient(t)
	s.signIn(t, c, a.Key)
	total := 0
	html := do(t, c, "GET", s.URL+"/", nil)
	total += len(html.Body)
	for _, asset := range regexpAll(html.Body, `(?:href|src)="(/static/[^"]+)"`) {
		p := do(t, c, "GET", s.URL+htmlUnescape(asset), nil)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", asset, p.Status)
		}
		ct := p.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, "text/css") && !strings.HasPrefix(ct, "text/javascript") || p.Header.Get("Cache-Control") == "" {
			t.Errorf("%s: Content-Type %q, Cache-Control %q", asset, ct, p.Header.Get("Cache-Control"))
		}
		total += len(p.Body)
	}
	t.Logf("first load of an inbox with 25 rows: %d bytes of HTML, CSS and JS", total)
	if total > 150*1024 {
		t.Errorf("first load is %d bytes, over 150 KB", total)
	}
}

// A query or form holding a NUL or bytes that are not UTF-8 is a 400 page,
// as the API refuses such a query: PostgreSQL cannot take it, and it would
// otherwise be a logged 500.
func TestNotTextRefused(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "", "ann@example.com")
	c := browserClient(t)
	token := s.signIn(t, c, a.Key)
	for _, path := range []string{"/?q=%00", "/?q=a%00b", "/?q=%ff", "/leads/suggest?q=%00"} {
		if p := do(t, c, "GET", s.URL+path, nil); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "not text") {
			t.Errorf("GET %s: %d, want 400", path, p.Status)
		}
	}
	for _, email := range []string{"ann\x00@example.com", "\xff@example.com"} {
		p := do(t, c, "POST", s.URL+"/tasks", url.Values{"csrf": {token}, "email": {email}, "name": {"Call"}})
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "The form could not be read") {
			t.Errorf("add with email %q: %d, want 400", email, p.Status)
		}
	}
	if p := do(t, c, "POST", s.URL+"/signin", url.Values{"api_key": {"tbx_\x00"}}); p.Status != http.StatusBadRequest {
		t.Errorf("sign-in with a NUL: %d, want 400", p.Status)
	}
}

// logBuffer collects a server's logs from its goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// signInFrom posts the sign-in form straight to the site's handler, as a
// client at addr (host:port) would.
func (s *site) signInFrom(t *testing.T, addr, key string) page {
	t.Helper()
	req := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"api_key": {key}, "return": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, req)
	return page{Status: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}

// Failed sign-ins are limited per client address: past the burst, an
// attempt gets a 429 sign-in page that says when to try again, with
// Retry-After and what was typed kept, and its key is not checked, so that
// the right key gets no session either. Other addresses are not held up
// (an IPv6 /64 counts as one address); no submitted key reaches the logs.
func TestSignInIsRateLimited(t *testing.T) {
	logs := &logBuffer{}
	s := newSite(t, siteOptions{logs: logs, signInBurst: 3, signInEvery: time.Hour})
	a := s.account(t, "acme", "")
	c := browserClient(t)
	wrong := []string{"tbx_guess1", "tbx_guess2", "tbx_guess3", "tbx_guess4"}
	for _, k := range wrong[:3] {
		if p := do(t, c, "POST", s.URL+"/signin", url.Values{"api_key": {k}}); p.Status != http.StatusUnauthorized {
			t.Fatalf("failed sign-in within the limit: %d, want 401", p.Status)
		}
	}
	for _, k := range []string{wrong[3], a.Key} {
		p := do(t, c, "POST", s.URL+"/signin", url.Values{"api_key": {k}, "return": {"/?view=completed"}, "name": {"Call Ann"}})
		if p.Status != http.StatusTooManyRequests || p.Header.Get("Retry-After") != "3600" ||
			!strings.Contains(p.Body, "Too many failed sign-ins from your address. Try again in 60 minutes.") {
			t.Errorf("sign-in over the limit: %d, Retry-After %q\n%.3000s", p.Status, p.Header.Get("Retry-After"), p.Body)
		}
		if p.Header.Get("Content-Type") != "text/html; charset=utf-8" || p.Header.Get("Set-Cookie") != "" ||
			!strings.Contains(p.Body, `name="api_key"`) || !strings.Contains(p.Body, `name="return" value="/?view=completed"`) ||
			!strings.Contains(p.Body, `name="draft_name" value="Call Ann"`) {
			t.Errorf("the 429 is not the sign-in page with the draft kept, or it set a cookie: %v\n%.3000s", p.Header, p.Body)
		}
	}
	if p := do(t, c, "GET", s.URL+"/", nil); p.Status != http.StatusOK || !strings.Contains(p.Body, `name="api_key"`) {
		t.Errorf("GET / after the refused sign-in with the right key: %d, want the sign-in page", p.Status)
	}

	if p := s.signInFrom(t, "203.0.113.7:4321", a.Key); p.Status != http.StatusSeeOther {
		t.Errorf("sign-in from another address: %d, want 303", p.Status)
	}
	for i := 0; i < 3; i++ {
		s.signInFrom(t, "[2001:db8:1:2::10]:4321", "tbx_guess")
	}
	if p := s.signInFrom(t, "[2001:db8:1:2::11]:4321", a.Key); p.Status != http.StatusTooManyRequests {
		t.Errorf("sign-in from the same IPv6 /64: %d, want 429", p.Status)
	}
	if p := s.signInFrom(t, "[2001:db8:1:3::10]:4321", a.Key); p.Status != http.StatusSeeOther {
		t.Errorf("sign-in from another IPv6 /64: %d, want 303", p.Status)
	}

	out := logs.String()
	for _, k := range append(wrong, a.Key, a.Key[4:20]) {
		if strings.Contains(out, k) {
			t.Errorf("the logs show the submitted key %q:\n%s", k, out)
		}
	}
	if !strings.Contains(out, "too many failed attempts") {
		t.Errorf("no log line of a refused sign-in:\n%s", out)
	}
}

// Sign-ins that succeed cost nothing, and the default limit lets ten
// failures through a minute before asking to wait about six seconds.
func TestSignInLimitCountsFailuresOnly(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	const addr = "198.51.100.4:5000"
	for i := 0; i < 2*web.DefaultSignInBurst; i++ {
		if p := s.signInFrom(t, addr, a.Key); p.Status != http.StatusSeeOther {
			t.Fatalf("sign-in %d with the right key: %d, want 303", i, p.Status)
		}
	}
	for i := 0; i < web.DefaultSignInBurst; i++ {
		if p := s.signInFrom(t, addr, "tbx_wrong"); p.Status != http.StatusUnauthorized {
			t.Fatalf("failed sign-in %d: %d, want 401", i, p.Status)
		}
	}
	p := s.signInFrom(t, addr, "tbx_wrong")
	secs, err := strconv.Atoi(p.Header.Get("Retry-After"))
	if p.Status != http.StatusTooManyRequests || err != nil || secs < 1 || secs > int(web.DefaultSignInEvery/time.Second) ||
		!strings.Contains(p.Body, "Try again in "+strconv.Itoa(secs)+" seconds.") {
		t.Errorf("failed sign-in past the default limit: %d, Retry-After %q\n%.3000s", p.Status, p.Header.Get("Retry-After"), p.Body)
	}
}
