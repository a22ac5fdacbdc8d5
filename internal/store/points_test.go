package store

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fallback/internal/analysis"
)

// pointsAttempt is an attempt of n turns whose progress figures differ by
// attempt k and turn.
func pointsAttempt(k, n int) Attempt {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(k) * time.Hour)
	a := Attempt{ScenarioID: fmt.Sprintf("s%d", k%2), ScenarioTitle: "Title", PlannedTurns: n,
		StartedAt: start, FinishedAt: start.Add(time.Minute)}
	for i := range n {
		f := float64(k*10 + i)
		a.Turns = append(a.Turns, Turn{Index: i, LineID: "l", Recovered: i == 1,
			Report: analysis.Report{Latency: time.Duration(k*100+i) * time.Millisecond, Onset: time.Second, Offset: 3 * time.Second,
				LongestPause: 300 * time.Millisecond, ArticulationRate: 4 + f/100, SpeechRate: 3 + f/100, PaceChangePct: f,
				MeanDBFS: -20 - f/10, FirstHalfDBFS: -21, SecondHalfDBFS: -19 - f/100, F0MedianHz: 150 + f}})
	}
	return a
}

// unpackedCount is how many attempts have no packed points.
func unpackedCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(`SELECT count(*) FROM attempt WHERE points IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPointsCacheFollowsEveryWrite: the packed points of 006 give the same
// progress points as the turn rows, whoever writes the turns: the app
// (packed in the same transaction) or another tool (the triggers empty the
// cache and the rows are read instead), and a file opened after 006 packs
// what it finds empty.
func TestPointsCacheFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "points.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	ids := make([]string, 6)
	for k := range ids {
		a := pointsAttempt(k, 3)
		if k == 5 {
			a.Turns, a.FinishedAt = a.Turns[:1], time.Time{}
			if err := db.BeginAttempt(ctx, &a); err != nil {
				t.Fatal(err)
			}
		} else if err := db.SaveAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		ids[k] = a.ID
	}
	read := func(f ProgressFilter) []TurnPoint {
		t.Helper()
		p, err := db.TurnPoints(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// clear empties the caches as another tool's write would.
	clear := func() {
		t.Helper()
		if _, err := db.db.Exec(`UPDATE attempt SET points = NULL`); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string, wantUnpacked int, f ProgressFilter) {
		t.Helper()
		if n := unpackedCount(t, db); n != wantUnpacked {
			t.Errorf("%s: %d attempts unpacked, want %d", step, n, wantUnpacked)
		}
		got := read(f)
		// The same read with every cache empty: from the rows.
		var keep []struct {
			id  string
			pts []byte
		}
		rows, err := db.db.Query(`SELECT id, points FROM attempt`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k struct {
				id  string
				pts []byte
			}
			if err := rows.Scan(&k.id, &k.pts); err != nil {
				t.Fatal(err)
			}
			keep = append(keep, k)
		}
		rows.Close()
		clear()
		want := read(f)
		for _, k := range keep { // put the caches back as they were
			if _, err := db.db.Exec(`UPDATE attempt SET points = ? WHERE id = ?`, k.pts, k.id); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: points from the cache differ from the rows:\n got %+v\nwant %+v", step, got, want)
		}
	}
	all := ProgressFilter{}
	check("after saving", 0, all)
	if got := len(read(all)); got != 5*3+1 {
		t.Errorf("%d points, want %d", got, 5*3+1)
	}
	check("one scenario", 0, ProgressFilter{ScenarioID: "s1"})

	// The app replaces a turn and adds one: packed in the same write.
	tr := pointsAttempt(9, 3).Turns[0]
	if err := db.SaveTurn(ctx, ids[2], &tr); err != nil {
		t.Fatal(err)
	}
	next := pointsAttempt(5, 3).Turns[1]
	if err := db.SaveTurn(ctx, ids[5], &next); err != nil {
		t.Fatal(err)
	}
	check("after SaveTurn", 0, all)
	if p := read(ProgressFilter{}); p[2*3].Latency != 900*time.Millisecond {
		t.Errorf("replaced turn reads latency %v, want 900ms", p[2*3].Latency)
	}

	// Another tool changes a figure and deletes a turn: the triggers
	// empty those caches, and the rows are read for them.
	if _, err := db.db.Exec(`UPDATE turn SET latency_ms = 4321 WHERE attempt_id = ? AND idx = 1`, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`DELETE FROM turn WHERE attempt_id = ? AND idx = 2`, ids[3]); err != nil {
		t.Fatal(err)
	}
	check("after another tool's writes", 2, all)
	p := read(all)
	if p[1*3+1].Latency != 4321*time.Millisecond {
		t.Errorf("a turn changed by another tool reads latency %v, want 4.321s", p[1*3+1].Latency)
	}
	// A change that is not a progress figure keeps the cache.
	if err := db.SetSelfChecks(ctx, ids[0], 0, []SelfCheck{{Text: "a", Done: true}}); err != nil {
		t.Fatal(err)
	}
	if n := unpackedCount(t, db); n != 2 {
		t.Errorf("after a self-check: %d attempts unpacked, want still 2", n)
	}

	// Opening the file packs what is empty.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(path); err != nil {
		t.Fatal(err)
	}
	check("after reopening", 0, all)
	if !reflect.DeepEqual(read(all), p) {
		t.Errorf("points after reopening differ from before")
	}
}
