package main

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/taskboxhq/taskbox/internal/store"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// taskbox bench, briefly, on the test run's backend: both servers of every
// run answer without an error, the summary gives medians, peak memory and
// the same-run ratio, and --profile-dir leaves readable profiles.
func TestBench(t *testing.T) {
	t.Parallel()
	for _, profile := range []string{"create", "mixed"} {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			res := mustRunCLI(t, "bench", "--profile", profile, "--duration", "500ms", "--runs", "2", "--lead-maps", "50",
				"--concurrency", "8", "--profile-dir", dir, "--db", backendDB(t))
			out := res.Stdout
			run := regexp.MustCompile(`(?m)^run [12]  (taskbox|reference \(no storage\)) +\d+ req/s .* \d+ ok  0 errors  CPU +\d+ µs/req(  batch \d+\.\d)?$`)
			if n := len(run.FindAllString(out, -1)); n != 4 {
				t.Errorf("%d run lines without errors, want 4 (2 runs of 2 servers):\n%s", n, out)
			}
			// The real server's lines give its mean group-commit batch.
			if n := len(regexp.MustCompile(`(?m)^run [12]  taskbox .* batch \d+\.\d$`).FindAllString(out, -1)); n != 2 {
				t.Errorf("%d taskbox run lines with the mean batch, want 2:\n%s", n, out)
			}
			if !regexp.MustCompile(`(?m)^ +taskbox .* peak RSS \d+\.\d MB$`).MatchString(out) ||
				!regexp.MustCompile(`taskbox / reference in the same run \(median of 2\): \d\.\d\d of the throughput, \d+\.\dx the p99`).MatchString(out) {
				t.Errorf("no summary with peak RSS and ratios:\n%s", out)
			}
			for _, f := range []string{"cpu.pprof", "allocs.pprof"} {
				if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
					t.Errorf("profile %s: %v", f, err)
				}
			}
			if strings.Contains(out+res.Stderr, "tbx_") {
				t.Errorf("bench printed an API key:\n%s%s", out, res.Stderr)
			}
		})
	}
}

// bench --preload stores tasks over 1,000 accounts first and ends with the
// bytes a task takes on disk; --rate sends on a fixed schedule and the
// lines end with the slowest answer.
func TestBench_PreloadAndRate(t *testing.T) {
	t.Parallel()
	res := mustRunCLI(t, "bench", "--preload", "2000", "--rate", "40", "--duration", "500ms", "--runs", "1",
		"--lead-maps", "20", "--db", backendDB(t))
	out := res.Stdout
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^preloaded 2000 tasks over 1000 accounts in `),
		regexp.MustCompile(`(?m)^tidied the database \(the search index's merge on SQLite\) in \d+s$`),
		regexp.MustCompile(`(?m)^create profile, 40 requests a second, 1 runs of 500ms per server`),
		regexp.MustCompile(`(?m)^run 1  taskbox +\d+ req/s .* max +\d+\.\d\d ms +20 ok  0 errors`),
		regexp.MustCompile(`(?m)^stored: 2020 tasks in \d+\.\d MB, \d+ bytes a task with its audit row, timer and indexes$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("no line matching %s:\n%s", want, out)
		}
	}
}

// bench --without reaches its child server through serve's hidden
// --bench-without: with daycounts off, the tasks the run created left no
// row in task_day_counts. An unknown name is refused before the run.
func TestBench_Without(t *testing.T) {
	t.Parallel()
	dsn := backendDB(t)
	res := mustRunCLI(t, "bench", "--without", "daycounts", "--reference=false", "--duration", "300ms", "--runs", "1",
		"--lead-maps", "5", "--concurrency", "2", "--db", dsn)
	if !strings.Contains(res.Stdout, "the server runs without: daycounts\n") {
		t.Errorf("bench does not say what the server runs without:\n%s", res.Stdout)
	}
	db := &testdb.DB{DSN: dsn}
	if n := db.Count(t, "tasks"); n == 0 {
		t.Fatalf("the run created no task:\n%s", res.Stdout)
	}
	if n := db.Count(t, "task_day_counts"); n != 0 {
		t.Errorf("%d rows of task_day_counts after a run without daycounts, want 0", n)
	}

	bad := runCLI(t, nil, "bench", "--without", "daycounts,cache", "--reference=false", "--runs", "1", "--lead-maps", "1", "--db", backendDB(t))
	if bad.Code == 0 || !strings.Contains(bad.Stderr, `unknown machinery "cache"`) {
		t.Errorf("bench --without daycounts,cache: exit %d\n%s", bad.Code, bad.Stderr)
	}
}

// bench --owners makes team members, each with a default reminder, the
// owners of the lead maps in turn, so that every task the run creates is
// assigned to its lead's owner and carries the owner's reminder. A negative
// count is a usage error.
func TestBench_Owners(t *testing.T) {
	t.Parallel()
	dsn := backendDB(t)
	res := mustRunCLI(t, "bench", "--owners", "3", "--reference=false", "--duration", "300ms", "--runs", "1",
		"--lead-maps", "7", "--concurrency", "2", "--db", dsn)
	db := &testdb.DB{DSN: dsn}
	if n := db.Count(t, "tasks"); n == 0 {
		t.Fatalf("the run created no task:\n%s", res.Stdout)
	}
	if n := db.Int(t, `SELECT COUNT(DISTINCT team_member_id) FROM lead_maps`); n != 3 {
		t.Errorf("the lead maps have %d owners, want 3", n)
	}
	if n := db.Count(t, "lead_maps WHERE team_member_id IS NULL"); n != 0 {
		t.Errorf("%d lead maps without an owner", n)
	}
	if n := db.Count(t, "tasks t JOIN lead_maps lm ON lm.id = t.lead_map_id WHERE t.assignee_id IS NULL OR t.assignee_id <> lm.team_member_id"); n != 0 {
		t.Errorf("%d tasks not assigned to their lead's owner", n)
	}
	if n := db.Count(t, `tasks WHERE reminders IS NULL OR reminders <> '["PT1H"]'`); n != 0 {
		t.Errorf("%d tasks without their owner's default reminder", n)
	}

	bad := runCLI(t, nil, "bench", "--owners", "-1", "--runs", "1", "--lead-maps", "1", "--db", backendDB(t))
	if bad.Code != exitUsage || !strings.Contains(bad.Stderr, "--owners") {
		t.Errorf("bench --owners -1: exit %d\n%s", bad.Code, bad.Stderr)
	}
}

// serve without the hidden --bench-without runs every piece of machinery
// (a create writes its day count); with it, it leaves off what it names;
// an unknown name is a usage error; and --help does not show the flag.
func TestServe_BenchWithout(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args      []string
		dayCounts bool
	}{
		{nil, true},
		{[]string{"--bench-without", "daycounts"}, false},
	} {
		dsn := backendDB(t)
		s := startServer(t, dsn, append([]string{"--demo"}, tc.args...)...)
		s.expect(t, http.StatusOK, "POST", withKey(createTaskPath, s.Key), sourceRequest)
		s.stopCleanly(t)
		if n := (&testdb.DB{DSN: dsn}).Count(t, "task_day_counts"); (n > 0) != tc.dayCounts {
			t.Errorf("serve %v: %d rows of task_day_counts after a create, want some: %v", tc.args, n, tc.dayCounts)
		}
	}
	bad := runCLI(t, nil, "serve", "--addr", "127.0.0.1:0", "--db", backendDB(t), "--bench-without", "cache")
	if bad.Code != exitUsage || !strings.Contains(bad.Stderr, "--bench-without") || !strings.Contains(bad.Stderr, `unknown machinery "cache"`) {
		t.Errorf("serve --bench-without cache: exit %d\n%s", bad.Code, bad.Stderr)
	}
	if help := mustRunCLI(t, "serve", "--help"); strings.Contains(help.Stdout, "bench-without") {
		t.Errorf("serve --help shows the hidden --bench-without:\n%s", help.Stdout)
	}
}

// bench --servers 2 on PostgreSQL starts two servers on the one database,
// shares the connections between them and reports them as one, with both
// peak memories and the deadlocks PostgreSQL saw; on SQLite, whose one
// writer is one process's, it is a usage error.
func TestBench_Servers(t *testing.T) {
	t.Parallel()
	db := backendDB(t)
	if !store.IsPostgres(db) {
		res := runCLI(t, nil, "bench", "--servers", "2", "--db", db)
		if res.Code != 2 || !strings.Contains(res.Stderr, "--servers must be 1, or more with a postgres:// --db") {
			t.Fatalf("bench --servers 2 on SQLite: exit %d, stderr %q", res.Code, res.Stderr)
		}
		return
	}
	res := mustRunCLI(t, "bench", "--servers", "2", "--profile", "mixed", "--duration", "500ms", "--runs", "1",
		"--lead-maps", "20", "--concurrency", "8", "--db", db)
	out := res.Stdout
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^run 1  taskbox \(2 servers\) +\d+ req/s .* \d+ ok  0 errors  CPU +\d+ µs/req  batch \d+\.\d$`),
		regexp.MustCompile(`(?m)^ +taskbox \(2 servers\) .* peak RSS \d+\.\d MB, \d+\.\d MB$`),
		regexp.MustCompile(`(?m)^deadlocks PostgreSQL detected in the database during the runs: \d+$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("no line matching %s:\n%s", want, out)
		}
	}
}
