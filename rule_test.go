package taskbox_test

import (
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

func TestWorkingHoursAdd(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	def := taskbox.DefaultWorkingHours(berlin)
	gulf := taskbox.WorkingHours{Days: []int{7, 1, 2, 3, 4}, Start: 8*60 + 30, End: 12 * 60, Loc: berlin} // Sunday to Thursday, mornings
	for _, c := range []struct {
		name  string
		w     taskbox.WorkingHours
		start string
		d     time.Duration
		want  string
	}{
		{"within the day", def, "2026-03-04 10:00", 4 * time.Hour, "2026-03-04 14:00"},
		{"to the minute the day ends", def, "2026-03-04 13:00", 4 * time.Hour, "2026-03-04 17:00"},
		{"over the evening", def, "2026-03-04 16:00", 4 * time.Hour, "2026-03-05 12:00"},
		{"Friday afternoon to Monday", def, "2026-03-06 16:00", 4 * time.Hour, "2026-03-09 12:00"},
		{"before opening", def, "2026-03-04 06:15", time.Hour, "2026-03-04 10:00"},
		{"on a Sunday", def, "2026-03-08 11:00", 30 * time.Minute, "2026-03-09 09:30"},
		{"a day of work is 8 hours", def, "2026-03-04 09:00", 24 * time.Hour, "2026-03-06 17:00"},
		{"over a change of clocks", def, "2026-03-27 16:00", 2 * time.Hour, "2026-03-30 10:00"},
		{"own days and hours: Thursday noon to Sunday", gulf, "2026-03-05 11:00", 2 * time.Hour, "2026-03-08 09:30"},
		{"own hours: the half hour", gulf, "2026-03-09 07:00", 10 * time.Minute, "2026-03-09 08:40"},
		{"no working days counts the plain time", taskbox.WorkingHours{Loc: berlin}, "2026-03-07 10:00", time.Hour, "2026-03-07 11:00"},
	} {
		got := c.w.Add(at(c.start), c.d)
		if want := at(c.want); !got.Equal(want) {
			t.Errorf("%s: %s + %s = %s, want %s", c.name, c.start, c.d, got.In(berlin).Format("Mon 2006-01-02 15:04"), c.want)
		}
	}
}
