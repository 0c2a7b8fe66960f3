package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

// importRun is the --json summary of an import.
type importRun struct {
	Rows              int    `json:"rows"`
	Imported          int    `json:"imported"`
	AlreadyImported   int    `json:"already_imported"`
	Rejected          int    `json:"rejected"`
	Batches           int    `json:"batches"`
	AlreadyInCampaign *int   `json:"already_in_campaign"`
	Duplicates        *int   `json:"duplicates"`
	RejectsFile       string `json:"rejects_file"`
}

func runImport(t *testing.T, env []string, wantCode int, args ...string) importRun {
	t.Helper()
	res := runCLI(t, env, append(args, "--json")...)
	var run importRun
	if res.Code != wantCode || json.Unmarshal([]byte(res.Stdout), &run) != nil {
		t.Fatalf("taskbox %s: exit %d (want %d)\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.Code, wantCode, res.Stdout, res.Stderr)
	}
	return run
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readRejects reads a rejects file: line number → reason.
func readRejects(t *testing.T, path string) map[int]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1 // a rejected row keeps its own number of fields
	recs, err := cr.ReadAll()
	if err != nil || len(recs) == 0 || recs[0][0] != "line" || recs[0][1] != "reason" {
		t.Fatalf("rejects file %s: %v %v", path, recs, err)
	}
	out := map[int]string{}
	for _, r := range recs[1:] {
		n, _ := strconv.Atoi(r[0])
		out[n] = r[1]
	}
	return out
}

func apiClient(t *testing.T, s *server) *client.Client {
	t.Helper()
	c, err := client.New(s.URL, s.Key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func countAll(t *testing.T, c *client.Client) []*taskbox.Task {
	t.Helper()
	var tasks []*taskbox.Task
	for task, err := range c.AllTasks(context.Background(), taskbox.TaskFilter{Status: "all", Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
	}
	return tasks
}

// A leads file and a tasks file with good and bad rows, each imported
// twice: the bad rows are rejected with their reasons, the second run
// creates nothing.
func TestImportGoodAndBadRowsTwice(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	ctx := context.Background()
	c := apiClient(t, s)
	q4, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Q4"})
	if err != nil {
		t.Fatal(err)
	}
	q1, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Q1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: q1.ID, Leads: []taskbox.LeadInput{{Email: "both@example.com"}}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	leads := writeFile(t, filepath.Join(dir, "leads.csv"), "\uFEFFEmail,first_name,company_name,Tier\n"+
		"ada@example.com,Ada,Analytical,gold\n"+ // line 2
		"not-an-email,X,,\n"+ // 3: rejected
		"grace@example.com,Grace,\"Navy, US\",\n"+ // 4
		"both@example.com,Both,,\n"+ // 5: also in Q1
		"short,row\n"+ // 6: rejected
		"GRACE@example.com,Again,,\n"+ // 7: a duplicate, counted by the server
		"long@example.com,"+strings.Repeat("x", 2001)+",,\n") // 8: rejected
	campaign := strconv.FormatInt(q4.ID, 10)
	first := runImport(t, env, exitRejects, "import", "leads", leads, "--campaign", campaign)
	if first.Rows != 7 || first.Imported != 3 || first.Rejected != 3 || *first.Duplicates != 1 || first.RejectsFile != filepath.Join(dir, "leads.rejects.csv") {
		t.Fatalf("first leads import: %+v", first)
	}
	rej := readRejects(t, first.RejectsFile)
	if !strings.Contains(rej[3], "valid email") || !strings.Contains(rej[6], "2 fields") || !strings.Contains(rej[8], "first_name: must be at most 2000") || len(rej) != 3 {
		t.Errorf("leads rejects: %v", rej)
	}
	lead, err := c.FindLeadByEmail(ctx, "ada@example.com")
	if err != nil || *lead.FirstName != "Ada" || *lead.CompanyName != "Analytical" || lead.CustomFields["Tier"] != "gold" {
		t.Fatalf("imported lead: %+v, %v", lead, err)
	}
	second := runImport(t, env, exitRejects, "import", "leads", leads, "--campaign", campaign)
	if second.Imported != 0 || second.AlreadyImported != 4 || second.Rejected != 3 {
		t.Fatalf("second leads import: %+v", second)
	}
	page, err := c.ListLeadMaps(ctx, q4.ID, 0, 100)
	if err != nil || page.TotalLeads != 3 {
		t.Fatalf("campaign holds %d leads after two imports (%v), want 3", page.TotalLeads, err)
	}

	rejects := filepath.Join(dir, "tasks-rejected.csv")
	tasks := writeFile(t, filepath.Join(dir, "tasks.csv"), "email,email_lead_map_id,name,description,priority,due_date\n"+
		"ada@example.com,,Call Ada,about pricing,HIGH,2026-01-05\n"+ // 2
		"grace@example.com,,,,,\n"+ // 3: no name
		"nobody@example.com,,Ghost,,,\n"+ // 4: unknown email
		"both@example.com,,Ambiguous,,,\n"+ // 5: in two campaigns
		"ada@example.com,,Bad priority,,URGENT,\n"+ // 6
		"ada@example.com,,Bad date,,,next Tuesday\n"+ // 7
		",999999999,Unknown map,,,\n"+ // 8: refused by the server
		",abc,Bad id,,,\n"+ // 9
		"grace@example.com,,Send deck,,LOW,2026-01-07T10:00:00+01:00\n") // 10
	run := runImport(t, env, exitRejects, "import", "tasks", tasks, "--rejects", rejects)
	if run.Rows != 9 || run.Imported != 2 || run.Rejected != 7 || run.RejectsFile != rejects {
		t.Fatalf("first tasks import: %+v", run)
	}
	rej = readRejects(t, rejects)
	for line, want := range map[int]string{3: "name: must not be blank", 4: "no lead with this email", 5: "choose one with --campaign",
		6: "priority: must be one of", 7: "due_date: must be an ISO 8601", 8: "no such lead map", 9: "email_lead_map_id: must be an integer"} {
		if !strings.Contains(rej[line], want) {
			t.Errorf("rejects line %d: %q, want %q", line, rej[line], want)
		}
	}
	again := runImport(t, env, exitRejects, "import", "tasks", tasks, "--rejects", rejects)
	if again.Imported != 0 || again.AlreadyImported != 2 || again.Rejected != 7 {
		t.Fatalf("second tasks import: %+v", again)
	}
	// --campaign settles the ambiguous lead; the rows already imported are
	// in another batch now, so only an exact rerun replays.
	all := countAll(t, c)
	if len(all) != 2 {
		t.Fatalf("%d tasks after two imports, want 2", len(all))
	}
	names := map[string]bool{}
	for _, task := range all {
		names[task.Name] = true
	}
	if !names["Call Ada"] || !names["Send deck"] {
		t.Errorf("imported tasks %v", names)
	}
	good := writeFile(t, filepath.Join(dir, "good.csv"), "email,name\nboth@example.com,Pick Q1\n")
	if run := runImport(t, env, exitOK, "import", "tasks", good, "--campaign", strconv.FormatInt(q1.ID, 10)); run.Imported != 1 {
		t.Fatalf("import with --campaign: %+v", run)
	}
	if _, err := os.Stat(filepath.Join(dir, "good.rejects.csv")); !os.IsNotExist(err) {
		t.Errorf("an import without rejects left a rejects file (%v)", err)
	}
	// The human summary.
	res := runCLI(t, env, "import", "tasks", good, "--campaign", strconv.FormatInt(q1.ID, 10))
	if res.Code != 0 || !strings.Contains(res.Stdout, "1 row read, 0 imported, 1 already imported") {
		t.Errorf("summary: exit %d\n%s\n%s", res.Code, res.Stdout, res.Stderr)
	}
}

// An import stopped after some batches, run again over the whole file,
// creates only the rest: the first batches have the same rows at the same
// lines, so the same keys, wherever the file lives.
func TestImportResumesWithoutDuplicates(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	c := apiClient(t, s)
	ctx := context.Background()
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Resume"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID, Leads: []taskbox.LeadInput{{Email: "ada@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("email_lead_map_id,name,priority\n")
	for i := range 250 {
		fmt.Fprintf(&b, "%d,task %d,HIGH\n", res.Leads[0].LeadMapID, i)
	}
	full := b.String()
	cut := strings.Join(strings.SplitAfter(full, "\n")[:201], "") // the header and the first two batches of 100
	partial := writeFile(t, filepath.Join(t.TempDir(), "partial.csv"), cut)
	whole := writeFile(t, filepath.Join(t.TempDir(), "elsewhere.csv"), full)
	if run := runImport(t, env, exitOK, "import", "tasks", partial, "--batch-size", "100"); run.Imported != 200 {
		t.Fatalf("interrupted run: %+v", run)
	}
	run := runImport(t, env, exitOK, "import", "tasks", whole, "--batch-size", "100")
	if run.Imported != 50 || run.AlreadyImported != 200 || run.Batches != 3 {
		t.Fatalf("resumed run: %+v", run)
	}
	if n := len(countAll(t, c)); n != 250 {
		t.Fatalf("%d tasks, want 250", n)
	}
}

// Without a terminal, progress is plain lines and the summary ends the run.
func TestImportProgressLines(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	res := runCLI(t, env, "import", "leads", writeFile(t, filepath.Join(t.TempDir(), "x.csv"), "name\nada\n"), "--campaign", "1")
	if res.Code != exitNotFound {
		t.Errorf("import into a missing campaign: exit %d, want %d: %s", res.Code, exitNotFound, res.Stderr)
	}
	c := apiClient(t, s)
	camp, err := c.CreateCampaign(context.Background(), &taskbox.CampaignCreate{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	expectCode(t, env, exitFailure, "no email column", "import", "leads", writeFile(t, filepath.Join(t.TempDir(), "x.csv"), "name\nada\n"), "--campaign", strconv.FormatInt(camp.ID, 10))
	expectCode(t, env, exitUsage, "--batch-size", "import", "tasks", "x.csv", "--batch-size", "1001")
}

// A spreadsheet's export: semicolons, headers in words, a lower-case
// priority, Windows line ends.
func TestImportHeaderNamesAndDelimiter(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	c := apiClient(t, s)
	ctx := context.Background()
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Sheet"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	leads := writeFile(t, filepath.Join(dir, "leads.csv"), "E-mail;First Name; Company-Name ;Deal Size\r\nada@example.com;Ada;Analytical;50 seats\r\n")
	expectCode(t, env, exitFailure, "no email column", "import", "leads", leads, "--campaign", strconv.FormatInt(camp.ID, 10), "--delimiter", ";")
	leads = writeFile(t, filepath.Join(dir, "leads.csv"), "Email;First Name; Company-Name ;Deal Size\r\nada@example.com;Ada;Analytical;50 seats\r\n")
	if run := runImport(t, env, exitOK, "import", "leads", leads, "--campaign", strconv.FormatInt(camp.ID, 10), "--delimiter", ";"); run.Imported != 1 {
		t.Fatalf("leads import: %+v", run)
	}
	lead, err := c.FindLeadByEmail(ctx, "ada@example.com")
	if err != nil || lead.FirstName == nil || *lead.FirstName != "Ada" || lead.CompanyName == nil || *lead.CompanyName != "Analytical" || lead.CustomFields["Deal Size"] != "50 seats" {
		t.Fatalf("lead %+v, %v", lead, err)
	}
	tasks := writeFile(t, filepath.Join(dir, "tasks.tsv"), "Email\tName\tPriority\tDue Date\r\nada@example.com\tCall\thigh\t2026-01-05\r\n")
	if run := runImport(t, env, exitOK, "import", "tasks", tasks, "--delimiter", `\t`); run.Imported != 1 {
		t.Fatalf("tasks import: %+v", run)
	}
	all := countAll(t, c)
	if len(all) != 1 || all[0].Priority != taskbox.PriorityHigh || all[0].Due == nil || all[0].Due.String() != "2026-01-05" {
		t.Fatalf("imported %+v", all)
	}
	expectCode(t, env, exitUsage, "--delimiter must be one character", "import", "tasks", tasks, "--delimiter", ";;")
}

// An import stopped by Ctrl-C in the middle of the file, then run again,
// leaves every row imported exactly once.
func TestImportInterruptedBySignal(t *testing.T) {
	t.Parallel()
	s := startServer(t, backendDB(t))
	env := remoteEnv(t, s)
	c := apiClient(t, s)
	ctx := context.Background()
	camp, err := c.CreateCampaign(ctx, &taskbox.CampaignCreate{Name: "Signal"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: camp.ID, Leads: []taskbox.LeadInput{{Email: "ada@example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	const rows = 3000
	var b strings.Builder
	b.WriteString("email_lead_map_id,name\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,task %d\n", res.Leads[0].LeadMapID, i)
	}
	path := writeFile(t, filepath.Join(t.TempDir(), "big.csv"), b.String())
	noDue := func() int {
		sum, err := c.Summarize(ctx, nil, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return sum.NoDueDate
	}

	cmd := exec.Command(taskboxBinary(t), "import", "tasks", path, "--batch-size", "50", "--json")
	cmd.Env = environ(env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); noDue() < 300; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the import created %d tasks in 30s", noDue())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var run importRun
	if err == nil || json.Unmarshal(stdout.Bytes(), &run) != nil || !strings.Contains(stderr.String(), "interrupted") || run.Rows >= rows {
		t.Fatalf("interrupted import: %v, %+v\nstdout: %s\nstderr: %s", err, run, stdout.String(), stderr.String())
	}
	if n := noDue(); n >= rows {
		t.Fatalf("the interrupted run created all %d tasks; interrupt earlier", n)
	}
	again := runImport(t, env, exitOK, "import", "tasks", path, "--batch-size", "50")
	if again.AlreadyImported == 0 || again.Imported+again.AlreadyImported != rows {
		t.Fatalf("resumed import: %+v", again)
	}
	if n := noDue(); n != rows {
		t.Fatalf("%d tasks after the resumed import, want %d", n, rows)
	}
}
