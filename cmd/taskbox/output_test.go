package main

import (
	"strings"
	"testing"
)

// printable writes every control character and every byte that is not
// UTF-8 as a visible escape, and leaves other text, a real U+FFFD
// included, as it is.
func TestPrintable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Call back", "Call back"},
		{"Grüße, 東京 ✓ \ufffd", "Grüße, 東京 ✓ \ufffd"},
		{"\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"tab\there\nnew\r\n", `tab\there\nnew\r\n`},
		{"\x00\x01\x7f", `\x00\x01\x7f`},
		{"csi \u009b2J nel \u0085", `csi \u009b2J nel \u0085`},
		{"bad \xff\xfe byte", `bad \xff\xfe byte`},
		{"\xe2\x82", `\xe2\x82`}, // a cut-off rune
	} {
		if got := printable(c.in); got != c.want {
			t.Errorf("printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A table cell holds no control character, so no cell can move the
// terminal's cursor or break its line or column.
func TestCellsEscapeControlCharacters(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	tw := table(&b, "NAME", "LEAD")
	cells(tw, "Call\x1b[31m\tnow\nplease", "ann\u009b@example.com")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], `Call\x1b[31m\tnow\nplease  ann\u009b@example.com`) {
		t.Errorf("table:\n%s", b.String())
	}
	if strings.ContainsFunc(b.String(), func(r rune) bool { return r != '\n' && needsEscape(r) }) {
		t.Errorf("the table holds a control character: %q", b.String())
	}
}
