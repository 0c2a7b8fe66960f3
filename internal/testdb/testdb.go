// Package testdb gives each test a fresh, migrated taskbox database on the
// backend the test run is for: an SQLite file by default, or a new database
// on the PostgreSQL server named by TASKBOX_TEST_POSTGRES, made with a
// unique name and dropped when the test ends.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/taskboxhq/taskbox/internal/store"
)

// PostgresEnv names the variable that selects PostgreSQL for a test run:
// a URL of a server where the user may create databases, such as
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const PostgresEnv = "TASKBOX_TEST_POSTGRES"

// DB is a fresh store and the DSN it was opened with.
type DB struct {
	*store.DB
	DSN string
}

// Backend names the backend of this test run: "sqlite" or "postgres".
func Backend() string {
	if os.Getenv(PostgresEnv) != "" {
		return "postgres"
	}
	return "sqlite"
}

// Open returns a fresh, migrated database for one test, closed (and on
// PostgreSQL dropped) at the test's end.
func Open(t testing.TB) *DB {
	t.Helper()
	dsn := NewDSN(t)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return &DB{DB: db, DSN: dsn}
}

// NewDSN makes an empty database and returns its DSN, for tests that open
// it themselves (several servers on one database, or a subprocess). On
// PostgreSQL the database is dropped at the test's end; register it before
// anything that must close first.
func NewDSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		return filepath.Join(t.TempDir(), "taskbox.db")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "taskbox_test_" + hex.EncodeToString(b)
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("open %s: %v", PostgresEnv, err)
	}
	if _, err := conn.Exec(`CREATE DATABASE ` + name); err != nil {
		conn.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer conn.Close()
		if _, err := conn.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Count counts a table's rows behind the store's back.
func (db *DB) Count(t testing.TB, table string) int {
	t.Helper()
	return db.Int(t, fmt.Sprintf(`SELECT COUNT(*) FROM %s`, table))
}

// Int runs a query of one number behind the store's back. The query has
// no placeholders (they differ between the two databases).
func (db *DB) Int(t testing.TB, query string) int {
	t.Helper()
	conn := db.conn(t)
	defer conn.Close()
	var n int
	if err := conn.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Exec runs a statement behind the store's back, to put the database in a
// state that the store itself never leaves it in. The query has no
// placeholders (they differ between the two databases).
func (db *DB) Exec(t testing.TB, query string) {
	t.Helper()
	conn := db.conn(t)
	defer conn.Close()
	if _, err := conn.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// conn opens a connection of its own to the test's database.
func (db *DB) conn(t testing.TB) *sql.DB {
	t.Helper()
	driver, dsn := "sqlite", "file:"+db.DSN+"?_pragma=busy_timeout(5000)"
	if store.IsPostgres(db.DSN) {
		driver, dsn = "pgx", db.DSN
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", db.DSN, err)
	}
	return conn
}
