// Package httpapi serves taskbox's JSON API: SmartLead's create-task
// endpoint, the task lifecycle, campaigns and leads.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/ratelimit"
)

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server holds the services the handlers call. main wires it once.
type Server struct {
	Accounts   taskbox.AccountService
	Campaigns  taskbox.CampaignService
	Leads      taskbox.LeadService
	Tasks      taskbox.TaskService
	Inbox      taskbox.InboxService
	Members    taskbox.MemberService
	Owners     taskbox.OwnerService
	Notes      taskbox.NoteService
	Categories taskbox.CategoryService
	DB         Pinger
	Logger     *slog.Logger
	RateLimit  *RateLimiter // nil: no limit
	// KeyFailures limits requests answered 401 per client address
	// (NewKeyFailures; nil: no limit).
	KeyFailures *ratelimit.Failures
	// Web, when set, answers every path outside /api/ that no API route
	// matches: the web inbox's pages.
	Web      http.Handler
	Webhooks taskbox.WebhookService
	Calendar CalendarFeeds
	// SmartLead is the integration's receiver and admin side; Rules its
	// rules. BaseURL, when set, starts the URL the integration hands out
	// (else the request's own host).
	SmartLead taskbox.SmartLeadService
	Rules     taskbox.RuleService
	BaseURL   string
	// LeadReminders serves SmartLead's set-reminder and reminders list.
	LeadReminders taskbox.LeadReminderService
	// WebhookAllowPrivate accepts webhook URLs written with a loopback,
	// private or link-local address (serve --webhook-allow-private).
	WebhookAllowPrivate bool
	// Metrics is the registry that GET /metrics serves and the API's
	// collectors join (nil: no metrics). main creates it, with the Go
	// runtime and process collectors, and hands it to whatever else
	// registers collectors.
	Metrics *prometheus.Registry

	// LargeBodyWait is how long a bulk request waits for the budget of
	// large bodies (LargeBodyBudget) before its 503; 0 means
	// DefaultLargeBodyWait.
	LargeBodyWait time.Duration

	metrics *metrics
	bodies  *bodyBudget // LargeBodyBudget
}

// Handler returns the API with its middleware.
// Call it once per Server: it registers the collectors on s.Metrics.
func (s *Server) Handler() http.Handler {
	if s.Metrics != nil && s.metrics == nil {
		s.metrics = newMetrics(s.Metrics)
	}
	s.bodies = newBodyBudget(LargeBodyBudget)
	return noSniff(s.recoverPanics(s.logRequests(s.jsonFallback(s.routes()))))
}

// noSniff tells browsers to take every answer for the type it declares:
// answers carry text exactly as clients stored it, HTML included, and must
// never be rendered as a page.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}
