package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// members add prints SPEC §8's object exactly, with a setup link built
// from --base-url, else from the base URL the server started with; the
// member's key acts as it through the remote commands (tasks assign, tasks
// list --assignee me); passwd makes a new link; remove ends the key.
func TestMembersCommands(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	s := startServer(t, db, "--demo", "--base-url", "https://tasks.example.com")
	add := mustRunCLI(t, "members", "add", "--account", "1", "--name", "Ana", "--email", "ana@members.example", "--db", db, "--json")
	var out map[string]json.RawMessage
	if err := json.Unmarshal([]byte(add.Stdout), &out); err != nil {
		t.Fatalf("members add --json: %v\n%s", err, add.Stdout)
	}
	dec := json.NewDecoder(strings.NewReader(add.Stdout))
	var keys []string
	_, _ = dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	if got := strings.Join(keys, ","); got != "team_member_id,account_id,name,email,role,timezone,api_key,password_setup_url" {
		t.Fatalf("keys %s", got)
	}
	var m struct {
		ID       int64   `json:"team_member_id"`
		Account  int64   `json:"account_id"`
		Name     string  `json:"name"`
		Email    string  `json:"email"`
		Role     string  `json:"role"`
		Timezone *string `json:"timezone"`
		Key      string  `json:"api_key"`
		URL      string  `json:"password_setup_url"`
	}
	_ = json.Unmarshal([]byte(add.Stdout), &m)
	if m.Account != 1 || m.Name != "Ana" || m.Email != "ana@members.example" || m.Role != "member" || m.Timezone != nil ||
		!keyRE.MatchString(m.Key) || !strings.HasPrefix(m.URL, "https://tasks.example.com/setup/") {
		t.Fatalf("members add = %s", add.Stdout)
	}
	// The link works on the server (its path, on the server's address).
	res, err := http.Get(s.URL + strings.TrimPrefix(m.URL, "https://tasks.example.com"))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("setup link: %v %v", res, err)
	}
	res.Body.Close()
	other := mustRunCLI(t, "members", "add", "--account", "1", "--name", "Bo", "--email", "bo@members.example", "--role", "admin",
		"--timezone", "Asia/Tokyo", "--base-url", "http://127.0.0.1:9/", "--db", db, "--json")
	if !strings.Contains(other.Stdout, `"role":"admin","timezone":"Asia/Tokyo"`) || !strings.Contains(other.Stdout, `"password_setup_url":"http://127.0.0.1:9/setup/`) {
		t.Fatalf("members add --base-url: %s", other.Stdout)
	}
	var bo struct {
		ID int64 `json:"team_member_id"`
	}
	_ = json.Unmarshal([]byte(other.Stdout), &bo)
	var boKey struct {
		Key string `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(mustRunCLI(t, "keys", "create", "--account", "1", "--member", fmt.Sprint(bo.ID), "--name", "bo-ci", "--db", db, "--json").Stdout), &boKey); err != nil {
		t.Fatal(err)
	}
	expectCode(t, nil, exitFailure, "Team member not found", "keys", "create", "--account", "1", "--member", "424242", "--db", db)
	expectCode(t, nil, exitUsage, "--email is already the email of a team member", "members", "add", "--account", "1", "--name", "Copy", "--email", "ANA@members.example", "--db", db)
	expectCode(t, nil, exitUsage, "--role must be admin or member", "members", "add", "--account", "1", "--name", "X", "--email", "x@members.example", "--role", "boss", "--db", db)
	expectCode(t, nil, exitUsage, `required flag(s) "email" not set`, "members", "add", "--account", "1", "--name", "X", "--db", db)
	expectCode(t, nil, exitFailure, "Account not found", "members", "add", "--account", "99", "--name", "X", "--email", "y@members.example", "--db", db)
	list := mustRunCLI(t, "members", "list", "--account", "1", "--db", db)
	for _, want := range []string{"Owner", "Ana", "ana@members.example", "Bo", "Asia/Tokyo"} {
		if !strings.Contains(list.Stdout, want) {
			t.Errorf("members list lacks %q:\n%s", want, list.Stdout)
		}
	}

	// Ana's key acts as Ana.
	env := append(remoteEnv(t, s), "TASKBOX_API_KEY="+m.Key)
	var task struct {
		ID       int64 `json:"id"`
		Assignee *struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		} `json:"assignee"`
	}
	runJSON(t, env, &task, "tasks", "create", "--lead-map", "2433664091", "--name", "Call back")
	if task.Assignee != nil {
		t.Fatalf("new task assigned: %+v", task.Assignee)
	}
	runJSON(t, env, &task, "tasks", "assign", fmt.Sprint(task.ID), fmt.Sprint(m.ID))
	if task.Assignee == nil || task.Assignee.Name != "Ana" {
		t.Fatalf("tasks assign: %+v", task.Assignee)
	}
	var page struct {
		Data []struct {
			ID int64 `json:"id"`
		} `json:"data"`
	}
	runJSON(t, env, &page, "tasks", "list", "--assignee", "me")
	if len(page.Data) != 1 || page.Data[0].ID != task.ID {
		t.Fatalf("tasks list --assignee me: %+v", page)
	}
	runJSON(t, remoteEnv(t, s), &page, "tasks", "list", "--assignee", "me")
	if len(page.Data) != 0 {
		t.Fatalf("the Owner's tasks list --assignee me: %+v", page)
	}
	runJSON(t, append(remoteEnv(t, s), "TASKBOX_API_KEY="+boKey.Key), &task, "tasks", "assign", fmt.Sprint(task.ID), fmt.Sprint(bo.ID))
	runJSON(t, append(remoteEnv(t, s), "TASKBOX_API_KEY="+boKey.Key), &page, "tasks", "list", "--assignee", "me")
	if len(page.Data) != 1 {
		t.Fatalf("Bo's second key: tasks list --assignee me: %+v", page)
	}
	runJSON(t, env, &task, "tasks", "assign", fmt.Sprint(task.ID), fmt.Sprint(m.ID))
	table := mustRunCLIEnv(t, env, "tasks", "list", "--assignee", fmt.Sprint(m.ID))
	if !strings.Contains(table.Stdout, "ASSIGNEE") || !strings.Contains(table.Stdout, fmt.Sprintf("Ana (%d)", m.ID)) {
		t.Fatalf("tasks list table:\n%s", table.Stdout)
	}
	expectCode(t, env, exitUsage, "--assignee must be me, none or team member ids", "tasks", "list", "--assignee", "you")
	expectCode(t, env, exitUsage, "is not a team member id", "tasks", "assign", fmt.Sprint(task.ID), "ana")
	expectCode(t, env, exitRefused, "assignee_id must be the id of a team member of the account", "tasks", "assign", fmt.Sprint(task.ID), "987654")
	runJSON(t, env, &task, "tasks", "assign", fmt.Sprint(task.ID), "none")
	if task.Assignee != nil {
		t.Fatalf("tasks assign none: %+v", task.Assignee)
	}

	// passwd, update, remove.
	pw := mustRunCLI(t, "members", "passwd", fmt.Sprint(m.ID), "--db", db, "--json")
	if !strings.Contains(pw.Stdout, `"password_setup_url":"https://tasks.example.com/setup/`) || strings.Contains(pw.Stdout, m.URL) {
		t.Fatalf("members passwd: %s", pw.Stdout)
	}
	expectCode(t, nil, exitUsage, "--email is required for a web password", "members", "passwd", "1", "--db", db)
	mustRunCLI(t, "members", "update", fmt.Sprint(m.ID), "--name", "Ana B", "--db", db)
	expectCode(t, nil, exitUsage, "nothing to change", "members", "update", fmt.Sprint(m.ID), "--db", db)
	set := mustRunCLI(t, "members", "update", fmt.Sprint(m.ID), "--digest", "off", "--digest-hour", "7", "--digest-days", "1,3",
		"--default-reminders", "PT15M,P1D", "--work-hours", "08:00-16:00", "--db", db)
	if !strings.Contains(set.Stdout, "Digest off at 07:00 on days [1 3]; default reminders [PT15M P1D]; working hours 08:00-16:00.") {
		t.Fatalf("members update settings: %s", set.Stdout)
	}
	for flag, value := range map[string]string{"--digest": "weekly", "--digest-hour": "24", "--digest-days": "mon", "--default-reminders": "soon", "--work-hours": "17:00-09:00"} {
		r := expectCode(t, nil, exitUsage, "", "members", "update", fmt.Sprint(m.ID), flag, value, "--db", db)
		if !strings.Contains(r.Stderr, strings.ReplaceAll(strings.TrimPrefix(flag, "--"), "-", "_")) {
			t.Errorf("%s %s: %s", flag, value, r.Stderr)
		}
	}
	mustRunCLI(t, "members", "remove", fmt.Sprint(m.ID), "--db", db)
	// The server trusts a key it read for keyCacheTTL (500 ms), so a removal
	// by another process shows within that window: ask until it does.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if r := runCLI(t, env, "tasks", "list"); r.Code == exitRefused || time.Now().After(deadline) {
			break
		}
	}
	expectCode(t, env, exitRefused, "Invalid API Key", "tasks", "list")
	expectCode(t, nil, exitFailure, "Team member not found", "members", "remove", fmt.Sprint(m.ID), "--db", db)
	// Bo gone, the owner is the last admin.
	mustRunCLI(t, "members", "remove", fmt.Sprint(bo.ID), "--db", db)
	expectCode(t, nil, exitUsage, "team member 1 is the account's last admin, who cannot be removed", "members", "remove", "1", "--db", db)
}
