package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/store"
	"golang.org/x/sync/errgroup"
)

// benchConfig is what `taskbox bench` reads from its flags.
type benchConfig struct {
	Concurrency int
	Duration    time.Duration
	LeadMaps    int
	Owners      int
	Reference   bool
	Profile     string
	Runs        int
	ProfileDir  string
	Preload     int
	Rate        int
	Without     string
	Servers     int
}

// seedTasks is how many tasks the mixed profile makes before it starts.
const seedTasks = 1000

func (m *Main) benchCommand() *cobra.Command {
	var c benchConfig
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the server under load, beside a server that stores nothing",
		Long: `Measure the server under load. bench sets up an account with --lead-maps
lead maps in the database of --db (by default a new SQLite file in a
temporary directory, removed afterwards; a postgres:// URL benchmarks
PostgreSQL), starts this binary's "serve" on 127.0.0.1 as a child process
(--rate-limit 0, JSON logs to a file), and a second child that serves a
reference handler: it reads, decodes and validates requests with the
server's own code but stores nothing. Then, --runs times, it drives each of
them in turn over --concurrency keep-alive connections for --duration.

Profiles: "create" sends only create-task; "mixed" sends 35% list, 35% get,
20% create-task and 10% complete, on 1,000 tasks made first: the gets read
those, and each complete completes the oldest task the profile created
and has not completed yet (one of those 1,000 before it has created one).

For each run and server it prints requests per second, p50, p90, p99 and
errors and the server process's CPU time per request (user and system,
the figure least disturbed by other work on the machine) and, for the real
server, the mean write requests per group-commit transaction (read from
its /metrics), with the mixed profile a second line of each kind of
request's p50, p90 and p99; then the medians over the runs, the ratio of the two
servers' throughput and p99 in each run (the figure to trust on a busy machine: both
servers met the same noise), and the peak resident memory (VmHWM) of each
child process. Every 200 of the real server is a durably committed change.

--preload N stores N tasks first, spread over 1,000 accounts of their own
(through the bulk create, each with its audit row, timer and day count),
then does the upkeep the server's writer does when idle (on SQLite,
merging the search index; on PostgreSQL, merging the day counts of past
days), which the preload left it no moment for, to
show the throughput with a database that is not empty; at the end bench
prints the bytes on disk per stored task (SQLite: the database's pages;
PostgreSQL: pg_total_relation_size of the task tables).

--rate R sends R requests a second on a fixed schedule for --duration
instead of keeping --concurrency connections busy: each request is sent
when it is due whatever the answers before it, and its latency counts from
then, so p99 and max show what a steady load feels (the lines end with the
slowest answer, "max").

--owners N makes N team members, each with a default reminder an hour
before the due time, the owners of the lead maps in turn: every create
then takes a SmartLead team's path (the lead's owner becomes the task's
assignee, the owner's default reminders its reminders and a reminder
timer). Without it the lead maps have no owner.

--servers N (PostgreSQL only) starts N servers on the one database and
sends each connection (or, with --rate, each request) to one of them in
turn: their figures are reported as one server's, with CPU time and write
batches summed over them, and bench prints the deadlocks PostgreSQL
detected during the runs (pg_stat_database), which each server resolves by
running the requests of a failed batch again, one by one.

--profile-dir DIR writes the (first) real server's CPU profile (cpu.pprof) and
allocation profile (allocs.pprof) over the whole bench to DIR; read them
with "go tool pprof -top taskbox DIR/cpu.pprof".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if c.Concurrency < 1 || c.Duration <= 0 || c.LeadMaps < 1 || c.Runs < 1 {
				return usageError(errors.New("--concurrency, --duration, --lead-maps and --runs must be positive"))
			}
			if c.Preload < 0 || c.Rate < 0 || c.Owners < 0 {
				return usageError(errors.New("--preload, --rate and --owners must not be negative"))
			}
			if c.Owners > maxBenchOwners {
				return usageError(fmt.Errorf("--owners must be at most %d", maxBenchOwners))
			}
			if c.Servers < 1 || (c.Servers > 1 && !store.IsPostgres(m.DB)) {
				return usageError(errors.New("--servers must be 1, or more with a postgres:// --db (SQLite has one writer)"))
			}
			if c.Profile != "create" && c.Profile != "mixed" {
				return usageError(fmt.Errorf("--profile must be create or mixed, not %q", c.Profile))
			}
			return m.bench(cmd.Context(), c, cmd.Flags().Changed("db"))
		},
	}
	f := cmd.Flags()
	f.IntVar(&c.Concurrency, "concurrency", 64, "keep-alive connections sending requests at once")
	f.DurationVar(&c.Duration, "duration", 10*time.Second, "how long to drive each server in each run")
	f.IntVar(&c.LeadMaps, "lead-maps", 10000, "lead maps of the benchmark account; create-task cycles through them")
	f.IntVar(&c.Owners, "owners", 0, "team members who own the lead maps in turn, each with a default reminder an hour before the due time, as a SmartLead team's are (0: no owner)")
	f.BoolVar(&c.Reference, "reference", true, "also drive the reference handler that stores nothing")
	f.StringVar(&c.Profile, "profile", "create", "requests to send: create (create-task only) or mixed (70% list and get, 20% create, 10% complete)")
	f.IntVar(&c.Runs, "runs", 3, "runs of both servers; medians are printed")
	f.IntVar(&c.Preload, "preload", 0, "tasks to store first, spread over 1,000 accounts (0: start empty)")
	f.IntVar(&c.Rate, "rate", 0, "send this many requests a second on a fixed schedule instead of over --concurrency busy connections (0: as fast as answered)")
	f.StringVar(&c.Without, "without", "", "turn machinery off in the server, to measure what it pays: a comma-separated list of groupcommit, batchedrows (audit rows and timers a statement a row), daycounts (not written: the summary goes wrong), stmtcache, keycache, tidy (no upkeep when the writer is idle: SQLite's search-index merge, PostgreSQL's day-count merge)")
	f.IntVar(&c.Servers, "servers", 1, "servers to start on the one PostgreSQL database and share the load between")
	f.StringVar(&c.ProfileDir, "profile-dir", "", "write the server's CPU and allocation profiles (cpu.pprof, allocs.pprof) to this directory")
	return cmd
}

func (m *Main) bench(ctx context.Context, c benchConfig, dbGiven bool) error {
	tmp, err := os.MkdirTemp("", "taskbox-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if !dbGiven && !store.IsPostgres(m.DB) {
		m.DB = filepath.Join(tmp, "bench.db")
	}
	key, mapIDs, err := m.benchSetup(ctx, c.LeadMaps, c.Owners, c.Preload)
	if err != nil {
		return err
	}
	serveArgs := []string{"serve", "--db", m.DB, "--addr", "127.0.0.1:0", "--rate-limit", "0", "--log-format", "json"}
	if _, err := store.ParseWithout(c.Without); err != nil {
		return fmt.Errorf("--without: %w", err)
	}
	if c.Without != "" {
		// serve's hidden flag: the child leaves that machinery off.
		serveArgs = append(serveArgs, "--bench-without", c.Without)
	}
	real := &loadTarget{key: key, mapIDs: mapIDs}
	var servers []*child
	for i := range c.Servers {
		args, log := serveArgs, filepath.Join(tmp, fmt.Sprintf("server%d.log", i+1))
		if c.ProfileDir != "" && i == 0 {
			if err := os.MkdirAll(c.ProfileDir, 0o755); err != nil {
				return err
			}
			args = append(slices.Clip(args), "--cpuprofile", filepath.Join(c.ProfileDir, "cpu.pprof"),
				"--memprofile", filepath.Join(c.ProfileDir, "allocs.pprof"))
		}
		ch, err := startChild(ctx, log, nil, args...)
		if err != nil {
			return fmt.Errorf("start the server: %w", err)
		}
		defer ch.stop()
		servers = append(servers, ch)
		real.bases = append(real.bases, ch.base)
	}
	real.base = real.bases[0]
	targets := []*loadTarget{real}
	names := []string{"taskbox"}
	if c.Servers > 1 {
		names[0] = fmt.Sprintf("taskbox (%d servers)", c.Servers)
	}
	children := [][]*child{servers}
	if c.Reference {
		ref, err := startChild(ctx, filepath.Join(tmp, "reference.log"), []string{"TASKBOX_BENCH_KEY=" + key}, "bench-reference")
		if err != nil {
			return fmt.Errorf("start the reference: %w", err)
		}
		defer ref.stop()
		targets = append(targets, &loadTarget{base: ref.base, bases: []string{ref.base}, key: key, mapIDs: mapIDs})
		names = append(names, "reference (no storage)")
		children = append(children, []*child{ref})
	}
	load := fmt.Sprintf("%d connections", c.Concurrency)
	if c.Rate > 0 {
		load = fmt.Sprintf("%d requests a second", c.Rate)
	}
	fmt.Fprintf(m.Stdout, "%s profile, %s, %d runs of %s per server, database %s, GOMAXPROCS of the servers: %d CPUs\n",
		c.Profile, load, c.Runs, c.Duration, store.Redact(m.DB), cpus())
	if c.Without != "" {
		fmt.Fprintf(m.Stdout, "the server runs without: %s\n", c.Without)
	}
	if c.Profile == "mixed" {
		client := &http.Client{Timeout: 30 * time.Second}
		for _, t := range targets {
			if err := t.seedTasks(ctx, client, seedTasks); err != nil {
				return err
			}
		}
	}
	var deadlocks0 int64
	if store.IsPostgres(m.DB) {
		if deadlocks0, err = m.benchDeadlocks(ctx); err != nil {
			return err
		}
	}
	results := make([][]benchResult, len(targets))
	for run := 1; run <= c.Runs; run++ {
		for i, t := range targets {
			cpu0 := cpuTime(children[i])
			b0, r0 := t.writeBatches(ctx)
			var r benchResult
			if c.Rate > 0 {
				r, err = driveRate(ctx, t, c.Profile, c.Rate, c.Duration)
			} else {
				r, err = drive(ctx, t, c.Profile, c.Concurrency, c.Duration)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", names[i], err)
			}
			if cpu := cpuTime(children[i]) - cpu0; cpu > 0 {
				r.cpuPerReq = cpu / time.Duration(r.ok+r.errors)
			}
			if b1, r1 := t.writeBatches(ctx); b1 > b0 {
				r.batch = (r1 - r0) / (b1 - b0)
			}
			results[i] = append(results[i], r)
			fmt.Fprintf(m.Stdout, "run %d  %s\n", run, r.line(names[i]))
			if k := r.kindsLine(); k != "" {
				fmt.Fprintf(m.Stdout, "       by kind:%s\n", k)
			}
		}
	}
	rss := make([]string, len(children))
	for i, chs := range children {
		var each []string
		for _, ch := range chs {
			each = append(each, ch.peakRSS())
		}
		rss[i] = strings.Join(each, ", ")
	}
	m.benchSummary(names, results, rss)
	if store.IsPostgres(m.DB) {
		deadlocks1, err := m.benchDeadlocks(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "deadlocks PostgreSQL detected in the database during the runs: %d\n", deadlocks1-deadlocks0)
	}
	for _, chs := range children {
		for _, ch := range chs {
			if err := ch.stop(); err != nil {
				return err
			}
		}
	}
	if err := m.benchFootprint(ctx); err != nil {
		return err
	}
	if c.ProfileDir != "" {
		fmt.Fprintf(m.Stdout, "profiles of the server: %s\n", filepath.Join(c.ProfileDir, "{cpu,allocs}.pprof"))
	}
	return nil
}

// cpuTime is the CPU time the processes have used so far, together.
func cpuTime(chs []*child) time.Duration {
	var total time.Duration
	for _, ch := range chs {
		total += ch.cpuTime()
	}
	return total
}

// benchDeadlocks is how many deadlocks PostgreSQL has detected in the
// database so far.
func (m *Main) benchDeadlocks(ctx context.Context) (int64, error) {
	db, err := m.openDB(ctx)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return db.Deadlocks(ctx)
}

// writeBatches sums the group commit's counters over t's servers.
func (t *loadTarget) writeBatches(ctx context.Context) (batches, requests float64) {
	for _, base := range t.bases {
		b, r := writeBatches(ctx, base)
		batches, requests = batches+b, requests+r
	}
	return batches, requests
}

// writeBatches reads the group commit's counters from the server's
// /metrics (zeros from a server that has none, as the reference).
func writeBatches(ctx context.Context, base string) (batches, requests float64) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, 0
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), " ")
		v, _ := strconv.ParseFloat(value, 64)
		switch name {
		case "taskbox_write_batches_total":
			batches = v
		case "taskbox_write_batch_requests_total":
			requests = v
		}
	}
	return batches, requests
}

// benchSummary prints the medians, the same-run ratios and peak memory.
func (m *Main) benchSummary(names []string, results [][]benchResult, rss []string) {
	fmt.Fprintln(m.Stdout, "median of the runs:")
	for i, name := range names {
		fmt.Fprintf(m.Stdout, "       %s  peak RSS %s\n", median(results[i]).line(name), rss[i])
	}
	if len(results) < 2 {
		return
	}
	var rps, p99 []benchResult // ratios, carried in the rps field
	for run := range results[0] {
		real, ref := results[0][run], results[1][run]
		rps = append(rps, benchResult{rps: real.rps / ref.rps})
		p99 = append(p99, benchResult{rps: float64(real.p99) / float64(max(ref.p99, 1))})
	}
	fmt.Fprintf(m.Stdout, "taskbox / reference in the same run (median of %d): %.2f of the throughput, %.1fx the p99\n",
		len(rps), median(rps).rps, median(p99).rps)
}

// benchSetup makes the benchmark account in the database, stores preload
// tasks in other accounts, and closes it again, for the server to open.
func (m *Main) benchSetup(ctx context.Context, leadMaps, owners, preload int) (string, []int64, error) {
	db, err := m.openDB(ctx)
	if err != nil {
		return "", nil, err
	}
	defer db.Close()
	key, ids, err := benchAccount(ctx, db, leadMaps)
	if err != nil {
		return "", nil, err
	}
	if err := benchOwners(ctx, db, key, ids, owners); err != nil {
		return "", nil, err
	}
	return key, ids, benchPreload(ctx, db, preload, m.Stdout)
}

// benchFootprint prints the bytes on disk per stored task, once the
// server has stopped.
func (m *Main) benchFootprint(ctx context.Context) error {
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := db.Footprint(ctx)
	if err != nil || f.Tasks == 0 {
		return err
	}
	fmt.Fprintf(m.Stdout, "stored: %d tasks in %.1f MB, %d bytes a task with its audit row, timer and indexes\n",
		f.Tasks, float64(f.Bytes)/1e6, f.Bytes/f.Tasks)
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

// maxBenchOwners bounds --owners: a team, not a directory.
const maxBenchOwners = 100

// benchOwners adds n team members to the account of key, each with a
// default reminder an hour before the due time, and makes them the owners
// of the lead maps in turn, so that each create takes the path a SmartLead
// team's does: the lead's owner becomes the assignee and its default
// reminders the task's. The owners are set from several goroutines at once,
// which the group commit gathers.
func benchOwners(ctx context.Context, db *store.DB, key string, mapIDs []int64, n int) error {
	if n == 0 {
		return nil
	}
	actor, err := db.Authenticate(ctx, key)
	if err != nil {
		return err
	}
	actx := taskbox.NewContextWithActor(ctx, actor)
	reminders := []string{"PT1H"}
	members := make([]int64, n)
	for i := range members {
		created, err := db.CreateMember(actx, taskbox.NewMember{Name: fmt.Sprintf("Owner %d", i+1), Role: taskbox.RoleMember})
		if err != nil {
			return err
		}
		members[i] = created.Member.ID
		if _, err := db.UpdateMember(actx, members[i], &taskbox.MemberUpdate{DefaultReminders: &reminders}); err != nil {
			return err
		}
	}
	var g errgroup.Group
	g.SetLimit(32)
	for i, id := range mapIDs {
		g.Go(func() error {
			_, err := db.UpdateTeamMember(actx, id, members[i%n])
			return err
		})
	}
	return g.Wait()
}

// child is a server that bench runs as a process of this binary.
type child struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	log  string
	done chan error
}

// startChild runs this binary with args and waits until it says where it
// listens ("listening on http://…" on stdout). Its stderr goes to logPath.
func startChild(ctx context.Context, logPath string, env []string, args ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, log: logPath, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, a, ok := strings.Cut(sc.Text(), "listening on http://"); ok {
				addr <- a
			}
		}
		_, _ = io.Copy(io.Discard, out)
		c.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		c.base = "http://" + a
		return c, nil
	case err := <-c.done:
		return nil, fmt.Errorf("%s exited (%v) before listening: %s", args[0], err, tail(logPath))
	case <-time.After(60 * time.Second):
		c.stop()
		return nil, fmt.Errorf("%s did not listen within a minute: %s", args[0], tail(logPath))
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
}

// stop ends the child with SIGTERM, as an operator would, and waits for
// it; stopping twice is harmless.
func (c *child) stop() error {
	if c.done == nil {
		return nil
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	var err error
	select {
	case err = <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		err = <-c.done
	}
	c.done = nil
	if err != nil {
		return fmt.Errorf("%s: %v: %s", c.cmd.Args[1], err, tail(c.log))
	}
	return nil
}

// peakRSS is the child's peak resident memory so far, VmHWM of
// /proc/PID/status (Linux): the whole process, Go heap, stacks, SQLite's
// page cache and the binary's mapped pages alike.
func (c *child) peakRSS() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			if _, err := fmt.Sscan(v, &kb); err == nil {
				return fmt.Sprintf("%.1f MB", float64(kb)/1024)
			}
		}
	}
	return "unknown"
}

// cpuTime is the CPU time the child has used so far (user and system,
// from /proc/PID/stat, in clock ticks of 10 ms); 0 where unknown.
func (c *child) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: state is
	// the first, utime the 12th and stime the 13th.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0
	}
	var user, sys int64
	fmt.Sscan(f[11], &user)
	fmt.Sscan(f[12], &sys)
	return time.Duration(user+sys) * 10 * time.Millisecond
}

// tail is the end of a log file, for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// benchReferenceCommand serves the reference handler for bench; hidden,
// since nobody else needs it.
func (m *Main) benchReferenceCommand() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:    "bench-reference",
		Short:  "Serve the no-storage reference handler of bench (key in TASKBOX_BENCH_KEY)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			key := os.Getenv("TASKBOX_BENCH_KEY")
			if key == "" {
				return errors.New("TASKBOX_BENCH_KEY is not set")
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			srv := &http.Server{Handler: httpapi.ReferenceHandler(key, time.UTC), ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(m.Stdout, "reference listening on http://%s\n", ln.Addr())
			go func() {
				<-cmd.Context().Done()
				srv.Close()
			}()
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on")
	return cmd
}
