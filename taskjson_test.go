package taskbox

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// stdJSON is what encoding/json writes for v: json.Marshal with escapeHTML,
// else a json.Encoder with SetEscapeHTML(false) (as the HTTP API writes).
func stdJSON(t testing.TB, v any, escapeHTML bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func checkTaskJSON(t testing.TB, task *Task) {
	t.Helper()
	for _, escapeHTML := range []bool{true, false} {
		want := stdJSON(t, task, escapeHTML)
		got := task.AppendJSON([]byte("prefix"), escapeHTML)
		if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len("prefix"):], want) {
			t.Fatalf("escapeHTML=%v: AppendJSON differs from encoding/json\n got %s\nwant %s", escapeHTML, got[len("prefix"):], want)
		}
	}
	if want := mustMarshal(t, task); !bytes.Equal(task.AppendJSON(nil, true), want) {
		t.Fatalf("AppendJSON(escapeHTML) differs from json.Marshal: %s", want)
	}
	if by := task.CompletedBy; by != nil {
		for _, escapeHTML := range []bool{true, false} {
			if got, want := by.AppendJSON(nil, escapeHTML), stdJSON(t, by, escapeHTML); !bytes.Equal(got, want) {
				t.Fatalf("ActorRef.AppendJSON(%v) = %s, want %s", escapeHTML, got, want)
			}
		}
	}
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hostileStrings are texts an encoder gets wrong: every control character,
// quotes and backslashes, HTML's <>&, U+2028/U+2029, invalid and truncated
// UTF-8, surrogates encoded in UTF-8, NUL, DEL, U+FFFD itself, long runs.
var hostileStrings = func() []string {
	s := []string{
		"", " ", "plain", `"`, `\`, `\"`, `"\\"`, "</script><script>alert(1)</script>", "a&b", "<>&",
		"\u2028", "\u2029", "x\u2028y\u2029z", "\u2027\u202a", "\x00", "\x7f", "\x1f", "\t\n\r\b\f\v",
		"\xff", "\xfe\xff", "\xc0\xaf", "\xe2\x80", "\xe2\x80\xa8\xe2", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xf0\x9f\x98", "caf\xc3\xa9", "\xef\xbf\xbd", "日本語", "😀 emoji", "\U0010ffff", "é\u0301",
		strings.Repeat("<a href=\"x\">&amp;</a>\u2028", 500), strings.Repeat("\xff", 100), "Grüße, \"Zoë\" \\ 100%",
	}
	for c := 0; c < 0x80; c++ {
		s = append(s, string(rune(c)), "a"+string(rune(c))+"b")
	}
	for c := 0x80; c < 0x100; c++ {
		s = append(s, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	return s
}()

func TestAppendJSONString(t *testing.T) {
	for _, s := range hostileStrings {
		for _, escapeHTML := range []bool{true, false} {
			want := stdJSON(t, s, escapeHTML)
			if got := AppendJSONString(nil, s, escapeHTML); !bytes.Equal(got, want) {
				t.Errorf("AppendJSONString(%q, %v) = %s, want %s", s, escapeHTML, got, want)
			}
		}
	}
}

// randomString mixes hostile pieces, random bytes and random runes.
func randomString(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(8); n > 0; n-- {
		switch r.IntN(4) {
		case 0:
			b.WriteString(hostileStrings[r.IntN(len(hostileStrings))])
		case 1:
			for k := r.IntN(6); k > 0; k-- {
				b.WriteByte(byte(r.IntN(256)))
			}
		case 2:
			for k := r.IntN(6); k > 0; k-- {
				b.WriteRune(rune(r.IntN(utf8.MaxRune + 1)))
			}
		default:
			b.WriteString("Follow up on enterprise proposal")
		}
	}
	return b.String()
}

func randomStringPtr(r *rand.Rand) *string {
	if r.IntN(3) == 0 {
		return nil
	}
	s := randomString(r)
	return &s
}

func randomInt(r *rand.Rand) int64 {
	switch r.IntN(5) {
	case 0:
		return 0
	case 1:
		return math.MaxInt64
	case 2:
		return math.MinInt64
	case 3:
		return -r.Int64()
	}
	return r.Int64()
}

func randomTime(r *rand.Rand) time.Time {
	switch r.IntN(4) {
	case 0:
		return time.Date(r.IntN(10000), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
	case 1:
		return time.Unix(r.Int64N(1<<40), int64(r.IntN(1e9)))
	case 2:
		return time.Date(2025, 12, 1, 10, 0, 0, 0, time.FixedZone("x", -3600*r.IntN(14)))
	}
	return Now().Time
}

func randomTask(r *rand.Rand) *Task {
	t := &Task{
		ID: randomInt(r), LeadMapID: randomInt(r), Name: randomString(r), Description: randomStringPtr(r),
		Priority:  []Priority{PriorityLow, PriorityMedium, PriorityHigh, Priority(randomString(r))}[r.IntN(4)],
		CreatedAt: Timestamp{randomTime(r)}, Status: []Status{StatusPending, StatusCompleted, Status(randomString(r))}[r.IntN(3)],
		UpdatedAt: Timestamp{randomTime(r)}, CampaignID: randomInt(r), LeadID: randomInt(r),
	}
	if r.IntN(2) == 0 {
		d := Due{At: randomTime(r).UTC(), AllDay: r.IntN(2) == 0}
		if d.AllDay {
			d.At = d.At.Truncate(24 * time.Hour)
		}
		t.Due = &d
	}
	if r.IntN(2) == 0 {
		c := Timestamp{randomTime(r)}
		t.CompletedAt = &c
	}
	if r.IntN(2) == 0 {
		t.CompletedBy = &ActorRef{Type: randomString(r), ID: randomInt(r), Name: randomString(r)}
		if r.IntN(2) == 0 {
			t.CompletedBy.Member = &MemberRef{ID: randomInt(r), Name: randomString(r)}
		}
	}
	if r.IntN(2) == 0 {
		t.Assignee = &MemberRef{ID: randomInt(r), Name: randomString(r)}
	}
	if r.IntN(4) != 0 {
		t.Lead = &TaskLead{ID: randomInt(r), Email: randomString(r), FirstName: randomStringPtr(r),
			LastName: randomStringPtr(r), CompanyName: randomStringPtr(r)}
	}
	if r.IntN(4) != 0 {
		t.Campaign = &TaskCampaign{ID: randomInt(r), Name: randomString(r)}
	}
	if r.IntN(2) == 0 {
		t.LeadCategory = &LeadCategory{ID: randomInt(r), Name: randomString(r)}
	}
	if r.IntN(2) == 0 {
		s := Timestamp{randomTime(r)}
		t.SnoozedUntil = &s
	}
	if r.IntN(2) == 0 {
		t.Recurrence = &Recurrence{Rule: randomString(r), From: randomString(r)}
	}
	switch r.IntN(3) {
	case 0:
		t.Reminders = []string{}
	case 1:
		t.Reminders = []string{randomString(r), randomString(r)}
	}
	return t
}

// TestTaskAppendJSON compares AppendJSON with encoding/json on the zero
// task, a task with every field, and 20,000 random tasks.
func TestTaskAppendJSON(t *testing.T) {
	var nilTask *Task
	if got := nilTask.AppendJSON(nil, false); string(got) != "null" {
		t.Fatalf("nil task: %s", got)
	}
	checkTaskJSON(t, &Task{})
	desc, first := "Send <pricing> & \"terms\"\u2028", "Zoë"
	due, done := Due{At: time.Date(2025, 12, 15, 9, 0, 0, 123000000, time.UTC)}, Timestamp{time.Date(2025, 12, 2, 8, 0, 0, 0, time.UTC)}
	checkTaskJSON(t, &Task{ID: 1, LeadMapID: 2433664091, Name: "Call back", Description: &desc, Priority: PriorityHigh,
		Due: &due, CreatedAt: Now(), Status: StatusCompleted, UpdatedAt: Now(), CompletedAt: &done, CampaignID: 3, LeadID: 4,
		CompletedBy: &ActorRef{Type: "api_key", ID: 5, Name: "CRM <sync>", Member: &MemberRef{ID: 6, Name: "Ana & Bo"}},
		Lead:        &TaskLead{ID: 4, Email: "lead@example.com", FirstName: &first},
		Campaign:    &TaskCampaign{ID: 3, Name: "Q4 & more"},
		Assignee:    &MemberRef{ID: 6, Name: "Ana <sales>"}, LeadCategory: &LeadCategory{ID: 1000, Name: "Hot <lead> & co"},
		SnoozedUntil: &done, Recurrence: &Recurrence{Rule: "FREQ=WEEKLY;BYDAY=MO", From: "due"}, Reminders: []string{"PT15M", "P1D"}})
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		checkTaskJSON(t, randomTask(r))
	}
}

// FuzzTaskAppendJSON holds AppendJSON to encoding/json on texts the fuzzer
// makes, in every text field at once and in each one alone.
func FuzzTaskAppendJSON(f *testing.F) {
	for _, s := range hostileStrings[:40] {
		f.Add(s, int64(7), true)
	}
	f.Fuzz(func(t *testing.T, s string, n int64, allDay bool) {
		due := Due{At: time.UnixMicro(n % (1 << 50)).UTC(), AllDay: allDay}
		task := &Task{ID: n, LeadMapID: -n, Name: s, Description: &s, Priority: Priority(s), Due: &due,
			CreatedAt: TimestampFromMicros(n % (1 << 50)), Status: Status(s), UpdatedAt: Now(), CompletedAt: &Timestamp{},
			CompletedBy: &ActorRef{Type: s, Name: s, Member: &MemberRef{ID: n, Name: s}}, Lead: &TaskLead{Email: s, FirstName: &s, LastName: &s, CompanyName: &s},
			Campaign: &TaskCampaign{Name: s}, Assignee: &MemberRef{ID: -n, Name: s}, LeadCategory: &LeadCategory{ID: n, Name: s},
			SnoozedUntil: &Timestamp{}, Recurrence: &Recurrence{Rule: s, From: s}, Reminders: []string{s, s}}
		checkTaskJSON(t, task)
		checkTaskJSON(t, &Task{Name: s, Lead: &TaskLead{Email: "x"}})
		for _, escapeHTML := range []bool{true, false} {
			if got, want := AppendJSONString(nil, s, escapeHTML), stdJSON(t, s, escapeHTML); !bytes.Equal(got, want) {
				t.Fatalf("AppendJSONString(%q, %v) = %s, want %s", s, escapeHTML, got, want)
			}
		}
	})
}

func BenchmarkTaskJSON(b *testing.B) {
	desc := "Send pricing breakdown for 50-seat plan"
	task := &Task{ID: 12345, LeadMapID: 2433664091, Name: "Follow up on enterprise proposal", Description: &desc,
		Priority: PriorityHigh, CreatedAt: Now(), Status: StatusPending, UpdatedAt: Now(), CampaignID: 1, LeadID: 1,
		Lead: &TaskLead{ID: 1, Email: "lead@bench.example"}, Campaign: &TaskCampaign{ID: 1, Name: "bench"}}
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(task)
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			buf = task.AppendJSON(buf[:0], true)
		}
	})
}
