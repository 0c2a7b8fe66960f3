//go:build unix

package store_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
	"github.com/taskboxhq/taskbox/internal/testdb"
)

// BenchmarkSearchAfterLoneCreates creates 6,000 tasks one at a time, each
// its own batch, as a steady, light load commits them: each adds a
// segment to the search index, and the idle writer merges them as it
// would (migrations 00021 and 00026). It then times searches, a page and
// the count, against the segments that are left (logged): what merging
// later and in wider steps costs the inbox's search (docs/performance.md,
// round nine).
//
//	go test ./internal/store -run '^$' -bench SearchAfterLoneCreates -benchtime 300x -v
func BenchmarkSearchAfterLoneCreates(b *testing.B) {
	if testdb.Backend() != "sqlite" {
		b.Skip("SQLite's search index only")
	}
	tdb := testdb.Open(b)
	db := tdb.DB
	f := newFixture(b, db, "bench", "UTC", 20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 6000 {
		desc := benchWords[rng.IntN(len(benchWords))] + " " + benchWords[rng.IntN(len(benchWords))]
		if _, err := db.CreateTask(f.ctx, &taskbox.TaskCreate{
			LeadMapID: f.mapIDs[i%len(f.mapIDs)], Name: "Follow up " + benchWords[rng.IntN(len(benchWords))], Description: &desc,
			Priority: taskbox.PriorityHigh,
		}); err != nil {
			b.Fatal(err)
		}
	}
	var segs int
	if err := rawDB(b, tdb.DSN).QueryRow(`SELECT count(DISTINCT segid) FROM task_search_idx`).Scan(&segs); err != nil {
		b.Fatal(err)
	}
	b.Logf("segments: %d", segs)
	for _, q := range []string{"pricing", "bench-c@example.com", "renewal budget"} {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			timeCalls(b, func() error {
				_, err := db.ListTasks(f.ctx, taskbox.TaskFilter{Query: q, Limit: 25})
				return err
			})
		})
		b.Run("count_"+strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			timeCalls(b, func() error {
				_, err := db.CountTasks(f.ctx, taskbox.TaskFilter{Query: q})
				return err
			})
		})
	}
}
