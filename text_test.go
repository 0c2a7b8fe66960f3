package taskbox

import (
	"strings"
	"testing"
)

// TestBlank: a name made only of characters that show nothing is blank.
// The invisible ones come from the review of issue 14; the visible ones
// are format characters or fillers that do show.
func TestBlank(t *testing.T) {
	invisible := []rune{
		'\u200c', '\u200d', '\u2063', '\u3164', '\u115f', '\u1160', '\uffa0', '\u00ad', '\u200e', '\u200f',
		'\u202e', '\u034f', '\U000e0020', '\U000e007f', '\ufe0f', '\U000e0100', '\u180e', '\u2060', '\ufeff',
		'\u200b', ' ', '\t', '\u3000', '\u2028', '\u0085', '\u00a0', '\u061c', '\u17b4',
	}
	for _, r := range invisible {
		if !Invisible(r) {
			t.Errorf("U+%04X is not Invisible", r)
		}
		for _, s := range []string{string(r), strings.Repeat(string(r), 3)} {
			if !Blank(s) {
				t.Errorf("%q is not Blank", s)
			}
		}
	}
	if !Blank(string(invisible)) || !Blank("") {
		t.Error("all of them together, or nothing, is not Blank")
	}
	visible := []string{"a", "\u0600", "\ufff9", "\U00013430", "\u2800", "x\u200d", "❤️", "\u00ad-", "._", "\U0001F3F4\U000E0067\U000E0062\U000E007F"}
	for _, s := range visible {
		if Blank(s) {
			t.Errorf("%q is Blank", s)
		}
	}
}

// TestCheckNameInvisible: every name rule (task, campaign) and notes refuse them.
func TestCheckNameInvisible(t *testing.T) {
	for _, name := range []string{"\u200c\u200d", "\u3164", "\u115f", "\u00ad\u200e\u200f\u202e", "\u034f", "\U000e0020", "\u2063"} {
		var fe FieldErrors
		c := &CampaignCreate{Name: name}
		c.Validate(&fe)
		if len(fe) != 1 || fe[0].Message != "must not be blank" {
			t.Errorf("campaign %q: %v", name, fe)
		}
		fe = nil
		nc := &NoteCreate{LeadMapID: 1, Message: name}
		nc.Validate(&fe)
		if len(fe) != 1 || fe[0].Field != "note_message" || fe[0].Message != "must not be blank" {
			t.Errorf("note %q: %v", name, fe)
		}
		fe = nil
		tc := &TaskCreate{LeadMapID: 1, Name: name}
		tc.Validate(&fe, nil, "")
		if len(fe) != 1 || fe[0].Field != "name" || fe[0].Message != "must not be blank" {
			t.Errorf("task %q: %v", name, fe)
		}
	}
}
