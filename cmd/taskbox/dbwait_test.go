package main

import (
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

var waitingAddrRE = regexp.MustCompile(`msg="waiting for the database; answering 503 meanwhile" addr=(\S+)`)

// serve started while PostgreSQL is down (its port refuses connections)
// keeps trying: meanwhile its address answers /healthz 200, and /readyz
// and the API 503 SERVICE_UNAVAILABLE with Retry-After in the envelope;
// once PostgreSQL answers, it migrates, prints the first start's key and
// "listening on", and serves. With a short --db-wait it gives up (exit 1),
// and a SIGTERM while it waits stops it cleanly (exit 0).
func TestServeWaitsForPostgres(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skipf("needs PostgreSQL: set %s", testdb.PostgresEnv)
	}
	t.Parallel()
	u, err := url.Parse(testdb.NewDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	proxy.cut()
	u.Host = proxy.Addr
	dsn := u.String()

	s := launchWaiting(t, "--db", dsn, "--demo")
	base := "http://" + waitingAddr(t, s)
	for _, probe := range []struct{ method, path string }{
		{"GET", "/readyz"}, {"POST", withKey(createTaskPath, "tbx_0123")}, {"GET", "/"}, {"GET", "/api/v1/campaigns"},
	} {
		a := send(&server{URL: base}, probe.method, probe.path, sourceRequest)
		if a.err != nil || a.status != http.StatusServiceUnavailable || a.code != "SERVICE_UNAVAILABLE" {
			t.Errorf("%s %s while waiting: %d %s %v, want 503 SERVICE_UNAVAILABLE", probe.method, redact(probe.path), a.status, a.code, a.err)
		}
	}
	if a := send(&server{URL: base}, "GET", "/healthz", ""); a.status != http.StatusOK {
		t.Errorf("/healthz while waiting: %d %v, want 200", a.status, a.err)
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Retry-After") != "1" {
		t.Errorf("/readyz while waiting: Retry-After %q, want 1", resp.Header.Get("Retry-After"))
	}

	proxy.restore(t)
	deadline := time.Now().Add(30 * time.Second)
	for !listeningRE.MatchString(s.stdout.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no \"listening on\" within 30 s of PostgreSQL coming\nstdout: %s\nstderr: %s", s.stdout, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.URL = "http://" + listeningRE.FindStringSubmatch(s.stdout.String())[1]
	if s.URL != base {
		t.Errorf("listening on %s, waited on %s", s.URL, base)
	}
	s.Key = keyRE.FindString(s.stdout.String())
	s.expect(t, http.StatusOK, "GET", "/readyz", nil)
	s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
	s.stopCleanly(t)

	// Down for longer than --db-wait: exit 1 with the error.
	proxy.cut()
	start := time.Now()
	res := runCLI(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", dsn, "--db-wait", "1s")
	if res.Code != 1 || !strings.Contains(res.Stderr, "waiting for the database") || time.Since(start) > 20*time.Second {
		t.Errorf("--db-wait 1s on a database that stays down: exit %d after %v\n%s", res.Code, time.Since(start), res.Stderr)
	}

	// SIGTERM while waiting: a clean stop.
	s = launchWaiting(t, "--db", dsn)
	waitingAddr(t, s)
	s.stopCleanly(t)
}

// launchWaiting starts serve on port 0 without waiting for it to listen.
func launchWaiting(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(taskboxBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--rate-limit", "0"}, args...)...)
	cmd.Dir = t.TempDir()
	cmd.Env = environ()
	s := &server{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.stdout, s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		if err := cmd.Wait(); err != nil {
			s.code = -1
			if ee, ok := err.(*exec.ExitError); ok {
				s.code = ee.ExitCode()
			}
		}
		close(s.exited)
	}()
	t.Cleanup(func() {
		if s.running() {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-s.exited
		}
		if t.Failed() {
			t.Logf("serve stdout:\n%s\nserve stderr:\n%s", s.stdout, s.stderr)
		}
	})
	return s
}

// waitingAddr waits for serve's log line saying that it waits for its
// database, and returns the address it answers on meanwhile.
func waitingAddr(t *testing.T, s *server) string {
	t.Helper()
	s.waitStderr(t, "waiting for the database")
	m := waitingAddrRE.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("no address in serve's log:\n%s", s.stderr)
	}
	return m[1]
}
