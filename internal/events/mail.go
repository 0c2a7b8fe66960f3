package events

import (
	"context"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/mail"
	"github.com/taskboxhq/taskbox/internal/store"
)

// MailQueue is the queue of mails (store.DB).
type MailQueue interface {
	ClaimMails(ctx context.Context, lease time.Duration, limit int) ([]*store.OutgoingMail, error)
	RecordMailAttempt(ctx context.Context, id int64, r store.MailResult) error
	DeleteOldMails(ctx context.Context, cutoff time.Time, limit int) (int64, error)
}

// MailSender sends one rendered mail (a *mail.Sender).
type MailSender interface {
	Send(ctx context.Context, m *mail.Message) error
}

// Mail is the worker's mail delivery: every tick it claims the mails
// whose time has come and sends them, retrying a refused or unreachable
// mail server with the worker's Policy, as webhooks are.
type Mail struct {
	Queue    MailQueue
	Sender   MailSender
	Renderer *mail.Renderer
}

// mailBatch bounds the mails one tick claims; each is sent in turn over
// its own connection.
const mailBatch = 10

var _ MailQueue = (*store.DB)(nil)

// sendMails claims and sends the mails due, in the background.
func (w *Worker) sendMails(ctx context.Context) {
	if w.Mail == nil || !w.mailing.TryLock() {
		return // off, or the last tick's mails are still going out
	}
	ms, err := w.Mail.Queue.ClaimMails(ctx, w.Lease, mailBatch)
	if err != nil || len(ms) == 0 {
		w.mailing.Unlock()
		if err != nil {
			w.warn(ctx, "claim mails", err)
		}
		return
	}
	w.done.Add(1)
	w.inflight.Add(1)
	go func() {
		defer func() { w.mailing.Unlock(); w.inflight.Done(); w.done.Done() }()
		for _, m := range ms {
			w.sendMail(ctx, m)
		}
	}()
}

// sendMail makes one attempt at a mail and records it.
func (w *Worker) sendMail(ctx context.Context, m *store.OutgoingMail) {
	r := store.MailResult{Status: taskbox.MailSent}
	msg, err := w.Mail.Renderer.Render(m.Kind, m.To, m.Data)
	if err == nil {
		err = w.Mail.Sender.Send(ctx, msg)
	}
	if ctx.Err() != nil {
		return // shutting down: the lease runs out and the mail is sent again
	}
	if err != nil {
		r.Error = err.Error()
		r.Status, r.NextAt = w.Policy.next(w.DB.Time().Time, m.RetrySince)
		if r.Status == taskbox.DeliveryFailed {
			r.Status = taskbox.MailFailed
			w.Metrics.MailsFailed.Inc()
			w.Logger.Error("mail given up after its retries", "mail", m.ID, "kind", m.Kind, "err", err)
		} else {
			w.Metrics.MailRetries.Inc()
			w.Logger.Warn("mail not sent; tried again later", "mail", m.ID, "kind", m.Kind, "next_try", r.NextAt, "err", err)
		}
	} else {
		w.Metrics.MailsSent.Inc()
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.Mail.Queue.RecordMailAttempt(rctx, m.ID, r); err != nil {
		w.Logger.Warn("record mail attempt", "mail", m.ID, "err", err)
	}
}
