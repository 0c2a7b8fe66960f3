package httpapi

import (
	"errors"
	"net/http"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleSmartLeadHook is POST /hooks/smartlead/{token}: SmartLead's events.
// It stores the event and answers; the worker processes it later (see
// store.ProcessInbound), so the answer is fast and a crash after it loses
// nothing.
func (s *Server) handleSmartLeadHook(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > MaxHookBody {
		s.Error(w, r, taskbox.Errorf(taskbox.ETOOLARGE, "The request body is larger than %d bytes.", MaxHookBody))
		return
	}
	e, err := decodeSmartLead(http.MaxBytesReader(w, r.Body, MaxHookBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.Error(w, r, taskbox.Errorf(taskbox.ETOOLARGE, "The request body is larger than %d bytes.", MaxHookBody))
		return
	case err != nil && taskbox.ErrorCode(err) == taskbox.EBADREQUEST:
		s.Error(w, r, err)
		return
	case err != nil:
		s.Error(w, r, taskbox.Errorf(taskbox.EBADREQUEST, "The request body is not valid JSON."))
		return
	}
	stored, err := s.SmartLead.ReceiveSmartLead(r.Context(), r.PathValue("token"), e)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if s.metrics != nil {
		s.metrics.received(e.EventType, stored)
	}
	writeJSON(w, http.StatusOK, struct {
		OK bool `json:"ok"`
	}{true})
}

// handleConnectSmartLead is POST /api/v1/integrations/smartlead (admin):
// the URL to paste into SmartLead, with a new token each time.
func (s *Server) handleConnectSmartLead(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	body, err := readOptionalBody(w, r, MaxBody)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var secret *string
	if len(strings.TrimSpace(string(body))) > 0 {
		o, err := decodeObject(body, &fe)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		secret = o.string("secret_key", false)
		if secret != nil && !taskbox.SmartLeadSecretFits(*secret) {
			fe.Add("secret_key", taskbox.SmartLeadSecretRule)
		}
		if fe != nil {
			s.Error(w, r, fe.Err())
			return
		}
	}
	out, err := s.SmartLead.ConnectSmartLead(r.Context(), secret)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out.URL = taskbox.SmartLeadHookURL(s.BaseURL, r.TLS != nil, r.Host, out.Token)
	writeData(w, out)
}

// handleSmartLeadEvents is GET /api/v1/integrations/smartlead/events: a
// page of the events received, newest first (limit 1–100, default 50;
// cursor from the "next_cursor" of the page before, null on the last).
func (s *Server) handleSmartLeadEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(q.Get("limit"), "limit", 50, 1, 100)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	page, err := s.SmartLead.ListSmartLeadEvents(r.Context(), limit, q.Get("cursor"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OK         bool                    `json:"ok"`
		Data       []*taskbox.InboundEvent `json:"data"`
		NextCursor *string                 `json:"next_cursor"`
	}{true, page.Events, page.NextCursor})
}
