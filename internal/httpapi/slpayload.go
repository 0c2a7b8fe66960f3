package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
)

// MaxHookBody bounds a SmartLead event: a category event carries the
// lead's whole thread.
const MaxHookBody = 8 << 20

// maxReplyText bounds the reply text kept per event.
const maxReplyText = 100000

// slPayload holds the fields of a SmartLead event that taskbox reads, each
// raw: real payloads give ids as numbers or digit strings and fields as
// null, and no type in them refuses an event. Fields not named here (the
// thread's history) are skipped while decoding, not kept.
type slPayload struct {
	EventType      json.RawMessage `json:"event_type"`
	StatsID        json.RawMessage `json:"stats_id"`
	LeadMapID      json.RawMessage `json:"sl_email_lead_map_id"`
	SLLeadEmail    json.RawMessage `json:"sl_lead_email"`
	LeadEmail      json.RawMessage `json:"lead_email"`
	ToEmail        json.RawMessage `json:"to_email"`
	FromEmail      json.RawMessage `json:"from_email"`
	LeadName       json.RawMessage `json:"lead_name"`
	RawLeadData    json.RawMessage `json:"lead_data"`
	LeadCategory   json.RawMessage `json:"lead_category"`
	Category       json.RawMessage `json:"category"`
	LeadCategoryID json.RawMessage `json:"lead_category_id"`
	CampaignID     json.RawMessage `json:"campaign_id"`
	CampaignName   json.RawMessage `json:"campaign_name"`
	ReplyMessage   json.RawMessage `json:"reply_message"`
	MessageID      json.RawMessage `json:"message_id"`
	ReplyBody      json.RawMessage `json:"reply_body"`
	PreviewText    json.RawMessage `json:"preview_text"`
	Subject        json.RawMessage `json:"subject"`
	TimeReplied    json.RawMessage `json:"time_replied"`
	EventTimestamp json.RawMessage `json:"event_timestamp"`
	CreatedAt      json.RawMessage `json:"created_at"`
	AppURL         json.RawMessage `json:"app_url"`
	InboxLink      json.RawMessage `json:"ui_master_inbox_link"`
	SequenceNumber json.RawMessage `json:"sequence_number"`
	CurrentStep    json.RawMessage `json:"current_sequence_number"`
	SecretKey      json.RawMessage `json:"secret_key"`
	Correspondence json.RawMessage `json:"leadCorrespondence"`
}

// decodeSmartLead reads an event from r: a JSON object, else a 400.
func decodeSmartLead(r io.Reader) (*taskbox.SmartLeadEvent, error) {
	br := bufio.NewReader(r)
	for {
		b, err := br.ReadByte()
		if err != nil {
			return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The request body must be a JSON object.")
		}
		if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
			continue
		}
		if b != '{' {
			return nil, taskbox.Errorf(taskbox.EBADREQUEST, "The request body must be a JSON object.")
		}
		_ = br.UnreadByte()
		break
	}
	var p slPayload
	dec := json.NewDecoder(br)
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	return p.event(), nil
}

// text reads a JSON string, number or boolean as text; anything else is "".
func text(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		// PostgreSQL's text takes no NUL; nothing SmartLead sends needs one.
		return strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		return string(raw)
	}
	return ""
}

// id reads a positive integer given as a number or a digit string; 0 else.
func id(raw json.RawMessage) int64 {
	n, err := strconv.ParseInt(text(raw), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

func fields(raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

// optText reads an optional text field, cut to the 2,000 characters a
// lead's field holds.
func optText(raw json.RawMessage) *string {
	if s := clipText(text(raw), 2000); s != "" {
		return &s
	}
	return nil
}

func clipText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

func (p *slPayload) event() *taskbox.SmartLeadEvent {
	e := &taskbox.SmartLeadEvent{
		EventType:    text(p.EventType),
		StatsID:      clipText(text(p.StatsID), 500),
		CampaignID:   id(p.CampaignID),
		CampaignName: clipText(text(p.CampaignName), 255),
		LeadMapID:    id(p.LeadMapID),
		SecretKey:    text(p.SecretKey),
	}
	ld := fields(p.RawLeadData)
	from := strings.ToLower(text(p.FromEmail))
	for _, c := range []string{text(p.SLLeadEmail), text(p.LeadEmail), text(p.ToEmail), text(ld["email"]),
		text(fields(p.Correspondence)["targetLeadEmail"])} {
		// from_email is the team's mailbox, and so is to_email at times.
		if c != "" && strings.ToLower(c) != from && taskbox.ValidEmail(c) {
			e.LeadEmail = strings.ToLower(c)
			break
		}
	}
	e.Lead = taskbox.LeadInput{FirstName: optText(ld["first_name"]), LastName: optText(ld["last_name"]),
		CompanyName: optText(ld["company_name"]), PhoneNumber: optText(ld["phone_number"]), Website: optText(ld["website"]),
		Location: optText(ld["location"]), LinkedinProfile: optText(ld["linkedin_profile"]), CompanyURL: optText(ld["company_url"])}
	if cf := fields(ld["custom_fields"]); len(cf) > 0 {
		e.Lead.CustomFields = map[string]any{}
		for k, v := range cf {
			var x any
			if json.Unmarshal(v, &x) == nil {
				e.Lead.CustomFields[k] = x
			}
		}
	}
	if e.Lead.FirstName == nil {
		if name := strings.Fields(text(p.LeadName)); len(name) > 0 {
			e.Lead.FirstName = &name[0]
			if len(name) > 1 && e.Lead.LastName == nil {
				last := strings.Join(name[1:], " ")
				e.Lead.LastName = &last
			}
		}
	}
	lc := fields(p.LeadCategory)
	e.CategoryID, e.CategoryName = id(lc["new_id"]), text(lc["new_name"])
	if e.CategoryID == 0 && e.CategoryName == "" { // the deprecated fields
		e.CategoryID = id(p.LeadCategoryID)
		e.CategoryName = text(p.Category)
		if e.CategoryName == "" {
			e.CategoryName = text(fields(p.Category)["name"])
		}
	}
	e.Step = id(p.CurrentStep)
	if e.Step == 0 {
		e.Step = id(p.SequenceNumber)
	}
	appURL := text(p.AppURL)
	if appURL == "" {
		appURL = text(p.InboxLink)
	}
	if e.LeadMapID == 0 && appURL != "" {
		if u, err := url.Parse(appURL); err == nil {
			e.LeadMapID = id(json.RawMessage(strconv.Quote(u.Query().Get("leadMap"))))
		}
	}
	e.EventTimestamp = text(p.EventTimestamp)
	if e.EventTimestamp == "" {
		e.EventTimestamp = text(p.TimeReplied)
	}
	if e.EventTimestamp == "" {
		e.EventTimestamp = text(p.CreatedAt)
	}
	rm := fields(p.ReplyMessage)
	e.MessageID = text(rm["message_id"])
	if e.MessageID == "" {
		e.MessageID = text(p.MessageID)
	}
	e.MessageID, e.EventTimestamp = clipText(e.MessageID, 1000), clipText(e.EventTimestamp, 100)
	e.EventType, e.CategoryName = clipText(e.EventType, 100), clipText(e.CategoryName, 255)
	if e.EventType == taskbox.SLEmailReply {
		e.Reply = p.reply(rm, appURL, e.MessageID)
	}
	return e
}

// reply is the reply's text: reply_message.text, else preview_text, else
// the text of the reply's HTML.
func (p *slPayload) reply(rm map[string]json.RawMessage, appURL, messageID string) *taskbox.SmartLeadText {
	t := text(rm["text"])
	if t == "" {
		t = text(p.PreviewText)
	}
	if t == "" {
		h := text(rm["html"])
		if h == "" {
			h = text(p.ReplyBody)
		}
		t = htmlText(h)
	}
	if t == "" {
		return nil
	}
	if r := []rune(t); len(r) > maxReplyText {
		t = string(r[:maxReplyText])
	}
	out := &taskbox.SmartLeadText{MessageID: messageID, Subject: optText(p.Subject), Text: t}
	if appURL != "" {
		out.AppURL = &appURL
	}
	for _, raw := range []json.RawMessage{rm["time"], p.TimeReplied, p.EventTimestamp} {
		if at, err := time.Parse(time.RFC3339Nano, text(raw)); err == nil {
			ts := taskbox.Timestamp{Time: at.UTC()}
			out.Time = &ts
			break
		}
	}
	return out
}

var (
	htmlBreaks = regexp.MustCompile(`(?i)<(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>`)
	htmlDrop   = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)>`)
	htmlTags   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankLines = regexp.MustCompile(`\n[ \t]*(\n[ \t]*)+`)
)

// htmlText is the text of an HTML fragment: tags out, line breaks kept,
// entities decoded.
func htmlText(h string) string {
	h = htmlDrop.ReplaceAllString(h, "")
	h = htmlBreaks.ReplaceAllString(h, "\n")
	h = html.UnescapeString(htmlTags.ReplaceAllString(h, ""))
	return strings.TrimSpace(blankLines.ReplaceAllString(h, "\n\n"))
}
