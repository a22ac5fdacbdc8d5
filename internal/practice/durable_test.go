package practice_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// Every measured turn is in the store when the turn ends, so leaving, a
// crash or a full disk never loses one.

func TestLeavingKeepsFinishedTurns(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	r := newRig(t, calm, cat(silence(300*time.Millisecond), buzz(time.Minute)))
	if _, err := r.turn(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	saved := r.store.saved()
	if len(saved) != 1 || len(saved[0].Turns) != 1 || !saved[0].FinishedAt.IsZero() || saved[0].PlannedTurns != 2 {
		t.Fatalf("after turn 1 the store has %+v, want one unfinished attempt with 1 of 2 turns", saved)
	}
	// Turn 2: the rep presses Esc mid-answer.
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	recording := make(chan struct{})
	go func() {
		_, err := r.turn(ctx, func(p practice.Phase) {
			if p == practice.PhaseRecording {
				close(recording)
			}
		})
		errc <- err
	}()
	<-recording
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("turn 2 after leaving: %v, want context.Canceled", err)
	}
	saved = r.store.saved()
	if len(saved) != 1 || len(saved[0].Turns) != 1 || !saved[0].FinishedAt.IsZero() {
		t.Fatalf("after leaving the store has %+v, want the unfinished attempt with turn 1", saved)
	}
	part := filepath.Join(r.dir, "recordings", r.run.ID(), "turn-2.wav")
	if _, err := os.Stat(part); err != nil {
		t.Errorf("the left answer's recording is not kept: %v", err)
	}
	// Nothing is left for the next start to attach: leaving is not a crash.
	rec, errs := practice.Recover(context.Background(), r.dir, r.store)
	if len(errs) > 0 || len(rec) > 0 {
		t.Errorf("Recover after leaving = %+v, %v; want nothing", rec, errs)
	}
}

func TestInterruptedTurnIsAttachedAtNextStart(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	r := newRig(t, calm, cat(silence(700*time.Millisecond), buzz(3*time.Second)))
	if _, err := r.turn(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// Turn 2 freezes 3.2 s after the cue, as a killed process would.
	r.mic.pauseAt, r.mic.paused = 160, make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { _, err := r.turn(ctx, nil); errc <- err }()
	<-r.mic.paused
	// The capture's writer goroutine puts what the mic delivered on disk
	// (synced every second of audio); a crash now would leave what it has
	// written. Wait until 2.5 s of the 3.2 s are there: what a real crash
	// keeps is measured by TestKillMidRecordingKeepsTheAnswer.
	part := filepath.Join(r.dir, "recordings", r.run.ID(), "turn-2.wav"+pcm.PartSuffix)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if fi, err := os.Stat(part); err == nil && fi.Size() >= 44+2*rate*5/2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the capture never wrote 2.5 s of turn 2 to %s", part)
		}
	}

	// The next start.
	rec, errs := practice.Recover(context.Background(), r.dir, r.store)
	if len(errs) > 0 || len(rec) != 1 {
		t.Fatalf("Recover = %+v, %v; want one rescued take", rec, errs)
	}
	if !rec[0].Attached || rec[0].Index != 1 || rec[0].AttemptID != r.run.ID() {
		t.Errorf("rescued %+v, want turn 2 of attempt %s attached", rec[0], r.run.ID())
	}
	saved := r.store.saved()
	if len(saved) != 1 || len(saved[0].Turns) != 2 {
		t.Fatalf("store after recovery %+v, want the attempt with 2 turns", saved)
	}
	got := saved[0].Turns[1]
	if !got.Recovered || got.LineID != "two" || got.Report.NoSpeech {
		t.Errorf("rescued turn = %+v, want turn two, recovered, with speech", got)
	}
	// The cue was written beside the take when it was given, so latency is
	// measured from it even after a crash.
	if d := (got.Report.Latency - 700*time.Millisecond).Abs(); d > 40*time.Millisecond {
		t.Errorf("rescued latency %v, want 0.7 s ± 40 ms", got.Report.Latency)
	}
	clip, err := pcm.ReadFile(practice.RecordingFile(r.dir, got.RecordingPath))
	if err != nil || clip.Duration() < 2*time.Second {
		t.Errorf("rescued recording: %v, %v; want at least 2 s (3.2 s recorded, at most 1 s unsynced)", err, clip.Duration())
	}
	// A second start finds nothing more to do.
	if rec, errs := practice.Recover(context.Background(), r.dir, r.store); len(rec) != 0 || len(errs) != 0 {
		t.Errorf("second Recover = %+v, %v; want nothing", rec, errs)
	}
	cancel()
	<-errc
}

func TestTurnSavedLaterWhenTheDiskWasFull(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	r := newRig(t, calm, calm)
	r.store.fail = fmt.Errorf("insert turn: %w", syscall.ENOSPC)
	res, err := r.turn(context.Background(), nil)
	if err != nil {
		t.Fatalf("a failed save must not fail the turn: %v", err)
	}
	if !errors.Is(res.SaveErr, syscall.ENOSPC) {
		t.Errorf("turn 1 SaveErr = %v, want the disk-full error", res.SaveErr)
	}
	if len(r.store.saved()) != 0 {
		t.Fatalf("store changed by a failed save: %+v", r.store.saved())
	}
	r.store.fail = nil // the rep freed some space
	res, err = r.turn(context.Background(), nil)
	if err != nil || res.SaveErr != nil {
		t.Fatalf("turn 2: %v, save: %v", err, res.SaveErr)
	}
	saved := r.store.saved()
	if len(saved) != 1 || len(saved[0].Turns) != 2 {
		t.Fatalf("store %+v, want both turns once the disk has room", saved)
	}
	if _, err := r.run.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.store.saved()[0].FinishedAt.IsZero() {
		t.Error("attempt not marked finished")
	}
}

func TestNoDatabaseMeasuresButSaysSo(t *testing.T) {
	sc, fsys := testScenario(t)
	cued := make(chan struct{}, 1)
	mic := &fakeMic{answers: [][]float32{cat(silence(500*time.Millisecond), buzz(time.Second))}, cued: cued}
	run, err := practice.New(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: &fakeSpeaker{}, DataDir: t.TempDir(), SilenceStop: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rg := rig{run: run, mic: mic}
	res, err := rg.turn(context.Background(), nil)
	if err != nil || res.Report.NoSpeech {
		t.Fatalf("turn without a database: %v (no speech %v)", err, res.Report.NoSpeech)
	}
	if !errors.Is(res.SaveErr, practice.ErrNotSaved) {
		t.Errorf("SaveErr = %v, want ErrNotSaved", res.SaveErr)
	}
}

func TestSelfChecksAndTheCustomerLineAreKeptWithTheTurn(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	r := newRig(t, calm, calm)
	if _, err := r.turn(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	ticks := []store.SelfCheck{{Text: "Acknowledged the feeling", Done: true}, {Text: "Asked: fair statement?", Done: false}}
	if err := r.run.SetSelfChecks(context.Background(), 0, ticks); err != nil {
		t.Fatalf("SetSelfChecks: %v", err)
	}
	got := r.store.saved()[0].Turns[0]
	if len(got.SelfChecks) != 2 || !got.SelfChecks[0].Done || got.SelfChecks[1].Done {
		t.Errorf("stored self-checks %+v, want %+v", got.SelfChecks, ticks)
	}
	if math.IsNaN(got.Customer.MeanDBFS) || got.Customer.MeanDBFS > -10 || got.Customer.MeanDBFS < -40 {
		t.Errorf("customer line level %v dBFS, want the measured level of the buzz line", got.Customer.MeanDBFS)
	}
	if err := r.run.SetSelfChecks(context.Background(), 1, ticks); err == nil {
		t.Error("ticks for a turn not answered yet should be refused")
	}
}

func TestDeleteRecordingsNamesOnlyAnAttemptFolder(t *testing.T) {
	dir := t.TempDir()
	id := "0b5c3f2e-8d7a-4c1b-9e6f-2a4d5c6b7e8f"
	keep := filepath.Join(dir, "recordings", "calibration", "x.wav")
	for _, p := range []string{filepath.Join(dir, "recordings", id, "turn-1.wav"), keep} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{"", "..", "../recordings", "calibration", id + "/..", "not-a-uuid"} {
		if err := practice.DeleteRecordings(dir, bad); err == nil {
			t.Errorf("DeleteRecordings(%q) succeeded; only an attempt id may be named", bad)
		}
	}
	if err := practice.DeleteRecordings(dir, id); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "recordings", id)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the attempt's folder is still there: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("another recording was touched: %v", err)
	}
	if err := practice.DeleteRecordings(dir, id); err != nil {
		t.Errorf("deleting again: %v, want nil (already gone)", err)
	}
}

func TestResumeFinishesAnUnfinishedAttempt(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	r := newRig(t, calm, calm)
	if _, err := r.turn(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	left := r.store.saved()[0] // the rep left after turn 1
	sc, fsys := testScenario(t)
	cued := make(chan struct{}, 1)
	mic := &fakeMic{answers: [][]float32{calm}, cued: cued}
	run, err := practice.Resume(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: &fakeSpeaker{},
		Store: r.store, DataDir: r.dir, SilenceStop: time.Second}, left)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID() != left.ID || run.Index() != 1 {
		t.Fatalf("resumed run %s at turn %d, want attempt %s at turn 2", run.ID(), run.Index()+1, left.ID)
	}
	if _, _, v := run.NextLine(); v != scenario.VariantSoftened {
		t.Errorf("turn 2 variant %q, want softened (from the stored calm turn 1)", v)
	}
	if _, err := (rig{run: run, mic: mic}).turn(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := run.Finish(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := r.store.saved()
	if len(got) != 1 || len(got[0].Turns) != 2 || got[0].FinishedAt.IsZero() {
		t.Fatalf("after finishing: %+v; want the same attempt, 2 turns, finished", got)
	}
	other := left
	other.ScenarioID = "another"
	if _, err := practice.Resume(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: &fakeSpeaker{}}, other); err == nil {
		t.Error("resuming an attempt of another scenario should be refused")
	}
}
