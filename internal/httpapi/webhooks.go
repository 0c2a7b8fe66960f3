package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/netguard"
)

// handleCreateWebhook is POST /api/v1/webhooks: the answer shows the
// signing secret, once.
func (s *Server) handleCreateWebhook(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := &taskbox.WebhookCreate{Idempotency: idem}
	if u := o.string("url", true); u != nil {
		c.URL = *u
	}
	// More entries than event types always repeat one: refused by length.
	types, _ := o.array("events", len(taskbox.WebhookEventTypes), fmt.Sprintf("must hold at most %d event types", len(taskbox.WebhookEventTypes)))
	for i, raw := range types {
		var e string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &e) != nil {
			fe.Add("events["+strconv.Itoa(i)+"]", "must be a string") // e stays "", keeping the indexes
		}
		c.Events = append(c.Events, e)
	}
	if c.Validate(&fe); !fe.Has("url") && !s.WebhookAllowPrivate {
		if msg := netguard.CheckURL(c.URL); msg != "" {
			fe.Add("url", msg)
		}
	}
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	hook, err := s.Webhooks.CreateWebhook(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	writeData(w, hook)
}

// handleListWebhooks is GET /api/v1/webhooks.
func (s *Server) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := s.Webhooks.ListWebhooks(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, hooks)
}

// handleGetWebhook is GET /api/v1/webhooks/{id}.
func (s *Server) handleGetWebhook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Webhook")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	hook, err := s.Webhooks.FindWebhookByID(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, hook)
}

// handleDeleteWebhook is DELETE /api/v1/webhooks/{id}.
func (s *Server) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Webhook")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Webhooks.DeleteWebhook(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, map[string]any{"id": id, "deleted": true})
}

// handleListDeliveries is GET /api/v1/webhooks/{id}/deliveries.
func (s *Server) handleListDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Webhook")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	ds, err := s.Webhooks.ListDeliveries(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, ds)
}

// handleRedeliver is POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver.
func (s *Server) handleRedeliver(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Webhook")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	did, err := strconv.ParseInt(r.PathValue("delivery_id"), 10, 64)
	if err != nil || did <= 0 || !allDigits(r.PathValue("delivery_id")) {
		s.Error(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "Delivery not found."))
		return
	}
	d, err := s.Webhooks.Redeliver(r.Context(), id, did)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, d)
}
