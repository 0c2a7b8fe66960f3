package store_test

import (
	"context"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// newTestDB opens a fresh, migrated database for one test, on the backend
// of this test run (see package testdb): the same suite runs on SQLite and
// on PostgreSQL.
func newTestDB(t testing.TB) *store.DB {
	t.Helper()
	return testdb.Open(t).DB
}

// fixture is an account with one campaign and a few lead maps, and a context
// acting as that account's key (whose secret signs in again).
type fixture struct {
	ctx      context.Context
	account  *taskbox.Account
	secret   string
	campaign *taskbox.Campaign
	mapIDs   []int64
}

func newFixture(t testing.TB, db *store.DB, name, tz string, leads int) *fixture {
	t.Helper()
	acct, key, err := db.CreateAccount(context.Background(), taskbox.NewAccount{Name: name, Timezone: tz})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := db.Authenticate(context.Background(), key.Secret)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ctx: taskbox.NewContextWithActor(context.Background(), actor), account: acct, secret: key.Secret}
	if f.campaign, err = db.CreateCampaign(f.ctx, &taskbox.CampaignCreate{Name: name + " campaign"}); err != nil {
		t.Fatal(err)
	}
	up := &taskbox.LeadUpload{CampaignID: f.campaign.ID}
	for i := 0; i < leads; i++ {
		up.Leads = append(up.Leads, taskbox.LeadInput{Email: name + "-" + string(rune('a'+i)) + "@example.com"})
	}
	if leads == 0 {
		return f
	}
	res, err := db.AddLeads(f.ctx, up)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Leads {
		f.mapIDs = append(f.mapIDs, l.LeadMapID)
	}
	return f
}

// task creates a task on the fixture's first lead map.
func (f *fixture) task(t *testing.T, db *store.DB, name string, due *string, p taskbox.Priority) *taskbox.Task {
	t.Helper()
	task, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: name, DueDate: due, Priority: p})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func ptr[T any](v T) *T { return &v }
