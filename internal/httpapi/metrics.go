package httpapi

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	taskbox "github.com/taskboxhq/taskbox"
)

// metrics are the API's Prometheus collectors, registered on the
// Server's registry, which main creates and other parts of the program
// (webhook delivery) register their own collectors on.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	created  prometheus.Counter
	inbound  *prometheus.CounterVec
	handler  http.Handler
}

// newMetrics registers the API's collectors on reg.
func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "taskbox_http_requests_total",
			Help: "HTTP requests answered, by route (the route's pattern, never a raw path) and status code.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "taskbox_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		created: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "taskbox_tasks_created_total",
			Help: "Tasks created (create-task and bulk-create; replayed Idempotency-Key answers are not counted).",
		}),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "taskbox_smartlead_events_received_total",
			Help: "SmartLead events received, by event type (other for types taskbox does not act on) and whether they were stored or repeats.",
		}, []string{"event_type", "result"}),
		handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}),
	}
	reg.MustRegister(m.requests, m.duration, m.created, m.inbound)
	return m
}

// statusLabels are the label values of the statuses taskbox answers, so
// that counting a request formats nothing.
var statusLabels = func() map[int]string {
	m := map[int]string{}
	for _, s := range []int{200, 301, 304, 307, 308, 400, 401, 404, 405, 409, 413, 422, 429, 500, 503} {
		m[s] = strconv.Itoa(s)
	}
	return m
}()

// observe counts one answered request. pattern is the mux's pattern of the
// route that served it, "" when none matched.
func (m *metrics) observe(pattern string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if pattern == "" {
		pattern = "unmatched"
	}
	code, ok := statusLabels[status]
	if !ok {
		code = strconv.Itoa(status)
	}
	m.requests.WithLabelValues(pattern, code).Inc()
	m.duration.WithLabelValues(pattern).Observe(took.Seconds())
}

// tasksCreated counts n new tasks unless the answer was replayed.
func (m *metrics) tasksCreated(n int, idem *taskbox.Idempotency) {
	if m == nil || (idem != nil && idem.Replayed) {
		return
	}
	m.created.Add(float64(n))
}

// handleMetrics is GET /metrics, in Prometheus's text format.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if s.metrics == nil {
		s.Error(w, r, taskbox.Errorf(taskbox.ENOTFOUND, "Metrics are not enabled on this server."))
		return
	}
	s.metrics.handler.ServeHTTP(w, r)
}

// received counts a SmartLead event received.
func (m *metrics) received(eventType string, stored bool) {
	if !slices.Contains(taskbox.SmartLeadEventTypes, eventType) {
		eventType = "other"
	}
	result := "repeat"
	if stored {
		result = "stored"
	}
	m.inbound.WithLabelValues(eventType, result).Inc()
}
