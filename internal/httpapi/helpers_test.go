package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/events"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// tbAPI is a real server on a real port over a fresh database of the test
// run's backend (an SQLite file, or PostgreSQL: see package testdb).
type tbAPI struct {
	URL string
	DB  *store.DB
	tdb *testdb.DB // for counting rows behind the API's back
}

// tbAccount is an account and the secret of its first key.
type tbAccount struct {
	ID    int64
	KeyID int64
	Key   string
}

// tbTimestampRE is the form of every server-set time.
var tbTimestampRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// tbNewAPI opens a fresh database in t.TempDir, migrates it and serves the
// real handler with httptest.NewServer on 127.0.0.1.
func tbNewAPI(t testing.TB) *tbAPI {
	t.Helper()
	tdb := testdb.Open(t)
	h := tbHandler(tdb.DB)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &tbAPI{URL: srv.URL, DB: tdb.DB, tdb: tdb}
}

// tbOpenStore opens and migrates a fresh database, closed at cleanup.
func tbOpenStore(t testing.TB) (*store.DB, string) {
	t.Helper()
	tdb := testdb.Open(t)
	return tdb.DB, tdb.DSN
}

// tbHandler is the API as main wires it, logging nowhere.
func tbHandler(db *store.DB) http.Handler {
	s := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, Notes: db, Categories: db, DB: db, Logger: slog.New(slog.DiscardHandler),
		Webhooks: db, LeadReminders: db, Calendar: &events.Calendar{DB: db, BaseURL: tbBaseURL}, Members: db, Owners: db,
		SmartLead: db, Rules: db}
	return s.Handler()
}

// Account creates an account in the given IANA zone ("" is UTC).
func (a *tbAPI) Account(t testing.TB, name, tz string) tbAccount {
	t.Helper()
	acct, key, err := a.DB.CreateAccount(context.Background(), taskbox.NewAccount{Name: name, Timezone: tz})
	if err != nil {
		t.Fatalf("CreateAccount(%q, %q): %v", name, tz, err)
	}
	return tbAccount{ID: acct.ID, KeyID: key.ID, Key: key.Secret}
}

// tbResp is an answer read in full.
type tbResp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r *tbResp) String() string { return fmt.Sprintf("%d %s", r.Status, r.Body) }

// Do sends a request; key, when not empty, goes in the api_key query
// parameter. hdr are header name/value pairs.
func (a *tbAPI) Do(t testing.TB, method, path, key, body string, hdr ...string) *tbResp {
	t.Helper()
	r, err := a.Try(method, path, key, body, hdr...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// Try is Do for goroutines other than the test's: it returns the error.
func (a *tbAPI) Try(method, path, key, body string, hdr ...string) (*tbResp, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.URL+tbWithKey(path, key), rd)
	if err != nil {
		return nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return tbTrySend(req)
}

// tbSend sends req with the default client and reads the whole answer.
func tbSend(t testing.TB, req *http.Request) *tbResp {
	t.Helper()
	r, err := tbTrySend(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return r
}

func tbTrySend(req *http.Request) (*tbResp, error) {
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	r := &tbResp{Status: res.StatusCode, Header: res.Header, Body: b}
	return r, tbCheckOpenAPI(req, r)
}

func tbWithKey(path, key string) string {
	if key == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "api_key=" + url.QueryEscape(key)
}

// Post sends a JSON body.
func (a *tbAPI) Post(t testing.TB, path, key, body string, hdr ...string) *tbResp {
	t.Helper()
	return a.Do(t, http.MethodPost, path, key, body, hdr...)
}

// Get sends a GET.
func (a *tbAPI) Get(t testing.TB, path, key string) *tbResp {
	t.Helper()
	return a.Do(t, http.MethodGet, path, key, "")
}

const tbCreateTaskPath = "/api/v1/master-inbox/create-task"

// CreateTask posts a create-task body and wants 200.
func (a *tbAPI) CreateTask(t testing.TB, key, body string, hdr ...string) (tbTask, *tbResp) {
	t.Helper()
	r := a.Post(t, tbCreateTaskPath, key, body, hdr...)
	return tbWantTask(t, r), r
}

// Campaign creates a campaign and returns its id.
func (a *tbAPI) Campaign(t testing.TB, key, name string) int64 {
	t.Helper()
	r := a.Post(t, "/api/v1/campaigns/create", key, tbJSON(t, map[string]any{"name": name}))
	tbWantStatus(t, r, http.StatusOK)
	var c struct {
		OK bool  `json:"ok"`
		ID int64 `json:"id"`
	}
	tbDecode(t, r.Body, &c)
	if !c.OK || c.ID <= 0 {
		t.Fatalf("create campaign: %s", r)
	}
	return c.ID
}

// tbUpload is the answer to a lead upload.
type tbUpload struct {
	OK                     bool     `json:"ok"`
	UploadCount            int      `json:"upload_count"`
	TotalLeads             int      `json:"total_leads"`
	AlreadyAddedToCampaign int      `json:"already_added_to_campaign"`
	DuplicateCount         int      `json:"duplicate_count"`
	InvalidEmailCount      int      `json:"invalid_email_count"`
	UnsubscribedLeads      []string `json:"unsubscribed_leads"`
	Leads                  []struct {
		Email     string `json:"email"`
		LeadID    int64  `json:"lead_id"`
		LeadMapID int64  `json:"email_lead_map_id"`
	} `json:"leads"`
}

// AddLeads uploads leads with only an email each and wants 200.
func (a *tbAPI) AddLeads(t testing.TB, key string, campaignID int64, emails ...string) tbUpload {
	t.Helper()
	list := make([]map[string]any, len(emails))
	for i, e := range emails {
		list[i] = map[string]any{"email": e}
	}
	r := a.Post(t, fmt.Sprintf("/api/v1/campaigns/%d/leads", campaignID), key, tbJSON(t, map[string]any{"lead_list": list}))
	tbWantStatus(t, r, http.StatusOK)
	var u tbUpload
	tbDecode(t, r.Body, &u)
	return u
}

// LeadMap makes a campaign with one lead and returns the lead map's id.
func (a *tbAPI) LeadMap(t testing.TB, key, email string) int64 {
	t.Helper()
	u := a.AddLeads(t, key, a.Campaign(t, key, "Campaign of "+email), email)
	if len(u.Leads) != 1 || u.Leads[0].LeadMapID <= 0 {
		t.Fatalf("lead upload gave no lead map: %+v", u)
	}
	return u.Leads[0].LeadMapID
}

// Count counts the rows of a table straight from the database.
func (a *tbAPI) Count(t testing.TB, table string) int {
	t.Helper()
	return a.tdb.Count(t, table)
}

// tbTaskBody is a valid create-task body for a lead map with fields
// replaced by raw JSON values; an empty value removes the field.
func tbTaskBody(leadMapID int64, raw map[string]string) string {
	fields := map[string]string{"email_lead_map_id": strconv.FormatInt(leadMapID, 10), "name": `"Follow up"`}
	for k, v := range raw {
		fields[k] = v
	}
	keys := make([]string, 0, len(fields))
	for k, v := range fields {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = strconv.Quote(k) + ":" + fields[k]
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// tbQuote writes s as a JSON string.
func tbQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
