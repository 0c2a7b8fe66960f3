package taskbox

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TrimText trims white space at both ends, including the invisible spaces
// (zero-width space, word joiner, byte order mark) that unicode.IsSpace misses
// but that pasted names often carry.
func TrimText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\u2060' || r == '\ufeff' || r == '\u180e'
	})
}

// RuneLen counts characters, not bytes.
func RuneLen(s string) int { return utf8.RuneCountInString(s) }

// hasNUL reports whether s holds a NUL character, which PostgreSQL text cannot store.
func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

func itoa(i int) string { return strconv.Itoa(i) }
