package taskbox

import (
	"context"
	"net/url"
	"strconv"
	"strings"
)

// Webhook event types, as subscriptions name them and deliveries carry them.
const (
	EventTypeTaskCreated   = "TASK_CREATED"
	EventTypeTaskUpdated   = "TASK_UPDATED"
	EventTypeTaskCompleted = "TASK_COMPLETED"
	EventTypeTaskReopened  = "TASK_REOPENED"
	EventTypeTaskDeleted   = "TASK_DELETED"
	EventTypeTaskDue       = "TASK_DUE"
	EventTypeTaskAssigned  = "TASK_ASSIGNED"
	// EventTypeTaskUnsnoozed: a snoozed task's time came; it is back.
	EventTypeTaskUnsnoozed = "TASK_UNSNOOZED"
	// EventTypeTaskReminder: one of a task's reminders came.
	EventTypeTaskReminder = "TASK_REMINDER"
	EventTypeNoteCreated  = "NOTE_CREATED"
)

// WebhookEventTypes lists every event type a webhook can subscribe to.
var WebhookEventTypes = []string{
	EventTypeTaskCreated, EventTypeTaskUpdated, EventTypeTaskCompleted,
	EventTypeTaskReopened, EventTypeTaskDeleted, EventTypeTaskDue, EventTypeTaskAssigned,
	EventTypeNoteCreated, EventTypeTaskUnsnoozed, EventTypeTaskReminder, EventTypeLeadReminder,
}

// DefaultMaxWebhooks is how many webhooks an account may have unless the
// operator says otherwise (serve --max-webhooks). Each webhook is one more
// delivery of every event: uncapped, 300 webhooks made one bulk-create of
// 1,000 tasks into 300,000 deliveries.
const DefaultMaxWebhooks = 20

// WebhookCapError is the 422 of a webhook past the account's cap.
func WebhookCapError(max int) error {
	return ValidationError([]FieldError{{Field: "url", Message: "cannot be added: the account already has " + itoa(max) +
		" webhooks, the most it may have; delete one first"}})
}

// MaxWebhookURLLen bounds a webhook's URL, in bytes.
const MaxWebhookURLLen = 2048

// Webhook is a subscription of one account to some event types. Secret
// signs every delivery; it is returned only by CreateWebhook.
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt Timestamp `json:"created_at"`
}

// WebhookCreate is the body of POST /api/v1/webhooks.
type WebhookCreate struct {
	URL         string
	Events      []string
	Idempotency *Idempotency
}

// Validate checks the URL's form (http or https, with a host) and that the
// events are known and not repeated; a field that already has an error in
// fe (a type error from decoding) is not checked again. Whether the URL's address may be
// reached is decided at delivery time, on the resolved address.
func (c *WebhookCreate) Validate(fe *FieldErrors) {
	c.URL = strings.TrimSpace(c.URL)
	if fe.Has("url") {
		// a type error from decoding says it already
	} else if u, err := url.Parse(c.URL); c.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		fe.Add("url", "must be an absolute http or https URL without credentials")
	} else if len(c.URL) > MaxWebhookURLLen {
		fe.Add("url", "must be at most 2048 bytes")
	} else if !validPort(u.Port()) {
		fe.Add("url", "must have a port from 1 to 65535, or none")
	}
	if fe.Has("events") {
		return
	}
	if len(c.Events) == 0 {
		fe.Add("events", "must list at least one of "+strings.Join(WebhookEventTypes, ", "))
	}
	seen := make(map[string]bool, len(c.Events))
	for i, e := range c.Events {
		field := "events[" + itoa(i) + "]"
		switch {
		case fe.Has(field):
			// a type error from decoding
		case !knownEventType(e):
			fe.Add(field, "must be one of "+strings.Join(WebhookEventTypes, ", "))
		case seen[e]:
			fe.Add(field, "is listed twice")
		}
		seen[e] = true
	}
}

// validPort reports whether a URL's port is absent or 1–65535; url.Parse
// takes any digits (99999), which no connection can reach.
func validPort(p string) bool {
	if p == "" {
		return true
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

func knownEventType(e string) bool {
	for _, t := range WebhookEventTypes {
		if t == e {
			return true
		}
	}
	return false
}

// Event is what a delivery POSTs: one change of one task (or its due time
// arriving). Events that are not a task's carry other data (a NOTE_CREATED
// carries a NoteEventData). ID is the same on every retry, so receivers can deduplicate.
type Event struct {
	ID         string    `json:"event_id"`
	Type       string    `json:"event_type"`
	OccurredAt Timestamp `json:"occurred_at"`
	AccountID  int64     `json:"account_id"`
	Data       *Task     `json:"data"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // not yet delivered; NextRetryAt says when it is tried
	DeliveryDelivered = "delivered" // a 2xx answer was received
	DeliveryFailed    = "failed"    // retries ran out; it stays visible and can be re-sent
)

// WebhookDelivery is one event on its way to one webhook, with every attempt
// made so far.
type WebhookDelivery struct {
	ID        int64  `json:"id"`
	WebhookID int64  `json:"webhook_id"`
	EventID   string `json:"event_id"`
	EventType string `json:"event_type"`
	// TaskID names the task of a task's event; LeadMapID the lead map of
	// another event (NOTE_CREATED). Each is left out when it is 0.
	TaskID      int64             `json:"task_id,omitempty"`
	LeadMapID   int64             `json:"email_lead_map_id,omitempty"`
	Status      string            `json:"status"`
	Attempts    []DeliveryAttempt `json:"attempts"`
	NextRetryAt *Timestamp        `json:"next_retry_at"`
	CreatedAt   Timestamp         `json:"created_at"`
}

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At         Timestamp `json:"at"`
	StatusCode *int      `json:"status_code"` // nil: no answer (timeout, refused, …)
	LatencyMS  int64     `json:"latency_ms"`
	Error      *string   `json:"error"` // why it failed, in a sentence; nil on success
}

// WebhookService manages the webhooks of the actor's account.
type WebhookService interface {
	CreateWebhook(ctx context.Context, c *WebhookCreate) (*Webhook, error)
	ListWebhooks(ctx context.Context) ([]*Webhook, error)
	FindWebhookByID(ctx context.Context, id int64) (*Webhook, error)
	DeleteWebhook(ctx context.Context, id int64) error
	// ListDeliveries returns the webhook's deliveries, newest first.
	ListDeliveries(ctx context.Context, webhookID int64) ([]*WebhookDelivery, error)
	// Redeliver queues the delivery's event to be sent again now, with the
	// same event_id, whatever its state.
	Redeliver(ctx context.Context, webhookID, deliveryID int64) (*WebhookDelivery, error)
}

// CalendarToken names the account's iCalendar feed: GET /ical/{Token}.ics.
type CalendarToken struct {
	Token string `json:"token"`
	URL   string `json:"url"`
}

// CalendarService manages the feed token of the actor's account.
type CalendarService interface {
	// RotateCalendarToken makes a new token; the old one stops working at
	// once. With idem (may be nil) it runs at most once per key: the same
	// request again returns the same token.
	RotateCalendarToken(ctx context.Context, idem *Idempotency) (*CalendarToken, error)
}
