package taskbox

import (
	"strings"
	"testing"
)

func TestSmartLeadHookURL(t *testing.T) {
	for _, c := range []struct {
		base  string
		https bool
		host  string
		want  string
	}{
		{"https://tasks.example.com/", false, "ignored:1", "https://tasks.example.com/hooks/smartlead/tok"},
		{"", false, "127.0.0.1:8080", "http://127.0.0.1:8080/hooks/smartlead/tok"},
		{"", true, "tasks.example.com", "https://tasks.example.com/hooks/smartlead/tok"},
	} {
		if got := SmartLeadHookURL(c.base, c.https, c.host, "tok"); got != c.want {
			t.Errorf("SmartLeadHookURL(%q, %v, %q) = %q, want %q", c.base, c.https, c.host, got, c.want)
		}
	}
}

func TestSmartLeadSecretFits(t *testing.T) {
	for _, c := range []struct {
		secret string
		want   bool
	}{{"", true}, {strings.Repeat("s", 255), true}, {strings.Repeat("s", 256), false}, {strings.Repeat("é", 128), false}} {
		if got := SmartLeadSecretFits(c.secret); got != c.want {
			t.Errorf("SmartLeadSecretFits(%d bytes) = %v, want %v", len(c.secret), got, c.want)
		}
	}
}
