package httpapi

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkMetricsObserve is what the metrics add to each request: one
// counter and one histogram observation (compare with the tens of
// microseconds a create-task costs in BenchmarkCreateTask).
//
//	go test ./internal/httpapi -run '^$' -bench MetricsObserve
func BenchmarkMetricsObserve(b *testing.B) {
	m := newMetrics(prometheus.NewRegistry())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.observe("POST /api/v1/master-inbox/create-task", 200, 3*time.Millisecond)
		}
	})
}
