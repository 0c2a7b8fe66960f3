package httpapi

import (
	"net/http"
	"sync"

	taskbox "github.com/taskboxhq/taskbox"
)

// LargeBodyBudget bounds the bytes of bodies over MaxBody (bulk bodies, up
// to MaxBulkBody each) that the server holds at once: two bulk bodies of
// 10 MiB in flight, whatever the number of clients. Past it a bulk request
// is answered 503 with Retry-After before its body is read. A valid bulk
// body of 10 MiB is held several times over while it is decoded, stored and
// answered (its bytes, its fields, its tasks, the answer); twelve such
// requests at once peak at about 120 MB of resident memory
// (TestBulkBodiesMemory), where three budgets' worth reached 170 MB.
const LargeBodyBudget = 24 << 20

// bodyBudget is a semaphore of bytes.
type bodyBudget struct {
	mu    sync.Mutex
	left  int64
	total int64
}

func newBodyBudget(n int64) *bodyBudget { return &bodyBudget{left: n, total: n} }

// take reserves n bytes if they are left.
func (b *bodyBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

func (b *bodyBudget) give(n int64) {
	b.mu.Lock()
	b.left += n
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
		if !s.bodies.take(n) {
			s.Error(w, r, errBodiesBusy)
			return
		}
		defer s.bodies.give(n)
		h(w, r)
	}
}
