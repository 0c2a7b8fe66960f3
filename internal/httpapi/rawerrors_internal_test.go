package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// Whatever rewriteNetHTTPError replaces becomes an answer in the JSON
// envelope that an HTTP client reads; the seeds hold net/http's answers and
// handlers' answers (with Date), which pass unchanged.
func FuzzRewriteNetHTTPError(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 400 Bad Request: missing required Host header" + netHTTPErrorHeaders + "400 Bad Request: missing required Host header",
		"HTTP/1.1 431 Request Header Fields Too Large" + netHTTPErrorHeaders + "431 Request Header Fields Too Large",
		"HTTP/1.1 501 Not Implemented" + netHTTPErrorHeaders + "Unsupported transfer encoding",
		"HTTP/1.1 400 Bad Request" + netHTTPErrorHeaders + "400 Bad Request",
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: x\r\n\r\n{}",
		"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nDate: x\r\n\r\nno",
		"HTTP/1.1 4" + netHTTPErrorHeaders,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out, ok := rewriteNetHTTPError(b)
		if !ok {
			return // passed unchanged
		}
		res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), nil)
		if err != nil {
			t.Fatalf("%q became %q, unreadable: %v", b, out, err)
		}
		body, _ := io.ReadAll(res.Body)
		var e errorBody
		if res.Header.Get("Content-Type") != "application/json" || json.Unmarshal(body, &e) != nil || e.Error.Code == "" || e.Message != e.Error.Message ||
			StatusFor(e.Error.Code) != res.StatusCode {
			t.Fatalf("%q became %q", b, out)
		}
	})
}

// A handler's answer, which always has a Date header, is never taken for
// one of net/http's.
func TestRewriteLeavesHandlersAnswers(t *testing.T) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: x\r\n\r\n{}",
		"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nDate: x\r\n\r\nno",
		"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nDate: x\r\n\r\n",
	} {
		if _, ok := rewriteNetHTTPError([]byte(s)); ok {
			t.Errorf("rewrote %q", s)
		}
	}
	if _, ok := rewriteNetHTTPError([]byte("HTTP/1.1 400 Bad Request" + netHTTPErrorHeaders + "400 Bad Request")); !ok {
		t.Error("left net/http's 400 as it was")
	}
}
