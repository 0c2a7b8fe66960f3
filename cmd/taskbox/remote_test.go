package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// remoteEnv is the environment of a remote command against s, with a
// config directory of the test's own (so no developer's login leaks in).
func remoteEnv(t *testing.T, s *server, extra ...string) []string {
	return append([]string{"TASKBOX_URL=" + s.URL, "TASKBOX_API_KEY=" + s.Key, "XDG_CONFIG_HOME=" + t.TempDir(), "HOME=" + t.TempDir()}, extra...)
}

// runJSON runs a command that must succeed and decodes its --json output.
func runJSON(t *testing.T, env []string, out any, args ...string) {
	t.Helper()
	res := runCLI(t, env, append(args, "--json")...)
	if res.Code != 0 {
		t.Fatalf("taskbox %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.Code, res.Stdout, res.Stderr)
	}
	if err := json.Unmarshal([]byte(res.Stdout), out); err != nil {
		t.Fatalf("taskbox %s --json printed no JSON: %v\n%s", strings.Join(args, " "), err, res.Stdout)
	}
}

// expectCode runs a command and fails unless it exits with code and its
// stderr says want.
func expectCode(t *testing.T, env []string, code int, want string, args ...string) cliResult {
	t.Helper()
	res := runCLI(t, env, args...)
	if res.Code != code || !strings.Contains(res.Stderr, want) {
		t.Errorf("taskbox %s: exit %d, stderr %q; want exit %d saying %q", strings.Join(args, " "), res.Code, res.Stderr, code, want)
	}
	return res
}

type cliTask struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Priority  string `json:"priority"`
	DueDate   any    `json:"due_date"`
	LeadMapID int64  `json:"email_lead_map_id"`
}

// The remote commands as a user runs them: tables by default, JSON with
// --json, the whole task lifecycle, campaigns and leads.
func TestRemoteCommands(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)

	var camps []struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	runJSON(t, env, &camps, "campaigns", "create", "--name", "Q4 outreach")
	if len(camps) != 1 || camps[0].ID <= 0 || camps[0].Name != "Q4 outreach" || camps[0].Status != "DRAFTED" {
		t.Fatalf("campaigns create --json: %+v", camps)
	}
	camp := strconv.FormatInt(camps[0].ID, 10)
	var added struct {
		UploadCount int `json:"upload_count"`
		Leads       []struct {
			LeadID    int64 `json:"lead_id"`
			LeadMapID int64 `json:"email_lead_map_id"`
		} `json:"leads"`
	}
	runJSON(t, env, &added, "leads", "add", "--campaign", camp, "ada@example.com", "--first-name", "Ada", "--company-name", "Analytical", "--field", "tier=gold")
	if added.UploadCount != 1 || len(added.Leads) != 1 {
		t.Fatalf("leads add --json: %+v", added)
	}
	res := mustRunCLIEnv(t, env, "leads", "add", "--campaign", camp, "grace@example.com")
	if !strings.Contains(res.Stdout, "Added grace@example.com") {
		t.Errorf("leads add printed %q", res.Stdout)
	}
	res = mustRunCLIEnv(t, env, "campaigns", "list")
	if !strings.Contains(res.Stdout, "ID") || !strings.Contains(res.Stdout, "Q4 outreach") {
		t.Errorf("campaigns list table:\n%s", res.Stdout)
	}
	res = mustRunCLIEnv(t, env, "leads", "list", "--campaign", camp)
	for _, want := range []string{"LEAD MAP", "ada@example.com", "Ada", "Analytical", "grace@example.com", strconv.FormatInt(added.Leads[0].LeadMapID, 10)} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("leads list table lacks %q:\n%s", want, res.Stdout)
		}
	}
	var lead struct {
		Email string `json:"email"`
		Data  []struct {
			CampaignLeadMapID int64 `json:"campaign_lead_map_id"`
		} `json:"lead_campaign_data"`
	}
	runJSON(t, env, &lead, "leads", "find", "ADA@example.com")
	if lead.Email != "ada@example.com" || len(lead.Data) != 1 || lead.Data[0].CampaignLeadMapID != added.Leads[0].LeadMapID {
		t.Fatalf("leads find --json: %+v", lead)
	}

	var task cliTask
	runJSON(t, env, &task, "tasks", "create", "--email", "ada@example.com", "--name", "Send pricing", "--priority", "HIGH", "--due", "2025-12-15T11:00:00+02:00")
	if task.ID <= 0 || task.Priority != "HIGH" || task.DueDate != "2025-12-15T09:00:00Z" || task.LeadMapID != added.Leads[0].LeadMapID {
		t.Fatalf("tasks create --json: %+v", task)
	}
	id := strconv.FormatInt(task.ID, 10)
	runJSON(t, env, &task, "tasks", "create", "--lead-map", strconv.FormatInt(added.Leads[0].LeadMapID, 10), "--name", "Second")
	res = mustRunCLIEnv(t, env, "tasks", "list")
	for _, want := range []string{"ID", "PRIORITY", "DUE", "Send pricing", "2025-12-15T09:00:00Z", "ada@example.com", "Q4 outreach", "Second"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("tasks list table lacks %q:\n%s", want, res.Stdout)
		}
	}
	var page struct {
		Data       []cliTask `json:"data"`
		NextCursor *string   `json:"next_cursor"`
	}
	runJSON(t, env, &page, "tasks", "list", "--limit", "1")
	if len(page.Data) != 1 || page.NextCursor == nil {
		t.Fatalf("tasks list --limit 1 --json: %+v", page)
	}
	runJSON(t, env, &page, "tasks", "list", "--limit", "1", "--all")
	if len(page.Data) != 2 {
		t.Fatalf("tasks list --all --json: %d tasks, want 2", len(page.Data))
	}
	runJSON(t, env, &page, "tasks", "list", "--priority", "HIGH", "--search", "pricing")
	if len(page.Data) != 1 || page.Data[0].ID != task.ID-1 && page.Data[0].Name != "Send pricing" {
		t.Fatalf("tasks list --priority HIGH --search pricing: %+v", page.Data)
	}

	res = mustRunCLIEnv(t, env, "tasks", "show", id)
	if !strings.Contains(res.Stdout, "Send pricing") || !strings.Contains(res.Stdout, "Status:") {
		t.Errorf("tasks show:\n%s", res.Stdout)
	}
	runJSON(t, env, &task, "tasks", "update", id, "--name", "Call Ada", "--clear-due", "--priority", "LOW")
	if task.Name != "Call Ada" || task.DueDate != nil || task.Priority != "LOW" {
		t.Fatalf("tasks update --json: %+v", task)
	}
	runJSON(t, env, &task, "tasks", "complete", id)
	if task.Status != "completed" {
		t.Fatalf("tasks complete: %+v", task)
	}
	runJSON(t, env, &task, "tasks", "reopen", id)
	if task.Status != "pending" {
		t.Fatalf("tasks reopen: %+v", task)
	}
	var events []struct {
		Type string `json:"type"`
	}
	runJSON(t, env, &events, "tasks", "show", id, "--events")
	if len(events) != 4 || events[0].Type != "created" || events[3].Type != "reopened" {
		t.Fatalf("tasks show --events: %+v", events)
	}
	res = mustRunCLIEnv(t, env, "tasks", "delete", id)
	if !strings.Contains(res.Stdout, "Deleted task "+id) {
		t.Errorf("tasks delete printed %q", res.Stdout)
	}
	expectCode(t, env, exitNotFound, "Task not found", "tasks", "show", id)
	s.assertNotLogged(t, s.Key)
}

func mustRunCLIEnv(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	res := runCLI(t, env, args...)
	if res.Code != 0 {
		t.Fatalf("taskbox %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.Code, res.Stdout, res.Stderr)
	}
	return res
}

// Exit codes tell usage errors, not-found, refusals and server failures apart.
func TestRemoteExitCodes(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	expectCode(t, env, exitUsage, "unknown flag", "tasks", "list", "--bogus")
	expectCode(t, env, exitUsage, "unknown command", "tasks", "frobnicate")
	expectCode(t, env, exitUsage, "accepts 1 arg", "tasks", "show")
	expectCode(t, env, exitUsage, "not a task id", "tasks", "show", "abc")
	expectCode(t, env, exitUsage, "required flag", "tasks", "create", "--lead-map", "1")
	expectCode(t, env, exitUsage, "nothing to change", "tasks", "update", "1")
	expectCode(t, env, exitUsage, "none of the others can be", "tasks", "update", "1", "--due", "2025-12-15", "--clear-due")
	expectCode(t, []string{"XDG_CONFIG_HOME=" + t.TempDir()}, exitUsage, "no server", "campaigns", "list")
	expectCode(t, []string{"TASKBOX_URL=" + s.URL, "XDG_CONFIG_HOME=" + t.TempDir()}, exitUsage, "no API key", "campaigns", "list")
	expectCode(t, env, exitNotFound, "Task not found", "tasks", "complete", "424242")
	expectCode(t, env, exitNotFound, "Campaign not found", "leads", "list", "--campaign", "424242")
	expectCode(t, env, exitNotFound, "Lead not found", "leads", "find", "nobody@example.com")
	res := expectCode(t, env, exitRefused, "priority: must be one of LOW, MEDIUM, HIGH", "tasks", "create", "--lead-map", "1", "--name", " ", "--priority", "URGENT")
	if !strings.Contains(res.Stderr, "name: must not be blank") {
		t.Errorf("422 does not list every field: %s", res.Stderr)
	}
	expectCode(t, remoteEnv(t, s, "TASKBOX_API_KEY=tbx_wrong"), exitRefused, "Invalid API Key", "campaigns", "list")
	expectCode(t, remoteEnv(t, s, "TASKBOX_URL=http://127.0.0.1:1"), exitServer, "could not be reached", "campaigns", "list")
	expectCode(t, env, exitFailure, "no such file", "import", "tasks", filepath.Join(t.TempDir(), "missing.csv"))
}

// login checks the key, writes the config with mode 0600, and the remote
// commands take the server and key from a flag over the environment over
// that file.
func TestLoginAndPrecedence(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	cfgHome := t.TempDir()
	base := []string{"XDG_CONFIG_HOME=" + cfgHome, "HOME=" + t.TempDir()}
	path := filepath.Join(cfgHome, "taskbox", "config.json")

	expectCode(t, base, exitRefused, "Invalid API Key", "login", "--server", s.URL, "--api-key", "tbx_wrong")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a refused login wrote %s (%v)", path, err)
	}
	res := mustRunCLIEnv(t, base, "login", "--server", s.URL, "--api-key", s.Key)
	if !strings.Contains(res.Stdout, path) {
		t.Errorf("login printed %q, want the config path %s", res.Stdout, path)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config %s: %v, mode %v; want 0600", path, err, st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	var cfg map[string]string
	if json.Unmarshal(b, &cfg) != nil || cfg["server"] != s.URL || cfg["api_key"] != s.Key {
		t.Fatalf("config holds %s", b)
	}

	mustRunCLIEnv(t, base, "campaigns", "list") // from the config alone
	wrongKey := append(base[:2:2], "TASKBOX_API_KEY=tbx_wrong")
	expectCode(t, wrongKey, exitRefused, "Invalid API Key", "campaigns", "list") // env over config
	mustRunCLIEnv(t, wrongKey, "campaigns", "list", "--api-key", s.Key)          // flag over env
	deadURL := append(base[:2:2], "TASKBOX_URL=http://127.0.0.1:1")
	expectCode(t, deadURL, exitServer, "could not be reached", "campaigns", "list") // env over config
	mustRunCLIEnv(t, deadURL, "campaigns", "list", "--server", s.URL)               // flag over env

	// The key is read from standard input when no flag or variable gives it.
	other := t.TempDir()
	res = runCLIStdin(t, []string{"XDG_CONFIG_HOME=" + other}, s.Key+"\n", "login", "--server", s.URL)
	if res.Code != 0 {
		t.Fatalf("login with the key on stdin: exit %d: %s", res.Code, res.Stderr)
	}
	s.assertNotLogged(t, s.Key)
}

// Shell completion is there and complete.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		res := mustRunCLI(t, "completion", shell)
		if !strings.Contains(res.Stdout, "taskbox") {
			t.Errorf("completion %s printed no script", shell)
		}
	}
	res := mustRunCLI(t, "__complete", "tasks", "")
	for _, sub := range []string{"create", "list", "show", "update", "complete", "reopen", "delete"} {
		if !strings.Contains(res.Stdout, sub) {
			t.Errorf("completion of \"tasks \" lacks %s:\n%s", sub, res.Stdout)
		}
	}
}

// runCLIStdin is runCLI with stdin.
func runCLIStdin(t *testing.T, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(taskboxBinary(t), args...)
	cmd.Dir = t.TempDir()
	cmd.Env = environ(env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return res
}

// cutOffProxy stands between the CLI and s: a request matching cut (by
// method and path) is run by the server, and its 2xx answer reaches the
// CLI cut off mid-body, as when a proxy or the network drops the
// connection; every other request passes through.
func cutOffProxy(t *testing.T, s *server, cut func(r *http.Request) bool) (url string, cuts *atomic.Int32) {
	t.Helper()
	target, err := neturl.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	cuts = &atomic.Int32{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cut(r) {
			proxy.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r)
		if rec.Code < 200 || rec.Code > 299 {
			t.Errorf("%s %s through the proxy: %d %s", r.Method, r.URL.Path, rec.Code, rec.Body)
		}
		cuts.Add(1)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body[:len(body)/2])
	}))
	t.Cleanup(srv.Close)
	return srv.URL, cuts
}

// A 2xx answer cut off mid-body is a failure on the server's side: exit 5
// with a sentence that says so. A call that is not sent again (complete)
// says that the server did carry it out; a read is retried and exits 5
// once every attempt was cut off.
func TestRemoteCutOffAnswer(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	var camps []struct {
		ID int64 `json:"id"`
	}
	runJSON(t, env, &camps, "campaigns", "create", "--name", "Cut")
	var lead struct {
		Leads []struct {
			LeadMapID int64 `json:"email_lead_map_id"`
		} `json:"leads"`
	}
	runJSON(t, env, &lead, "leads", "add", "--campaign", strconv.FormatInt(camps[0].ID, 10), "cut@example.com")
	var task cliTask
	runJSON(t, env, &task, "tasks", "create", "--lead-map", strconv.FormatInt(lead.Leads[0].LeadMapID, 10), "--name", "Call back")
	id := strconv.FormatInt(task.ID, 10)

	url, cuts := cutOffProxy(t, s, func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/complete") || r.URL.Path == "/api/v1/campaigns"
	})
	proxied := remoteEnv(t, s, "TASKBOX_URL="+url)
	for _, args := range [][]string{{"tasks", "complete", id}, {"tasks", "complete", id, "--json"}} {
		cuts.Store(0)
		res := runCLI(t, proxied, args...)
		want := "taskbox: The server's answer (200 OK) was cut off: unexpected EOF. The server carried the request out; check its result before sending it again.\n"
		if res.Code != exitServer || res.Stderr != want || res.Stdout != "" {
			t.Errorf("taskbox %s through a cut-off answer: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, stderr %q",
				strings.Join(args, " "), res.Code, res.Stdout, res.Stderr, exitServer, want)
		}
		if n := cuts.Load(); n != 1 {
			t.Errorf("taskbox %s sent the request %d times, want once", strings.Join(args, " "), n)
		}
	}
	runJSON(t, env, &task, "tasks", "show", id)
	if task.Status != "completed" {
		t.Errorf("after the cut-off complete the task is %s, want completed", task.Status)
	}

	cuts.Store(0)
	res := runCLI(t, proxied, "campaigns", "list")
	want := "taskbox: The server's answer (200 OK) was cut off: unexpected EOF.\n"
	if res.Code != exitServer || res.Stderr != want || res.Stdout != "" {
		t.Errorf("campaigns list through cut-off answers: exit %d\nstdout: %q\nstderr: %q\nwant exit %d, stderr %q",
			res.Code, res.Stdout, res.Stderr, exitServer, want)
	}
	if n := cuts.Load(); n != 4 {
		t.Errorf("campaigns list was tried %d times, want 4", n)
	}
}

// Text stored by anyone with a key reaches the terminal escaped: a task,
// lead or campaign whose name holds escape sequences or other control
// characters is shown with visible escapes (\x1b) in every table and
// "name: value" output, so it can neither command the terminal nor break
// the layout, while --json prints it exactly as stored.
func TestRemoteOutputEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	s := startServer(t, db)
	env := remoteEnv(t, s)
	const (
		campName = "Q4\x1b[31m red\u009b2J"
		first    = "Ann\x07"
		company  = "Acme\tTabs\nInc"
		taskName = "Call\x1b]0;pwned\x07 back"
		desc     = "line one\nline two\x1b[2J\x1b[H"
		keyName  = "ci\x1b[8m hidden"
	)
	var camps []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	runJSON(t, env, &camps, "campaigns", "create", "--name", campName)
	if camps[0].Name != campName {
		t.Fatalf("campaigns create --json: name %q, want %q as stored", camps[0].Name, campName)
	}
	camp := strconv.FormatInt(camps[0].ID, 10)
	var added struct {
		Leads []struct {
			LeadMapID int64 `json:"email_lead_map_id"`
		} `json:"leads"`
	}
	runJSON(t, env, &added, "leads", "add", "--campaign", camp, "ann@example.com", "--first-name", first, "--company-name", company)
	var task struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		Description string `json:"description"`
	}
	runJSON(t, env, &task, "tasks", "create", "--lead-map", strconv.FormatInt(added.Leads[0].LeadMapID, 10), "--name", taskName, "--description", desc)
	if task.Name != taskName || task.Description != desc {
		t.Fatalf("tasks create --json: %+v, want the name and description as stored", task)
	}
	id := strconv.FormatInt(task.ID, 10)
	mustRunCLIEnv(t, env, "tasks", "update", id, "--name", taskName+"!")
	mustRunCLI(t, "keys", "create", "--account", "1", "--name", keyName, "--db", db)

	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"tasks", "list"}, []string{`Call\x1b]0;pwned\x07 back!`, `Q4\x1b[31m red\u009b2J`}},
		{[]string{"tasks", "show", id}, []string{`Call\x1b]0;pwned\x07 back!`, `line one\nline two\x1b[2J\x1b[H`, `Q4\x1b[31m red\u009b2J`}},
		{[]string{"tasks", "show", id, "--events"}, []string{`Call\x1b]0;pwned\x07 back → Call\x1b]0;pwned\x07 back!`}},
		{[]string{"campaigns", "list"}, []string{`Q4\x1b[31m red\u009b2J`}},
		{[]string{"campaigns", "show", camp}, []string{`Q4\x1b[31m red\u009b2J`}},
		{[]string{"leads", "list", "--campaign", camp}, []string{`Ann\x07`, `Acme\tTabs\nInc`}},
		{[]string{"leads", "find", "ann@example.com"}, []string{`(Ann\x07, Acme\tTabs\nInc)`, `Q4\x1b[31m red\u009b2J`}},
		{[]string{"keys", "list", "--account", "1", "--db", db}, []string{`ci\x1b[8m hidden`}},
	} {
		res := mustRunCLIEnv(t, env, c.args...)
		for _, want := range c.want {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("taskbox %s does not show %s:\n%s", strings.Join(c.args, " "), want, res.Stdout)
			}
		}
		if i := strings.IndexFunc(res.Stdout, func(r rune) bool { return r != '\n' && needsEscape(r) }); i >= 0 {
			t.Errorf("taskbox %s printed the control character %q:\n%q", strings.Join(c.args, " "), []rune(res.Stdout[i:])[0], res.Stdout)
		}
	}

	res := mustRunCLIEnv(t, env, "tasks", "show", id, "--json")
	var shown struct {
		Name, Description string
		Lead              struct {
			FirstName   string `json:"first_name"`
			CompanyName string `json:"company_name"`
		}
		Campaign struct{ Name string }
	}
	if err := json.Unmarshal([]byte(res.Stdout), &shown); err != nil {
		t.Fatalf("tasks show --json: %v\n%s", err, res.Stdout)
	}
	if shown.Name != taskName+"!" || shown.Description != desc || shown.Lead.FirstName != first || shown.Lead.CompanyName != company || shown.Campaign.Name != campName {
		t.Errorf("tasks show --json did not print the text as stored: %+v", shown)
	}
	if !strings.Contains(res.Stdout, "\u009b") {
		t.Errorf("tasks show --json escaped the campaign's C1 character, which JSON carries as it is:\n%q", res.Stdout)
	}
}
