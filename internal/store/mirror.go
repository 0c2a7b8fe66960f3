package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	taskbox "github.com/taskboxhq/taskbox"
)

// mirror upserts the event's campaign, lead and lead map. A campaign and a
// lead map keep SmartLead's id as their own, so that SmartLead's clients
// can name them unchanged; when that id is already another row's on this
// server, a new id is taken and the pair recorded in smartlead_ids.
func (p *processing) mirror(ctx context.Context) error {
	tx, e, acct := p.tx, p.e, p.account.ID
	campaignID, err := p.mirrorCampaign(ctx)
	if err != nil {
		return err
	}
	in := e.Lead
	in.Email = e.LeadEmail
	if p.leadID, err = upsertLead(ctx, tx, acct, &in); err != nil {
		return err
	}
	mapID, err := p.mirrorLeadMap(ctx, campaignID)
	if err != nil {
		return err
	}
	p.leadMapID = mapID
	var lr leadRow
	if err := tx.queryRow(ctx, `SELECT `+leadColumns+`, lm.team_member_id FROM leads l JOIN lead_maps lm ON lm.lead_id = l.id
		WHERE lm.id = ?`, mapID).Scan(append(lr.dest(), &p.owner)...); err != nil {
		return err
	}
	if p.lead, err = lr.lead(); err != nil {
		return err
	}
	return tx.queryRow(ctx, `SELECT name FROM campaigns WHERE id = ?`, campaignID).Scan(&p.campaign)
}

// localID returns the id under which SmartLead's id of kind (campaign or
// lead_map) is mirrored for the account: 0 when it is not yet.
func localID(ctx context.Context, tx *Tx, accountID int64, kind, table string, slID int64) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT local_id FROM smartlead_ids WHERE account_id = ? AND kind = ? AND sl_id = ?`, accountID, kind, slID).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	var owner int64
	err = tx.queryRow(ctx, `SELECT account_id FROM `+table+` WHERE id = ?`, slID).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, err
	case owner == accountID:
		return slID, nil
	}
	return -1, nil // another account's: SmartLead's id cannot be kept
}

func recordID(ctx context.Context, tx *Tx, accountID int64, kind string, slID, local int64) error {
	_, err := tx.exec(ctx, `INSERT INTO smartlead_ids (account_id, kind, sl_id, local_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (account_id, kind, sl_id) DO NOTHING`, accountID, kind, slID, local)
	return err
}

func (p *processing) mirrorCampaign(ctx context.Context) (int64, error) {
	tx, e, acct := p.tx, p.e, p.account.ID
	id, err := localID(ctx, tx, acct, "campaign", "campaigns", e.CampaignID)
	if err != nil {
		return 0, err
	}
	name := strings.TrimSpace(e.CampaignName)
	if id > 0 {
		if name != "" {
			_, err = tx.exec(ctx, `UPDATE campaigns SET name = ?, updated_at = ? WHERE id = ? AND name <> ?`, name, tx.now.Micros(), id, name)
		}
		return id, err
	}
	if name == "" {
		name = fmt.Sprintf("SmartLead campaign %d", e.CampaignID)
	}
	keep := e.CampaignID
	if id < 0 {
		keep = 0
	}
	c, err := createCampaign(ctx, tx, acct, name, keep)
	if err != nil {
		return 0, err
	}
	if keep != 0 {
		err = tx.dialect.syncIdentity(ctx, tx, "campaigns")
	} else {
		err = recordID(ctx, tx, acct, "campaign", e.CampaignID, c.ID)
	}
	if err == nil {
		_, err = tx.exec(ctx, `UPDATE campaigns SET status = ? WHERE id = ?`, taskbox.CampaignStatusActive, c.ID)
	}
	return c.ID, err
}

// mirrorLeadMap finds or makes the lead map of the event: by SmartLead's
// lead map id when the event has one (sl_email_lead_map_id or app_url's
// leadMap=), else by campaign and lead.
func (p *processing) mirrorLeadMap(ctx context.Context, campaignID int64) (int64, error) {
	tx, e, acct := p.tx, p.e, p.account.ID
	if e.LeadMapID <= 0 {
		id, _, err := addLeadMap(ctx, tx, acct, campaignID, p.leadID, 0)
		return id, err
	}
	id, err := localID(ctx, tx, acct, "lead_map", "lead_maps", e.LeadMapID)
	if err != nil || id > 0 {
		return id, err
	}
	var existing int64
	err = tx.queryRow(ctx, `SELECT id FROM lead_maps WHERE campaign_id = ? AND lead_id = ?`, campaignID, p.leadID).Scan(&existing)
	if err == nil || id < 0 {
		// The lead is in the campaign under another id already (an event
		// without SmartLead's id came first), or the id is taken.
		if existing == 0 {
			if existing, _, err = addLeadMap(ctx, tx, acct, campaignID, p.leadID, 0); err != nil {
				return 0, err
			}
		}
		return existing, recordID(ctx, tx, acct, "lead_map", e.LeadMapID, existing)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	id, _, err = addLeadMap(ctx, tx, acct, campaignID, p.leadID, e.LeadMapID)
	return id, err
}

// leadMapAlias returns the account's lead map that SmartLead's lead map id
// slID is mirrored under when SmartLead's id could not be kept (see
// mirrorLeadMap): 0 when there is none. The pairs are the account's own,
// so an id another account mirrored never resolves here.
func leadMapAlias(ctx context.Context, tx *Tx, accountID, slID int64) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, leadMapAliasQuery, accountID, "lead_map", slID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// readLeadMapAlias is leadMapAlias outside a transaction, on the read pool.
func (db *DB) readLeadMapAlias(ctx context.Context, accountID, slID int64) (int64, error) {
	var id int64
	err := db.readRow(ctx, leadMapAliasQuery, []any{accountID, "lead_map", slID}, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

const leadMapAliasQuery = `SELECT a.local_id FROM smartlead_ids a JOIN lead_maps lm ON lm.id = a.local_id AND lm.account_id = a.account_id
	WHERE a.account_id = ? AND a.kind = ? AND a.sl_id = ? AND a.local_id <> a.sl_id`

// lookupLeadMap runs lookup, a read of the account's lead map id that
// answers sql.ErrNoRows when the account holds none, and returns the id it
// read. A SmartLead client names a lead map by SmartLead's id: when the
// account holds no lead map of that id, lookup runs once more with the
// lead map SmartLead's id is mirrored under, if there is one. Neither is
// ENOTFOUND "Lead map not found.". The alias costs a query only on the
// way to a 404.
func lookupLeadMap(ctx context.Context, tx *Tx, accountID, id int64, lookup func(id int64) error) (int64, error) {
	err := lookup(id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	alias, err := leadMapAlias(ctx, tx, accountID, id)
	if err != nil {
		return 0, err
	}
	if alias != 0 {
		err = lookup(alias)
	}
	if alias == 0 || errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("Lead map")
	}
	return alias, err
}
