package store

import (
	"context"
	"database/sql"
	"errors"

	taskbox "github.com/taskboxhq/taskbox"
)

// DemoLeadMapID is the lead map of the source document's example request.
const DemoLeadMapID = 2433664091

// demoLeads are the leads of the demo campaign; the first gets DemoLeadMapID.
var demoLeads = []taskbox.LeadInput{
	{Email: "jordan.avery@northwind.example", FirstName: ptr("Jordan"), LastName: ptr("Avery"), CompanyName: ptr("Northwind Traders")},
	{Email: "priya.raman@contoso.example", FirstName: ptr("Priya"), LastName: ptr("Raman"), CompanyName: ptr("Contoso")},
	{Email: "m.okafor@fabrikam.example", FirstName: ptr("Michael"), LastName: ptr("Okafor"), CompanyName: ptr("Fabrikam")},
}

// LoadDemo adds the campaign "Demo outreach" and its leads to the account,
// the first lead with lead map DemoLeadMapID, so that the source document's
// curl works verbatim. It does nothing when that lead map exists already,
// and reports whether it loaded anything.
func (db *DB) LoadDemo(ctx context.Context, accountID int64) (loaded bool, err error) {
	err = db.inWrite(ctx, func(tx *Tx) error {
		if first, err := claimOnce(ctx, tx, "demo loaded"); err != nil || !first {
			return err
		}
		var owner int64
		err := tx.queryRow(ctx, `SELECT account_id FROM lead_maps WHERE id = ?`, int64(DemoLeadMapID)).Scan(&owner)
		if err == nil {
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c, err := createCampaign(ctx, tx, accountID, "Demo outreach", 0)
		if err != nil {
			return err
		}
		for i := range demoLeads {
			leadID, err := upsertLead(ctx, tx, accountID, &demoLeads[i])
			if err != nil {
				return err
			}
			var mapID int64
			if i == 0 {
				mapID = DemoLeadMapID
			}
			if _, _, err := addLeadMap(ctx, tx, accountID, c.ID, leadID, mapID); err != nil {
				return err
			}
		}
		loaded = true
		return nil
	})
	return loaded, err
}

func ptr[T any](v T) *T { return &v }

// EnsureDefaultAccount creates the account "default" and its key on a
// database that has no account yet, and returns them; on any other
// database it returns nils. Of several servers starting at once on one
// empty database, exactly one creates it.
func (db *DB) EnsureDefaultAccount(ctx context.Context) (acct *taskbox.Account, key *taskbox.CreatedKey, err error) {
	n := taskbox.NewAccount{Name: "default"}
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	err = db.inWrite(ctx, func(tx *Tx) error {
		var count int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&count); err != nil || count > 0 {
			return err
		}
		if first, err := claimOnce(ctx, tx, "default account"); err != nil || !first {
			return err
		}
		acct, key, err = createAccount(ctx, tx, n)
		return err
	})
	return acct, key, err
}

// claimOnce records that a one-time setup step ran and reports whether this
// transaction is the one that ran it. A concurrent claim on PostgreSQL waits
// for the first to commit, then finds the row.
func claimOnce(ctx context.Context, tx *Tx, step string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		"setup: "+step, tx.now.String())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
