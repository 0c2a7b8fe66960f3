package httpapi

import (
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleCreateNote is SmartLead's POST /api/v1/master-inbox/create-note.
// Its answer is SmartLead's: the note's id as a string and its time.
func (s *Server) handleCreateNote(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	c := decodeNote(o)
	c.Idempotency = idem
	if c.Validate(&fe); fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	note, err := s.Notes.CreateNote(r.Context(), c)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	markReplayed(w, idem)
	type createdNote struct {
		ID        int64             `json:"id,string"`
		CreatedAt taskbox.Timestamp `json:"created_at"`
	}
	type noteData struct {
		Success bool          `json:"success"`
		Note    []createdNote `json:"note"`
	}
	writeJSON(w, http.StatusOK, struct {
		OK      bool     `json:"ok"`
		Message string   `json:"message"`
		Data    noteData `json:"data"`
	}{true, "Note created successfully", noteData{true, []createdNote{{note.ID, note.CreatedAt}}}})
}

// decodeNote reads a create-note body; both fields are required.
func decodeNote(o object) *taskbox.NoteCreate {
	c := &taskbox.NoteCreate{LeadMapID: o.int64("email_lead_map_id", true)}
	if m := o.string("note_message", true); m != nil {
		c.Message = *m
	}
	return c
}

// handleLeadNotes is GET /api/v1/crm/leads/notes/{lead_id}: the lead's
// notes in all its campaigns, newest first.
func (s *Server) handleLeadNotes(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Lead")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	notes, err := s.Notes.ListLeadNotes(r.Context(), id)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeData(w, notes)
}
