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

// Invisible reports whether r shows nothing on its own: white space
// (Unicode's White_Space) or a default-ignorable code point, which
// renderers draw as nothing (joiners, direction marks, soft hyphens, tags,
// variation selectors, the Hangul fillers). Default_Ignorable_Code_Point is
// derived as Unicode's DerivedCoreProperties.txt derives it, from the
// tables of Go's unicode package, so it follows Go's Unicode version.
func Invisible(r rune) bool {
	return unicode.Is(unicode.White_Space, r) || defaultIgnorable(r)
}

// defaultIgnorable is Default_Ignorable_Code_Point: Other_DICP, format
// characters (Cf) and variation selectors, less white space, the
// interlinear annotation characters (U+FFF9–FFFB), the Egyptian hieroglyph
// format controls (U+13430–1343F) and the prepended concatenation marks,
// which are format characters that show.
func defaultIgnorable(r rune) bool {
	if !unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) && !unicode.Is(unicode.Cf, r) &&
		!unicode.Is(unicode.Variation_Selector, r) {
		return false
	}
	return !unicode.Is(unicode.White_Space, r) && !(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F) &&
		!unicode.Is(unicode.Prepended_Concatenation_Mark, r)
}

// Blank reports whether s shows nothing: it is empty or every character of
// it is Invisible. A name that is blank is refused, whatever it is made of.
func Blank(s string) bool {
	for _, r := range s {
		if !Invisible(r) {
			return false
		}
	}
	return true
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
