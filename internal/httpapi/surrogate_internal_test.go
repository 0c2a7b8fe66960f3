package httpapi

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestLoneSurrogate: escapes of half a surrogate pair are found wherever
// they are; pairs, other escapes and escaped backslashes are not.
func TestLoneSurrogate(t *testing.T) {
	for raw, want := range map[string]bool{
		`"\ud800"`: true, `"\uD800"`: true, `"\udfff"`: true, `"\udc00\ud800"`: true, `"a\ud83dz"`: true,
		`"\ud83d\u0041"`: true, `"\ud83d\ud83d\ude00"`: true, `"\ud83d\\ude00"`: true, `["x", {"k": "\ud800"}]`: true,
		`{"\udbff": 1}`: true, `"\ud83d`: true,
		`"\ud83d\ude00"`: false, `"\uD83D\uDE00"`: false, `"\\ud800"`: false, `"\\\\ud800"`: false, `"\ufffd"`: false,
		`"�"`: false, `"\u0041\u00e9\uffff"`: false, `"plain"`: false, `""`: false, `"\"\\\/\b\f\n\r\t"`: false,
		`"\\\ud800"`: true,
	} {
		if got := loneSurrogate([]byte(raw)); got != want {
			t.Errorf("loneSurrogate(%s) = %v, want %v", raw, got, want)
		}
	}
}

// FuzzLoneSurrogate holds loneSurrogate to what encoding/json does: a JSON
// string (valid UTF-8) decodes to more U+FFFD than it spells exactly when
// it holds a lone surrogate escape.
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`\ud800`, `\ud83d\ude00`, `\\ud800`, `\ufffd`, `�`, `a\udc00b`, `\ud800\ud800\udc00`, `x\\\ud800`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, inner string) {
		raw := []byte(`"` + inner + `"`)
		var s string
		if !utf8.Valid(raw) || json.Unmarshal(raw, &s) != nil {
			return
		}
		spelled := bytes.Count(raw, []byte("\uFFFD")) + escapedFFFD(inner)
		lone := strings.Count(s, "\uFFFD") > spelled
		if got := loneSurrogate(raw); got != lone {
			t.Fatalf("loneSurrogate(%s) = %v; decoded %q", raw, got, s)
		}
	})
}

// escapedFFFD counts the \ufffd escapes of a JSON string's inside.
func escapedFFFD(inner string) int {
	n := 0
	for i := 0; i+1 < len(inner); {
		if inner[i] != '\\' {
			i++
			continue
		}
		if inner[i+1] == 'u' && i+6 <= len(inner) && strings.EqualFold(inner[i+2:i+6], "fffd") {
			n++
		}
		i += 2
	}
	return n
}
