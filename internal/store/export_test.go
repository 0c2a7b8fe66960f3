package store

import (
	"context"
	"fmt"
)

// KeyCacheTTL is keyCacheTTL for the tests outside the package.
const KeyCacheTTL = keyCacheTTL

// MigrateDownTo rolls migrations back until version is the last applied,
// for the tests of a migration's Down.
func (db *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}
