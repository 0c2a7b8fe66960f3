package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

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

// oneLine keeps a cell on its line: newlines and tabs become spaces, and
// long text is shortened.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
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

// printTasks writes tasks as a table.
func printTasks(w io.Writer, tasks []*taskbox.Task) error {
	tw := table(w, "ID", "STATUS", "PRIORITY", "DUE", "NAME", "LEAD", "CAMPAIGN")
	for _, t := range tasks {
		cells(tw, t.ID, t.Status, t.Priority, dueText(t.Due), t.Name, taskLeadEmail(t), taskCampaign(t))
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
		{"Created", t.CreatedAt.String()}, {"Updated", t.UpdatedAt.String()}, {"Completed", completed},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
	}
	return tw.Flush()
}
