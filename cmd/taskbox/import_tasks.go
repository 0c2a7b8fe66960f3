package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

func (m *Main) importTasksCommand(r *remote) *cobra.Command {
	var (
		f        importFlags
		campaign int64
	)
	cmd := &cobra.Command{
		Use:   "tasks FILE.csv [--campaign ID]",
		Short: "Import tasks from a CSV file through bulk-create",
		Long: `Import tasks from a CSV file with a header row. Columns: email_lead_map_id
or email (the lead's; a lead in several campaigns needs --campaign), name
(required), description, priority (LOW, MEDIUM, HIGH, in any case), due_date
(as the API takes it). A header cell's case, surrounding spaces, and
spaces or hyphens for underscores do not matter ("Due Date" is due_date).
Other columns are ignored. Rows are checked as the server checks them and
sent in batches of up to 1000 through bulk-create; a row the server still
refuses goes to the rejects file and the rest of its batch is sent again.
An unknown email or lead map is a rejected row.` + "\n" + importHelp + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.BatchSize < 1 || f.BatchSize > taskbox.MaxBulk {
				return usageError(fmt.Errorf("--batch-size must be from 1 to %d", taskbox.MaxBulk))
			}
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			return m.importTasks(cmd.Context(), r, cl, args[0], f, campaign)
		},
	}
	f.add(cmd, taskbox.MaxBulk)
	cmd.Flags().Int64Var(&campaign, "campaign", 0, "the campaign whose lead map an email names, for leads in several campaigns")
	return cmd
}

// taskRow is a row ready to send.
type taskRow struct {
	row
	create *taskbox.TaskCreate
}

// taskImport is the state of one run of import tasks.
type taskImport struct {
	cl       *client.Client
	src      *csvSource
	rejects  *rejectsFile
	sum      *importSummary
	campaign int64
	leads    *leadCache
}

func (m *Main) importTasks(ctx context.Context, r *remote, cl *client.Client, path string, f importFlags, campaign int64) error {
	delim, err := f.delimiter()
	if err != nil {
		return err
	}
	src, err := openCSV(path, delim)
	if err != nil {
		return err
	}
	defer src.file.Close()
	if _, ok := src.cols["name"]; !ok {
		return fmt.Errorf("%s: the header has no name column", path)
	}
	_, byID := src.cols["email_lead_map_id"]
	if _, byEmail := src.cols["email"]; !byID && !byEmail {
		return fmt.Errorf("%s: the header has neither an email nor an email_lead_map_id column", path)
	}
	if f.Rejects == "" {
		f.Rejects = defaultRejectsPath(path)
	}
	rejects, err := createRejects(f.Rejects, src.header)
	if err != nil {
		return err
	}
	ti := &taskImport{cl: cl, src: src, rejects: rejects, campaign: campaign, leads: newLeadCache(),
		sum: &importSummary{Kind: "tasks", File: path}}
	return m.finishImport(r, ti.sum, rejects, ti.run(ctx, m.newProgress(src, "tasks"), f.BatchSize))
}

func (ti *taskImport) run(ctx context.Context, p *progress, size int) error {
	return importBatches(ctx, ti.src, ti.sum, ti.rejects, p, size, func(ctx context.Context, r row) (taskRow, string, error) {
		c, reason, err := ti.taskOf(ctx, r)
		return taskRow{r, c}, reason, err
	}, ti.send)
}

func (ti *taskImport) reject(r row, reason string) error {
	ti.sum.Rejected++
	return ti.rejects.add(r, reason)
}

// taskOf builds and checks the create body of a row; reason says why the
// row cannot be sent. err is a failure of the server, which stops the run.
func (ti *taskImport) taskOf(ctx context.Context, r row) (c *taskbox.TaskCreate, reason string, err error) {
	s := ti.src
	c = &taskbox.TaskCreate{Name: s.cell(r, "name"), Priority: taskbox.Priority(strings.ToUpper(s.cell(r, "priority")))}
	if v := s.cell(r, "description"); v != "" {
		c.Description = &v
	}
	if v := s.cell(r, "due_date"); v != "" {
		c.DueDate = &v
	}
	switch id, email := s.cell(r, "email_lead_map_id"), s.cell(r, "email"); {
	case id != "":
		if c.LeadMapID, err = strconv.ParseInt(id, 10, 64); err != nil || c.LeadMapID <= 0 {
			return nil, "email_lead_map_id: must be an integer greater than 0", nil
		}
	case email != "":
		if c.LeadMapID, reason, err = ti.leads.resolve(ctx, ti.cl, email, ti.campaign); reason != "" || err != nil {
			return nil, reason, err
		}
	default:
		return nil, "email or email_lead_map_id is required", nil
	}
	var fe taskbox.FieldErrors
	// The zone only decides which instant a time without an offset is; the
	// server reads it in the account's zone. Here only the form is checked.
	if c.Validate(&fe, time.UTC, ""); fe != nil {
		return nil, fieldReasons(fe), nil
	}
	return c, "", nil
}

func fieldReasons(fe []taskbox.FieldError) string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

var taskIndexRE = regexp.MustCompile(`^tasks\[(\d+)\]\.?(.*)$`)
var leadMapIndexRE = regexp.MustCompile(`of tasks\[(\d+)\] not found`)

// send creates a batch's tasks. The server takes all or none: rows it
// refuses are rejected one by one and the rest is sent again, under a key
// of its own rows.
func (ti *taskImport) send(ctx context.Context, batch []taskRow) error {
	for len(batch) > 0 {
		rows := make([]row, len(batch))
		cs := make([]*taskbox.TaskCreate, len(batch))
		for i, b := range batch {
			rows[i], cs[i] = b.row, b.create
		}
		idem := &taskbox.Idempotency{Key: batchKey("tasks", ti.campaign, ti.src.header, rows)}
		tasks, err := ti.cl.BulkCreateTasks(ctx, cs, idem)
		if err == nil {
			ti.sum.Batches++
			if idem.Replayed {
				ti.sum.AlreadyImported += len(tasks)
			} else {
				ti.sum.Imported += len(tasks)
			}
			return nil
		}
		bad, reason := refusedTasks(err, len(batch))
		if bad == nil {
			return err
		}
		keep := batch[:0:0]
		for i, b := range batch {
			if msg, ok := bad[i]; ok {
				if err := ti.reject(b.row, msg); err != nil {
					return err
				}
			} else {
				keep = append(keep, b)
			}
		}
		if reason == "conflict" {
			return nil
		}
		batch = keep
	}
	return nil
}

// refusedTasks reads which entries of a bulk-create the server refused:
// the indexes of a 422's details, the one lead map a 404 names, or, for a
// 409, every entry. nil: the error is not about entries.
func refusedTasks(err error, n int) (map[int]string, string) {
	var e *taskbox.Error
	if !asError(err, &e) {
		return nil, ""
	}
	bad := map[int]string{}
	switch e.Code {
	case taskbox.EINVALID:
		for _, d := range e.Details {
			m := taskIndexRE.FindStringSubmatch(d.Field)
			if m == nil {
				return nil, ""
			}
			i, _ := strconv.Atoi(m[1])
			if i < n {
				bad[i] = joinReason(bad[i], m[2]+": "+d.Message)
			}
		}
	case taskbox.ENOTFOUND:
		if m := leadMapIndexRE.FindStringSubmatch(e.Message); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < n {
				bad[i] = "email_lead_map_id: no such lead map in this account"
			}
		}
	case taskbox.ECONFLICT:
		for i := range n {
			bad[i] = "an earlier import sent these rows with other content under the same key (Idempotency-Key conflict)"
		}
		return bad, "conflict"
	}
	if len(bad) == 0 {
		return nil, ""
	}
	return bad, ""
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// leadCache remembers the lead map of recent emails, so that a file with
// many tasks per lead asks the server once per lead. It is bounded: when
// full it starts again, so memory stays flat whatever the file's size.
type leadCache struct {
	m map[string]leadEntry
}

type leadEntry struct {
	id     int64
	reason string
}

const leadCacheSize = 50000

func newLeadCache() *leadCache { return &leadCache{m: map[string]leadEntry{}} }

func (lc *leadCache) resolve(ctx context.Context, cl *client.Client, email string, campaign int64) (int64, string, error) {
	key := strings.ToLower(email)
	if e, ok := lc.m[key]; ok {
		return e.id, e.reason, nil
	}
	var e leadEntry
	lead, err := cl.FindLeadByEmail(ctx, email)
	switch {
	case taskbox.ErrorCode(err) == taskbox.ENOTFOUND:
		e.reason = "email: no lead with this email in this account"
	case taskbox.ErrorCode(err) == taskbox.EBADREQUEST:
		e.reason = "email: " + taskbox.ErrorMessage(err)
	case err != nil:
		return 0, "", err
	default:
		var msg string
		e.id, msg, _ = pickLeadMap(lead, campaign)
		if msg != "" {
			e.reason = "email: " + msg
		}
	}
	if len(lc.m) >= leadCacheSize {
		clear(lc.m)
	}
	lc.m[key] = e
	return e.id, e.reason, nil
}
