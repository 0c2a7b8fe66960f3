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
	// QueueDepth is the work waiting: task changes not yet dispatched
	// (queue="outbox") and deliveries not yet delivered (queue="deliveries").
	QueueDepth *prometheus.GaugeVec
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
			Help: "Timers fired by this server, by kind: due, unsnooze, task_reminder."}, []string{"kind"}),
		QueueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "taskbox_events_queue_depth",
			Help: "Task changes not yet dispatched (outbox) and webhook deliveries not yet delivered (deliveries)."}, []string{"queue"}),
	}
	if reg != nil {
		reg.MustRegister(m.Delivered, m.Failed, m.Retries, m.Attempts, m.Latency, m.DueFired, m.TimersFired, m.QueueDepth)
	}
	return m
}
