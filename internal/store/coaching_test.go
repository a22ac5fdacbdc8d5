package store_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fallback/internal/store"
)

// newBaseline is a calibration taken at t with every figure set.
func newBaseline(t time.Time, passage string) store.Baseline {
	return store.Baseline{
		TakenAt:          t,
		SpeechRate:       3.875,
		ArticulationRate: 4.6692016091,
		MeanDBFS:         -22.125,
		F0MedianHz:       176.0625,
		F0RangeST:        8.3333,
		LivePaceSPS:      5.25,
		RecordingPath:    "baselines/" + passage + ".wav",
		Passage:          passage,
	}
}

func TestBaselines(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "history.db")
	db := MustOpenPath(t, path)
	db.Now = func() time.Time { return at(500).In(time.FixedZone("CET", 3600)) }

	if _, err := db.LatestBaseline(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestBaseline with none stored: %v, want ErrNotFound", err)
	}
	if list, err := db.Baselines(ctx); err != nil || len(list) != 0 {
		t.Errorf("Baselines with none stored: %v, %v; want none and no error", list, err)
	}

	unmeasured := newBaseline(at(20), "rainbow")
	unmeasured.F0MedianHz, unmeasured.F0RangeST = math.NaN(), math.NaN() // no voicing found
	unmeasured.MeanDBFS = math.Inf(-1)
	// Saved in an order unlike their times; the want list is oldest first.
	saves := []struct {
		name string
		b    store.Baseline
		id   string // the stored ID when one is given
	}{
		{"second", newBaseline(at(10).In(time.FixedZone("X", -7*3600)), "north-wind"), ""},
		{"first, given id", func() store.Baseline {
			b := newBaseline(at(1), "rainbow")
			b.ID = "0195A1B2-C3D4-7E5F-8A9B-0000000000B1"
			return b
		}(), "0195a1b2-c3d4-7e5f-8a9b-0000000000b1"},
		{"third, nothing voiced", unmeasured, ""},
		{"tie with the third, lower id", func() store.Baseline {
			b := newBaseline(at(20), "tie")
			b.ID = "00000000-0000-7000-8000-000000000001"
			return b
		}(), "00000000-0000-7000-8000-000000000001"},
		{"no time: now", func() store.Baseline {
			b := newBaseline(time.Time{}, "now")
			b.RecordingPath = `C:\Users\rep\baseline.wav`
			return b
		}(), ""},
	}
	byName := map[string]store.Baseline{}
	for _, s := range saves {
		b := s.b
		if err := db.SaveBaseline(ctx, &b); err != nil {
			t.Fatalf("SaveBaseline(%s): %v", s.name, err)
		}
		if b.ID == "" || (s.id != "" && b.ID != s.id) {
			t.Errorf("%s: ID %q, want %q (or a new one when none was given)", s.name, b.ID, s.id)
		}
		want := s.b.TakenAt.UTC()
		if s.b.TakenAt.IsZero() {
			want = at(500)
		}
		if !b.TakenAt.Equal(want) || b.TakenAt.Location() != time.UTC {
			t.Errorf("%s: TakenAt set to %v, want %v in UTC", s.name, b.TakenAt, want)
		}
		byName[s.name] = b
	}
	order := []string{"first, given id", "second", "tie with the third, lower id", "third, nothing voiced", "no time: now"}
	if byName["third, nothing voiced"].ID <= byName["tie with the third, lower id"].ID {
		// Version 7 IDs begin with the time, so the new one sorts after
		// the fixed low ID; the tie order below depends on it.
		t.Fatalf("new id %s does not sort after %s", byName["third, nothing voiced"].ID, byName["tie with the third, lower id"].ID)
	}

	check := func(db *store.DB, when string) {
		t.Helper()
		list, err := db.Baselines(ctx)
		if err != nil {
			t.Fatalf("%s: Baselines: %v", when, err)
		}
		if len(list) != len(order) {
			t.Fatalf("%s: %d baselines, want %d", when, len(list), len(order))
		}
		for i, name := range order {
			for _, d := range diff("", reflect.ValueOf(list[i]), reflect.ValueOf(byName[name])) {
				t.Errorf("%s: Baselines[%d] (%s): %s", when, i, name, d)
			}
		}
		latest, err := db.LatestBaseline(ctx)
		if err != nil {
			t.Fatalf("%s: LatestBaseline: %v", when, err)
		}
		for _, d := range diff("", reflect.ValueOf(latest), reflect.ValueOf(byName["no time: now"])) {
			t.Errorf("%s: LatestBaseline: %s", when, d)
		}
	}
	check(db, "after saving")

	// Without the newest, the latest is the later of the two at at(20).
	raw := store.RawDB(db)
	if _, err := raw.Exec(`DELETE FROM baseline WHERE id = ?`, byName["no time: now"].ID); err != nil {
		t.Fatal(err)
	}
	latest, err := db.LatestBaseline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if latest.ID != byName["third, nothing voiced"].ID {
		t.Errorf("LatestBaseline of two taken at once = %s (%s), want the greater id %s", latest.ID, latest.Passage, byName["third, nothing voiced"].ID)
	}
	now := byName["no time: now"]
	if err := db.SaveBaseline(ctx, &now); err != nil {
		t.Fatalf("SaveBaseline again after the delete: %v", err)
	}

	var taken string
	if err := raw.QueryRow(`SELECT taken_at FROM baseline WHERE id = ?`, byName["second"].ID).Scan(&taken); err != nil {
		t.Fatal(err)
	}
	if want := "2025-03-14T09:36:53.589793238Z"; taken != want {
		t.Errorf("taken_at stored as %q, want %q (UTC, nine fraction digits)", taken, want)
	}

	// Still there in the file after closing and opening it again.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	check(MustOpenPath(t, path), "after reopening")
}

func TestSaveBaselineErrors(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	stored := newBaseline(at(1), "rainbow")
	if err := db.SaveBaseline(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		b       *store.Baseline
		wantIs  error
		wantMsg string
	}{
		{"nil", nil, nil, "nil baseline"},
		{"id not a uuid", &store.Baseline{ID: "calibration-1", TakenAt: at(2)}, nil, "not a uuid"},
		{"stored id", &store.Baseline{ID: strings.ToUpper(stored.ID), TakenAt: at(3)}, store.ErrExists, stored.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before store.Baseline
			if tt.b != nil {
				before = *tt.b
			}
			err := db.SaveBaseline(ctx, tt.b)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("got %v, want %v", err, tt.wantIs)
			}
			if !strings.HasPrefix(err.Error(), "save baseline") || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q: want it to start with %q and mention %q", err, "save baseline", tt.wantMsg)
			}
			if tt.b != nil && *tt.b != before {
				t.Errorf("failed SaveBaseline changed its argument to %+v", *tt.b)
			}
		})
	}
	list, err := db.Baselines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != stored.ID || list[0].Passage != "rainbow" {
		t.Errorf("after the failed saves: %+v, want only the first baseline", list)
	}
}

// TestSetSelfChecks ticks the self-checks of turns after they were saved
// and checks that only those ticks and the attempt's SavedAt change.
func TestSetSelfChecks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := &clock{t: at(50)}
	db.Now = c.now
	raw := store.RawDB(db)
	a := newAttempt("ticks", base, 3)
	a.FinishedAt = time.Time{}
	mustBegin(t, db, &a)
	other := newAttempt("other", at(1), 2)
	mustSave(t, db, &other)
	missing := "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"

	stored := func(turnID string) string {
		t.Helper()
		var s string
		if err := raw.QueryRow(`SELECT self_checks FROM turn WHERE id = ?`, turnID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name       string
		attemptID  string
		index      int
		checks     []store.SelfCheck
		wantErr    error  // nil: none
		wantMsg    string // part of the error when one is wanted
		wantStored string // the column afterwards, on success
	}{
		{"tick all of turn 1", a.ID, 1, []store.SelfCheck{
			{Text: "Acknowledged the feeling", Done: true},
			{Text: `Said what happens next ("<by> 5 & 6")`, Done: true},
		}, nil, "", `[{"text":"Acknowledged the feeling","done":true},{"text":"Said what happens next (\"<by> 5 & 6\")","done":true}]`},
		{"untick, upper-case attempt id", strings.ToUpper(a.ID), 1, []store.SelfCheck{
			{Text: "Acknowledged the feeling", Done: false},
		}, nil, "", `[{"text":"Acknowledged the feeling","done":false}]`},
		{"turn that had none", a.ID, 2, []store.SelfCheck{{Text: "Kept level", Done: true}}, nil, "",
			`[{"text":"Kept level","done":true}]`},
		{"clear with nil", a.ID, 0, nil, nil, "", `[]`},
		{"clear with empty", a.ID, 2, []store.SelfCheck{}, nil, "", `[]`},
		{"missing attempt", missing, 0, []store.SelfCheck{{Text: "x"}}, store.ErrNotFound, "set self-checks of turn 0 of attempt " + missing, ""},
		{"missing index", a.ID, 3, []store.SelfCheck{{Text: "x"}}, store.ErrNotFound, "turn 3", ""},
		{"negative index", a.ID, -1, []store.SelfCheck{{Text: "x"}}, store.ErrNotFound, "turn -1", ""},
		{"not utf-8", a.ID, 1, []store.SelfCheck{{Text: "ok"}, {Text: "\xc3("}}, nil, "self-check 1", ""},
	}
	want := mustRead(t, db, a.ID)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.SetSelfChecks(ctx, tt.attemptID, tt.index, tt.checks)
			if tt.wantMsg != "" {
				if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("SetSelfChecks: %v, want %v mentioning %q", err, tt.wantErr, tt.wantMsg)
				}
			} else {
				if err != nil {
					t.Fatalf("SetSelfChecks: %v", err)
				}
				want.Turns[tt.index].SelfChecks = nil
				if len(tt.checks) > 0 {
					want.Turns[tt.index].SelfChecks = tt.checks
				}
				want.SavedAt = c.t
				if got := stored(want.Turns[tt.index].ID); got != tt.wantStored {
					t.Errorf("stored %s, want %s", got, tt.wantStored)
				}
			}
			for _, d := range diff("", reflect.ValueOf(mustRead(t, db, a.ID)), reflect.ValueOf(want)) {
				t.Error(d)
			}
		})
	}
	if got := mustRead(t, db, other.ID); !reflect.DeepEqual(got.Turns[0].SelfChecks, other.Turns[0].SelfChecks) ||
		!got.SavedAt.Equal(other.SavedAt) {
		t.Errorf("the other attempt changed: self-checks %v, saved %v", got.Turns[0].SelfChecks, got.SavedAt)
	}
}

// TestRetryKeepsNothingOfTheOldTake: a retried turn saved with SaveTurn
// replaces every field of the take before, the new ones included, even
// the self-checks ticked on its report.
func TestRetryKeepsNothingOfTheOldTake(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a := newAttempt("retry-all", base, 2)
	a.FinishedAt = time.Time{}
	mustBegin(t, db, &a)
	if err := db.SetSelfChecks(ctx, a.ID, 1, []store.SelfCheck{{Text: "Paused before answering", Done: true}}); err != nil {
		t.Fatal(err)
	}
	retake := store.Turn{
		Index:          1,
		LineID:         a.Turns[1].LineID,
		RecordingPath:  "recordings/retry-all/turn-1-take-2.wav",
		Customer:       store.UnknownCustomer(),
		ClipShare:      math.NaN(),
		NoiseFloorDBFS: math.NaN(),
	}
	retake.Report.NoSpeech = true
	mustSaveTurn(t, db, a.ID, &retake)
	got := mustRead(t, db, a.ID)
	want := retake
	want.ID = a.Turns[1].ID // the index keeps its identity
	for _, d := range diff("", reflect.ValueOf(got.Turns[1]), reflect.ValueOf(want)) {
		t.Errorf("retaken turn: %s", d)
	}
	for _, d := range diff("", reflect.ValueOf(got.Turns[0]), reflect.ValueOf(a.Turns[0])) {
		t.Errorf("turn 0 changed: %s", d)
	}
}

// TestCoachingColumnsRefuse checks the schema's own guards on the new
// columns, below the Go validation: what another writer (an import, a
// shell) could put there.
func TestCoachingColumnsRefuse(t *testing.T) {
	db := MustOpenDB(t)
	raw := store.RawDB(db)
	a := newAttempt("guards", base, 1)
	mustSave(t, db, &a)
	id := a.Turns[0].ID
	tests := []struct {
		name   string
		column string
		value  any
		ok     bool
	}{
		{"self-checks array", "self_checks", `[{"text":"a","done":true}]`, true},
		{"self-checks null", "self_checks", "null", false},
		{"self-checks object", "self_checks", `{"text":"a"}`, false},
		{"self-checks not json", "self_checks", `[{"text":`, false},
		{"self-checks sql null", "self_checks", nil, false},
		{"composure sql null", "composure", nil, false},
		{"clip share 1", "clip_share", 1.0, true},
		{"clip share null", "clip_share", nil, true},
		{"clip share over 1", "clip_share", 1.0001, false},
		{"clip share negative", "clip_share", -0.5, false},
		{"clip share as text", "clip_share", "a lot", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := raw.Exec(`UPDATE turn SET `+tt.column+` = ? WHERE id = ?`, tt.value, id)
			if (err == nil) != tt.ok {
				t.Errorf("UPDATE %s = %v: %v, want accepted %v", tt.column, tt.value, err, tt.ok)
			}
		})
	}
	if _, err := raw.Exec(`INSERT INTO baseline (id, taken_at, recording_path, passage) VALUES ('short', '2025-01-01T00:00:00.000000000Z', '', '')`); err == nil {
		t.Error("a baseline with an id that is not 36 characters was accepted")
	}
}

// TestCoachingWritesDiskFull caps the database's page count (PRAGMA
// max_page_count on the only connection, which makes SQLite report
// SQLITE_FULL) at what is stored, and checks that SetSelfChecks and
// SaveBaseline, which need new pages, fail with ErrDiskFull, leave what was
// stored as it was, and work once there is room again.
func TestCoachingWritesDiskFull(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := store.RawDB(db)
	raw.SetMaxOpenConns(1) // the pragma below is per connection
	a := newAttempt("full", base, 2)
	mustSave(t, db, &a)
	stored := newBaseline(at(1), "rainbow")
	if err := db.SaveBaseline(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	// Many long ticks: more than the free space of the turn's page, so
	// the update needs overflow pages.
	var long []store.SelfCheck
	for i := range 40 {
		long = append(long, store.SelfCheck{Text: strings.Repeat("Named the next step clearly. ", 8) + string(rune('A'+i%26)), Done: i%2 == 0})
	}
	setPages := func(extra int) {
		t.Helper()
		limit := 4294967294 // SQLite's largest
		if extra >= 0 {
			if err := raw.QueryRow("PRAGMA page_count").Scan(&limit); err != nil {
				t.Fatal(err)
			}
			limit += extra
		}
		if _, err := raw.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", limit)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"set self-checks", func() error { return db.SetSelfChecks(ctx, a.ID, 1, long) }},
		{"save baselines", func() error {
			// One baseline may fit in the free space of its page; the
			// index and table pages run out within a few hundred.
			for i := range 500 {
				b := newBaseline(at(10+i), strings.Repeat("passage ", 20))
				if err := db.SaveBaseline(ctx, &b); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mustRead(t, db, a.ID)
			baselinesBefore, err := db.Baselines(ctx)
			if err != nil {
				t.Fatal(err)
			}
			setPages(0)
			err = tt.call()
			setPages(-1)
			if !errors.Is(err, store.ErrDiskFull) {
				t.Fatalf("with no free page: %v, want ErrDiskFull", err)
			}
			integrityOK(t, db)
			for _, d := range diff("", reflect.ValueOf(mustRead(t, db, a.ID)), reflect.ValueOf(before)) {
				t.Errorf("the failed call changed the attempt: %s", d)
			}
			after, err := db.Baselines(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// The baselines committed before the one that failed stay;
			// the failed one is not there.
			if len(after) < len(baselinesBefore) || !reflect.DeepEqual(after[:len(baselinesBefore)], baselinesBefore) {
				t.Errorf("the baselines stored before changed: %d before, %d after", len(baselinesBefore), len(after))
			}
			if err := tt.call(); err != nil {
				t.Errorf("with room again: %v", err)
			}
		})
	}
}
