// Package web serves the master inbox in a browser: server-rendered pages
// (html/template) with a little plain JavaScript and CSS, all embedded in
// the binary. Its handlers call the same domain services as the JSON API,
// on behalf of the person signed in with an API key.
package web

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/olebedev/when"
	taskbox "github.com/taskboxhq/taskbox"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// DefaultIdleTimeout is how long a session lasts without a request.
const DefaultIdleTimeout = 12 * time.Hour

// DefaultPageSize is how many tasks a section shows before "Show more".
const DefaultPageSize = 25

// Owners reads and sets the owners of lead maps.
type Owners interface {
	taskbox.OwnerService
	LeadOwner(ctx context.Context, leadMapID int64) (*taskbox.LeadOwner, error)
}

// Server holds the services the pages call. main wires it once.
type Server struct {
	Accounts   taskbox.AccountService
	Campaigns  taskbox.CampaignService
	Leads      taskbox.LeadService
	Search     taskbox.LeadSearcher
	Tasks      taskbox.TaskService
	Inbox      taskbox.InboxService
	Notes      taskbox.NoteService
	Categories taskbox.CategoryService
	Members    taskbox.MemberService
	Owners     Owners
	People     taskbox.PasswordSignIn
	// SmartLead and Rules serve the SmartLead settings page.
	SmartLead taskbox.SmartLeadService
	Rules     taskbox.RuleService
	// BaseURL is the server's public address, which the SmartLead URL
	// starts with; "" means the address the request came to.
	BaseURL string
	// Counter and Replies default to Inbox and Deleter to Tasks when they
	// have those methods (store.DB does). Without Replies, rows show no
	// reply.
	Counter taskbox.TaskCounter
	Deleter taskbox.TaskBulkDeleter
	Replies taskbox.ReplyReader
	// Sessions remembers signed-out sessions; without it signing out only
	// clears the browser's cookie.
	Sessions taskbox.WebSessionService
	// Notices are the reminders shown atop the inbox until dismissed
	// (nil: none).
	Notices taskbox.NoticeService
	Logger  *slog.Logger
	// Key seals and signs session cookies; every server of one database
	// must use the same key (store.DB.WebSessionKey).
	Key []byte
	// IdleTimeout ends a session after this long without a request.
	IdleTimeout time.Duration
	PageSize    int // 0 means DefaultPageSize
	// SignInBurst failed sign-ins from one client address are answered,
	// then one every SignInEvery; the others get a 429 page. 0 means
	// DefaultSignInBurst and DefaultSignInEvery.
	SignInBurst int
	SignInEvery time.Duration
	// RateLimit limits a signed-in person's requests (pages and form
	// posts) by the session's API key: serve hands it the API's limiter,
	// so that a key's pages and API calls share one budget. Nil: none.
	RateLimit KeyLimiter
	// MailKey signs the unsubscribe links of mails (store.DB.MailKey), and
	// Unsubscribe turns a digest off for one; nil: the links are refused.
	MailKey     []byte
	Unsubscribe Unsubscriber

	pages    *pageSet
	sessions *sealer
	signIns  *signInLimiter
	static   http.Handler
	assets   map[string]string // static file name → versioned URL
	dates    *when.Parser      // reads quick add's due dates
}

// KeyLimiter limits requests per API key (httpapi.RateLimiter).
type KeyLimiter interface {
	// Take takes one request of the key at now; a wait over 0 refuses it
	// and says how long until the key may make one.
	Take(keyID int64, now time.Time) (wait time.Duration)
}

// noLimit is the KeyLimiter of a Server without RateLimit.
type noLimit struct{}

func (noLimit) Take(int64, time.Time) time.Duration { return 0 }

// Handler returns the pages with their security headers. Paths it does not
// know get an HTML 404.
func (s *Server) Handler() (http.Handler, error) {
	if s.IdleTimeout <= 0 {
		s.IdleTimeout = DefaultIdleTimeout
	}
	if s.PageSize <= 0 {
		s.PageSize = DefaultPageSize
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	s.signIns = newSignInLimiter(s.SignInBurst, s.SignInEvery)
	s.dates = newDateReader()
	if s.Counter == nil {
		s.Counter, _ = s.Inbox.(taskbox.TaskCounter)
	}
	if s.Deleter == nil {
		s.Deleter, _ = s.Tasks.(taskbox.TaskBulkDeleter)
	}
	if s.Replies == nil {
		s.Replies, _ = s.Inbox.(taskbox.ReplyReader)
	}
	if s.Counter == nil {
		s.Counter = unwired{}
	}
	if s.Deleter == nil {
		s.Deleter = unwired{}
	}
	if s.RateLimit == nil {
		s.RateLimit = noLimit{}
	}
	var err error
	if s.sessions, err = newSealer(s.Key); err != nil {
		return nil, err
	}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(s.assets); err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	return securityHeaders(cop.Handler(s.textOnly(s.routes()))), nil
}

// routes lists every page and form target.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", s.static)
	mux.HandleFunc("GET /{$}", s.handleInbox)
	mux.HandleFunc("POST /signin", s.handleSignIn)
	mux.HandleFunc("POST /signout", s.form(s.handleSignOut))
	mux.HandleFunc("GET /setup/{token}", s.handleSetupPage)
	mux.HandleFunc("POST /setup/{token}", s.handleSetup)
	mux.HandleFunc("GET /leads/suggest", s.signedIn(s.handleSuggest))
	mux.HandleFunc("GET /focus", s.signedIn(s.handleFocus))
	mux.HandleFunc("POST /tasks", s.form(s.handleAddTask))
	mux.HandleFunc("GET /tasks/parse", s.signedIn(s.handleParse))
	mux.HandleFunc("POST /tasks/quick", s.form(s.handleQuickAdd))
	mux.HandleFunc("POST /tasks/bulk", s.form(s.handleBulk))
	mux.HandleFunc("POST /tasks/bulk-complete", s.form(s.handleBulkComplete))
	mux.HandleFunc("GET /tasks/{id}", s.signedIn(s.handleTaskPage))
	mux.HandleFunc("POST /tasks/{id}", s.form(s.handleEditTask))
	mux.HandleFunc("POST /tasks/{id}/inline", s.form(s.handleInlineEdit))
	mux.HandleFunc("POST /tasks/{id}/complete", s.form(s.handleSetStatus(taskbox.StatusCompleted)))
	mux.HandleFunc("POST /tasks/{id}/reopen", s.form(s.handleSetStatus(taskbox.StatusPending)))
	mux.HandleFunc("POST /tasks/{id}/assign", s.form(s.handleAssign))
	mux.HandleFunc("POST /tasks/{id}/owner", s.form(s.handleLeadOwner))
	mux.HandleFunc("POST /notices/{id}/dismiss", s.form(s.handleDismissNotice))
	mux.HandleFunc("POST /tasks/{id}/snooze", s.form(s.handleSnooze))
	mux.HandleFunc("POST /tasks/{id}/unsnooze", s.form(s.handleUnsnooze))
	mux.HandleFunc("GET /tasks/{id}/delete", s.signedIn(s.handleConfirmDelete))
	mux.HandleFunc("POST /tasks/{id}/delete", s.form(s.handleDeleteTask))
	mux.HandleFunc("GET /leads/{id}", s.signedIn(s.handleLeadPage))
	mux.HandleFunc("POST /notes", s.form(s.handleAddNote))
	mux.HandleFunc("POST /lead-maps/{id}/category", s.form(s.handleSetCategory))
	mux.HandleFunc("GET /settings", s.signedIn(s.handleSettingsPage))
	mux.HandleFunc("POST /settings", s.form(s.handleSettings))
	mux.HandleFunc("GET /unsubscribe/{token}", s.handleUnsubscribePage)
	mux.HandleFunc("POST /unsubscribe/{token}", s.handleUnsubscribe)
	if s.SmartLead != nil && s.Rules != nil {
		mux.HandleFunc("GET /settings/smartlead", s.signedIn(s.handleSmartLeadPage))
		mux.HandleFunc("POST /settings/smartlead/connect", s.form(s.handleConnectSmartLead))
		mux.HandleFunc("POST /settings/smartlead/rules/{id}", s.form(s.handleEditRule))
		mux.HandleFunc("POST /settings/smartlead/rules/{id}/enabled", s.form(s.handleRuleEnabled))
	}
	mux.HandleFunc("/", s.handleNotFound)
	return mux
}

// securityHeaders sets what every page needs: no inline script or style, no
// framing, no sniffing, no referrer to other sites, and no caching of pages
// that show an account's tasks.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// unwired stands for a service main did not wire: its pages fail with a
// logged internal error rather than a panic.
type unwired struct{}

var errUnwired = errors.New("web: the inbox service cannot count tasks or the task service bulk-delete them: set Server.Counter and Server.Deleter")

func (unwired) CountTasks(context.Context, taskbox.TaskFilter) (int, error) { return 0, errUnwired }
func (unwired) DeleteTasks(context.Context, []int64) error                  { return errUnwired }
func (unwired) CountSections(context.Context, taskbox.TaskFilter) (*taskbox.Summary, error) {
	return nil, errUnwired
}
