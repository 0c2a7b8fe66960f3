package mail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/mail"
)

// sampleDigest is a digest with every section.
var sampleDigest = taskbox.MailData{MemberID: 7, MemberName: "Ana", Day: "2026-12-07", Zone: "Europe/Berlin",
	Overdue: []taskbox.MailTask{{ID: 11, Name: "Send the pricing sheet", Lead: "Omar Haddad", Due: "Thu 3 Dec 2026 14:00", Priority: "HIGH"}},
	Today: []taskbox.MailTask{{ID: 12, Name: "Call back <about the demo>", Lead: "ada@example.com", Due: "Mon 7 Dec 2026 10:30", Priority: "MEDIUM"},
		{ID: 13, Name: "Follow up on the proposal", Lead: "Lin Wu", Due: "Mon 7 Dec 2026", Priority: "LOW"}},
	Reminders: []taskbox.MailReminder{{LeadMapID: 5, LeadID: 9, Lead: "Omar Haddad", Message: "Ask about the budget", At: "15:00"}}}

// A digest renders into text and HTML with every task's link, the
// settings and the unsubscribe link; text is escaped in the HTML. With
// TASKBOX_MAIL_PREVIEW=DIR it writes the HTML there, to look at.
func TestRenderDigest(t *testing.T) {
	r := &mail.Renderer{BaseURL: "https://tasks.example.com", Key: []byte("k")}
	m, err := r.Render(taskbox.MailDigest, "ana@example.com", sampleDigest)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Your tasks for 2026-12-07: 1 overdue, 2 due today" {
		t.Fatalf("subject %q", m.Subject)
	}
	for _, want := range []string{"https://tasks.example.com/tasks/11", "https://tasks.example.com/tasks/12", "https://tasks.example.com/tasks/13",
		"https://tasks.example.com/leads/9", "https://tasks.example.com/settings", m.Unsubscribe} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("no %s in text or HTML", want)
		}
	}
	if !strings.Contains(m.HTML, "Call back &lt;about the demo&gt;") || !strings.Contains(m.Text, "Call back <about the demo>") {
		t.Error("a task's name is not escaped in the HTML, or escaped in the text")
	}
	if dir := os.Getenv("TASKBOX_MAIL_PREVIEW"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "digest.html"), []byte(m.HTML), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "digest.txt"), []byte(m.Text), 0o644)
		rm, _ := r.Render(taskbox.MailTaskReminder, "ana@example.com", taskbox.MailData{MemberID: 7, MemberName: "Ana",
			Reminder: &taskbox.MailReminder{TaskID: 11, TaskName: "Send the pricing sheet", TaskDue: "Mon 7 Dec 2026 14:00", Before: "PT15M", At: "13:45"}})
		_ = os.WriteFile(filepath.Join(dir, "reminder.html"), []byte(rm.HTML), 0o644)
	}
}

// An unsubscribe token names its member and only under its key.
func TestUnsubscribeToken(t *testing.T) {
	key := []byte("server secret")
	tok := mail.UnsubscribeToken(key, 42)
	if id, ok := mail.ParseUnsubscribeToken(key, tok); !ok || id != 42 {
		t.Fatalf("parse %q = %d %v", tok, id, ok)
	}
	sig := tok[strings.Index(tok, "."):]
	for _, bad := range []string{"43" + sig, "042" + sig, "42", "42.", "-1" + sig, "", "x.y", mail.UnsubscribeToken([]byte("other"), 42)} {
		if _, ok := mail.ParseUnsubscribeToken(key, bad); ok {
			t.Errorf("%q was taken", bad)
		}
	}
	if _, ok := mail.ParseUnsubscribeToken(nil, tok); ok {
		t.Error("a token was taken without a key")
	}
}

// NewSender refuses bad URLs and a missing From, naming the flag.
func TestNewSender(t *testing.T) {
	for _, c := range []struct{ url, from, want string }{
		{"http://mail.example.com", "a@example.com", "--smtp-url"},
		{"smtp://", "a@example.com", "--smtp-url"},
		{"smtp://mail.example.com:99999", "a@example.com", "--smtp-url"},
		{"smtp://mail.example.com/path", "a@example.com", "--smtp-url"},
		{"smtp://mail.example.com", "", "--mail-from"},
		{"smtp://mail.example.com", "not an address", "--mail-from"},
	} {
		if _, err := mail.NewSender(c.url, c.from); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSender(%q, %q) = %v", c.url, c.from, err)
		}
	}
	for _, u := range []string{"smtp://u:p@mail.example.com:587", "smtp://localhost:25", "smtps://u:p@mail.example.com"} {
		if _, err := mail.NewSender(u, "taskbox <tasks@example.com>"); err != nil {
			t.Errorf("NewSender(%q) = %v", u, err)
		}
	}
}
