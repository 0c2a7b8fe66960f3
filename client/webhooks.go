package client

import (
	"context"

	taskbox "github.com/taskboxhq/taskbox"
)

// CreateWebhook is POST /api/v1/webhooks. The answer is the only one that
// carries the signing Secret.
func (cl *Client) CreateWebhook(ctx context.Context, c *taskbox.WebhookCreate) (*taskbox.Webhook, error) {
	events := c.Events
	if events == nil {
		events = []string{}
	}
	var out data[*taskbox.Webhook]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/webhooks", body: map[string]any{"url": c.URL, "events": events},
		idem: idemKey(c.Idempotency), replayed: replayedOf(c.Idempotency)}, &out)
	return out.Data, err
}

// ListWebhooks is GET /api/v1/webhooks.
func (cl *Client) ListWebhooks(ctx context.Context) ([]*taskbox.Webhook, error) {
	var out data[[]*taskbox.Webhook]
	err := cl.do(ctx, call{method: "GET", path: "/api/v1/webhooks"}, &out)
	return out.Data, err
}

// FindWebhookByID is GET /api/v1/webhooks/{id}.
func (cl *Client) FindWebhookByID(ctx context.Context, id int64) (*taskbox.Webhook, error) {
	var out data[*taskbox.Webhook]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/webhooks/%d", id)}, &out)
	return out.Data, err
}

// DeleteWebhook is DELETE /api/v1/webhooks/{id}.
func (cl *Client) DeleteWebhook(ctx context.Context, id int64) error {
	return cl.do(ctx, call{method: "DELETE", path: idPath("/api/v1/webhooks/%d", id), policy: unsafe}, nil)
}

// ListDeliveries is GET /api/v1/webhooks/{id}/deliveries, newest first.
func (cl *Client) ListDeliveries(ctx context.Context, webhookID int64) ([]*taskbox.WebhookDelivery, error) {
	var out data[[]*taskbox.WebhookDelivery]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/webhooks/%d/deliveries", webhookID)}, &out)
	return out.Data, err
}

// Redeliver is POST /api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver:
// the event is sent again now, with the same event_id.
func (cl *Client) Redeliver(ctx context.Context, webhookID, deliveryID int64) (*taskbox.WebhookDelivery, error) {
	var out data[*taskbox.WebhookDelivery]
	err := cl.do(ctx, call{method: "POST", path: idPath("/api/v1/webhooks/%d/deliveries/%d/redeliver", webhookID, deliveryID),
		policy: unsafe}, &out)
	return out.Data, err
}

// RotateCalendarToken is POST /api/v1/calendar/token: a new iCalendar feed
// token; the old one stops working at once. It is sent with an
// Idempotency-Key (idem's, or a random one) and retried as a create is:
// the server answers a retry with the token of the first rotation, which
// a second rotation would have revoked.
func (cl *Client) RotateCalendarToken(ctx context.Context, idem *taskbox.Idempotency) (*taskbox.CalendarToken, error) {
	var out data[*taskbox.CalendarToken]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/calendar/token", idem: idemKey(idem), replayed: replayedOf(idem)}, &out)
	return out.Data, err
}
