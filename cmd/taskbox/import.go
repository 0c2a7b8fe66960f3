package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

const importHelp = `
The file is read row by row, so its size does not matter: memory holds one
batch. A row the server would refuse is not sent: it goes to the rejects
file (--rejects, by default FILE.rejects.csv beside the input, removed when
nothing is rejected) with its line number and the reason. Each batch is sent
with an Idempotency-Key made from its rows and their line numbers, so an
interrupted import can be run again: the batches already imported are
answered from the server's memory of the key (for 24 hours) and nothing is
created twice. On a terminal a progress bar shows how far the file is read;
otherwise a line is printed every few seconds. A summary ends the run; with
--json it is one JSON object. Exit code 6 means that some rows were
rejected.`

func (m *Main) importCommand() *cobra.Command {
	r := &remote{}
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import leads or tasks from a CSV file",
		Long:  "Import leads into a campaign, or tasks for leads, from a CSV file with a header row.\n" + importHelp + "\n" + remoteHelp,
	}
	r.addRemoteFlags(group(cmd))
	cmd.AddCommand(m.importLeadsCommand(r), m.importTasksCommand(r))
	return cmd
}

// importFlags are the flags both imports take.
type importFlags struct {
	Rejects   string
	BatchSize int
	Delimiter string
}

// delimiter is the field separator of --delimiter.
func (f *importFlags) delimiter() (rune, error) {
	r := []rune(f.Delimiter)
	if f.Delimiter == `\t` {
		return '\t', nil
	}
	if len(r) != 1 || r[0] == '"' || r[0] == '\r' || r[0] == '\n' {
		return 0, usageError(fmt.Errorf("--delimiter must be one character such as , or ; (\\t for a tab), not %q", f.Delimiter))
	}
	return r[0], nil
}

func (f *importFlags) add(cmd *cobra.Command, maxBatch int) {
	cmd.Flags().StringVar(&f.Rejects, "rejects", "", "where to write the rejected rows (default FILE.rejects.csv beside the input)")
	cmd.Flags().IntVar(&f.BatchSize, "batch-size", maxBatch, fmt.Sprintf("rows per request, 1-%d", maxBatch))
	cmd.Flags().StringVar(&f.Delimiter, "delimiter", ",", `the field separator: one character, such as ; (\t for a tab)`)
}

// csvSource reads a CSV file row by row and counts the bytes read, for
// the progress bar.
type csvSource struct {
	path   string
	size   int64
	read   atomic.Int64
	file   *os.File
	r      *csv.Reader
	header []string // as written in the file
	cols   map[string]int
}

// row is one data row and the line it starts on.
type row struct {
	line   int
	fields []string
}

// columnName is how a header cell names a column: case, surrounding
// spaces, and spaces or hyphens for underscores do not matter, so
// "First Name" is first_name.
func columnName(h string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(h)))
}

func openCSV(path string, delimiter rune) (*csvSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &csvSource{path: path, size: st.Size(), file: f}
	s.r = csv.NewReader(&countingReader{f, &s.read})
	s.r.Comma = delimiter
	s.r.FieldsPerRecord = -1 // a short or long row is a rejected row, not the end
	header, err := s.r.Read()
	if err != nil {
		f.Close()
		if err == io.EOF {
			return nil, fmt.Errorf("%s is empty: it needs a header row", path)
		}
		return nil, fmt.Errorf("%s: the header row is not CSV: %v", path, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF") // a spreadsheet's byte order mark
	}
	s.header = header
	s.cols = map[string]int{}
	for i, h := range header {
		name := columnName(h)
		if _, dup := s.cols[name]; dup {
			f.Close()
			return nil, fmt.Errorf("%s: the header names the column %q twice", path, h)
		}
		s.cols[name] = i
	}
	return s, nil
}

// next returns the next row, or a row with reason set when it cannot be
// read (a stray quote, the wrong number of fields); io.EOF at the end.
func (s *csvSource) next() (r row, reason string, err error) {
	fields, err := s.r.Read()
	line, _ := s.r.FieldPos(0)
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return row{}, "", io.EOF
	case errors.As(err, &pe):
		return row{line: pe.StartLine, fields: fields}, "not valid CSV: " + pe.Err.Error(), nil
	case err != nil:
		return row{}, "", err
	case len(fields) != len(s.header):
		return row{line: line, fields: fields}, fmt.Sprintf("has %d fields, the header has %d", len(fields), len(s.header)), nil
	}
	return row{line: line, fields: fields}, "", nil
}

// cell is the trimmed value of a column of r, "" when absent.
func (s *csvSource) cell(r row, name string) string {
	if i, ok := s.cols[name]; ok && i < len(r.fields) {
		return strings.TrimSpace(r.fields[i])
	}
	return ""
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// batchKey is the Idempotency-Key of a batch: a hash of what the import is,
// the header and each row with its line number. It does not depend on the
// file's path or on anything outside the rows, so the same rows give the
// same key on every run.
func batchKey(kind string, scope int64, header []string, rows []row) string {
	h := sha256.New()
	fmt.Fprintf(h, "taskbox-import/1\n%s\n%d\n%q\n", kind, scope, header)
	for _, r := range rows {
		fmt.Fprintf(h, "%d %q\n", r.line, r.fields)
	}
	return "import-" + kind + "-" + hex.EncodeToString(h.Sum(nil))[:40]
}

// rejectsFile writes rejected rows as CSV: line, reason, then the row's
// own fields under the input's header.
type rejectsFile struct {
	path string
	f    *os.File
	w    *csv.Writer
	n    int
}

func defaultRejectsPath(input string) string {
	ext := filepath.Ext(input)
	return strings.TrimSuffix(input, ext) + ".rejects.csv"
}

func createRejects(path string, header []string) (*rejectsFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("rejects file: %w", err)
	}
	rf := &rejectsFile{path: path, f: f, w: csv.NewWriter(f)}
	return rf, rf.w.Write(append([]string{"line", "reason"}, header...))
}

func (rf *rejectsFile) add(r row, reason string) error {
	rf.n++
	return rf.w.Write(append([]string{strconv.Itoa(r.line), reason}, r.fields...))
}

// close flushes the file; a file without a rejected row is removed, so
// that an old one never lies about this run.
func (rf *rejectsFile) close() error {
	rf.w.Flush()
	err := errors.Join(rf.w.Error(), rf.f.Close())
	if rf.n == 0 {
		return errors.Join(err, os.Remove(rf.path))
	}
	return err
}

// progress shows how far an import is: a bar on a terminal, else a line
// every few seconds.
type progress struct {
	src  *csvSource
	bar  *progressbar.ProgressBar
	out  io.Writer
	last time.Time
}

func (m *Main) newProgress(src *csvSource, what string) *progress {
	p := &progress{src: src, out: m.Stderr, last: time.Now()}
	if f, ok := m.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions64(src.size,
			progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("importing "+what),
			progressbar.OptionShowBytes(true), progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }))
	}
	return p
}

func (p *progress) update(s *importSummary) {
	read := p.src.read.Load()
	if p.bar != nil {
		_ = p.bar.Set64(read)
		return
	}
	if time.Since(p.last) < 2*time.Second {
		return
	}
	p.last = time.Now()
	pct := 100.0
	if p.src.size > 0 {
		pct = 100 * float64(read) / float64(p.src.size)
	}
	fmt.Fprintf(p.out, "import: %d rows read (%.0f%%), %d imported, %d already imported, %d rejected\n",
		s.Rows, pct, s.Imported, s.AlreadyImported, s.Rejected)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// importSummary is what an import did; --json prints it.
type importSummary struct {
	Kind            string `json:"kind"`
	File            string `json:"file"`
	Rows            int    `json:"rows"`             // data rows read
	Imported        int    `json:"imported"`         // created (tasks) or uploaded (leads) by this run
	AlreadyImported int    `json:"already_imported"` // rows of batches an earlier run had sent
	Rejected        int    `json:"rejected"`
	Batches         int    `json:"batches"`
	// Leads only: the server's own counts.
	AlreadyInCampaign *int   `json:"already_in_campaign,omitempty"`
	Duplicates        *int   `json:"duplicates,omitempty"`
	InvalidEmails     *int   `json:"invalid_emails,omitempty"`
	RejectsFile       string `json:"rejects_file,omitempty"`
	Interrupted       bool   `json:"interrupted"`
}

// finishImport prints the summary and turns the outcome into the exit
// code: the run's error, else 6 when rows were rejected.
func (m *Main) finishImport(r *remote, s *importSummary, rejects *rejectsFile, runErr error) error {
	if err := rejects.close(); err != nil && runErr == nil {
		runErr = err
	}
	if rejects.n > 0 {
		s.RejectsFile = rejects.path
	}
	s.Interrupted = runErr != nil
	if r.JSON {
		if err := printJSON(m.Stdout, s); err != nil {
			return err
		}
	} else {
		m.printSummary(s)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			runErr = errors.New("interrupted")
		}
		return &wrapped{fmt.Sprintf("import stopped after %d rows: %s\nRun the same command again to go on: the batches already imported will not be created twice.",
			s.Rows, remoteError(runErr).Error()), runErr}
	}
	if s.Rejected > 0 {
		return &exitError{exitRejects, fmt.Errorf("%s rejected; see %s", plural(s.Rejected, "row"), s.RejectsFile)}
	}
	return nil
}

func (m *Main) printSummary(s *importSummary) {
	fmt.Fprintf(m.Stdout, "Imported %s from %s: %s read, %d imported, %d already imported by an earlier run, %d rejected, in %s.\n",
		s.Kind, s.File, plural(s.Rows, "row"), s.Imported, s.AlreadyImported, s.Rejected, plural(s.Batches, "batch"))
	if s.AlreadyInCampaign != nil {
		fmt.Fprintf(m.Stdout, "The server counted %d already in the campaign, %d duplicates in the file, %d invalid emails.\n",
			*s.AlreadyInCampaign, *s.Duplicates, *s.InvalidEmails)
	}
	if s.RejectsFile != "" {
		fmt.Fprintf(m.Stdout, "Rejected rows, with the reason for each: %s\n", s.RejectsFile)
	}
}

// wrapped is an error with its own text that keeps the cause's exit code.
type wrapped struct {
	msg   string
	cause error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.cause }

// plural writes n and the noun, with the noun's plural unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "ch") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// importBatches reads src row by row, turns each row into an item with
// parse (a reason rejects the row into rejects) and hands batches of size
// items to send, so that a file of any length is read in constant memory.
func importBatches[T any](ctx context.Context, src *csvSource, sum *importSummary, rejects *rejectsFile, p *progress, size int,
	parse func(context.Context, row) (T, string, error), send func(context.Context, []T) error) error {
	defer p.finish()
	batch := make([]T, 0, size)
	for {
		r, reason, err := src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		sum.Rows++
		var item T
		if reason == "" {
			if item, reason, err = parse(ctx, r); err != nil {
				return err
			}
		}
		if reason != "" {
			sum.Rejected++
			if err := rejects.add(r, reason); err != nil {
				return err
			}
			continue
		}
		if batch = append(batch, item); len(batch) == size {
			if err := send(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			p.update(sum)
		}
	}
	if len(batch) > 0 {
		if err := send(ctx, batch); err != nil {
			return err
		}
	}
	p.update(sum)
	return nil
}
