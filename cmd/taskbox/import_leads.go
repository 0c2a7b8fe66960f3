package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/client"
)

func (m *Main) importLeadsCommand(r *remote) *cobra.Command {
	var (
		f        importFlags
		campaign int64
	)
	cmd := &cobra.Command{
		Use:   "leads FILE.csv --campaign ID",
		Short: "Import leads into a campaign from a CSV file",
		Long: `Import leads into a campaign from a CSV file with a header row. The column
email is required; first_name, last_name, company_name, phone_number,
website, location, linkedin_profile and company_url are the lead's fields;
every other column goes into custom_fields under its header. A header
cell's case, surrounding spaces, and spaces or hyphens for underscores do
not matter ("First Name" is first_name). Empty cells are left out. Rows
are sent in batches of up to 400. A row with an invalid email or a field
over 2000 characters is rejected; a lead already in the campaign, or twice
in the file, is counted by the server, not added twice.` + "\n" + importHelp + "\n" + remoteHelp,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.BatchSize < 1 || f.BatchSize > taskbox.MaxLeadsPerUpload {
				return usageError(fmt.Errorf("--batch-size must be from 1 to %d", taskbox.MaxLeadsPerUpload))
			}
			if _, err := f.delimiter(); err != nil {
				return err // before the campaign is looked up on the server
			}
			cl, err := r.client(cmd)
			if err != nil {
				return err
			}
			if _, err := cl.FindCampaignByID(cmd.Context(), campaign); err != nil {
				return remoteError(err)
			}
			return m.importLeads(cmd.Context(), r, cl, args[0], f, campaign)
		},
	}
	f.add(cmd, taskbox.MaxLeadsPerUpload)
	cmd.Flags().Int64Var(&campaign, "campaign", 0, "the campaign's id (required)")
	_ = cmd.MarkFlagRequired("campaign")
	return cmd
}

// leadImport is the state of one run of import leads.
type leadImport struct {
	cl                           *client.Client
	src                          *csvSource
	rejects                      *rejectsFile
	sum                          *importSummary
	campaign                     int64
	already, duplicates, invalid int
}

type leadRow struct {
	row
	lead taskbox.LeadInput
}

func (m *Main) importLeads(ctx context.Context, r *remote, cl *client.Client, path string, f importFlags, campaign int64) error {
	delim, err := f.delimiter()
	if err != nil {
		return err
	}
	src, err := openCSV(path, delim)
	if err != nil {
		return err
	}
	defer src.file.Close()
	if _, ok := src.cols["email"]; !ok {
		return fmt.Errorf("%s: the header has no email column", path)
	}
	if f.Rejects == "" {
		f.Rejects = defaultRejectsPath(path)
	}
	rejects, err := createRejects(f.Rejects, src.header)
	if err != nil {
		return err
	}
	li := &leadImport{cl: cl, src: src, rejects: rejects, campaign: campaign, sum: &importSummary{Kind: "leads", File: path}}
	err = li.run(ctx, m.newProgress(src, "leads"), f.BatchSize)
	li.sum.AlreadyInCampaign, li.sum.Duplicates, li.sum.InvalidEmails = &li.already, &li.duplicates, &li.invalid
	return m.finishImport(r, li.sum, rejects, err)
}

func (li *leadImport) run(ctx context.Context, p *progress, size int) error {
	return importBatches(ctx, li.src, li.sum, li.rejects, p, size, func(_ context.Context, r row) (leadRow, string, error) {
		l, reason := li.leadOf(r)
		return leadRow{r, l}, reason, nil
	}, li.send)
}

func (li *leadImport) reject(r row, reason string) error {
	li.sum.Rejected++
	return li.rejects.add(r, reason)
}

// leadOf builds a lead from a row, checked as the server checks it.
func (li *leadImport) leadOf(r row) (taskbox.LeadInput, string) {
	l := taskbox.LeadInput{Email: li.src.cell(r, "email")}
	fields := l.TextFields()
	for i, h := range li.src.header {
		name := columnName(h)
		v := strings.TrimSpace(r.fields[i])
		if name == "email" || v == "" {
			continue
		}
		if p, ok := fields[name]; ok {
			*p = &v
			continue
		}
		if l.CustomFields == nil {
			l.CustomFields = map[string]any{}
		}
		l.CustomFields[strings.TrimSpace(h)] = v
	}
	if !taskbox.ValidEmail(l.Email) {
		return l, "email: not a valid email address"
	}
	var fe taskbox.FieldErrors
	u := taskbox.LeadUpload{Leads: []taskbox.LeadInput{l}}
	if u.Validate(&fe); fe != nil {
		for i := range fe {
			fe[i].Field = strings.TrimPrefix(fe[i].Field, "lead_list[0].")
		}
		return l, fieldReasons(fe)
	}
	return u.Leads[0], ""
}

var leadIndexRE = regexp.MustCompile(`^lead_list\[(\d+)\]\.?(.*)$`)

// send uploads a batch; entries the server refuses (a 422 naming
// lead_list[i]) are rejected and the rest sent again under its own key.
func (li *leadImport) send(ctx context.Context, batch []leadRow) error {
	for len(batch) > 0 {
		rows := make([]row, len(batch))
		leads := make([]taskbox.LeadInput, len(batch))
		for i, b := range batch {
			rows[i], leads[i] = b.row, b.lead
		}
		idem := &taskbox.Idempotency{Key: batchKey("leads", li.campaign, li.src.header, rows)}
		res, err := li.cl.AddLeads(ctx, &taskbox.LeadUpload{CampaignID: li.campaign, Leads: leads, Idempotency: idem})
		if err == nil {
			li.sum.Batches++
			if idem.Replayed {
				li.sum.AlreadyImported += len(batch)
			} else {
				li.sum.Imported += res.UploadCount
				li.already += res.AlreadyAddedToCampaign
				li.duplicates += res.DuplicateCount
				li.invalid += res.InvalidEmailCount
			}
			return nil
		}
		bad := refusedLeads(err, len(batch))
		if bad == nil {
			return err
		}
		keep := batch[:0:0]
		for i, b := range batch {
			if msg, ok := bad[i]; ok {
				if err := li.reject(b.row, msg); err != nil {
					return err
				}
			} else {
				keep = append(keep, b)
			}
		}
		if taskbox.ErrorCode(err) == taskbox.ECONFLICT {
			return nil
		}
		batch = keep
	}
	return nil
}

func refusedLeads(err error, n int) map[int]string {
	var e *taskbox.Error
	if !asError(err, &e) {
		return nil
	}
	bad := map[int]string{}
	switch e.Code {
	case taskbox.EINVALID:
		for _, d := range e.Details {
			m := leadIndexRE.FindStringSubmatch(d.Field)
			if m == nil {
				return nil
			}
			if i, _ := strconv.Atoi(m[1]); i < n {
				bad[i] = joinReason(bad[i], m[2]+": "+d.Message)
			}
		}
	case taskbox.ECONFLICT:
		for i := range n {
			bad[i] = "an earlier import sent these rows with other content under the same key (Idempotency-Key conflict)"
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return bad
}

func asError(err error, e **taskbox.Error) bool { return errors.As(err, e) }
