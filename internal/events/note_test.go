package events_test

import (
	"slices"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// A note's NOTE_CREATED goes out signed like a task's events, with the note,
// its lead and campaign as data; a lead map's events keep their order
// behind a retry, and do not hold up a task's.
func TestNoteCreatedIsDeliveredInOrder(t *testing.T) {
	e := newEnv(t)
	r := newReceiver(t, 500)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeNoteCreated, taskbox.EventTypeTaskCreated)
	w := e.worker(true)
	first, err := e.db.CreateNote(e.ctx, &taskbox.NoteCreate{LeadMapID: e.mapID, Message: "Wants the 50-seat price"})
	if err != nil {
		t.Fatal(err)
	}
	e.drain(t, w) // the first note's delivery fails once
	if _, err := e.db.CreateNote(e.ctx, &taskbox.NoteCreate{LeadMapID: e.mapID, Message: "Call Thursday"}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, w)
	if r.count() != 1 {
		t.Fatalf("the second note overtook the first, which waits for its retry: %v", types(r.deliveries()))
	}
	// A task's event is not held up by the lead map's; its success tells the
	// worker the receiver is back, and the notes follow in order.
	e.task(t, e.ctx, e.mapID, "Send pricing", nil)
	e.drain(t, w)
	got := r.deliveries()
	if !slices.Equal(types(got), []string{"NOTE_CREATED", "TASK_CREATED", "NOTE_CREATED", "NOTE_CREATED"}) {
		t.Fatalf("after the retry: %v", types(got))
	}
	n1, n2 := got[2], got[3]
	if n1.EventID != got[0].EventID || !strings.HasPrefix(n1.EventID, "evt_lm_") || n2.EventID == n1.EventID {
		t.Errorf("event ids %s, %s, %s", got[0].EventID, n1.EventID, n2.EventID)
	}
	d := n1.Note
	if d.ID != first.ID || d.Message != "Wants the 50-seat price" || d.LeadMapID != e.mapID || d.Lead == nil ||
		d.Lead.Email != "acme@example.com" || d.Campaign == nil || d.Campaign.Name != "acme outreach" || d.CreatedBy == "" {
		t.Errorf("first note's data: %s", n1.Body)
	}
	if n2.Note.Message != "Call Thursday" || n1.Event.AccountID != e.acct.ID {
		t.Errorf("second note's data: %s", n2.Body)
	}
	if outbox, pending, err := e.db.QueueDepth(e.ctx); err != nil || outbox != 0 || pending != 0 {
		t.Errorf("queue depth %d outbox, %d deliveries (%v), want none", outbox, pending, err)
	}
}
