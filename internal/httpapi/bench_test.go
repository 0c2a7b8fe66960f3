package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// BenchmarkCreateTask drives create-task over 64 keep-alive connections
// (32 goroutines per core on this 2-core machine) against the real server
// on a real port, on the backend of the test run (SQLite, or PostgreSQL
// under TASKBOX_TEST_POSTGRES), and reports requests per second, p50, p99
// and errors. Every 200 is a durably committed task.
//
//	go test ./internal/httpapi -run '^$' -bench CreateTask -benchtime 20000x
func BenchmarkCreateTask(b *testing.B) {
	tdb := testdb.Open(b)
	srv := httptest.NewServer(tbHandler(tdb.DB))
	b.Cleanup(srv.Close)
	api := &tbAPI{URL: srv.URL, DB: tdb.DB}
	acct := api.Account(b, "bench", "")
	ctx := taskbox.NewContextWithActor(context.Background(), mustActor(b, api, acct.Key))
	campaign, err := tdb.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	var mapIDs []int64
	for i := 0; i < 1000; i += taskbox.MaxLeadsPerUpload {
		up := &taskbox.LeadUpload{CampaignID: campaign.ID}
		for j := i; j < min(i+taskbox.MaxLeadsPerUpload, 1000); j++ {
			up.Leads = append(up.Leads, taskbox.LeadInput{Email: fmt.Sprintf("lead%d@example.com", j)})
		}
		res, err := tdb.AddLeads(ctx, up)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range res.Leads {
			mapIDs = append(mapIDs, l.LeadMapID)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}
	url := srv.URL + tbCreateTaskPath + "?api_key=" + acct.Key
	var (
		mu   sync.Mutex
		all  []time.Duration
		errs atomic.Int64
		next atomic.Int64
	)
	b.SetParallelism(32)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			n := next.Add(1)
			body := fmt.Sprintf(`{"email_lead_map_id":%d,"name":"Follow up %d","priority":"HIGH","due_date":"2025-12-15T09:00:00Z"}`,
				mapIDs[n%int64(len(mapIDs))], n)
			t0 := time.Now()
			resp, err := client.Post(url, "application/json", strings.NewReader(body))
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			if err != nil {
				errs.Add(1)
				continue
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		all = append(all, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(float64(errs.Load()), "errors")
}

func mustActor(b *testing.B, api *tbAPI, key string) *taskbox.Actor {
	b.Helper()
	actor, err := api.DB.Authenticate(context.Background(), key)
	if err != nil {
		b.Fatal(err)
	}
	return actor
}
