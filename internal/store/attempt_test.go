package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/store"
)

// base is the start time of the test attempts; at(i) is i minutes later.
var base = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func at(i int) time.Time { return base.Add(time.Duration(i) * time.Minute) }

// newAttempt makes an attempt with n turns whose metrics are all set, with
// sub-millisecond durations so that rounding would show.
func newAttempt(scenario string, start time.Time, n int) store.Attempt {
	a := store.Attempt{
		ScenarioID:    scenario,
		ScenarioTitle: "Missed delivery: " + scenario,
		PlannedTurns:  n + 1,
		StartedAt:     start,
		FinishedAt:    start.Add(3*time.Minute + 123456789),
	}
	variants := []string{store.VariantNormal, store.VariantSoftened, store.VariantEscalated}
	trends := []analysis.Trend{analysis.TrendFlat, analysis.TrendRising, analysis.TrendFalling}
	for i := range n {
		f := float64(i)
		a.Turns = append(a.Turns, store.Turn{
			Index:         i,
			LineID:        fmt.Sprintf("line-%d", i),
			LineText:      fmt.Sprintf("Where is my parcel? (%d)", i),
			Variant:       variants[i%3],
			Cue:           1200*time.Millisecond + 62500*time.Nanosecond, // one sample at 16 kHz
			RecordingPath: fmt.Sprintf("recordings/%s/turn-%d.wav", scenario, i),
			Dropped:       time.Duration(i)*12500*time.Microsecond + 62500*time.Nanosecond,
			Recovered:     i%2 == 1,
			Report: analysis.Report{
				Onset:   2*time.Second + 20833*time.Nanosecond, // one sample at 48 kHz
				Offset:  9*time.Second + 333333*time.Nanosecond,
				Latency: 800*time.Millisecond - 41667*time.Nanosecond,
				Pauses: []analysis.Interval{
					{Start: 3 * time.Second, End: 3*time.Second + 312500*time.Microsecond},
					{Start: 5*time.Second + 1, End: 7*time.Second + 250*time.Millisecond},
				},
				LongestPause:     2*time.Second + 249999999,
				PauseTotal:       2*time.Second + 562499999,
				Syllables:        23 + i,
				SpeechRate:       3.1415926535 + f,
				ArticulationRate: 4.6692016091 + f,
				WordsPerMin:      141.42135623,
				PaceChangePct:    -7.25,
				MeanDBFS:         -23.456789 - f,
				FirstHalfDBFS:    -24.1,
				SecondHalfDBFS:   -21.9,
				Trend:            trends[i%3],
				F0MedianHz:       182.5,
				F0P5Hz:           141.0,
				F0P95Hz:          243.75,
				F0RangeST:        9.4601,
			},
			SelfChecks: selfChecks(i),
			Customer: store.CustomerLine{
				MeanDBFS:      -18.25 - f,
				TrendDB:       6.0625 + f,
				PaceChangePct: 12.5,
				F0MedianHz:    211.875,
			},
			Composure:      fmt.Sprintf("Frank got %d dB louder; you stayed level — you didn't mirror him", 6+i),
			ClipShare:      0.0012345 * f,
			NoiseFloorDBFS: -61.75 + f,
		})
	}
	return a
}

// selfChecks are the ticks of turn i: none on every third turn, else a
// few with text JSON would escape.
func selfChecks(i int) []store.SelfCheck {
	if i%3 == 2 {
		return nil
	}
	return []store.SelfCheck{
		{Text: "Acknowledged the feeling", Done: true},
		{Text: fmt.Sprintf(`Said what happens next ("we'll call <by> 5 & %d")`, i), Done: i%2 == 1},
		{Text: "Kept my pace — ça va", Done: false},
	}
}

func mustSave(t *testing.T, db *store.DB, a *store.Attempt) {
	t.Helper()
	if err := db.SaveAttempt(context.Background(), a); err != nil {
		t.Fatalf("SaveAttempt: %v", err)
	}
}

func TestSaveAndReadBack(t *testing.T) {
	silence := analysis.Report{NoSpeech: true} // every metric zero
	nonFinite := newAttempt("x", base, 1).Turns[0].Report
	nonFinite.MeanDBFS = math.NaN()
	nonFinite.FirstHalfDBFS = math.Inf(-1)
	nonFinite.SecondHalfDBFS = math.Inf(1)
	nonFinite.F0MedianHz = math.NaN()
	nonFinite.F0RangeST = math.NaN()
	nonFinite.PaceChangePct = math.Inf(-1)

	tests := []struct {
		name   string
		input  func() store.Attempt
		setNow time.Time
	}{
		{"all metrics", func() store.Attempt { return newAttempt("missed-delivery", base, 3) }, at(100)},
		{"no turns", func() store.Attempt {
			a := newAttempt("wrong-quote", base, 0)
			a.Turns = nil
			return a
		}, at(5)},
		{"unfinished", func() store.Attempt {
			a := newAttempt("billing", base, 1)
			a.FinishedAt = time.Time{}
			return a
		}, at(6)},
		{"no speech and no pauses", func() store.Attempt {
			a := newAttempt("silent", base, 2)
			a.Turns[1].Report = silence
			return a
		}, at(7)},
		{"nan and infinite levels", func() store.Attempt {
			a := newAttempt("nan", base, 2)
			a.Turns[0].Report = nonFinite
			return a
		}, at(8)},
		{"turns saved out of order", func() store.Attempt {
			a := newAttempt("order", base, 3)
			a.Turns[0], a.Turns[2] = a.Turns[2], a.Turns[0]
			return a
		}, at(9)},
		{"given id and local times", func() store.Attempt {
			a := newAttempt("local", base.In(time.FixedZone("CET", 3600)), 1)
			a.FinishedAt = a.FinishedAt.In(time.FixedZone("X", -7*3600))
			a.ID = "0195A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"
			return a
		}, at(10)},
		{"unknown customer, clipping and noise floor", func() store.Attempt {
			a := newAttempt("unmeasured", base, 2)
			a.Turns[1].Customer = store.UnknownCustomer()
			a.Turns[1].ClipShare = math.NaN()
			a.Turns[1].NoiseFloorDBFS = math.Inf(-1) // digital silence
			a.Turns[1].Composure = ""
			a.Turns[0].Customer.TrendDB = math.Inf(1)
			a.Turns[0].ClipShare = 1
			return a
		}, at(12)},
		{"given turn ids", func() store.Attempt {
			a := newAttempt("turn-ids", base, 2)
			a.Turns[0].ID = "0195A1B2-C3D4-7E5F-8A9B-00000000000A"
			a.Turns[1].ID = "0195a1b2-c3d4-7e5f-8a9b-00000000000b"
			return a
		}, at(11)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			db.Now = func() time.Time { return tt.setNow }
			a := tt.input()
			mustSave(t, db, &a)
			if a.ID == "" {
				t.Fatal("SaveAttempt left the ID empty")
			}
			if !a.SavedAt.Equal(tt.setNow) {
				t.Errorf("SavedAt = %v, want %v (from DB.Now)", a.SavedAt, tt.setNow)
			}

			got, err := db.Attempt(context.Background(), a.ID)
			if err != nil {
				t.Fatalf("Attempt(%s): %v", a.ID, err)
			}
			want := tt.input()
			want.ID = strings.ToLower(a.ID)
			want.StartedAt = want.StartedAt.UTC()
			if !want.FinishedAt.IsZero() {
				want.FinishedAt = want.FinishedAt.UTC()
			}
			want.SavedAt = tt.setNow
			// Turn IDs: the given ones in canonical form, new ones as
			// SaveAttempt set them in a.
			savedID := map[int]string{}
			for _, st := range a.Turns {
				if st.ID == "" {
					t.Errorf("turn %d: SaveAttempt left the ID empty", st.Index)
				}
				savedID[st.Index] = st.ID
			}
			for i := range want.Turns {
				if want.Turns[i].ID == "" {
					want.Turns[i].ID = savedID[want.Turns[i].Index]
				} else {
					want.Turns[i].ID = strings.ToLower(want.Turns[i].ID)
				}
			}
			// Read back in Index order.
			for i := 1; i < len(want.Turns); i++ {
				for j := i; j > 0 && want.Turns[j].Index < want.Turns[j-1].Index; j-- {
					want.Turns[j], want.Turns[j-1] = want.Turns[j-1], want.Turns[j]
				}
			}
			for _, d := range diff("", reflect.ValueOf(got), reflect.ValueOf(want)) {
				t.Error(d)
			}
		})
	}
}

// diff lists the differences between got and want. Unlike reflect.DeepEqual
// it treats NaN as equal to NaN, the faithfulness the store promises.
func diff(path string, got, want reflect.Value) []string {
	if got.Type() != want.Type() {
		return []string{fmt.Sprintf("%s: type %v, want %v", path, got.Type(), want.Type())}
	}
	switch got.Kind() {
	case reflect.Float32, reflect.Float64:
		g, w := got.Float(), want.Float()
		if g == w || math.IsNaN(g) && math.IsNaN(w) {
			return nil
		}
	case reflect.Struct:
		if t, ok := got.Interface().(time.Time); ok {
			w := want.Interface().(time.Time)
			if t.Equal(w) && t.Location() == w.Location() {
				return nil
			}
			break
		}
		var ds []string
		for i := range got.NumField() {
			ds = append(ds, diff(path+"."+got.Type().Field(i).Name, got.Field(i), want.Field(i))...)
		}
		return ds
	case reflect.Slice:
		if got.IsNil() != want.IsNil() {
			return []string{fmt.Sprintf("%s: nil is %v, want %v", path, got.IsNil(), want.IsNil())}
		}
		if got.Len() != want.Len() {
			return []string{fmt.Sprintf("%s: len %d, want %d", path, got.Len(), want.Len())}
		}
		var ds []string
		for i := range got.Len() {
			ds = append(ds, diff(fmt.Sprintf("%s[%d]", path, i), got.Index(i), want.Index(i))...)
		}
		return ds
	default:
		if got.Interface() == want.Interface() {
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: got %v, want %v", path, got, want)}
}

func TestSaveRejects(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(a *store.Attempt)
		wantErr string
	}{
		{"no scenario", func(a *store.Attempt) { a.ScenarioID = "" }, "scenario id"},
		{"no start time", func(a *store.Attempt) { a.StartedAt = time.Time{} }, "start time"},
		{"finish before start", func(a *store.Attempt) { a.FinishedAt = a.StartedAt.Add(-time.Second) }, "finish time"},
		{"unknown variant", func(a *store.Attempt) { a.Turns[1].Variant = "angry" }, "variant"},
		{"unknown trend", func(a *store.Attempt) { a.Turns[0].Report.Trend = "up" }, "trend"},
		{"duplicate index", func(a *store.Attempt) { a.Turns[1].Index = 0 }, "index 0 used twice"},
		{"negative index", func(a *store.Attempt) { a.Turns[1].Index = -1 }, "negative index"},
		{"backwards pause", func(a *store.Attempt) {
			p := &a.Turns[0].Report.Pauses[0]
			p.Start, p.End = p.End, p.Start
		}, "pause 0"},
		{"id not a uuid", func(a *store.Attempt) { a.ID = "attempt-1" }, "not a uuid"},
		{"negative planned turns", func(a *store.Attempt) { a.PlannedTurns = -1 }, "planned turns"},
		{"negative dropped audio", func(a *store.Attempt) { a.Turns[1].Dropped = -time.Millisecond }, "dropped"},
		{"turn id not a uuid", func(a *store.Attempt) { a.Turns[0].ID = "turn-1" }, "not a uuid"},
		{"clip share over 1", func(a *store.Attempt) { a.Turns[1].ClipShare = 1.5 }, "clip share"},
		{"negative clip share", func(a *store.Attempt) { a.Turns[0].ClipShare = -0.01 }, "clip share"},
		{"infinite clip share", func(a *store.Attempt) { a.Turns[0].ClipShare = math.Inf(1) }, "clip share"},
		{"self-check not utf-8", func(a *store.Attempt) { a.Turns[1].SelfChecks[1].Text = "bad \xff byte" }, "self-check 1"},
		{"turn id used twice", func(a *store.Attempt) {
			a.Turns[0].ID = "0195a1b2-c3d4-7e5f-8a9b-00000000000a"
			a.Turns[1].ID = "0195A1B2-C3D4-7E5F-8A9B-00000000000A"
		}, "used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			a := newAttempt("s1", base, 2)
			tt.edit(&a)
			err := db.SaveAttempt(context.Background(), &a)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "save attempt") {
				t.Errorf("SaveAttempt: %v, want an error starting with %q and mentioning %q", err, "save attempt", tt.wantErr)
			}
			if list, err := db.ListAttempts(context.Background(), 0); err != nil || len(list) != 0 {
				t.Errorf("after a failed save: ListAttempts = %v, %v; want nothing stored", list, err)
			}
		})
	}
}

func TestSaveExisting(t *testing.T) {
	db := MustOpenDB(t)
	a := newAttempt("s1", base, 1)
	mustSave(t, db, &a)
	again := newAttempt("s2", at(1), 2)
	again.ID = a.ID
	err := db.SaveAttempt(context.Background(), &again)
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second SaveAttempt with id %s: %v, want ErrExists", a.ID, err)
	}
	got, err := db.Attempt(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ScenarioID != "s1" || len(got.Turns) != 1 {
		t.Errorf("first attempt changed: scenario %q, %d turns", got.ScenarioID, len(got.Turns))
	}
}

// TestSaveIsAtomic makes the third turn fail inside the database (a
// constraint the Go validation does not see) and checks nothing was kept.
func TestSaveIsAtomic(t *testing.T) {
	db := MustOpenDB(t)
	raw := store.RawDB(db)
	if _, err := raw.Exec(`CREATE TRIGGER no_third BEFORE INSERT ON turn WHEN NEW.idx = 2
		BEGIN SELECT RAISE(ABORT, 'third turn refused'); END`); err != nil {
		t.Fatal(err)
	}
	a := newAttempt("s1", base, 3)
	err := db.SaveAttempt(context.Background(), &a)
	if err == nil || !strings.Contains(err.Error(), "third turn refused") {
		t.Fatalf("SaveAttempt: %v, want the trigger's error", err)
	}
	if a.ID != "" {
		t.Errorf("failed SaveAttempt set ID to %q", a.ID)
	}
	for _, table := range []string{"attempt", "turn", "pause"} {
		var n int
		if err := raw.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows left in %s after a failed save, want 0", n, table)
		}
	}
}

func TestListAttempts(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	// Saved in an order unlike their start times.
	starts := map[string]int{"b": 2, "d": 4, "a": 1, "c": 3}
	ids := map[string]string{}
	for _, name := range []string{"b", "d", "a", "c"} {
		a := newAttempt(name, at(starts[name]), 3)
		if name == "c" {
			a.Turns[1].Report = analysis.Report{NoSpeech: true, MeanDBFS: math.Inf(-1)}
			a.Turns[2].Report.MeanDBFS = math.NaN()
		}
		mustSave(t, db, &a)
		ids[name] = a.ID
	}

	tests := []struct {
		name  string
		limit int
		want  []string // scenario ids, newest first
	}{
		{"all with zero", 0, []string{"d", "c", "b", "a"}},
		{"all with negative", -1, []string{"d", "c", "b", "a"}},
		{"limit 2", 2, []string{"d", "c"}},
		{"limit 1", 1, []string{"d"}},
		{"limit above count", 10, []string{"d", "c", "b", "a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := db.ListAttempts(ctx, tt.limit)
			if err != nil {
				t.Fatalf("ListAttempts(%d): %v", tt.limit, err)
			}
			var got []string
			for _, s := range list {
				got = append(got, s.ScenarioID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ListAttempts(%d) scenarios = %v, want %v", tt.limit, got, tt.want)
			}
		})
	}

	list, err := db.ListAttempts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	byScenario := map[string]store.AttemptSummary{}
	for _, s := range list {
		byScenario[s.ScenarioID] = s
	}
	ref := newAttempt("a", at(1), 3)
	wantLatency := ref.Turns[0].Report.Latency
	meanDBFS := func(turns ...int) float64 {
		var sum float64
		for _, i := range turns {
			sum += ref.Turns[i].Report.MeanDBFS
		}
		return sum / float64(len(turns))
	}
	sums := []struct {
		name     string
		got      store.AttemptSummary
		id       string
		start    time.Time
		spoken   int
		meanDBFS float64
	}{
		{"a", byScenario["a"], ids["a"], at(1), 3, meanDBFS(0, 1, 2)},
		{"c (silent turn, nan level)", byScenario["c"], ids["c"], at(3), 2, meanDBFS(0)},
	}
	for _, s := range sums {
		t.Run("summary "+s.name, func(t *testing.T) {
			g := s.got
			if g.ID != s.id || !g.StartedAt.Equal(s.start) || g.TurnCount != 3 || g.SpokenTurns != s.spoken {
				t.Errorf("summary = %+v, want id %s, start %v, 3 turns, %d spoken", g, s.id, s.start, s.spoken)
			}
			if g.MeanLatency != wantLatency {
				t.Errorf("MeanLatency = %v, want %v", g.MeanLatency, wantLatency)
			}
			if math.Abs(g.MeanDBFS-s.meanDBFS) > 1e-9 {
				t.Errorf("MeanDBFS = %v, want %v", g.MeanDBFS, s.meanDBFS)
			}
			if !strings.HasPrefix(g.ScenarioTitle, "Missed delivery") {
				t.Errorf("ScenarioTitle = %q", g.ScenarioTitle)
			}
		})
	}
}

func TestListAttemptsNoSpeech(t *testing.T) {
	db := MustOpenDB(t)
	a := newAttempt("s", base, 2)
	for i := range a.Turns {
		a.Turns[i].Report = analysis.Report{NoSpeech: true}
	}
	mustSave(t, db, &a)
	empty := newAttempt("e", at(1), 0)
	mustSave(t, db, &empty)
	list, err := db.ListAttempts(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.SpokenTurns != 0 || s.MeanLatency != 0 || !math.IsNaN(s.MeanDBFS) {
			t.Errorf("%s: SpokenTurns %d, MeanLatency %v, MeanDBFS %v; want 0, 0, NaN", s.ScenarioID, s.SpokenTurns, s.MeanLatency, s.MeanDBFS)
		}
	}
}

func TestNotFound(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	kept := newAttempt("kept", base, 1)
	mustSave(t, db, &kept)
	missing := "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

	tests := []struct {
		name string
		call func() error
	}{
		{"read", func() error { _, err := db.Attempt(ctx, missing); return err }},
		{"read empty id", func() error { _, err := db.Attempt(ctx, ""); return err }},
		{"delete", func() error { return db.DeleteAttempt(ctx, missing) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		})
	}
	if _, err := db.Attempt(ctx, kept.ID); err != nil {
		t.Errorf("the stored attempt: %v", err)
	}
}

func TestForeignKeys(t *testing.T) {
	db := MustOpenDB(t)
	raw := store.RawDB(db)
	ctx := context.Background()
	a := newAttempt("s", base, 2)
	mustSave(t, db, &a)
	var turnID string
	if err := raw.QueryRow(`SELECT id FROM turn WHERE attempt_id = ? AND idx = 0`, a.ID).Scan(&turnID); err != nil {
		t.Fatal(err)
	}

	inserts := []struct {
		name string
		sql  string
		args []any
	}{
		{"turn of unknown attempt", `INSERT INTO turn (id, attempt_id, idx, line_id, line_text, variant, cue_ms,
			recording_path, no_speech, onset_ms, offset_ms, latency_ms, pause_count, longest_pause_ms,
			pause_total_ms, syllables, trend)
			VALUES ('0195a1b2-c3d4-7e5f-8a9b-000000000001', '0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', 0,
			'l', 't', '', 0, '', 1, 0, 0, 0, 0, 0, 0, 0, '')`, nil},
		{"pause of unknown turn", `INSERT INTO pause (turn_id, idx, start_ms, end_ms)
			VALUES ('0195a1b2-c3d4-7e5f-8a9b-000000000002', 0, 1, 2)`, nil},
		{"pause ending before it starts", `INSERT INTO pause (turn_id, idx, start_ms, end_ms) VALUES (?, 9, 2, 1)`, []any{turnID}},
		{"unknown variant", `UPDATE turn SET variant = 'angry' WHERE id = ?`, []any{turnID}},
		{"text in a real column", `UPDATE turn SET mean_dbfs = 'loud' WHERE id = ?`, []any{turnID}},
	}
	for _, tt := range inserts {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := raw.ExecContext(ctx, tt.sql, tt.args...); err == nil {
				t.Errorf("%s was accepted, want a constraint error", tt.name)
			}
		})
	}

	t.Run("delete cascades", func(t *testing.T) {
		other := newAttempt("other", at(1), 2)
		mustSave(t, db, &other)
		if err := db.DeleteAttempt(ctx, a.ID); err != nil {
			t.Fatalf("DeleteAttempt: %v", err)
		}
		counts := []struct {
			sql  string
			want int
		}{
			{`SELECT count(*) FROM attempt`, 1},
			{`SELECT count(*) FROM turn`, 2},
			{`SELECT count(*) FROM pause`, 4},
			{`SELECT count(*) FROM turn WHERE attempt_id = '` + a.ID + `'`, 0},
			{`SELECT count(*) FROM pause WHERE turn_id = '` + turnID + `'`, 0},
		}
		for _, c := range counts {
			var n int
			if err := raw.QueryRow(c.sql).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != c.want {
				t.Errorf("%s = %d, want %d", c.sql, n, c.want)
			}
		}
		if _, err := db.Attempt(ctx, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Attempt after delete: %v, want ErrNotFound", err)
		}
		if _, err := db.Attempt(ctx, other.ID); err != nil {
			t.Errorf("the other attempt: %v", err)
		}
	})
}

// TestConcurrentReadWrite runs writers and readers on the pool at once;
// WAL, busy_timeout and immediate write transactions must keep every call
// free of SQLITE_BUSY.
func TestConcurrentReadWrite(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	first := newAttempt("first", base, 3)
	mustSave(t, db, &first)

	const writers, readers, perWriter = 3, 4, 8
	var (
		wg       sync.WaitGroup
		errs     = make(chan error, writers*perWriter+readers*1000)
		writing  sync.WaitGroup
		finished = make(chan struct{})
	)
	writing.Add(writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer writing.Done()
			for i := range perWriter {
				a := newAttempt(fmt.Sprintf("w%d", w), at(i), 4)
				if err := db.SaveAttempt(ctx, &a); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		}()
	}
	go func() { writing.Wait(); close(finished) }()
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-finished:
					if n > 0 {
						return
					}
				default:
				}
				if _, err := db.ListAttempts(ctx, 5); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if _, err := db.Attempt(ctx, first.ID); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := db.ListAttempts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), 1+writers*perWriter; got != want {
		t.Errorf("%d attempts stored, want %d", got, want)
	}
}

func mustRawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestTimeColumnsForSQL checks the stored time text is what later SQL
// (progress charts, exports) can use: SQLite's date functions read it and
// text order is time order, including sub-second differences.
func TestTimeColumnsForSQL(t *testing.T) {
	db := MustOpenDB(t)
	starts := []time.Time{
		base.Add(100 * time.Millisecond),                                       // .689793238
		base.Add(-base.Sub(base.Truncate(time.Second)) + 100*time.Millisecond), // .1
		base.Add(-base.Sub(base.Truncate(time.Second)) + 120*time.Millisecond), // .12
		base.Truncate(time.Second),                                             // .000000000
	}
	for _, s := range starts {
		a := newAttempt("t", s, 0)
		mustSave(t, db, &a)
	}
	rows, err := store.RawDB(db).Query(`SELECT started_at, unixepoch(started_at, 'subsec') FROM attempt ORDER BY started_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var prev float64
	for n := 0; rows.Next(); n++ {
		var text string
		var secs sql.NullFloat64
		if err := rows.Scan(&text, &secs); err != nil {
			t.Fatal(err)
		}
		if !secs.Valid {
			t.Errorf("unixepoch(%q) is NULL", text)
			continue
		}
		if n > 0 && secs.Float64 <= prev {
			t.Errorf("%q sorts after a later or equal time (%.3f <= %.3f)", text, secs.Float64, prev)
		}
		prev = secs.Float64
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestIDCaseInsensitive(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	a := newAttempt("s", base, 1)
	mustSave(t, db, &a)
	upper := strings.ToUpper(a.ID)
	if _, err := db.Attempt(ctx, upper); err != nil {
		t.Errorf("Attempt(%s): %v", upper, err)
	}
	if err := db.DeleteAttempt(ctx, upper); err != nil {
		t.Errorf("DeleteAttempt(%s): %v", upper, err)
	}
}
