package httpapi

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// JSONErrors wraps the server's listener so that the answers net/http
// writes by itself, before any handler runs, are JSON in the error envelope
// too: a request without Host (400), headers and request line over
// Server.MaxHeaderBytes (431), a malformed request line or header, an
// unsupported Transfer-Encoding (501, answered 400 here). net/http offers
// no hook for these: conn.serve writes each as one fixed text/plain
// answer straight to the connection and closes it. That write is
// recognised by its fixed shape (a status line followed at once by
// net/http's error headers, no Date, which every handler's answer has) and
// replaced; every other byte passes unchanged.
func JSONErrors(ln net.Listener) net.Listener { return jsonErrorsListener{ln} }

type jsonErrorsListener struct{ net.Listener }

func (l jsonErrorsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonErrorsConn{c}, nil
}

type jsonErrorsConn struct{ net.Conn }

// netHTTPErrorHeaders are the headers of net/http's own error answers.
const netHTTPErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c jsonErrorsConn) Write(b []byte) (int, error) {
	answer, ok := rewriteNetHTTPError(b)
	if !ok {
		return c.Conn.Write(b)
	}
	if _, err := c.Conn.Write(answer); err != nil {
		return 0, err
	}
	return len(b), nil
}

// rewriteNetHTTPError returns the JSON answer for b when b is one of
// net/http's own error answers ("HTTP/1.1 400 Bad Request: missing
// required Host header" and its headers).
func rewriteNetHTTPError(b []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(b, []byte("HTTP/1.1 "))
	if !ok {
		return nil, false
	}
	i := bytes.Index(rest, []byte(netHTTPErrorHeaders))
	if i < 3 || bytes.Contains(rest[:i], []byte("\r\n")) {
		return nil, false
	}
	line := string(rest[:i])
	code, err := strconv.Atoi(line[:3])
	if err != nil {
		return nil, false
	}
	var e *taskbox.Error
	if code == 431 {
		e = taskbox.Errorf(taskbox.EHEADERSTOOLARGE, "The request line and headers are larger than the server takes (1 MiB): send less in the query string or the headers.")
	} else {
		msg := "The request is malformed."
		if _, detail, ok := strings.Cut(line, ": "); ok {
			msg = "The request is malformed: " + strings.TrimSuffix(detail, ".") + "."
		} else if code == 501 {
			msg = "The request is malformed: its Transfer-Encoding is not supported."
		}
		e = taskbox.Errorf(taskbox.EBADREQUEST, "%s", msg)
	}
	body, _ := json.Marshal(errorBody{Message: e.Message, Error: errorDetail{Code: e.Code, Message: e.Message}})
	body = append(body, '\n')
	status := StatusFor(e.Code)
	var out bytes.Buffer
	out.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	out.WriteString("Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n")
	out.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
	out.Write(body)
	return out.Bytes(), true
}
