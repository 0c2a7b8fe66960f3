package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/mail"
)

func (s *site) mailKey(t testing.TB) []byte {
	t.Helper()
	key, err := s.DB.MailKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// ownerOf is the member the account's key belongs to.
func ownerOf(t testing.TB, s *site, a *account) int64 {
	t.Helper()
	return taskbox.ActorFromContext(a.ctx).MemberID
}

// The settings page: a signed-in member sees and saves its own
// settings, without script; a bad value shows the form again with the
// field's error and saves nothing; a post without the CSRF token is refused.
func TestSettingsPage(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	c := browserClient(t)
	csrf := s.signIn(t, c, a.Key)
	me := ownerOf(t, s, a)
	p := do(t, c, "GET", s.URL+"/settings", nil)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `<option value="8" selected>08:00</option>`) ||
		!strings.Contains(p.Body, `id="day-1" name="digest_days" type="checkbox" value="1" checked`) || strings.Contains(p.Body, `id="day-6" name="digest_days" type="checkbox" value="6" checked`) {
		t.Fatalf("settings page: %d\n%.3000s", p.Status, p.Body)
	}
	good := url.Values{"csrf": {csrf}, "digest": {"daily"}, "digest_hour": {"7"}, "digest_days": {"1", "3", "6"},
		"timezone": {"Asia/Tokyo"}, "work_start": {"08:00"}, "work_end": {"16:00"}, "default_reminders": {"pt15m, P1D"}}
	if p := do(t, c, "POST", s.URL+"/settings", good); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/settings" {
		t.Fatalf("save: %d %.2000s", p.Status, p.Body)
	}
	m, err := s.DB.FindMemberByID(a.ctx, me)
	if err != nil || m.DigestHour != 7 || !slices.Equal(m.DigestDays, []int{1, 3, 6}) || *m.Timezone != "Asia/Tokyo" ||
		m.WorkHours.Start != "08:00" || !slices.Equal(m.DefaultReminders, []string{"PT15M", "P1D"}) || m.Digest != "daily" {
		t.Fatalf("saved = %+v, %v", m, err)
	}
	for field, v := range map[string]url.Values{
		"default_reminders": {"default_reminders": {"soon"}},
		"digest_days":       {"digest_days": nil},
		"work_hours":        {"work_start": {"18:00"}},
		"timezone":          {"timezone": {"Mars/Base"}},
	} {
		form := url.Values{}
		for k, vs := range good {
			form[k] = vs
		}
		for k, vs := range v {
			form[k] = vs
		}
		p := do(t, c, "POST", s.URL+"/settings", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="`+field+`-err"`) {
			t.Errorf("%s: %d\n%.3000s", field, p.Status, p.Body)
		}
	}
	// An unticked digest box turns the digest off.
	off := url.Values{}
	for k, vs := range good {
		off[k] = vs
	}
	off.Del("digest")
	if p := do(t, c, "POST", s.URL+"/settings", off); p.Status != http.StatusSeeOther {
		t.Fatalf("digest off: %d", p.Status)
	}
	if m, _ := s.DB.FindMemberByID(a.ctx, me); m.Digest != "off" || m.DigestHour != 7 {
		t.Fatalf("after the refusals and off: %+v", m)
	}
	noCSRF := url.Values{}
	for k, vs := range good {
		noCSRF[k] = vs
	}
	noCSRF.Del("csrf")
	if p := do(t, c, "POST", s.URL+"/settings", noCSRF); p.Status < 400 {
		t.Fatalf("no CSRF token: %d", p.Status)
	}
	if m, _ := s.DB.FindMemberByID(a.ctx, me); m.Digest != "off" {
		t.Fatal("a post without the CSRF token saved")
	}
	if p := do(t, browserClient(t), "GET", s.URL+"/settings", nil); p.Status != http.StatusUnauthorized {
		t.Fatalf("settings without signing in: %d", p.Status)
	}
}

// An unsubscribe link works without signing in: GET asks (and changes
// nothing, for link scanners), POST turns the digest off; a link whose
// signature does not match is a 404.
func TestUnsubscribeLink(t *testing.T) {
	s := newSite(t, siteOptions{})
	a := s.account(t, "acme", "")
	ana := a.member(t, s, taskbox.NewMember{Name: "Ana", Email: "ana@acme.example"})
	c := browserClient(t)
	link := s.URL + "/unsubscribe/" + mail.UnsubscribeToken(s.mailKey(t), ana.ID)
	p := do(t, c, "GET", link, nil)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "Stop the daily digest?") {
		t.Fatalf("GET: %d %.2000s", p.Status, p.Body)
	}
	if m, _ := s.DB.FindMemberByID(a.ctx, ana.ID); m.Digest != "daily" {
		t.Fatal("a GET unsubscribed")
	}
	if p := do(t, c, "POST", link, url.Values{"List-Unsubscribe": {"One-Click"}}); p.Status != http.StatusOK || !strings.Contains(p.Body, "Daily digest stopped") {
		t.Fatalf("POST: %d %.2000s", p.Status, p.Body)
	}
	if m, _ := s.DB.FindMemberByID(a.ctx, ana.ID); m.Digest != "off" {
		t.Fatal("the POST did not stop the digest")
	}
	forged := s.URL + "/unsubscribe/" + itoa(ownerOf(t, s, a)) + link[strings.LastIndex(link, "."):]
	for _, u := range []string{forged, s.URL + "/unsubscribe/x", s.URL + "/unsubscribe/" + mail.UnsubscribeToken([]byte("another key"), ana.ID)} {
		if p := do(t, c, "POST", u, url.Values{}); p.Status != http.StatusNotFound {
			t.Fatalf("%s: %d", u, p.Status)
		}
	}
}
