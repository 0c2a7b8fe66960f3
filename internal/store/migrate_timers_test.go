package store_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// Migration 00024 (SQLite) moves timers into a WITHOUT ROWID table with
// every row as it was; its Down moves them back. Both ways the key stays
// unique, the armed indexes are there, and timers still fire.
func TestMigrationTimersWithoutRowid(t *testing.T) {
	if testdb.Backend() != "sqlite" {
		t.Skip("SQLite's migration")
	}
	ctx := context.Background()
	db, dsn := openAt(t, 23)
	raw := rawDB(t, dsn)
	if _, err := raw.Exec(`INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed, fired_key) VALUES
		('due', 10, '', 1, '2026-12-07T09:00:00Z', 100, 1, NULL),
		('reminder', 10, 'PT1H', 1, '2026-12-07T08:00:00Z', 200, 1, '2026-12-06T08:00:00Z'),
		('digest', 5, '2026-12-07', 2, '2026-12-07', 300, 0, '2026-12-07')`); err != nil {
		t.Fatal(err)
	}
	want := timerRows(t, raw)
	check := func(when string, withoutRowid bool) {
		t.Helper()
		if got := timerRows(t, raw); !slices.Equal(got, want) {
			t.Errorf("%s the timers are %q, want %q", when, got, want)
		}
		if _, err := raw.Exec(`SELECT rowid FROM timers`); (err != nil) != withoutRowid {
			t.Errorf("%s reading a timer's rowid gives %v", when, err)
		}
		if _, err := raw.Exec(`INSERT INTO timers (kind, subject_id, slot, account_id, armed_key, fire_at, armed) VALUES ('due', 10, '', 1, 'x', 1, 1)`); err == nil {
			t.Errorf("%s a timer's key can be stored twice", when)
		}
		var indexes []string
		rows, err := raw.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'timers' AND sql IS NOT NULL ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			indexes = append(indexes, name)
		}
		if !slices.Equal(indexes, []string{"timers_armed", "timers_armed_mail_off"}) {
			t.Errorf("%s the timers' indexes are %q", when, indexes)
		}
	}

	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00024", true)
	if err := db.MigrateDownTo(ctx, 23); err != nil {
		t.Fatal(err)
	}
	check("after 00024's Down", false)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	check("after 00024 again", true)

	// The armed ones fire (their task is gone: they are disarmed unsent).
	db.Now = func() taskbox.Timestamp { return taskbox.Timestamp{Time: time.UnixMicro(250)} }
	if _, err := db.FireTimers(ctx, 10); err != nil {
		t.Fatal(err)
	}
	var armed int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM timers WHERE armed = 1`).Scan(&armed); err != nil {
		t.Fatal(err)
	}
	if armed != 0 {
		t.Errorf("%d timers still armed after their time", armed)
	}
}

// timerRows are the timers' rows in key order, each as its columns' text.
func timerRows(t *testing.T, raw *sql.DB) []string {
	t.Helper()
	rows, err := raw.Query(`SELECT kind || '|' || subject_id || '|' || slot || '|' || account_id || '|' || armed_key || '|' ||
		fire_at || '|' || armed || '|' || COALESCE(fired_key, 'NULL') FROM timers ORDER BY kind, subject_id, slot`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
