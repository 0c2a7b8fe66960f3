package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
	"github.com/taskboxhq/taskbox/internal/web"
)

// site is the API with the web inbox mounted as serve wires them, on a real
// port over a fresh database of the test run's backend.
type site struct {
	URL     string
	DB      *store.DB
	Close   func()       // stops the server before the test ends
	Handler http.Handler // what the server serves, for requests from other addresses
}

type siteOptions struct {
	pageSize    int
	idle        time.Duration
	tls         bool
	logs        io.Writer // the server's logs; nowhere when nil
	signInBurst int
	signInEvery time.Duration
	rateLimit   float64 // requests a second per key, API and pages alike; 0: none
	// replies wraps the pages' reader of SmartLead replies (nil: the database)
	replies func(taskbox.ReplyReader) taskbox.ReplyReader
}

func newSite(t testing.TB, o siteOptions) *site {
	t.Helper()
	db := testdb.Open(t).DB
	key, err := db.WebSessionKey(context.Background())
	if err != nil {
		t.Fatalf("WebSessionKey: %v", err)
	}
	logger := slog.New(slog.DiscardHandler)
	if o.logs != nil {
		logger = slog.New(slog.NewTextHandler(o.logs, nil))
	}
	mailKey, err := db.MailKey(context.Background())
	if err != nil {
		t.Fatalf("MailKey: %v", err)
	}
	w := &web.Server{Accounts: db, Campaigns: db, Leads: db, Search: db, Tasks: db, Inbox: db, Members: db, Owners: db, Notes: db, Categories: db, People: db, Notices: db, Sessions: db, Logger: logger,
		SmartLead: db, Rules: db, Key: key, IdleTimeout: o.idle, PageSize: o.pageSize, SignInBurst: o.signInBurst, SignInEvery: o.signInEvery, MailKey: mailKey, Unsubscribe: db}
	limit := httpapi.NewRateLimiter(o.rateLimit)
	if limit != nil {
		w.RateLimit = limit
	}
	if o.replies != nil {
		w.Replies = o.replies(db)
	}
	pages, err := w.Handler()
	if err != nil {
		t.Fatalf("web.Handler: %v", err)
	}
	api := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, Members: db, Owners: db, Notes: db, Categories: db, DB: db, Logger: logger, Web: pages, RateLimit: limit,
		SmartLead: db, Rules: db}
	var srv *httptest.Server
	if o.tls {
		srv = httptest.NewTLSServer(api.Handler())
	} else {
		srv = httptest.NewServer(api.Handler())
	}
	t.Cleanup(srv.Close)
	return &site{URL: srv.URL, DB: db, Close: srv.Close, Handler: srv.Config.Handler}
}

// account is an account with a campaign of leads, seen as its key's actor.
type account struct {
	ID       int64
	KeyID    int64
	Key      string
	ctx      context.Context
	Campaign *taskbox.Campaign
	maps     map[string]int64 // email → lead map in Campaign
}

// account creates an account in zone with a campaign holding the leads
// named by their emails.
func (s *site) account(t testing.TB, name, zone string, emails ...string) *account {
	t.Helper()
	ctx := context.Background()
	acct, key, err := s.DB.CreateAccount(ctx, taskbox.NewAccount{Name: name, Timezone: zone})
	if err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	actor, err := s.DB.Authenticate(ctx, key.Secret)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	a := &account{ID: acct.ID, KeyID: key.ID, Key: key.Secret, ctx: taskbox.NewContextWithActor(ctx, actor), maps: map[string]int64{}}
	a.Campaign = a.campaign(t, s, name+" outreach", emails...)
	return a
}

// campaign makes a campaign with leads (first names from the email).
func (a *account) campaign(t testing.TB, s *site, name string, emails ...string) *taskbox.Campaign {
	t.Helper()
	c, err := s.DB.CreateCampaign(a.ctx, &taskbox.CampaignCreate{Name: name})
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	if len(emails) == 0 {
		return c
	}
	up := &taskbox.LeadUpload{CampaignID: c.ID}
	for _, e := range emails {
		local, _, _ := strings.Cut(e, "@")
		first, company := strings.ToUpper(local[:1])+local[1:], "Acme"
		up.Leads = append(up.Leads, taskbox.LeadInput{Email: e, FirstName: &first, CompanyName: &company})
	}
	res, err := s.DB.AddLeads(a.ctx, up)
	if err != nil {
		t.Fatalf("AddLeads: %v", err)
	}
	for _, l := range res.Leads {
		if _, ok := a.maps[l.Email]; !ok {
			a.maps[l.Email] = l.LeadMapID
		}
	}
	return c
}

// task creates a task for the lead with email; due is a due_date or "".
func (a *account) task(t testing.TB, s *site, email, name string, prio taskbox.Priority, due string) *taskbox.Task {
	t.Helper()
	c := &taskbox.TaskCreate{LeadMapID: a.maps[email], Name: name, Priority: prio}
	if due != "" {
		c.DueDate = &due
	}
	task, err := s.DB.CreateTask(a.ctx, c)
	if err != nil {
		t.Fatalf("CreateTask(%q): %v", name, err)
	}
	return task
}

// find reads a task back through the service, as its account.
func (a *account) find(t testing.TB, s *site, id int64) (*taskbox.Task, error) {
	t.Helper()
	return s.DB.FindTaskByID(a.ctx, id)
}

// browserClient is a cookie-keeping HTTP client that does not follow
// redirects, so that tests see each answer.
func browserClient(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// page is an answer read in full.
type page struct {
	Status int
	Header http.Header
	Body   string
}

func do(t testing.TB, c *http.Client, method, u string, form url.Values, header ...string) page {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// signIn signs c in with key and returns the CSRF token of the inbox.
func (s *site) signIn(t testing.TB, c *http.Client, key string) string {
	t.Helper()
	p := do(t, c, "POST", s.URL+"/signin", url.Values{"api_key": {key}, "return": {"/"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("sign-in answered %d:\n%s", p.Status, p.Body)
	}
	return csrfOf(t, do(t, c, "GET", s.URL+"/", nil))
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t testing.TB, p page) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("no CSRF token in the page (status %d):\n%.2000s", p.Status, p.Body)
	}
	return m[1]
}

// sectionOf returns the key of the inbox section that holds the task's row,
// or "" when no section does.
func sectionOf(body string, id int64) string {
	row := `id="task-` + itoa(id) + `"`
	parts := strings.Split(body, `<section class="section" id="section-`)
	for _, p := range parts[1:] {
		if strings.Contains(p, row) {
			key, _, _ := strings.Cut(p, `"`)
			return key
		}
	}
	return ""
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
