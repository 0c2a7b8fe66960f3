package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// CountSections (the web inbox's counts under filters, in one statement)
// agrees with a CountTasks per section, under each kind of filter, in zones
// either side of the date line; and it counts one account's tasks only.
func TestCountSections_AgreesWithCountTasks(t *testing.T) {
	db := newTestDB(t)
	f := newFixture(t, db, "sections", "UTC", 2)
	other := newFixture(t, db, "sections-other", "UTC", 1)
	now := mustTime(t, "2025-03-09T06:30:00Z")
	rng := rand.New(rand.NewPCG(3, 9))
	priorities := []taskbox.Priority{taskbox.PriorityLow, taskbox.PriorityMedium, taskbox.PriorityHigh}
	for i := 0; i < 160; i++ {
		var due *string
		switch rng.IntN(4) {
		case 0:
		case 1:
			due = ptr(now.AddDate(0, 0, rng.IntN(6)-3).Format(time.DateOnly))
		default:
			due = ptr(now.Add(time.Duration(rng.IntN(6*24*60)-3*24*60) * time.Minute).Format(time.RFC3339))
		}
		name := fmt.Sprintf("call %d", i)
		if i%3 == 0 {
			name = fmt.Sprintf("pricing %d", i)
		}
		task := f.task(t, db, name, due, priorities[rng.IntN(3)])
		if rng.IntN(5) == 0 {
			if _, err := db.UpdateTask(f.ctx, task.ID, &taskbox.TaskUpdate{Status: ptr(taskbox.StatusCompleted)}); err != nil {
				t.Fatal(err)
			}
		}
		other.task(t, db, name, due, taskbox.PriorityHigh)
	}
	filters := map[string]taskbox.TaskFilter{
		"none":     {},
		"high":     {Priorities: []taskbox.Priority{taskbox.PriorityHigh}},
		"low+med":  {Priorities: []taskbox.Priority{taskbox.PriorityLow, taskbox.PriorityMedium}},
		"campaign": {CampaignID: f.campaign.ID},
		"search":   {Query: "pricing"},
		"email":    {Query: "sections-b@example.com"},
		"short":    {Query: "1"},
		"nothing":  {Query: "zzzzz"},
		"mixed":    {Query: "pricing", Priorities: []taskbox.Priority{taskbox.PriorityHigh}, CampaignID: f.campaign.ID},
	}
	for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		for name, tf := range filters {
			tf.Location, tf.Now = mustZone(t, zone), now
			got, err := db.CountSections(f.ctx, tf)
			if err != nil {
				t.Fatalf("%s %s: %v", zone, name, err)
			}
			var want taskbox.Summary
			for due, dest := range map[string]*int{taskbox.DueOverdue: &want.Overdue, taskbox.DueToday: &want.Today,
				taskbox.DueUpcoming: &want.Upcoming, taskbox.DueNone: &want.NoDueDate, "completed": &want.Completed} {
				c := tf
				if due == "completed" {
					c.Status = "completed"
				} else {
					c.Due = due
				}
				if *dest, err = db.CountTasks(f.ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			if *got != want {
				t.Errorf("%s %s: CountSections %+v, CountTasks per section %+v", zone, name, *got, want)
			}
			if name == "none" && got.Overdue+got.Today+got.Upcoming+got.NoDueDate+got.Completed != 160 {
				t.Errorf("%s: the sections hold %+v, not the account's 160 tasks", zone, *got)
			}
			// Every task is in the one campaign: the campaign filter, which
			// states tasks_count_campaign's condition, leaves none out (no
			// due date, all-day, timed, completed).
			if name == "campaign" && got.Overdue+got.Today+got.Upcoming+got.NoDueDate+got.Completed != 160 {
				t.Errorf("%s: the campaign's sections hold %+v, not its 160 tasks", zone, *got)
			}
		}
	}
}
