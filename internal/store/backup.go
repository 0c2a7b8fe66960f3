package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to path while others keep
// reading and writing (VACUUM INTO reads one snapshot).
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("backup: no file given")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists already", path)
	}
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
