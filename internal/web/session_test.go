package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// A session lasts while requests come within the idle timeout; a cookie
// changed on the way, or sealed with another database's key, opens nothing.
func TestSessionIdleTimeoutAndSeal(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	s := &Server{Key: key, IdleTimeout: 10 * time.Minute}
	var err error
	if s.sessions, err = newSealer(key); err != nil {
		t.Fatal(err)
	}
	other, _ := newSealer([]byte("fedcba9876543210fedcba9876543210"))
	now := time.Now()
	sealed := func(sl *sealer, seen time.Duration) string {
		return sl.seal(session{Key: "tbx_k", ID: "id", Seen: now.Add(-seen).Unix()})
	}
	fresh := sealed(s.sessions, 9*time.Minute)
	tampered := []byte(fresh)
	tampered[len(tampered)/2] ^= 1
	cases := []struct {
		name  string
		value string
		ok    bool
	}{
		{"used 9 minutes ago", fresh, true},
		{"idle for 11 minutes", sealed(s.sessions, 11*time.Minute), false},
		{"tampered", string(tampered), false},
		{"another key", sealed(other, time.Minute), false},
		{"garbage", "not-a-session", false},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: c.value})
		if _, ok := s.readSession(r, now); ok != c.ok {
			t.Errorf("%s: open = %v, want %v", c.name, ok, c.ok)
		}
	}
	a, b := session{ID: "one"}, session{ID: "two"}
	if s.sessions.csrfToken(a) == s.sessions.csrfToken(b) || s.sessions.csrfToken(a) != s.sessions.csrfToken(a) {
		t.Error("CSRF tokens are not one per session")
	}
}

// The server-side wording of due times, which the page shows without
// JavaScript (app.js keeps the same rules).
func TestDueLabel(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2025, 12, 15, 14, 0, 0, 0, berlin) // a Monday
	w := taskbox.NewWindow(now, berlin)
	at := func(s string) *taskbox.Due {
		d, err := taskbox.ParseDue(s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	cases := []struct {
		due    *taskbox.Due
		status taskbox.Status
		want   string
	}{
		{nil, taskbox.StatusPending, "No due date"},
		{at("2025-12-13T14:00:00+01:00"), taskbox.StatusPending, "Overdue by 2 days"},
		{at("2025-12-15T11:00:00+01:00"), taskbox.StatusPending, "Overdue by 3 hours"},
		{at("2025-12-15T13:59:00+01:00"), taskbox.StatusPending, "Overdue by 1 minute"},
		{at("2025-12-15T11:00:00+01:00"), taskbox.StatusCompleted, "Today 11:00"},
		{at("2025-12-15T15:00:00+01:00"), taskbox.StatusPending, "Today 15:00"},
		{at("2025-12-16T09:30:00+01:00"), taskbox.StatusPending, "Tomorrow 09:30"},
		{at("2025-12-19T08:00:00Z"), taskbox.StatusPending, "Fri 19 Dec 09:00"},
		{at("2026-01-06T08:00:00Z"), taskbox.StatusPending, "Tue 6 Jan 2026 09:00"},
		{at("2025-12-12"), taskbox.StatusPending, "Overdue by 3 days"},
		{at("2025-12-15"), taskbox.StatusPending, "Today"},
		{at("2025-12-16"), taskbox.StatusPending, "Tomorrow"},
		{at("2025-12-23"), taskbox.StatusPending, "Tue 23 Dec"},
		// Long overdue reads in months and years, and a day is "1 day".
		{at("2025-12-14T14:00:00+01:00"), taskbox.StatusPending, "Overdue by 1 day"},
		{at("2025-12-14T13:00:00+01:00"), taskbox.StatusPending, "Overdue by 1 day"},
		{at("2025-12-14"), taskbox.StatusPending, "Overdue by 1 day"},
		{at("2025-11-14T14:00:00+01:00"), taskbox.StatusPending, "Overdue by 1 month"},
		{at("2025-10-01"), taskbox.StatusPending, "Overdue by 2 months"},
		{at("2019-01-30T14:00:00+01:00"), taskbox.StatusPending, "Overdue by 6 years"},
		{at("2024-12-15"), taskbox.StatusPending, "Overdue by 1 year"},
	}
	for _, c := range cases {
		if got := dueLabel(c.due, c.status, w); got != c.want {
			t.Errorf("dueLabel(%v, %s) = %q, want %q", c.due, c.status, got, c.want)
		}
	}
}

// A due date and time typed in the browser's zone become an instant; a
// date alone is all day; blank clears.
func TestDueInput(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	for _, c := range []struct{ date, clock, want string }{
		{"2025-12-15", "09:00", "2025-12-15T09:00:00+09:00"},
		{"2025-12-15", "", "2025-12-15"},
		{"2025-13-01", "09:00", "2025-13-01T09:00"},
	} {
		if got := dueInput(c.date, c.clock, tokyo); got == nil || *got != c.want {
			t.Errorf("dueInput(%q, %q) = %v, want %q", c.date, c.clock, got, c.want)
		}
	}
	if got := dueInput(" ", "", tokyo); got != nil {
		t.Errorf("blank due = %q, want nil", *got)
	}
}

// downAccounts is an AccountService whose database does not answer.
type downAccounts struct{ taskbox.AccountService }

func (downAccounts) Authenticate(context.Context, string) (*taskbox.Actor, error) {
	return nil, taskbox.Errorf(taskbox.EUNAVAILABLE, "The database is not answering.")
}

// When the key of a session cannot be checked because the database is
// down, the page says so with a 503 and the session stays: the person is
// not sent to sign in again, nor told that the session has ended.
func TestSessionSurvivesAnUnavailableDatabase(t *testing.T) {
	s := &Server{Accounts: downAccounts{}, Key: []byte("0123456789abcdef0123456789abcdef")}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	cookie := &http.Cookie{Name: sessionCookie, Value: s.sessions.seal(session{Key: "tbx_k", ID: "id", Seen: time.Now().Unix()})}
	for _, tc := range []struct{ method, path string }{{"GET", "/"}, {"GET", "/tasks/1"}, {"POST", "/tasks/1/complete"}} {
		r := httptest.NewRequest(tc.method, tc.path, strings.NewReader("csrf=x"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusServiceUnavailable || strings.Contains(w.Body.String(), `name="api_key"`) ||
			w.Header().Get("Set-Cookie") != "" {
			t.Errorf("%s %s: %d, Set-Cookie %q, want 503 and the session kept", tc.method, tc.path, w.Code, w.Header().Get("Set-Cookie"))
		}
	}
}
