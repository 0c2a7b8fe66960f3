package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Backup writes a consistent copy of the database to path while others keep
// reading and writing. Only SQLite's file is copied (see dialect.backup);
// PostgreSQL is backed up with its own tools.
func (db *DB) Backup(ctx context.Context, path string) error {
	return db.dialect.backup(ctx, db, path)
}

// backup copies the database file with VACUUM INTO, which reads one
// snapshot.
//
// VACUUM INTO writes through the connection it runs on, so it cannot run on
// the read-only pool (query_only), and running it on the one writer would
// hold up every write for as long as the copy takes. It runs on a connection
// of its own instead, which takes no write lock on the source.
func (sqliteDialect) backup(ctx context.Context, db *DB, path string) error {
	if path == "" {
		return errors.New("backup: no file given")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already", path)
	}
	src, err := db.filePath(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	conn, err := sql.Open("sqlite", "file:"+uriEscaper.Replace(src)+"?_pragma="+url.QueryEscape("busy_timeout(10000)"))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func (postgresDialect) backup(context.Context, *DB, string) error {
	return errors.New("backup copies SQLite databases; back up PostgreSQL with its own tools, such as pg_dump")
}

// uriEscaper escapes what a file: URI would otherwise read as syntax.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// filePath returns the absolute path of the main database file.
func (db *DB) filePath(ctx context.Context) (string, error) {
	var (
		seq        int
		name, file string
	)
	err := db.read.QueryRowContext(ctx, `SELECT seq, name, file FROM pragma_database_list WHERE name = 'main'`).Scan(&seq, &name, &file)
	if err != nil {
		return "", fmt.Errorf("find the database file: %w", err)
	}
	if file == "" {
		return "", errors.New("the database has no file to copy")
	}
	return file, nil
}
