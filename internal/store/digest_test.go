package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// Settings: defaults, a member changes its own, bad values are 422s naming
// their field and store nothing.
func TestMemberSettings(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	f := newFixture(t, db, "settings", "UTC", 1)
	ana, anaCtx := f.addMember(t, db, taskbox.NewMember{Name: "Ana", Email: "ana@settings.example.com"})
	m, err := db.FindMemberByID(anaCtx, ana.ID)
	if err != nil || m.Digest != "daily" || m.DigestHour != 8 || !slices.Equal(m.DigestDays, []int{1, 2, 3, 4, 5}) ||
		len(m.DefaultReminders) != 0 || m.WorkHours != taskbox.DefaultWorkHours {
		t.Fatalf("defaults = %+v, %v", m, err)
	}
	m, err = db.UpdateMember(anaCtx, ana.ID, &taskbox.MemberUpdate{Digest: ptr("off"), DigestHour: ptr(23), DigestDays: &[]int{7, 1, 1},
		DefaultReminders: &[]string{"PT15M", "P1D"}, WorkHours: &taskbox.WorkHours{Start: "08:30", End: "18:00"}})
	if err != nil {
		t.Fatal(err)
	}
	m, _ = db.FindMemberByID(anaCtx, ana.ID)
	if m.Digest != "off" || m.DigestHour != 23 || !slices.Equal(m.DigestDays, []int{1, 7}) || !slices.Equal(m.DefaultReminders, []string{"PT15M", "P1D"}) ||
		m.WorkHours.Start != "08:30" || m.WorkHours.End != "18:00" {
		t.Fatalf("updated = %+v", m)
	}
	if s, e := m.WorkHours.Bounds(); s != 8*time.Hour+30*time.Minute || e != 18*time.Hour {
		t.Fatalf("Bounds = %v %v", s, e)
	}
	for _, c := range []struct {
		u     taskbox.MemberUpdate
		field string
	}{
		{taskbox.MemberUpdate{Digest: ptr("weekly")}, "digest"},
		{taskbox.MemberUpdate{DigestHour: ptr(24)}, "digest_hour"},
		{taskbox.MemberUpdate{DigestHour: ptr(-1)}, "digest_hour"},
		{taskbox.MemberUpdate{DigestDays: &[]int{}}, "digest_days"},
		{taskbox.MemberUpdate{DigestDays: &[]int{0, 1}}, "digest_days"},
		{taskbox.MemberUpdate{DigestDays: &[]int{8}}, "digest_days"},
		{taskbox.MemberUpdate{DefaultReminders: &[]string{"15M"}}, "default_reminders"},
		{taskbox.MemberUpdate{DefaultReminders: &[]string{"PT0M"}}, "default_reminders"},
		{taskbox.MemberUpdate{DefaultReminders: &[]string{"P1Y"}}, "default_reminders"},
		{taskbox.MemberUpdate{DefaultReminders: &[]string{"PT1M", "PT2M", "PT3M", "PT4M", "PT5M", "PT6M"}}, "default_reminders"},
		{taskbox.MemberUpdate{WorkHours: &taskbox.WorkHours{Start: "17:00", End: "09:00"}}, "work_hours"},
		{taskbox.MemberUpdate{WorkHours: &taskbox.WorkHours{Start: "9:00", End: "17:00"}}, "work_hours"},
		{taskbox.MemberUpdate{WorkHours: &taskbox.WorkHours{Start: "09:00", End: "24:01"}}, "work_hours"},
	} {
		_, err := db.UpdateMember(anaCtx, ana.ID, &c.u)
		wantField(t, err, taskbox.EINVALID, c.field)
	}
	if again, _ := db.FindMemberByID(anaCtx, ana.ID); again.DigestHour != 23 || again.Digest != "off" {
		t.Fatalf("a refused update stored something: %+v", again)
	}
	// The unsubscribe link's doing: the digest off, nothing else.
	if _, err := db.UpdateMember(anaCtx, ana.ID, &taskbox.MemberUpdate{Digest: ptr("daily")}); err != nil {
		t.Fatal(err)
	}
	if m, err := db.StopDigest(context.Background(), ana.ID); err != nil || m.Digest != "off" || m.DigestHour != 23 {
		t.Fatalf("StopDigest = %+v, %v", m, err)
	}
	if _, err := db.StopDigest(context.Background(), 99999); taskbox.ErrorCode(err) != taskbox.ENOTFOUND {
		t.Fatalf("StopDigest(unknown) = %v", err)
	}
}

// The digest: at the member's hour in its zone on its days, its overdue
// and today's tasks, once per member and day also with concurrent runs
// (two servers on PostgreSQL), nothing when empty, and the day's digest
// still made after the hour.
func TestDigest(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	db.MailOn = true
	clock := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC) // a Monday
	var mu sync.Mutex
	db.Now = func() taskbox.Timestamp { mu.Lock(); defer mu.Unlock(); return taskbox.Timestamp{Time: clock} }
	setClock := func(c time.Time) { mu.Lock(); clock = c; mu.Unlock() }
	f := newFixture(t, db, "digest", "UTC", 1)
	tokyo, tokyoCtx := f.addMember(t, db, taskbox.NewMember{Name: "Kei", Email: "kei@digest.example.com", Timezone: "Asia/Tokyo"})
	la, _ := f.addMember(t, db, taskbox.NewMember{Name: "Lou", Email: "lou@digest.example.com", Timezone: "America/Los_Angeles"})
	empty, _ := f.addMember(t, db, taskbox.NewMember{Name: "Em", Email: "em@digest.example.com"})
	assign := func(name, due string, member int64) {
		t.Helper()
		if _, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{LeadMapID: f.mapIDs[0], Name: name, DueDate: &due, Priority: taskbox.PriorityHigh,
			AssigneeSet: true, AssigneeID: member}); err != nil {
			t.Fatal(err)
		}
	}
	assign("Old call", "2026-12-01T10:00:00Z", tokyo.ID)
	assign("Tokyo today", "2026-12-07T05:00:00Z", tokyo.ID) // 14:00 in Tokyo
	assign("Tokyo tomorrow", "2026-12-08T05:00:00Z", tokyo.ID)
	assign("LA today", "2026-12-07", la.ID)

	// 08:00 Monday in Tokyo is 23:00 UTC on Sunday.
	setClock(time.Date(2026, 12, 6, 22, 59, 0, 0, time.UTC))
	if id, err := db.RunDigest(context.Background(), tokyo.ID, clock); err != nil || id != 0 {
		t.Fatalf("before the hour: %d, %v", id, err)
	}
	setClock(time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC))
	var wg sync.WaitGroup
	ids := make([]int64, 4)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if ids[i], err = db.RunDigest(context.Background(), tokyo.ID, clock); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	made := 0
	for _, id := range ids {
		if id != 0 {
			made++
		}
	}
	if made != 1 {
		t.Fatalf("concurrent runs made %d digests (%v)", made, ids)
	}
	ms, err := db.ClaimMails(context.Background(), time.Minute, 10)
	if err != nil || len(ms) != 1 {
		t.Fatalf("ClaimMails = %v, %v", ms, err)
	}
	d := ms[0].Data
	if ms[0].To != "kei@digest.example.com" || d.Day != "2026-12-07" || d.Zone != "Asia/Tokyo" || len(d.Overdue) != 1 || d.Overdue[0].Name != "Old call" ||
		len(d.Today) != 1 || d.Today[0].Name != "Tokyo today" || d.Today[0].Due != "Mon 7 Dec 2026 14:00" {
		t.Fatalf("Tokyo digest = %+v", ms[0])
	}
	// LA's 08:00 is 16:00 UTC: not yet for it; the empty member's 08:00 UTC
	// passed, but its digest has nothing in it.
	if id, _ := db.RunDigest(context.Background(), la.ID, clock); id != 0 {
		t.Fatal("LA's digest before its hour")
	}
	setClock(time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC)) // late: 08:30 in LA
	if id, _ := db.RunDigest(context.Background(), la.ID, clock); id == 0 {
		t.Fatal("LA's digest after its hour was not made")
	}
	if id, _ := db.RunDigest(context.Background(), empty.ID, clock); id != 0 {
		t.Fatal("an empty digest was queued")
	}
	// Off days and a digest turned off make none; a setting changed to an
	// hour already past still makes the day's.
	setClock(time.Date(2026, 12, 12, 23, 30, 0, 0, time.UTC)) // Sunday 08:30 in Tokyo
	if id, _ := db.RunDigest(context.Background(), tokyo.ID, clock); id != 0 {
		t.Fatal("a digest on Sunday")
	}
	setClock(time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)) // Tuesday 11:00 in Tokyo
	if _, err := db.UpdateMember(tokyoCtx, tokyo.ID, &taskbox.MemberUpdate{DigestHour: ptr(10)}); err != nil {
		t.Fatal(err)
	}
	if id, _ := db.RunDigest(context.Background(), tokyo.ID, clock); id == 0 {
		t.Fatal("the day's digest after a change to a past hour was not made")
	}
	if _, err := db.UpdateMember(tokyoCtx, tokyo.ID, &taskbox.MemberUpdate{Digest: ptr("off")}); err != nil {
		t.Fatal(err)
	}
	setClock(time.Date(2026, 12, 9, 2, 0, 0, 0, time.UTC))
	if id, _ := db.RunDigest(context.Background(), tokyo.ID, clock); id != 0 {
		t.Fatal("a digest while off")
	}
	counts, _ := db.MailCounts(context.Background())
	if counts[taskbox.MailPending] != 3 {
		t.Fatalf("mail counts = %v", counts)
	}
	// Sent mails and old digest days are swept; pending mails stay.
	if err := db.RecordMailAttempt(context.Background(), ms[0].ID, store.MailResult{Status: taskbox.MailSent}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.DeleteOldMails(context.Background(), clock.Add(time.Hour), 100); err != nil || n != 1 {
		t.Fatalf("DeleteOldMails = %d, %v", n, err)
	}
	if counts, _ := db.MailCounts(context.Background()); counts[taskbox.MailPending] != 2 || counts[taskbox.MailSent] != 0 {
		t.Fatalf("after the sweep: %v", counts)
	}
}

// A task created without reminders takes its assignee's default_reminders,
// armed like its own; one created with "reminders": [] keeps none.
func TestDefaultRemindersOnCreate(t *testing.T) {
	t.Parallel()
	db := newTestDB(t)
	f := newFixture(t, db, "defaults", "UTC", 1)
	ana, anaCtx := f.addMember(t, db, taskbox.NewMember{Name: "Ana"})
	if _, err := db.UpdateMember(anaCtx, ana.ID, &taskbox.MemberUpdate{DefaultReminders: &[]string{"PT15M", "P1D"}}); err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	create := func(c taskbox.TaskCreate) *taskbox.Task {
		t.Helper()
		c.LeadMapID, c.Name, c.DueDate = f.mapIDs[0], "Call", &due
		task, err := db.CreateTask(f.ctx, &c)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := db.FindTaskByID(f.ctx, task.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(stored.Reminders, task.Reminders) {
			t.Fatalf("answered reminders %v, stored %v", task.Reminders, stored.Reminders)
		}
		return task
	}
	if got := create(taskbox.TaskCreate{AssigneeSet: true, AssigneeID: ana.ID}).Reminders; !slices.Equal(got, []string{"PT15M", "P1D"}) {
		t.Fatalf("assigned to Ana without reminders: %v", got)
	}
	if got := create(taskbox.TaskCreate{AssigneeSet: true, AssigneeID: ana.ID, Reminders: []string{}}).Reminders; len(got) != 0 {
		t.Fatalf("assigned to Ana with reminders []: %v", got)
	}
	if got := create(taskbox.TaskCreate{AssigneeSet: true, AssigneeID: ana.ID, Reminders: []string{"PT1H"}}).Reminders; !slices.Equal(got, []string{"PT1H"}) {
		t.Fatalf("assigned to Ana with its own reminders: %v", got)
	}
	if got := create(taskbox.TaskCreate{}).Reminders; len(got) != 0 {
		t.Fatalf("unassigned: %v", got)
	}
	// The lead map's owner is the assignee of a task created without one,
	// and gives it the owner's defaults too.
	if _, err := db.UpdateTeamMember(f.ctx, f.mapIDs[0], ana.ID); err != nil {
		t.Fatal(err)
	}
	if got := create(taskbox.TaskCreate{}).Reminders; !slices.Equal(got, []string{"PT15M", "P1D"}) {
		t.Fatalf("on Ana's lead map without reminders: %v", got)
	}
	if got := create(taskbox.TaskCreate{Reminders: []string{}}).Reminders; len(got) != 0 {
		t.Fatalf("on Ana's lead map with reminders []: %v", got)
	}
	if got := create(taskbox.TaskCreate{AssigneeSet: true}).Reminders; len(got) != 0 {
		t.Fatalf("on Ana's lead map, assigned to nobody: %v", got)
	}
}
