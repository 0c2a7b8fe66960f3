package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.LeadService = (*DB)(nil)

const leadColumns = `l.id, l.email, l.first_name, l.last_name, l.company_name, l.phone_number, l.website,
	l.location, l.linkedin_profile, l.company_url, l.custom_fields, l.created_at`

// AddLeads adds up to 400 leads to a campaign with SmartLead's counts: an
// invalid email is counted and skipped, an email repeated in the request is
// counted once as a duplicate, a lead already in the campaign is counted and
// keeps its lead map. The whole upload is one transaction.
func (db *DB) AddLeads(ctx context.Context, u *taskbox.LeadUpload) (*taskbox.LeadUploadResult, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if u.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.LeadUploadResult
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), u.Idempotency, func() (*taskbox.LeadUploadResult, error) {
			return addLeads(ctx, tx, actor.AccountID(), u)
		})
		return err
	})
	return out, err
}

func addLeads(ctx context.Context, tx *Tx, accountID int64, u *taskbox.LeadUpload) (*taskbox.LeadUploadResult, error) {
	if _, err := findCampaign(ctx, tx, accountID, u.CampaignID); err != nil {
		return nil, err
	}
	res := &taskbox.LeadUploadResult{TotalLeads: len(u.Leads), UnsubscribedLeads: []string{}, Leads: []taskbox.UploadedLead{}}
	seen := make(map[string]bool, len(u.Leads))
	for i := range u.Leads {
		l := &u.Leads[i]
		key := strings.ToLower(l.Email)
		switch {
		case !taskbox.ValidEmail(l.Email):
			res.InvalidEmailCount++
			continue
		case seen[key]:
			res.DuplicateCount++
			continue
		}
		seen[key] = true
		leadID, err := upsertLead(ctx, tx, accountID, l)
		if err != nil {
			return nil, err
		}
		mapID, created, err := addLeadMap(ctx, tx, accountID, u.CampaignID, leadID, 0)
		if err != nil {
			return nil, err
		}
		if created {
			res.UploadCount++
		} else {
			res.AlreadyAddedToCampaign++
		}
		res.Leads = append(res.Leads, taskbox.UploadedLead{Email: l.Email, LeadID: leadID, LeadMapID: mapID})
	}
	return res, nil
}

// upsertLead inserts the lead or, when the account has one with that email
// in any case, fills in the fields the upload gives and returns its id.
func upsertLead(ctx context.Context, tx *Tx, accountID int64, l *taskbox.LeadInput) (int64, error) {
	custom := "{}"
	if len(l.CustomFields) > 0 {
		b, err := json.Marshal(l.CustomFields)
		if err != nil {
			return 0, err
		}
		custom = string(b)
	}
	var id int64
	err := tx.queryRow(ctx, `
		INSERT INTO leads (account_id, email, email_key, first_name, last_name, company_name, phone_number,
			website, location, linkedin_profile, company_url, custom_fields, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, email_key) DO UPDATE SET
			first_name = COALESCE(excluded.first_name, leads.first_name),
			last_name = COALESCE(excluded.last_name, leads.last_name),
			company_name = COALESCE(excluded.company_name, leads.company_name),
			phone_number = COALESCE(excluded.phone_number, leads.phone_number),
			website = COALESCE(excluded.website, leads.website),
			location = COALESCE(excluded.location, leads.location),
			linkedin_profile = COALESCE(excluded.linkedin_profile, leads.linkedin_profile),
			company_url = COALESCE(excluded.company_url, leads.company_url),
			custom_fields = CASE WHEN excluded.custom_fields = '{}' THEN leads.custom_fields ELSE excluded.custom_fields END
		RETURNING id`,
		accountID, l.Email, strings.ToLower(l.Email), l.FirstName, l.LastName, l.CompanyName, l.PhoneNumber,
		l.Website, l.Location, l.LinkedinProfile, l.CompanyURL, custom, tx.now.Micros()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("upsert lead: %w", err)
	}
	return id, nil
}

// addLeadMap puts a lead in a campaign unless it is there already, and
// returns the lead map's id and whether it was created. id 0 lets the
// database choose the id.
func addLeadMap(ctx context.Context, tx *Tx, accountID, campaignID, leadID, id int64) (int64, bool, error) {
	cols, args := "account_id, campaign_id, lead_id, status, created_at", []any{accountID, campaignID, leadID, taskbox.LeadMapStatusStarted, tx.now.Micros()}
	if id != 0 {
		cols, args = "id, "+cols, append([]any{id}, args...)
	}
	var newID int64
	err := tx.queryRow(ctx, `INSERT INTO lead_maps (`+cols+`) VALUES (`+placeholders(len(args))+`)
		ON CONFLICT (campaign_id, lead_id) DO NOTHING RETURNING id`, args...).Scan(&newID)
	if err == nil {
		if id != 0 {
			err = tx.dialect.syncIdentity(ctx, tx, "lead_maps")
		}
		return newID, true, err
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("insert lead map: %w", err)
	}
	err = tx.queryRow(ctx, `SELECT id FROM lead_maps WHERE campaign_id = ? AND lead_id = ?`, campaignID, leadID).Scan(&newID)
	return newID, false, err
}

// ListLeadMaps returns a page of a campaign's leads, oldest first.
func (db *DB) ListLeadMaps(ctx context.Context, campaignID int64, offset, limit int) (*taskbox.LeadMapPage, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	page := &taskbox.LeadMapPage{Offset: offset, Limit: limit, Data: []*taskbox.LeadMap{}}
	err = db.inRead(ctx, func(tx *Tx) error {
		if _, err := findCampaign(ctx, tx, actor.AccountID(), campaignID); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM lead_maps WHERE campaign_id = ?`, campaignID).Scan(&page.TotalLeads); err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT lm.id, lm.status, lm.created_at, `+leadColumns+`
			FROM lead_maps lm JOIN leads l ON l.id = lm.lead_id
			WHERE lm.campaign_id = ? ORDER BY lm.id LIMIT ? OFFSET ?`, campaignID, limit, offset)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := &taskbox.LeadMap{CampaignID: campaignID}
			var (
				created int64
				lr      leadRow
			)
			if err := rows.Scan(append([]any{&m.ID, &m.Status, &created}, lr.dest()...)...); err != nil {
				return err
			}
			m.CreatedAt = taskbox.TimestampFromMicros(created)
			if m.Lead, err = lr.lead(); err != nil {
				return err
			}
			page.Data = append(page.Data, m)
		}
		return rows.Err()
	})
	return page, err
}

// FindLeadByEmail returns the actor's lead with that email (in any case) and
// the campaigns it is in.
func (db *DB) FindLeadByEmail(ctx context.Context, email string) (lead *taskbox.Lead, err error) {
	return db.findLead(ctx, `l.email_key = ?`, strings.ToLower(taskbox.TrimText(email)))
}

// FindLeadByID returns the actor's lead with that id and the campaigns it is in.
func (db *DB) FindLeadByID(ctx context.Context, id int64) (lead *taskbox.Lead, err error) {
	return db.findLead(ctx, `l.id = ?`, id)
}

// findLead returns the actor's lead that cond (on leads l, with arg)
// selects, with its campaigns.
func (db *DB) findLead(ctx context.Context, cond string, arg any) (lead *taskbox.Lead, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		var lr leadRow
		err := tx.queryRow(ctx, `SELECT `+leadColumns+` FROM leads l WHERE l.account_id = ? AND `+cond,
			actor.AccountID(), arg).Scan(lr.dest()...)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Lead")
		} else if err != nil {
			return err
		}
		if lead, err = lr.lead(); err != nil {
			return err
		}
		lead.LeadCampaignData, err = leadCampaigns(ctx, tx, lead.ID)
		return err
	})
	return lead, err
}

// ListLeadCampaigns returns the campaigns a lead of the actor's account is
// in, oldest lead map first, with each lead map and its category.
func (db *DB) ListLeadCampaigns(ctx context.Context, leadID int64) (out []*taskbox.LeadCampaignMap, err error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inRead(ctx, func(tx *Tx) error {
		var one int
		err := tx.queryRow(ctx, `SELECT 1 FROM leads WHERE id = ? AND account_id = ?`, leadID, actor.AccountID()).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Lead")
		} else if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT c.id, c.status, c.name, lm.id, lc.id, lc.name FROM lead_maps lm
			JOIN campaigns c ON c.id = lm.campaign_id LEFT JOIN lead_categories lc ON lc.id = lm.category_id
			WHERE lm.lead_id = ? AND lm.account_id = ? ORDER BY lm.id`, leadID, actor.AccountID())
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []*taskbox.LeadCampaignMap{}
		for rows.Next() {
			var (
				m     taskbox.LeadCampaignMap
				catID sql.NullInt64
				cat   sql.NullString
			)
			if err := rows.Scan(&m.ID, &m.Status, &m.Name, &m.LeadMapID, &catID, &cat); err != nil {
				return err
			}
			m.Category = leadCategory(catID, cat)
			out = append(out, &m)
		}
		return rows.Err()
	})
	return out, err
}

// leadCategory converts a lead map's nullable category.
func leadCategory(id sql.NullInt64, name sql.NullString) *taskbox.LeadCategory {
	if !id.Valid {
		return nil
	}
	return &taskbox.LeadCategory{ID: id.Int64, Name: name.String}
}

func leadCampaigns(ctx context.Context, tx *Tx, leadID int64) ([]taskbox.LeadCampaign, error) {
	rows, err := tx.query(ctx, `SELECT lm.campaign_id, c.name, lm.id FROM lead_maps lm
		JOIN campaigns c ON c.id = lm.campaign_id WHERE lm.lead_id = ? ORDER BY lm.id`, leadID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []taskbox.LeadCampaign{}
	for rows.Next() {
		var lc taskbox.LeadCampaign
		if err := rows.Scan(&lc.CampaignID, &lc.CampaignName, &lc.CampaignLeadMapID); err != nil {
			return nil, err
		}
		out = append(out, lc)
	}
	return out, rows.Err()
}

// leadRow receives the leadColumns of one row.
type leadRow struct {
	id      int64
	email   string
	opt     [8]sql.NullString // first_name … company_url, in leadColumns order
	custom  string
	created int64
}

func (r *leadRow) dest() []any {
	d := []any{&r.id, &r.email}
	for i := range r.opt {
		d = append(d, &r.opt[i])
	}
	return append(d, &r.custom, &r.created)
}

func (r *leadRow) lead() (*taskbox.Lead, error) {
	l := &taskbox.Lead{ID: r.id, Email: r.email, CreatedAt: taskbox.TimestampFromMicros(r.created)}
	for i, p := range []**string{&l.FirstName, &l.LastName, &l.CompanyName, &l.PhoneNumber, &l.Website,
		&l.Location, &l.LinkedinProfile, &l.CompanyURL} {
		*p = stringPtr(r.opt[i])
	}
	if err := json.Unmarshal([]byte(r.custom), &l.CustomFields); err != nil {
		return nil, fmt.Errorf("lead %d custom fields: %w", r.id, err)
	}
	if l.CustomFields == nil {
		l.CustomFields = map[string]any{}
	}
	return l, nil
}
