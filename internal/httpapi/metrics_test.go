package httpapi_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// tbMetricsAPI serves the real handler with a metrics registry, as main
// wires it.
func tbMetricsAPI(t *testing.T) *tbAPI {
	t.Helper()
	tdb := testdb.Open(t)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &httpapi.Server{Accounts: tdb.DB, Campaigns: tdb.DB, Leads: tdb.DB, Tasks: tdb.DB, Inbox: tdb.DB, DB: tdb.DB,
		Logger: slog.New(slog.DiscardHandler), Metrics: reg}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &tbAPI{URL: srv.URL, DB: tdb.DB, tdb: tdb}
}

// GET /metrics counts requests by route pattern and status, times them,
// counts created tasks (a replayed Idempotency-Key answer creates none),
// carries the runtime's and the process's metrics, and shows no key, no
// id and no raw path.
func TestMetrics(t *testing.T) {
	t.Parallel()
	api := tbMetricsAPI(t)
	acct := api.Account(t, "metrics", "")
	mapID := api.LeadMap(t, acct.Key, "ann@example.com")
	task, _ := api.CreateTask(t, acct.Key, tbTaskBody(mapID, nil))
	api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"name": `"twice"`}), "Idempotency-Key", "k1")
	api.CreateTask(t, acct.Key, tbTaskBody(mapID, map[string]string{"name": `"twice"`}), "Idempotency-Key", "k1")
	tbWantStatus(t, api.Get(t, fmt.Sprintf("/api/v1/master-inbox/tasks/%d", task.ID), acct.Key), http.StatusOK)
	tbWantStatus(t, api.Get(t, "/api/v1/master-inbox/tasks/987654321", acct.Key), http.StatusNotFound)
	tbWantStatus(t, api.Get(t, "/api/v1/master-inbox/tasks", "tbx_not_a_key_at_all_0000000000000000000000000000"), http.StatusUnauthorized)
	tbWantStatus(t, api.Get(t, "/no/such/route", ""), http.StatusNotFound)

	r := api.Get(t, "/metrics", "")
	tbWantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want Prometheus's text format", ct)
	}
	body := string(r.Body)
	for _, want := range []string{
		`taskbox_http_requests_total{route="POST /api/v1/master-inbox/create-task",status="200"} 3`,
		`taskbox_http_requests_total{route="GET /api/v1/master-inbox/tasks/{id}",status="200"} 1`,
		`taskbox_http_requests_total{route="GET /api/v1/master-inbox/tasks/{id}",status="404"} 1`,
		`taskbox_http_requests_total{route="GET /api/v1/master-inbox/tasks",status="401"} 1`,
		`taskbox_http_requests_total{route="unmatched",status="404"} 1`,
		`taskbox_http_request_duration_seconds_count{route="POST /api/v1/master-inbox/create-task"} 3`,
		`taskbox_http_request_duration_seconds_bucket{route="POST /api/v1/master-inbox/create-task",le="+Inf"} 3`,
		"taskbox_tasks_created_total 2",
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, secret := range []string{acct.Key, "api_key", "987654321", fmt.Sprintf("tasks/%d", task.ID), "/no/such/route"} {
		if strings.Contains(body, secret) {
			t.Errorf("/metrics shows %q", secret)
		}
	}
}

// Without a registry, /metrics is a JSON 404.
func TestMetrics_Disabled(t *testing.T) {
	t.Parallel()
	api := tbNewAPI(t)
	r := api.Get(t, "/metrics", "")
	tbWantStatus(t, r, http.StatusNotFound)
	tbWantJSONType(t, r)
}
