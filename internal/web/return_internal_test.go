package web

import "testing"

// TestSafeReturn: a return path is kept only when no browser can read it
// as another site (issue 14: "/\t/evil.example" was followed to
// //evil.example).
func TestSafeReturn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/", "/"},
		{"/?q=x&view=completed", "/?q=x&view=completed"},
		{"/tasks/12", "/tasks/12"},
		{"/?q=100%25+sure", "/?q=100%25+sure"},
		{"/%09/evil.example", "/%09/evil.example"}, // still encoded: a path of this site
		{"/?q=a/b//c", "/?q=a/b//c"},
		{"/ünïcödé", "/ünïcödé"},
		{"", "/"},
		{"tasks/12", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"\t//evil.example", "/"},
		{" //evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\/evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"/tasks/1\\..\\..\\evil", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x01/evil.example", "/"},
		{"/\x1f/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\u0085/evil.example", "/"},
		{"/\u009f/evil.example", "/"},
		{"/\xff/evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"http:/evil.example", "/"},
	} {
		if got := safeReturn(tc.in); got != tc.want {
			t.Errorf("safeReturn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
