//go:build unix

package store_test

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// BenchmarkCreateTaskPages counts the pages that a lone create writes to
// SQLite's WAL: what a commit at a steady, light rate costs, where each
// page is a frame of two write system calls, apart from the fsync. Unlike
// a time, the count does not move with the machine's noise, so it shows
// what a schema change saves on the write path. It reports pages/op (the
// idle merge of the search index that follows a create included, as the
// writer runs it); -test.v also logs the pages by table and index:
//
//	go test ./internal/store -run '^$' -bench CreateTaskPages -benchtime 300x -v
//
// The WAL restarts from its head after a checkpoint; a create that meets
// a restart is counted from the new head. PostgreSQL: skipped.
func BenchmarkCreateTaskPages(b *testing.B) {
	if testdb.Backend() != "sqlite" {
		b.Skip("SQLite's WAL only")
	}
	tdb := testdb.Open(b)
	db := tdb.DB
	f := newFixture(b, db, "bench", "UTC", 20)
	desc, due := "Send pricing breakdown for 50-seat plan", "2025-12-15T09:00:00Z"
	create := func(i int) {
		if _, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{
			LeadMapID: f.mapIDs[i%len(f.mapIDs)], Name: "Follow up on pricing", Description: &desc,
			Priority: taskbox.PriorityHigh, DueDate: &due,
		}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 2000 { // past the first pages of every B-tree
		create(i)
	}
	wal := walReader{path: tdb.DSN + "-wal"}
	pages := map[uint32]int{}
	var written int
	b.ResetTimer()
	for i := range b.N {
		before, _ := wal.read(b)
		create(i)
		after, restarted := wal.read(b)
		if !restarted {
			after = after[len(before):]
		}
		for _, p := range after {
			pages[p]++
			written++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(written)/float64(b.N), "pages/op")
	if testing.Verbose() && b.N > 1 {
		b.Log("pages a create writes, by table or index:\n" + pagesByTree(b, tdb.DSN, pages, b.N))
	}
}

// walReader reads the page numbers of a WAL file's frames of its current
// generation (their salts are the header's).
type walReader struct {
	path string
	salt []byte // the generation read last
}

// read returns the page numbers of the frames of the WAL's current
// generation, and whether the generation changed since the last read (a
// checkpoint restarted the WAL: the frames are all new).
func (w *walReader) read(b *testing.B) (frames []uint32, restarted bool) {
	data, err := os.ReadFile(w.path)
	if err != nil {
		b.Fatal(err)
	}
	if len(data) < 32 {
		return nil, false
	}
	pageSize := int(binary.BigEndian.Uint32(data[8:]))
	salt := data[16:24]
	restarted = w.salt != nil && !bytes.Equal(salt, w.salt)
	w.salt = bytes.Clone(salt)
	for off := 32; off+24+pageSize <= len(data); off += 24 + pageSize {
		if !bytes.Equal(data[off+8:off+16], salt) {
			break // a frame of an earlier generation, past the current end
		}
		frames = append(frames, binary.BigEndian.Uint32(data[off:]))
	}
	return frames, restarted
}

// pagesByTree names the B-tree each counted page belongs to now (dbstat)
// and lists the trees by pages per create.
func pagesByTree(b *testing.B, path string, pages map[uint32]int, n int) string {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT name, pageno FROM dbstat`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	tree := map[uint32]string{}
	for rows.Next() {
		var name string
		var page uint32
		if err := rows.Scan(&name, &page); err != nil {
			b.Fatal(err)
		}
		tree[page] = name
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	count := map[string]int{}
	for page, c := range pages {
		name, ok := tree[page]
		if !ok {
			name = "(free or past the end)"
		}
		count[name] += c
	}
	names := make([]string, 0, len(count))
	for name := range count {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return count[names[i]] > count[names[j]] })
	var s strings.Builder
	for _, name := range names {
		fmt.Fprintf(&s, "  %-32s %5.2f\n", name, float64(count[name])/float64(n))
	}
	return s.String()
}
