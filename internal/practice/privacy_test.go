package practice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fallback/internal/practice"
	"fallback/internal/store"
)

// newMetricsRig is newRig with "keep metrics only" on.
func newMetricsRig(t *testing.T, answers ...[]float32) rig {
	t.Helper()
	sc, fsys := testScenario(t)
	r := rig{
		mic:   &fakeMic{answers: answers, cued: make(chan struct{}, 1)},
		spk:   &fakeSpeaker{},
		store: &fakeStore{},
		dir:   t.TempDir(),
	}
	run, err := practice.New(practice.Config{
		Scenario: sc, Audio: fsys, Recorder: r.mic, Player: r.spk, Store: r.store,
		DataDir: r.dir, SilenceStop: time.Second, MetricsOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.run = run
	return r
}

// filesUnder lists the files below dir (relative), none when it is gone.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMetricsOnlyDeletesEachTakeOnceCommitted(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	r := newMetricsRig(t, calm, calm)
	recordings := filepath.Join(r.dir, "recordings")
	for i := range 2 {
		res, err := r.turn(context.Background(), nil)
		if err != nil || res.SaveErr != nil {
			t.Fatalf("turn %d: %v, save: %v", i+1, err, res.SaveErr)
		}
		if res.RecordingPath != "" || len(res.Clip.Samples) != 0 {
			t.Errorf("turn %d keeps path %q and %d samples, want neither", i+1, res.RecordingPath, len(res.Clip.Samples))
		}
		if res.Report.NoSpeech || (res.Report.Latency-900*time.Millisecond).Abs() > 40*time.Millisecond {
			t.Errorf("turn %d figures %+v, want the answer measured (latency 0.9 s)", i+1, res.Report)
		}
		if left := filesUnder(t, recordings); len(left) != 0 {
			t.Errorf("after turn %d the recordings folder holds %v, want nothing", i+1, left)
		}
	}
	att, err := r.run.Finish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	saved := r.store.saved()
	if len(saved) != 1 || len(saved[0].Turns) != 2 {
		t.Fatalf("store %+v, want one attempt of 2 turns", saved)
	}
	for i, tu := range append(saved[0].Turns, att.Turns...) {
		if tu.RecordingPath != "" {
			t.Errorf("turn %d stored with path %q, want none (metrics only)", i%2+1, tu.RecordingPath)
		}
		if tu.Report.NoSpeech || len(tu.Report.Pauses) != 0 || tu.Report.MeanDBFS > -5 || tu.Report.MeanDBFS < -40 {
			t.Errorf("turn %d stored figures %+v, want the measured answer", i%2+1, tu.Report)
		}
	}
}

func TestMetricsOnlyKeepsTheTakeUntilItIsCommitted(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	diskFull := fmt.Errorf("insert turn: %w", syscall.ENOSPC)
	take1 := func(r rig) string { return filepath.Join(r.dir, "recordings", r.run.ID(), "turn-1.wav") }

	t.Run("committed with the next turn", func(t *testing.T) {
		r := newMetricsRig(t, calm, calm)
		r.store.fail = diskFull
		res, err := r.turn(context.Background(), nil)
		if err != nil || !errors.Is(res.SaveErr, syscall.ENOSPC) {
			t.Fatalf("turn 1: %v, save %v; want the disk-full save error", err, res.SaveErr)
		}
		for _, p := range []string{take1(r), take1(r) + ".json"} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("an uncommitted take must stay on disk: %v", err)
			}
		}
		if res.RecordingPath == "" || len(res.Clip.Samples) == 0 {
			t.Error("an uncommitted take must keep its path and clip")
		}
		r.store.fail = nil
		if res, err := r.turn(context.Background(), nil); err != nil || res.SaveErr != nil {
			t.Fatalf("turn 2: %v, save %v", err, res.SaveErr)
		}
		if left := filesUnder(t, filepath.Join(r.dir, "recordings")); len(left) != 0 {
			t.Errorf("both turns committed, yet the recordings folder holds %v", left)
		}
		if got := r.run.Results()[0]; got.RecordingPath != "" {
			t.Errorf("turn 1 committed late keeps path %q", got.RecordingPath)
		}
		for i, tu := range r.store.saved()[0].Turns {
			if tu.RecordingPath != "" {
				t.Errorf("stored turn %d path %q, want none", i+1, tu.RecordingPath)
			}
		}
	})

	t.Run("crash before the commit", func(t *testing.T) {
		r := newMetricsRig(t, calm, calm)
		r.store.fail = diskFull
		if res, err := r.turn(context.Background(), nil); err != nil || res.SaveErr == nil {
			t.Fatalf("turn 1: %v, save %v; want a failed save", err, res.SaveErr)
		}
		// The app dies here; at the next start the disk has room again.
		r.store.fail = nil
		rec, errs := practice.RecoverWith(context.Background(), r.dir, r.store, practice.RecoverOptions{MetricsOnly: true})
		if len(errs) > 0 || len(rec) != 1 || !rec[0].Attached || !rec[0].Deleted || rec[0].Index != 0 {
			t.Fatalf("Recover = %+v, %v; want turn 1 rescued, attached and its recording deleted", rec, errs)
		}
		saved := r.store.saved()
		if len(saved) != 1 || len(saved[0].Turns) != 1 {
			t.Fatalf("store after the rescue %+v, want the attempt with turn 1", saved)
		}
		got := saved[0].Turns[0]
		if got.RecordingPath != "" || !got.Recovered || got.Report.NoSpeech {
			t.Errorf("rescued turn %+v, want it recovered, measured, with no path", got)
		}
		if left := filesUnder(t, filepath.Join(r.dir, "recordings")); len(left) != 0 {
			t.Errorf("after the rescue the recordings folder holds %v", left)
		}
	})
}

func TestMetricsOnlyDropsATakeThatFailed(t *testing.T) {
	r := newMetricsRig(t, cat(silence(500*time.Millisecond), buzz(3*time.Second)))
	r.mic.failAfter, r.mic.errLost = 30, practice.ErrDeviceLost
	if _, err := r.turn(context.Background(), nil); !errors.Is(err, practice.ErrDeviceLost) || !errors.Is(err, practice.ErrTakeDropped) {
		t.Fatalf("turn: %v, want the device lost, marked as a dropped take", err)
	}
	if left := filesUnder(t, filepath.Join(r.dir, "recordings")); len(left) != 0 {
		t.Errorf("a take never measured stays under metrics only: %v", left)
	}
}

// practiceFolder is a data folder with a real database holding one
// attempt (its recording on disk) and a baseline (its reading too), and
// the rep's own material beside them.
type practiceFolder struct {
	dir string
	db  *store.DB
	own map[string][]byte // relative path → content, must survive
}

func newPracticeFolder(t *testing.T) practiceFolder {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "fallback.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := practiceFolder{dir: dir, db: db, own: map[string][]byte{
		"scenarios/my-own.toml":                 []byte("id = \"my-own\"\ntitle = \"My own\"\n"),
		"scenarios/missed-delivery/line-1.wav":  wavBytes(t, buzz(100*time.Millisecond)),
		"scenarios/lines/manager-complaint.wav": wavBytes(t, buzz(200*time.Millisecond)),
		"notes.txt":                             []byte("not Fallback's"),
	}}
	a := store.Attempt{ScenarioID: "late", ScenarioTitle: "Late", StartedAt: time.Now().UTC(), PlannedTurns: 1,
		Turns: []store.Turn{{Index: 0, LineID: "one", RecordingPath: "recordings/x/turn-1.wav"}}}
	if err := db.SaveAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	b := store.Baseline{MeanDBFS: -22, RecordingPath: "recordings/calibration/20261201-101010.wav", Passage: "depot"}
	if err := db.SaveBaseline(ctx, &b); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"recordings/" + a.ID + "/turn-1.wav":         wavBytes(t, buzz(time.Second)),
		"recordings/" + a.ID + "/turn-2.wav.part":    wavBytes(t, buzz(time.Second)),
		"recordings/" + a.ID + "/turn-2.wav.json":    []byte("{}"),
		"recordings/calibration/20261201-101010.wav": wavBytes(t, buzz(time.Second)),
	}
	for rel, b := range f.own {
		files[rel] = b
	}
	for rel, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// checkOwnMaterial fails unless every own file is there, unchanged.
func (f practiceFolder) checkOwnMaterial(t *testing.T) {
	t.Helper()
	for rel, want := range f.own {
		got, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("own file %s: %v (%d bytes, want %d unchanged)", rel, err, len(got), len(want))
		}
	}
}

func TestDeleteAllDataKeepsOwnScenariosAndLines(t *testing.T) {
	ctx := context.Background()
	f := newPracticeFolder(t)
	n, err := practice.DeleteAllData(ctx, f.dir, f.db)
	if err != nil {
		t.Fatalf("DeleteAllData: %v", err)
	}
	if n != 3 {
		t.Errorf("DeleteAllData removed %d recordings, want 3 (an answer, a rescued .part, a reading)", n)
	}
	if _, err := os.Stat(practice.RecordingsFolder(f.dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("recordings folder after DeleteAllData: %v, want it gone", err)
	}
	if list, err := f.db.ListAttempts(ctx, 10); err != nil || len(list) != 0 {
		t.Errorf("history after DeleteAllData: %d attempts, %v; want none", len(list), err)
	}
	if _, err := f.db.LatestBaseline(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("baseline after DeleteAllData: %v, want none (calibration is offered again)", err)
	}
	f.checkOwnMaterial(t)
}

// refusingStore refuses to delete anything.
type refusingStore struct{}

func (refusingStore) DeleteAll(context.Context) error {
	return fmt.Errorf("delete all practice data: %w", store.ErrDiskFull)
}

func TestDeleteAllDataFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("the store refuses: nothing is deleted", func(t *testing.T) {
		f := newPracticeFolder(t)
		before := filesUnder(t, f.dir)
		if _, err := practice.DeleteAllData(ctx, f.dir, refusingStore{}); !errors.Is(err, store.ErrDiskFull) || !errors.Is(err, practice.ErrNothingDeleted) {
			t.Fatalf("DeleteAllData = %v, want the store's error as ErrNothingDeleted", err)
		}
		if after := filesUnder(t, f.dir); len(after) != len(before) {
			t.Errorf("files after a refused delete %v, want all of %v", after, before)
		}
	})
	t.Run("a recording cannot be removed: it is named", func(t *testing.T) {
		f := newPracticeFolder(t)
		stuck := filepath.Join(f.dir, "recordings", "calibration", "20261201-101010.wav")
		defer practice.SetRemove(func(p string) error {
			if p == stuck {
				return &fs.PathError{Op: "remove", Path: p, Err: syscall.EBUSY}
			}
			return os.Remove(p)
		})()
		n, err := practice.DeleteAllData(ctx, f.dir, f.db)
		if !errors.Is(err, practice.ErrRecordingsLeft) || !strings.Contains(err.Error(), stuck) {
			t.Fatalf("DeleteAllData = %v, want ErrRecordingsLeft naming %s", err, stuck)
		}
		if n != 2 {
			t.Errorf("removed %d recordings, want the 2 that could go", n)
		}
		if left := filesUnder(t, practice.RecordingsFolder(f.dir)); len(left) != 1 {
			t.Errorf("recordings left %v, want only the stuck one", left)
		}
		if list, _ := f.db.ListAttempts(ctx, 10); len(list) != 0 {
			t.Errorf("the history should be gone all the same, %d attempts left", len(list))
		}
		f.checkOwnMaterial(t)
	})
}

func TestDeleteKeptRecordingsKeepsTheFigures(t *testing.T) {
	ctx := context.Background()
	f := newPracticeFolder(t)
	n, err := practice.DeleteKeptRecordings(ctx, f.dir, f.db)
	if err != nil || n != 3 {
		t.Fatalf("DeleteKeptRecordings = %d, %v; want 3 recordings removed", n, err)
	}
	list, err := f.db.ListAttempts(ctx, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("history: %d attempts, %v; want the one kept", len(list), err)
	}
	a, err := f.db.Attempt(ctx, list[0].ID)
	if err != nil || len(a.Turns) != 1 || a.Turns[0].RecordingPath != "" {
		t.Errorf("attempt after DeleteKeptRecordings: %+v, %v; want its turn with no path", a, err)
	}
	b, err := f.db.LatestBaseline(ctx)
	if err != nil || b.RecordingPath != "" || b.MeanDBFS != -22 {
		t.Errorf("baseline after DeleteKeptRecordings: %+v, %v; want the figures, no path", b, err)
	}
	f.checkOwnMaterial(t)
}
