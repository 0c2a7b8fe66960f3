package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleHealthz answers while the process is alive.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	writeData(w, map[string]string{"status": "alive"})
}

// handleReadyz answers 200 while the database answers, else 503.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Error(w, r, taskbox.Errorf(taskbox.EUNAVAILABLE, "The database is unreachable."))
		return
	}
	writeData(w, map[string]string{"status": "ready"})
}

// Starting answers every request while the server waits for its database
// at start: /healthz 200 (the process is alive), everything else, /readyz
// included, 503 SERVICE_UNAVAILABLE with Retry-After, in the error
// envelope. main swaps it for the API once the database answers.
func Starting() http.Handler {
	s := &Server{Logger: slog.New(slog.DiscardHandler)}
	unavailable := &taskbox.Error{Code: taskbox.EUNAVAILABLE, RetryAfter: 1,
		Message: "The server is starting: its database is not reachable yet."}
	return noSniff(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/healthz" {
			s.handleHealthz(w, r)
			return
		}
		s.Error(w, r, unavailable)
	}))
}
