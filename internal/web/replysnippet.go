package web

import (
	"context"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// A row whose lead map has a reply kept from SmartLead shows the start of
// the latest one under the task's name; the task's page shows them whole.

// replySnippet is the latest reply of a row's lead map, as the row shows it.
type replySnippet struct {
	Text  string // one line, at most snippetChars characters
	Title string // more of it (titleChars), in the row's title
}

const (
	snippetChars = 120
	titleChars   = 500
)

// addReplySnippets gives the rows of a page's sections the snippet of
// their lead map's latest reply, read for every row at once.
func (s *Server) addReplySnippets(ctx context.Context, sections []sectionView) error {
	var rows []*rowView
	for i := range sections {
		for j := range sections[i].Rows {
			rows = append(rows, &sections[i].Rows[j])
		}
	}
	return s.addReplies(ctx, rows...)
}

// addReplies gives rows the snippet of their lead map's latest reply, in
// one read.
func (s *Server) addReplies(ctx context.Context, rows ...*rowView) error {
	if s.Replies == nil || len(rows) == 0 {
		return nil
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.LeadMapID
	}
	// one character more than the title shows tells that there is more
	replies, err := s.Replies.LatestReplies(ctx, ids, titleChars+1)
	if err != nil {
		return err
	}
	for _, row := range rows {
		if r := replies[row.LeadMapID]; r != nil {
			more := taskbox.RuneLen(r.Text) > titleChars
			if text := oneLine(r.Text, snippetChars, more); text != "" {
				row.Reply = &replySnippet{Text: text, Title: oneLine(r.Text, titleChars, more)}
			}
		}
	}
	return nil
}

// oneLine is text on one line (each run of white space one space), cut at
// n characters with an ellipsis, which it also ends with when the text
// was cut before (more).
func oneLine(text string, n int, more bool) string {
	line := strings.Join(strings.Fields(text), " ")
	if r := []rune(line); len(r) > n {
		line, more = string(r[:n-1]), true
	}
	if more && line != "" {
		return strings.TrimRight(line, " ") + "…"
	}
	return line
}
