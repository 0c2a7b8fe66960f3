package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// rawDB opens a database behind the store's back, as the release before
// members wrote it.
func rawDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	driver, conn := "sqlite", "file:"+dsn+"?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	if store.IsPostgres(dsn) {
		driver, conn = "pgx", dsn
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openAt makes a new database migrated up to version and no further, as
// an older release would have left it, closed at the test's end, and
// returns it with its DSN.
func openAt(t *testing.T, version int64) (*store.DB, string) {
	t.Helper()
	dsn := testdb.NewDSN(t)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.MigrateTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return db, dsn
}

// A database made by the release before members (migrations 00001 and
// 00002, with two accounts, their keys, a revoked one among them, and a
// task) is migrated: every account gets an Owner (admin, no email) that
// owns every key of the account; keys still authenticate, now as their
// Owner; tasks and lead maps have no assignee or owner.
func TestMigrationGivesKeysToOwner(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.NewDSN(t)
	old, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.MigrateTo(ctx, 2); err != nil {
		t.Fatal(err)
	}
	old.Close()
	raw := rawDB(t, dsn)
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	for _, q := range []string{
		`INSERT INTO accounts (id, name, timezone, created_at) VALUES (1, 'one', 'UTC', 1000), (2, 'two', 'Europe/Berlin', 2000)`,
		`INSERT INTO api_keys (id, account_id, name, prefix, hash, created_at, revoked_at) VALUES
			(1, 1, 'default', 'tbx_aaaaaaaa', '` + hash("tbx_one_first") + `', 1000, NULL),
			(2, 1, 'ci', 'tbx_bbbbbbbb', '` + hash("tbx_one_second") + `', 1001, NULL),
			(3, 2, 'default', 'tbx_cccccccc', '` + hash("tbx_two_first") + `', 2000, NULL),
			(4, 2, 'old', 'tbx_dddddddd', '` + hash("tbx_two_revoked") + `', 2001, 2002)`,
		`INSERT INTO campaigns (id, account_id, name, status, created_at, updated_at) VALUES (7, 1, 'c', 'ACTIVE', 1, 1)`,
		`INSERT INTO leads (id, account_id, email, email_key, created_at) VALUES (8, 1, 'a@example.com', 'a@example.com', 1)`,
		`INSERT INTO lead_maps (id, account_id, campaign_id, lead_id, status, created_at) VALUES (9, 1, 7, 8, 'STARTED', 1)`,
		`INSERT INTO tasks (id, account_id, lead_map_id, campaign_id, lead_id, name, priority, due_sort, status, created_at, updated_at)
			VALUES (10, 1, 9, 7, 8, 'Call', 2, 9223372036854775807, 'pending', 5, 5)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if store.IsPostgres(dsn) {
		// The old release let identity columns number the rows; these
		// were inserted with their ids.
		for _, table := range []string{"accounts", "api_keys", "campaigns", "leads", "lead_maps", "tasks"} {
			if _, err := raw.Exec(`SELECT setval(pg_get_serial_sequence('` + table + `', 'id'), 100)`); err != nil {
				t.Fatal(err)
			}
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		account int64
		keys    []int64
	}{{1, []int64{1, 2}}, {2, []int64{3, 4}}} {
		acct, err := db.FindAccountByID(ctx, c.account)
		if err != nil {
			t.Fatal(err)
		}
		members, err := db.ListMembers(taskbox.NewContextWithActor(ctx, taskbox.LocalAdmin(acct)))
		if err != nil {
			t.Fatal(err)
		}
		if len(members) != 1 || members[0].Name != "Owner" || members[0].Role != taskbox.RoleAdmin || members[0].Email != nil ||
			members[0].Timezone != nil || members[0].CreatedAt.Micros() != acct.CreatedAt.UnixMicro() {
			t.Fatalf("account %d members = %+v, want one Owner", c.account, members)
		}
		keys, err := db.ListKeys(ctx, c.account)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			if k.ID != c.keys[i] || k.MemberID != members[0].ID {
				t.Errorf("key %d belongs to member %d, want %d (the Owner)", k.ID, k.MemberID, members[0].ID)
			}
		}
	}
	for secret, want := range map[string]int64{"tbx_one_first": 1, "tbx_one_second": 1, "tbx_two_first": 2} {
		actor, err := db.Authenticate(ctx, secret)
		if err != nil {
			t.Fatalf("%s: %v", secret, err)
		}
		if actor.AccountID() != want || actor.MemberName != "Owner" || actor.MemberRole != taskbox.RoleAdmin || actor.MemberID == 0 {
			t.Errorf("%s acts as %+v", secret, actor)
		}
	}
	if _, err := db.Authenticate(ctx, "tbx_two_revoked"); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Errorf("revoked key: %v", err)
	}
	actor, _ := db.Authenticate(ctx, "tbx_one_first")
	task, err := db.FindTaskByID(taskbox.NewContextWithActor(ctx, actor), 10)
	if err != nil {
		t.Fatal(err)
	}
	if task.Assignee != nil {
		t.Errorf("migrated task has assignee %+v", task.Assignee)
	}
	// A new account after the migration gets its own Owner, and new ids
	// do not collide with the migrated ones.
	acct, key, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: "three"})
	if err != nil {
		t.Fatal(err)
	}
	actor, err = db.Authenticate(ctx, key.Secret)
	if err != nil || actor.AccountID() != acct.ID || actor.MemberName != "Owner" || actor.MemberID <= 2 {
		t.Fatalf("new account's key acts as %+v, %v", actor, err)
	}
}
