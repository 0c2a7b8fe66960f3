package client

import (
	"context"
	"net/url"
	"strconv"

	taskbox "github.com/taskboxhq/taskbox"
)

// CreateCampaign is SmartLead's POST /api/v1/campaigns/create. Its answer
// carries the id, name and created_at; the other fields stay zero.
func (cl *Client) CreateCampaign(ctx context.Context, c *taskbox.CampaignCreate) (*taskbox.Campaign, error) {
	var out taskbox.Campaign
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/campaigns/create", body: map[string]string{"name": c.Name},
		idem: idemKey(c.Idempotency), replayed: replayedOf(c.Idempotency)}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListCampaigns is GET /api/v1/campaigns.
func (cl *Client) ListCampaigns(ctx context.Context) ([]*taskbox.Campaign, error) {
	var out []*taskbox.Campaign
	err := cl.do(ctx, call{method: "GET", path: "/api/v1/campaigns"}, &out)
	return out, err
}

// FindCampaignByID is GET /api/v1/campaigns/{id}.
func (cl *Client) FindCampaignByID(ctx context.Context, id int64) (*taskbox.Campaign, error) {
	var out taskbox.Campaign
	if err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/campaigns/%d", id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// leadBody is the wire form of one entry of a lead_list.
type leadBody struct {
	Email           string         `json:"email"`
	FirstName       *string        `json:"first_name,omitempty"`
	LastName        *string        `json:"last_name,omitempty"`
	CompanyName     *string        `json:"company_name,omitempty"`
	PhoneNumber     *string        `json:"phone_number,omitempty"`
	Website         *string        `json:"website,omitempty"`
	Location        *string        `json:"location,omitempty"`
	LinkedinProfile *string        `json:"linkedin_profile,omitempty"`
	CompanyURL      *string        `json:"company_url,omitempty"`
	CustomFields    map[string]any `json:"custom_fields,omitempty"`
}

// AddLeads is SmartLead's POST /api/v1/campaigns/{id}/leads: up to 400
// leads into campaign u.CampaignID. Invalid emails are counted, not fatal.
func (cl *Client) AddLeads(ctx context.Context, u *taskbox.LeadUpload) (*taskbox.LeadUploadResult, error) {
	list := make([]leadBody, len(u.Leads))
	for i, l := range u.Leads {
		list[i] = leadBody{l.Email, l.FirstName, l.LastName, l.CompanyName, l.PhoneNumber, l.Website,
			l.Location, l.LinkedinProfile, l.CompanyURL, l.CustomFields}
	}
	var out taskbox.LeadUploadResult
	err := cl.do(ctx, call{method: "POST", path: idPath("/api/v1/campaigns/%d/leads", u.CampaignID),
		body: map[string]any{"lead_list": list, "settings": map[string]any{}},
		idem: idemKey(u.Idempotency), replayed: replayedOf(u.Idempotency)}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListLeadMaps is GET /api/v1/campaigns/{id}/leads: one page of the
// campaign's leads. limit 0 means the server's default (100).
func (cl *Client) ListLeadMaps(ctx context.Context, campaignID int64, offset, limit int) (*taskbox.LeadMapPage, error) {
	q := url.Values{"offset": {strconv.Itoa(offset)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out taskbox.LeadMapPage
	if err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/campaigns/%d/leads", campaignID), query: q}, &out); err != nil {
		return nil, err
	}
	for _, m := range out.Data {
		m.CampaignID = campaignID
	}
	return &out, nil
}

// FindLeadByEmail is SmartLead's GET /api/v1/leads/?email=: the lead with
// its campaigns (LeadCampaignData), each with its lead map id.
func (cl *Client) FindLeadByEmail(ctx context.Context, email string) (*taskbox.Lead, error) {
	var out taskbox.Lead
	if err := cl.do(ctx, call{method: "GET", path: "/api/v1/leads/", query: url.Values{"email": {email}}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
