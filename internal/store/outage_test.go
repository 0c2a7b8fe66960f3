package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	taskbox "github.com/taskboxhq/taskbox"
)

// unavailable turns every way of not reaching or not being able to write
// the database into SERVICE_UNAVAILABLE, and leaves everything else (a bug,
// a constraint, a missing row, a caller that went away) as it was. The
// SQLite errors are real ones, provoked on a scratch file; the PostgreSQL
// connect error is real too (nothing listens on port 1).
func TestUnavailable_Classifies(t *testing.T) {
	ctx := context.Background()
	sqliteErrs := provokeSQLiteErrors(t)
	_, connectErr := pgconn.Connect(ctx, "postgres://x@127.0.0.1:1/x?connect_timeout=2")
	if !errors.As(connectErr, new(*pgconn.ConnectError)) {
		t.Fatalf("connecting to port 1: %v, want a *pgconn.ConnectError", connectErr)
	}
	closed, _ := sql.Open("sqlite", ":memory:")
	closed.Close()
	closedErr := closed.Ping()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &net.OpError{Err: syscall.ECONNREFUSED}}
	cases := []struct {
		name string
		err  error
		want string // the code, "" for an error that must pass unchanged
	}{
		{"sqlite full", sqliteErrs["full"], taskbox.EUNAVAILABLE},
		{"sqlite read-only", sqliteErrs["readonly"], taskbox.EUNAVAILABLE},
		{"sqlite cannot open", sqliteErrs["cantopen"], taskbox.EUNAVAILABLE},
		{"sqlite busy", sqliteErrs["busy"], taskbox.EUNAVAILABLE},
		{"sqlite syntax error", sqliteErrs["syntax"], ""},
		{"sqlite unique violation", sqliteErrs["unique"], ""},
		{"postgres connect error", connectErr, taskbox.EUNAVAILABLE},
		{"connection refused", refused, taskbox.EUNAVAILABLE},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), taskbox.EUNAVAILABLE},
		{"server hung up", fmt.Errorf("failed to receive message: %w", io.ErrUnexpectedEOF), taskbox.EUNAVAILABLE},
		{"connection closed", fmt.Errorf("query: %w", pgconn.ErrConnClosed), taskbox.EUNAVAILABLE},
		{"bad connection", driver.ErrBadConn, taskbox.EUNAVAILABLE},
		{"closed pool", closedErr, taskbox.EUNAVAILABLE},
		{"deadline", fmt.Errorf("begin: %w", context.DeadlineExceeded), taskbox.EUNAVAILABLE},
		{"admin shutdown 57P01", &pgconn.PgError{Severity: "FATAL", Code: "57P01"}, taskbox.EUNAVAILABLE},
		{"crash shutdown 57P02", &pgconn.PgError{Severity: "FATAL", Code: "57P02"}, taskbox.EUNAVAILABLE},
		{"cannot connect now 57P03", &pgconn.PgError{Severity: "FATAL", Code: "57P03"}, taskbox.EUNAVAILABLE},
		{"connection failure 08006", &pgconn.PgError{Code: "08006"}, taskbox.EUNAVAILABLE},
		{"disk full 53100", &pgconn.PgError{Code: "53100"}, taskbox.EUNAVAILABLE},
		{"too many connections 53300", &pgconn.PgError{Code: "53300"}, taskbox.EUNAVAILABLE},
		{"statement timeout 57014", &pgconn.PgError{Code: "57014"}, taskbox.EUNAVAILABLE},
		{"postgres unique violation", &pgconn.PgError{Code: "23505"}, ""},
		{"postgres syntax error", &pgconn.PgError{Code: "42601"}, ""},
		{"postgres undefined column", fmt.Errorf("insert task: %w", &pgconn.PgError{Code: "42703"}), ""},
		{"no rows", sql.ErrNoRows, ""},
		{"a bug", errors.New("scan: converting NULL to int64 is unsupported"), ""},
		{"caller went away", fmt.Errorf("query: %w", context.Canceled), ""},
		{"already a domain error", notFound("Task"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil {
				t.Fatal("no error to classify: provoking it failed")
			}
			got := unavailable(ctx, c.err)
			if c.want == "" {
				if got != c.err {
					t.Errorf("unavailable(%v) = %v, want it unchanged", c.err, got)
				}
				return
			}
			if code := taskbox.ErrorCode(got); code != c.want {
				t.Errorf("unavailable(%v): code %s, want %s", c.err, code, c.want)
			}
			if !errors.Is(got, c.err) {
				t.Errorf("unavailable(%v) = %v: the cause is lost for the log", c.err, got)
			}
			if msg := taskbox.ErrorMessage(got); strings.Contains(msg, c.err.Error()) {
				t.Errorf("the caller's message %q shows the internal error", msg)
			}
		})
	}
}

// provokeSQLiteErrors makes SQLite fail in each way that matters, on
// scratch files, and returns the errors its driver gave.
func provokeSQLiteErrors(t *testing.T) map[string]error {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "scratch.db")
	open := func(dsn string) *sql.DB {
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		return db
	}
	errs := map[string]error{}
	db := open("file:" + path + "?_pragma=journal_mode(WAL)")
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(`INSERT INTO t (v) VALUES ('a'), ('a')`)
	errs["unique"] = err
	_, errs["syntax"] = db.Exec(`SELEC 1`)
	// A database that may not grow is full.
	if _, err := db.Exec(`PRAGMA max_page_count = 3`); err != nil {
		t.Fatal(err)
	}
	_, errs["full"] = db.Exec(`INSERT INTO t (v) VALUES (randomblob(100000))`)
	// A file opened read-only cannot be written.
	_, errs["readonly"] = open("file:" + path + "?mode=ro").Exec(`INSERT INTO t (v) VALUES ('b')`)
	// A file in a directory that does not exist cannot be opened.
	errs["cantopen"] = open("file:" + filepath.Join(dir, "missing", "x.db")).Ping()
	// A writer that finds the lock taken past busy_timeout is busy.
	holder := open("file:" + path + "?_txlock=immediate")
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, errs["busy"] = open("file:" + path + "?_pragma=busy_timeout(50)&_txlock=immediate").Begin()
	return errs
}

// A write that finds the database full fails with SERVICE_UNAVAILABLE and
// a sentence that says so; reads go on; once the database may grow again,
// writes succeed and the file is sound. The full disk is simulated with
// max_page_count on the writer connection: the end-to-end tests fill a real
// one (cmd/taskbox/outage_test.go).
func TestFullDatabase_WritesAnswerUnavailable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "full.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: "before"}); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
		t.Fatal(err)
	}
	var failed error
	for i := 0; i < 200 && failed == nil; i++ {
		_, _, failed = db.CreateAccount(ctx, taskbox.NewAccount{Name: strings.Repeat("x", 200) + fmt.Sprint(i)})
	}
	if code := taskbox.ErrorCode(failed); code != taskbox.EUNAVAILABLE {
		t.Fatalf("writing to a full database: %v (code %q), want %s", failed, code, taskbox.EUNAVAILABLE)
	}
	if msg := taskbox.ErrorMessage(failed); msg != fullMessage {
		t.Errorf("message %q, want %q", msg, fullMessage)
	}
	if _, err := db.FindAccountByName(ctx, "before"); err != nil {
		t.Errorf("reading from a full database: %v", err)
	}

	if _, err := db.write.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: "after"}); err != nil {
		t.Fatalf("writing once there is room again: %v", err)
	}
	var check string
	if err := db.write.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
}

// A bug inside a transaction stays an internal error (500). A transaction
// kept waiting past DB.Timeout fails with SERVICE_UNAVAILABLE; one whose
// statements each come back in time may take longer than Timeout in all.
func TestInTx_BugsStayInternal_TimeoutIsUnavailable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.inWrite(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO no_such_table VALUES (1)`)
		return err
	})
	if code := taskbox.ErrorCode(err); code != taskbox.EINTERNAL {
		t.Errorf("a query on a missing table: code %s, want %s (%v)", code, taskbox.EINTERNAL, err)
	}

	db.Timeout = 100 * time.Millisecond
	err = db.inRead(ctx, func(tx *Tx) error {
		time.Sleep(150 * time.Millisecond) // the database "hangs"
		var n int
		return tx.queryRow(ctx, `SELECT 1`).Scan(&n)
	})
	if code := taskbox.ErrorCode(err); code != taskbox.EUNAVAILABLE || taskbox.ErrorMessage(err) != timeoutMessage {
		t.Errorf("a transaction past its timeout: %v, want %s %q", err, taskbox.EUNAVAILABLE, timeoutMessage)
	}

	// Each gap is an eighth of the timeout, and the whole lasts one and a
	// half of it: a generous margin, so that a loaded machine's late wake-up
	// is not taken for a hung database.
	db.Timeout = time.Second
	start := time.Now()
	err = db.inRead(ctx, func(tx *Tx) error {
		for i := 0; i < 12; i++ {
			time.Sleep(db.Timeout / 8)
			var n int
			if err := tx.queryRow(ctx, `SELECT 1`).Scan(&n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("a transaction of quick statements, %v in all: %v", time.Since(start), err)
	}
}
