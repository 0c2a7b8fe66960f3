package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// TestTime_MemberZones: a snooze to a date is 09:00 in the zone of the
// member snoozing (else the account's), and an all-day task's reminders
// count from 09:00 in its assignee's zone (else the account's), moving when
// the assignee changes.
func TestTime_MemberZones(t *testing.T) {
	a := tbNewAPI(t)
	var clock atomic.Int64
	clock.Store(time.Date(2029, 12, 1, 0, 0, 0, 0, time.UTC).UnixMicro())
	a.DB.Now = func() taskbox.Timestamp { return taskbox.TimestampFromMicros(clock.Load()) }
	acct := a.Account(t, "zones", "UTC")
	tokyo := a.Member(t, acct, taskbox.NewMember{Name: "Tokyo", Timezone: "Asia/Tokyo"})
	berlin := a.Member(t, acct, taskbox.NewMember{Name: "Berlin"}) // no zone: the account's
	lm := a.LeadMap(t, acct.Key, "lead@example.com")

	for _, c := range []struct {
		name, key, want string
	}{
		{"member in Tokyo", tokyo.Key, `"2030-01-05T00:00:00.000Z"`},
		{"member without a zone", berlin.Key, `"2030-01-05T09:00:00.000Z"`},
		{"account key", acct.Key, `"2030-01-05T09:00:00.000Z"`},
	} {
		task, _ := a.CreateTask(t, acct.Key, tbTaskBody(lm, nil))
		r := a.Post(t, fmt.Sprintf("%s/%d/snooze", tbTasksPath, task.ID), c.key, `{"until": "2030-01-05"}`)
		if got := snoozedUntil(t, r); got != c.want {
			t.Errorf("%s: snoozed_until = %s, want %s", c.name, got, c.want)
		}
		r = a.Post(t, tbTasksPath+"/bulk-update", c.key, fmt.Sprintf(`{"ids": [%d], "set": {"snoozed_until": "2030-01-06"}}`, task.ID))
		tbWantStatus(t, r, http.StatusOK)
		if want := strings.Replace(c.want, "-05T", "-06T", 1); !strings.Contains(string(r.Body), `"snoozed_until":`+want) {
			t.Errorf("%s: bulk-update answered %s, want snoozed_until %s", c.name, r.Body, want)
		}
	}

	// Due all day on 2030-01-10, a reminder an hour before 09:00: in Tokyo
	// 2030-01-09T23:00Z, in the account's UTC 2030-01-10T08:00Z.
	body := func(assignee string) string {
		return tbTaskBody(lm, map[string]string{"due_date": `"2030-01-10"`, "reminders": `["PT1H"]`, "assignee_id": assignee})
	}
	a.CreateTask(t, acct.Key, body(fmt.Sprint(tokyo.ID)))
	moved, _ := a.CreateTask(t, acct.Key, body("null"))
	a.CreateTask(t, acct.Key, body("null"))
	r := a.Do(t, http.MethodPatch, fmt.Sprintf("%s/%d", tbTasksPath, moved.ID), acct.Key, fmt.Sprintf(`{"assignee_id": %d}`, tokyo.ID))
	tbWantStatus(t, r, http.StatusOK)
	fire := func(at time.Time) int {
		t.Helper()
		clock.Store(at.UnixMicro())
		fired, err := a.DB.FireTimers(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		return fired[store.TimerTaskReminder]
	}
	tokyoAt, utcAt := time.Date(2030, 1, 9, 23, 0, 0, 0, time.UTC), time.Date(2030, 1, 10, 8, 0, 0, 0, time.UTC)
	if n := fire(tokyoAt.Add(-time.Second)); n != 0 {
		t.Fatalf("%d reminders before Tokyo's time", n)
	}
	if n := fire(tokyoAt); n != 2 {
		t.Fatalf("%d reminders at Tokyo's time, want 2 (the Tokyo task and the one moved to Tokyo)", n)
	}
	if n := fire(utcAt.Add(-time.Second)); n != 0 {
		t.Fatalf("%d reminders before UTC's time", n)
	}
	if n := fire(utcAt); n != 1 {
		t.Fatalf("%d reminders at UTC's time, want 1 (the unassigned task)", n)
	}
}
