// Package httpapi serves taskbox's JSON API: SmartLead's create-task
// endpoint, the task lifecycle, campaigns and leads.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server holds the services the handlers call. main wires it once.
type Server struct {
	Accounts  taskbox.AccountService
	Campaigns taskbox.CampaignService
	Leads     taskbox.LeadService
	Tasks     taskbox.TaskService
	Inbox     taskbox.InboxService
	DB        Pinger
	Logger    *slog.Logger
	RateLimit *RateLimiter // nil: no limit
	// Web, when set, answers every path outside /api/ that no API route
	// matches: the web inbox's pages.
	Web      http.Handler
	Webhooks taskbox.WebhookService
	Calendar CalendarFeeds
	// WebhookAllowPrivate accepts webhook URLs written with a loopback,
	// private or link-local address (serve --webhook-allow-private).
	WebhookAllowPrivate bool
}

// Handler returns the API with its middleware.
func (s *Server) Handler() http.Handler {
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
