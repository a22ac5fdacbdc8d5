package practice_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

const rate = 16000

// buzz is a harmonic-rich voiced-like signal: a 150 Hz pulse train through
// a few harmonics at about -20 dBFS RMS, syllable-modulated at 4 Hz.
func buzz(d time.Duration) []float32 {
	n := int(d.Seconds() * rate)
	s := make([]float32, n)
	for i := range s {
		t := float64(i) / rate
		v := 0.0
		for h := 1; h <= 8; h++ {
			v += math.Sin(2*math.Pi*150*float64(h)*t) / float64(h)
		}
		env := 0.55 - 0.45*math.Cos(2*math.Pi*4*t)
		s[i] = float32(0.1 * env * v)
	}
	return s
}

func silence(d time.Duration) []float32 { return make([]float32, int(d.Seconds()*rate)) }

func cat(parts ...[]float32) []float32 {
	var out []float32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// fakeMic delivers scripted answers in 20 ms chunks, one answer per Record
// call. It has no clock: it delivers one chunk, then waits on cued — sent
// once the run has taken the cue's position (rig.turn does it on
// PhaseRecording), so the cue lands after exactly one chunk — then the
// answer, then silence until the caller stops it. A non-zero failAfter
// makes Record fail mid-answer.
type fakeMic struct {
	answers   [][]float32
	calls     int
	cued      chan struct{} // released once the cue is taken
	failAfter int           // chunks after the cue before returning errLost; 0 = never
	errLost   error
	// pauseAt, when > 0, freezes the mic that many chunks after the cue:
	// paused is closed and Record waits for ctx (a process frozen
	// mid-answer, as a crash leaves it).
	pauseAt int
	paused  chan struct{}
}

func (m *fakeMic) SampleRate() int { return rate }

func (m *fakeMic) Record(ctx context.Context, sink func([]float32) error) error {
	answer := m.answers[m.calls%len(m.answers)]
	m.calls++
	chunk := make([]float32, rate/50)
	if err := sink(chunk); err != nil {
		return err
	}
	select {
	case <-m.cued:
	case <-ctx.Done():
		return nil
	}
	for i := 0; ; i++ {
		if ctx.Err() != nil {
			return nil
		}
		if m.failAfter > 0 && i == m.failAfter {
			return m.errLost
		}
		if m.pauseAt > 0 && i == m.pauseAt {
			close(m.paused)
			<-ctx.Done()
			return nil
		}
		for j := range chunk {
			chunk[j] = 0
		}
		if off := i * len(chunk); off < len(answer) {
			copy(chunk, answer[off:])
		}
		if err := sink(chunk); err != nil {
			return err
		}
	}
}

// fakeSpeaker records what was played.
type fakeSpeaker struct {
	mu     sync.Mutex
	played []int // sample counts of the clips played, in order
}

func (s *fakeSpeaker) Play(ctx context.Context, c pcm.Clip) error {
	s.mu.Lock()
	s.played = append(s.played, len(c.Samples))
	s.mu.Unlock()
	return nil
}

// fakeStore keeps attempts in memory the way the store does (a turn of the
// same index is replaced), and fails every call while fail is set.
type fakeStore struct {
	mu   sync.Mutex
	atts []store.Attempt
	fail error
}

func (f *fakeStore) BeginAttempt(_ context.Context, a *store.Attempt) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	for _, have := range f.atts {
		if have.ID == a.ID {
			return store.ErrExists
		}
	}
	c := *a
	c.Turns = append([]store.Turn(nil), a.Turns...)
	f.atts = append(f.atts, c)
	return nil
}

func (f *fakeStore) SaveTurn(_ context.Context, id string, t *store.Turn) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	for i := range f.atts {
		if f.atts[i].ID != id {
			continue
		}
		for j := range f.atts[i].Turns {
			if f.atts[i].Turns[j].Index == t.Index {
				f.atts[i].Turns[j] = *t
				return nil
			}
		}
		f.atts[i].Turns = append(f.atts[i].Turns, *t)
		return nil
	}
	return store.ErrNotFound
}

func (f *fakeStore) FinishAttempt(_ context.Context, id string, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	for i := range f.atts {
		if f.atts[i].ID == id {
			f.atts[i].FinishedAt = at
			return nil
		}
	}
	return store.ErrNotFound
}

func (f *fakeStore) SetSelfChecks(_ context.Context, id string, index int, checks []store.SelfCheck) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	for i := range f.atts {
		if f.atts[i].ID != id {
			continue
		}
		for j := range f.atts[i].Turns {
			if f.atts[i].Turns[j].Index == index {
				f.atts[i].Turns[j].SelfChecks = append([]store.SelfCheck(nil), checks...)
				return nil
			}
		}
	}
	return store.ErrNotFound
}

// saved is a copy of what the store holds.
func (f *fakeStore) saved() []store.Attempt {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Attempt(nil), f.atts...)
}

func wavBytes(t *testing.T, samples []float32) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pcm.WriteWAV(&b, pcm.Clip{Rate: rate, Samples: samples}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Customer lines have distinct lengths so the test can tell which played.
const (
	lenLine1     = 100 * time.Millisecond
	lenLine2     = 200 * time.Millisecond
	lenSoftened  = 300 * time.Millisecond
	lenEscalated = 400 * time.Millisecond
	lenStill     = 500 * time.Millisecond
)

func testScenario(t *testing.T) (scenario.Scenario, fstest.MapFS) {
	fsys := fstest.MapFS{
		"l1.wav":  {Data: wavBytes(t, buzz(lenLine1))},
		"l2.wav":  {Data: wavBytes(t, buzz(lenLine2))},
		"l2s.wav": {Data: wavBytes(t, buzz(lenSoftened))},
		"l2e.wav": {Data: wavBytes(t, buzz(lenEscalated))},
		"l2q.wav": {Data: wavBytes(t, buzz(lenStill))},
	}
	return testScenarioWith(fsys)
}

// testScenarioWith is the two-turn test scenario over the line audio in
// fsys (l1.wav, l2.wav, l2s.wav, l2e.wav, and l2q.wav for the "are you
// still there?" line).
func testScenarioWith(fsys fstest.MapFS) (scenario.Scenario, fstest.MapFS) {
	sc := scenario.Scenario{
		ID: "test", Title: "Test",
		Turns: []scenario.Turn{
			{ID: "one", Line: scenario.Line{Text: "You're late!", Audio: "l1.wav"}, Step: scenario.StepFallBack},
			{ID: "two", Line: scenario.Line{Text: "Well?", Audio: "l2.wav"},
				Softened:   &scenario.Line{Text: "OK, what happened?", Audio: "l2s.wav"},
				Escalated:  &scenario.Line{Text: "Don't you dare!", Audio: "l2e.wav"},
				StillThere: &scenario.Line{Text: "Hello? Are you still there?", Audio: "l2q.wav"},
				Step:       scenario.StepExplain},
		},
	}
	return sc, fsys
}

type rig struct {
	run   *practice.Run
	mic   *fakeMic
	spk   *fakeSpeaker
	store *fakeStore
	dir   string
}

func newRig(t *testing.T, answers ...[]float32) rig {
	t.Helper()
	sc, fsys := testScenario(t)
	return newRigFor(t, sc, fsys, answers...)
}

// newRigFor is newRig over another scenario.
func newRigFor(t *testing.T, sc scenario.Scenario, fsys fstest.MapFS, answers ...[]float32) rig {
	t.Helper()
	cued := make(chan struct{}, 1)
	r := rig{
		mic:   &fakeMic{answers: answers, cued: cued},
		spk:   &fakeSpeaker{},
		store: &fakeStore{},
		dir:   t.TempDir(),
	}
	run, err := practice.New(practice.Config{
		Scenario: sc, Audio: fsys, Recorder: r.mic, Player: r.spk, Store: r.store,
		DataDir: r.dir, SilenceStop: time.Second,
		Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.run = run
	return r
}

// turn plays one turn, releasing the fake mic once the cue is taken, and
// reports each phase to seen (optional).
func (r rig) turn(ctx context.Context, seen func(practice.Phase)) (practice.TurnResult, error) {
	return r.run.Turn(ctx, func(p practice.Phase, _ scenario.Line) {
		if seen != nil {
			seen(p)
		}
		if p == practice.PhaseRecording {
			r.mic.cued <- struct{}{}
		}
	})
}

// chunk is the fake mic's chunk length: the cue lands after one chunk.
const chunk = 20 * time.Millisecond

func TestRunTurnsBranchAndSave(t *testing.T) {
	calm := cat(silence(900*time.Millisecond), buzz(1500*time.Millisecond))
	instant := cat(buzz(1500 * time.Millisecond))
	late := cat(silence(3100*time.Millisecond), buzz(1500*time.Millisecond)) // past the 2.5 s dead-air band
	noStill := func(sc *scenario.Scenario) { sc.Turns[1].StillThere = nil }
	tests := []struct {
		name        string
		edit        func(*scenario.Scenario) // nil: the test scenario as it is
		first       []float32
		wantVariant scenario.Variant
		wantStored  string
		wantLine2   time.Duration
		wantLatency time.Duration
	}{
		{"calm first answer softens the customer", nil, calm, scenario.VariantSoftened, store.VariantSoftened, lenSoftened, 900 * time.Millisecond},
		{"instant first answer escalates", nil, instant, scenario.VariantEscalated, store.VariantEscalated, lenEscalated, 0},
		{"late first answer: are you still there?", nil, late, scenario.VariantStillThere, store.VariantEscalated, lenStill, 3100 * time.Millisecond},
		{"late first answer, no still-there line: escalates", noStill, late, scenario.VariantEscalated, store.VariantEscalated, lenEscalated, 3100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, fsys := testScenario(t)
			if tt.edit != nil {
				tt.edit(&sc)
			}
			r := newRigFor(t, sc, fsys, tt.first, calm)
			var phases []practice.Phase
			for !r.run.Done() {
				if _, err := r.turn(context.Background(), func(p practice.Phase) { phases = append(phases, p) }); err != nil {
					t.Fatalf("turn %d: %v", r.run.Index()+1, err)
				}
			}
			wantPhases := []practice.Phase{practice.PhaseCustomer, practice.PhaseCue, practice.PhaseRecording, practice.PhaseAnalysing}
			if len(phases) != 8 || phases[0] != wantPhases[0] || phases[3] != wantPhases[3] || phases[6] != wantPhases[2] {
				t.Errorf("phases = %v, want %v twice", phases, wantPhases)
			}
			res := r.run.Results()
			if res[1].Variant != tt.wantVariant {
				t.Errorf("second turn variant = %q, want %q", res[1].Variant, tt.wantVariant)
			}
			// played: line 1, tone, line 2 (variant), tone
			if len(r.spk.played) != 4 || r.spk.played[2] != int(tt.wantLine2.Seconds()*rate) {
				t.Errorf("played sample counts = %v, want the second line to have %v", r.spk.played, tt.wantLine2)
			}
			if d := (res[0].Cue - chunk).Abs(); d > 2*time.Millisecond {
				t.Errorf("cue = %v, want %v ± 2 ms (after the first chunk; the fake has no clock, so the time the sink and the fake speaker take counts)", res[0].Cue, chunk)
			}
			if d := (res[0].Report.Latency - tt.wantLatency).Abs(); d > 30*time.Millisecond {
				t.Errorf("latency = %v, want %v ± 30 ms", res[0].Report.Latency, tt.wantLatency)
			}
			// The recording on disk is the answer, complete, with no .part left.
			for i, tr := range res {
				got, err := pcm.ReadFile(tr.RecordingPath)
				if err != nil {
					t.Fatalf("turn %d recording: %v", i+1, err)
				}
				if len(got.Samples) != len(tr.Clip.Samples) || got.Rate != rate {
					t.Errorf("turn %d file has %d samples at %d Hz, recorded %d", i+1, len(got.Samples), got.Rate, len(tr.Clip.Samples))
				}
				if _, err := os.Stat(tr.RecordingPath + pcm.PartSuffix); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("turn %d: leftover .part file (stat: %v)", i+1, err)
				}
				if filepath.Dir(tr.RecordingPath) != filepath.Join(r.dir, "recordings", r.run.ID()) {
					t.Errorf("turn %d recording in %s, want under the data folder's recordings/<attempt>", i+1, tr.RecordingPath)
				}
			}
			att, err := r.run.Finish(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			saved := r.store.saved()
			if len(saved) != 1 || len(saved[0].Turns) != 2 || saved[0].ID != r.run.ID() || saved[0].ScenarioID != "test" ||
				saved[0].PlannedTurns != 2 || !saved[0].FinishedAt.Equal(att.FinishedAt) || att.FinishedAt.IsZero() {
				t.Fatalf("saved %+v, want one finished attempt of scenario test with 2 of 2 turns", saved)
			}
			if got, want := saved[0].Turns[1], sc.Turns[1].Variant(tt.wantVariant).Text; got.Variant != tt.wantStored || got.LineText != want || got.Report.NoSpeech {
				t.Errorf("saved turn 2 = %+v, want variant %q and line %q", got, tt.wantStored, want)
			}
			for i, tr := range saved[0].Turns {
				if want := fmt.Sprintf("recordings/%s/turn-%d.wav", r.run.ID(), i+1); tr.RecordingPath != want {
					t.Errorf("turn %d stored path %q, want %q (relative to the data folder)", i+1, tr.RecordingPath, want)
				}
			}
		})
	}
}

func TestSilenceEndsTheAnswer(t *testing.T) {
	r := newRig(t, cat(silence(time.Second), buzz(time.Second)))
	res, err := r.turn(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 20 ms lead + 1 s + 1 s speech + 1 s of silence (SilenceStop), within
	// the live analyser's hangover.
	got := res.Clip.Duration()
	if got < 2900*time.Millisecond || got > 3600*time.Millisecond {
		t.Errorf("recording lasted %v, want about 3 s (stopped by 1 s of silence after speech)", got)
	}
}

func TestStopEndsTheAnswer(t *testing.T) {
	r := newRig(t, cat(silence(300*time.Millisecond), buzz(time.Hour/60))) // 1 min of speech: only Stop ends it
	errc := make(chan error, 1)
	go func() {
		_, err := r.turn(context.Background(), nil)
		errc <- err
	}()
	<-r.run.Levels() // recording is under way
	r.run.Stop()
	if err := <-errc; err != nil {
		t.Fatalf("Turn after Stop: %v", err)
	}
	if len(r.run.Results()) != 1 {
		t.Fatalf("results = %d, want 1", len(r.run.Results()))
	}
}

func TestDeviceLostKeepsTheRecording(t *testing.T) {
	r := newRig(t, buzz(2*time.Second))
	lost := errors.New(`read input device "USB": device lost`)
	r.mic.failAfter = 25 // 0.5 s after the cue
	r.mic.errLost = lost
	_, err := r.turn(context.Background(), nil)
	if !errors.Is(err, lost) {
		t.Fatalf("Turn error = %v, want the device error", err)
	}
	path := filepath.Join(r.dir, "recordings", r.run.ID(), "turn-1.wav")
	got, err := pcm.ReadFile(path)
	if err != nil {
		t.Fatalf("partial recording: %v", err)
	}
	if want := 26 * rate / 50; len(got.Samples) != want {
		t.Errorf("kept %d samples, want %d (everything before the failure)", len(got.Samples), want)
	}
	if r.run.Index() != 0 {
		t.Errorf("index after a failed turn = %d, want 0 (the turn can be retried)", r.run.Index())
	}
	// Trying the turn again records a new take; the partial one is kept.
	r.mic.failAfter = 0
	res, err := r.turn(context.Background(), nil)
	if err != nil {
		t.Fatalf("retried turn: %v", err)
	}
	if want := filepath.Join(r.dir, "recordings", r.run.ID(), "turn-1-take-2.wav"); res.RecordingPath != want {
		t.Errorf("retry recorded to %s, want %s", res.RecordingPath, want)
	}
	if again, err := pcm.ReadFile(path); err != nil || len(again.Samples) != len(got.Samples) {
		t.Errorf("the partial take changed after the retry: %v, %d samples", err, len(again.Samples))
	}
}

func TestMissingLineAudio(t *testing.T) {
	r := newRig(t, buzz(time.Second))
	sc := r.run.Scenario()
	sc.Turns[0].Line.Audio = "nope.wav"
	run, err := practice.New(practice.Config{Scenario: sc, Audio: fstest.MapFS{}, Recorder: r.mic, Player: r.spk, DataDir: r.dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = run.Turn(context.Background(), nil)
	if !errors.Is(err, os.ErrNotExist) || !bytes.Contains([]byte(err.Error()), []byte("nope.wav")) {
		t.Errorf("error = %v, want not-exist naming nope.wav", err)
	}
}

func TestCueTone(t *testing.T) {
	c := practice.CueTone()
	if c.Duration() != 150*time.Millisecond {
		t.Errorf("tone lasts %v, want 150 ms", c.Duration())
	}
	if c.Samples[0] != 0 || math.Abs(float64(c.Samples[len(c.Samples)-1])) > 1e-3 {
		t.Errorf("tone does not start and end at zero (clicks): %v … %v", c.Samples[0], c.Samples[len(c.Samples)-1])
	}
}

func TestRecordLine(t *testing.T) {
	cued := make(chan struct{}, 1)
	cued <- struct{}{} // no cue tone here: let the mic run straight on
	mic := &fakeMic{answers: [][]float32{cat(silence(200*time.Millisecond), buzz(time.Second))}, cued: cued}
	path := filepath.Join(t.TempDir(), "voices", "x", "attack-line.wav")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	clip, err := practice.RecordLine(context.Background(), mic, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 20 ms + 0.2 s + 1 s of speech + 3 s of silence ends it.
	if d := clip.Duration(); d < 4*time.Second || d > 4800*time.Millisecond {
		t.Errorf("line lasts %v, want about 4.2 s (ended by 3 s of silence)", d)
	}
	got, err := pcm.ReadFile(path)
	if err != nil || len(got.Samples) != len(clip.Samples) {
		t.Errorf("saved line: %v, %d samples, want %d", err, len(got.Samples), len(clip.Samples))
	}
}

func TestImportLine(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	if err := pcm.WriteFile(good, pcm.Clip{Rate: 22050, Samples: buzz(500 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.wav")
	if err := os.WriteFile(bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "line.wav")
	tests := []struct {
		name    string
		src     string
		wantErr error
	}{
		{"a good WAV is copied", good, nil},
		{"a corrupt WAV is refused", bad, pcm.ErrCorrupt},
		{"a missing file is refused", filepath.Join(dir, "nope.wav"), os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(dst)
			_, err := practice.ImportLine(tt.src, dst)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				got, err := pcm.ReadFile(dst)
				if err != nil || got.Rate != 22050 || len(got.Samples) != 8000 {
					t.Errorf("imported line: %v rate %d, %d samples", err, got.Rate, len(got.Samples))
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !bytes.Contains([]byte(err.Error()), []byte(filepath.Base(tt.src))) {
				t.Errorf("error = %v, want %v naming %s", err, tt.wantErr, filepath.Base(tt.src))
			}
			if after, _ := os.ReadFile(dst); !bytes.Equal(before, after) {
				t.Error("a refused import changed the existing line")
			}
		})
	}
}

func TestRecoverParts(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "recordings", "a1")
	if err := os.MkdirAll(rec, 0o755); err != nil {
		t.Fatal(err)
	}
	// A recording interrupted after one synced second and a bit more.
	p, err := pcm.CreatePart(filepath.Join(rec, "turn-2.wav"), rate)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Write(buzz(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := p.Sync(); err != nil {
		t.Fatal(err)
	}
	// (no Close: the app "crashed" here)
	if err := os.WriteFile(filepath.Join(rec, "turn-3.wav.part"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, errs := practice.Recover(context.Background(), dir, nil)
	if len(got) != 1 || got[0].Path != filepath.Join(rec, "turn-2.wav") || math.Abs(got[0].Duration-1) > 1e-9 {
		t.Errorf("recovered %+v, want turn-2.wav of 1 s", got)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "turn-3.wav.part") {
		t.Errorf("errors = %v, want one naming the damaged turn-3.wav.part", errs)
	}
	if _, err := os.Stat(filepath.Join(rec, "turn-3.wav.part")); err != nil {
		t.Errorf("the damaged part file must be left in place: %v", err)
	}
	if c, err := pcm.ReadFile(filepath.Join(rec, "turn-2.wav")); err != nil || len(c.Samples) != rate {
		t.Errorf("repaired file: %v, %d samples", err, len(c.Samples))
	}
}

func TestMonitorAndTestTone(t *testing.T) {
	cued := make(chan struct{}, 1)
	cued <- struct{}{}
	mic := &fakeMic{answers: [][]float32{buzz(time.Hour / 60)}, cued: cued}
	levels := make(chan analysis.LiveStats, 1)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	var peak float64
	go func() {
		var err error
		peak, err = practice.Monitor(ctx, mic, levels)
		errc <- err
	}()
	// Read until a second of the buzz (four of its 4 Hz swells) has gone
	// through: the newest stats win, so some are skipped; the peak Monitor
	// returns covers them all.
	var last analysis.LiveStats
	for last.Elapsed < time.Second {
		last = <-levels
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Monitor: %v", err)
	}
	if peak < -30 || peak > -10 {
		t.Errorf("peak %.1f dBFS, want the buzz's chunk peak level (about -20 dBFS)", peak)
	}

	tone := practice.TestTone()
	var top float64
	for _, v := range tone.Samples {
		top = math.Max(top, math.Abs(float64(v)))
	}
	if tone.Duration() != time.Second || math.Abs(20*math.Log10(top)+18) > 0.1 {
		t.Errorf("test tone: %v at peak %.1f dBFS, want 1 s at -18 dBFS", tone.Duration(), 20*math.Log10(top))
	}
}
