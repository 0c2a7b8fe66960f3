package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/store"
)

// benchConfig is what `taskbox bench` reads from its flags.
type benchConfig struct {
	Concurrency int
	Duration    time.Duration
	LeadMaps    int
	Reference   bool
}

func (m *Main) benchCommand() *cobra.Command {
	var c benchConfig
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure create-task throughput, beside a server that stores nothing",
		Long: `Measure create-task: set up an account with --lead-maps lead maps in the
database of --db (by default a new SQLite file in a temporary directory,
removed afterwards; a postgres:// URL benchmarks PostgreSQL), serve the real
API on 127.0.0.1, and drive create-task over --concurrency keep-alive
connections for --duration. Then, in the same run, drive the same requests
at a reference handler that reads, decodes and validates them with the
server's own code but stores nothing. Prints requests per second, p50, p90,
p99 and errors of both, and their ratio. Every 200 of the real server is a
durably committed task.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.Concurrency < 1 || c.Duration <= 0 || c.LeadMaps < 1 {
				return fmt.Errorf("--concurrency, --duration and --lead-maps must be positive")
			}
			return m.bench(cmd.Context(), c, cmd.Flags().Changed("db"))
		},
	}
	f := cmd.Flags()
	f.IntVar(&c.Concurrency, "concurrency", 64, "keep-alive connections sending requests at once")
	f.DurationVar(&c.Duration, "duration", 10*time.Second, "how long to drive each server")
	f.IntVar(&c.LeadMaps, "lead-maps", 10000, "lead maps of the benchmark account; requests cycle through them")
	f.BoolVar(&c.Reference, "reference", true, "also drive the reference handler that stores nothing")
	return cmd
}

func (m *Main) bench(ctx context.Context, c benchConfig, dbGiven bool) error {
	if !dbGiven && !store.IsPostgres(m.DB) {
		dir, err := os.MkdirTemp("", "taskbox-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		m.DB = filepath.Join(dir, "bench.db")
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	key, mapIDs, err := benchAccount(ctx, db, c.LeadMaps)
	if err != nil {
		return err
	}
	api := &httpapi.Server{Accounts: db, Campaigns: db, Leads: db, Tasks: db, Inbox: db, DB: db, Logger: slog.New(slog.DiscardHandler)}
	fmt.Fprintf(m.Stdout, "create-task, %d connections, %s each, database %s\n", c.Concurrency, c.Duration, store.Redact(m.DB))
	real, err := drive(ctx, api.Handler(), key, mapIDs, c)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, real.line("taskbox"))
	if !c.Reference {
		return nil
	}
	ref, err := drive(ctx, httpapi.ReferenceHandler(key, time.UTC), key, mapIDs, c)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, ref.line("reference (no storage)"))
	fmt.Fprintf(m.Stdout, "taskbox / reference: %.2f of the requests per second\n", real.rps/ref.rps)
	return nil
}

// benchAccount makes an account with n lead maps and returns its key.
func benchAccount(ctx context.Context, db *store.DB, n int) (string, []int64, error) {
	_, key, err := db.CreateAccount(ctx, taskbox.NewAccount{Name: fmt.Sprintf("bench %d", time.Now().UnixNano())})
	if err != nil {
		return "", nil, err
	}
	actor, err := db.Authenticate(ctx, key.Secret)
	if err != nil {
		return "", nil, err
	}
	actx := taskbox.NewContextWithActor(ctx, actor)
	campaign, err := db.CreateCampaign(actx, &taskbox.CampaignCreate{Name: "bench"})
	if err != nil {
		return "", nil, err
	}
	var ids []int64
	for i := 0; i < n; i += taskbox.MaxLeadsPerUpload {
		up := &taskbox.LeadUpload{CampaignID: campaign.ID}
		for j := i; j < min(n, i+taskbox.MaxLeadsPerUpload); j++ {
			up.Leads = append(up.Leads, taskbox.LeadInput{Email: fmt.Sprintf("lead%d@bench.example", j)})
		}
		res, err := db.AddLeads(actx, up)
		if err != nil {
			return "", nil, err
		}
		for _, l := range res.Leads {
			ids = append(ids, l.LeadMapID)
		}
	}
	return key.Secret, ids, nil
}

// benchResult is one server's figures.
type benchResult struct {
	rps           float64
	p50, p90, p99 time.Duration
	ok, errors    int64
}

func (r benchResult) line(name string) string {
	return fmt.Sprintf("%-24s %8.0f req/s  p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  %d ok  %d errors", name, r.rps,
		ms(r.p50), ms(r.p90), ms(r.p99), r.ok, r.errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// drive serves h on 127.0.0.1 and sends it create-task requests from
// c.Concurrency keep-alive connections for c.Duration.
func drive(ctx context.Context, h http.Handler, key string, mapIDs []int64, c benchConfig) (benchResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchResult{}, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c.Concurrency, MaxConnsPerHost: c.Concurrency}}
	url := "http://" + ln.Addr().String() + "/api/v1/master-inbox/create-task?api_key=" + key
	ctx, cancel := context.WithTimeout(ctx, c.Duration)
	defer cancel()
	var (
		mu         sync.Mutex
		latencies  []time.Duration
		seq, fails atomic.Int64
		wg         sync.WaitGroup
	)
	start := time.Now()
	for w := 0; w < c.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				n := seq.Add(1)
				body := fmt.Sprintf(`{"email_lead_map_id":%d,"name":"Follow up on enterprise proposal %d","description":"Send pricing breakdown for 50-seat plan","priority":"HIGH","due_date":"2025-12-15T09:00:00Z"}`,
					mapIDs[int(n)%len(mapIDs)], n)
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
					if ctx.Err() == nil {
						fails.Add(1)
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	r := benchResult{ok: int64(len(latencies)), errors: fails.Load()}
	if len(latencies) == 0 {
		return r, fmt.Errorf("no request succeeded (%d errors)", r.errors)
	}
	at := func(q float64) time.Duration { return latencies[int(q*float64(len(latencies)-1))] }
	r.rps, r.p50, r.p90, r.p99 = float64(len(latencies))/elapsed.Seconds(), at(0.50), at(0.90), at(0.99)
	return r, nil
}
