package events

import (
	"context"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// The events package asks of the database only what each part needs;
// *store.DB has all of it, and a test can give the worker a fake.

// Outbox turns task changes and timers (TASK_DUE, unsnooze, reminders)
// into webhook deliveries.
type Outbox interface {
	// DispatchOutbox returns how many changes it dispatched; a change
	// that failed to dispatch makes the error a *store.OutboxError.
	DispatchOutbox(ctx context.Context, limit int) (int, error)
	// FireTimers returns how many timers of each kind it fired.
	FireTimers(ctx context.Context, limit int) (map[string]int, error)
}

// Deliveries is the queue of webhook deliveries.
type Deliveries interface {
	ClaimDeliveries(ctx context.Context, lease time.Duration, limit int) ([]*store.OutgoingDelivery, error)
	RecordAttempt(ctx context.Context, deliveryID int64, r store.AttemptResult) error
	DeleteOldDeliveries(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// Gauges reads the sizes the worker reports in /metrics.
type Gauges interface {
	QueueDepth(ctx context.Context) (outbox, pending int64, err error)
	ParkedOutbox(ctx context.Context) (int64, error)
}

// Inbound processes the SmartLead events the receiver stored.
type Inbound interface {
	ProcessInbound(ctx context.Context, limit int) (int, error)
}

// Store is what the Worker needs of the database, with its clock.
type Store interface {
	Outbox
	Inbound
	Deliveries
	Gauges
	Time() taskbox.Timestamp
}

// CalendarStore is what the Calendar needs of the database.
type CalendarStore interface {
	NewCalendarToken(ctx context.Context, idem *taskbox.Idempotency) (string, error)
	CalendarFeed(ctx context.Context, token string) (*taskbox.Account, []*taskbox.Task, error)
}

var (
	_ Store         = (*store.DB)(nil)
	_ CalendarStore = (*store.DB)(nil)
)
