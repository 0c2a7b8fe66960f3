package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
	_ "modernc.org/sqlite" // to check a backup's integrity from outside
)

// sourceRequest is the body of the source document's curl, byte for byte.
const sourceRequest = `{
    "email_lead_map_id": 2433664091,
    "name": "Follow up on enterprise proposal",
    "description": "Send pricing breakdown for 50-seat plan",
    "priority": "HIGH",
    "due_date": "2025-12-15T09:00:00Z"
  }`

const createTaskPath = "/api/v1/master-inbox/create-task"

var millisRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// freshDB is a new SQLite file, for the tests of what only SQLite has
// (files, backups).
func freshDB(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "taskbox.db")
}

// backendDB is a new, empty database on the backend of the test run: an
// SQLite file, or a PostgreSQL database when TASKBOX_TEST_POSTGRES is set.
func backendDB(t *testing.T) string {
	t.Helper()
	return testdb.NewDSN(t)
}

// A first start with --demo prints a key once, and the source document's
// request, sent as written with that key, answers 200 with its fields echoed.
// A second start on the same database prints no key and keeps the old one.
func TestServeDemoAnswersTheSourceDocumentsRequest(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	s := startServer(t, db, "--demo")
	if s.Key == "" {
		t.Fatalf("first start printed no API key:\n%s", s.stdout)
	}
	for _, want := range []string{`Created account "default"`, `"Demo outreach"`, "2433664091", "taskbox " + testVersion + " listening on http://127.0.0.1:"} {
		if !strings.Contains(s.stdout.String(), want) {
			t.Errorf("first start's stdout lacks %q:\n%s", want, s.stdout)
		}
	}
	if n := strings.Count(s.stdout.String(), s.Key); n != 1 {
		t.Errorf("the key is printed %d times, want once", n)
	}

	s.expect(t, http.StatusOK, "GET", "/healthz", nil)
	s.expect(t, http.StatusOK, "GET", "/readyz", nil)

	r := s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
	data := field(t, r.JSON(t), "data")
	if ok := field(t, r.JSON(t), "ok"); ok != true {
		t.Errorf("ok = %v, want true", ok)
	}
	if got := intField(t, data, "email_lead_map_id"); got != 2433664091 {
		t.Errorf("email_lead_map_id = %d", got)
	}
	for k, want := range map[string]string{
		"name":        "Follow up on enterprise proposal",
		"description": "Send pricing breakdown for 50-seat plan",
		"priority":    "HIGH",
		"due_date":    "2025-12-15T09:00:00Z",
	} {
		if got := field(t, data, k); got != want {
			t.Errorf("%s = %v, want %q", k, got, want)
		}
	}
	id := intField(t, data, "id")
	if id <= 0 {
		t.Errorf("id = %d, want a positive integer", id)
	}
	if ca, _ := field(t, data, "created_at").(string); !millisRE.MatchString(ca) {
		t.Errorf("created_at = %q, want UTC with milliseconds", ca)
	}
	wantOrder := []string{"id", "email_lead_map_id", "name", "description", "priority", "due_date", "created_at"}
	if got := dataKeys(t, r.Body); len(got) < len(wantOrder) || strings.Join(got[:len(wantOrder)], ",") != strings.Join(wantOrder, ",") {
		t.Errorf("data's keys are %v, want the source document's seven first: %v", got, wantOrder)
	}

	// The same task, read back with the key as a Bearer token.
	g := s.expect(t, http.StatusOK, "GET", fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), nil, "Authorization", "Bearer "+s.Key)
	if got := field(t, g.JSON(t), "data", "name"); got != "Follow up on enterprise proposal" {
		t.Errorf("GET task: name = %v", got)
	}
	// Without a key: 401 in the error envelope.
	u := s.expect(t, http.StatusUnauthorized, "POST", createTaskPath, sourceRequest)
	if code := field(t, u.JSON(t), "error", "code"); code != "UNAUTHORIZED" {
		t.Errorf("no key: error.code = %v", code)
	}

	code, took := s.stop(t, syscall.SIGTERM)
	if code != 0 || took > 10*time.Second {
		t.Fatalf("SIGTERM: exit %d after %v, want 0 promptly", code, took)
	}
	s.assertNotLogged(t, s.Key)

	// Second start on the same database, with --demo again.
	s2 := startServer(t, db, "--demo")
	if s2.Key != "" || strings.Contains(s2.stdout.String(), "Created account") || strings.Contains(s2.stdout.String(), "tbx_") {
		t.Errorf("a second start printed a new key:\n%s", s2.stdout)
	}
	c := s2.expect(t, http.StatusOK, "GET", withKey("/api/v1/campaigns", s.Key), nil)
	var campaigns []map[string]any
	if err := json.Unmarshal(c.Body, &campaigns); err != nil || len(campaigns) != 1 || campaigns[0]["name"] != "Demo outreach" {
		t.Errorf("after a second --demo start, campaigns = %s (err %v), want the one demo campaign", c.Body, err)
	}
	s2.expect(t, http.StatusOK, "GET", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), s.Key), nil)

	code, took = s2.stop(t, syscall.SIGINT)
	if code != 0 || took > 10*time.Second {
		t.Fatalf("SIGINT: exit %d after %v, want 0 promptly", code, took)
	}
}

// dataKeys returns the keys of the "data" object of a JSON body, in order.
func dataKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(env.Data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("data is not an object: %s", env.Data)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// Accounts and keys are managed with the CLI while the server runs, and the
// server sees every change at once: a new account's key works, its time zone
// applies, a new key works, a revoked one gets 401 within a second (the
// server trusts a key it read for keyCacheTTL).
func TestAccountsAndKeysWhileServing(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	s := startServer(t, db)

	acct := createAccountJSON(t, db, "Acme Sales", "Europe/Berlin")
	accountID := intField(t, acct, "account_id")
	acmeKey, _ := field(t, acct, "api_key").(string)
	if accountID <= 0 || field(t, acct, "name") != "Acme Sales" || !keyRE.MatchString(acmeKey) {
		t.Fatalf("accounts create --json = %v", acct)
	}

	// The new account works over HTTP: a campaign, a lead, a task whose
	// offset-less due date is read in the account's zone (Berlin, UTC+1).
	cr := s.expect(t, http.StatusOK, "POST", withKey("/api/v1/campaigns/create", acmeKey), map[string]any{"name": "Q4 outreach"})
	campaignID := intField(t, cr.JSON(t), "id")
	lr := s.expect(t, http.StatusOK, "POST", withKey(fmt.Sprintf("/api/v1/campaigns/%d/leads", campaignID), acmeKey),
		map[string]any{"lead_list": []any{map[string]any{"email": "ann@example.com", "first_name": "Ann"}}})
	mapID := intField(t, lr.JSON(t), "leads", 0, "email_lead_map_id")
	tr := s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, acmeKey),
		map[string]any{"email_lead_map_id": mapID, "name": "Call Ann", "due_date": "2025-12-15T09:00:00"})
	if due := field(t, tr.JSON(t), "data", "due_date"); due != "2025-12-15T08:00:00Z" {
		t.Errorf("due_date without offset in Europe/Berlin = %v, want 2025-12-15T08:00:00Z", due)
	}
	// The default account cannot see it.
	s.expect(t, http.StatusNotFound, "GET", withKey(fmt.Sprintf("/api/v1/campaigns/%d", campaignID), s.Key), nil)

	res := mustRunCLI(t, "keys", "create", "--account", fmt.Sprint(accountID), "--name", "ci", "--json", "--db", db)
	key := oneJSONLine(t, res.Stdout)
	keyID := intField(t, key, "key_id")
	ciKey, _ := field(t, key, "api_key").(string)
	if keyID <= 0 || intField(t, key, "account_id") != accountID || field(t, key, "name") != "ci" || !keyRE.MatchString(ciKey) {
		t.Fatalf("keys create --json = %v", key)
	}
	list := s.expect(t, http.StatusOK, "GET", withKey("/api/v1/campaigns", ciKey), nil)
	if !strings.Contains(string(list.Body), "Q4 outreach") {
		t.Errorf("the new key does not see its account's campaign: %s", list.Body)
	}

	res = mustRunCLI(t, "keys", "list", "--account", fmt.Sprint(accountID), "--db", db)
	for _, want := range []string{"ci", "default", acmeKey[:12], ciKey[:12]} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("keys list lacks %q:\n%s", want, res.Stdout)
		}
	}
	for _, secret := range []string{acmeKey, ciKey} {
		if strings.Contains(res.Stdout, secret[:20]) {
			t.Errorf("keys list shows more of a key than its prefix:\n%s", res.Stdout)
		}
	}

	res = mustRunCLI(t, "keys", "list", "--account", fmt.Sprint(accountID), "--json", "--db", db)
	keys, _ := field(t, oneJSONLine(t, res.Stdout), "keys").([]any)
	if len(keys) != 2 || field(t, keys, 1, "prefix") != ciKey[:12] {
		t.Errorf("keys list --json = %s, want both keys with their prefixes", res.Stdout)
	}
	for _, secret := range []string{acmeKey, ciKey} {
		if strings.Contains(res.Stdout, secret[:20]) {
			t.Errorf("keys list --json shows more of a key than its prefix:\n%s", res.Stdout)
		}
	}

	// The server uses the key right up to the revocation, so that it is in
	// its cache.
	s.expect(t, http.StatusOK, "GET", withKey("/api/v1/campaigns", ciKey), nil)
	mustRunCLI(t, "keys", "revoke", fmt.Sprint(keyID), "--db", db)
	waitRevoked(t, s, ciKey, time.Second)
	for _, r := range []response{
		s.request(t, "GET", withKey("/api/v1/campaigns", ciKey), nil),
		s.request(t, "GET", "/api/v1/campaigns", nil, "Authorization", "Bearer "+ciKey),
	} {
		if r.Status != http.StatusUnauthorized || field(t, r.JSON(t), "error", "code") != "UNAUTHORIZED" ||
			field(t, r.JSON(t), "message") != "Invalid API Key" {
			t.Errorf("a revoked key: status %d %s, want 401 Invalid API Key", r.Status, r.Body)
		}
	}
	s.expect(t, http.StatusOK, "GET", withKey("/api/v1/campaigns", acmeKey), nil)

	res = mustRunCLI(t, "keys", "list", "--account", fmt.Sprint(accountID), "--db", db)
	if line := lineStarting(res.Stdout, fmt.Sprint(keyID)); line == "" || strings.HasSuffix(strings.TrimSpace(line), "-") {
		t.Errorf("keys list does not show key %d as revoked:\n%s", keyID, res.Stdout)
	}

	s.stopCleanly(t)
	s.assertNotLogged(t, s.Key, acmeKey, ciKey)
}

// waitRevoked asks with key until the server answers 401, and fails unless
// that happens within limit of the call.
func waitRevoked(t *testing.T, s *server, key string, limit time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		r := s.request(t, "GET", withKey("/api/v1/campaigns", key), nil)
		if r.Status == http.StatusUnauthorized {
			t.Logf("revoked key refused after %s", time.Since(start).Round(time.Millisecond))
			return
		}
		if r.Status != http.StatusOK {
			t.Fatalf("a key being revoked: status %d %s, want 200 or 401", r.Status, r.Body)
		}
		if time.Since(start) > limit {
			t.Fatalf("a key revoked by another process still works %s later", time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// createAccountJSON runs `accounts create --json` and returns its one object.
func createAccountJSON(t *testing.T, db, name, tz string) map[string]any {
	t.Helper()
	res := mustRunCLI(t, "accounts", "create", "--name", name, "--timezone", tz, "--json", "--db", db)
	if res.Stderr != "" {
		t.Errorf("accounts create wrote to stderr: %s", res.Stderr)
	}
	return oneJSONLine(t, res.Stdout)
}

// oneJSONLine decodes output that must be exactly one JSON object on one line.
func oneJSONLine(t *testing.T, out string) map[string]any {
	t.Helper()
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
		t.Fatalf("want one line of JSON, got %q", out)
	}
	var v map[string]any
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not a JSON object: %v: %q", err, out)
	}
	return v
}

// lineStarting returns the first line whose first column is col.
func lineStarting(out, col string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == col {
			return line
		}
	}
	return ""
}

// backup copies the database while the server runs and writes go on; the
// copy is a sound SQLite file that a server started on it answers from.
// migrate runs beside a serving server too.
func TestBackupAndMigrateWhileServing(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	s := startServer(t, db, "--demo")
	r := s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
	id := intField(t, r.JSON(t), "data", "id")

	// Keep writing while the copy is taken.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			// Not s.request: it may call t.Fatal, which only the test's own goroutine may.
			body := fmt.Sprintf(`{"email_lead_map_id": 2433664091, "name": "write %d"}`, i)
			resp, err := httpClient.Post(s.URL+withKey(createTaskPath, s.Key), "application/json", strings.NewReader(body))
			if err != nil {
				t.Errorf("create-task during backup: %v", err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("create-task during backup: status %d", resp.StatusCode)
				return
			}
		}
	}()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	res := runCLI(t, nil, "backup", "--to", copyPath, "--db", db)
	close(stop)
	wg.Wait()
	if res.Code != 0 || !strings.Contains(res.Stdout, "backup written to") {
		t.Fatalf("backup: exit %d\nstdout: %s\nstderr: %s", res.Code, res.Stdout, res.Stderr)
	}

	if res := runCLI(t, nil, "backup", "--to", copyPath, "--db", db); res.Code == 0 || !strings.Contains(res.Stderr, "exists") {
		t.Errorf("backup onto an existing file: exit %d, stderr %q; want an error saying it exists", res.Code, res.Stderr)
	}
	if res := mustRunCLI(t, "migrate", "--db", db); !strings.Contains(res.Stdout, "migrations applied") {
		t.Errorf("migrate while serving printed %q", res.Stdout)
	}
	s.expect(t, http.StatusOK, "GET", "/readyz", nil)
	s.stopCleanly(t)

	checkIntegrity(t, copyPath)
	c := startServer(t, copyPath)
	if c.Key != "" {
		t.Errorf("a server on the copy printed a new key: the copy lost its accounts")
	}
	g := c.expect(t, http.StatusOK, "GET", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), s.Key), nil)
	if name := field(t, g.JSON(t), "data", "name"); name != "Follow up on enterprise proposal" {
		t.Errorf("the copy's task: name = %v", name)
	}
	c.stopCleanly(t)
}

// checkIntegrity opens an SQLite file and runs its integrity check.
func checkIntegrity(t *testing.T, path string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var result string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
		t.Fatalf("integrity_check of %s: %q, %v", path, result, err)
	}
}

// SIGTERM lets a request in flight finish: the server stops accepting, the
// request that had started gets its 200, and then the process exits 0.
func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t), "--demo")
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email_lead_map_id": 2433664091, "name": "Sent across a shutdown"}`
	// With Expect: 100-continue the server answers "100 Continue" when the
	// handler first reads the body: then the request is in flight.
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
		withKey(createTaskPath, s.Key), s.Addr, len(body))
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	answers := bufio.NewReader(conn)
	if cont, err := http.ReadResponse(answers, nil); err != nil || cont.StatusCode != http.StatusContinue {
		t.Fatalf("the request's head: %v, %v; want 100 Continue", cont, err)
	}

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	s.waitStderr(t, "shutting down")
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err != nil {
			break // new connections are refused
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections 5s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !s.running() {
		t.Fatal("the server exited with a request in flight")
	}

	if _, err := conn.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(answers, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the request in flight: status %d, want 200", resp.StatusCode)
	}
	select {
	case <-s.exited:
		if s.code != 0 {
			t.Errorf("exit %d after a graceful shutdown, want 0", s.code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not exit after draining")
	}
}

// No API key reaches the logs, in either log format, however it was sent:
// in the query (valid, unknown, repeated, any case), as a Bearer token, on
// a known route or an unknown one.
func TestServerNeverLogsAPIKeys(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, backendDB(t), "--demo", "--log-format", format)
			unknown := "tbx_" + strings.Repeat("0123456789ab", 4)
			key := s.Key
			s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, key), sourceRequest)
			s.expect(t, http.StatusOK, "GET", withKey("/api/v1/campaigns", key)+"&api_key="+key, nil)
			s.expect(t, http.StatusBadRequest, "GET", withKey("/api/v1/campaigns?x=%zz", key), nil) // an unparsable query is refused, and logged redacted
			s.expect(t, http.StatusNotFound, "GET", withKey("/api/v1/master-inbox/tasks/999999", key), nil)
			s.expect(t, http.StatusNotFound, "GET", withKey("/api/v1/no-such-route", key), nil)
			s.expect(t, http.StatusUnauthorized, "GET", withKey("/api/v1/campaigns", unknown), nil)
			s.expect(t, http.StatusUnauthorized, "GET", "/api/v1/campaigns?API_KEY="+key, nil)
			s.expect(t, http.StatusOK, "GET", "/api/v1/campaigns", nil, "Authorization", "Bearer "+key)
			s.expect(t, http.StatusUnprocessableEntity, "POST", withKey(createTaskPath, key), `{"email_lead_map_id": 1, "name": ""}`)
			s.stopCleanly(t)

			s.assertNotLogged(t, key, unknown)
			logs := s.stderr.String()
			if !strings.Contains(logs, "REDACTED") {
				t.Errorf("no request line shows a redacted api_key; were requests logged?\n%s", logs)
			}
			if format == "json" {
				for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
					if !json.Valid([]byte(line)) {
						t.Errorf("--log-format json wrote a line that is not JSON: %q", line)
					}
				}
			}
		})
	}
}

// The environment variables stand in for the flags, and flags win over them.
func TestServeReadsTheEnvironment(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(t.TempDir(), "from-env.db")
	env := []string{"TASKBOX_ADDR=127.0.0.1:0", "TASKBOX_DATABASE_URL=" + db, "TASKBOX_RATE_LIMIT=0",
		"TASKBOX_DEMO=1", "TASKBOX_LOG_FORMAT=json"}
	s := launchServer(t, serverOpts{Env: env, Dir: dir}, "serve")
	if s.Key == "" || !strings.HasPrefix(s.Addr, "127.0.0.1:") || s.Addr == "127.0.0.1:8080" {
		t.Fatalf("serve with env: addr %q, key printed %v", s.Addr, s.Key != "")
	}
	s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest) // TASKBOX_DEMO
	s.stopCleanly(t)
	if !json.Valid([]byte(strings.SplitN(s.stderr.String(), "\n", 2)[0])) {
		t.Errorf("TASKBOX_LOG_FORMAT=json: stderr is not JSON:\n%s", s.stderr)
	}
	if fileExists(filepath.Join(dir, "taskbox.db")) {
		t.Error("serve created taskbox.db in its working directory despite TASKBOX_DATABASE_URL")
	}
	if !fileExists(db) {
		t.Errorf("no database at TASKBOX_DATABASE_URL=%s", db)
	}

	// Every command reads TASKBOX_DATABASE_URL.
	res := runCLI(t, []string{"TASKBOX_DATABASE_URL=" + db}, "accounts", "create", "--name", "From env", "--json")
	if res.Code != 0 {
		t.Fatalf("accounts create with TASKBOX_DATABASE_URL: exit %d: %s", res.Code, res.Stderr)
	}
	if id := intField(t, oneJSONLine(t, res.Stdout), "account_id"); id != 2 {
		t.Errorf("account_id = %d, want 2: the env's database already holds the default account", id)
	}

	// Flags win: a TASKBOX_ADDR that cannot be listened on is overridden.
	s2 := launchServer(t, serverOpts{Env: append(env, "TASKBOX_ADDR=256.0.0.1:1")}, "serve", "--addr", "127.0.0.1:0", "--log-format", "text")
	if s2.Key != "" {
		t.Error("a second start on the env's database printed a new key")
	}
	s2.expect(t, http.StatusOK, "GET", "/readyz", nil)
	s2.stopCleanly(t)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TASKBOX_RATE_LIMIT reaches the server and the limit holds per key: a key
// over its rate gets 429 with Retry-After, another key of the same account
// is not held up by it, and the health checks are never limited.
func TestRateLimitFromTheEnvironment(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	// 0.5 requests per second, a burst of 1: the second request within two
	// seconds is over the rate, however slow the machine.
	s := launchServer(t, serverOpts{Env: []string{"TASKBOX_RATE_LIMIT=0.5"}}, "serve", "--addr", "127.0.0.1:0", "--db", db)
	path := withKey("/api/v1/campaigns", s.Key)
	s.expect(t, http.StatusOK, "GET", path, nil)
	r := s.expect(t, http.StatusTooManyRequests, "GET", path, nil)
	if code := field(t, r.JSON(t), "error", "code"); code != "RATE_LIMIT_EXCEEDED" {
		t.Errorf("error.code = %v, want RATE_LIMIT_EXCEEDED", code)
	}
	if r.Header.Get("Retry-After") == "" || intField(t, r.JSON(t), "error", "retry_after") < 1 {
		t.Errorf("a 429 without Retry-After or error.retry_after: %v %s", r.Header, r.Body)
	}

	m := regexp.MustCompile(`Created account "default" \(id (\d+)\)`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("first start did not say the default account's id:\n%s", s.stdout)
	}
	res := mustRunCLI(t, "keys", "create", "--account", m[1], "--json", "--db", db)
	other, _ := field(t, oneJSONLine(t, res.Stdout), "api_key").(string)
	s.expect(t, http.StatusOK, "GET", withKey("/api/v1/campaigns", other), nil)
	for i := 0; i < 3; i++ {
		s.expect(t, http.StatusOK, "GET", "/healthz", nil)
	}
	s.stopCleanly(t)
	s.assertNotLogged(t, s.Key, other)
}
