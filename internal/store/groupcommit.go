package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	taskbox "github.com/taskboxhq/taskbox"
)

// maxBatch and maxBatchTime bound how many write requests share one
// transaction, and for how long a batch takes more: the first request of
// a batch waits for its commit. The time only binds while requests keep
// waiting, and then mostly on PostgreSQL, where each update in the batch
// costs round trips: at 5 ms a batch of the mixed profile held about
// seven requests and cut off the rest of the queue, which waited about
// 40 ms for the next one; at 20 ms it holds about fifteen, and the
// profile serves 15-20% more (docs/performance.md, round eleven).
const (
	maxBatch     = 256
	maxBatchTime = 20 * time.Millisecond
)

// groupCommit is the single writer of this process (SQLite's only one; on
// PostgreSQL the one of this server, see openPostgres). Concurrent write requests queue up
// while a transaction runs and commits; the writer takes each into the
// transaction it is running, and commits once no request waits (see
// commit). A request that fails fails alone; its batch mates commit (see
// batch.run for how, without a savepoint each). Every request is
// answered only after the commit that holds its writes has returned
// (durable under synchronous=FULL), or with the error that kept it from
// committing. A lone request is not delayed: a batch never waits for
// requests, so under light load every batch holds one request, and under
// heavy load one fsync serves many.
type groupCommit struct {
	db      *DB
	reqs    chan *writeReq
	closing chan struct{}
	once    sync.Once
	done    sync.WaitGroup

	maxTime  time.Duration // maxBatchTime; tests lengthen it
	oneByOne bool          // the bench turned group commit off: batches of one

	batches, requests atomic.Uint64 // committed or failed, since start
	upkeep            atomic.Uint64 // steps of the dialect's upkeep run by the writers, since start

	// lastAt is the time (the store's clock, Unix µs) of the last batch
	// that committed, and restUntil the time before which the upkeep is
	// left alone (see tidy): the writers' clock without calling DB.Now,
	// which tests replace while the writers run.
	lastAt, restUntil atomic.Int64
}

// writeReq is a write request: a function to run in the batch's
// transaction, or a create-task that the batch inserts at its end.
type writeReq struct {
	ctx    context.Context
	fn     func(*Tx) error
	create *newTask
	reply  chan error
	err    error // fn's error, or the create's lead map not found
	// deadline is DB.Timeout after the request came, or its context's
	// deadline when sooner (zero: neither): a batch it starts waits for
	// the database (a connection, SQLite's write lock held elsewhere) only
	// until then, so that the wait in the queue and the wait for the lock
	// add up to DB.Timeout, not twice it.
	deadline time.Time
}

var errClosed = &taskbox.Error{Code: taskbox.EUNAVAILABLE, Message: "The server is shutting down."}

// startGroupCommit starts writers goroutines, each gathering and
// committing its own batches: one on SQLite, which has one writer; on
// PostgreSQL several, so that one batch's round trips to the server overlap
// another's.
func startGroupCommit(db *DB, writers int) *groupCommit {
	g := &groupCommit{db: db, reqs: make(chan *writeReq), closing: make(chan struct{}), maxTime: maxBatchTime}
	g.oneByOne = db.without.NoGroupCommit
	g.done.Add(writers)
	for range writers {
		go g.run()
	}
	return g
}

// errQueued answers a request that waited DB.Timeout for the writer.
var errQueued = &taskbox.Error{Code: taskbox.EUNAVAILABLE, Message: timeoutMessage}

// write runs fn in a write transaction shared with other requests and
// returns once that transaction committed or fn failed.
func (g *groupCommit) write(ctx context.Context, fn func(*Tx) error) error {
	return g.queue(ctx, &writeReq{fn: fn})
}

// create inserts n's task in a batch, with the batch's other creates in
// one statement at its end, and returns once that batch committed; n.t is
// then the task.
func (g *groupCommit) create(ctx context.Context, n *newTask) error {
	return g.queue(ctx, &writeReq{create: n})
}

// queue hands r to a writer and waits for its answer. The wait for the
// writer to take the request is bounded by DB.Timeout, as every other
// wait on the database is: a writer stuck on a stalled disk answers 503
// instead of holding every request.
func (g *groupCommit) queue(ctx context.Context, r *writeReq) error {
	// Once queued, the request runs to the end even if its caller gives up,
	// so that the answer always says whether the write committed.
	r.ctx, r.reply = context.WithoutCancel(ctx), make(chan error, 1)
	var timeout <-chan time.Time
	if dl, ok := ctx.Deadline(); ok {
		r.deadline = dl
	}
	if g.db.Timeout > 0 {
		if dl := time.Now().Add(g.db.Timeout); r.deadline.IsZero() || dl.Before(r.deadline) {
			r.deadline = dl
		}
		t := time.NewTimer(g.db.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case g.reqs <- r:
		return <-r.reply
	case <-timeout:
		return errQueued
	case <-ctx.Done():
		return ctx.Err()
	case <-g.closing:
		return errClosed
	}
}

// close stops the writer after the batch it is running; closing twice is
// harmless, as closing a *sql.DB twice is.
func (g *groupCommit) close() {
	g.once.Do(func() { close(g.closing) })
	g.done.Wait()
}

// run takes requests and commits their batches. When none waits, and
// the dialect's tidyEvery batches have committed since its upkeep last
// found nothing to do, it runs the upkeep (tidy), one bounded step at a
// time, until a request comes or nothing is left to do.
func (g *groupCommit) run() {
	defer g.done.Done()
	every := g.db.dialect.tidyEvery()
	untidy := 0 // batches committed since a step of upkeep found none left
	for {
		var first *writeReq
		select {
		case first = <-g.reqs:
		case <-g.closing:
			return
		default:
			if untidy >= every {
				if !g.tidy() {
					untidy = 0
				}
				continue
			}
			select {
			case first = <-g.reqs:
			case <-g.closing:
				return
			}
		}
		if g.commit(first) {
			untidy++
		}
	}
}

// tidy runs one step of the dialect's upkeep and reports whether more
// may be left (see dialect.tidy). After a step that found none left, it
// leaves the upkeep alone for the dialect's tidyPause.
func (g *groupCommit) tidy() bool {
	if g.db.without.NoTidy {
		return false
	}
	at := g.lastAt.Load()
	if at < g.restUntil.Load() {
		return false
	}
	now := time.UnixMicro(at)
	g.upkeep.Add(1)
	if g.db.dialect.tidy(context.Background(), g.db.write, now) {
		return true
	}
	if pause := g.db.dialect.tidyPause(); pause > 0 {
		g.restUntil.Store(now.Add(pause).UnixMicro())
	}
	return false
}

// Tidy runs the dialect's upkeep (see dialect.tidy) until none is left
// or ctx ends: what the writer does in its idle moments, at once. The
// load bench runs it after a preload, whose writes leave the writer no
// idle moment, so that the runs meet the database a server that had them
// would have (SQLite's search index merged, PostgreSQL's past day counts
// in one row), not the preload's leftovers. Its clock is DB.Now, with no
// pause between steps (tidyPause is the idle writer's).
func (db *DB) Tidy(ctx context.Context) error {
	for db.dialect.tidy(ctx, db.write, db.Now().Time) {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// commit runs first and the requests that come while it runs in one
// transaction, and answers every request. The batch takes each request
// that is waiting when the one before it is done, so that requests that
// arrive during a batch join it instead of waiting for its commit, until
// none waits, the batch holds maxBatch or it has run for maxBatchTime.
// Creates are gathered and inserted together at the batch's end (one
// statement on PostgreSQL), without a savepoint each: what fails a create
// alone (a lead map not the account's) leaves it out of the insert. A
// batch that fails otherwise runs its requests again, each alone.
func (g *groupCommit) commit(first *writeReq) (committed bool) {
	batch := []*writeReq{first}
	started := time.Now()
	var at time.Time
	err := g.db.inTxUntil(context.Background(), g.db.write, false, first.deadline, func(tx *Tx) error {
		at = tx.now.Time
		b := newBatch(tx)
		if err := b.run(first); err != nil {
			return err
		}
		for !g.oneByOne && len(batch) < maxBatch && time.Since(started) < g.maxTime {
			var r *writeReq
			select {
			case r = <-g.reqs:
			default:
			}
			if r == nil {
				break
			}
			batch = append(batch, r)
			if err := b.run(r); err != nil {
				return err
			}
		}
		return b.end()
	})
	g.batches.Add(1)
	g.requests.Add(uint64(len(batch)))
	if len(batch) > 1 && err != nil && taskbox.ErrorCode(err) != taskbox.EUNAVAILABLE {
		// The batch failed as a whole (PostgreSQL gave it up to break a
		// deadlock with another server's transaction, or a statement of
		// its end failed): requests that would each have succeeded alone
		// must not fail together, so each runs alone.
		for _, r := range batch {
			r.reply <- g.alone(r)
		}
		return true // some may have
	}
	for _, r := range batch {
		rerr := r.err
		if err != nil {
			rerr = err // the batch did not commit, so neither did this request
		}
		if conflicted(rerr) {
			// The request's own statement was chosen to break a deadlock
			// (in a batch of its own, or its batch failed with it): what
			// a retry resolves, it runs again, alone.
			rerr = g.alone(r)
		}
		r.reply <- rerr
	}
	if err == nil {
		g.lastAt.Store(at.UnixMicro())
	}
	return err == nil
}

// alone runs r in a transaction of its own: a batch of one.
func (g *groupCommit) alone(r *writeReq) error {
	r.err = nil // from the batch that did not commit
	err := g.db.inTx(context.Background(), g.db.write, false, func(tx *Tx) error {
		b := newBatch(tx)
		if err := b.run(r); err != nil {
			return err
		}
		return b.end()
	})
	if err != nil {
		return err
	}
	return r.err
}

// batch is a group-commit transaction as it gathers requests.
type batch struct {
	tx      *Tx
	creates []*newTask // creates gathered for the end
	reqs    []*writeReq
}

func newBatch(tx *Tx) *batch {
	tx.counts, tx.later = newDayCounts(), newLaterRows()
	return &batch{tx: tx}
}

// run runs one request of the batch, or gathers it if it is a create.
// Requests run without a savepoint each (on PostgreSQL a savepoint is a
// round trip of its own): a request refused (a taskbox error: a task not
// found, a field refused) before any statement of it wrote leaves nothing
// behind but the rows it gathered for the batch's end, which settle
// drops, and fails alone. One that fails after it wrote, or with the
// database's error (which on PostgreSQL aborts the transaction), fails
// the whole batch, which then runs each request alone (see commit). An
// error returned fails the whole batch.
func (b *batch) run(r *writeReq) error {
	tx := b.tx
	if r.create != nil {
		b.creates = append(b.creates, r.create.begin(tx.now))
		b.reqs = append(b.reqs, r)
		return nil
	}
	if tx.dialect.concurrentWriters() {
		// Another writer may have committed a webhook since the batch
		// began: each request reads the webhooks anew.
		tx.hookEvents = nil
	}
	tx.wrote = false
	r.err = call(r, tx)
	tx.settle(r.err == nil)
	if r.err != nil && (tx.wrote || taskbox.ErrorCode(r.err) == taskbox.EINTERNAL) {
		return r.err
	}
	return nil
}

// end inserts the gathered creates, then what the batch's requests left
// for its end: the rows they added, then the day counts.
func (b *batch) end() error {
	tx := b.tx
	if tx.dialect.concurrentWriters() {
		// As in run: webhooks committed meanwhile count, for the creates
		// and for the audit rows whose outbox the end decides.
		tx.hookEvents = nil
	}
	if len(b.creates) > 0 {
		if err := createTasks(tx.ctx, tx, b.creates); err != nil {
			return err
		}
		tx.settle(true)
		for i, n := range b.creates {
			if n.t.ID == 0 {
				b.reqs[i].err = notFound("Lead map")
			}
		}
	}
	return writeBatchEnd(tx.ctx, tx)
}

// WriteBatches returns how many transactions the group commit has run and
// how many write requests they held, since the store was opened: their
// quotient is the mean batch. Both are 0 where writes are not gathered.
func (db *DB) WriteBatches() (batches, requests uint64) {
	if db.writer == nil {
		return 0, 0
	}
	return db.writer.batches.Load(), db.writer.requests.Load()
}

// UpkeepSteps returns how many steps of idle upkeep (SQLite: merging the
// search index; PostgreSQL: merging past days' counts) the writers have
// run since the store was opened.
func (db *DB) UpkeepSteps() uint64 {
	if db.writer == nil {
		return 0
	}
	return db.writer.upkeep.Load()
}

// settle ends a request of the batch: what it left for the batch's end
// joins the batch's if it succeeded, and is dropped if it rolled back.
func (tx *Tx) settle(ok bool) {
	tx.counts.settle(ok)
	tx.later.settle(ok)
}

// call runs one request's function; a panic fails that request alone.
func call(r *writeReq, tx *Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in write transaction: %v", v)
		}
	}()
	return r.fn(tx)
}

// conflicted reports whether PostgreSQL aborted a transaction to break a
// deadlock or a serialization conflict, which a retry resolves.
func conflicted(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}
