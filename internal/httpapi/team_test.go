package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/store"
)

func init() { store.PasswordCost = 4 }

// tbMember is a team member added through the local admin, with its key.
type tbMember struct {
	ID    int64
	Key   string
	Setup string
	At    string // created_at as the API writes it
}

// Member adds a member to an account.
func (a *tbAPI) Member(t testing.TB, acct tbAccount, n taskbox.NewMember) tbMember {
	t.Helper()
	account, err := a.DB.FindAccountByID(context.Background(), acct.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.DB.CreateMember(taskbox.NewContextWithActor(context.Background(), taskbox.LocalAdmin(account)), n)
	if err != nil {
		t.Fatalf("CreateMember(%+v): %v", n, err)
	}
	return tbMember{ID: m.ID, Key: m.Key.Secret, Setup: m.SetupToken, At: m.CreatedAt.String()}
}

// tbOwner returns the Owner member of an account, as the API lists it.
func (a *tbAPI) owner(t testing.TB, acct tbAccount) (id int64, createdAt string) {
	t.Helper()
	var env struct {
		Data []struct {
			ID        int64  `json:"id"`
			Name      string `json:"name"`
			CreatedAt string `json:"created_at"`
		} `json:"data"`
	}
	r := a.Get(t, "/api/v1/team-members", acct.Key)
	tbWantStatus(t, r, http.StatusOK)
	tbDecode(t, r.Body, &env)
	if len(env.Data) == 0 || env.Data[0].Name != "Owner" {
		t.Fatalf("no Owner first: %s", r.Body)
	}
	return env.Data[0].ID, env.Data[0].CreatedAt
}

// GET /api/v1/team-members lists the account's active members in the
// shape of SPEC §8, byte for byte; another account's are never in it.
func TestListTeamMembers(t *testing.T) {
	t.Parallel()
	a := tbNewAPI(t)
	acct := a.Account(t, "team", "Europe/Berlin")
	other := a.Account(t, "other", "")
	ana := a.Member(t, acct, taskbox.NewMember{Name: "Ana <Sales>", Email: "ana@team.example", Role: taskbox.RoleAdmin, Timezone: "America/New_York"})
	bo := a.Member(t, acct, taskbox.NewMember{Name: "Bo"})
	a.Member(t, other, taskbox.NewMember{Name: "Stranger", Email: "stranger@other.example"})
	ownerID, ownerAt := a.owner(t, acct)
	r := a.Get(t, "/api/v1/team-members", bo.Key)
	want := fmt.Sprintf(`{"ok":true,"data":[`+
		`{"id":%d,"name":"Owner","email":null,"role":"admin","timezone":null,"created_at":%q,"digest":"daily","digest_hour":8,"digest_days":[1,2,3,4,5],"default_reminders":[],"work_hours":{"start":"09:00","end":"17:00"}},`+
		`{"id":%d,"name":"Ana <Sales>","email":"ana@team.example","role":"admin","timezone":"America/New_York","created_at":%q,"digest":"daily","digest_hour":8,"digest_days":[1,2,3,4,5],"default_reminders":[],"work_hours":{"start":"09:00","end":"17:00"}},`+
		`{"id":%d,"name":"Bo","email":null,"role":"member","timezone":null,"created_at":%q,"digest":"daily","digest_hour":8,"digest_days":[1,2,3,4,5],"default_reminders":[],"work_hours":{"start":"09:00","end":"17:00"}}]}`,
		ownerID, ownerAt, ana.ID, ana.At, bo.ID, bo.At)
	if got := strings.TrimSpace(string(r.Body)); got != want {
		t.Fatalf("team-members =\n%s\nwant\n%s", got, want)
	}
	r = a.Get(t, fmt.Sprintf("/api/v1/team-members/%d", bo.ID), ana.Key)
	if got := strings.TrimSpace(string(r.Body)); got != fmt.Sprintf(`{"ok":true,"data":{"id":%d,"name":"Bo","email":null,"role":"member","timezone":null,"created_at":%q,"digest":"daily","digest_hour":8,"digest_days":[1,2,3,4,5],"default_reminders":[],"work_hours":{"start":"09:00","end":"17:00"}}}`, bo.ID, bo.At) {
		t.Fatalf("team member = %s", got)
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/team-members/%d", bo.ID), "/api/v1/team-members/0", "/api/v1/team-members/x", "/api/v1/team-members/99999"} {
		tbWantError(t, a.Get(t, path, other.Key), http.StatusNotFound, "NOT_FOUND")
	}
	tbWantError(t, a.Get(t, "/api/v1/team-members", ""), http.StatusUnauthorized, "UNAUTHORIZED")
}

// PATCH /api/v1/team-members/{id}: a member changes its own name and zone;
// an admin anyone's, and roles; anything else is a 403, another account's
// member a 404, and bad values 422s naming the field.
func TestUpdateTeamMemberSettings(t *testing.T) {
	t.Parallel()
	a := tbNewAPI(t)
	acct := a.Account(t, "settings", "")
	other := a.Account(t, "settings-other", "")
	bo := a.Member(t, acct, taskbox.NewMember{Name: "Bo"})
	cy := a.Member(t, acct, taskbox.NewMember{Name: "Cy"})
	ownerID, _ := a.owner(t, acct)
	patch := func(id int64, key, body string) *tbResp {
		return a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/team-members/%d", id), key, body)
	}
	r := patch(bo.ID, bo.Key, `{"name":"  Bo B ","timezone":"Asia/Tokyo","unknown":1}`)
	if got := strings.TrimSpace(string(r.Body)); got != fmt.Sprintf(`{"ok":true,"data":{"id":%d,"name":"Bo B","email":null,"role":"member","timezone":"Asia/Tokyo","created_at":%q,`+
		`"digest":"daily","digest_hour":8,"digest_days":[1,2,3,4,5],"default_reminders":[],"work_hours":{"start":"09:00","end":"17:00"}}}`, bo.ID, bo.At) {
		t.Fatalf("PATCH self = %s", got)
	}
	r = patch(bo.ID, bo.Key, `{"timezone":null}`)
	if !strings.Contains(string(r.Body), `"timezone":null`) {
		t.Fatalf("timezone null: %s", r.Body)
	}
	tbWantError(t, patch(cy.ID, bo.Key, `{"name":"Hacked"}`), http.StatusForbidden, "FORBIDDEN")
	tbWantError(t, patch(bo.ID, bo.Key, `{"role":"admin"}`), http.StatusForbidden, "FORBIDDEN")
	tbWantError(t, patch(ownerID, bo.Key, `{"name":"x"}`), http.StatusForbidden, "FORBIDDEN")
	// The Owner (an admin) changes Cy, and makes Bo an admin.
	if r := patch(cy.ID, acct.Key, `{"name":"Cyrus"}`); r.Status != http.StatusOK {
		t.Fatalf("admin PATCH: %s", r)
	}
	if r := patch(bo.ID, acct.Key, `{"role":"admin"}`); !strings.Contains(string(r.Body), `"role":"admin"`) {
		t.Fatalf("role: %s", r)
	}
	// Bo, now an admin, makes the Owner a member; then Bo cannot stop
	// being an admin: the account keeps one.
	if r := patch(ownerID, bo.Key, `{"role":"member"}`); r.Status != http.StatusOK {
		t.Fatalf("demote the Owner: %s", r)
	}
	e := tbWantError(t, patch(bo.ID, bo.Key, `{"role":"member"}`), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
	if e.Detail("role") == "" {
		t.Fatalf("last admin: %+v", e)
	}
	for body, field := range map[string]string{
		`{"name":""}`: "name", `{"name":"   "}`: "name", `{"name":null}`: "name", `{"name":5}`: "name",
		`{"timezone":"Mars/Base"}`: "timezone", `{"timezone":"Local"}`: "timezone", `{"timezone":7}`: "timezone",
		`{"role":"owner"}`: "role", `{"role":null}`: "role",
		`{"name":"` + strings.Repeat("x", 256) + `"}`: "name",
	} {
		e := tbWantError(t, patch(bo.ID, bo.Key, body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if fs := e.Fields(); len(fs) != 1 || fs[0] != field {
			t.Errorf("%s: fields %v, want %s", body, fs, field)
		}
	}
	tbWantError(t, patch(bo.ID, bo.Key, `[1]`), http.StatusBadRequest, "BAD_REQUEST")
	tbWantError(t, patch(bo.ID, bo.Key, ``), http.StatusBadRequest, "BAD_REQUEST")
	tbWantError(t, patch(bo.ID, other.Key, `{"name":"x"}`), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, a.Do(t, http.MethodPatch, "/api/v1/team-members/abc", acct.Key, `{"name":"x"}`), http.StatusNotFound, "NOT_FOUND")
}

// The notification settings of §9 through PATCH /api/v1/team-members/{id}:
// stored and answered, and each bad value a 422 naming its field that
// changes nothing.
func TestMemberNotificationSettings(t *testing.T) {
	t.Parallel()
	a := tbNewAPI(t)
	acct := a.Account(t, "notify", "")
	bo := a.Member(t, acct, taskbox.NewMember{Name: "Bo"})
	patch := func(body string) *tbResp {
		return a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/team-members/%d", bo.ID), bo.Key, body)
	}
	r := patch(`{"digest":"off","digest_hour":7,"digest_days":[6,1,1],"default_reminders":["PT15M","P1D"],"work_hours":{"start":"08:00","end":"16:30"}}`)
	want := `"digest":"off","digest_hour":7,"digest_days":[1,6],"default_reminders":["PT15M","P1D"],"work_hours":{"start":"08:00","end":"16:30"}}}`
	if r.Status != http.StatusOK || !strings.HasSuffix(strings.TrimSpace(string(r.Body)), want) {
		t.Fatalf("PATCH settings = %s", r)
	}
	if r := patch(`{"default_reminders":null}`); !strings.Contains(string(r.Body), `"default_reminders":[]`) {
		t.Fatalf("default_reminders null: %s", r)
	}
	for body, field := range map[string]string{
		`{"digest":"weekly"}`: "digest", `{"digest":null}`: "digest", `{"digest":1}`: "digest",
		`{"digest_hour":24}`: "digest_hour", `{"digest_hour":-1}`: "digest_hour", `{"digest_hour":"8"}`: "digest_hour",
		`{"digest_hour":8.5}`: "digest_hour", `{"digest_hour":null}`: "digest_hour",
		`{"digest_days":[]}`: "digest_days", `{"digest_days":[0]}`: "digest_days", `{"digest_days":[8]}`: "digest_days",
		`{"digest_days":"1,2"}`: "digest_days", `{"digest_days":null}`: "digest_days",
		`{"default_reminders":["15 minutes"]}`: "default_reminders", `{"default_reminders":"PT15M"}`: "default_reminders",
		`{"default_reminders":["PT1M","PT2M","PT3M","PT4M","PT5M","PT6M"]}`: "default_reminders", `{"default_reminders":[5]}`: "default_reminders",
		`{"work_hours":{"start":"17:00","end":"09:00"}}`: "work_hours", `{"work_hours":{"start":"9:00","end":"17:00"}}`: "work_hours",
		`{"work_hours":"09:00-17:00"}`: "work_hours", `{"work_hours":null}`: "work_hours", `{"work_hours":{"start":"09:00","end":"17:00","x":1}}`: "work_hours",
	} {
		e := tbWantError(t, patch(body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if fs := e.Fields(); len(fs) != 1 || fs[0] != field {
			t.Errorf("%s: fields %v, want %s", body, fs, field)
		}
	}
	r = a.Get(t, fmt.Sprintf("/api/v1/team-members/%d", bo.ID), bo.Key)
	if !strings.Contains(string(r.Body), `"digest_hour":7`) || !strings.Contains(string(r.Body), `"digest":"off"`) {
		t.Fatalf("a refused PATCH changed something: %s", r)
	}
}

// POST /api/v1/master-inbox/update-team-member, exactly as SPEC §8: ids as
// numbers or digit strings, null unassigns, unknown lead map 404, unknown
// member 422 naming team_member_id, and the open tasks that move.
func TestUpdateTeamMember(t *testing.T) {
	t.Parallel()
	a := tbNewAPI(t)
	acct := a.Account(t, "owners", "")
	other := a.Account(t, "owners-other", "")
	mapID := a.LeadMap(t, acct.Key, "lead@owners.example")
	otherMap := a.LeadMap(t, other.Key, "lead@other.example")
	ana := a.Member(t, acct, taskbox.NewMember{Name: "Ana"})
	stranger := a.Member(t, other, taskbox.NewMember{Name: "Stranger"})
	open1, _ := a.CreateTask(t, acct.Key, tbTaskBody(mapID, nil))
	open2, _ := a.CreateTask(t, acct.Key, tbTaskBody(mapID, nil))
	done, _ := a.CreateTask(t, acct.Key, tbTaskBody(mapID, nil))
	tbWantStatus(t, a.Post(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d/complete", done.ID), acct.Key, ""), http.StatusOK)

	const path = "/api/v1/master-inbox/update-team-member"
	r := a.Post(t, path, acct.Key, fmt.Sprintf(`{"email_lead_map_id":"%d","team_member_id":"%d"}`, mapID, ana.ID))
	tbWantStatus(t, r, http.StatusOK)
	at := string(tbField(t, tbField(t, r.Body, "data"), "assigned_at"))
	want := fmt.Sprintf(`{"ok":true,"message":"Lead team member updated successfully","data":{"email_lead_map_id":%d,"team_member_id":%d,"assigned_at":%s,"tasks_reassigned":2}}`,
		mapID, ana.ID, at)
	if got := strings.TrimSpace(string(r.Body)); got != want || !tbTimestampRE.MatchString(strings.Trim(at, `"`)) {
		t.Fatalf("update-team-member =\n%s\nwant\n%s", got, want)
	}
	for _, id := range []int64{open1.ID, open2.ID} {
		r := a.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), ana.Key)
		if !strings.Contains(string(r.Body), fmt.Sprintf(`,"assignee":{"id":%d,"name":"Ana"},"lead_category":`, ana.ID)) {
			t.Fatalf("task %d: %s", id, r.Body)
		}
	}
	if r := a.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", done.ID), acct.Key); !strings.Contains(string(r.Body), `,"assignee":null,"lead_category":`) {
		t.Fatalf("completed task moved: %s", r.Body)
	}
	// null unassigns: the lead map and Ana's open tasks.
	r = a.Post(t, path, acct.Key, fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":null}`, mapID))
	if got := strings.TrimSpace(string(r.Body)); got != fmt.Sprintf(`{"ok":true,"message":"Lead team member updated successfully","data":{"email_lead_map_id":%d,"team_member_id":null,"assigned_at":null,"tasks_reassigned":2}}`, mapID) {
		t.Fatalf("unassign = %s", got)
	}
	// Errors.
	tbWantError(t, a.Post(t, path, acct.Key, fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":%d}`, otherMap, ana.ID)), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, a.Post(t, path, acct.Key, fmt.Sprintf(`{"email_lead_map_id":99999999,"team_member_id":%d}`, ana.ID)), http.StatusNotFound, "NOT_FOUND")
	tbWantError(t, a.Post(t, path, other.Key, fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":%d}`, mapID, stranger.ID)), http.StatusNotFound, "NOT_FOUND")
	for body, field := range map[string]string{
		fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":%d}`, mapID, stranger.ID):   "team_member_id",
		fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":99999}`, mapID):             "team_member_id",
		fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":0}`, mapID):                 "team_member_id",
		fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":"x1"}`, mapID):              "team_member_id",
		fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":1.5}`, mapID):               "team_member_id",
		fmt.Sprintf(`{"email_lead_map_id":%d,"member_id":%d}`, mapID, ana.ID):             "team_member_id",
		fmt.Sprintf(`{"lead_map_id":%d,"team_member_id":%d}`, mapID, ana.ID):              "email_lead_map_id",
		fmt.Sprintf(`{"email_lead_map_id":"abc","team_member_id":%d}`, ana.ID):            "email_lead_map_id",
		fmt.Sprintf(`{"email_lead_map_id":-4,"team_member_id":%d}`, ana.ID):               "email_lead_map_id",
		fmt.Sprintf(`{"email_lead_map_id":%d,"team_member_id":%d}`, mapID, ana.ID+100000): "team_member_id",
	} {
		e := tbWantError(t, a.Post(t, path, acct.Key, body), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if fs := e.Fields(); len(fs) != 1 || fs[0] != field {
			t.Errorf("%s: fields %v, want [%s]", body, fs, field)
		}
	}
	tbWantError(t, a.Post(t, path, acct.Key, `"x"`), http.StatusBadRequest, "BAD_REQUEST")
	tbWantError(t, a.Post(t, path, "", `{}`), http.StatusUnauthorized, "UNAUTHORIZED")
}

// assignee_id on create-task, bulk-create, PATCH and bulk-update: digit
// strings, null, and 422s naming the field for what is no member of the
// account; "assignee" ends every task answer; the inbox and the summary
// filter by assignee=me|none|ID through a member's key.
func TestTaskAssignee(t *testing.T) {
	t.Parallel()
	a := tbNewAPI(t)
	acct := a.Account(t, "assignee", "")
	other := a.Account(t, "assignee-other", "")
	mapID := a.LeadMap(t, acct.Key, "lead@assignee.example")
	ana := a.Member(t, acct, taskbox.NewMember{Name: "Ana"})
	bo := a.Member(t, acct, taskbox.NewMember{Name: "Bo"})
	stranger := a.Member(t, other, taskbox.NewMember{Name: "Stranger"})
	// suffix is the task's "assignee" up to the end of the task, less the
	// fields after it (lead_category).
	suffix := func(r *tbResp) string {
		s := strings.TrimSpace(string(r.Body))
		s = s[strings.LastIndex(s, `,"assignee":`):]
		if i := strings.Index(s, `,"lead_category":`); i >= 0 {
			s = s[:i] + "}}"
		}
		return s
	}
	toAna, r := a.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"assignee_id": fmt.Sprintf(`"%d"`, ana.ID)}))
	if got := suffix(r); got != fmt.Sprintf(`,"assignee":{"id":%d,"name":"Ana"}}}`, ana.ID) {
		t.Fatalf("create with assignee: %s", got)
	}
	none, r := a.CreateTask(t, bo.Key, tbTaskBody(mapID, map[string]string{"assignee_id": "null"}))
	if suffix(r) != `,"assignee":null}}` {
		t.Fatalf("create with null: %s", r.Body)
	}
	for raw, msg := range map[string]string{
		fmt.Sprint(stranger.ID): taskbox.MemberIDRule, "999999": taskbox.MemberIDRule,
		"0": "must be a team member id (an integer greater than 0) or null", "-3": "must be a team member id (an integer greater than 0) or null",
		`"abc"`: "must be an integer", "1.5": "must be an integer", "true": "must be an integer", `{}`: "must be an integer",
	} {
		e := tbWantError(t, a.Post(t, tbCreateTaskPath, acct.Key, tbTaskBody(mapID, map[string]string{"assignee_id": raw})), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail("assignee_id") != msg || len(e.Fields()) != 1 {
			t.Errorf("assignee_id %s: %s", raw, e.Message)
		}
		e = tbWantError(t, a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", none.ID), acct.Key, `{"assignee_id":`+raw+`}`),
			http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail("assignee_id") != msg {
			t.Errorf("PATCH assignee_id %s: %s", raw, e.Message)
		}
		e = tbWantError(t, a.Post(t, "/api/v1/master-inbox/tasks/bulk-create", acct.Key,
			`{"tasks":[`+tbTaskBody(mapID, nil)+`,`+tbTaskBody(mapID, map[string]string{"assignee_id": raw})+`]}`), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail("tasks[1].assignee_id") != msg {
			t.Errorf("bulk-create assignee_id %s: %s", raw, e.Message)
		}
		e = tbWantError(t, a.Post(t, "/api/v1/master-inbox/tasks/bulk-update", acct.Key,
			fmt.Sprintf(`{"ids":[%d],"set":{"assignee_id":%s}}`, none.ID, raw)), http.StatusUnprocessableEntity, "VALIDATION_ERROR")
		if e.Detail("set.assignee_id") != msg {
			t.Errorf("bulk-update assignee_id %s: %s", raw, e.Message)
		}
	}
	if n := a.Count(t, "tasks"); n != 2 {
		t.Fatalf("%d tasks stored, want 2: a refused request stores nothing", n)
	}
	r = a.Do(t, http.MethodPatch, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", none.ID), ana.Key, fmt.Sprintf(`{"assignee_id":%d}`, bo.ID))
	if suffix(r) != fmt.Sprintf(`,"assignee":{"id":%d,"name":"Bo"}}}`, bo.ID) {
		t.Fatalf("PATCH: %s", r.Body)
	}
	r = a.Post(t, "/api/v1/master-inbox/tasks/bulk-update", acct.Key, fmt.Sprintf(`{"ids":[%d,%d],"set":{"assignee_id":null}}`, toAna.ID, none.ID))
	tbWantStatus(t, r, http.StatusOK)
	if strings.Count(string(r.Body), `"assignee":null`) != 2 {
		t.Fatalf("bulk-update null: %s", r.Body)
	}
	r = a.Post(t, "/api/v1/master-inbox/tasks/bulk-update", acct.Key, fmt.Sprintf(`{"ids":[%d],"set":{"assignee_id":"%d"}}`, toAna.ID, ana.ID))
	tbWantStatus(t, r, http.StatusOK)
	// The audit trail: the "assigned" entries, with the member as actor.
	r = a.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d/events", none.ID), acct.Key)
	if !tbEventActorRE(ana.ID).Match(r.Body) {
		t.Fatalf("events: %s", r.Body)
	}
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"changes":{"assignee":{"old":null,"new":{"id":%d,"name":"Bo"}}}`, bo.ID)) {
		t.Fatalf("events: %s", r.Body)
	}
	// Filters: toAna is Ana's, none is unassigned.
	list := func(key, q string) string {
		r := a.Get(t, "/api/v1/master-inbox/tasks?status=all&sort=created_at&"+q, key)
		tbWantStatus(t, r, http.StatusOK)
		var env struct {
			Data []struct {
				ID int64 `json:"id"`
			} `json:"data"`
		}
		tbDecode(t, r.Body, &env)
		var ids []string
		for _, d := range env.Data {
			ids = append(ids, fmt.Sprint(d.ID))
		}
		return strings.Join(ids, ",")
	}
	for _, c := range []struct{ key, q, want string }{
		{ana.Key, "assignee=me", fmt.Sprint(toAna.ID)},
		{bo.Key, "assignee=me", ""},
		{acct.Key, "assignee=none", fmt.Sprint(none.ID)},
		{acct.Key, fmt.Sprintf("assignee=%d", ana.ID), fmt.Sprint(toAna.ID)},
		{bo.Key, fmt.Sprintf("assignee=me,%d,none", ana.ID), fmt.Sprintf("%d,%d", toAna.ID, none.ID)},
		{acct.Key, fmt.Sprintf("assignee=%d", stranger.ID), ""},
		{acct.Key, "assignee=", fmt.Sprintf("%d,%d", toAna.ID, none.ID)},
	} {
		if got := list(c.key, c.q); got != c.want {
			t.Errorf("%s: %s, want %s", c.q, got, c.want)
		}
	}
	for _, bad := range []string{"assignee=you", "assignee=1.5", "assignee=-1", "assignee=1,,2", "assignee=0"} {
		tbWantError(t, a.Get(t, "/api/v1/master-inbox/tasks?"+bad, acct.Key), http.StatusBadRequest, "BAD_REQUEST")
		tbWantError(t, a.Get(t, "/api/v1/master-inbox/tasks/summary?"+bad, acct.Key), http.StatusBadRequest, "BAD_REQUEST")
	}
	r = a.Get(t, "/api/v1/master-inbox/tasks/summary?assignee=me", ana.Key)
	if got := strings.TrimSpace(string(r.Body)); got != `{"ok":true,"data":{"overdue":0,"today":0,"upcoming":0,"no_due_date":1,"completed":0,"snoozed":0}}` {
		t.Fatalf("summary of me: %s", got)
	}
	// A page of one, then the next by its cursor, under the filter.
	r = a.Get(t, "/api/v1/master-inbox/tasks?assignee=me,none&limit=1&sort=created_at", ana.Key)
	cursor := strings.Trim(string(tbField(t, r.Body, "next_cursor")), `"`)
	r = a.Get(t, "/api/v1/master-inbox/tasks?assignee=me,none&limit=1&sort=created_at&cursor="+cursor, ana.Key)
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d,`, none.ID)) || !strings.Contains(string(r.Body), `"next_cursor":null`) {
		t.Fatalf("second page: %s", r.Body)
	}
}

// tbEventActorRE matches an "assigned" audit entry made with a key of the
// member memberID.
func tbEventActorRE(memberID int64) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`"type":"assigned","actor":\{"type":"api_key","id":\d+,"name":"default","member":\{"id":%d,"name":"Ana"\}\}`, memberID))
}
