// Package practice runs one role-play: for each turn it plays the customer's
// line, gives the cue, records the rep's answer to disk while it happens,
// analyses it, and at the end saves the attempt. It declares the small
// interfaces it needs (Recorder, Player, Store); the app wires real
// PortAudio and SQLite to them, tests wire fakes.
package practice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// Recorder captures the rep's microphone.
type Recorder interface {
	// SampleRate is the rate of the chunks Record delivers.
	SampleRate() int
	// Record calls sink with each chunk of mono samples until ctx is done
	// (then it returns nil) or sink returns an error (then it returns it).
	// The chunk is only valid during the call.
	Record(ctx context.Context, sink func(chunk []float32) error) error
}

// Player plays audio to the rep's speakers and returns when it is done.
type Player interface {
	Play(ctx context.Context, clip pcm.Clip) error
}

// Store keeps finished attempts.
type Store interface {
	SaveAttempt(ctx context.Context, a *store.Attempt) error
}

// Errors the app translates device errors into, so that the UI can say what
// to do without importing the audio package (which needs cgo).
var (
	ErrNoMicrophone = errors.New("no microphone")
	ErrNoSpeaker    = errors.New("no speaker")
	ErrDeviceLost   = errors.New("audio device lost")
)

// Phase is the step a turn is in, reported to the UI as it changes.
type Phase int

// Phases of one turn, in order.
const (
	PhaseCustomer  Phase = iota // the customer's line is playing
	PhaseCue                    // the stream is open and the cue tone plays
	PhaseRecording              // the rep may speak; levels flow
	PhaseAnalysing              // the answer is being measured
)

// String names the phase for logs.
func (p Phase) String() string {
	switch p {
	case PhaseCustomer:
		return "customer"
	case PhaseCue:
		return "cue"
	case PhaseRecording:
		return "recording"
	case PhaseAnalysing:
		return "analysing"
	}
	return fmt.Sprintf("phase(%d)", int(p))
}

// Config is what a run needs.
type Config struct {
	Scenario scenario.Scenario
	Audio    fs.FS // customer-line audio, paths as in scenario.Line.Audio
	Recorder Recorder
	Player   Player
	Store    Store
	// DataDir holds recordings/<attempt id>/turn-N.wav.
	DataDir string
	Bands   coach.Bands
	// Baseline is the rep's calibrated delivery (zero = not calibrated).
	Baseline coach.Baseline
	// MaxAnswer ends a recording that runs this long (default 2 min).
	MaxAnswer time.Duration
	// SilenceStop ends a recording after this much silence following
	// speech (default 4 s; negative disables it).
	SilenceStop time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logf logs progress for operators and the end-to-end test (optional).
	Logf func(format string, args ...any)
}

// TurnResult is one measured answer.
type TurnResult struct {
	Index         int
	TurnID        string
	Line          scenario.Line
	Variant       coach.Variant
	Step          scenario.Step
	Cue           time.Duration
	RecordingPath string
	Report        analysis.Report
	Findings      []coach.Finding
	// Clip is the recorded answer, kept for playback and the timeline.
	Clip pcm.Clip
	// Dropped is how much of the answer was lost before it reached the
	// file (the device buffer overflowed, or the disk fell more than the
	// capture ring behind); 0 on a healthy machine.
	Dropped time.Duration
}

// Run is one role-play of one scenario. Turn and Finish are called
// from one goroutine (the UI's run goroutine); Stop and Levels may be used
// from any goroutine.
type Run struct {
	cfg     Config
	id      string
	started time.Time
	results []TurnResult
	levels  chan analysis.LiveStats // capacity 1; newest wins

	mu   sync.Mutex         // guards stop
	stop context.CancelFunc // ends the current recording; nil when none
}

// New prepares a run. Nothing is played or recorded until Turn.
func New(cfg Config) (*Run, error) {
	if len(cfg.Scenario.Turns) == 0 {
		return nil, fmt.Errorf("start scenario %q: it has no turns", cfg.Scenario.ID)
	}
	if cfg.Recorder == nil || cfg.Player == nil {
		return nil, fmt.Errorf("start scenario %q: %w", cfg.Scenario.ID, ErrNoMicrophone)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAnswer == 0 {
		cfg.MaxAnswer = 2 * time.Minute
	}
	if cfg.SilenceStop == 0 {
		cfg.SilenceStop = 4 * time.Second
	}
	if cfg.Bands == (coach.Bands{}) {
		cfg.Bands = coach.DefaultBands()
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	return &Run{
		cfg:     cfg,
		id:      uuid.NewString(),
		started: cfg.Now().UTC(),
		levels:  make(chan analysis.LiveStats, 1),
	}, nil
}

// ID is the attempt's id, also the name of its recordings folder.
func (r *Run) ID() string { return r.id }

// Scenario is the scenario being played.
func (r *Run) Scenario() scenario.Scenario { return r.cfg.Scenario }

// Index is the number of the turn Turn plays next (0-based).
func (r *Run) Index() int { return len(r.results) }

// Done reports whether every turn has been answered.
func (r *Run) Done() bool { return len(r.results) >= len(r.cfg.Scenario.Turns) }

// Results are the answers so far, in order.
func (r *Run) Results() []TurnResult { return r.results }

// Levels delivers live measurements while recording. It never blocks the
// recorder: when the reader is behind, the older value is dropped.
func (r *Run) Levels() <-chan analysis.LiveStats { return r.levels }

// Stop ends the current recording (Space or Done). It is safe to call at
// any time; with no recording running it does nothing.
func (r *Run) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		r.stop()
	}
}

// NextLine is the customer line the next Turn plays, chosen by the coach
// from how the rep sounded in the previous answer.
func (r *Run) NextLine() (scenario.Turn, scenario.Line, coach.Variant) {
	t := r.cfg.Scenario.Turns[r.Index()]
	if r.Index() == 0 {
		return t, t.Line, coach.Plain
	}
	v := coach.NextVariant(r.results[r.Index()-1].Report, r.cfg.Bands)
	switch {
	case v == coach.Softened && t.Softened != nil:
		return t, *t.Softened, v
	case v == coach.Escalated && t.Escalated != nil:
		return t, *t.Escalated, v
	}
	return t, t.Line, coach.Plain
}

// errAutoStop ends a recording from inside the sink (silence after speech
// or the length limit); it is not an error for the caller.
var errAutoStop = errors.New("recording ended automatically")

// Turn plays the next customer line, the cue, records the answer until
// Stop, silence or the length limit, and measures it. on is told of each
// phase (from this goroutine). A device error ends the turn with what was
// recorded kept on disk.
func (r *Run) Turn(ctx context.Context, on func(Phase, scenario.Line)) (TurnResult, error) {
	if r.Done() {
		return TurnResult{}, errors.New("play turn: the scenario is finished")
	}
	if on == nil {
		on = func(Phase, scenario.Line) {}
	}
	idx := r.Index()
	turn, line, variant := r.NextLine()

	clip, err := LoadLine(r.cfg.Audio, line)
	if err != nil {
		return TurnResult{}, err
	}
	on(PhaseCustomer, line)
	r.cfg.Logf("practice: turn=%d customer line %s", idx+1, line.Audio)
	if err := r.cfg.Player.Play(ctx, clip); err != nil {
		return TurnResult{}, fmt.Errorf("play customer line: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return TurnResult{}, err
	}

	dir := filepath.Join(r.cfg.DataDir, "recordings", r.id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return TurnResult{}, fmt.Errorf("create recordings folder: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("turn-%d.wav", idx+1))
	answer, cue, dropped, err := r.record(ctx, path, func(p Phase) { on(p, line) }, idx)
	if err != nil {
		return TurnResult{}, err
	}

	on(PhaseAnalysing, line)
	rep, err := analysis.Analyze(answer, analysis.Options{Cue: cue})
	if err != nil {
		return TurnResult{}, fmt.Errorf("analyse answer %s: %w", path, err)
	}
	res := TurnResult{
		Index: idx, TurnID: turn.ID, Line: line, Variant: variant, Step: turn.Step,
		Cue: cue, RecordingPath: path, Report: rep,
		Findings: coach.Assess(rep, r.cfg.Bands, r.cfg.Baseline),
		Clip:     answer, Dropped: dropped,
	}
	r.results = append(r.results, res)
	r.cfg.Logf("practice: turn=%d measured latency=%.3fs pauses=%d mean=%.1fdBFS nospeech=%v",
		idx+1, rep.Latency.Seconds(), len(rep.Pauses), rep.MeanDBFS, rep.NoSpeech)
	return res, nil
}

// LoadLine reads a customer line's audio from audio (the bundled assets,
// or the overlay of the user's own recordings on them).
func LoadLine(audio fs.FS, line scenario.Line) (pcm.Clip, error) {
	if audio == nil {
		return pcm.Clip{}, fmt.Errorf("load customer line %s: no audio folder", line.Audio)
	}
	f, err := audio.Open(line.Audio)
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("load customer line: %w", err)
	}
	defer f.Close()
	clip, err := pcm.ReadWAV(f)
	if err != nil {
		return pcm.Clip{}, fmt.Errorf("load customer line %s: %w", line.Audio, err)
	}
	return clip, nil
}

// record opens the microphone, plays the cue tone once samples flow, and
// records to path until stopped. It returns the answer as stored in the
// file at path (the capture does not keep it in memory), the cue and the
// audio lost on the way (ring overflow, device overflows).
//
// The cue is where the rep heard the tone end: the moment the Player says
// the tone had been played (PlayedAtReporter; else when Play returned),
// mapped onto the recording through the arrival times of its chunks (see
// capture.at). When the microphone heard the tone itself (open speakers),
// its end found in the recording wins (findTone). The
// old way, the number of samples delivered when Play returned, lagged by
// whatever sat in the input buffer (up to its 0.2 s latency) and placed
// the cue too early.
//
// After a recorder or disk error the partial take stays at path, playable,
// and the error says what happened (ErrStalled / ErrDeviceLost, or the
// errno of the write).
func (r *Run) record(ctx context.Context, path string, on func(Phase), idx int) (pcm.Clip, time.Duration, time.Duration, error) {
	recCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.mu.Lock()
	r.stop = cancel
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.stop = nil
		r.mu.Unlock()
	}()

	c, err := startCapture(recCtx, r.cfg.Recorder, path, captureOpts{
		levels: r.levels, silenceStop: r.cfg.SilenceStop, max: r.cfg.MaxAnswer,
	})
	if err != nil {
		return pcm.Clip{}, 0, 0, fmt.Errorf("record answer: %w", err)
	}
	var cue time.Duration
	select {
	case <-c.heard:
		on(PhaseCue)
		if err := r.cfg.Player.Play(recCtx, CueTone()); err != nil && recCtx.Err() == nil {
			r.cfg.Logf("practice: cue tone: %v", err)
		}
		heard := time.Now()
		if p, ok := r.cfg.Player.(PlayedAtReporter); ok {
			if t := p.PlayedAt(); !t.IsZero() {
				heard = t
			}
		}
		// Only the chunks that arrived so far anchor the cue: later ones
		// would refine it on a device with a clock, but a device without
		// one (a test's null device, a fake) delivers faster than real
		// time and would drag the anchor arbitrarily early.
		cue = c.at(heard)
		r.cfg.Logf("practice: turn=%d cue at %.3fs", idx+1, cue.Seconds())
		on(PhaseRecording)
	case <-recCtx.Done():
	case <-c.written: // the capture ended (an error) before any sound
	}
	res, err := c.wait(keepPartial)
	if res.Dropped > 0 {
		r.cfg.Logf("practice: turn=%d dropped %.3fs of audio", idx+1, res.Dropped.Seconds())
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err() // the rep left: the turn is not measured
	}
	if err != nil {
		return pcm.Clip{}, cue, res.Dropped, fmt.Errorf("record answer: %w", err)
	}
	clip, err := pcm.ReadFile(res.Path)
	if err != nil {
		return pcm.Clip{}, cue, res.Dropped, fmt.Errorf("record answer: %w", err)
	}
	if end, ok := findTone(clip, CueTone(), cue); ok {
		r.cfg.Logf("practice: turn=%d cue tone heard in the recording, ending at %.3fs (stream timing said %.3fs)", idx+1, end.Seconds(), cue.Seconds())
		cue = end
	}
	// The cue is a position in the recording: a whole sample, as the
	// analyser takes it, so latency = onset − cue exactly.
	cue = clip.Time(clip.Index(cue))
	return clip, cue, res.Dropped, nil
}

// Finish saves the attempt with every answered turn.
func (r *Run) Finish(ctx context.Context) (store.Attempt, error) {
	a := store.Attempt{
		ID:            r.id,
		ScenarioID:    r.cfg.Scenario.ID,
		ScenarioTitle: r.cfg.Scenario.Title,
		StartedAt:     r.started,
		FinishedAt:    r.cfg.Now().UTC(),
	}
	for _, res := range r.results {
		a.Turns = append(a.Turns, store.Turn{
			Index: res.Index, LineID: res.TurnID, LineText: res.Line.Text, Variant: string(res.Variant),
			Cue: res.Cue, RecordingPath: res.RecordingPath, Report: res.Report,
		})
	}
	if r.cfg.Store == nil {
		return a, errors.New("save attempt: no database")
	}
	if err := r.cfg.Store.SaveAttempt(ctx, &a); err != nil {
		return a, fmt.Errorf("save attempt: %w", err)
	}
	r.cfg.Logf("practice: saved attempt %s (%d turns)", a.ID, len(a.Turns))
	return a, nil
}

// CueTone is the short tone that tells the rep to answer: 880 Hz for
// 150 ms at -12 dBFS with 10 ms raised-cosine ramps (no clicks).
func CueTone() pcm.Clip { return tone(880, 150*time.Millisecond, -12, 10*time.Millisecond) }

// tone is a sine at 16 kHz with raised-cosine ramps at both ends.
func tone(hz float64, d time.Duration, dbfs float64, rampD time.Duration) pcm.Clip {
	const rate = 16000
	n := int(d.Seconds() * rate)
	ramp := int(rampD.Seconds() * rate)
	s := make([]float32, n)
	amp := math.Pow(10, dbfs/20)
	for i := range s {
		g := 1.0
		if i < ramp {
			g = 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(ramp))
		} else if i >= n-ramp {
			g = 0.5 - 0.5*math.Cos(math.Pi*float64(n-1-i)/float64(ramp))
		}
		s[i] = float32(amp * g * math.Sin(2*math.Pi*hz*float64(i)/rate))
	}
	return pcm.Clip{Rate: rate, Samples: s}
}
