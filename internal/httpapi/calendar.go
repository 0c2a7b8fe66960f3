package httpapi

import (
	"context"
	"net/http"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// CalendarFeeds rotates feed tokens and renders feeds (events.Calendar).
type CalendarFeeds interface {
	taskbox.CalendarService
	Feed(ctx context.Context, token string) ([]byte, error)
}

// handleRotateCalendarToken is POST /api/v1/calendar/token: a new feed URL;
// the old one answers 404 from now on. It takes no body, but honours an
// Idempotency-Key as every creating POST does, with whatever body was sent
// as part of the request the key names.
func (s *Server) handleRotateCalendarToken(w http.ResponseWriter, r *http.Request) {
	body, err := readOptionalBody(w, r, MaxBody)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	idem, err := idempotency(r, body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	tok, err := s.Calendar.RotateCalendarToken(r.Context(), idem)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	writeData(w, tok)
}

// handleCalendarFeed is GET /ical/{token}.ics, for calendar apps: the token
// in the path is the only credential, as they cannot send a header.
func (s *Server) handleCalendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || token == "" {
		s.Error(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "Calendar not found."))
		return
	}
	feed, err := s.Calendar.Feed(r.Context(), token)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(feed)
}
