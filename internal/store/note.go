package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	taskbox "github.com/taskboxhq/taskbox"
)

var _ taskbox.NoteService = (*DB)(nil)

// CreateNote adds a note to a lead map of the actor's account, signed with
// the actor's name, and queues its NOTE_CREATED event in the same
// transaction.
func (db *DB) CreateNote(ctx context.Context, c *taskbox.NoteCreate) (*taskbox.Note, error) {
	actor, err := taskbox.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var fe taskbox.FieldErrors
	if c.Validate(&fe); fe != nil {
		return nil, fe.Err()
	}
	var out *taskbox.Note
	err = db.inWrite(ctx, func(tx *Tx) error {
		out, err = idempotent(ctx, tx, actor.AccountID(), c.Idempotency, func() (*taskbox.Note, error) {
			return createNote(ctx, tx, actor, c)
		})
		return err
	})
	return out, err
}

func createNote(ctx context.Context, tx *Tx, actor *taskbox.Actor, c *taskbox.NoteCreate) (*taskbox.Note, error) {
	ev := taskbox.NoteEventData{
		Note: taskbox.Note{LeadMapID: c.LeadMapID, Message: c.Message, CreatedBy: actor.DisplayName(), CreatedAt: tx.now},
		Lead: &taskbox.TaskLead{}, Campaign: &taskbox.TaskCampaign{},
	}
	var first, last, company sql.NullString
	var err error
	ev.LeadMapID, err = lookupLeadMap(ctx, tx, actor.AccountID(), c.LeadMapID, func(id int64) error {
		return tx.queryRow(ctx, `SELECT lm.lead_id, lm.campaign_id, l.email, l.first_name, l.last_name, l.company_name, c.name
			FROM lead_maps lm JOIN leads l ON l.id = lm.lead_id JOIN campaigns c ON c.id = lm.campaign_id
			WHERE lm.id = ? AND lm.account_id = ?`, id, actor.AccountID()).
			Scan(&ev.LeadID, &ev.CampaignID, &ev.Lead.Email, &first, &last, &company, &ev.Campaign.Name)
	})
	if err != nil {
		return nil, err
	}
	ev.Lead.ID, ev.Campaign.ID = ev.LeadID, ev.CampaignID
	ev.Lead.FirstName, ev.Lead.LastName, ev.Lead.CompanyName = stringPtr(first), stringPtr(last), stringPtr(company)
	ev.ID, err = tx.insert(ctx, `INSERT INTO lead_notes (account_id, lead_map_id, lead_id, campaign_id, member_id, created_by, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, actor.AccountID(), ev.LeadMapID, ev.LeadID, ev.CampaignID, actor.MemberIDOrNil(),
		ev.CreatedBy, ev.Message, tx.now.Micros())
	if err != nil {
		return nil, fmt.Errorf("insert note: %w", err)
	}
	if err := recordLeadMapEvent(ctx, tx, actor.AccountID(), ev.LeadMapID, taskbox.EventTypeNoteCreated, ev); err != nil {
		return nil, err
	}
	return &ev.Note, nil
}

const noteSelect = `SELECT id, lead_id, lead_map_id, campaign_id, note, created_by, created_at FROM lead_notes`

// ListLeadNotes returns the notes of a lead of the actor's account in all
// its campaigns, newest first; a lead that is not the account's is
// ENOTFOUND.
func (db *DB) ListLeadNotes(ctx context.Context, leadID int64) (notes []*taskbox.Note, err error) {
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
		notes, err = queryNotes(ctx, tx, noteSelect+` WHERE account_id = ? AND lead_id = ? ORDER BY created_at DESC, id DESC`,
			actor.AccountID(), leadID)
		return err
	})
	return notes, err
}

func queryNotes(ctx context.Context, tx *Tx, query string, args ...any) ([]*taskbox.Note, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	notes := []*taskbox.Note{}
	for rows.Next() {
		var (
			n       taskbox.Note
			created int64
		)
		if err := rows.Scan(&n.ID, &n.LeadID, &n.LeadMapID, &n.CampaignID, &n.Message, &n.CreatedBy, &created); err != nil {
			return nil, err
		}
		n.CreatedAt = taskbox.TimestampFromMicros(created)
		notes = append(notes, &n)
	}
	return notes, rows.Err()
}
