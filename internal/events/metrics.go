package events

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the event pipeline's Prometheus collectors.
type Metrics struct {
	// Delivered counts deliveries answered with a 2xx.
	Delivered prometheus.Counter
	// Failed counts deliveries whose retries ran out (status failed).
	Failed prometheus.Counter
	// Retries counts failed attempts that were scheduled again.
	Retries prometheus.Counter
	// Attempts counts every attempt by its result: success, http_error,
	// no_answer, refused.
	Attempts *prometheus.CounterVec
	// Latency is how long attempts took.
	Latency prometheus.Histogram
	// DueFired counts TASK_DUE events fired by this server.
	DueFired prometheus.Counter
	// TimersFired counts the timers this server fired, by kind (due,
	// unsnooze, …).
	TimersFired *prometheus.CounterVec
	// OutboxFailures counts failed tries to dispatch a task change.
	OutboxFailures prometheus.Counter
	// OutboxParked counts the task changes this server parked after
	// their last try (see store.OutboxTries).
	OutboxParked prometheus.Counter
	// QueueDepth is the work waiting: task changes not yet dispatched
	// (queue="outbox", the parked ones and those held behind them
	// included), deliveries not yet delivered (queue="deliveries"), and
	// parked task changes (queue="parked").
	QueueDepth *prometheus.GaugeVec
	// InboundProcessed counts SmartLead events processed by this server.
	InboundProcessed prometheus.Counter
	// MailsSent counts mails the mail server accepted; MailRetries the
	// failed attempts to be tried again; MailsFailed the mails given up
	// after their retries ran out.
	MailsSent, MailRetries, MailsFailed prometheus.Counter
}

// NewMetrics makes the collectors and registers them on reg (nil: none).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Delivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_webhook_deliveries_total",
			Help: "Webhook deliveries answered with a 2xx."}),
		Failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_webhook_failures_total",
			Help: "Webhook deliveries marked failed after their retries ran out."}),
		Retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_webhook_retries_total",
			Help: "Failed webhook attempts scheduled to be tried again."}),
		Attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "taskbox_webhook_attempts_total",
			Help: "Webhook delivery attempts by result: success, http_error, no_answer, refused."}, []string{"result"}),
		Latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "taskbox_webhook_attempt_duration_seconds",
			Help: "How long webhook delivery attempts took.", Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10}}),
		DueFired: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_task_due_fired_total",
			Help: "TASK_DUE events fired by this server."}),
		TimersFired: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "taskbox_timers_fired_total",
			Help: "Timers fired by this server, by kind: due, unsnooze, task_reminder, lead_reminder."}, []string{"kind"}),
		OutboxFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_outbox_failures_total",
			Help: "Failed tries to dispatch a task change into webhook deliveries."}),
		OutboxParked: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_outbox_parked_total",
			Help: "Task changes parked after failing to dispatch: they wait for taskbox outbox retry or drop."}),
		QueueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "taskbox_events_queue_depth",
			Help: "Task changes not yet dispatched (outbox), webhook deliveries not yet delivered (deliveries), parked task changes (parked)."}, []string{"queue"}),
		InboundProcessed: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_smartlead_events_processed_total",
			Help: "SmartLead events processed (mirrored, rules applied) by this server."}),
		MailsSent: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_mails_sent_total",
			Help: "Mails (digests, reminders) the mail server accepted."}),
		MailRetries: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_mail_retries_total",
			Help: "Failed attempts to send a mail (refused, server down) scheduled to be tried again."}),
		MailsFailed: prometheus.NewCounter(prometheus.CounterOpts{Name: "taskbox_mails_failed_total",
			Help: "Mails given up after their retries ran out."}),
	}
	if reg != nil {
		reg.MustRegister(m.Delivered, m.Failed, m.Retries, m.Attempts, m.Latency, m.DueFired, m.TimersFired, m.OutboxFailures, m.OutboxParked, m.QueueDepth, m.InboundProcessed,
			m.MailsSent, m.MailRetries, m.MailsFailed)
	}
	return m
}
