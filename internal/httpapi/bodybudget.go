package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// LargeBodyBudget bounds the bytes of bodies over MaxBody (bulk bodies, up
// to MaxBulkBody each) that the server holds at once: two bulk bodies of
// 10 MiB in flight, whatever the number of clients. A bulk request past it
// waits, its body unread, for up to DefaultLargeBodyWait for another to
// end, then is answered 503 with Retry-After. A valid bulk body of 10 MiB
// is held several times over while it is decoded, stored and answered (its
// bytes, its fields, its tasks, the answer); twelve such requests at once
// peak at about 120 MB of resident memory on SQLite and 165 MB on
// PostgreSQL (TestBulkBodiesMemory), where a budget of three bodies reached
// 170 MB on SQLite.
const LargeBodyBudget = 24 << 20

// DefaultLargeBodyWait is how long a bulk request waits for the budget
// (Server.LargeBodyWait).
const DefaultLargeBodyWait = 5 * time.Second

// bodyBudget is a semaphore of bytes.
type bodyBudget struct {
	mu    sync.Mutex
	left  int64
	freed chan struct{} // closed, and replaced, whenever bytes are given back
}

func newBodyBudget(n int64) *bodyBudget { return &bodyBudget{left: n, freed: make(chan struct{})} }

// take reserves n bytes, waiting for up to wait (or until ctx ends) for
// them to be given back; false when they were not.
func (b *bodyBudget) take(ctx context.Context, n int64, wait time.Duration) bool {
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		b.mu.Lock()
		if n <= b.left {
			b.left -= n
			b.mu.Unlock()
			return true
		}
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
		case <-t.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

func (b *bodyBudget) give(n int64) {
	b.mu.Lock()
	b.left += n
	close(b.freed)
	b.freed = make(chan struct{})
	b.mu.Unlock()
}

// errBodiesBusy answers a large body that the budget cannot hold now.
var errBodiesBusy = &taskbox.Error{Code: taskbox.EUNAVAILABLE, RetryAfter: 1,
	Message: "The server is busy with other large requests; retry after the time in Retry-After."}

// largeBody runs h, a handler of a bulk endpoint, with its body's bytes
// reserved from the server's budget when the body is over MaxBody: its
// declared length, or MaxBulkBody when it is sent without one (chunked).
// A body over MaxBulkBody is left to h, which refuses it (413) unread.
func (s *Server) largeBody(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n := r.ContentLength
		if n < 0 {
			n = MaxBulkBody
		}
		if n <= MaxBody || n > MaxBulkBody {
			h(w, r)
			return
		}
		wait := s.LargeBodyWait
		if wait <= 0 {
			wait = DefaultLargeBodyWait
		}
		if !s.bodies.take(r.Context(), n, wait) {
			s.Error(w, r, errBodiesBusy)
			return
		}
		defer s.bodies.give(n)
		h(w, r)
	}
}
