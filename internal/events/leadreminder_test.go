package events_test

import (
	"encoding/json"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// A lead map's reminder (set-reminder) fires once, at its time, as
// LEAD_REMINDER, and leaves the pending list.
func TestLeadReminderFiresOnceAtItsTime(t *testing.T) {
	e := newEnv(t) // 2026-12-01T10:00:00Z
	r := newReceiver(t)
	e.subscribe(t, e.ctx, r, taskbox.EventTypeLeadReminder)
	w := e.worker(true)
	stats := "77"
	rem, err := e.db.SetLeadReminder(e.ctx, &taskbox.LeadReminderCreate{LeadMapID: e.mapID, EmailStatsID: &stats,
		Message: "Call about the contract", ReminderTime: "2026-12-01T12:30:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(150*time.Minute - time.Second)
	e.drain(t, w)
	if n := len(r.deliveries()); n != 0 {
		t.Fatalf("%d deliveries a second early", n)
	}
	e.clock.Advance(time.Second)
	e.drain(t, w)
	e.clock.Advance(time.Hour)
	e.drain(t, w)
	ds := r.deliveries()
	if len(ds) != 1 || ds[0].Event.Type != taskbox.EventTypeLeadReminder || ds[0].Event.OccurredAt != "2026-12-01T12:30:00.000Z" {
		t.Fatalf("deliveries: %+v", ds)
	}
	var data map[string]any
	if err := json.Unmarshal(ds[0].Event.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data["message"] != "Call about the contract" || data["email_stats_id"] != "77" || data["email_lead_map_id"] != float64(e.mapID) ||
		data["id"] != "1" || data["reminder_time"] != "2026-12-01T12:30:00.000Z" || rem.ID != 1 {
		t.Errorf("LEAD_REMINDER data: %s", ds[0].Event.Data)
	}
	rows, total, err := e.db.ListLeadReminders(e.ctx, taskbox.LeadReminderFilter{Limit: 20})
	if err != nil || total != 0 || len(rows) != 0 {
		t.Errorf("pending after firing: %d, %v", total, err)
	}
}
