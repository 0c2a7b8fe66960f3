package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	taskbox "github.com/taskboxhq/taskbox"
)

// envelope is the success shape of taskbox's own endpoints.
type envelope struct {
	OK         bool    `json:"ok"`
	Data       any     `json:"data"`
	NextCursor *string `json:"next_cursor,omitempty"`
}

// writeData answers 200 with {"ok": true, "data": v}.
func writeData(w http.ResponseWriter, v any) {
	switch v := v.(type) {
	case *taskbox.Task:
		writeTasks(w, v, nil, false, nil)
	case []*taskbox.Task:
		writeTasks(w, nil, v, false, nil)
	default:
		writeJSON(w, http.StatusOK, envelope{OK: true, Data: v})
	}
}

// respond answers err, or 200 with v as data: the end of a handler that
// passes a service's answer on.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, v any, err error) {
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, v)
}

// serveByID answers what find returns for the path's id (what names the
// object in the 404 of an id that names nothing).
func serveByID[T any](s *Server, w http.ResponseWriter, r *http.Request, what string, find func(context.Context, int64) (T, error)) {
	id, err := pathID(r, what)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	v, err := find(r.Context(), id)
	s.respond(w, r, v, err)
}

// writeTasks answers 200 with {"ok": true, "data": task} or, when task is
// nil, with list as data, and with list's "next_cursor": next when
// withCursor. The bytes are those writeJSON would write, made without
// reflection (taskbox.Task.AppendJSON); TestWriteTasks compares them.
func writeTasks(w http.ResponseWriter, task *taskbox.Task, list []*taskbox.Task, withCursor bool, next *string) {
	buf := bufPool.Get().(*[]byte)
	b := append((*buf)[:0], `{"ok":true,"data":`...)
	switch {
	case task != nil:
		b = task.AppendJSON(b, false)
	case list == nil:
		b = append(b, "null"...)
	default:
		b = append(b, '[')
		for i, t := range list {
			if i > 0 {
				b = append(b, ',')
			}
			b = t.AppendJSON(b, false)
		}
		b = append(b, ']')
	}
	if withCursor {
		b = append(b, `,"next_cursor":`...)
		if next == nil {
			b = append(b, "null"...)
		} else {
			b = taskbox.AppendJSONString(b, *next, false)
		}
	}
	b = append(b, "}\n"...)
	writeBody(w, http.StatusOK, b)
	if cap(b) <= 64<<10 { // a big list's buffer is left to the collector
		*buf = b
		bufPool.Put(buf)
	}
}

// bufPool holds the buffers of writeTasks.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// writeJSON answers with v as JSON. Text is written as it was stored: no
// HTML escaping, so what a client sent is what it reads back.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"ok":false,"message":"An internal error occurred.","error":{"code":"INTERNAL_ERROR","message":"An internal error occurred."}}` + "\n")
	}
	writeBody(w, status, buf.Bytes())
}

// writeBody answers with a whole JSON body. Its Content-Length goes with
// the headers: net/http then writes the body as it is, where without it a
// body past net/http's 2 KB buffer goes out chunked, with one more write
// to the socket for the closing chunk.
func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
