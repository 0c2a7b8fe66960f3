package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taskboxhq/taskbox/internal/testdb"
)

// outageDBTimeout is the --db-timeout of the outage tests: how long a
// request may wait on a database that does not answer.
const outageDBTimeout = 2 * time.Second

// TestPostgresOutage takes PostgreSQL away from a serving taskbox, through
// a proxy (the machine's server keeps running for the other tests), in the
// two ways it goes away in production, while clients keep writing:
//
//   - stopped: every connection closed, new ones refused;
//   - silent: connections open but nothing answers, as when a network drops
//     packets.
//
// Either way every API request is answered 503 SERVICE_UNAVAILABLE with the
// error envelope, never 500, /readyz answers 503 and /healthz 200, and no
// request takes longer than --db-timeout allows. When the database comes
// back the server serves again by itself, and every task whose 200 a client
// received, before, during or after the outage, is there.
func TestPostgresOutage(t *testing.T) {
	if os.Getenv(testdb.PostgresEnv) == "" {
		t.Skip("PostgreSQL outages are tested when " + testdb.PostgresEnv + " is set")
	}
	t.Parallel()
	u, err := url.Parse(testdb.NewDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, u.Host)
	u.Host = proxy.Addr
	s := startServer(t, u.String(), "--demo", "--db-timeout", outageDBTimeout.String())
	id := intField(t, s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest).JSON(t), "data", "id")
	load := startLoad(s, 3)
	load.waitAcked(t, 10)

	for _, phase := range []struct {
		name  string
		fail  func()
		bound time.Duration // the longest a probe may take
	}{
		{"stopped", proxy.cut, 3 * time.Second},
		{"silent", proxy.hang, outageDBTimeout + 3*time.Second},
	} {
		phase.fail()
		probeOutage(t, s, phase.name, id, phase.bound)
		proxy.restore(t)
		waitRecovery(t, s, phase.name, id)
		load.waitAcked(t, load.acked()+5) // the clients are served again too
	}

	// A request in flight when the database went away may have waited on
	// it twice (its key's last use, then its own transaction) and once more
	// for a connection: three timeouts and some slack for a race build.
	answers := load.stop()
	checkLoad(t, answers, 3*outageDBTimeout+3*time.Second)
	for _, a := range answers {
		if a.status != http.StatusOK || a.id == 0 {
			continue
		}
		g := s.expect(t, http.StatusOK, "GET", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d", a.id), s.Key), nil)
		if want, got := a.wantStatus, field(t, g.JSON(t), "data", "status"); want != "" && got != want {
			t.Errorf("task %d: status %v after the outages, want %s as acknowledged", a.id, got, want)
		}
	}
	checkNo500(t, s)
	s.stopCleanly(t)
}

// probeOutage sends every kind of request at once while the database is
// away and checks each answer: 503 with the envelope, in time.
func probeOutage(t *testing.T, s *server, phase string, id int64, bound time.Duration) {
	t.Helper()
	task := fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id)
	probes := []struct{ method, path, body string }{
		{"POST", withKey(createTaskPath, s.Key), sourceRequest},
		{"GET", withKey(task, s.Key), ""},
		{"GET", withKey("/api/v1/master-inbox/tasks?status=all", s.Key), ""},
		{"GET", withKey("/api/v1/master-inbox/tasks/summary", s.Key), ""},
		{"POST", withKey(task+"/complete", s.Key), ""},
		{"PATCH", withKey(task, s.Key), `{"priority": "LOW"}`},
		{"GET", "/readyz", ""},
	}
	var wg sync.WaitGroup
	answers := make([]answer, 3*len(probes)) // more than the pool has connections
	for i := range answers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := probes[i%len(probes)]
			answers[i] = send(s, p.method, p.path, p.body)
		}(i)
	}
	wg.Wait()
	var longest time.Duration
	for _, a := range answers {
		longest = max(longest, a.took)
		if a.status != http.StatusServiceUnavailable || a.code != "SERVICE_UNAVAILABLE" || a.err != nil {
			t.Errorf("%s: %s %s: %d %s %v, want 503 SERVICE_UNAVAILABLE with the error envelope", phase, a.method, redact(a.path), a.status, a.code, a.err)
		}
		if a.took > bound {
			t.Errorf("%s: %s %s took %v, want at most %v", phase, a.method, redact(a.path), a.took, bound)
		}
	}
	if a := send(s, "GET", "/healthz", ""); a.status != http.StatusOK {
		t.Errorf("%s: /healthz answered %d, want 200: the process is alive", phase, a.status)
	}
	t.Logf("%s: %d requests answered 503 in at most %v (message %q)", phase, len(answers), longest, answers[0].message)
}

// waitRecovery waits until the server writes again, by itself.
func waitRecovery(t *testing.T, s *server, phase string, id int64) {
	t.Helper()
	start := time.Now()
	for {
		a := send(s, "POST", withKey(createTaskPath, s.Key), sourceRequest)
		if a.status == http.StatusOK {
			break
		}
		if a.status != http.StatusServiceUnavailable || time.Since(start) > 30*time.Second {
			t.Fatalf("after the %s outage: create-task answered %d %s %v; want 200 within 30s", phase, a.status, a.code, a.err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%s: served again %v after the database came back", phase, time.Since(start).Round(time.Millisecond))
	s.expect(t, http.StatusOK, "GET", "/readyz", nil)
	s.expect(t, http.StatusOK, "GET", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d", id), s.Key), nil)
}

// answer is the outcome of one request, taken without the harness's
// t.Fatal so that any goroutine may send it.
type answer struct {
	method, path  string
	status        int
	code, message string    // of an error envelope
	id            int64     // data.id of a 200
	wantStatus    string    // the task's acknowledged status, for the load
	completedAt   time.Time // when its completion was acknowledged, for the load
	at            time.Time // when the answer arrived
	took          time.Duration
	err           error // no answer, or one that breaks the error envelope
}

func send(s *server, method, path, body string) answer {
	a := answer{method: method, path: path}
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		a.err = err
		return a
	}
	start := time.Now()
	resp, err := httpClient.Do(req)
	if err != nil {
		a.err, a.took = errors.New(redact(err.Error())), time.Since(start) // the URL holds the key
		return a
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	a.at = time.Now()
	a.status, a.took = resp.StatusCode, a.at.Sub(start)
	if err != nil {
		a.err = err
		return a
	}
	var env struct {
		OK      bool   `json:"ok"`
		Message string `json:"message"`
		Data    struct {
			ID int64 `json:"id"`
		} `json:"data"`
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&env); err != nil {
		a.err = fmt.Errorf("body is not JSON: %v: %q", err, b)
		return a
	}
	a.id, a.code, a.message = env.Data.ID, env.Error.Code, env.Message
	if a.status >= 400 && (env.OK || env.Message == "" || env.Message != env.Error.Message ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json")) {
		a.err = fmt.Errorf("not the error envelope: %s %q", resp.Header.Get("Content-Type"), b)
	}
	return a
}

// load is clients that create and complete tasks until stopped, keeping
// every answer.
type load struct {
	mu      sync.Mutex
	answers []answer
	ok      atomic.Int64
	stopped atomic.Bool
	wg      sync.WaitGroup
}

func startLoad(s *server, workers int) *load {
	l := &load{}
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func(w int) {
			defer l.wg.Done()
			for i := 0; !l.stopped.Load(); i++ {
				body := fmt.Sprintf(`{"email_lead_map_id": 2433664091, "name": "load %d-%d"}`, w, i)
				a := l.record(send(s, "POST", withKey(createTaskPath, s.Key), body))
				if a.status != http.StatusOK {
					time.Sleep(20 * time.Millisecond)
					continue
				}
				if i%2 == 0 {
					c := send(s, "POST", withKey(fmt.Sprintf("/api/v1/master-inbox/tasks/%d/complete", a.id), s.Key), "")
					l.record(c)
					l.mu.Lock()
					if c.status == http.StatusOK {
						l.answers[a.index].wantStatus = "completed"
						l.answers[a.index].completedAt = c.at
					} else {
						l.answers[a.index].wantStatus = "" // a 503 may come after the commit: either status is right
					}
					l.mu.Unlock()
				}
			}
		}(w)
	}
	return l
}

// indexedAnswer is an answer and its place in the load's list.
type indexedAnswer struct {
	answer
	index int
}

func (l *load) record(a answer) indexedAnswer {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.status == http.StatusOK {
		l.ok.Add(1)
		if a.id != 0 && a.wantStatus == "" && a.method == "POST" && strings.HasPrefix(a.path, createTaskPath) {
			a.wantStatus = "pending"
		}
	}
	l.answers = append(l.answers, a)
	return indexedAnswer{a, len(l.answers) - 1}
}

func (l *load) acked() int64 { return l.ok.Load() }

// waitAcked waits until the clients have had n answers of 200.
func (l *load) waitAcked(t *testing.T, n int64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); l.ok.Load() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the clients had %d answers of 200 in 30s, want %d", l.ok.Load(), n)
		}
	}
}

func (l *load) stop() []answer {
	l.stopped.Store(true)
	l.wg.Wait()
	return l.answers
}

// checkLoad: a client's request got 200 or 503 with the envelope, in time.
func checkLoad(t *testing.T, answers []answer, bound time.Duration) {
	t.Helper()
	n := map[int]int{}
	for _, a := range answers {
		n[a.status]++
		if a.err != nil || (a.status != http.StatusOK && a.status != http.StatusServiceUnavailable) {
			t.Errorf("a client's %s %s: %d %s %v, want 200 or 503 with the error envelope", a.method, redact(a.path), a.status, a.code, a.err)
		}
		if a.took > bound {
			t.Errorf("a client's %s %s took %v, want at most %v", a.method, redact(a.path), a.took, bound)
		}
	}
	if n[http.StatusServiceUnavailable] == 0 {
		t.Error("no client request was answered 503: the outages went unnoticed")
	}
	t.Logf("clients: %d answers of 200, %d of 503", n[http.StatusOK], n[http.StatusServiceUnavailable])
}
