package client_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

// The webhook and calendar tests run against `taskbox serve` itself: the
// binary wires those services and runs the delivery worker, which an
// httpapi.Server made here would not.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func taskboxBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "taskbox-client-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "taskbox")
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", binPath, "../cmd/taskbox").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// served is a running `taskbox serve` and the key of its default account.
type served struct {
	URL, Key, DSN string
}

var (
	listeningRE = regexp.MustCompile(`listening on (http://\S+)`)
	keyRE       = regexp.MustCompile(`tbx_[0-9a-f]{48}`)
)

// serveBinary starts the binary on port 0 over a fresh database of the
// run's backend, with webhooks allowed to reach 127.0.0.1.
func serveBinary(t *testing.T) *served {
	t.Helper()
	s := &served{DSN: testdb.NewDSN(t)}
	cmd := exec.Command(taskboxBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", s.DSN, "--rate-limit", "0")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "TASKBOX_WEBHOOK_ALLOW_PRIVATE=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if k := keyRE.FindString(sc.Text()); k != "" {
				s.Key = k
			}
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				s.URL = m[1]
				close(found)
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("taskbox serve did not listen within a minute")
	}
	return s
}

// newAccount makes another account with the binary's accounts create.
func (s *served) newAccount(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command(taskboxBinary(t), "accounts", "create", "--name", name, "--json", "--db", s.DSN).Output()
	if err != nil {
		t.Fatalf("accounts create: %v", err)
	}
	var res struct {
		APIKey string `json:"api_key"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res.APIKey
}
