package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"

	taskbox "github.com/taskboxhq/taskbox"
)

// handleListRules is GET /api/v1/rules: the account's SmartLead rules in
// the order they are evaluated.
func (s *Server) handleListRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.Rules.ListRules(r.Context())
	s.respond(w, r, rules, err)
}

// handleCreateRule is POST /api/v1/rules (admin).
func (s *Server) handleCreateRule(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	o, idem, err := readJSON(w, r, MaxBody, true, &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := decodeRule(o, true)
	rule := &taskbox.Rule{Enabled: true, Idempotency: idem}
	p.Apply(rule)
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	out, err := s.Rules.CreateRule(r.Context(), rule)
	markReplayed(w, idem)
	s.respond(w, r, out, err)
}

// handleUpdateRule is PATCH /api/v1/rules/{id} (admin): the fields given
// change.
func (s *Server) handleUpdateRule(w http.ResponseWriter, r *http.Request) {
	var fe taskbox.FieldErrors
	id, o, err := readUpdate(w, r, "Rule", &fe)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p := decodeRule(o, false)
	if fe != nil {
		s.Error(w, r, fe.Err())
		return
	}
	out, err := s.Rules.UpdateRule(r.Context(), id, p)
	s.respond(w, r, out, err)
}

// handleDeleteRule is DELETE /api/v1/rules/{id} (admin).
func (s *Server) handleDeleteRule(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "Rule")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.Rules.DeleteRule(r.Context(), id); err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OK bool `json:"ok"`
	}{true})
}

// decodeRule reads a rule's body; creating, name, on and then are
// required.
func decodeRule(o object, creating bool) *taskbox.RulePatch {
	p := &taskbox.RulePatch{Name: o.string("name", creating)}
	if v := o.raw("on"); v != nil {
		var one string
		if json.Unmarshal(v, &one) == nil {
			p.On = []string{one}
		} else if json.Unmarshal(v, &p.On) != nil || len(p.On) == 0 {
			o.fe.Add("on", "must be an event type or a list of them")
		}
	} else if creating {
		o.fe.Add("on", "is required")
	}
	if v := o.raw("when"); v != nil {
		p.When = &taskbox.RuleWhen{}
		if strict(v, p.When) != nil {
			o.fe.Add("when", `must be an object with "categories" (a list of names) and "campaign_ids" (a list of ids), both optional`)
		}
	}
	if v := o.raw("then"); v != nil {
		p.Then = &taskbox.RuleThen{}
		if strict(v, p.Then) != nil {
			o.fe.Add("then", "must be an object with one of create_task, upgrade_open_task, complete_open_tasks, snooze_open_tasks")
		}
	} else if creating {
		o.fe.Add("then", "is required")
	}
	if v := o.raw("enabled"); v != nil {
		var b bool
		if json.Unmarshal(v, &b) != nil {
			o.fe.Add("enabled", "must be true or false")
		}
		p.Enabled = &b
	}
	if o.raw("position") != nil {
		n := o.int64("position", false)
		if n <= 0 && !o.fe.Has("position") {
			o.fe.Add("position", "must be an integer greater than 0")
		}
		p.Position = &n
	}
	return p
}

// strict decodes v into dst, refusing unknown fields (a misspelt action
// must not pass as no action).
func strict(v json.RawMessage, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}
