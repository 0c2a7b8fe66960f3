package httpapi

import (
	"context"
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
