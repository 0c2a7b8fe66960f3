package taskbox

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends t's JSON to b and returns the extended slice. The bytes
// are exactly those encoding/json writes for t (json.Marshal with
// escapeHTML, a json.Encoder with SetEscapeHTML(false) without it), without
// reflection: create-task, get and the inbox list write their tasks with it.
// TestTaskAppendJSON and FuzzTaskAppendJSON hold it to encoding/json's
// output; a field added to Task must be added here too (the tests fail
// until it is).
func (t *Task) AppendJSON(b []byte, escapeHTML bool) []byte {
	if t == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, `,"email_lead_map_id":`...)
	b = strconv.AppendInt(b, t.LeadMapID, 10)
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, t.Name, escapeHTML)
	b = append(b, `,"description":`...)
	b = appendStringPtr(b, t.Description, escapeHTML)
	b = append(b, `,"priority":`...)
	b = AppendJSONString(b, string(t.Priority), escapeHTML)
	b = append(b, `,"due_date":`...)
	if t.Due == nil {
		b = append(b, "null"...)
	} else {
		b = AppendJSONString(b, t.Due.String(), escapeHTML)
	}
	b = append(b, `,"created_at":`...)
	b = t.CreatedAt.appendJSON(b)
	b = append(b, `,"status":`...)
	b = AppendJSONString(b, string(t.Status), escapeHTML)
	b = append(b, `,"updated_at":`...)
	b = t.UpdatedAt.appendJSON(b)
	b = append(b, `,"completed_at":`...)
	if t.CompletedAt == nil {
		b = append(b, "null"...)
	} else {
		b = t.CompletedAt.appendJSON(b)
	}
	b = append(b, `,"campaign_id":`...)
	b = strconv.AppendInt(b, t.CampaignID, 10)
	b = append(b, `,"lead_id":`...)
	b = strconv.AppendInt(b, t.LeadID, 10)
	b = append(b, `,"completed_by":`...)
	if by := t.CompletedBy; by == nil {
		b = append(b, "null"...)
	} else {
		b = by.AppendJSON(b, escapeHTML)
	}
	b = append(b, `,"lead":`...)
	if l := t.Lead; l == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, l.ID, 10)
		b = append(b, `,"email":`...)
		b = AppendJSONString(b, l.Email, escapeHTML)
		b = append(b, `,"first_name":`...)
		b = appendStringPtr(b, l.FirstName, escapeHTML)
		b = append(b, `,"last_name":`...)
		b = appendStringPtr(b, l.LastName, escapeHTML)
		b = append(b, `,"company_name":`...)
		b = appendStringPtr(b, l.CompanyName, escapeHTML)
		b = append(b, '}')
	}
	b = append(b, `,"campaign":`...)
	if c := t.Campaign; c == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, c.ID, 10)
		b = append(b, `,"name":`...)
		b = AppendJSONString(b, c.Name, escapeHTML)
		b = append(b, '}')
	}
	b = append(b, `,"assignee":`...)
	b = t.Assignee.AppendJSON(b, escapeHTML)
	b = append(b, `,"lead_category":`...)
	if c := t.LeadCategory; c == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, c.ID, 10)
		b = append(b, `,"name":`...)
		b = AppendJSONString(b, c.Name, escapeHTML)
		b = append(b, '}')
	}
	b = append(b, `,"snoozed_until":`...)
	if t.SnoozedUntil == nil {
		b = append(b, "null"...)
	} else {
		b = t.SnoozedUntil.appendJSON(b)
	}
	b = append(b, `,"recurrence":`...)
	if rc := t.Recurrence; rc == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"rule":`...)
		b = AppendJSONString(b, rc.Rule, escapeHTML)
		b = append(b, `,"from":`...)
		b = AppendJSONString(b, rc.From, escapeHTML)
		b = append(b, '}')
	}
	b = append(b, `,"reminders":`...)
	if t.Reminders == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range t.Reminders {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, r, escapeHTML)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// AppendJSON appends m's JSON to b, as encoding/json writes it (see
// Task.AppendJSON); a nil m is null.
func (m *MemberRef) AppendJSON(b []byte, escapeHTML bool) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, m.ID, 10)
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, m.Name, escapeHTML)
	return append(b, '}')
}

// AppendJSON appends a's JSON to b, as encoding/json writes it (see
// Task.AppendJSON).
func (a *ActorRef) AppendJSON(b []byte, escapeHTML bool) []byte {
	b = append(b, `{"type":`...)
	b = AppendJSONString(b, a.Type, escapeHTML)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, a.Name, escapeHTML)
	b = append(b, `,"member":`...)
	b = a.Member.AppendJSON(b, escapeHTML)
	return append(b, '}')
}

// appendJSON writes the wire form in quotes, as MarshalJSON does. The
// layout has only characters JSON carries unescaped.
func (t Timestamp) appendJSON(b []byte) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, TimestampLayout)
	return append(b, '"')
}

func appendStringPtr(b []byte, s *string, escapeHTML bool) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return AppendJSONString(b, *s, escapeHTML)
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it: `"` and `\`, \n \r \t \b \f, other control characters as
// \u00XX, U+2028 and U+2029 as \u2028 and \u2029, each byte of invalid
// UTF-8 as \ufffd, and with escapeHTML also <, > and & as \u003c, \u003e
// and \u0026.
func AppendJSONString(b []byte, s string, escapeHTML bool) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is still to be copied as it is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || (c != '<' && c != '>' && c != '&')) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default: // other control characters, and <, >, & with escapeHTML
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
