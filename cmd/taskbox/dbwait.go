package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/taskboxhq/taskbox/internal/store"
)

// handlerGate serves whichever handler was set last: httpapi.Starting while
// serve waits for its database, then the API.
type handlerGate struct{ h atomic.Pointer[http.Handler] }

func (g *handlerGate) set(h http.Handler) { g.h.Store(&h) }

func (g *handlerGate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*g.h.Load()).ServeHTTP(w, r)
}

// dbRetryMax is the longest pause between two attempts to reach the database.
const dbRetryMax = 5 * time.Second

// openDBWaiting opens and migrates the database of --db. A PostgreSQL server
// that cannot be reached (refused, down, starting, unknown host, a login
// it refuses) is tried again, after 100 ms, then twice as long each time up
// to 5 s, for up to wait; every other failure, or the last one, is
// returned. An SQLite file is not waited for: what keeps it from opening
// (a missing directory, permissions) does not pass by itself.
func (m *Main) openDBWaiting(ctx context.Context, wait time.Duration, logger *slog.Logger, addr net.Addr, opts ...store.Option) (*store.DB, error) {
	deadline := time.Now().Add(wait)
	pause := 100 * time.Millisecond
	for {
		db, err := m.openDB(ctx, opts...)
		if err == nil || !store.IsPostgres(m.DB) || !store.IsUnavailable(err) || time.Now().Add(pause).After(deadline) {
			return db, err
		}
		logger.Warn("waiting for the database; answering 503 meanwhile", "addr", addr.String(),
			"db", store.Redact(m.DB), "retry_in", pause.String(), "gives_up_in", time.Until(deadline).Round(time.Second).String(), "err", err)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, dbRetryMax)
	}
}
