package store_test

import (
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// slReply receives an EMAIL_REPLY for the fixture's integration (token)
// on SmartLead's lead map slMapID.
func slReply(t *testing.T, db *store.DB, f *fixture, token, stats, email string, slMapID int64, text string) {
	t.Helper()
	subject := "Re: " + stats
	ev := &taskbox.SmartLeadEvent{EventType: taskbox.SLEmailReply, StatsID: stats, LeadEmail: email, CampaignID: 9100,
		CampaignName: "Spring", LeadMapID: slMapID, Reply: &taskbox.SmartLeadText{Subject: &subject, Text: text}}
	if stored, err := db.ReceiveSmartLead(f.ctx, token, ev); err != nil || !stored {
		t.Fatalf("ReceiveSmartLead(%s) = %v, %v", stats, stored, err)
	}
}

// leadMapOf is the local lead map of the task a reply of email made.
func leadMapOf(t *testing.T, db *store.DB, f *fixture, email string) int64 {
	t.Helper()
	lead, err := db.FindLeadByEmail(f.ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := db.ListLeadTasks(f.ctx, lead.ID)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("ListLeadTasks(%s) = %v, %v", email, tasks, err)
	}
	return tasks[0].LeadMapID
}

// TestLatestReplies: one read gives the latest reply of each lead map
// asked for, its text cut in characters; lead maps without a reply are
// absent, and so are another account's, even under the same SmartLead id.
func TestLatestReplies(t *testing.T) {
	db := newTestDB(t)
	a := newFixture(t, db, "acme", "UTC", 1) // a lead map without replies
	b := newFixture(t, db, "beta", "UTC", 0)
	ia, err := db.ConnectSmartLead(a.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := db.ConnectSmartLead(b.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 70) + strings.Repeat("x", 500)
	slReply(t, db, a, ia.Token, "a1", "zoe@example.com", 5001, "First answer")
	slReply(t, db, a, ia.Token, "a2", "zoe@example.com", 5001, "Second <b>answer</b>")
	slReply(t, db, a, ia.Token, "a3", "yan@example.com", 5002, long)
	slReply(t, db, b, ib.Token, "b1", "zoe@example.com", 5001, "Beta's own reply")
	if n, err := db.ProcessInbound(a.ctx, 10); err != nil || n != 4 {
		t.Fatalf("ProcessInbound = %d, %v", n, err)
	}
	zoe, yan, bZoe := leadMapOf(t, db, a, "zoe@example.com"), leadMapOf(t, db, a, "yan@example.com"), leadMapOf(t, db, b, "zoe@example.com")
	if zoe != 5001 || yan != 5002 || bZoe == zoe {
		t.Fatalf("lead maps: acme %d and %d, beta %d", zoe, yan, bZoe)
	}

	got, err := db.LatestReplies(a.ctx, []int64{zoe, yan, a.mapIDs[0], zoe, bZoe, 0, -3}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[zoe] == nil || got[yan] == nil {
		t.Fatalf("acme's latest replies = %v, want lead maps %d and %d only", got, zoe, yan)
	}
	if r := got[zoe]; r.Text != "Second <b>answer</b>" || r.LeadMapID != zoe || r.Subject == nil || *r.Subject != "Re: a2" {
		t.Errorf("zoe's latest reply = %+v, want the second", r)
	}
	if want := long[:len(strings.Repeat("é", 70))] + strings.Repeat("x", 30); got[yan].Text != want {
		t.Errorf("yan's reply cut to 100 characters = %q (%d characters), want %q", got[yan].Text, taskbox.RuneLen(got[yan].Text), want)
	}

	got, err = db.LatestReplies(b.ctx, []int64{bZoe, zoe, yan}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[bZoe] == nil || got[bZoe].Text != "Beta's own reply" {
		t.Fatalf("beta's latest replies = %v, want its own only", got)
	}

	// more ids than one statement takes: still every reply
	many := make([]int64, 5000)
	for i := range many {
		many[i] = int64(900000 + i)
	}
	many[4999] = yan
	if got, err = db.LatestReplies(a.ctx, many, 10); err != nil || len(got) != 1 || got[yan] == nil || got[yan].Text != strings.Repeat("é", 10) {
		t.Fatalf("LatestReplies of 5000 ids = %v, %v", got, err)
	}
	if got, err = db.LatestReplies(a.ctx, nil, 10); err != nil || len(got) != 0 {
		t.Fatalf("LatestReplies of none = %v, %v", got, err)
	}
	if _, err := db.LatestReplies(t.Context(), []int64{zoe}, 10); taskbox.ErrorCode(err) != taskbox.EUNAUTHORIZED {
		t.Fatalf("LatestReplies without an actor: %v, want EUNAUTHORIZED", err)
	}
}
