package taskbox

import "context"

// MaxNoteLen bounds a note's text, in characters.
const MaxNoteLen = 10000

// Note is a remark a member leaves on a lead map (one lead in one
// campaign). Its id is a string on the wire, as SmartLead's create-note
// answers it; the other ids are numbers, as a task's are.
type Note struct {
	ID         int64     `json:"id,string"`
	LeadID     int64     `json:"lead_id"`
	LeadMapID  int64     `json:"email_lead_map_id"`
	CampaignID int64     `json:"campaign_id"`
	Message    string    `json:"note_message"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  Timestamp `json:"created_at"`
}

// NoteEventData is the data of a NOTE_CREATED webhook event: the note as
// GET /api/v1/crm/leads/notes/{lead_id} lists it, with the lead and the
// campaign of its lead map as a task carries them.
type NoteEventData struct {
	Note
	Lead     *TaskLead     `json:"lead"`
	Campaign *TaskCampaign `json:"campaign"`
}

// NoteCreate is the body of POST /api/v1/master-inbox/create-note.
type NoteCreate struct {
	LeadMapID   int64
	Message     string
	Idempotency *Idempotency
}

// Validate trims the text and checks both fields; fields that already have
// an error in fe (from decoding) are not checked again.
func (c *NoteCreate) Validate(fe *FieldErrors) {
	if !fe.Has("email_lead_map_id") && c.LeadMapID <= 0 {
		fe.Add("email_lead_map_id", "must be an integer greater than 0")
	}
	if fe.Has("note_message") {
		return
	}
	c.Message = TrimText(c.Message)
	switch {
	case Blank(c.Message): // only invisible characters, as for names
		fe.Add("note_message", "must not be blank")
	case RuneLen(c.Message) > MaxNoteLen:
		fe.Add("note_message", "must be at most 10000 characters")
	case hasNUL(c.Message):
		fe.Add("note_message", "must not contain NUL characters")
	}
}

// NoteService keeps the notes of the actor's account.
type NoteService interface {
	// CreateNote adds a note to a lead map, written by the actor.
	CreateNote(ctx context.Context, c *NoteCreate) (*Note, error)
	// ListLeadNotes returns the notes of a lead in all its campaigns,
	// newest first.
	ListLeadNotes(ctx context.Context, leadID int64) ([]*Note, error)
}
