package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
)

// Body limits of SPEC.md §2.
const (
	MaxBody     = 1 << 20  // 1 MiB
	MaxBulkBody = 10 << 20 // 10 MiB, bulk endpoints
)

// readOptionalBody reads the body of a request that needs none, of at most
// limit bytes: readBody's refusals, but an empty body is no error.
func readOptionalBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	tooLarge := taskbox.Errorf(taskbox.ETOOLARGE, "The request body is larger than %d bytes.", limit)
	if r.ContentLength > limit {
		return nil, tooLarge
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge
	} else if err != nil {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The request body could not be read.")
	}
	return b, nil
}

// readBody reads a request body of at most limit bytes. A declared length
// over the limit is refused before anything is read; a body that turns out
// longer is cut off at the limit. An empty body is refused.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := readOptionalBody(w, r, limit)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The request body is empty; send a JSON object.")
	}
	return b, nil
}

// readJSON reads a body of at most limit bytes as one JSON object whose
// field errors go to fe. For a creating request it first reads the
// Idempotency-Key, which identifies the request by this body.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, creating bool, fe *taskbox.FieldErrors) (object, *taskbox.Idempotency, error) {
	body, err := readBody(w, r, limit)
	if err != nil {
		return object{}, nil, err
	}
	var idem *taskbox.Idempotency
	if creating {
		if idem, err = idempotency(r, body); err != nil {
			return object{}, nil, err
		}
	}
	o, err := decodeObject(body, fe)
	return o, idem, err
}

// object is a decoded JSON object whose fields are read one at a time, so
// that a field of the wrong type becomes a 422 naming it, and every faulty
// field is reported rather than the first.
type object struct {
	fields map[string]json.RawMessage
	fe     *taskbox.FieldErrors
	prefix string // "tasks[3]." inside a bulk body
}

// decodeObject parses b as one JSON object. Anything else is a 400, and so
// is text that is not UTF-8 (RFC 8259 §8.1), which encoding/json would
// otherwise turn silently into U+FFFD: what is stored is what was sent.
func decodeObject(b []byte, fe *taskbox.FieldErrors) (object, error) {
	if !utf8.Valid(b) {
		return object{}, taskbox.Errorf(taskbox.EBADREQUEST, "The request body is not valid JSON: it must be UTF-8.")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return object{}, taskbox.Errorf(taskbox.EBADREQUEST, "The request body must be a JSON object.")
		}
		return object{}, taskbox.Errorf(taskbox.EBADREQUEST, "The request body is not valid JSON.")
	}
	if m == nil {
		return object{}, taskbox.Errorf(taskbox.EBADREQUEST, "The request body must be a JSON object.")
	}
	o := object{fields: m, fe: fe}
	o.noDuplicates(b)
	return o, nil
}

// noDuplicates records a 422 for each key that raw, a valid JSON object,
// gives more than once. encoding/json would keep the last value silently,
// where a proxy or a log in front of the server may read the first.
func (o object) noDuplicates(raw json.RawMessage) {
	if len(o.fields) == 0 || topLevelKeys(raw) == len(o.fields) {
		return // as many keys as distinct ones: none twice
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return
	}
	seen := make(map[string]bool, len(o.fields))
	for dec.More() {
		tok, err := dec.Token()
		var skip json.RawMessage
		if err != nil || dec.Decode(&skip) != nil {
			return
		}
		key, _ := tok.(string)
		if seen[key] {
			o.fe.Add(o.prefix+key, "must be given only once")
		}
		seen[key] = true
	}
}

// topLevelKeys counts the keys of raw, a valid JSON object, duplicates
// included: in valid JSON each ':' outside a string follows a key, so it
// counts those of depth 1. It saves noDuplicates its token-by-token decode
// when no key repeats (3% of the server's CPU under create-task load).
func topLevelKeys(raw []byte) int {
	n, depth, inString := 0, 0, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte: \" does not end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ':':
			if depth == 1 {
				n++
			}
		}
	}
	return n
}

// sub returns the object in raw as a nested object reporting under prefix,
// or false after recording a type error for field.
func (o object) sub(raw json.RawMessage, field string) (object, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		o.fe.Add(field, "must be an object")
		return object{}, false
	}
	sub := object{fields: m, fe: o.fe, prefix: field + "."}
	sub.noDuplicates(raw)
	return sub, true
}

// raw returns a field's JSON, or nil when it is absent or null.
func (o object) raw(name string) json.RawMessage {
	v, ok := o.fields[name]
	if !ok || bytes.Equal(v, []byte("null")) {
		return nil
	}
	return v
}

// has reports whether a field is present, null included.
func (o object) has(name string) bool {
	_, ok := o.fields[name]
	return ok
}

// int64 reads an integer field: a JSON integer, or a string of decimal
// digits, since some clients pass ids as strings.
func (o object) int64(name string, required bool) int64 {
	v := o.raw(name)
	if v == nil {
		if required {
			o.fe.Add(o.prefix+name, "is required")
		}
		return 0
	}
	n, msg := parseInt(v)
	if msg != "" {
		o.fe.Add(o.prefix+name, msg)
	}
	return n
}

// parseInt reads a JSON integer or a string of decimal digits; msg says
// what is wrong with anything else.
func parseInt(v json.RawMessage) (n int64, msg string) {
	s := string(v)
	if len(v) > 0 && v[0] == '"' {
		if json.Unmarshal(v, &s) != nil || !allDigits(s) {
			return 0, "must be an integer"
		}
	} else if !allDigits(s) && !(len(s) > 1 && s[0] == '-' && allDigits(s[1:])) {
		return 0, "must be an integer"
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, "is too large"
	}
	return n, ""
}

// string reads a text field; nil when absent or null.
func (o object) string(name string, required bool) *string {
	v := o.raw(name)
	if v == nil {
		if required {
			o.fe.Add(o.prefix+name, "is required")
		}
		return nil
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		o.fe.Add(o.prefix+name, "must be a string")
		return nil
	}
	return &s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// pathID reads a positive integer id from the path; anything else names no
// object and is answered as a missing one.
func pathID(r *http.Request, what string) (int64, error) {
	return pathValueID(r, "id", what)
}

// pathValueID reads the path's wildcard name as pathID reads "id".
func pathValueID(r *http.Request, name, what string) (int64, error) {
	s := r.PathValue(name)
	if !allDigits(s) {
		return 0, taskbox.Errorf(taskbox.ENOTFOUND, "%s not found.", what)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, taskbox.Errorf(taskbox.ENOTFOUND, "%s not found.", what)
	}
	return id, nil
}

// array reads a required array field; a missing or non-array field is
// recorded and yields nil.
func (o object) array(name string) []json.RawMessage {
	v := o.raw(name)
	if v == nil {
		o.fe.Add(o.prefix+name, "is required")
		return nil
	}
	var items []json.RawMessage
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		o.fe.Add(o.prefix+name, "must be an array")
		return nil
	}
	return items
}

// recurrence reads a task's recurrence, {"rule", "from"}; nil when absent
// or null (or malformed, which it records).
func (o object) recurrence() *taskbox.Recurrence {
	raw := o.raw("recurrence")
	if raw == nil {
		return nil
	}
	ro, ok := o.sub(raw, o.prefix+"recurrence")
	if !ok {
		return nil
	}
	r := &taskbox.Recurrence{}
	if rule := ro.string("rule", true); rule != nil {
		r.Rule = *rule
	}
	if from := ro.string("from", false); from != nil {
		if r.From = *from; r.From == "" {
			ro.fe.Add(ro.prefix+"from", "must be due or completion") // "" would read as absent
		}
	}
	return r
}

// reminders reads a task's reminders, an array of strings; empty when
// absent or null.
func (o object) reminders() []string {
	v := o.raw("reminders")
	if v == nil {
		return []string{}
	}
	var items []json.RawMessage
	if v[0] != '[' || json.Unmarshal(v, &items) != nil {
		o.fe.Add(o.prefix+"reminders", "must be an array of ISO 8601 durations")
		return nil
	}
	out := make([]string, len(items))
	for i, raw := range items {
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &out[i]) != nil {
			o.fe.Add(fmt.Sprintf("%sreminders[%d]", o.prefix, i), "must be a string")
		}
	}
	return out
}
