package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/store"
)

// clock is a DB.Now that moves one second on at every call, so that each
// write gets its own SavedAt.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func mustBegin(t *testing.T, db *store.DB, a *store.Attempt) {
	t.Helper()
	if err := db.BeginAttempt(context.Background(), a); err != nil {
		t.Fatalf("BeginAttempt: %v", err)
	}
}

func mustSaveTurn(t *testing.T, db *store.DB, attemptID string, turn *store.Turn) {
	t.Helper()
	if err := db.SaveTurn(context.Background(), attemptID, turn); err != nil {
		t.Fatalf("SaveTurn(%d): %v", turn.Index, err)
	}
}

func mustRead(t *testing.T, db *store.DB, id string) store.Attempt {
	t.Helper()
	a, err := db.Attempt(context.Background(), id)
	if err != nil {
		t.Fatalf("Attempt(%s): %v", id, err)
	}
	return a
}

// TestTurnByTurn writes an attempt the way a run does (begin, one turn at a
// time, finish) and checks what is stored after each step.
func TestTurnByTurn(t *testing.T) {
	tests := []struct {
		name       string
		beginTurns int // turns already in the attempt given to BeginAttempt
	}{
		{"begin empty", 0},
		{"begin with the first turn", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			c := &clock{t: at(50)}
			db.Now = c.now
			ctx := context.Background()
			full := newAttempt("turn-by-turn", base, 3)
			full.FinishedAt = time.Time{}
			full.PlannedTurns = 3

			a := full
			a.Turns = append([]store.Turn(nil), full.Turns[:tt.beginTurns]...)
			mustBegin(t, db, &a)
			if a.ID == "" || a.SavedAt.IsZero() {
				t.Fatalf("BeginAttempt left ID %q, SavedAt %v", a.ID, a.SavedAt)
			}
			want := full
			want.ID = a.ID
			want.Turns = append([]store.Turn(nil), a.Turns...)
			want.SavedAt = a.SavedAt
			check := func(step string) {
				t.Helper()
				for _, d := range diff("", reflect.ValueOf(mustRead(t, db, a.ID)), reflect.ValueOf(want)) {
					t.Errorf("after %s: %s", step, d)
				}
			}
			check("begin")

			for i := tt.beginTurns; i < len(full.Turns); i++ {
				turn := full.Turns[i]
				mustSaveTurn(t, db, a.ID, &turn)
				if turn.ID == "" {
					t.Fatalf("SaveTurn(%d) left the ID empty", i)
				}
				want.Turns = append(want.Turns, turn)
				want.SavedAt = c.t
				check(fmt.Sprintf("turn %d", i))
			}

			finished := base.Add(5 * time.Minute).In(time.FixedZone("CET", 3600))
			if err := db.FinishAttempt(ctx, strings.ToUpper(a.ID), finished); err != nil {
				t.Fatalf("FinishAttempt: %v", err)
			}
			want.FinishedAt = finished.UTC()
			want.SavedAt = c.t
			check("finish")
		})
	}
}

func TestSaveTurnReplaces(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := store.RawDB(db)
	a := newAttempt("retry", base, 3)
	a.FinishedAt = time.Time{}
	mustBegin(t, db, &a)
	other := newAttempt("other", at(1), 1)
	mustSave(t, db, &other)

	pauseRows := func(turnID string) int {
		t.Helper()
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM pause WHERE turn_id = ?`, turnID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// retake is a second take of turn 1: other metrics, one pause, a new file.
	retake := func(id string) store.Turn {
		r := a.Turns[1]
		r.ID = id
		r.RecordingPath = "recordings/retry/turn-1-take-2.wav"
		r.Dropped = 200 * time.Millisecond
		r.Recovered = false
		r.Report.Latency = 1100 * time.Millisecond
		r.Report.Pauses = r.Report.Pauses[:1]
		r.Report.MeanDBFS = -31.5
		return r
	}
	oldID := a.Turns[1].ID

	tests := []struct {
		name    string
		id      string // the ID given to SaveTurn
		wantID  string // the stored turn's ID afterwards
		wantErr error
	}{
		{"no id keeps the replaced turn's id", "", oldID, nil},
		{"same id", strings.ToUpper(oldID), oldID, nil},
		{"new id", "0195a1b2-c3d4-7e5f-8a9b-0000000000c1", "0195a1b2-c3d4-7e5f-8a9b-0000000000c1", nil},
		{"id of another turn of the attempt", a.Turns[0].ID, "0195a1b2-c3d4-7e5f-8a9b-0000000000c1", store.ErrExists},
		{"id of a turn of another attempt", other.Turns[0].ID, "0195a1b2-c3d4-7e5f-8a9b-0000000000c1", store.ErrExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mustRead(t, db, a.ID)
			r := retake(tt.id)
			err := db.SaveTurn(ctx, a.ID, &r)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("SaveTurn: %v, want %v", err, tt.wantErr)
			}
			got := mustRead(t, db, a.ID)
			if tt.wantErr != nil {
				if r.ID != tt.id {
					t.Errorf("failed SaveTurn changed t.ID to %q", r.ID)
				}
				for _, d := range diff("", reflect.ValueOf(got), reflect.ValueOf(before)) {
					t.Errorf("failed SaveTurn changed the attempt: %s", d)
				}
				return
			}
			if r.ID != tt.wantID {
				t.Errorf("t.ID = %q, want %q", r.ID, tt.wantID)
			}
			if len(got.Turns) != 3 {
				t.Fatalf("%d turns stored, want 3 (replaced, not added)", len(got.Turns))
			}
			want := retake(tt.wantID)
			for _, d := range diff("", reflect.ValueOf(got.Turns[1]), reflect.ValueOf(want)) {
				t.Errorf("replaced turn: %s", d)
			}
			for _, i := range []int{0, 2} {
				for _, d := range diff("", reflect.ValueOf(got.Turns[i]), reflect.ValueOf(a.Turns[i])) {
					t.Errorf("turn %d changed: %s", i, d)
				}
			}
			if n := pauseRows(tt.wantID); n != 1 {
				t.Errorf("%d pause rows for the new take, want 1", n)
			}
			if tt.wantID != oldID {
				if n := pauseRows(oldID); n != 0 {
					t.Errorf("%d pause rows left of the replaced take, want 0", n)
				}
			}
		})
	}
	if got := mustRead(t, db, other.ID); len(got.Turns) != 1 || got.Turns[0].ID != other.Turns[0].ID {
		t.Errorf("the other attempt changed: %+v", got.Turns)
	}
}

func TestTurnErrors(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a := newAttempt("errors", base, 1)
	a.FinishedAt = time.Time{}
	mustBegin(t, db, &a)
	finished := newAttempt("finished", at(1), 0)
	missing := "0195a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	turn := func(edit func(*store.Turn)) *store.Turn {
		t := newAttempt("errors", base, 2).Turns[1]
		edit(&t)
		return &t
	}

	tests := []struct {
		name    string
		call    func() error
		wantIs  error  // nil: any error
		wantMsg string // part of the message
	}{
		{"save turn of a missing attempt", func() error {
			return db.SaveTurn(ctx, missing, turn(func(*store.Turn) {}))
		}, store.ErrNotFound, "save turn 1 of attempt " + missing},
		{"save nil turn", func() error { return db.SaveTurn(ctx, a.ID, nil) }, nil, "nil turn"},
		{"save turn with unknown variant", func() error {
			return db.SaveTurn(ctx, a.ID, turn(func(t *store.Turn) { t.Variant = "angry" }))
		}, nil, "variant"},
		{"save turn with negative index", func() error {
			return db.SaveTurn(ctx, a.ID, turn(func(t *store.Turn) { t.Index = -1 }))
		}, nil, "negative index"},
		{"save turn with id not a uuid", func() error {
			return db.SaveTurn(ctx, a.ID, turn(func(t *store.Turn) { t.ID = "take-2" }))
		}, nil, "not a uuid"},
		{"save turn with negative dropped audio", func() error {
			return db.SaveTurn(ctx, a.ID, turn(func(t *store.Turn) { t.Dropped = -1 }))
		}, nil, "dropped"},
		{"finish a missing attempt", func() error { return db.FinishAttempt(ctx, missing, at(9)) }, store.ErrNotFound, "finish attempt"},
		{"finish with zero time", func() error { return db.FinishAttempt(ctx, a.ID, time.Time{}) }, nil, "not set"},
		{"finish before start", func() error { return db.FinishAttempt(ctx, a.ID, base.Add(-time.Second)) }, nil, "before start"},
		{"begin an attempt with a stored id", func() error {
			again := newAttempt("again", at(2), 0)
			again.FinishedAt = time.Time{}
			again.ID = strings.ToUpper(a.ID)
			return db.BeginAttempt(ctx, &again)
		}, store.ErrExists, "begin attempt"},
		{"begin a finished attempt", func() error { return db.BeginAttempt(ctx, &finished) }, nil, "finish time is set"},
		{"begin nil", func() error { return db.BeginAttempt(ctx, nil) }, nil, "nil attempt"},
		{"begin with a stored turn id", func() error {
			b := newAttempt("b", at(3), 1)
			b.FinishedAt = time.Time{}
			b.Turns[0].ID = a.Turns[0].ID
			return db.BeginAttempt(ctx, &b)
		}, store.ErrExists, "turn 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("got %v, want %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
	// None of it changed what is stored.
	list, err := db.ListAttempts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != a.ID || list[0].TurnCount != 1 || !list[0].FinishedAt.IsZero() {
		t.Errorf("after the failed calls: %+v, want only the begun attempt with 1 turn, unfinished", list)
	}
}

func TestUnfinishedListing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	type spec struct {
		name     string
		start    int
		planned  int
		turns    int
		finished bool
		begun    bool // BeginAttempt + SaveTurn, else SaveAttempt
	}
	specs := []spec{
		{"left after two of three", 1, 3, 2, false, true},
		{"finished run", 2, 4, 4, true, true},
		{"crashed before any turn", 3, 5, 0, false, true},
		{"saved whole", 4, 2, 2, true, false},
		{"saved whole unfinished", 5, 0, 1, false, false},
	}
	ids := map[string]string{}
	for _, s := range specs {
		a := newAttempt(s.name, at(s.start), s.turns)
		a.PlannedTurns = s.planned
		a.FinishedAt = time.Time{}
		if s.begun {
			turns := a.Turns
			a.Turns = nil
			mustBegin(t, db, &a)
			for i := range turns {
				mustSaveTurn(t, db, a.ID, &turns[i])
			}
			if s.finished {
				if err := db.FinishAttempt(ctx, a.ID, at(s.start+1)); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			if s.finished {
				a.FinishedAt = at(s.start + 1)
			}
			mustSave(t, db, &a)
		}
		ids[s.name] = a.ID
	}

	all, err := db.ListAttempts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	unfinished, err := db.UnfinishedAttempts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var gotAll, gotUnfinished, wantAll, wantUnfinished []string
	for _, s := range all {
		gotAll = append(gotAll, fmt.Sprintf("%s %d of %d finished=%v", s.ScenarioID, s.TurnCount, s.PlannedTurns, !s.FinishedAt.IsZero()))
	}
	for _, s := range unfinished {
		gotUnfinished = append(gotUnfinished, fmt.Sprintf("%s %d of %d", s.ScenarioID, s.TurnCount, s.PlannedTurns))
	}
	for i := len(specs) - 1; i >= 0; i-- { // newest first
		s := specs[i]
		wantAll = append(wantAll, fmt.Sprintf("%s %d of %d finished=%v", s.name, s.turns, s.planned, s.finished))
		if !s.finished {
			wantUnfinished = append(wantUnfinished, fmt.Sprintf("%s %d of %d", s.name, s.turns, s.planned))
		}
	}
	if !reflect.DeepEqual(gotAll, wantAll) {
		t.Errorf("ListAttempts:\n got %q\nwant %q", gotAll, wantAll)
	}
	if !reflect.DeepEqual(gotUnfinished, wantUnfinished) {
		t.Errorf("UnfinishedAttempts:\n got %q\nwant %q", gotUnfinished, wantUnfinished)
	}
	for _, s := range unfinished {
		if s.ID != ids[s.ScenarioID] {
			t.Errorf("%s: id %s, want %s", s.ScenarioID, s.ID, ids[s.ScenarioID])
		}
	}
}

// TestSaveTurnConcurrent saves turns of one attempt from two goroutines at
// once, on different indexes and on the same one. Every call must succeed
// (immediate transactions and busy_timeout queue the writers) and every
// index must end with exactly one turn and the pauses of that one take.
func TestSaveTurnConcurrent(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	raw := store.RawDB(db)
	a := newAttempt("concurrent", base, 0)
	a.FinishedAt = time.Time{}
	mustBegin(t, db, &a)

	const perWriter = 25 // enough rounds for the two writers to overlap
	var wg sync.WaitGroup
	errs := make(chan error, 2*perWriter)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				// Each writer has its own indexes, and both write index 0.
				for _, idx := range []int{1 + 2*i + w, 0} {
					turn := newAttempt("c", base, 1).Turns[0]
					turn.Index = idx
					turn.Report.Pauses = turn.Report.Pauses[:1+(i+w)%2]
					turn.RecordingPath = fmt.Sprintf("w%d-%d.wav", w, i)
					if err := db.SaveTurn(ctx, a.ID, &turn); err != nil {
						errs <- fmt.Errorf("writer %d, turn %d: %w", w, idx, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := mustRead(t, db, a.ID)
	if n, want := len(got.Turns), 1+2*perWriter; n != want {
		t.Errorf("%d turns stored, want %d", n, want)
	}
	for i, turn := range got.Turns {
		if turn.Index != i {
			t.Errorf("turn %d has index %d", i, turn.Index)
		}
	}
	var mismatched int
	if err := raw.QueryRow(`SELECT count(*) FROM turn t
		WHERE t.pause_count <> (SELECT count(*) FROM pause p WHERE p.turn_id = t.id)`).Scan(&mismatched); err != nil {
		t.Fatal(err)
	}
	if mismatched != 0 {
		t.Errorf("%d turns whose pause rows are not their own take's", mismatched)
	}
}

// TestRecordingPathKeptAsGiven: the store does not resolve or clean paths.
func TestRecordingPathKeptAsGiven(t *testing.T) {
	db := MustOpenDB(t)
	a := newAttempt("paths", base, 0)
	a.FinishedAt = time.Time{}
	mustBegin(t, db, &a)
	paths := []string{
		"recordings/2025-03-14/turn-1.wav",
		"../outside/turn.wav",
		"/absolute/turn.wav",
		`C:\Users\rep\turn.wav`,
		"",
	}
	for i, p := range paths {
		turn := store.Turn{Index: i, RecordingPath: p, Report: analysis.Report{NoSpeech: true}}
		mustSaveTurn(t, db, a.ID, &turn)
	}
	got := mustRead(t, db, a.ID)
	for i, p := range paths {
		if got.Turns[i].RecordingPath != p {
			t.Errorf("turn %d: RecordingPath %q, want %q", i, got.Turns[i].RecordingPath, p)
		}
	}
}
