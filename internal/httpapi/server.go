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
}

// Handler returns the API with its middleware.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.logRequests(s.jsonFallback(s.routes())))
}
