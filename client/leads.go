package client

import (
	"context"

	taskbox "github.com/taskboxhq/taskbox"
)

var (
	_ taskbox.NoteService     = (*Client)(nil)
	_ taskbox.CategoryService = (*Client)(nil)
)

// FindLeadByID is GET /api/v1/leads/{id}: the lead with its campaigns.
func (cl *Client) FindLeadByID(ctx context.Context, id int64) (*taskbox.Lead, error) {
	var out taskbox.Lead
	if err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/leads/%d", id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListLeadCampaigns is GET /api/v1/leads/{id}/campaigns: the campaigns the
// lead is in. The answer names no lead map nor category: LeadMapID and
// Category stay zero.
func (cl *Client) ListLeadCampaigns(ctx context.Context, leadID int64) ([]*taskbox.LeadCampaignMap, error) {
	var out []*taskbox.LeadCampaignMap
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/leads/%d/campaigns", leadID)}, &out)
	return out, err
}

// CreateNote is SmartLead's POST /api/v1/master-inbox/create-note. The
// answer carries the note's id and created_at; the note's other fields are
// filled from c (its text as sent, before the server trims it) and
// CreatedBy stays empty.
func (cl *Client) CreateNote(ctx context.Context, c *taskbox.NoteCreate) (*taskbox.Note, error) {
	var out struct {
		Data struct {
			Note []taskbox.Note `json:"note"`
		} `json:"data"`
	}
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/master-inbox/create-note",
		body: map[string]any{"email_lead_map_id": c.LeadMapID, "note_message": c.Message},
		idem: idemKey(c.Idempotency), replayed: replayedOf(c.Idempotency)}, &out)
	if err != nil {
		return nil, err
	}
	if len(out.Data.Note) != 1 {
		return nil, taskbox.Errorf(taskbox.EINTERNAL, "The server answered create-note without its note.")
	}
	n := out.Data.Note[0]
	n.LeadMapID, n.Message = c.LeadMapID, c.Message
	return &n, nil
}

// ListLeadNotes is GET /api/v1/crm/leads/notes/{lead_id}: the lead's notes
// in all its campaigns, newest first.
func (cl *Client) ListLeadNotes(ctx context.Context, leadID int64) ([]*taskbox.Note, error) {
	var out data[[]*taskbox.Note]
	err := cl.do(ctx, call{method: "GET", path: idPath("/api/v1/crm/leads/notes/%d", leadID)}, &out)
	return out.Data, err
}

// ListCategories is GET /api/v1/leads/fetch-categories.
func (cl *Client) ListCategories(ctx context.Context) ([]*taskbox.Category, error) {
	var out []*taskbox.Category
	err := cl.do(ctx, call{method: "GET", path: "/api/v1/leads/fetch-categories"}, &out)
	return out, err
}

// CreateCategory is POST /api/v1/leads/categories.
func (cl *Client) CreateCategory(ctx context.Context, c *taskbox.CategoryCreate) (*taskbox.Category, error) {
	var out data[*taskbox.Category]
	err := cl.do(ctx, call{method: "POST", path: "/api/v1/leads/categories",
		body: map[string]any{"name": c.Name, "sentiment_type": c.Sentiment},
		idem: idemKey(c.Idempotency), replayed: replayedOf(c.Idempotency)}, &out)
	return out.Data, err
}

// SetLeadCategory is PATCH /api/v1/master-inbox/update-category, or, when
// s names a campaign and a lead instead of a lead map, POST
// /api/v1/campaigns/{campaign_id}/leads/{lead_id}/category. Setting a
// category twice leaves what setting it once does, so it is retried as a
// read is.
func (cl *Client) SetLeadCategory(ctx context.Context, s *taskbox.CategorySet) error {
	var category any
	if s.CategoryID != 0 {
		category = s.CategoryID
	}
	if s.LeadMapID == 0 {
		return cl.do(ctx, call{method: "POST", path: idPath("/api/v1/campaigns/%d/leads/%d/category", s.CampaignID, s.LeadID),
			body: map[string]any{"category_id": category, "pause_lead": false}}, nil)
	}
	return cl.do(ctx, call{method: "PATCH", path: "/api/v1/master-inbox/update-category",
		body: map[string]any{"email_lead_map_id": s.LeadMapID, "category_id": category}}, nil)
}
