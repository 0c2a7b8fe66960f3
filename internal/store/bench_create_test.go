//go:build unix

package store_test

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// BenchmarkCreateTask creates tasks from 64 goroutines at once, as the
// load benchmark's connections do, so that the group commit gathers them
// into batches; the body is the load benchmark's (a past due date, a
// description, HIGH). ns/op is the wall time per task; cpu-µs/op is the
// process's CPU time (user and system) per task, the figure that other
// work on the machine disturbs least, to compare two versions of the write
// path with benchstat:
//
//	go test ./internal/store -run '^$' -bench CreateTask -count 6
func BenchmarkCreateTask(b *testing.B) {
	db := testdb.Open(b).DB
	f := newFixture(b, db, "bench", "UTC", 20)
	desc, due := "Send pricing breakdown for 50-seat plan", "2025-12-15T09:00:00Z"
	var n atomic.Int64
	create := func(b *testing.B) {
		i := n.Add(1)
		_, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{
			LeadMapID: f.mapIDs[int(i)%len(f.mapIDs)], Name: "Follow up on pricing", Description: &desc,
			Priority: taskbox.PriorityHigh, DueDate: &due,
		})
		if err != nil {
			b.Error(err)
		}
	}
	// 64 at once: the group commit's batches, as under the load benchmark.
	b.Run("64", func(b *testing.B) {
		parallel(b, func(int64) error { create(b); return nil })
	})
	// One at a time: a transaction and an fsync each, the cost of a lone
	// request. (Counting instructions with valgrind --tool=callgrind does
	// not repeat from run to run here: the Go scheduler's idle spinning
	// while SQLite waits for fsync is counted too.)
	b.Run("1", func(b *testing.B) {
		start := cpuTime(b)
		b.ResetTimer()
		for range b.N {
			create(b)
		}
		reportCPU(b, start)
	})
}

// BenchmarkCompleteTask completes and reopens tasks from 64 goroutines at
// once, as the mixed profile's completes do: unlike a create, which the
// batch gathers into one statement at its end, each runs its statements
// in turn inside the batch, so on PostgreSQL its round trips are what the
// figure shows (ns/op and cpu-µs/op as in BenchmarkCreateTask):
//
//	go test ./internal/store -run '^$' -bench CompleteTask -count 6
func BenchmarkCompleteTask(b *testing.B) {
	db := testdb.Open(b).DB
	f := newFixture(b, db, "bench", "UTC", 20)
	ids := make([]int64, 1024)
	for i := range ids {
		t, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[i%len(f.mapIDs)], Name: "Follow up", Priority: taskbox.PriorityHigh})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = t.ID
	}
	parallel(b, func(i int64) error {
		status := taskbox.StatusCompleted
		if i/int64(len(ids))%2 == 1 {
			status = taskbox.StatusPending
		}
		_, err := db.UpdateTask(f.ctx, ids[i%int64(len(ids))], &taskbox.TaskUpdate{Status: &status})
		return err
	})
}

// parallel runs fn from 64 goroutines at once, as the load benchmark's
// connections send requests, with i counting the calls from 1, and
// reports the CPU time per call; an error fails b.
func parallel(b *testing.B, fn func(i int64) error) {
	var n atomic.Int64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	start := cpuTime(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fn(n.Add(1)); err != nil {
				b.Error(err)
			}
		}
	})
	reportCPU(b, start)
}

// reportCPU stops b's timer and reports the CPU time per op since start.
func reportCPU(b *testing.B, start time.Duration) {
	b.StopTimer()
	b.ReportMetric(float64((cpuTime(b)-start).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReadTasks reads from 64 goroutines at once, as the mixed
// profile's lists and gets do, in an account of 1,000 pending tasks: a
// page of 20 (List) and one task by id (Get). allocs/op and cpu-µs/op
// compare two versions of the read path:
//
//	go test ./internal/store -run '^$' -bench ReadTasks -benchmem -count 6
func BenchmarkReadTasks(b *testing.B) {
	db := testdb.Open(b).DB
	f := newFixture(b, db, "bench", "UTC", 20)
	desc, due := "Send pricing breakdown for 50-seat plan", "2027-12-15T09:00:00Z"
	ids := make([]int64, 1000)
	for i := range ids {
		t, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[i%len(f.mapIDs)], Name: "Follow up on pricing",
			Description: &desc, Priority: taskbox.PriorityHigh, DueDate: &due})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = t.ID
	}
	read := func(b *testing.B, fn func(i int64) error) {
		b.ReportAllocs()
		parallel(b, fn)
	}
	b.Run("List", func(b *testing.B) {
		read(b, func(int64) error {
			page, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Limit: 20})
			if err == nil && len(page.Tasks) != 20 {
				err = fmt.Errorf("%d tasks, want 20", len(page.Tasks))
			}
			return err
		})
	})
	b.Run("Get", func(b *testing.B) {
		read(b, func(i int64) error {
			_, err := db.FindTaskByID(f.ctx, ids[i%int64(len(ids))])
			return err
		})
	})
}
