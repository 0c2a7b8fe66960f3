package taskbox

import (
	"testing"
	"time"
)

// TestParseDueOffsets: RFC 3339 offsets have hours 00–23 and minutes
// 00–59 (issue 14: +24:00 was accepted).
func TestParseDueOffsets(t *testing.T) {
	for _, s := range []string{"2026-01-01T10:00:00+24:00", "2026-01-01T10:00:00-24:00", "2026-01-01T10:00:00+23:60",
		"2026-01-01T10:00:00+99:00", "2026-01-01T10:00:00.5+24:00"} {
		if _, err := ParseDue(s, time.UTC); err == nil {
			t.Errorf("ParseDue(%q) accepted", s)
		}
	}
	for s, want := range map[string]string{"2026-01-01T10:00:00+23:59": "2025-12-31T10:01:00Z", "2026-01-01T10:00:00-23:59": "2026-01-02T09:59:00Z",
		"2026-01-01T10:00:00+00:00": "2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z": "2026-01-01T10:00:00Z"} {
		if d, err := ParseDue(s, time.UTC); err != nil || d.String() != want {
			t.Errorf("ParseDue(%q) = %v, %v; want %s", s, d, err, want)
		}
	}
}

// TestParseDueDSTGap: a local time a zone skips moves forward by the gap
// (issue 14: 02:30 in New York on 2026-03-08 became 06:30Z, an hour
// early); a local time that happens twice is the first.
func TestParseDueDSTGap(t *testing.T) {
	for _, tc := range []struct{ zone, local, want string }{
		{"America/New_York", "2026-03-08T02:30:00", "2026-03-08T07:30:00Z"}, // 03:30 EDT
		{"America/New_York", "2026-03-08T02:00", "2026-03-08T07:00:00Z"},    // 03:00 EDT
		{"America/New_York", "2026-03-08T02:59:59.5", "2026-03-08T07:59:59.500Z"},
		{"America/New_York", "2026-03-08T01:59:59", "2026-03-08T06:59:59Z"},    // before the gap
		{"America/New_York", "2026-03-08T03:00:00", "2026-03-08T07:00:00Z"},    // after it
		{"America/New_York", "2026-11-01T01:30:00", "2026-11-01T05:30:00Z"},    // twice: the first (EDT)
		{"Europe/Berlin", "2026-03-29T02:30:00", "2026-03-29T01:30:00Z"},       // 03:30 CEST
		{"Australia/Lord_Howe", "2026-10-04T02:15:00", "2026-10-03T15:45:00Z"}, // a 30-minute gap: 02:45 +11:00
		{"UTC", "2026-03-08T02:30:00", "2026-03-08T02:30:00Z"},
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseDue(tc.local, loc)
		if err != nil || d.String() != tc.want {
			t.Errorf("%s in %s = %v, %v; want %s", tc.local, tc.zone, d, err, tc.want)
		}
	}
}

// TestParseDueInputRange: a new due date ends by 9999-12-30, so that no
// form of it (the feed's end a day later included) reaches year 10000.
func TestParseDueInputRange(t *testing.T) {
	for s, want := range map[string]string{
		"9999-12-30": "", "9999-12-30T23:59:59.999Z": "", "0000-01-01": "", "0000-01-01T00:00:00Z": "",
		"9999-12-31": DueDateRange, "9999-12-31T00:00:00Z": DueDateRange, "9999-12-31T23:59:59.999Z": DueDateRange,
		"9999-12-31T01:00:00+02:00": "", // 9999-12-30T23:00Z
		"9999-12-31T23:30:00-01:00": DueDateFormats, "2026-01-01T10:00:00+24:00": DueDateFormats,
	} {
		if _, msg := ParseDueInput(s, time.UTC); msg != want {
			t.Errorf("ParseDueInput(%q) = %q, want %q", s, msg, want)
		}
	}
	var fe FieldErrors
	(&TaskCreate{LeadMapID: 1, Name: "x", DueDate: ptr("9999-12-31")}).Validate(&fe, time.UTC, "")
	(&TaskUpdate{DueDate: ptr("9999-12-31T12:00:00Z")}).Validate(&fe, time.UTC, "set.")
	if len(fe) != 2 || fe[0].Message != DueDateRange || fe[1].Field != "set.due_date" || fe[1].Message != DueDateRange {
		t.Errorf("Validate: %v", fe)
	}
}

func ptr(s string) *string { return &s }
