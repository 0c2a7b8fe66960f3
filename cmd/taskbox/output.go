package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	taskbox "github.com/taskboxhq/taskbox"
)

// table writes aligned columns; the caller calls Flush.
func table(w io.Writer, header ...string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	return tw
}

// cells writes one line of cells, each cut to one line.
func cells(tw io.Writer, cells ...any) {
	s := make([]string, len(cells))
	for i, c := range cells {
		s[i] = oneLine(fmt.Sprint(c))
	}
	fmt.Fprintln(tw, strings.Join(s, "\t"))
}

// oneLine keeps a cell on its line and in its column: printable text,
// shortened when long.
func oneLine(s string) string {
	s = printable(s)
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// printable is text as the human-readable output shows it, on a terminal
// or through a pipe: every control character (C0, tab and newline
// included, DEL and C1) becomes a visible escape (\t, \n, \x1b, \u009b),
// and so does each byte that is not UTF-8 (\xff). Stored text, typed by
// anyone with a key, can then neither send the terminal a command (an
// escape sequence that moves the cursor, rewrites the title or the
// clipboard) nor break a table's lines and columns. Every table and text
// printer writes stored text through it; --json prints it as stored.
func printable(s string) string {
	i := strings.IndexFunc(s, needsEscape)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether printable escapes r: a control character, or
// utf8.RuneError, which is also how a byte that is not UTF-8 decodes (a
// real U+FFFD is written as it is).
func needsEscape(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == utf8.RuneError
}

func str(p *string) string {
	if p == nil {
		return "-"
	}
	return *p
}

func dueText(d *taskbox.Due) string {
	if d == nil {
		return "-"
	}
	return d.String()
}

func taskLeadEmail(t *taskbox.Task) string {
	if t.Lead == nil {
		return "-"
	}
	return t.Lead.Email
}

func taskCampaign(t *taskbox.Task) string {
	if t.Campaign == nil {
		return fmt.Sprint(t.CampaignID)
	}
	return t.Campaign.Name
}

func taskAssignee(t *taskbox.Task) string {
	if t.Assignee == nil {
		return "-"
	}
	return fmt.Sprintf("%s (%d)", t.Assignee.Name, t.Assignee.ID)
}

// printTasks writes tasks as a table.
func printTasks(w io.Writer, tasks []*taskbox.Task) error {
	tw := table(w, "ID", "STATUS", "PRIORITY", "DUE", "NAME", "LEAD", "CAMPAIGN", "ASSIGNEE")
	for _, t := range tasks {
		cells(tw, t.ID, t.Status, t.Priority, dueText(t.Due), t.Name, taskLeadEmail(t), taskCampaign(t), taskAssignee(t))
	}
	return tw.Flush()
}

// printTask writes one task as name: value lines.
func printTask(w io.Writer, t *taskbox.Task) error {
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	completed := "-"
	if t.CompletedAt != nil {
		completed = t.CompletedAt.String()
	}
	for _, kv := range [][2]string{
		{"ID", fmt.Sprint(t.ID)}, {"Name", t.Name}, {"Description", str(t.Description)},
		{"Status", string(t.Status)}, {"Priority", string(t.Priority)}, {"Due", dueText(t.Due)},
		{"Lead", taskLeadEmail(t)}, {"Lead map", fmt.Sprint(t.LeadMapID)}, {"Campaign", taskCampaign(t)},
		{"Assignee", taskAssignee(t)},
		{"Created", t.CreatedAt.String()}, {"Updated", t.UpdatedAt.String()}, {"Completed", completed},
		{"Snoozed until", snoozedText(t)}, {"Repeats", repeatText(t)}, {"Reminders", remindersText(t)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], printable(kv[1]))
	}
	return tw.Flush()
}

// snoozedText is when a task's snooze ends, or "-".
func snoozedText(t *taskbox.Task) string {
	if t.SnoozedUntil == nil {
		return "-"
	}
	return t.SnoozedUntil.String()
}

// remindersText lists a task's reminders, or "-".
func remindersText(t *taskbox.Task) string {
	if len(t.Reminders) == 0 {
		return "-"
	}
	return strings.Join(t.Reminders, ", ") + " before the due time"
}

// repeatText says a task's recurrence in words, with its rule, or "-".
func repeatText(t *taskbox.Task) string {
	if t.Recurrence == nil {
		return "-"
	}
	return fmt.Sprintf("%s, from the %s (%s)", t.Recurrence.Words(), t.Recurrence.From, t.Recurrence.Rule)
}
