package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// pageSet holds one template per page, each with the shared layout.
type pageSet struct {
	pages map[string]*template.Template
}

var pageNames = []string{"signin", "setup", "inbox", "task", "lead", "confirm", "error", "focus", "settings", "unsubscribe"}

func parsePages(assets map[string]string) (*pageSet, error) {
	funcs := template.FuncMap{
		"asset":    func(name string) string { return assets[name] },
		"priority": priorityWord,
		"preview":  preview,
		"leadName": leadName,
		"deref": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		},
		"args": func(v ...any) []any { return v },
		"repeatWords": func(r *taskbox.Recurrence) string {
			return "Repeats " + r.Words() + ", counted from the " + map[string]string{"due": "due date", "completion": "completion"}[r.From]
		},
		"itoa": func(i int64) string { return strconv.FormatInt(i, 10) },
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html",
		"templates/hooks.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		ps.pages[name] = t
	}
	return ps, nil
}

// loadAssets serves static/ with a version in each URL (a hash of the
// file), so that browsers may cache the files for long.
func (s *Server) loadAssets() error {
	s.assets = map[string]string{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.assets[path.Base(p)] = "/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	files := http.FileServerFS(staticFS)
	s.static = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			s.handleNotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
	return err
}

// layoutData is what the layout needs besides the page's own data.
type layoutData struct {
	Title  string
	CSRF   string
	Actor  *taskbox.Actor
	Flash  flash
	Page   any
	Return string
}

// render writes a page; pages are rendered into a buffer first, so that a
// template error becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data layoutData) {
	var buf bytes.Buffer
	if err := s.pages.pages[name].ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.Logger.Error("web: render", "page", name, "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// signInData is the sign-in page: where to go after, and a kept draft.
type signInData struct {
	Return  string
	Draft   url.Values
	Error   string
	Expired bool
	Email   string // as typed, kept after a failed password sign-in
}

// DraftList is the draft as ordered pairs, for hidden fields.
func (d signInData) DraftList() [][2]string {
	var out [][2]string
	for _, f := range draftFields {
		if v := d.Draft.Get(f); v != "" {
			out = append(out, [2]string{"draft_" + f, v})
		}
	}
	return out
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) {
	s.render(w, status, "signin", layoutData{Title: "Sign in", Page: d})
}

type errorData struct {
	Status  int
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, status, "error", layoutData{Title: http.StatusText(status), Page: errorData{status, msg},
		Actor: taskbox.ActorFromContext(r.Context())})
}

// fail answers a service error as a page: the domain's code picks the
// status, and only internal errors are logged with their detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch taskbox.ErrorCode(err) {
	case taskbox.ENOTFOUND:
		msg := "There is no such task in your inbox."
		if m := taskbox.ErrorMessage(err); strings.HasPrefix(m, "Lead") {
			msg = "There is no such lead in your campaigns."
		}
		s.renderError(w, r, http.StatusNotFound, msg)
	case taskbox.EUNAVAILABLE:
		s.renderError(w, r, http.StatusServiceUnavailable, "The database is not answering just now. Try again in a moment.")
	case taskbox.ERATELIMIT:
		var e *taskbox.Error
		if errors.As(err, &e) {
			w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		s.renderError(w, r, http.StatusTooManyRequests, taskbox.ErrorMessage(err))
	case taskbox.EBADREQUEST, taskbox.EINVALID:
		s.renderError(w, r, http.StatusBadRequest, taskbox.ErrorMessage(err))
	case taskbox.EFORBIDDEN:
		s.renderError(w, r, http.StatusForbidden, taskbox.ErrorMessage(err))
	default:
		s.Logger.Error("web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "Something went wrong on our side. It has been logged; try again.")
	}
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "There is no page here.")
}

// priorityWord is how a priority reads on the page.
func priorityWord(p taskbox.Priority) string {
	switch p {
	case taskbox.PriorityHigh:
		return "High"
	case taskbox.PriorityLow:
		return "Low"
	}
	return "Medium"
}

// preview is the first line of a description, cut at 140 characters.
func preview(d *string) string {
	if d == nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(*d), "\n")
	if r := []rune(line); len(r) > 140 {
		return string(r[:139]) + "…"
	}
	return line
}

// leadName is a lead's first and last name, as far as known.
func leadName(l *taskbox.TaskLead) string {
	if l == nil {
		return ""
	}
	var parts []string
	for _, p := range []*string{l.FirstName, l.LastName} {
		if p != nil && strings.TrimSpace(*p) != "" {
			parts = append(parts, strings.TrimSpace(*p))
		}
	}
	return strings.Join(parts, " ")
}
