package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
)

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests writes one access-log line per request and counts it in the
// metrics. The query is logged with api_key redacted, so that keys never
// reach the logs; the metrics name the route's pattern, never its path.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		// The mux set r.Pattern on this very request when a route matched.
		s.metrics.observe(r.Pattern, rec.status, time.Since(start))
		s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", redactPath(r.URL.Path)),
			slog.String("query", RedactQuery(r.URL.RawQuery)), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)), slog.String("remote", r.RemoteAddr))
	})
}

// redactPath hides a calendar feed's token and a SmartLead hook's, each
// its URL's only credential.
func redactPath(p string) string {
	if strings.HasPrefix(p, "/ical/") {
		return "/ical/REDACTED.ics"
	}
	if strings.HasPrefix(p, "/hooks/smartlead/") {
		return "/hooks/smartlead/REDACTED"
	}
	return p
}

// RedactQuery replaces the value of api_key in a raw query.
func RedactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "(unparsable query)"
	}
	for k := range q {
		if strings.EqualFold(k, "api_key") {
			q[k] = []string{"REDACTED"}
		}
	}
	return q.Encode()
}

// recoverPanics turns a panic in a handler into a logged 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Error(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// jsonFallback answers requests that match no route (404) or no method of a
// route (405) with the JSON error envelope instead of the mux's plain text.
func (s *Server) jsonFallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if clean := cleanPath(r.URL.Path); clean != r.URL.Path && r.Method != http.MethodConnect {
			s.uncleanPath(w, r, clean)
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &headerProbe{header: http.Header{}}
		h.ServeHTTP(probe, r)
		// A path of no route outside /api/ is the web inbox's; a wrong
		// method on a route of the API (POST /healthz) stays the API's 405.
		if probe.status == http.StatusNotFound && s.Web != nil && r.URL.Path != "/api" && !strings.HasPrefix(r.URL.Path, "/api/") {
			s.Web.ServeHTTP(w, r)
			return
		}
		if probe.status == http.StatusMethodNotAllowed && strings.HasPrefix(r.URL.Path, "/api/") && !servedPath(mux, r, probe.header.Get("Allow")) {
			probe.status = http.StatusNotFound
		}
		switch probe.status {
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", probe.header.Get("Allow"))
			s.Error(w, r, taskbox.Errorf(taskbox.EMETHOD, "Method %s is not allowed here.", r.Method))
		case http.StatusNotFound:
			s.Error(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "No such endpoint: %s %s.", r.Method, r.URL.Path))
		default: // a redirect the mux would make (a missing trailing slash)
			s.uncleanPath(w, r, probe.header.Get("Location"))
		}
	})
}

// uncleanPath answers a path that is not in its clean form (//api/…,
// /api/v1/../x), where the mux would redirect to the clean one with the
// query, api_key included, repeated in Location and in the body: the API's
// is a 404 in JSON (no client of the API sends such a path), a page's a
// redirect to the clean path without the query.
func (s *Server) uncleanPath(w http.ResponseWriter, r *http.Request, clean string) {
	clean, _, _ = strings.Cut(clean, "?")
	if s.Web == nil || clean == "/api" || strings.HasPrefix(clean, "/api/") || clean == "" {
		s.Error(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "No such endpoint: %s %s.", r.Method, r.URL.Path))
		return
	}
	w.Header().Set("Location", (&url.URL{Path: clean}).EscapedPath())
	w.WriteHeader(http.StatusMovedPermanently)
}

// cleanPath is p as ServeMux cleans it: rooted, without . and .. elements
// or doubled slashes, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// servedPath reports whether a route of one of the allowed methods serves
// r's path with an id in each of its wildcards. The mux answers 405 for
// any path a pattern of another method matches, also when the match is a
// wildcard taking a word for an id (POST /api/v1/leads/update-category
// against GET /api/v1/leads/{id}): such a path is none the API serves, and
// gets a 404 like any other.
func servedPath(mux *http.ServeMux, r *http.Request, allow string) bool {
	for _, m := range strings.Split(allow, ",") {
		other := r.WithContext(r.Context()) // a shallow copy
		other.Method = strings.TrimSpace(m)
		if _, pattern := mux.Handler(other); pattern != "" && idsInWildcards(pattern, r.URL.Path) {
			return true
		}
	}
	return false
}

// idsInWildcards reports whether each {wildcard} of pattern ("GET
// /api/v1/leads/{id}") holds a positive integer in path, which the
// pattern matches.
func idsInWildcards(pattern, path string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	want, got := strings.Split(p, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i, seg := range want {
		if strings.HasPrefix(seg, "{") && seg != "{$}" {
			if n, err := strconv.ParseInt(got[i], 10, 64); err != nil || n <= 0 || !allDigits(got[i]) {
				return false
			}
		}
	}
	return true
}

// headerProbe records what the mux's fallback handler would answer.
type headerProbe struct {
	header http.Header
	status int
}

func (p *headerProbe) Header() http.Header         { return p.header }
func (p *headerProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *headerProbe) WriteHeader(status int)      { p.status = status }

// auth runs h for the actor of the request's API key: the api_key query
// parameter, as SmartLead takes it, or an Authorization: Bearer header.
// A key over its rate limit gets 429, and so does an invalid key from an
// address that sent too many of them (keyFailed); a valid key is looked up
// first and never refused for its address's failures.
func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil || !taskbox.TextValues(q) {
			s.Error(w, r, taskbox.Errorf(taskbox.EBADREQUEST,
				"The query string is malformed: it must be name=value pairs joined by &, percent-encoded UTF-8 without NUL characters."))
			return
		}
		key := q.Get("api_key")
		if key == "" {
			// The scheme is case-insensitive (RFC 9110 §11.1): "bearer KEY" works too.
			if scheme, v, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
				key = strings.TrimSpace(v)
			}
		}
		var actor *taskbox.Actor
		if key == "" {
			err = taskbox.Errorf(taskbox.EUNAUTHORIZED, "Invalid API Key")
		} else {
			actor, err = s.Accounts.Authenticate(r.Context(), key)
		}
		if taskbox.ErrorCode(err) == taskbox.EUNAUTHORIZED {
			// Only a key that is definitely refused counts against the
			// address, after its lookup: a valid key always passes.
			err = s.keyFailed(w, r, err)
		}
		if err != nil {
			s.Error(w, r, err)
			return
		}
		if s.RateLimit != nil {
			if err := s.RateLimit.allow(w, actor.KeyID); err != nil {
				s.Error(w, r, err)
				return
			}
		}
		h(w, r.WithContext(taskbox.NewContextWithActor(r.Context(), actor)))
	}
}

// idempotency reads the Idempotency-Key header of a creating request. The
// request is identified by its method, path and body.
func idempotency(r *http.Request, body []byte) (*taskbox.Idempotency, error) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" {
		return nil, nil
	}
	if len(key) > taskbox.MaxIdempotencyKeyLen {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The Idempotency-Key header must be at most %d characters.", taskbox.MaxIdempotencyKeyLen)
	}
	if !utf8.ValidString(key) || strings.ContainsFunc(key, unicode.IsControl) {
		return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The Idempotency-Key header must be printable UTF-8 text.")
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
	h.Write(body)
	return &taskbox.Idempotency{Key: key, RequestHash: hex.EncodeToString(h.Sum(nil))}, nil
}

// markReplayed sets Idempotency-Replayed on an answer that was replayed.
func markReplayed(w http.ResponseWriter, idem *taskbox.Idempotency) {
	if idem != nil && idem.Replayed {
		w.Header().Set("Idempotency-Replayed", "true")
	}
}
