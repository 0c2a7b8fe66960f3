package taskbox

import (
	"context"
	"encoding/json"
	"strings"
)

// SmartLead's event types (SPEC.md §10). Any other event_type is recorded
// and does nothing.
const (
	SLEmailReply          = "EMAIL_REPLY"
	SLLeadCategoryUpdated = "LEAD_CATEGORY_UPDATED"
	SLManualStepReached   = "MANUAL_STEP_REACHED"
	SLLeadUnsubscribed    = "LEAD_UNSUBSCRIBED"
	SLEmailBounce         = "EMAIL_BOUNCE"
)

// SmartLeadEventTypes are the events taskbox acts on, in SPEC's order.
var SmartLeadEventTypes = []string{SLEmailReply, SLLeadCategoryUpdated, SLManualStepReached, SLLeadUnsubscribed, SLEmailBounce}

// SmartLeadEvent is what taskbox keeps of one event SmartLead POSTed: the
// fields it reads, normalised (ids as numbers, the lead's email from the
// first field that has one, the reply's text from the first form that has
// it). The thread a category event carries is not kept.
type SmartLeadEvent struct {
	EventType      string         `json:"event_type"`
	StatsID        string         `json:"stats_id,omitempty"`
	MessageID      string         `json:"message_id,omitempty"`
	EventTimestamp string         `json:"event_timestamp,omitempty"`
	LeadEmail      string         `json:"lead_email,omitempty"`
	Lead           LeadInput      `json:"lead"`
	CampaignID     int64          `json:"campaign_id,omitempty"`
	CampaignName   string         `json:"campaign_name,omitempty"`
	LeadMapID      int64          `json:"lead_map_id,omitempty"`
	CategoryID     int64          `json:"category_id,omitempty"`
	CategoryName   string         `json:"category_name,omitempty"`
	Step           int64          `json:"step,omitempty"`
	Reply          *SmartLeadText `json:"reply,omitempty"`
	// SecretKey is the payload's secret_key: checked, never stored.
	SecretKey string `json:"-"`
}

// SmartLeadText is a reply kept on a lead map.
type SmartLeadText struct {
	MessageID string     `json:"message_id,omitempty"`
	Subject   *string    `json:"subject"`
	Text      string     `json:"text"`
	Time      *Timestamp `json:"time"`
	AppURL    *string    `json:"app_url"`
}

// DedupKey is the key under which a retried delivery of the same event is
// recognised: event_type with stats_id and the reply's message_id, else
// event_type, the lead and event_timestamp.
func (e *SmartLeadEvent) DedupKey() string {
	if e.StatsID != "" || e.MessageID != "" {
		return e.EventType + "|s|" + e.StatsID + "|" + e.MessageID
	}
	return e.EventType + "|l|" + e.LeadEmail + "|" + e.EventTimestamp
}

// Reply is a kept reply as GET /api/v1/leads/{id} shows it.
type Reply struct {
	ID        int64      `json:"id"`
	LeadMapID int64      `json:"email_lead_map_id"`
	Subject   *string    `json:"subject"`
	Text      string     `json:"text"`
	Time      *Timestamp `json:"time"`
	AppURL    *string    `json:"app_url"`
}

// ReplyReader reads the replies kept from SmartLead for a page of task
// rows at once.
type ReplyReader interface {
	// LatestReplies returns, by lead map id, the latest reply kept (the
	// last one stored) of each of leadMapIDs that is the actor's
	// account's and has one, its text cut to maxChars characters. Lead
	// maps without a reply, and another account's, are absent.
	LatestReplies(ctx context.Context, leadMapIDs []int64, maxChars int) (map[int64]*Reply, error)
}

// SmartLeadIntegration is the answer of POST /api/v1/integrations/smartlead.
type SmartLeadIntegration struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
	Rules  []*Rule  `json:"rules"`
	// Token is the URL's last part, shown only here.
	Token string `json:"-"`
}

// InboundEvent is one received event as GET
// /api/v1/integrations/smartlead/events lists it.
type InboundEvent struct {
	ID          int64      `json:"id"`
	ReceivedAt  Timestamp  `json:"received_at"`
	EventType   string     `json:"event_type"`
	LeadEmail   *string    `json:"lead_email"`
	LeadMapID   *int64     `json:"email_lead_map_id"`
	Status      string     `json:"status"` // pending, done or failed
	Result      []string   `json:"result"`
	ProcessedAt *Timestamp `json:"processed_at"`
}

// InboundEventPage is one page of the events received.
type InboundEventPage struct {
	Events     []*InboundEvent
	NextCursor *string // nil on the last page
}

// Rule is one of an account's SmartLead rules (SPEC.md §10).
type Rule struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	On        []string  `json:"on"`
	When      RuleWhen  `json:"when"`
	Then      RuleThen  `json:"then"`
	Enabled   bool      `json:"enabled"`
	Position  int64     `json:"position"`
	CreatedAt Timestamp `json:"created_at"`
	UpdatedAt Timestamp `json:"updated_at"`

	// Idempotency makes a create run at most once per key (POST only).
	Idempotency *Idempotency `json:"-"`
}

// RuleWhen narrows a rule to categories (names, any case) and campaigns
// (SmartLead's ids); empty means any.
type RuleWhen struct {
	Categories  []string `json:"categories,omitempty"`
	CampaignIDs []int64  `json:"campaign_ids,omitempty"`
}

// RuleThen is a rule's action: exactly one field is set.
type RuleThen struct {
	CreateTask        *RuleTask    `json:"create_task,omitempty"`
	UpgradeOpenTask   *RuleUpgrade `json:"upgrade_open_task,omitempty"`
	CompleteOpenTasks bool         `json:"complete_open_tasks,omitempty"`
	SnoozeOpenTasks   string       `json:"snooze_open_tasks,omitempty"`
}

// RuleTask is a create_task action. Assignee is "lead_owner",
// "round_robin", a member's id as a JSON number, or null.
type RuleTask struct {
	Name          string          `json:"name"`
	Description   *string         `json:"description,omitempty"`
	Priority      Priority        `json:"priority"`
	Due           string          `json:"due,omitempty"`
	BusinessHours bool            `json:"business_hours,omitempty"`
	Assignee      json.RawMessage `json:"assignee"`
}

// RuleUpgrade is an upgrade_open_task action: the lead map's open task
// made by a rule gets Priority and, when Due is earlier than its due time,
// that one. With Create set, a task is created when none is open.
type RuleUpgrade struct {
	Priority Priority  `json:"priority"`
	Due      string    `json:"due,omitempty"`
	Create   *RuleTask `json:"create,omitempty"`
}

// RulePatch is a PATCH of a rule: nil fields stay as they are.
type RulePatch struct {
	Name     *string
	On       []string
	When     *RuleWhen
	Then     *RuleThen
	Enabled  *bool
	Position *int64
}

// Apply changes r as the patch says.
func (p *RulePatch) Apply(r *Rule) {
	if p.Name != nil {
		r.Name = *p.Name
	}
	if p.On != nil {
		r.On = p.On
	}
	if p.When != nil {
		r.When = *p.When
	}
	if p.Then != nil {
		r.Then = *p.Then
	}
	if p.Enabled != nil {
		r.Enabled = *p.Enabled
	}
	if p.Position != nil {
		r.Position = *p.Position
	}
}

// RuleService manages an account's rules; the actor must be an admin to
// change them.
type RuleService interface {
	ListRules(ctx context.Context) ([]*Rule, error)
	CreateRule(ctx context.Context, r *Rule) (*Rule, error)
	UpdateRule(ctx context.Context, id int64, p *RulePatch) (*Rule, error)
	DeleteRule(ctx context.Context, id int64) error
}

// SmartLeadService is the integration: its URL, the receiver's store step
// and the list of events received.
type SmartLeadService interface {
	// ConnectSmartLead makes or rotates the account's token; secretKey
	// nil or "" means payloads are not checked.
	ConnectSmartLead(ctx context.Context, secretKey *string) (*SmartLeadIntegration, error)
	// ReceiveSmartLead stores an event for the integration whose token
	// this is, durably, and nothing else: 404 for an unknown token, 401
	// for a secret_key that differs. A repeated event is no error.
	ReceiveSmartLead(ctx context.Context, token string, e *SmartLeadEvent) (stored bool, err error)
	// ListSmartLeadEvents lists a page of the events received, newest
	// first: limit of them after cursor ("" for the first page).
	ListSmartLeadEvents(ctx context.Context, limit int, cursor string) (*InboundEventPage, error)
	// SmartLeadSetup says whether the account has an integration and
	// since when, without its URL (only its token's hash is kept).
	SmartLeadSetup(ctx context.Context) (*SmartLeadSetup, error)
}

// SmartLeadSetup is the state of an account's integration.
type SmartLeadSetup struct {
	Connected bool
	SecretSet bool // payloads must carry the secret_key
	CreatedAt *Timestamp
	RotatedAt *Timestamp // the URL's token was made then
}

// MaxSmartLeadSecretLen bounds the secret_key an integration checks
// payloads against, in bytes.
const MaxSmartLeadSecretLen = 255

// SmartLeadSecretRule is the sentence a 422 on secret_key carries.
const SmartLeadSecretRule = "must be at most 255 characters"

// SmartLeadSecretFits reports whether secret is short enough to connect an
// integration with (MaxSmartLeadSecretLen); the API and the settings page
// both ask it.
func SmartLeadSecretFits(secret string) bool { return len(secret) <= MaxSmartLeadSecretLen }

// CampaignStatusActive is the status of a campaign mirrored from SmartLead.
const CampaignStatusActive = "ACTIVE"

// SmartLeadHookURL is the address SmartLead posts an integration's events
// to: under base (serve --base-url), else under the scheme and host the
// request came in on.
func SmartLeadHookURL(base string, https bool, host, token string) string {
	if base == "" {
		base = "http://" + host
		if https {
			base = "https://" + host
		}
	}
	return strings.TrimRight(base, "/") + "/hooks/smartlead/" + token
}
