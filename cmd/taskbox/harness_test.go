package main

// The end-to-end tests run the real binary: built once per test run, started
// as a subprocess on port 0 and a fresh database, driven over real HTTP and
// through its own command line. This file holds the harness; the tests are
// in e2e_test.go and cli_test.go.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testVersion is stamped into the binary under test, as a release would be.
const testVersion = "v0.0.0-e2e"

var (
	buildOnce sync.Once
	binDir    string // holds the binary; removed by TestMain
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// taskboxBinary builds the binary on first use, so that `go test -list` and
// runs that select no end-to-end test pay nothing. Under -race the binary is
// built with -race too: it reuses the race-built packages of the test build,
// and the server's own data races are caught while the tests drive it.
func taskboxBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "taskbox-e2e-"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "taskbox")
		// -buildvcs=false: the version comes from -X, and a checkout that git
		// will not read (another owner, a tarball) must not fail the build.
		args := []string{"build", "-buildvcs=false", "-o", binPath, "-ldflags", "-X main.version=" + testVersion}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...) // go test puts its own go first in PATH
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// environ is the tests' environment: the process's own without any TASKBOX_
// variable, so that a developer's settings cannot leak into a test, plus extra.
func environ(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TASKBOX_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// cliResult is what a finished command printed and its exit code.
type cliResult struct {
	Stdout, Stderr string
	Code           int
}

// cliLimit bounds how long runCLI waits for a command: long enough for
// the slowest, bench --preload's 1,000 accounts under the race detector
// (30 to 45 s on a quiet 2-core machine: SQLite's C, translated to Go, is
// instrumented too), with room for a busy machine; a command that hangs
// still fails the test well before go test's own timeout.
const cliLimit = 3 * time.Minute

// runCLI runs the binary with args in a fresh directory and waits for it.
func runCLI(t *testing.T, env []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, taskboxBinary(t), args...)
	cmd.Dir = t.TempDir() // a forgotten --db must not leave taskbox.db in the source tree
	cmd.Env = environ(env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		res.Code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("taskbox %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("taskbox %s: did not finish within %s", strings.Join(args, " "), cliLimit)
	}
	return res
}

// mustRunCLI runs the binary and fails the test unless it exits 0.
func mustRunCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	res := runCLI(t, nil, args...)
	if res.Code != 0 {
		t.Fatalf("taskbox %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.Code, res.Stdout, res.Stderr)
	}
	return res
}

// syncBuffer is a bytes.Buffer safe for a writer and readers at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is a running `taskbox serve`.
type server struct {
	URL    string // http://127.0.0.1:PORT
	Addr   string
	Key    string // the key printed at first start, "" when none was
	DB     string
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	exited chan struct{} // closed once the process has been waited for
	code   int
}

var (
	listeningRE = regexp.MustCompile(`listening on http://(\S+)`)
	keyRE       = regexp.MustCompile(`tbx_[0-9a-f]{48}`)
)

// serverOpts are the ways a test starts serve other than with flags.
type serverOpts struct {
	Env []string
	Dir string // working directory; a fresh one when empty
}

// startServer runs `taskbox serve` on port 0 with the database file db, rate
// limiting off, and the extra args; it returns once the server listens.
func startServer(t *testing.T, db string, args ...string) *server {
	t.Helper()
	s := launchServer(t, serverOpts{}, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--rate-limit", "0"}, args...)...)
	s.DB = db
	return s
}

// launchServer runs the binary with args exactly and waits for its
// "listening on" line. The process is killed at cleanup if still running.
func launchServer(t *testing.T, o serverOpts, args ...string) *server {
	t.Helper()
	cmd := exec.Command(taskboxBinary(t), args...)
	cmd.Dir = o.Dir
	if cmd.Dir == "" {
		cmd.Dir = t.TempDir()
	}
	cmd.Env = environ(o.Env...)
	s := &server{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 16)
	stdoutDone := make(chan struct{})
	go func() {
		defer close(stdoutDone)
		defer close(lines)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			fmt.Fprintln(s.stdout, sc.Text())
			select {
			case lines <- sc.Text():
			default: // nobody is waiting for lines any more
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
	}()
	t.Cleanup(func() {
		if s.running() {
			_ = cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("serve stdout:\n%s\nserve stderr:\n%s", s.stdout, s.stderr)
		}
	})
	go func() {
		<-stdoutDone // Wait closes the pipe: only after everything was read
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			s.code = ee.ExitCode()
		} else if err != nil {
			s.code = -1
		}
		close(s.exited)
	}()

	timeout := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				<-s.exited
				t.Fatalf("taskbox %s exited (%d) before listening\nstdout: %s\nstderr: %s",
					strings.Join(args, " "), s.code, s.stdout, s.stderr)
			}
			if k := keyRE.FindString(line); k != "" {
				s.Key = k
			}
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				s.Addr, s.URL = m[1], "http://"+m[1]
				return s
			}
		case <-timeout:
			t.Fatalf("taskbox %s: no \"listening on\" line within a minute\nstdout: %s\nstderr: %s",
				strings.Join(args, " "), s.stdout, s.stderr)
		}
	}
}

func (s *server) running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// stop sends sig and returns the exit code and how long the exit took; the
// test fails if the process is still running after 15 seconds.
func (s *server) stop(t *testing.T, sig syscall.Signal) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %v: %v", sig, err)
	}
	select {
	case <-s.exited:
		return s.code, time.Since(start)
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not exit within 15s of %v\nstderr: %s", sig, s.stderr)
		return 0, 0
	}
}

// stopCleanly stops the server with SIGTERM and fails unless it exits 0.
func (s *server) stopCleanly(t *testing.T) {
	t.Helper()
	if code, _ := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0\nstderr: %s", code, s.stderr)
	}
}

// waitStderr waits until serve's stderr contains substr.
func (s *server) waitStderr(t *testing.T, substr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(s.stderr.String(), substr) {
		if time.Now().After(deadline) {
			t.Fatalf("serve's stderr never said %q:\n%s", substr, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// assertNotLogged fails if serve's stdout (after its first-start lines) or
// stderr contains any of the secrets.
func (s *server) assertNotLogged(t *testing.T, secrets ...string) {
	t.Helper()
	logs := s.stderr.String()
	for _, secret := range secrets {
		if secret == "" {
			t.Fatal("assertNotLogged: empty secret")
		}
		if strings.Contains(logs, secret) {
			t.Errorf("serve logged the API key %s…:\n%s", secret[:12], logs)
		}
	}
}

// response is an answer of the API.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value, numbers as json.Number.
func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("status %d, body is not a JSON object: %v\n%s", r.Status, err, r.Body)
	}
	return v
}

var httpClient = &http.Client{Timeout: 20 * time.Second}

// request sends a request to the server. A body that is a string or []byte
// is sent as is, anything else as JSON; headers come in name, value pairs.
func (s *server) request(t *testing.T, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, redact(path), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// expect sends a request and fails unless the answer has the status.
func (s *server) expect(t *testing.T, status int, method, path string, body any, headers ...string) response {
	t.Helper()
	r := s.request(t, method, path, body, headers...)
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", method, redact(path), r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q, want application/json", method, redact(path), ct)
	}
	return r
}

// redact hides keys in paths that appear in test failures.
func redact(path string) string {
	return keyRE.ReplaceAllString(path, "tbx_…")
}

// withKey appends ?api_key=KEY (or &api_key=KEY) to path.
func withKey(path, key string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "api_key=" + key
}

// field walks a decoded JSON value along keys and array indexes.
func field(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("field %v: %T is not an object", path, v)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("field %v: %v is not an array with index %d", path, v, k)
			}
			v = a[k]
		}
	}
	return v
}

// intField reads an integer field of a decoded JSON value.
func intField(t *testing.T, v any, path ...any) int64 {
	t.Helper()
	n, ok := field(t, v, path...).(json.Number)
	if !ok {
		t.Fatalf("field %v = %v, not a number", path, field(t, v, path...))
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatalf("field %v = %v, not an integer", path, n)
	}
	return i
}
