package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	// A declared length is read into a buffer of that size: growing one
	// as io.ReadAll does would hold up to twice a bulk body.
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge
	} else if err != nil {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The request body could not be read.")
	}
	return buf.Bytes(), nil
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

// memberID reads an optional member id that may be null: whether it is
// present (null included) and the id, 0 for null. An id that is not a
// positive integer is recorded.
func (o object) memberID(name string) (set bool, id int64) {
	if !o.has(name) {
		return false, 0
	}
	if o.raw(name) == nil {
		return true, 0
	}
	if id = o.int64(name, false); id <= 0 && !o.fe.Has(o.prefix+name) {
		o.fe.Add(o.prefix+name, "must be a team member id (an integer greater than 0) or null")
	}
	return true, id
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
	if loneSurrogate(v) {
		o.fe.Add(o.prefix+name, LoneSurrogateRule)
		return nil
	}
	return &s
}

// LoneSurrogateRule is the 422 of a text holding half a surrogate pair.
const LoneSurrogateRule = `must be Unicode text: a \ud800–\udfff escape must be half of a surrogate pair`

// loneSurrogate reports whether raw, valid JSON, holds a \u escape of a
// UTF-16 surrogate that is not half of a pair ("\ud800", "\udc00\ud800").
// encoding/json turns one silently into U+FFFD, and what is stored must be
// what was sent (as with invalid UTF-8, decodeObject), so it is refused.
func loneSurrogate(raw []byte) bool {
	for i := bytes.IndexByte(raw, '\\'); i >= 0 && i < len(raw)-1; {
		if raw[i] != '\\' {
			i++
			continue
		}
		if raw[i+1] != 'u' || i+6 > len(raw) {
			i += 2 // \" \\ \n …: the escaped byte is no escape's start
			continue
		}
		switch r := hex4(raw[i+2 : i+6]); {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			if i+12 > len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return true
			}
			if low := hex4(raw[i+8 : i+12]); low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 12
		default:
			i += 6
		}
	}
	return false
}

// hex4 reads four hex digits; -1 for anything else.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return -1
		}
	}
	return r
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

// array reads a required array field of at most max entries. A missing or
// non-array field is recorded and yields nil. An array of more than max
// entries is recorded as tooMany says ("must hold at most 1000 tasks") and
// yields tooLong: it is found by counting entries up to max+1 without
// decoding any, so that a body of millions of tiny entries costs no more
// than its bytes. The entries are slices of the field's JSON, not copies.
func (o object) array(name string, max int, tooMany string) (items []json.RawMessage, tooLong bool) {
	v := o.raw(name)
	if v == nil {
		o.fe.Add(o.prefix+name, "is required")
		return nil, false
	}
	items, n := splitArray(v, max)
	switch {
	case n < 0:
		o.fe.Add(o.prefix+name, "must be an array")
	case n > max:
		o.fe.Add(o.prefix+name, tooMany)
		return nil, true
	}
	return items, false
}

// splitArray returns the entries of raw, valid JSON, when it is an array,
// and how many it holds; it stops at max+1 entries, returning max+1 and no
// entries. n is -1 when raw is not an array.
func splitArray(raw json.RawMessage, max int) (items []json.RawMessage, n int) {
	raw = bytes.TrimSpace(raw)
	if len(raw) < 2 || raw[0] != '[' {
		return nil, -1
	}
	body := raw[1 : len(raw)-1] // valid JSON: the last byte is the closing ]
	for start := 0; start < len(body); {
		end := valueEnd(body, start)
		item := bytes.TrimSpace(body[start:end])
		if len(item) == 0 {
			break // [ ] holds nothing
		}
		if n++; n > max {
			return nil, n
		}
		items = append(items, json.RawMessage(item))
		start = end + 1 // past the comma
	}
	return items, n
}

// valueEnd returns the index in b, the inside of a valid JSON array, of the
// comma that ends the entry starting at start, or len(b) for the last one.
func valueEnd(b []byte, start int) int {
	depth, inString := 0, false
	for i := start; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
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
		case ',':
			if depth == 0 {
				return i
			}
		}
	}
	return len(b)
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
