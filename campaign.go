package taskbox

import "context"

// Campaign is an outreach campaign; its leads are reached through lead maps.
type Campaign struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	CreatedAt Timestamp `json:"created_at"`
	UpdatedAt Timestamp `json:"updated_at"`
}

// CampaignStatusDrafted is the status of a new campaign, as in SmartLead.
const CampaignStatusDrafted = "DRAFTED"

// CampaignCreate is the body of POST /api/v1/campaigns/create.
type CampaignCreate struct {
	Name        string
	Idempotency *Idempotency
}

// Validate trims and checks the name.
func (c *CampaignCreate) Validate(fe *FieldErrors) {
	c.Name = TrimText(c.Name)
	checkName(fe, "name", c.Name)
}

// checkName applies the rule shared by campaign and task names: 1–255
// characters after trimming, not Blank (only invisible characters), no NUL.
func checkName(fe *FieldErrors, field, name string) {
	switch {
	case Blank(name):
		fe.Add(field, "must not be blank")
	case RuneLen(name) > 255:
		fe.Add(field, "must be at most 255 characters")
	case hasNUL(name):
		fe.Add(field, "must not contain NUL characters")
	}
}

// CampaignService manages the campaigns of the actor's account.
type CampaignService interface {
	CreateCampaign(ctx context.Context, c *CampaignCreate) (*Campaign, error)
	FindCampaignByID(ctx context.Context, id int64) (*Campaign, error)
	ListCampaigns(ctx context.Context) ([]*Campaign, error)
}
