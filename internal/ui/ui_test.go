package ui_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/internal/ui"
)

// texts collects every label, button, check and card title on screen
// (overlays too), one per line.
func texts(t *testing.T, c fyne.Canvas) string {
	t.Helper()
	var b strings.Builder
	visit(t, c, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		default:
			if text, ok := checkLabel(t, o); ok {
				b.WriteString(text + "\n")
			}
		case *widget.Card:
			b.WriteString(w.Title + "\n")
		}
	})
	return b.String()
}

// key types k the way the desktop driver does: to the focused widget when
// there is one (a clicked check box, select or list), else to the canvas;
// Space also arrives as the rune ' '.
func key(c fyne.Canvas, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
		if k == fyne.KeySpace {
			f.TypedRune(' ')
		}
		return
	}
	c.OnTypedKey()(ev)
	if k == fyne.KeySpace && c.OnTypedRune() != nil {
		c.OnTypedRune()(' ')
	}
}

func scenarios() []scenario.Scenario {
	mk := func(id, title, brief string) scenario.Scenario {
		return scenario.Scenario{ID: id, Title: title, Brief: brief, Difficulty: 2,
			Persona: scenario.Persona{Name: "Frank", Company: "Dolan", Role: "Owner", Mood: "Furious"},
			Turns: []scenario.Turn{
				{ID: "t1", Line: scenario.Line{Text: "You're late!", Audio: "l1.wav"}, Step: scenario.StepFallBack,
					Checks: []string{"Asked: would that be a fair statement?"}, Model: "Frank, I know you must be upset."},
				{ID: "t2", Line: scenario.Line{Text: "Well?", Audio: "l1.wav"}, Step: scenario.StepExplain,
					// Every later turn has both variants (the parser insists).
					Softened:  &scenario.Line{Text: "OK. What happened?", Audio: "l1.wav"},
					Escalated: &scenario.Line{Text: "Well? I'm waiting!", Audio: "l1.wav"}},
			}}
	}
	return []scenario.Scenario{mk("late", "Two days late", "The truck came Thursday."), mk("bill", "Billed twice", "March, twice.")}
}

type fakeHistory struct{ atts []store.Attempt }

func (h *fakeHistory) ListAttempts(_ context.Context, limit int) ([]store.AttemptSummary, error) {
	var out []store.AttemptSummary
	for _, a := range h.atts {
		out = append(out, store.AttemptSummary{ID: a.ID, ScenarioID: a.ScenarioID, ScenarioTitle: a.ScenarioTitle, StartedAt: a.StartedAt,
			FinishedAt: a.FinishedAt, PlannedTurns: a.PlannedTurns, TurnCount: len(a.Turns), SpokenTurns: len(a.Turns), MeanLatency: 460 * time.Millisecond, MeanDBFS: -24.5})
	}
	return out, nil
}

func (h *fakeHistory) Attempt(_ context.Context, id string) (store.Attempt, error) {
	for _, a := range h.atts {
		if a.ID == id {
			return a, nil
		}
	}
	return store.Attempt{}, store.ErrNotFound
}

func newUI(t *testing.T, deps ui.Deps) (*ui.App, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 640))
	return ui.New(w, deps), w
}

func TestHomeListsScenariosAndMovesWithKeys(t *testing.T) {
	_, w := newUI(t, ui.Deps{Scenarios: scenarios()})
	got := texts(t, w.Canvas())
	for _, want := range []string{"Two days late", "Billed twice", "The truck came Thursday.", "Tough"} {
		if !strings.Contains(got, want) {
			t.Errorf("home screen lacks %q:\n%s", want, got)
		}
	}
	key(w.Canvas(), fyne.KeyDown)
	if got := texts(t, w.Canvas()); !strings.Contains(got, "March, twice.") {
		t.Errorf("after Down the detail should show the second brief:\n%s", got)
	}
}

func TestStartWithoutMicrophoneExplains(t *testing.T) {
	audioErr := errors.New(`open default input device: no input device`)
	_, w := newUI(t, ui.Deps{Scenarios: scenarios(), AudioErr: audioErr})
	key(w.Canvas(), fyne.KeyReturn)
	got := texts(t, w.Canvas())
	if !strings.Contains(got, "No microphone is available") || !strings.Contains(got, "no input device") {
		t.Errorf("starting without a microphone should explain it and name the detail:\n%s", got)
	}
	if !strings.Contains(got, "Two days late") {
		t.Errorf("the scenario list should stay behind the message:\n%s", got)
	}
	// While the message is open, keys are its own: H does not move the
	// screen under it, Escape closes it; then H works again.
	key(w.Canvas(), fyne.KeyH)
	if n := len(w.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d overlays after H, want the message still open", n)
	}
	key(w.Canvas(), fyne.KeyEscape)
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Errorf("%d overlays after Escape, want the message closed", n)
	}
	key(w.Canvas(), fyne.KeyH)
	if got := texts(t, w.Canvas()); !strings.Contains(got, "Past attempts") {
		t.Errorf("H after closing the message should open History:\n%s", got)
	}
}

func TestScenarioLoadErrorsAreListed(t *testing.T) {
	_, w := newUI(t, ui.Deps{Scenarios: scenarios(), ScenarioErrors: []error{errors.New("mine.toml:3: turn[0].step: unknown step")}})
	if got := texts(t, w.Canvas()); !strings.Contains(got, "mine.toml:3") {
		t.Errorf("home should list the broken scenario file:\n%s", got)
	}
}

func report(lat time.Duration) analysis.Report {
	return analysis.Report{Onset: lat, Offset: lat + 3*time.Second, Latency: lat,
		Pauses:       []analysis.Interval{{Start: lat + time.Second, End: lat + 1400*time.Millisecond}},
		LongestPause: 400 * time.Millisecond, MeanDBFS: -24.5, FirstHalfDBFS: -25, SecondHalfDBFS: -24, Trend: analysis.TrendFlat,
		SpeechRate: 4.2, WordsPerMin: 190}
}

func TestHistoryReopensResults(t *testing.T) {
	h := &fakeHistory{atts: []store.Attempt{{
		ID: "a1", ScenarioID: "late", ScenarioTitle: "Two days late",
		StartedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), FinishedAt: time.Date(2026, 11, 20, 9, 32, 0, 0, time.UTC),
		Turns: []store.Turn{
			{Index: 0, LineID: "t1", LineText: "You're late!", Report: report(820 * time.Millisecond)},
			{Index: 1, LineText: "OK, what happened?", Variant: "softened", Report: report(100 * time.Millisecond)},
		},
	}}}
	shown := make(chan string, 8)
	_, w := newUI(t, ui.Deps{Scenarios: scenarios(), History: h, Shown: func(s string) { shown <- s }})
	key(w.Canvas(), fyne.KeyH)
	waitShown(t, shown, "Scenarios", "History", "History") // "Loading…", then the list
	if got := texts(t, w.Canvas()); !strings.Contains(got, "Two days late") || !strings.Contains(got, "2 turns") || strings.Contains(got, "unfinished") {
		t.Fatalf("history should list the finished attempt:\n%s", got)
	}
	key(w.Canvas(), fyne.KeyReturn)
	waitShown(t, shown, "Results")
	got := texts(t, w.Canvas())
	for _, want := range []string{"Turn 1", "Turn 2 (softened customer)", "Pause before replying", "0.82 s", "0.1 s",
		"1, longest 0.4 s", "-24.5 dBFS (first half -25.0, second half -24.0)", "Speaking time", "3.0 s", "instantly",
		"Self-check", "Asked: would that be a fair statement?", "Method: Fall back"} {
		if !strings.Contains(got, want) {
			t.Errorf("results lack %q:\n%s", want, got)
		}
	}
}

func TestHistoryUnavailableSaysWhy(t *testing.T) {
	_, w := newUI(t, ui.Deps{Scenarios: scenarios(), HistoryErr: store.ErrDamaged})
	key(w.Canvas(), fyne.KeyH)
	if got := texts(t, w.Canvas()); !strings.Contains(got, "database is damaged") {
		t.Errorf("history without a database should say why:\n%s", got)
	}
}

type fakeDevices struct{ refreshed int }

func (d *fakeDevices) Inputs() ([]string, error)  { return []string{"USB Mic", "pulse"}, nil }
func (d *fakeDevices) Outputs() ([]string, error) { return []string{"Headset", "pulse"}, nil }
func (d *fakeDevices) Refresh() error             { d.refreshed++; return nil }

func TestSettingsRemembersDevices(t *testing.T) {
	steps := make(chan string, 8)
	a, w := newUI(t, ui.Deps{Scenarios: scenarios(), Devices: &fakeDevices{}, DataDir: "/data/here",
		Log: func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) }})
	a.ShowSettings()
	select { // the device lists are read off the UI goroutine
	case <-steps:
	case <-time.After(10 * time.Second):
		t.Fatal("the device lists were never filled in")
	}
	var sels []*ui.KeySelect
	visit(t, w.Canvas(), func(o fyne.CanvasObject) {
		if v, ok := o.(*ui.KeySelect); ok {
			sels = append(sels, v)
		}
	})
	if len(sels) != 2 {
		t.Fatalf("found %d selects, want microphone and speaker", len(sels))
	}
	if sels[0].Selected != "System default" || len(sels[0].Options) != 3 {
		t.Errorf("microphone select = %q of %v, want System default of 3", sels[0].Selected, sels[0].Options)
	}
	sels[0].SetSelected("USB Mic")
	sels[1].SetSelected("Headset")
	prefs := fyne.CurrentApp().Preferences()
	if got := prefs.String(ui.PrefInputDevice); got != "USB Mic" {
		t.Errorf("input preference = %q, want USB Mic", got)
	}
	if got := prefs.String(ui.PrefOutputDevice); got != "Headset" {
		t.Errorf("output preference = %q, want Headset", got)
	}
	if got := texts(t, w.Canvas()); !strings.Contains(got, "/data/here") {
		t.Errorf("settings should show the data folder:\n%s", got)
	}
}

// A role-play through the real practice.Run with a scripted microphone.

// quietSpeaker plays nothing.
type quietSpeaker struct{}

func (quietSpeaker) Play(context.Context, pcm.Clip) error { return nil }

// releaseOnAnswer is a Log hook that sends log lines to steps and releases
// the scripted mic (cued) when the screen says the rep may answer.
func releaseOnAnswer(steps chan<- string, cued chan<- struct{}) func(string, ...any) {
	return func(f string, args ...any) {
		msg := fmt.Sprintf(f, args...)
		if strings.HasPrefix(msg, "ui: answering") {
			cued <- struct{}{}
		}
		steps <- msg
	}
}

// memStore keeps attempts the way the store does.
type memStore struct {
	mu    sync.Mutex
	saved []store.Attempt
}

func (s *memStore) BeginAttempt(_ context.Context, a *store.Attempt) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *a
	c.Turns = append([]store.Turn(nil), a.Turns...)
	s.saved = append(s.saved, c)
	return nil
}

func (s *memStore) SaveTurn(_ context.Context, id string, t *store.Turn) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.saved {
		if s.saved[i].ID != id {
			continue
		}
		for j := range s.saved[i].Turns { // a turn of the same index is replaced
			if s.saved[i].Turns[j].Index == t.Index {
				s.saved[i].Turns[j] = *t
				return nil
			}
		}
		s.saved[i].Turns = append(s.saved[i].Turns, *t)
		return nil
	}
	return store.ErrNotFound
}

func (s *memStore) FinishAttempt(_ context.Context, id string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.saved {
		if s.saved[i].ID == id {
			s.saved[i].FinishedAt = at
			return nil
		}
	}
	return store.ErrNotFound
}

func (s *memStore) SetSelfChecks(_ context.Context, id string, index int, checks []store.SelfCheck) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.saved {
		for j := range s.saved[i].Turns {
			if s.saved[i].ID == id && s.saved[i].Turns[j].Index == index {
				s.saved[i].Turns[j].SelfChecks = append([]store.SelfCheck(nil), checks...)
				return nil
			}
		}
	}
	return store.ErrNotFound
}

func (s *memStore) attempts() []store.Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]store.Attempt(nil), s.saved...)
}

func TestRolePlayRunsToResults(t *testing.T) {
	var line bytes.Buffer
	if err := pcm.WriteWAV(&line, pcm.Clip{Rate: 16000, Samples: make([]float32, 1600)}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"l1.wav": {Data: line.Bytes()}}
	st := &memStore{}
	dir := t.TempDir()
	deps := ui.Deps{
		Scenarios: scenarios(),
		Audio:     fsys,
	}
	cued := make(chan struct{}, 1)
	deps.NewRun = func(sc scenario.Scenario) (*practice.Run, error) {
		return practice.New(practice.Config{Scenario: sc, Audio: fsys, Recorder: &turnMic{cued: cued, speak: []time.Duration{1200 * time.Millisecond}}, Player: quietSpeaker{},
			Store: st, DataDir: dir, SilenceStop: 500 * time.Millisecond})
	}
	shown := make(chan string, 16)
	steps := make(chan string, 64)
	deps.Shown = func(title string) { shown <- title }
	deps.Log = releaseOnAnswer(steps, cued)
	_, w := newUI(t, deps)
	if got := <-shown; got != "Scenarios" {
		t.Fatalf("first screen = %q, want Scenarios", got)
	}
	key(w.Canvas(), fyne.KeyReturn) // open the first scenario
	if got := <-shown; got != "Two days late" {
		t.Fatalf("screen = %q, want the role-play", got)
	}
	if got := texts(t, w.Canvas()); !strings.Contains(got, "Press Space to begin") && !strings.Contains(got, "Turn 1 of 2") {
		t.Errorf("role-play screen should invite Space:\n%s", got)
	}
	key(w.Canvas(), fyne.KeySpace)
	for turn := 1; turn <= 2; turn++ { // each turn's report, then on
		for step := ""; !strings.HasPrefix(step, fmt.Sprintf("ui: report of turn %d", turn)); {
			select {
			case step = <-steps:
			case <-time.After(30 * time.Second):
				t.Fatalf("no report of turn %d", turn)
			}
		}
		if got := texts(t, w.Canvas()); !strings.Contains(got, "Pause before replying") || !strings.Contains(got, "Retry (R)") {
			t.Errorf("turn %d report:\n%s", turn, got)
		}
		if got := texts(t, w.Canvas()); turn == 1 && !strings.Contains(got, "Frank softened") {
			t.Errorf("the report of turn 1 should say why the customer softens:\n%s", got)
		}
		// The answer is voiced (140 Hz): its timeline draws the pitch
		// track and the pitch row says the trend.
		relayout(w)
		if tl := firstTimeline(t, w.Canvas()); tl == nil || tracePixels(t, tl) == 0 {
			t.Errorf("turn %d report: no pitch trace on the timeline", turn)
		}
		if row := pitchRow(t, w.Canvas()); !strings.HasPrefix(row, "140 Hz median") || !strings.Contains(row, "from the first half to the second") {
			t.Errorf("turn %d report: pitch row %q, want the median and the trend", turn, row)
		}
		key(w.Canvas(), fyne.KeyN)
	}
	select {
	case got := <-shown:
		if got != "Results" {
			t.Fatalf("screen = %q, want Results", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the role-play did not reach the results")
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.saved) != 1 || len(st.saved[0].Turns) != 2 || st.saved[0].FinishedAt.IsZero() {
		t.Fatalf("saved %+v, want 1 finished attempt with 2 turns", st.saved)
	}
	// Speech starts 0.6 s into the script after its first 20 ms chunk. The
	// cue lands after one or more chunks (this mic has no clock), so check
	// the onset and that latency is measured from the saved cue.
	tr := st.saved[0].Turns[0]
	if d := (tr.Report.Onset - 620*time.Millisecond).Abs(); d > 30*time.Millisecond {
		t.Errorf("onset = %v, want 0.62 s ± 30 ms (turn %+v)", tr.Report.Onset, tr)
	}
	if d := (tr.Report.Latency - (tr.Report.Onset - tr.Cue)).Abs(); d > time.Microsecond || tr.Cue <= 0 {
		t.Errorf("latency %v with onset %v and cue %v: want onset - cue, cue > 0", tr.Report.Latency, tr.Report.Onset, tr.Cue)
	}
	if got := texts(t, w.Canvas()); !strings.Contains(got, "Turn 2") || !strings.Contains(got, "Pause before replying") {
		t.Errorf("results screen:\n%s", got)
	}
}

func TestMyLines(t *testing.T) {
	user := t.TempDir()
	var line bytes.Buffer
	if err := pcm.WriteWAV(&line, pcm.Clip{Rate: 16000, Samples: make([]float32, 160)}); err != nil {
		t.Fatal(err)
	}
	bundled := fstest.MapFS{"l1.wav": {Data: line.Bytes()}}
	// The rep has already recorded their own version of l1.wav.
	if err := os.WriteFile(filepath.Join(user, "l1.wav"), line.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	reloads := 0
	steps := make(chan string, 16)
	deps := ui.Deps{
		Scenarios: scenarios(), UserDir: user,
		Audio:    scenario.Overlay(os.DirFS(user), bundled),
		Template: []byte("id = \"my-scenario\"\n"),
		Reload:   func() ([]scenario.Scenario, []error) { reloads++; return scenarios(), nil },
		Log:      func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) },
	}
	// The files are read and written off the UI goroutine: wait for each
	// step the screen reports.
	waitStep := func(prefix string) {
		t.Helper()
		for {
			select {
			case got := <-steps:
				if strings.HasPrefix(got, prefix) {
					return
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("step %q never came", prefix)
			}
		}
	}
	a, w := newUI(t, deps)
	a.ShowMaterial()
	waitStep("ui: my lines listed")
	got := texts(t, w.Canvas())
	for _, want := range []string{"Turn 1 · line — “You're late!”", "your recording", user} {
		if !strings.Contains(got, want) {
			t.Errorf("My lines lacks %q:\n%s", want, got)
		}
	}
	tapButton(t, w.Canvas(), "New scenario from template")
	waitStep("ui: new scenario")
	b, err := os.ReadFile(filepath.Join(user, "my-scenario-1.toml"))
	if err != nil || string(b) != string(deps.Template) {
		t.Errorf("new scenario file: %q, %v; want the template", b, err)
	}
	key(w.Canvas(), fyne.KeyEscape)                        // close the message
	tapButton(t, w.Canvas(), "New scenario from template") // never overwrites: a second file
	waitStep("ui: new scenario")
	if _, err := os.Stat(filepath.Join(user, "my-scenario-2.toml")); err != nil {
		t.Errorf("second new scenario: %v", err)
	}
	key(w.Canvas(), fyne.KeyEscape)
	tapButton(t, w.Canvas(), "Reload scenarios")
	// The reload shows the screen again, whose lines are listed by a
	// goroutine of their own: the two steps come in either order.
	seen := map[string]bool{}
	for len(seen) < 2 {
		select {
		case got := <-steps:
			for _, p := range []string{"ui: scenarios reloaded", "ui: my lines listed"} {
				if strings.HasPrefix(got, p) {
					seen[p] = true
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("after Reload: steps seen %v, want the reload and the lines listed again", seen)
		}
	}
	if reloads != 1 {
		t.Errorf("reloads = %d, want 1", reloads)
	}
}

// waitShown waits for these screens, in order. Screens that read the
// database fill in from a goroutine; waiting for them to be shown (rather
// than polling the widgets) orders the test after that goroutine's work.
func waitShown(t *testing.T, shown <-chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-shown:
			if got != w {
				t.Fatalf("screen %q, want %q", got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("screen %q never shown", w)
		}
	}
}

// checkLabel is the label of a check box, whatever type embeds it (the
// screens wrap widget.Check so that it leaves keys to them).
func checkLabel(t *testing.T, o fyne.CanvasObject) (string, bool) {
	t.Helper()
	if _, ok := o.(interface{ SetChecked(bool) }); !ok {
		return "", false
	}
	for _, c := range test.TempWidgetRenderer(t, o.(fyne.Widget)).Objects() {
		if txt, ok := c.(*canvas.Text); ok {
			return txt.Text, true
		}
	}
	return "", true
}

// visit calls f on every object on the canvas, overlays first, walking
// into containers and widgets' renderers.
func visit(t *testing.T, c fyne.Canvas, f func(fyne.CanvasObject)) {
	t.Helper()
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil {
			return
		}
		f(o)
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.TempWidgetRenderer(t, v).Objects() {
				walk(c)
			}
		}
	}
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	walk(c.Content())
}

// tapButton taps the first button with this text (overlays first).
func tapButton(t *testing.T, c fyne.Canvas, text string) {
	t.Helper()
	var found *widget.Button
	visit(t, c, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q on screen", text)
	}
	test.Tap(found)
}

// toneSpeaker records what it was asked to play.
type toneSpeaker struct{ played chan pcm.Clip }

func (s toneSpeaker) Play(_ context.Context, c pcm.Clip) error { s.played <- c; return nil }

func TestSettingsTestMicrophoneAndTone(t *testing.T) {
	spk := toneSpeaker{played: make(chan pcm.Clip, 1)}
	micErr := errors.New(`open input device "USB Mic": device not found`)
	steps := make(chan string, 8)
	deps := ui.Deps{Scenarios: scenarios(), Devices: &fakeDevices{}, Player: spk,
		Recorder: func() (practice.Recorder, error) { return nil, fmt.Errorf("%w: %w", practice.ErrNoMicrophone, micErr) },
		Log:      func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) }}
	a, w := newUI(t, deps)
	a.ShowSettings()
	<-steps // the device lists are filled in off the UI goroutine
	var meters int
	visit(t, w.Canvas(), func(o fyne.CanvasObject) {
		if _, ok := o.(*ui.LevelMeter); ok {
			meters++
		}
	})
	if meters != 1 {
		t.Errorf("Settings shows %d level meters, want 1 for the microphone test", meters)
	}
	tapButton(t, w.Canvas(), "Play test tone")
	select {
	case c := <-spk.played:
		if c.Duration() != time.Second {
			t.Errorf("test tone lasts %v, want 1 s", c.Duration())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no test tone was played")
	}
	// The live meter itself is practice.Monitor's (tested there); here: a
	// microphone that cannot open says which one and what to do.
	tapButton(t, w.Canvas(), "Test microphone")
	for step := ""; !strings.HasPrefix(step, "ui: microphone test ended"); { // the mic opens off the UI goroutine
		select {
		case step = <-steps:
		case <-time.After(10 * time.Second):
			t.Fatal("the microphone test never ended")
		}
	}
	if got := texts(t, w.Canvas()); !strings.Contains(got, "No microphone is available") || !strings.Contains(got, `"USB Mic"`) {
		t.Errorf("a failed microphone test should explain and name the device:\n%s", got)
	}
}

func TestReportSaysWhatToChangeAboutTheMicrophone(t *testing.T) {
	tests := []struct {
		name      string
		clip      float64
		mean      float64
		want, not []string
	}{
		{"clean", 0, -24, nil, []string{"clipped", "very quietly"}},
		{"clipped", 0.02, -18, []string{"2.0 % of your answer was clipped", "further from your mouth"}, []string{"very quietly"}},
		{"too quiet", 0, -46, []string{"very quietly (-46 dBFS)", "move closer"}, []string{"clipped"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, w := newUI(t, ui.Deps{Scenarios: scenarios()})
			r := report(900 * time.Millisecond)
			r.ClipShare, r.MeanDBFS = tt.clip, tt.mean
			a.ShowResults(store.Attempt{ID: "a", ScenarioID: "late", ScenarioTitle: "Two days late",
				StartedAt: time.Now(), Turns: []store.Turn{{Index: 0, LineID: "t1", LineText: "You're late!", Report: r}}}, nil)
			got := texts(t, w.Canvas())
			for _, s := range tt.want {
				if !strings.Contains(got, s) {
					t.Errorf("report lacks %q:\n%s", s, got)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(got, s) {
					t.Errorf("report should not say %q:\n%s", s, got)
				}
			}
		})
	}
}
