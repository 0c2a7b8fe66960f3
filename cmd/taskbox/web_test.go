package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The binary serves the web inbox beside the API, and a session begun on
// one server is accepted by another server on the same database: the
// cookie's key lives in the database.
func TestWebInboxSessionAcrossServers(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	first := startServer(t, db, "--demo", "--session-idle-timeout", "30m")
	second := startServer(t, db)
	first.expect(t, http.StatusOK, "POST", withKey("/api/v1/master-inbox/create-task", first.Key),
		map[string]any{"email_lead_map_id": 2433664091, "name": "Seen on the web", "due_date": "2001-01-01"})

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm(first.URL+"/signin", url.Values{"api_key": {first.Key}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cookies := res.Cookies()
	if res.StatusCode != http.StatusSeeOther || len(cookies) != 1 || cookies[0].MaxAge != 1800 {
		t.Fatalf("sign-in: %d, cookies %v (want one living 30m)", res.StatusCode, cookies)
	}
	req, _ := http.NewRequest("GET", second.URL+"/", nil)
	req.AddCookie(cookies[0])
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(body)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(page, `id="section-overdue"`) || !strings.Contains(page, "Seen on the web") {
		t.Errorf("the other server's inbox with the session: %d %s\n%.1500s", res.StatusCode, res.Header.Get("Content-Type"), page)
	}
	first.expect(t, http.StatusNotFound, "GET", "/api/v1/no-such-endpoint", nil)
	first.assertNotLogged(t, first.Key)
	second.assertNotLogged(t, first.Key)
}
