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
