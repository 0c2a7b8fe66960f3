package taskbox

import (
	"context"
	"strings"
)

// Lead is a person a campaign writes to, one per account and email
// (compared without regard to case).
type Lead struct {
	ID               int64          `json:"id"`
	Email            string         `json:"email"`
	FirstName        *string        `json:"first_name"`
	LastName         *string        `json:"last_name"`
	CompanyName      *string        `json:"company_name"`
	PhoneNumber      *string        `json:"phone_number"`
	Website          *string        `json:"website"`
	Location         *string        `json:"location"`
	LinkedinProfile  *string        `json:"linkedin_profile"`
	CompanyURL       *string        `json:"company_url"`
	CustomFields     map[string]any `json:"custom_fields"`
	CreatedAt        Timestamp      `json:"created_at"`
	LeadCampaignData []LeadCampaign `json:"lead_campaign_data,omitempty"`
}

// LeadCampaign is one campaign a lead is in, as GET /api/v1/leads/ shows it.
type LeadCampaign struct {
	CampaignID        int64  `json:"campaign_id"`
	CampaignName      string `json:"campaign_name"`
	CampaignLeadMapID int64  `json:"campaign_lead_map_id"`
}

// LeadMap is one lead in one campaign. Its id is a task's email_lead_map_id.
type LeadMap struct {
	ID         int64     `json:"campaign_lead_map_id"`
	CampaignID int64     `json:"-"`
	Status     string    `json:"status"`
	CreatedAt  Timestamp `json:"created_at"`
	Lead       *Lead     `json:"lead"`
}

// LeadMapStatusStarted is the status of a lead newly added to a campaign.
const LeadMapStatusStarted = "STARTED"

// MaxLeadsPerUpload is SmartLead's limit of leads per request.
const MaxLeadsPerUpload = 400

// MaxLeadFieldLen bounds each text field of a lead.
const MaxLeadFieldLen = 2000

// LeadInput is one entry of a lead_list.
type LeadInput struct {
	Email           string
	FirstName       *string
	LastName        *string
	CompanyName     *string
	PhoneNumber     *string
	Website         *string
	Location        *string
	LinkedinProfile *string
	CompanyURL      *string
	CustomFields    map[string]any
}

// TextFields lists the optional text fields by their wire names, for
// decoding and validation.
func (l *LeadInput) TextFields() map[string]**string {
	return map[string]**string{
		"first_name": &l.FirstName, "last_name": &l.LastName, "company_name": &l.CompanyName,
		"phone_number": &l.PhoneNumber, "website": &l.Website, "location": &l.Location,
		"linkedin_profile": &l.LinkedinProfile, "company_url": &l.CompanyURL,
	}
}

// LeadUpload is the body of POST /api/v1/campaigns/{id}/leads.
type LeadUpload struct {
	CampaignID  int64
	Leads       []LeadInput
	Idempotency *Idempotency
}

// Validate checks the list's size and each lead's text fields. An invalid
// email is not an error here: the store counts and skips it.
func (u *LeadUpload) Validate(fe *FieldErrors) {
	if len(u.Leads) == 0 {
		fe.Add("lead_list", "must hold at least one lead")
	} else if len(u.Leads) > MaxLeadsPerUpload {
		fe.Add("lead_list", "must hold at most 400 leads")
	}
	for i := range u.Leads {
		l := &u.Leads[i]
		l.Email = TrimText(l.Email)
		for name, p := range l.TextFields() {
			if *p == nil {
				continue
			}
			field := "lead_list[" + itoa(i) + "]." + name
			if RuneLen(**p) > MaxLeadFieldLen {
				fe.Add(field, "must be at most 2000 characters")
			} else if hasNUL(**p) {
				fe.Add(field, "must not contain NUL characters")
			}
		}
	}
}

// LeadUploadResult is SmartLead's answer to a lead upload.
type LeadUploadResult struct {
	UploadCount            int            `json:"upload_count"`
	TotalLeads             int            `json:"total_leads"`
	AlreadyAddedToCampaign int            `json:"already_added_to_campaign"`
	DuplicateCount         int            `json:"duplicate_count"`
	InvalidEmailCount      int            `json:"invalid_email_count"`
	UnsubscribedLeads      []string       `json:"unsubscribed_leads"`
	Leads                  []UploadedLead `json:"leads"`
}

// UploadedLead names the lead and lead map of one accepted email.
type UploadedLead struct {
	Email     string `json:"email"`
	LeadID    int64  `json:"lead_id"`
	LeadMapID int64  `json:"email_lead_map_id"`
}

// LeadMapPage is one page of a campaign's leads.
type LeadMapPage struct {
	TotalLeads int        `json:"total_leads"`
	Offset     int        `json:"offset"`
	Limit      int        `json:"limit"`
	Data       []*LeadMap `json:"data"`
}

// ValidEmail reports whether s looks like a deliverable address: one @, a
// local part, and a domain with a dot, no spaces, at most 254 characters.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n\x00<>(),;:\"[]\\") {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at != strings.IndexByte(s, '@') {
		return false
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1 && !strings.Contains(domain, "..") && !strings.HasPrefix(domain, "-")
}

// LeadService manages the leads and lead maps of the actor's account.
type LeadService interface {
	AddLeads(ctx context.Context, u *LeadUpload) (*LeadUploadResult, error)
	ListLeadMaps(ctx context.Context, campaignID int64, offset, limit int) (*LeadMapPage, error)
	FindLeadByEmail(ctx context.Context, email string) (*Lead, error)
	// FindLeadByID returns the lead as FindLeadByEmail does.
	FindLeadByID(ctx context.Context, id int64) (*Lead, error)
	// ListLeadCampaigns returns the campaigns a lead is in, oldest lead map
	// first, each with the lead map and its category.
	ListLeadCampaigns(ctx context.Context, leadID int64) ([]*LeadCampaignMap, error)
}

// LeadCampaignMap is one campaign a lead is in, as GET
// /api/v1/leads/{id}/campaigns shows it ({"id", "status", "name"}: the
// campaign's), with what the web inbox's lead page shows beside it.
type LeadCampaignMap struct {
	ID        int64         `json:"id"`
	Status    string        `json:"status"`
	Name      string        `json:"name"`
	LeadMapID int64         `json:"-"`
	Category  *LeadCategory `json:"-"`
}

// MaxLeadSuggestions bounds the leads one search by email prefix returns.
const MaxLeadSuggestions = 20

// LeadSearcher finds the actor's leads by the start of their email, for the
// web inbox's suggestions as a person types.
type LeadSearcher interface {
	// SearchLeads returns up to limit leads (at most MaxLeadSuggestions)
	// whose email starts with prefix, in any case, ordered by email, each
	// with the campaigns it is in.
	SearchLeads(ctx context.Context, prefix string, limit int) ([]*Lead, error)
}
