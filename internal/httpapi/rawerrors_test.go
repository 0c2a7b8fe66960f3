package httpapi_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/httpapi"
)

// Every answer is JSON in the error envelope, those net/http writes before
// any handler runs included (the listener is wrapped as serve wraps it): a
// request without Host, a 1.1 MB query string, a malformed request line or
// header, an unknown Transfer-Encoding. An unclean path (//api/…) is a 404
// in JSON, never a redirect that repeats the query's api_key.
func TestEveryAnswerIsJSON(t *testing.T) {
	api := tbNewAPI(t)
	acct := api.Account(t, "raw", "")
	srv := httptest.NewUnstartedServer(tbHandler(api.DB))
	srv.Listener = httpapi.JSONErrors(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()

	long := strings.Repeat("x", 1_100_000)
	for _, c := range []struct {
		name, raw string
		status    int
		code      string
		message   string
	}{
		{"no Host", "GET /api/v1/campaigns?api_key=" + acct.Key + " HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST", "The request is malformed: missing required Host header."},
		{"1.1 MB query string", "GET /api/v1/master-inbox/tasks?q=" + long + " HTTP/1.1\r\nHost: x\r\n\r\n", 431, "HEADERS_TOO_LARGE", ""},
		{"1.1 MB header", "GET /api/v1/master-inbox/tasks HTTP/1.1\r\nHost: x\r\nX-Big: " + long + "\r\n\r\n", 431, "HEADERS_TOO_LARGE", ""},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "BAD_REQUEST", ""},
		{"malformed request line", "GET\r\n\r\n", 400, "BAD_REQUEST", ""},
		{"malformed header", "GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", 400, "BAD_REQUEST", ""},
		{"unknown Transfer-Encoding", "POST /api/v1/campaigns/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: rot13\r\n\r\n", 400, "BAD_REQUEST",
			"The request is malformed: its Transfer-Encoding is not supported."},
		{"HTTP/2 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST", ""},
		{"double slash with a key", "GET //api/v1/master-inbox/tasks?api_key=" + acct.Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NOT_FOUND", ""},
		{"dot segment with a key", "GET /api/v1/./campaigns?api_key=" + acct.Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NOT_FOUND", ""},
		{"dot-dot segment with a key", "GET /api/v1/x/../campaigns?api_key=" + acct.Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NOT_FOUND", ""},
		{"encoded dot-dot with a key", "GET /api/v1/x/%2E%2E/campaigns?api_key=" + acct.Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NOT_FOUND", ""},
		{"trailing double slash with a key", "GET /api/v1/leads//?api_key=" + acct.Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 404, "NOT_FOUND", ""},
		{"clean path", "GET /api/v1/campaigns?api_key=" + acct.Key + " HTTP/1.1\r\nHost: x\r\n\r\n", 200, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, body := rawRequest(t, addr, c.raw)
			if res.StatusCode != c.status || res.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("%d %q %q, want %d application/json", res.StatusCode, res.Header.Get("Content-Type"), body, c.status)
			}
			if strings.Contains(body, acct.Key) || strings.Contains(res.Header.Get("Location"), acct.Key) {
				t.Errorf("the answer repeats the key: %v %s", res.Header, body)
			}
			if c.status == 200 {
				return
			}
			var e struct {
				OK      bool   `json:"ok"`
				Message string `json:"message"`
				Error   struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.OK || e.Error.Code != c.code || e.Message == "" || e.Message != e.Error.Message {
				t.Errorf("not the envelope with %s: %q %v", c.code, body, err)
			}
			if c.message != "" && e.Message != c.message {
				t.Errorf("message %q, want %q", e.Message, c.message)
			}
		})
	}
}

// rawRequest writes raw to a new connection and reads one answer.
func rawRequest(t *testing.T, addr, raw string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	go func() { _, _ = io.WriteString(conn, raw) }() // the server may answer before reading it all
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return res, string(b)
}
