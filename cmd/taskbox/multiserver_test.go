package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"sync"
	"testing"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

// TestThreeServersShareOnePostgres runs three taskbox processes on one
// PostgreSQL database, spreads creates, updates and completions over them
// concurrently, and checks from each server that every acknowledged change
// is seen, that ids are unique, and that one Idempotency-Key sent to two
// servers at once makes one task.
func TestThreeServersShareOnePostgres(t *testing.T) {
	if testdb.Backend() != "postgres" {
		t.Skipf("needs PostgreSQL: set %s", testdb.PostgresEnv)
	}
	dsn := testdb.NewDSN(t)

	// Three migrations at once: the advisory lock lets one apply them.
	bin := taskboxBinary(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			out, err := exec.Command(bin, "migrate", "--db", dsn).CombinedOutput()
			if err != nil {
				errs[i] = fmt.Errorf("migrate: %v\n%s", err, out)
			}
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	servers := []*server{startServer(t, dsn, "--demo"), startServer(t, dsn, "--demo"), startServer(t, dsn)}
	key := servers[0].Key
	if key == "" || servers[1].Key != "" || servers[2].Key != "" {
		t.Fatalf("the default account's key must be printed by exactly the first server: %q %q %q", key, servers[1].Key, servers[2].Key)
	}

	type state struct {
		name   string
		status string
	}
	var (
		mu    sync.Mutex
		acked = map[int64]state{}
		ids   []int64
	)
	const workers, perWorker = 6, 15
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				create, update, complete := servers[(w+i)%3], servers[(w+i+1)%3], servers[(w+i+2)%3]
				var task struct{ Data struct{ ID int64 } }
				body := fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"w%d-%d"}`, w, i)
				if err := call(create, "POST", "/api/v1/master-inbox/create-task", key, body, &task); err != nil {
					t.Error(err)
					return
				}
				id := task.Data.ID
				mu.Lock()
				ids = append(ids, id)
				acked[id] = state{fmt.Sprintf("w%d-%d", w, i), "pending"}
				mu.Unlock()
				renamed := fmt.Sprintf("w%d-%d renamed", w, i)
				if err := call(update, "PATCH", fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), key, `{"name":"`+renamed+`"}`, nil); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[id] = state{renamed, "pending"}
				mu.Unlock()
				if i%2 == 0 {
					if err := call(complete, "POST", fmt.Sprintf("/api/v1/master-inbox/tasks/%d/complete", id), key, "", nil); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					acked[id] = state{renamed, "completed"}
					mu.Unlock()
				}
			}
		}(w)
	}
	wg.Wait()
	if len(acked) != len(ids) || len(ids) != workers*perWorker {
		t.Fatalf("ids are not unique: %d acknowledged creates, %d distinct ids", len(ids), len(acked))
	}
	for _, s := range servers {
		for id, want := range acked {
			var got struct{ Data struct{ Name, Status string } }
			if err := call(s, "GET", fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), key, "", &got); err != nil {
				t.Fatal(err)
			}
			if got.Data.Name != want.name || got.Data.Status != want.status {
				t.Errorf("server %s: task %d = %+v, want %+v", s.Addr, id, got.Data, want)
			}
		}
	}

	// One Idempotency-Key, two servers, at the same moment: one task.
	for round := 0; round < 5; round++ {
		got := make([]int64, 2)
		for i, s := range servers[1:] {
			wg.Add(1)
			go func(i int, s *server) {
				defer wg.Done()
				var task struct{ Data struct{ ID int64 } }
				body := fmt.Sprintf(`{"email_lead_map_id":2433664091,"name":"once %d"}`, round)
				if err := call(s, "POST", "/api/v1/master-inbox/create-task", key, body, &task, "Idempotency-Key", fmt.Sprintf("round-%d", round)); err != nil {
					t.Error(err)
				}
				got[i] = task.Data.ID
			}(i, s)
		}
		wg.Wait()
		if got[0] == 0 || got[0] != got[1] {
			t.Errorf("round %d: one key on two servers made tasks %v", round, got)
		}
		var list struct{ Data []json.RawMessage }
		if err := call(servers[0], "GET", fmt.Sprintf("/api/v1/master-inbox/tasks?q=once+%d&limit=100", round), key, "", &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Data) != 1 {
			t.Errorf("round %d: %d tasks named %q", round, len(list.Data), fmt.Sprintf("once %d", round))
		}
	}
	assignAcrossServers(t, servers, dsn, key)
}

// assignAcrossServers gives the demo lead map's open tasks owners and
// assignees through different servers at once, and checks that every
// server then sees each member's tasks (assignee=me through the member's
// key) and that reassigning the lead map moves exactly the previous
// owner's open tasks.
func assignAcrossServers(t *testing.T, servers []*server, dsn, key string) {
	type member struct {
		ID  int64  `json:"team_member_id"`
		Key string `json:"api_key"`
	}
	var ana, bo member
	for _, m := range []struct {
		out         *member
		name, email string
	}{{&ana, "Ana", "ana@multi.example"}, {&bo, "Bo", "bo@multi.example"}} {
		res := mustRunCLI(t, "members", "add", "--account", "1", "--name", m.name, "--email", m.email, "--db", dsn, "--json")
		if err := json.Unmarshal([]byte(res.Stdout), m.out); err != nil {
			t.Fatal(err)
		}
	}
	pendingIDs := func(s *server, k, query string) map[int64]bool {
		var list struct{ Data []struct{ ID int64 } }
		if err := call(s, "GET", "/api/v1/master-inbox/tasks?limit=100&"+query, k, "", &list); err != nil {
			t.Fatal(err)
		}
		out := map[int64]bool{}
		for _, d := range list.Data {
			out[d.ID] = true
		}
		return out
	}
	pending := pendingIDs(servers[0], key, "")
	// Ana owns the lead map (through the second server): every open task,
	// all unassigned, moves to her.
	var owner struct {
		Data struct {
			TasksReassigned int `json:"tasks_reassigned"`
		}
	}
	if err := call(servers[1], "POST", "/api/v1/master-inbox/update-team-member", key,
		fmt.Sprintf(`{"email_lead_map_id":"2433664091","team_member_id":"%d"}`, ana.ID), &owner); err != nil {
		t.Fatal(err)
	}
	if owner.Data.TasksReassigned != len(pending) || len(pending) == 0 {
		t.Fatalf("update-team-member moved %d tasks, want the %d open ones", owner.Data.TasksReassigned, len(pending))
	}
	// Bo takes every third task, through the three servers at once.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		toBo  = map[int64]bool{}
		n     int
		tasks []int64
	)
	for id := range pending {
		tasks = append(tasks, id)
	}
	for i, id := range tasks {
		if i%3 != 0 {
			continue
		}
		n++
		wg.Add(1)
		go func(s *server, id int64) {
			defer wg.Done()
			if err := call(s, "PATCH", fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), bo.Key, fmt.Sprintf(`{"assignee_id":%d}`, bo.ID), nil); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			toBo[id] = true
			mu.Unlock()
		}(servers[i%3], id)
	}
	wg.Wait()
	if len(toBo) != n {
		t.Fatalf("%d of %d assignments acknowledged", len(toBo), n)
	}
	for _, s := range servers {
		mine, bos := pendingIDs(s, ana.Key, "assignee=me"), pendingIDs(s, bo.Key, "assignee=me")
		for id := range pending {
			if toBo[id] != bos[id] || toBo[id] == mine[id] {
				t.Errorf("server %s: task %d is Ana's %v, Bo's %v; want Bo's %v", s.Addr, id, mine[id], bos[id], toBo[id])
			}
		}
		var sum struct {
			Data struct {
				NoDueDate int `json:"no_due_date"`
			}
		}
		if err := call(s, "GET", "/api/v1/master-inbox/tasks/summary?assignee=me", bo.Key, "", &sum); err != nil {
			t.Fatal(err)
		}
		if sum.Data.NoDueDate != len(toBo) {
			t.Errorf("server %s: Bo's summary counts %d, want %d", s.Addr, sum.Data.NoDueDate, len(toBo))
		}
	}
	// Bo takes the lead map over (through the third server): Ana's open
	// tasks, the previous owner's, move; his own stay his.
	if err := call(servers[2], "POST", "/api/v1/master-inbox/update-team-member", key,
		fmt.Sprintf(`{"email_lead_map_id":2433664091,"team_member_id":%d}`, bo.ID), &owner); err != nil {
		t.Fatal(err)
	}
	if want := len(pending) - len(toBo); owner.Data.TasksReassigned != want {
		t.Errorf("the second update-team-member moved %d tasks, want %d", owner.Data.TasksReassigned, want)
	}
	for _, s := range servers {
		if got := pendingIDs(s, bo.Key, "assignee=me"); len(got) != len(pending) {
			t.Errorf("server %s: Bo has %d open tasks, want %d", s.Addr, len(got), len(pending))
		}
	}
}

// call sends one request from any goroutine and decodes a 200 answer.
func call(s *server, method, path, key, body string, out any, headers ...string) error {
	req, err := http.NewRequest(method, s.URL+withKey(path, key), bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s on %s: %d %s", method, path, s.Addr, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
