package taskbox

import (
	"net/url"
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

// TextValues reports whether every name and value of vs (a query or a
// form) is UTF-8 text without NUL, which PostgreSQL cannot take in a
// parameter; a caller refuses the whole request otherwise.
func TextValues(vs url.Values) bool {
	ok := func(s string) bool { return utf8.ValidString(s) && !hasNUL(s) }
	for name, values := range vs {
		if !ok(name) {
			return false
		}
		for _, v := range values {
			if !ok(v) {
				return false
			}
		}
	}
	return true
}

func itoa(i int) string { return strconv.Itoa(i) }

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
