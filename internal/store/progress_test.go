package store_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"

	"fallback/internal/store"
)

// sameFloat is equality with NaN equal to NaN.
func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// samePoint compares two points field by field, NaN equal to NaN.
func samePoint(a, b store.TurnPoint) bool {
	fa, fb := a, b
	for _, p := range []*store.TurnPoint{&fa, &fb} {
		p.ArticulationRate, p.SpeechRate, p.PaceChangePct, p.TrendDB, p.MeanDBFS, p.F0MedianHz = 0, 0, 0, 0, 0, 0
	}
	return fa == fb && sameFloat(a.ArticulationRate, b.ArticulationRate) && sameFloat(a.SpeechRate, b.SpeechRate) &&
		sameFloat(a.PaceChangePct, b.PaceChangePct) && sameFloat(a.TrendDB, b.TrendDB) &&
		sameFloat(a.MeanDBFS, b.MeanDBFS) && sameFloat(a.F0MedianHz, b.F0MedianHz)
}

// progressFixture stores attempts of three scenarios at known times, one
// unfinished and one without turns, with NaN levels and a silent turn,
// and returns them as stored.
func progressFixture(t *testing.T, db *store.DB) []store.Attempt {
	t.Helper()
	ctx := context.Background()
	specs := []struct {
		scenario string
		minute   int
		turns    int
		finished bool
	}{
		{"billing", 30, 2, true},
		{"missed-delivery", 0, 3, true},
		{"billing", 60 * 24, 1, false}, // the next day, unfinished
		{"wrong-quote", 60*24 + 5, 0, true},
		{"missed-delivery", 60 * 48, 2, true},
		{"billing", 30, 1, true}, // same start as the first: the id orders them
	}
	var out []store.Attempt
	for i, s := range specs {
		a := newAttempt(s.scenario, at(s.minute), s.turns)
		a.ScenarioTitle = fmt.Sprintf("%s #%d", s.scenario, i)
		if i == 1 {
			a.Turns[1].Report.NoSpeech = true
			a.Turns[2].Report.MeanDBFS = math.NaN()
			a.Turns[2].Report.SecondHalfDBFS = math.NaN()
		}
		if !s.finished {
			a.FinishedAt = time.Time{}
			if err := db.BeginAttempt(ctx, &a); err != nil {
				t.Fatal(err)
			}
		} else {
			mustSave(t, db, &a)
		}
		out = append(out, a)
	}
	return out
}

// wantPoints builds, from the attempts as given, the points TurnPoints
// should return for f.
func wantPoints(attempts []store.Attempt, f store.ProgressFilter) []store.TurnPoint {
	sorted := append([]store.Attempt(nil), attempts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].StartedAt.Equal(sorted[j].StartedAt) {
			return sorted[i].StartedAt.Before(sorted[j].StartedAt)
		}
		return sorted[i].ID < sorted[j].ID
	})
	var want []store.TurnPoint
	for _, a := range sorted {
		if f.ScenarioID != "" && a.ScenarioID != f.ScenarioID ||
			!f.Since.IsZero() && a.StartedAt.Before(f.Since) ||
			!f.Until.IsZero() && !a.StartedAt.Before(f.Until) {
			continue
		}
		for _, tr := range a.Turns {
			r := tr.Report
			want = append(want, store.TurnPoint{
				AttemptID: a.ID, ScenarioID: a.ScenarioID, ScenarioTitle: a.ScenarioTitle,
				StartedAt: a.StartedAt.UTC(), Finished: !a.FinishedAt.IsZero(),
				Index: tr.Index, Recovered: tr.Recovered, NoSpeech: r.NoSpeech,
				Latency: r.Latency, LongestPause: r.LongestPause,
				ArticulationRate: r.ArticulationRate, SpeechRate: r.SpeechRate, PaceChangePct: r.PaceChangePct,
				TrendDB: r.TrendDB(), MeanDBFS: r.MeanDBFS, F0MedianHz: r.F0MedianHz,
			})
		}
	}
	return want
}

func TestTurnPoints(t *testing.T) {
	db := MustOpenDB(t)
	attempts := progressFixture(t, db)
	tests := []struct {
		name  string
		f     store.ProgressFilter
		count int // the turns expected, counted by hand from the fixture
	}{
		{"all", store.ProgressFilter{}, 9},
		{"one scenario", store.ProgressFilter{ScenarioID: "billing"}, 4},
		{"since is inclusive", store.ProgressFilter{Since: at(60 * 24)}, 3},
		{"until is exclusive", store.ProgressFilter{Until: at(60 * 24)}, 6},
		{"scenario and range", store.ProgressFilter{ScenarioID: "missed-delivery", Since: at(1), Until: at(60 * 49)}, 2},
		{"unknown scenario", store.ProgressFilter{ScenarioID: "nope"}, 0},
		{"bounds in another zone", store.ProgressFilter{Since: at(60 * 24).In(time.FixedZone("x", -5*3600))}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.TurnPoints(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			want := wantPoints(attempts, tt.f)
			if len(got) != tt.count || len(want) != tt.count {
				t.Fatalf("got %d points, built %d, want %d", len(got), len(want), tt.count)
			}
			for i := range got {
				if !samePoint(got[i], want[i]) {
					t.Errorf("point %d:\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
		})
	}
}

func TestTurnPointsNaNAndSilence(t *testing.T) {
	db := MustOpenDB(t)
	attempts := progressFixture(t, db)
	got, err := db.TurnPoints(context.Background(), store.ProgressFilter{ScenarioID: "missed-delivery", Until: at(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d points, want 3", len(got))
	}
	if got[0].AttemptID != attempts[1].ID || !got[1].NoSpeech || got[0].NoSpeech {
		t.Errorf("points %+v: want attempt %s with turn 1 silent", got, attempts[1].ID)
	}
	if !math.IsNaN(got[2].MeanDBFS) || !math.IsNaN(got[2].TrendDB) || math.IsNaN(got[1].TrendDB) {
		t.Errorf("turn 2 level %v trend %v, want NaN; turn 1 trend %v, want a number", got[2].MeanDBFS, got[2].TrendDB, got[1].TrendDB)
	}
}

func TestScenarioSummaries(t *testing.T) {
	db := MustOpenDB(t)
	attempts := progressFixture(t, db)
	got, err := db.ScenarioSummaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// billing: attempts 0, 2, 5; the newest starts at 60*24 (attempt 2).
	want := []store.ScenarioSummary{
		{"billing", attempts[2].ScenarioTitle, 3, 2, attempts[2].ID, at(60 * 24)},
		{"missed-delivery", attempts[4].ScenarioTitle, 2, 2, attempts[4].ID, at(60 * 48)},
		{"wrong-quote", attempts[3].ScenarioTitle, 1, 1, attempts[3].ID, at(60*24 + 5)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestScenarioSummariesTieByID(t *testing.T) {
	db := MustOpenDB(t)
	attempts := progressFixture(t, db)
	if err := db.DeleteAttempt(context.Background(), attempts[2].ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.ScenarioSummaries(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	last := attempts[0]
	if attempts[5].ID > last.ID {
		last = attempts[5]
	}
	if got[0].LastAttemptID != last.ID || got[0].ScenarioTitle != last.ScenarioTitle || got[0].Attempts != 2 {
		t.Errorf("billing summary %+v, want last attempt %s (%s) of 2", got[0], last.ID, last.ScenarioTitle)
	}
}

func TestScenarioSummariesEmpty(t *testing.T) {
	got, err := MustOpenDB(t).ScenarioSummaries(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("ScenarioSummaries on an empty database = %v, %v; want none", got, err)
	}
}

func TestPracticeDays(t *testing.T) {
	ctx := context.Background()
	east := time.FixedZone("UTC+10", 10*3600)
	west := time.FixedZone("UTC-8", -8*3600)
	day := func(loc *time.Location, y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	// UTC start times: 2025-03-14 09:26, 13:56, 23:56 (no turns), 03-15 15:00, 03-20 02:00.
	starts := []struct {
		t     time.Time
		turns int
	}{
		{time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC), 1},
		{time.Date(2025, 3, 14, 13, 56, 0, 0, time.UTC), 2},
		{time.Date(2025, 3, 14, 23, 56, 0, 0, time.UTC), 0},
		{time.Date(2025, 3, 15, 15, 0, 0, 0, time.UTC), 1},
		{time.Date(2025, 3, 20, 2, 0, 0, 0, time.UTC), 1},
	}
	db := MustOpenDB(t)
	for i, s := range starts {
		a := newAttempt(fmt.Sprint("s", i), s.t, s.turns)
		mustSave(t, db, &a)
	}
	tests := []struct {
		name string
		loc  *time.Location
		want []time.Time
	}{
		{"utc", time.UTC, []time.Time{day(time.UTC, 2025, 3, 14), day(time.UTC, 2025, 3, 15), day(time.UTC, 2025, 3, 20)}},
		{"nil is utc", nil, []time.Time{day(time.UTC, 2025, 3, 14), day(time.UTC, 2025, 3, 15), day(time.UTC, 2025, 3, 20)}},
		// +10: 19:26 and 23:56 on the 14th, 01:00 on the 16th, 12:00 on the 20th.
		{"east", east, []time.Time{day(east, 2025, 3, 14), day(east, 2025, 3, 16), day(east, 2025, 3, 20)}},
		// -8: 01:26 and 05:56 on the 14th, 07:00 on the 15th, 18:00 on the 19th.
		{"west", west, []time.Time{day(west, 2025, 3, 14), day(west, 2025, 3, 15), day(west, 2025, 3, 19)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.PracticeDays(ctx, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Equal(tt.want[i]) || got[i].Location() != tt.want[i].Location() {
					t.Errorf("day %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// scaleAttempts is the history size the progress screen is built for (the
// issue's figure): 10,000 attempts of 4 turns.
const scaleAttempts = 10000

// scaleScenarios is how many scenarios the generated history spreads over,
// about the size of the bundled library.
const scaleScenarios = 8

// scaleAttempt is the i-th generated attempt: about 27 a day over a year,
// every tenth unfinished, some turns silent or with unknown levels.
func scaleAttempt(i int) store.Attempt {
	start := base.Add(time.Duration(i) * (365 * 24 * time.Hour / scaleAttempts))
	a := newAttempt(fmt.Sprintf("scenario-%d", i%scaleScenarios), start, 4)
	if i%10 == 9 {
		a.FinishedAt = time.Time{}
	}
	for j := range a.Turns {
		r := &a.Turns[j].Report
		r.Latency += time.Duration(i%97) * 7 * time.Millisecond
		if (i+j)%13 == 0 {
			r.NoSpeech = true
		}
		if (i+j)%17 == 0 {
			r.MeanDBFS = math.NaN()
		}
	}
	return a
}

// MustScaleDB returns a database holding the generated history of
// scaleAttempts attempts.
func MustScaleDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := MustOpenDB(tb)
	if err := store.SaveBulk(context.Background(), db, scaleAttempts, scaleAttempt); err != nil {
		tb.Fatalf("SaveBulk: %v", err)
	}
	return db
}

// BenchmarkProgress times the progress and history queries over the
// generated history. Run with
// go test -run '^$' -bench Progress -benchmem ./internal/store
func BenchmarkProgress(b *testing.B) {
	ctx := context.Background()
	t0 := time.Now()
	db := MustScaleDB(b)
	gen := time.Since(t0)
	if _, err := store.RawDB(db).ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
	if fi, err := os.Stat(db.Path()); err == nil {
		b.Logf("generated %d attempts in %v; file %d bytes, %d bytes per attempt",
			scaleAttempts, gen.Round(time.Millisecond), fi.Size(), fi.Size()/scaleAttempts)
	}
	month := store.ProgressFilter{Since: base.Add(180 * 24 * time.Hour), Until: base.Add(210 * 24 * time.Hour)}
	benches := []struct {
		name string
		want int // rows expected, so that a query that returns nothing fails
		run  func() (int, error)
	}{
		{"TurnPoints/all", scaleAttempts * 4, func() (int, error) {
			p, err := db.TurnPoints(ctx, store.ProgressFilter{})
			return len(p), err
		}},
		{"TurnPoints/scenario", scaleAttempts * 4 / scaleScenarios, func() (int, error) {
			p, err := db.TurnPoints(ctx, store.ProgressFilter{ScenarioID: "scenario-3"})
			return len(p), err
		}},
		{"TurnPoints/month", -1, func() (int, error) {
			p, err := db.TurnPoints(ctx, month)
			return len(p), err
		}},
		{"ScenarioSummaries", scaleScenarios, func() (int, error) {
			s, err := db.ScenarioSummaries(ctx)
			return len(s), err
		}},
		{"PracticeDays", 366, // a year from 09:26 on day 0 ends on day 365
			func() (int, error) {
				d, err := db.PracticeDays(ctx, time.UTC)
				return len(d), err
			}},
		{"ListAttempts/all", scaleAttempts, func() (int, error) {
			l, err := db.ListAttempts(ctx, 0)
			return len(l), err
		}},
		{"ListAttempts/50", 50, func() (int, error) {
			l, err := db.ListAttempts(ctx, 50)
			return len(l), err
		}},
	}
	// Open reads the whole file for its integrity check, so the indexes
	// of 004 and 005 cost start-up time too.
	b.Run("Open", func(b *testing.B) {
		for b.Loop() {
			o, err := store.Open(db.Path())
			if err != nil {
				b.Fatal(err)
			}
			if err := o.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, bb := range benches {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				n, err := bb.run()
				if err != nil {
					b.Fatal(err)
				}
				if bb.want >= 0 && n != bb.want || n == 0 {
					b.Fatalf("%d rows, want %d", n, bb.want)
				}
			}
		})
	}
}

// TestTurnPointsIndexOrder saves the turns of an attempt out of order (as
// a retake does) and expects them by index.
func TestTurnPointsIndexOrder(t *testing.T) {
	db := MustOpenDB(t)
	full := newAttempt("order", base, 3)
	a := full
	a.Turns, a.FinishedAt = nil, time.Time{}
	mustBegin(t, db, &a)
	before := newAttempt("before", base.Add(-time.Hour), 2) // another attempt, stored between
	mustSave(t, db, &before)
	for _, i := range []int{2, 0, 1} {
		tr := full.Turns[i]
		mustSaveTurn(t, db, a.ID, &tr)
	}
	got, err := db.TurnPoints(context.Background(), store.ProgressFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	for _, p := range got {
		idx = append(idx, p.Index)
	}
	if want := []int{0, 1, 0, 1, 2}; !reflect.DeepEqual(idx, want) || got[2].AttemptID != a.ID {
		t.Errorf("indexes %v (third point of %s), want %v (of %s)", idx, got[2].AttemptID, want, a.ID)
	}
}

// TestListAttemptsAllMatchesPages checks the whole history list (its own
// two packed scans) against the query a page of it runs, on attempts
// stored out of time order, some at the same instant, with silent turns,
// unknown levels and no turns at all.
func TestListAttemptsAllMatchesPages(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	const n = 300
	gen := func(i int) store.Attempt {
		a := scaleAttempt(i)
		// Backwards in blocks of 7, pairs at the same start.
		a.StartedAt = base.Add(time.Duration((n-i/7*7+i%7)/2) * time.Hour)
		a.FinishedAt = time.Time{}
		if i%10 != 9 {
			a.FinishedAt = a.StartedAt.Add(time.Minute)
		}
		a.Turns = a.Turns[:i%5] // 0 to 4 turns
		return a
	}
	if err := store.SaveBulk(ctx, db, n, gen); err != nil {
		t.Fatal(err)
	}
	all, err := db.ListAttempts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	page, err := db.ListAttempts(ctx, n+1)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n || len(page) != n {
		t.Fatalf("ListAttempts: %d (all), %d (page); want %d", len(all), len(page), n)
	}
	for i := range all {
		a, p := all[i], page[i]
		a.MeanDBFS, p.MeanDBFS = 0, 0
		if a != p || !sameFloat(all[i].MeanDBFS, page[i].MeanDBFS) {
			t.Fatalf("row %d: all %+v, page %+v", i, all[i], page[i])
		}
	}
	var empty, silent int
	for _, s := range all {
		if s.TurnCount == 0 {
			empty++
		}
		if s.TurnCount > 0 && s.SpokenTurns < s.TurnCount {
			silent++
		}
	}
	if empty == 0 || silent == 0 {
		t.Errorf("%d attempts without turns, %d with a silent turn; the fixture should give both", empty, silent)
	}
}

// TestTurnPointsConcurrent reads the points from several goroutines at
// once, as the Progress and Home screens may: each gets the whole list
// (the packed blobs are built in pieces shared through a pool). Run with
// -race.
func TestTurnPointsConcurrent(t *testing.T) {
	db := MustOpenDB(t)
	if err := store.SaveBulk(context.Background(), db, 1000, scaleAttempt); err != nil {
		t.Fatal(err)
	}
	want, err := db.TurnPoints(context.Background(), store.ProgressFilter{})
	if err != nil || len(want) != 4000 {
		t.Fatalf("TurnPoints: %d points, %v; want 4000 (more than one piece of packed blob)", len(want), err)
	}
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			for range 5 {
				got, err := db.TurnPoints(context.Background(), store.ProgressFilter{})
				if err == nil && len(got) != len(want) {
					err = fmt.Errorf("%d points, want %d", len(got), len(want))
				}
				for i := 0; err == nil && i < len(got); i++ {
					if !samePoint(got[i], want[i]) {
						err = fmt.Errorf("point %d: got %+v, want %+v", i, got[i], want[i])
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
