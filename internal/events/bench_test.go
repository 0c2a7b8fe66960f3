package events_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// BenchmarkCreateTaskWithWorker runs store.CreateTask from 32 goroutines
// per core with the event worker off and on (a webhook subscribed to every
// event, its receiver on 127.0.0.1), on the backend of the test run. "off"
// is what the outbox adds to the write itself (two columns of the audit
// INSERT); "on" adds the dispatcher's transactions and the delivery
// bookkeeping competing for the database.
//
//	go test ./internal/events -run '^$' -bench CreateTaskWithWorker -benchtime 5000x
func BenchmarkCreateTaskWithWorker(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("worker=%v", on), func(b *testing.B) {
			e := newEnv(b)
			e.db.Now = taskbox.Now
			r := newReceiver(b)
			e.subscribe(b, e.ctx, r)
			w := e.worker(true)
			if on {
				w.Start(context.Background())
				defer w.Stop()
			}
			var n atomic.Int64
			b.SetParallelism(32)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := e.db.CreateTask(e.ctx, &taskbox.TaskCreate{LeadMapID: e.mapID, Name: fmt.Sprintf("t%d", n.Add(1))}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			if on { // every event reaches the receiver
				for deadline := time.Now().Add(3 * time.Minute); r.count() < b.N && time.Now().Before(deadline); {
					time.Sleep(20 * time.Millisecond)
				}
				b.ReportMetric(float64(r.count())/time.Since(start).Seconds(), "delivered/s")
				if r.count() < b.N {
					outbox, pending, err := e.db.QueueDepth(context.Background())
					b.Errorf("%d of %d events delivered; %d changes not dispatched, %d deliveries pending (%v)", r.count(), b.N, outbox, pending, err)
				}
			}
		})
	}
}
