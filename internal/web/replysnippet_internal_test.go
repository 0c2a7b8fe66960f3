package web

import (
	"strings"
	"testing"
)

// oneLine runs white space together, cuts at n characters (not bytes) with
// an ellipsis, and ends with one when the text read was already cut.
func TestOneLine(t *testing.T) {
	for _, c := range []struct {
		text string
		n    int
		more bool
		want string
	}{
		{"  Yes,\n\ncall\tme  ", 10, false, "Yes, call…"},
		{"Yes, call me", 12, false, "Yes, call me"},
		{"Yes, call me", 12, true, "Yes, call me…"},
		{"Yes, call    ", 12, true, "Yes, call…"},
		{strings.Repeat("é", 13), 12, false, strings.Repeat("é", 11) + "…"},
		{"   \n ", 12, true, ""},
		{"<b>hi</b>", 12, false, "<b>hi</b>"},
	} {
		if got := oneLine(c.text, c.n, c.more); got != c.want {
			t.Errorf("oneLine(%q, %d, %v) = %q, want %q", c.text, c.n, c.more, got, c.want)
		}
	}
}
