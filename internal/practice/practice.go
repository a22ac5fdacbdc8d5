// Package practice runs one role-play: for each turn it plays the customer's
// line, gives the cue, records the rep's answer to disk while it happens,
// analyses it, and at the end saves the attempt. It declares the small
// interfaces it needs (Recorder, Player, Store); the app wires real
// PortAudio and SQLite to them, tests wire fakes.
package practice

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
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

// Store keeps the attempts. A run writes the attempt row when its first
// answer has been measured (BeginAttempt, with that turn), commits every
// later turn as soon as it is measured (SaveTurn, which replaces a turn of
// the same index), and marks the attempt finished after the last
// (FinishAttempt). Leaving, a crash or a lost device therefore keeps every
// measured turn, as an unfinished attempt.
type Store interface {
	BeginAttempt(ctx context.Context, a *store.Attempt) error
	SaveTurn(ctx context.Context, attemptID string, t *store.Turn) error
	FinishAttempt(ctx context.Context, id string, finished time.Time) error
	SetSelfChecks(ctx context.Context, attemptID string, index int, checks []store.SelfCheck) error
}

// Errors the app translates device errors into, so that the UI can say what
// to do without importing the audio package (which needs cgo).
var (
	ErrNoMicrophone = errors.New("no microphone")
	ErrNoSpeaker    = errors.New("no speaker")
	ErrDeviceLost   = errors.New("audio device lost")
	// ErrDeviceBusy means the device is held by a stream still open.
	ErrDeviceBusy = errors.New("audio device busy")
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
	// MetricsOnly keeps no recording: each take's WAV and sidecar are
	// deleted once its figures are committed to the store (never before,
	// so a crash until then is still rescued by Recover), the stored
	// path is empty, and the result keeps no clip. A take that ends in an
	// error, and so is never measured, is deleted at once. Without a store
	// nothing is committed and the recordings stay.
	MetricsOnly bool
}

// TurnResult is one measured answer.
type TurnResult struct {
	Index         int
	TurnID        string
	Line          scenario.Line
	Variant       scenario.Variant
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
	// Customer is how the customer's line measured (its level trend, pace
	// and pitch), for composure against the customer; NoSpeech when it
	// could not be measured.
	Customer analysis.Report
	// Composure says whether the rep mirrored the customer's rise in level
	// or pace (coach.Composure).
	Composure coach.Finding
	// SelfChecks are the rep's ticks of the turn's self-check, in the
	// order of the scenario's checks (see SetSelfChecks).
	SelfChecks []store.SelfCheck
	// SaveErr is why the turn could not be committed to the store (nil
	// when it was). The turn is measured and its recording kept either way.
	SaveErr error
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
	begun   bool                    // the attempt row is in the store
	cue     time.Duration           // the current take's cue, set by record before PhaseRecording

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

// Baseline is the rep's calibration the run judges pace, level and pitch
// against (zero: not calibrated, defaults apply).
func (r *Run) Baseline() coach.Baseline { return r.cfg.Baseline }

// Bands are the coaching bands of the run.
func (r *Run) Bands() coach.Bands { return r.cfg.Bands }

// Scenario is the scenario being played.
func (r *Run) Scenario() scenario.Scenario { return r.cfg.Scenario }

// Index is the number of the turn Turn plays next (0-based).
func (r *Run) Index() int { return len(r.results) }

// Done reports whether every turn has been answered.
func (r *Run) Done() bool { return len(r.results) >= len(r.cfg.Scenario.Turns) }

// Results are the answers so far, in order.
func (r *Run) Results() []TurnResult { return r.results }

// Retry takes back the last measured turn, so that the next Turn plays the
// same customer line again. The stored turn stays until the new answer
// replaces it (the store replaces a turn of the same index), and its
// recording is kept: the new take gets a file of its own.
func (r *Run) Retry() error {
	if len(r.results) == 0 {
		return errors.New("retry turn: no turn has been answered yet")
	}
	r.results = r.results[:len(r.results)-1]
	return nil
}

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
// from how the rep sounded in the previous answer (coach.Reply).
func (r *Run) NextLine() (scenario.Turn, scenario.Line, scenario.Variant) {
	t := r.cfg.Scenario.Turns[r.Index()]
	if r.Index() == 0 {
		return t, t.Line, scenario.VariantLine
	}
	v, _ := coach.Reply(&t, r.results[r.Index()-1].Report, r.cfg.Bands)
	return t, *t.Variant(v), v
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
	path, err := newTakePath(dir, idx)
	if err != nil {
		return TurnResult{}, err
	}
	// The take's sidecar lets a crash mid-answer be attached to this
	// attempt at the next start (Recover).
	info := takeInfo{
		AttemptID: r.id, ScenarioID: r.cfg.Scenario.ID, ScenarioTitle: r.cfg.Scenario.Title,
		StartedAt: r.started, PlannedTurns: len(r.cfg.Scenario.Turns),
		Index: idx, LineID: turn.ID, LineText: line.Text, Variant: StoredVariant(variant), CueMS: -1,
	}
	if err := writeTakeInfo(path, info); err != nil {
		return TurnResult{}, err
	}
	answer, cue, dropped, err := r.record(ctx, path, func(p Phase) {
		if p == PhaseRecording { // the cue is known: a rescue measures from it
			info.CueMS = float64(r.cue) / float64(time.Millisecond)
			if err := writeTakeInfo(path, info); err != nil {
				r.cfg.Logf("practice: turn=%d: %v", idx+1, err)
			}
		}
		on(p, line)
	}, idx)
	if err != nil {
		// The take stays on disk (not under metrics only); the turn is
		// played again or the rep has left, so it is not one to rescue
		// into the history.
		return TurnResult{}, r.dropTake(path, idx, err)
	}

	on(PhaseAnalysing, line)
	rep, err := analysis.Analyze(answer, analysis.Options{Cue: cue})
	if err != nil {
		return TurnResult{}, r.dropTake(path, idx, fmt.Errorf("analyse answer %s: %w", path, err))
	}
	// The customer's delivery, for "did the rep mirror the customer?". A
	// line that cannot be measured only loses that comparison.
	cust, err := analysis.Analyze(clip, analysis.Options{})
	if err != nil {
		r.cfg.Logf("practice: turn=%d: measure the customer line %s: %v", idx+1, line.Audio, err)
		cust = analysis.Report{NoSpeech: true}
	}
	res := TurnResult{
		Index: idx, TurnID: turn.ID, Line: line, Variant: variant, Step: turn.Step,
		Cue: cue, RecordingPath: path, Report: rep,
		Findings:  coach.Assess(rep, r.cfg.Bands, r.cfg.Baseline),
		Clip:      answer,
		Customer:  cust,
		Composure: coach.Composure(cust, rep, FirstName(r.cfg.Scenario.Persona.Name), r.cfg.Bands),
		Dropped:   dropped,
		SaveErr:   errUnsaved,
	}
	r.cfg.Logf("practice: turn=%d measured latency=%.3fs pauses=%d mean=%.1fdBFS nospeech=%v",
		idx+1, rep.Latency.Seconds(), len(rep.Pauses), rep.MeanDBFS, rep.NoSpeech)
	// Commit even when the rep has just left: the answer is measured. A
	// context of its own bounds the wait without being cancelled by the
	// screen.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancel()
	r.results = append(r.results, res)
	r.flush(sctx) // each result's SaveErr says how it went
	res = r.results[len(r.results)-1]
	if res.SaveErr == nil {
		removeTakeInfo(path) // under metrics only, flush has removed the take already
		r.cfg.Logf("practice: turn=%d saved to attempt %s", idx+1, r.id)
	} else {
		r.cfg.Logf("practice: turn=%d not saved: %v", idx+1, res.SaveErr)
	}
	return res, nil
}

// saveTimeout bounds one commit: SQLite's busy timeout is 5 s, so this
// leaves room for one wait and the write itself.
const saveTimeout = 10 * time.Second

// flush commits every measured turn the store does not have yet: the
// attempt row with the first turns that reach it, then each turn on its
// own. A turn whose commit failed (a full disk since cleared, a busy
// database) is tried again with the next one, so no turn is lost because an
// earlier one could not be saved. Each result's SaveErr says how its own
// commit went; flush returns the first failure.
func (r *Run) flush(ctx context.Context) error {
	if r.cfg.Store == nil {
		for i := range r.results {
			r.results[i].SaveErr = ErrNotSaved
		}
		return ErrNotSaved
	}
	var pending []*TurnResult
	for i := range r.results {
		if !r.begun || r.results[i].SaveErr != nil {
			pending = append(pending, &r.results[i])
		}
	}
	if len(pending) == 0 {
		return nil
	}
	if !r.begun {
		a := r.attempt()
		for _, p := range pending {
			a.Turns = append(a.Turns, r.storeTurn(*p))
		}
		err := r.cfg.Store.BeginAttempt(ctx, &a)
		switch {
		case err == nil:
			r.begun = true
			for _, p := range pending {
				p.SaveErr = nil
				r.committed(p)
			}
			return nil
		case errors.Is(err, store.ErrExists):
			r.begun = true // a rescued take already wrote the row
		default:
			err = fmt.Errorf("save attempt: %w", err)
			for _, p := range pending {
				p.SaveErr = err
			}
			return err
		}
	}
	var first error
	for _, p := range pending {
		t := r.storeTurn(*p)
		p.SaveErr = nil
		if err := r.cfg.Store.SaveTurn(ctx, r.id, &t); err != nil {
			p.SaveErr = fmt.Errorf("save turn %d: %w", p.Index+1, err)
			first = cmp.Or(first, p.SaveErr)
			continue
		}
		r.committed(p)
	}
	return first
}

// committed is told of each turn once its figures are in the store: under
// metrics only its recording goes now, not before.
func (r *Run) committed(p *TurnResult) {
	if r.cfg.MetricsOnly {
		r.discard(p)
	}
}

// dropTake is what happens to a take that ended in err and will not be
// measured: its sidecar goes (it is not one to rescue), and under metrics
// only the recording too; then err is returned marked ErrTakeDropped, so
// that nobody is told the partial answer is kept.
func (r *Run) dropTake(path string, idx int, err error) error {
	if !r.cfg.MetricsOnly {
		removeTakeInfo(path)
		return err
	}
	if rerr := removeTake(path); rerr != nil {
		r.cfg.Logf("practice: turn=%d: %v", idx+1, rerr)
		return err
	}
	return fmt.Errorf("%w (%w)", err, ErrTakeDropped)
}

// ErrTakeDropped marks the error of a take that failed under metrics only:
// what was recorded of it has been deleted, not kept.
var ErrTakeDropped = errors.New("the partial recording was deleted (metrics only)")

// errUnsaved marks a measured turn that flush has not committed yet.
var errUnsaved = errors.New("not saved yet")

// ErrNotSaved means the run has no database, so answers are measured and
// recorded but not kept in the history.
var ErrNotSaved = errors.New("practice is not being saved: no database")

// attempt is the run's attempt row without turns.
func (r *Run) attempt() store.Attempt {
	return store.Attempt{
		ID:            r.id,
		ScenarioID:    r.cfg.Scenario.ID,
		ScenarioTitle: r.cfg.Scenario.Title,
		StartedAt:     r.started,
		PlannedTurns:  len(r.cfg.Scenario.Turns),
	}
}

// storeTurn is res as the store keeps it, its recording relative to the
// data folder so that the folder can be moved.
func (r *Run) storeTurn(res TurnResult) store.Turn {
	path := RelPath(r.cfg.DataDir, res.RecordingPath)
	if r.cfg.MetricsOnly {
		path = "" // the recording goes once this is committed
	}
	return store.Turn{
		Index: res.Index, LineID: res.TurnID, LineText: res.Line.Text, Variant: StoredVariant(res.Variant),
		Cue: res.Cue, RecordingPath: path, Report: res.Report,
		Dropped: res.Dropped, Customer: customerLine(res.Customer), SelfChecks: res.SelfChecks, Composure: res.Composure.Note,
		ClipShare: res.Report.ClipShare, NoiseFloorDBFS: res.Report.NoiseFloorDBFS,
	}
}

// FirstName is how the coaching speaks of a persona ("Denise Carter" →
// "Denise").
func FirstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// customerLine is how the store keeps a customer line's delivery: unknown
// (NaN) when it could not be measured.
func customerLine(c analysis.Report) store.CustomerLine {
	if c.NoSpeech {
		return store.UnknownCustomer()
	}
	return store.CustomerLine{MeanDBFS: c.MeanDBFS, TrendDB: c.TrendDB(), PaceChangePct: c.PaceChangePct, F0MedianHz: c.F0MedianHz}
}

// storedCustomer is a stored customer line as a Report carrying just those
// figures (NoSpeech when they are unknown).
func storedCustomer(c store.CustomerLine) analysis.Report {
	if math.IsNaN(c.MeanDBFS) {
		return analysis.Report{NoSpeech: true}
	}
	half := c.TrendDB / 2
	return analysis.Report{MeanDBFS: c.MeanDBFS, FirstHalfDBFS: c.MeanDBFS - half, SecondHalfDBFS: c.MeanDBFS + half,
		PaceChangePct: c.PaceChangePct, F0MedianHz: c.F0MedianHz}
}

// SetSelfChecks records the rep's ticks of turn index's self-check (from
// the report after the turn). They are kept with the turn: written to the
// store at once when the turn is saved, else with the turn when it is.
func (r *Run) SetSelfChecks(ctx context.Context, index int, checks []store.SelfCheck) error {
	if index < 0 || index >= len(r.results) {
		return fmt.Errorf("save self-check: turn %d has not been answered", index+1)
	}
	res := &r.results[index]
	res.SelfChecks = append([]store.SelfCheck(nil), checks...)
	if r.cfg.Store == nil {
		return ErrNotSaved
	}
	if res.SaveErr != nil {
		return nil // saved with the turn by the next flush
	}
	if err := r.cfg.Store.SetSelfChecks(ctx, r.id, index, res.SelfChecks); err != nil {
		return fmt.Errorf("save self-check of turn %d: %w", index+1, err)
	}
	return nil
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
		r.cue = cue
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

// Finish marks the attempt finished; every turn is already committed.
// It returns the attempt as saved. With no database it returns the attempt
// and ErrNotSaved; a run with no measured turn saves nothing.
func (r *Run) Finish(ctx context.Context) (store.Attempt, error) {
	a := r.attempt()
	a.FinishedAt = r.cfg.Now().UTC()
	for _, res := range r.results {
		a.Turns = append(a.Turns, r.storeTurn(res))
	}
	if r.cfg.Store == nil {
		return a, ErrNotSaved
	}
	if len(r.results) == 0 {
		return a, nil
	}
	if err := r.flush(ctx); err != nil {
		return a, err
	}
	if err := r.cfg.Store.FinishAttempt(ctx, r.id, a.FinishedAt); err != nil {
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

// Resume continues an unfinished attempt of cfg.Scenario: its stored turns
// count as answered (their recordings and measurements as stored) and the
// next Turn plays the first unanswered one. The stored turns must be the
// first ones of the scenario, in order.
func Resume(cfg Config, att store.Attempt) (*Run, error) {
	r, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if att.ScenarioID != cfg.Scenario.ID {
		return nil, fmt.Errorf("resume attempt %s: it is of scenario %q, not %q", att.ID, att.ScenarioID, cfg.Scenario.ID)
	}
	if len(att.Turns) >= len(cfg.Scenario.Turns) {
		return nil, fmt.Errorf("resume attempt %s: every turn is already answered", att.ID)
	}
	for i, t := range att.Turns {
		if t.Index != i || t.LineID != cfg.Scenario.Turns[i].ID {
			return nil, fmt.Errorf("resume attempt %s: turn %d does not match the scenario as it is now", att.ID, i+1)
		}
		rep := t.Report
		r.results = append(r.results, TurnResult{
			Index: i, TurnID: t.LineID, Line: scenario.Line{Text: t.LineText}, Variant: variantOf(t.Variant, cfg.Scenario.Turns[i], t.LineText),
			Step: cfg.Scenario.Turns[i].Step, Cue: t.Cue, RecordingPath: RecordingFile(cfg.DataDir, t.RecordingPath),
			Report: rep, Findings: coach.Assess(rep, r.cfg.Bands, r.cfg.Baseline), Dropped: t.Dropped,
			SelfChecks: t.SelfChecks, Customer: storedCustomer(t.Customer),
		})
	}
	r.id, r.started, r.begun = att.ID, att.StartedAt, true
	return r, nil
}
