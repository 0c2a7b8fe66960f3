package taskbox

import (
	"context"
	"strings"
)

// Sentiments of a lead category; a category may also have none (null).
const (
	SentimentPositive = "positive"
	SentimentNegative = "negative"
	SentimentNeutral  = "neutral"
)

// FirstAccountCategoryID is the smallest id of an account's own category:
// the ids below are SmartLead's default categories, which every account has.
const FirstAccountCategoryID = 1000

// Category is a lead category (Interested, Meeting Request, …), as
// SmartLead's fetch-categories lists it, in its field order.
type Category struct {
	ID        int64     `json:"id"`
	CreatedAt Timestamp `json:"created_at"`
	Name      string    `json:"name"`
	Sentiment *string   `json:"sentiment_type"`
}

// LeadCategory names the category of a task's lead map.
type LeadCategory struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// CategoryCreate is the body of POST /api/v1/leads/categories.
type CategoryCreate struct {
	Name        string
	Sentiment   *string
	Idempotency *Idempotency
}

// SentimentRule is the sentence a 422 on sentiment_type carries.
const SentimentRule = "must be positive, negative, neutral or null"

// Validate trims the name and checks both fields.
func (c *CategoryCreate) Validate(fe *FieldErrors) {
	if !fe.Has("name") {
		c.Name = TrimText(c.Name)
		checkName(fe, "name", c.Name)
	}
	if c.Sentiment != nil && !fe.Has("sentiment_type") {
		switch *c.Sentiment {
		case SentimentPositive, SentimentNegative, SentimentNeutral:
		default:
			fe.Add("sentiment_type", SentimentRule)
		}
	}
}

// CategorySet sets (or, with CategoryID 0, clears) the category of a lead
// map: the one named by LeadMapID, or else the lead map of LeadID in
// CampaignID.
type CategorySet struct {
	LeadMapID  int64
	CampaignID int64
	LeadID     int64
	CategoryID int64 // 0 clears
}

// CategoryService keeps the lead categories of the actor's account.
type CategoryService interface {
	// ListCategories returns SmartLead's defaults, then the account's own,
	// ids ascending.
	ListCategories(ctx context.Context) ([]*Category, error)
	CreateCategory(ctx context.Context, c *CategoryCreate) (*Category, error)
	// SetLeadCategory sets the category of a lead map. An unknown lead map
	// (or lead in campaign) is ENOTFOUND; a category that is neither a
	// default nor the account's is EINVALID naming category_id.
	SetLeadCategory(ctx context.Context, s *CategorySet) error
}

// FindCategory returns the category of cs whose id is the decimal s, or
// whose name is s in any case; nil when none is.
func FindCategory(cs []*Category, s string) *Category {
	for _, c := range cs {
		if itoa64(c.ID) == s || strings.EqualFold(c.Name, s) {
			return c
		}
	}
	return nil
}
