package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
	"github.com/taskboxhq/taskbox/internal/httpapi"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// BenchmarkImportTasksMemory imports a generated tasks file of 10,000 rows
// and then one of TASKBOX_IMPORT_ROWS rows (default 1,000,000) with the
// built binary against a real server, and reports the importing process's
// peak RSS for each: an import that streams keeps it flat. Half the rows
// name their lead by email (100 leads, resolved through the server and
// cached), half by email_lead_map_id.
//
//	go test ./cmd/taskbox -run '^$' -bench ImportTasksMemory -benchtime 1x
func BenchmarkImportTasksMemory(b *testing.B) {
	big := 1_000_000
	if v := os.Getenv("TASKBOX_IMPORT_ROWS"); v != "" {
		big, _ = strconv.Atoi(v)
	}
	bin := buildForBench(b)
	tdb := testdb.Open(b)
	api := &httpapi.Server{Accounts: tdb.DB, Campaigns: tdb.DB, Leads: tdb.DB, Tasks: tdb.DB, Inbox: tdb.DB, DB: tdb.DB,
		Logger: slog.New(slog.DiscardHandler)}
	srv := httptest.NewServer(api.Handler())
	b.Cleanup(srv.Close)
	ctx := context.Background()
	_, key, err := tdb.CreateAccount(ctx, taskbox.NewAccount{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.New(srv.URL, key.Secret)
	if err != nil {
		b.Fatal(err)
	}
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	u := &taskbox.LeadUpload{CampaignID: camp.ID}
	for i := range 100 {
		u.Leads = append(u.Leads, taskbox.LeadInput{Email: fmt.Sprintf("lead%d@example.com", i)})
	}
	res, err := c.AddLeads(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for b.Loop() {
		for _, n := range []int{10_000, big} {
			path := filepath.Join(dir, fmt.Sprintf("tasks-%d.csv", n))
			writeTasksCSV(b, path, n, res.Leads)
			start := time.Now()
			cmd := exec.Command(bin, "import", "tasks", path, "--json")
			// gctrace reports the heap at the start of every collection:
			// its largest value is the peak heap.
			cmd.Env = environ("TASKBOX_URL="+srv.URL, "TASKBOX_API_KEY="+key.Secret, "XDG_CONFIG_HOME="+dir, "GODEBUG=gctrace=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				b.Fatalf("import of %d rows: %v\n%s\n%s", n, err, out, stderr.Bytes())
			}
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
			heap, gcs := peakHeap(stderr.String())
			b.Logf("%d rows in %v: importer's peak RSS %.1f MiB, peak heap %d MB over %d GCs; %s",
				n, time.Since(start).Round(time.Millisecond), float64(rss)/1024, heap, gcs, out)
			b.ReportMetric(float64(rss)/1024, fmt.Sprintf("MiB-peak-RSS-%d-rows", n))
			b.ReportMetric(float64(heap), fmt.Sprintf("MB-peak-heap-%d-rows", n))
		}
	}
}

var gcTraceRE = regexp.MustCompile(`(\d+)->(\d+)->(\d+) MB`)

// peakHeap reads GODEBUG=gctrace=1 lines: the largest heap at a
// collection's start, in MB, and the number of collections.
func peakHeap(trace string) (peak, gcs int) {
	for _, m := range gcTraceRE.FindAllStringSubmatch(trace, -1) {
		gcs++
		if v, _ := strconv.Atoi(m[1]); v > peak {
			peak = v
		}
	}
	return peak, gcs
}

func writeTasksCSV(b *testing.B, path string, n int, leads []taskbox.UploadedLead) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "email,email_lead_map_id,name,description,priority,due_date")
	prios := []string{"LOW", "MEDIUM", "HIGH", ""}
	for i := range n {
		l := leads[i%len(leads)]
		if i%2 == 0 {
			fmt.Fprintf(w, "%s,,Follow up %d of %d,Row %d of the benchmark,%s,2026-%02d-%02d\n", l.Email, i, n, i, prios[i%4], i%12+1, i%28+1)
		} else {
			fmt.Fprintf(w, ",%d,Call back %d of %d,,%s,\n", l.LeadMapID, i, n, prios[i%4])
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// buildForBench builds the binary (without -race: the figure is the
// program's own).
func buildForBench(b *testing.B) string {
	path := filepath.Join(b.TempDir(), "taskbox")
	out, err := exec.Command("go", "build", "-buildvcs=false", "-o", path, ".").CombinedOutput()
	if err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}
