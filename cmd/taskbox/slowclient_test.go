package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Slow clients (issue 5, item 4): the real binary, over raw TCP, with its
// read timeouts shortened by flags. A client that trickles its headers is
// disconnected after --read-header-timeout, one that trickles its body
// after --read-timeout, and an idle keep-alive connection is closed after
// --idle-timeout; each long before the client would have finished.

const (
	slowHeaderTimeout = 1 * time.Second
	slowReadTimeout   = 4 * time.Second
	slowIdleTimeout   = 1 * time.Second
	trickleEvery      = 200 * time.Millisecond
	closeLimit        = 20 * time.Second // longer than any timeout above, shorter than any trickle
)

func startSlowServer(t *testing.T) *server {
	t.Helper()
	return startServer(t, backendDB(t), "--read-header-timeout", slowHeaderTimeout.String(),
		"--read-timeout", slowReadTimeout.String(), "--idle-timeout", slowIdleTimeout.String())
}

func TestSlowClients(t *testing.T) {
	t.Parallel()
	s := startSlowServer(t)
	if s.Key == "" {
		t.Fatal("first start printed no key")
	}

	t.Run("headers trickle", func(t *testing.T) {
		t.Parallel()
		head := "GET /api/v1/campaigns HTTP/1.1\r\nHost: taskbox\r\nAuthorization: Bearer " + s.Key + "\r\n" +
			strings.Repeat("X-Slow: y\r\n", 20) + "\r\n" // 60 s at one byte per trickleEvery
		conn, start := dialSlow(t, s)
		go trickle(conn, head)
		got, elapsed := readUntilClosed(t, conn, conn, start)
		// net/http may say 400 or 408 in plain text as it hangs up; no
		// handler ran, so it cannot be the API's JSON envelope.
		if len(got) != 0 && !strings.HasPrefix(got, "HTTP/1.1 400 ") && !strings.HasPrefix(got, "HTTP/1.1 408 ") {
			t.Errorf("the server answered headers it never fully got: %q", got)
		}
		// Cut off at the header timeout, well before the read timeout.
		if elapsed < slowHeaderTimeout-100*time.Millisecond || elapsed > slowReadTimeout-time.Second {
			t.Errorf("connection closed after %v, want about %v (--read-header-timeout)", elapsed, slowHeaderTimeout)
		}
	})

	t.Run("body trickles", func(t *testing.T) {
		t.Parallel()
		body := `{"name": "` + strings.Repeat("s", 200) + `"}` // 40 s at one byte per trickleEvery
		conn, start := dialSlow(t, s)
		head := fmt.Sprintf("POST /api/v1/campaigns/create HTTP/1.1\r\nHost: taskbox\r\nAuthorization: Bearer %s\r\n"+
			"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", s.Key, len(body))
		if _, err := conn.Write([]byte(head)); err != nil {
			t.Fatal(err)
		}
		go trickle(conn, body)
		br := bufio.NewReader(conn)
		_ = conn.SetReadDeadline(start.Add(closeLimit))
		// The handler's read fails at the deadline: it may still answer 400
		// (its error envelope) before the connection is closed.
		if res, err := http.ReadResponse(br, nil); err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"BAD_REQUEST"`) {
				t.Errorf("answer to a body cut off = %d %s, want 400 BAD_REQUEST", res.StatusCode, b)
			}
		}
		_, elapsed := readUntilClosed(t, conn, br, start)
		if elapsed < slowReadTimeout-500*time.Millisecond || elapsed > slowReadTimeout+5*time.Second {
			t.Errorf("connection closed after %v, want about %v (--read-timeout)", elapsed, slowReadTimeout)
		}
	})

	t.Run("idle keep-alive", func(t *testing.T) {
		t.Parallel()
		conn, _ := dialSlow(t, s)
		if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: taskbox\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		_ = conn.SetReadDeadline(time.Now().Add(closeLimit))
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("healthz = %d, close %v: want 200 on a kept-alive connection", res.StatusCode, res.Close)
		}
		idle := time.Now()
		got, elapsed := readUntilClosed(t, conn, br, idle)
		if len(got) != 0 {
			t.Errorf("unexpected bytes on an idle connection: %q", got)
		}
		if elapsed < slowIdleTimeout-100*time.Millisecond || elapsed > slowIdleTimeout+3*time.Second {
			t.Errorf("idle connection closed after %v, want about %v (--idle-timeout)", elapsed, slowIdleTimeout)
		}
	})

	t.Run("a prompt client is served", func(t *testing.T) {
		t.Parallel()
		s.expect(t, http.StatusOK, http.MethodPost, withKey("/api/v1/campaigns/create", s.Key), map[string]string{"name": "Prompt"})
	})
}

// The timeouts are flags with their environment variables, shown in help,
// and must be positive.
func TestSlowClientFlags(t *testing.T) {
	t.Parallel()
	res := runCLI(t, nil, "serve", "--help")
	for _, want := range []string{"--read-header-timeout", "--read-timeout", "--idle-timeout",
		"TASKBOX_READ_HEADER_TIMEOUT", "TASKBOX_READ_TIMEOUT", "TASKBOX_IDLE_TIMEOUT", "10s", "1m0s", "2m0s"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("serve --help does not mention %s:\n%s", want, res.Stdout)
		}
	}
	for _, tc := range []struct {
		env  []string
		args []string
	}{
		{nil, []string{"--read-header-timeout", "0s"}},
		{nil, []string{"--read-timeout=-1s"}},
		{[]string{"TASKBOX_IDLE_TIMEOUT=0"}, nil},
	} {
		res := runCLI(t, tc.env, append([]string{"serve", "--db", t.TempDir() + "/x.db", "--addr", "127.0.0.1:0"}, tc.args...)...)
		if res.Code == 0 || !strings.Contains(res.Stderr, "must be positive") {
			t.Errorf("serve %v %v: exit %d, stderr %q; want a refusal", tc.env, tc.args, res.Code, res.Stderr)
		}
	}
}

// dialSlow opens a raw TCP connection to the server, closed at cleanup.
func dialSlow(t *testing.T, s *server) (net.Conn, time.Time) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, time.Now()
}

// trickle writes s one byte at a time until it is written or the server
// has closed the connection.
func trickle(conn net.Conn, s string) {
	for i := 0; i < len(s); i++ {
		if _, err := conn.Write([]byte{s[i]}); err != nil {
			return
		}
		time.Sleep(trickleEvery)
	}
}

// readUntilClosed reads conn (through r) until the server closes it and
// returns what came and when the close came, measured from start. It fails
// the test if the connection is still open after closeLimit.
func readUntilClosed(t *testing.T, conn net.Conn, r io.Reader, start time.Time) (string, time.Duration) {
	t.Helper()
	_ = conn.SetReadDeadline(start.Add(closeLimit))
	var got []byte
	buf := make([]byte, 4096)
	for {
		k, err := r.Read(buf)
		got = append(got, buf[:k]...)
		if err == nil {
			continue
		}
		elapsed := time.Since(start)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server kept the connection open for %v", closeLimit)
		}
		return string(got), elapsed // io.EOF, or a reset: the server closed it
	}
}
