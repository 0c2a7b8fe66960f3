package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The mixed profile completes the tasks it created, oldest first, each
// once: not the tasks made first, which after a thousand completions
// would all be completed and every further complete would change nothing.
func TestMixedProfileCompletesPendingTasks(t *testing.T) {
	var (
		mu        sync.Mutex
		created   []int64
		completed = map[int64]int{}
		order     []int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.URL.Path == "/api/v1/master-inbox/create-task":
			id := int64(1000 + len(created))
			created = append(created, id)
			fmt.Fprintf(w, `{"ok":true,"data":{"id":%d,"email_lead_map_id":1}}`, id)
		case strings.HasSuffix(r.URL.Path, "/complete"):
			id, _ := strconv.ParseInt(strings.Split(r.URL.Path, "/")[5], 10, 64)
			completed[id]++
			order = append(order, id)
			fmt.Fprintf(w, `{"ok":true,"data":{"id":%d}}`, id)
		default:
			fmt.Fprint(w, `{"ok":true,"data":[]}`)
		}
	}))
	defer srv.Close()
	target := &loadTarget{base: srv.URL, key: "k", mapIDs: []int64{1}, taskIDs: []int64{1}, pending: make(chan int64, maxPending)}
	rng := rand.New(rand.NewPCG(1, 2))
	var buf []byte
	kinds := map[string]int{}
	for n := range int64(2000) {
		kind, err := target.request(context.Background(), srv.Client(), "mixed", n, rng, &buf)
		if err != nil {
			t.Fatal(err)
		}
		kinds[requestKinds[kind]]++
	}
	if kinds["create"] < 300 || kinds["complete"] < 150 {
		t.Fatalf("kinds sent: %v", kinds)
	}
	// Every complete but those before the first create takes a created
	// task, in the order they were created, and none twice.
	var fromCreated []int64
	for _, id := range order {
		if id != 1 {
			fromCreated = append(fromCreated, id)
		}
	}
	if len(order)-len(fromCreated) > 5 {
		t.Errorf("%d of %d completes took a task made first", len(order)-len(fromCreated), len(order))
	}
	for i, id := range fromCreated {
		if id != created[i] {
			t.Fatalf("complete %d took task %d, want %d (the oldest not completed)", i, id, created[i])
		}
		if completed[id] != 1 {
			t.Errorf("task %d completed %d times", id, completed[id])
		}
	}
}
