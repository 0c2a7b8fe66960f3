package main

import (
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	taskbox "github.com/taskboxhq/taskbox"
)

// settingFlags are the notification settings `members update` takes.
type settingFlags struct {
	digest, days, reminders, workHours string
	hour                               int
}

func (s *settingFlags) register(f *pflag.FlagSet) {
	f.StringVar(&s.digest, "digest", "", "the morning digest by email: daily or off")
	f.IntVar(&s.hour, "digest-hour", 8, "the digest's hour, 0-23, in the member's zone")
	f.StringVar(&s.days, "digest-days", "", "the digest's days, ISO weekdays separated by commas (1 Monday ... 7 Sunday), such as 1,2,3,4,5")
	f.StringVar(&s.reminders, "default-reminders", "", `the reminders a new task assigned to the member takes, up to 5 ISO 8601 durations separated by commas, such as PT15M,P1D ("" for none)`)
	f.StringVar(&s.workHours, "work-hours", "", "the member's working hours, such as 09:00-17:00")
}

// apply sets the flags given on u; a value that does not parse is
// recorded in fe under the field's API name.
func (s *settingFlags) apply(fl *pflag.FlagSet, u *taskbox.MemberUpdate, fe *taskbox.FieldErrors) {
	if fl.Changed("digest") {
		u.Digest = &s.digest
	}
	if fl.Changed("digest-hour") {
		u.DigestHour = &s.hour
	}
	if fl.Changed("digest-days") {
		days := []int{}
		for _, p := range strings.Split(s.days, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				fe.Add("digest_days", taskbox.DigestDaysRule)
				break
			}
			days = append(days, n)
		}
		u.DigestDays = &days
	}
	if fl.Changed("default-reminders") {
		rs := []string{}
		for _, p := range strings.Split(s.reminders, ",") {
			if p = strings.TrimSpace(p); p != "" {
				rs = append(rs, p)
			}
		}
		u.DefaultReminders = &rs
	}
	if fl.Changed("work-hours") {
		start, end, _ := strings.Cut(s.workHours, "-")
		u.WorkHours = &taskbox.WorkHours{Start: strings.TrimSpace(start), End: strings.TrimSpace(end)}
	}
}
