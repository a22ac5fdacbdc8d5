package store_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"

	"fallback/internal/store"
)

// sizeAttempts is how many attempts the size test stores: the figure the
// README quotes is the file size after that many, divided by it.
const sizeAttempts = 1000

// bytesPerAttemptBudget bounds the file's growth: 10,000 attempts (the
// scale the progress screen is built for) then stay under 50 MB. The
// integrity check at every Open reads the file whole; it took 160 ms for
// 10,000 such attempts (40 MB with the indexes of 004; 005 adds 3 MB;
// BenchmarkProgress/Open) on the 2-core test machine, so the start stays
// around a quarter of a second.
const bytesPerAttemptBudget = 5120

// TestBytesPerAttempt stores attempts of 4 turns as a run writes them
// (every metric, 2 pauses, 3 self-checks, a composure sentence), compacts
// the file with VACUUM and checks the bytes per attempt against the
// budget. Run with -v for the figure.
func TestBytesPerAttempt(t *testing.T) {
	tests := []struct {
		name string
		edit func(*store.Turn)
	}{
		{"every field", func(*store.Turn) {}},
		{"without the coaching fields", func(t *store.Turn) {
			t.SelfChecks, t.Composure = nil, ""
			t.Customer = store.UnknownCustomer()
			t.ClipShare, t.NoiseFloorDBFS = math.NaN(), math.NaN()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := MustOpenDB(t)
			for i := range sizeAttempts {
				a := newAttempt(fmt.Sprintf("scenario-%d", i%8), at(i), 4)
				for j := range a.Turns {
					tr := &a.Turns[j]
					tr.RecordingPath = fmt.Sprintf("recordings/2025-03-14/%s/turn-%d.wav", "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", j)
					tt.edit(tr)
				}
				if err := db.SaveAttempt(ctx, &a); err != nil {
					t.Fatalf("attempt %d: %v", i, err)
				}
			}
			raw := store.RawDB(db)
			// VACUUM rewrites the file without free pages; the checkpoint
			// moves it out of the WAL so that the file's size is all of it.
			for _, q := range []string{"VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"} {
				if _, err := raw.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			fi, err := os.Stat(db.Path())
			if err != nil {
				t.Fatal(err)
			}
			per := float64(fi.Size()) / sizeAttempts
			t.Logf("%d attempts of 4 turns: %d bytes, %.0f bytes per attempt", sizeAttempts, fi.Size(), per)
			if per > bytesPerAttemptBudget {
				t.Errorf("%.0f bytes per attempt, budget %d", per, bytesPerAttemptBudget)
			}
		})
	}
}
