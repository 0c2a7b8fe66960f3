package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// envelope is the success shape of taskbox's own endpoints.
type envelope struct {
	OK         bool    `json:"ok"`
	Data       any     `json:"data"`
	NextCursor *string `json:"next_cursor,omitempty"`
}

// writeData answers 200 with {"ok": true, "data": v}.
func writeData(w http.ResponseWriter, v any) {
	writeJSON(w, http.StatusOK, envelope{OK: true, Data: v})
}

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
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
