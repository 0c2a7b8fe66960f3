package store

import (
	"fmt"
	"strings"
)

// Machinery names the throughput machinery that the load bench turns off,
// one piece at a time, to measure what each pays (bench --without,
// docs/performance.md). The zero value, everything on, is what every
// server runs; only the bench's child server asks for less (WithoutMachinery).
type Machinery struct {
	NoGroupCommit bool // a transaction per write request (batches of one)
	NoBatchedRows bool // audit rows and timers inserted a statement a row
	NoDayCounts   bool // task_day_counts not written (the summary's counts go wrong)
	NoStmtCache   bool // SQLite: no prepared statements kept; PostgreSQL: pgx's describe_exec
	NoKeyCache    bool // every request reads its key from the database
	NoTidy        bool // no upkeep when the writer is idle (see dialect.tidy)
}

// Option changes how Open opens the database.
type Option func(*openOptions)

// openOptions is what the Options given to Open ask for.
type openOptions struct {
	without Machinery
}

// WithoutMachinery opens the database with the machinery m names turned
// off. Only the load bench's child server asks for it (serve's hidden
// --bench-without): NoDayCounts leaves the summary's counts wrong.
func WithoutMachinery(m Machinery) Option {
	return func(o *openOptions) { o.without = m }
}

// ParseWithout reads a comma-separated list of groupcommit, batchedrows,
// daycounts, stmtcache, keycache and tidy.
func ParseWithout(list string) (Machinery, error) {
	var m Machinery
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "":
		case "groupcommit":
			m.NoGroupCommit = true
		case "batchedrows":
			m.NoBatchedRows = true
		case "daycounts":
			m.NoDayCounts = true
		case "stmtcache":
			m.NoStmtCache = true
		case "keycache":
			m.NoKeyCache = true
		case "tidy":
			m.NoTidy = true
		default:
			return Machinery{}, fmt.Errorf("unknown machinery %q (groupcommit, batchedrows, daycounts, stmtcache, keycache, tidy)", name)
		}
	}
	return m, nil
}
