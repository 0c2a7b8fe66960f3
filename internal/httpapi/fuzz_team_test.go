package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

// The team's body decoders under fuzzing: update-team-member and the
// member PATCH. No input panics or gets a status SPEC.md §2 does not allow;
// errors name only the endpoint's fields; a success is what the database
// then holds.

// tbFuzzMember adds a member to the fuzz account (the demo's "default").
func tbFuzzMember(f *testing.F, db *store.DB, name string) *taskbox.CreatedMember {
	acct, err := db.FindAccountByName(context.Background(), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	m, err := db.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(acct)), taskbox.NewMember{Name: name})
	if err != nil {
		f.Fatal(err)
	}
	return m
}

// FuzzUpdateTeamMember fuzzes POST …/update-team-member on the demo lead map.
func FuzzUpdateTeamMember(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	m := tbFuzzMember(f, db, "Fuzz owner")
	tbFuzzTask(f, h, key.Secret, "moves with the owner")
	fields := regexp.MustCompile(`^(email_lead_map_id|team_member_id)$`)
	f.Add([]byte(fmt.Sprintf(`{"email_lead_map_id": "2433664091", "team_member_id": %d}`, m.ID)))
	f.Add([]byte(`{"email_lead_map_id": 2433664091, "team_member_id": null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPost, "/api/v1/master-inbox/update-team-member", body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 404, 413, 422)
		if out == nil {
			return
		}
		var env struct {
			OK      bool   `json:"ok"`
			Message string `json:"message"`
			Data    struct {
				LeadMapID int64  `json:"email_lead_map_id"`
				MemberID  *int64 `json:"team_member_id"`
			} `json:"data"`
		}
		// The answer names the lead map and the member the body named (the
		// demo has several lead maps, the account two members: the fuzz
		// owner and the Owner), ids read in base 10 as the server reads them.
		var sent struct {
			LeadMap json.RawMessage `json:"email_lead_map_id"`
			Member  json.RawMessage `json:"team_member_id"`
		}
		if err := json.Unmarshal(body, &sent); err != nil {
			t.Fatalf("accepted a body encoding/json refuses: %q", body)
		}
		id := func(raw json.RawMessage) int64 {
			n, _ := strconv.ParseInt(strings.Trim(string(raw), `"`), 10, 64)
			return n
		}
		if err := json.Unmarshal(out, &env); err != nil || !env.OK || env.Data.LeadMapID != id(sent.LeadMap) ||
			(env.Data.MemberID == nil) != (string(sent.Member) == "null") ||
			(env.Data.MemberID != nil && *env.Data.MemberID != id(sent.Member)) {
			t.Fatalf("answer = %s to %s", out, body)
		}
	})
}

// FuzzUpdateMember fuzzes PATCH /api/v1/team-members/{id} on the member of
// the fuzz key (the Owner, an admin).
func FuzzUpdateMember(f *testing.F) {
	h, key, db := tbFuzzAPI(f)
	m := tbFuzzMember(f, db, "Fuzz member")
	fields := regexp.MustCompile(`^(name|timezone|role)$`)
	f.Add([]byte(`{"name": "Ana", "timezone": "Europe/Berlin", "role": "admin"}`))
	f.Add([]byte(`{"timezone": null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := tbFuzzSend(h, key.Secret, http.MethodPatch, fmt.Sprintf("/api/v1/team-members/%d", m.ID), body)
		out := tbFuzzAnswer(t, rec, body, fields, 200, 400, 413, 422)
		if out == nil {
			return
		}
		var env struct {
			OK   bool           `json:"ok"`
			Data taskbox.Member `json:"data"`
		}
		if err := json.Unmarshal(out, &env); err != nil || !env.OK || env.Data.ID != m.ID {
			t.Fatalf("answer = %s", out)
		}
		rec = tbFuzzSend(h, key.Secret, http.MethodGet, fmt.Sprintf("/api/v1/team-members/%d", m.ID), nil)
		if rec.Code != http.StatusOK || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("GET after PATCH: %d %s", rec.Code, rec.Body)
		}
		var after struct{ Data taskbox.Member }
		_ = json.Unmarshal(rec.Body.Bytes(), &after)
		if after.Data.Name != env.Data.Name || after.Data.Role != env.Data.Role {
			t.Fatalf("stored %+v, answered %+v", after.Data, env.Data)
		}
	})
}
