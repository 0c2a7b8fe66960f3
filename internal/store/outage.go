package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	taskbox "github.com/taskboxhq/taskbox"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// unavailable is the one place where an error of the database becomes
// SERVICE_UNAVAILABLE (503): the database cannot be reached, did not answer
// within DB.Timeout, or cannot store what it was given (a full or read-only
// disk). The caller sees a plain sentence; the cause stays in the chain for
// the log. Every other error passes unchanged, so a bug is still a 500.
//
// ctx is the context the failed work ran under: once its watchdog (or a
// deadline) ended it, whatever the driver made of that is a timeout.
func unavailable(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var e *taskbox.Error
	if errors.As(err, &e) {
		return err // already says what went wrong
	}
	msg := unavailableMessage(err)
	if msg == "" && errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		msg = timeoutMessage
	}
	if msg == "" {
		return err
	}
	return fmt.Errorf("%w: %w", &taskbox.Error{Code: taskbox.EUNAVAILABLE, Message: msg}, err)
}

// IsUnavailable reports whether err says that the database cannot be
// reached or cannot store (the errors answered 503), as opposed to a bug or
// a refusal such as a wrong password or a malformed URL.
func IsUnavailable(err error) bool {
	return taskbox.ErrorCode(err) == taskbox.EUNAVAILABLE || unavailableMessage(err) != ""
}

const (
	unreachableMessage = "The database is unavailable."
	timeoutMessage     = "The database did not answer in time."
	fullMessage        = "The database cannot store more data: its disk is full."
	readOnlyMessage    = "The database cannot be written: its disk is read-only or failing."
)

// unavailableMessage returns the sentence for an error of reaching or
// writing the database, or "" for any other error.
func unavailableMessage(err error) string {
	if errors.Is(err, context.Canceled) {
		return "" // the caller went away: not the database's fault
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return timeoutMessage
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteMessage(sqliteErr.Code())
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return postgresMessage(pgErr.Code)
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), // refused, reset, unknown host, or the server refused the login
		errors.As(err, &netErr),
		errors.Is(err, pgconn.ErrConnClosed), // the connection died under an earlier query
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), // the server hung up mid-answer
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		strings.Contains(err.Error(), errDBClosed): // the server is stopping
		return unreachableMessage
	}
	return ""
}

// errDBClosed is the text of database/sql's error for a closed pool, which
// it does not export.
const errDBClosed = "sql: database is closed"

// sqliteMessage: SQLite reports a full disk as SQLITE_FULL, a file or
// directory it may not write as SQLITE_READONLY, SQLITE_CANTOPEN or
// SQLITE_IOERR, and a lock that another process held past busy_timeout as
// SQLITE_BUSY. A constraint, a syntax error or a corrupt file is not an
// outage. code is an extended result code; its low byte is the primary one.
func sqliteMessage(code int) string {
	switch code & 0xff {
	case sqlite3.SQLITE_FULL:
		return fullMessage
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return readOnlyMessage
	case sqlite3.SQLITE_BUSY:
		return timeoutMessage
	}
	return ""
}

// postgresMessage classifies a SQLSTATE: class 08 (connection exception),
// class 53 (insufficient resources: disk full, out of memory, too many
// connections), 57P01-57P05 (the server shuts down, crashed, is starting,
// the database was dropped, idle too long), 57014 (a statement_timeout), and
// 25006 (a read-only transaction: the server is a standby after a failover).
func postgresMessage(state string) string {
	switch {
	case state == "53100":
		return fullMessage
	case state == "57014":
		return timeoutMessage
	case state == "25006":
		return readOnlyMessage
	case strings.HasPrefix(state, "08"), strings.HasPrefix(state, "53"), strings.HasPrefix(state, "57P"):
		return unreachableMessage
	}
	return ""
}

// watchdog ends a transaction's context once the database has kept it
// waiting for DB.Timeout: for a connection, for one statement, for the
// commit. Each statement starts a new wait, so a transaction of many quick
// statements (a bulk create of 1,000 tasks on a slow machine) may take
// longer than Timeout, while one statement that waits on a silent network
// or a lock held elsewhere fails after it.
type watchdog struct {
	timeout time.Duration
	timer   *time.Timer // nil without a timeout
}

// errStalled is the cause of a context that a watchdog ended.
var errStalled = fmt.Errorf("the database kept a statement waiting: %w", context.DeadlineExceeded)

// watch returns ctx under a new watchdog, and the function that stops both.
func (db *DB) watch(ctx context.Context) (context.Context, *watchdog, func()) {
	return db.watchUntil(ctx, time.Time{})
}

// watchUntil is watch whose first wait ends at first when that is sooner
// than DB.Timeout (and not zero); each progress then starts a full one.
func (db *DB) watchUntil(ctx context.Context, first time.Time) (context.Context, *watchdog, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	wd := &watchdog{timeout: db.Timeout}
	if wd.timeout > 0 {
		wait := wd.timeout
		if !first.IsZero() {
			wait = max(time.Millisecond, min(wait, time.Until(first)))
		}
		wd.timer = time.AfterFunc(wait, func() { cancel(errStalled) })
	}
	return ctx, wd, func() {
		if wd.timer != nil {
			wd.timer.Stop()
		}
		cancel(nil)
	}
}

// progress starts a new wait of the full timeout.
func (wd *watchdog) progress() {
	if wd != nil && wd.timer != nil {
		wd.timer.Reset(wd.timeout)
	}
}
