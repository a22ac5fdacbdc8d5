package ui_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/internal/ui"
)

// settingsRig is the Settings screen over deps, with its screens and steps
// as channels for the test to wait on.
type settingsRig struct {
	w     fyne.Window
	shown chan string
	steps chan string
}

func newSettingsRig(t *testing.T, deps ui.Deps, prefs func(fyne.Preferences)) settingsRig {
	t.Helper()
	r := settingsRig{shown: make(chan string, 16), steps: make(chan string, 64)}
	deps.Scenarios = scenarios()
	deps.Shown = func(s string) { r.shown <- s }
	deps.Log = func(f string, args ...any) { r.steps <- fmt.Sprintf(f, args...) }
	test.NewTempApp(t)
	if prefs != nil {
		prefs(fyne.CurrentApp().Preferences())
	}
	r.w = test.NewTempWindow(t, nil)
	r.w.Resize(fyne.NewSize(800, 600))
	a := ui.New(r.w, deps)
	t.Cleanup(func() { // work under way ends before the temp folders go
		done := make(chan struct{})
		a.Close(10*time.Second, func() { close(done) })
		<-done
	})
	waitShown(t, r.shown, "Scenarios")
	tapButton(t, r.w.Canvas(), "Settings")
	waitShown(t, r.shown, "Settings")
	return r
}

// waitStep waits for a logged step starting with prefix and returns it.
func (r settingsRig) waitStep(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case got := <-r.steps:
			if strings.HasPrefix(got, prefix) {
				return got
			}
		case <-deadline:
			t.Fatalf("step %q never came", prefix)
		}
	}
}

const metricsOnlyBox = "Keep metrics only (delete each answer's recording once it is measured)"

func TestSettingsMetricsOnlyToggle(t *testing.T) {
	deleted := make(chan struct{}, 4)
	r := newSettingsRig(t, ui.Deps{DataDir: t.TempDir(),
		DeleteRecordings: func(context.Context) (int, error) { deleted <- struct{}{}; return 3, nil }}, nil)
	c := r.w.Canvas()
	prefs := fyne.CurrentApp().Preferences()
	if got := texts(t, c); !strings.Contains(got, "you cannot play those answers back") {
		t.Errorf("Settings should say plainly what metrics only does:\n%s", got)
	}
	box := check(t, c, metricsOnlyBox)
	test.Tap(box)
	if !prefs.Bool(ui.PrefMetricsOnly) {
		t.Fatal("ticking the box did not turn metrics only on")
	}
	if got := texts(t, c); !strings.Contains(got, "Delete the recordings already kept?") {
		t.Fatalf("turning it on should offer to delete the recordings kept:\n%s", got)
	}
	// Enter (or Escape, or Space) answers no: nothing is deleted, the
	// setting stays on.
	key(c, fyne.KeyReturn)
	r.waitStep(t, "ui: kept recordings stay")
	select {
	case <-deleted:
		t.Fatal("Enter on the offer deleted the recordings")
	default:
	}
	// Off and on again, and this time yes.
	test.Tap(box)
	if prefs.Bool(ui.PrefMetricsOnly) {
		t.Fatal("unticking did not turn metrics only off")
	}
	if n := len(c.Overlays().List()); n != 0 {
		t.Fatalf("turning it off opened %d dialogs, want none", n)
	}
	test.Tap(box)
	tapButton(t, c, "Delete them")
	r.waitStep(t, "ui: kept recordings deleted")
	if len(deleted) != 1 {
		t.Errorf("DeleteRecordings called %d times, want once", len(deleted))
	}
	if got := texts(t, c); !strings.Contains(got, "3 recordings deleted") {
		t.Errorf("the result should be said:\n%s", got)
	}
	key(c, fyne.KeyEscape) // closes the message
	// The box has the focus since it was clicked: Space does not toggle
	// it, Escape still leaves the screen.
	key(c, fyne.KeySpace)
	if !prefs.Bool(ui.PrefMetricsOnly) {
		t.Error("Space toggled the focused box")
	}
	key(c, fyne.KeyEscape)
	waitShown(t, r.shown, "Scenarios")
}

// dataFolder is a data folder with a real database holding one attempt
// and a baseline, a recording of each, and the rep's own material.
type dataFolder struct {
	dir string
	db  *store.DB
	own []string // relative paths that must survive
}

func newDataFolder(t *testing.T) dataFolder {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, "fallback.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a := store.Attempt{ScenarioID: "late", ScenarioTitle: "Two days late", StartedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC),
		FinishedAt: time.Date(2026, 11, 20, 9, 32, 0, 0, time.UTC), PlannedTurns: 2,
		Turns: []store.Turn{{Index: 0, LineID: "t1", LineText: "You're late!", Report: report(820 * time.Millisecond), RecordingPath: "recordings/a/turn-1.wav"}}}
	if err := db.SaveAttempt(ctx, &a); err != nil {
		t.Fatal(err)
	}
	b := store.Baseline{MeanDBFS: -22, ArticulationRate: 4.5, Passage: "depot", RecordingPath: "recordings/calibration/r.wav"}
	if err := db.SaveBaseline(ctx, &b); err != nil {
		t.Fatal(err)
	}
	f := dataFolder{dir: dir, db: db, own: []string{"scenarios/my-own.toml", "scenarios/late/l1.wav"}}
	for _, rel := range append([]string{"recordings/" + a.ID + "/turn-1.wav", "recordings/calibration/r.wav"}, f.own...) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("content of "+rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// deps wires the folder as the app does.
func (f dataFolder) deps() ui.Deps {
	return ui.Deps{DataDir: f.dir, History: f.db, Version: "0.1.0-test",
		DeleteAll: func(ctx context.Context) (int, error) { return practice.DeleteAllData(ctx, f.dir, f.db) },
		Export:    f.db.Export, Import: f.db.Import}
}

func TestDeleteAllAfterConfirmingStartsAfresh(t *testing.T) {
	f := newDataFolder(t)
	r := newSettingsRig(t, f.deps(), nil)
	c := r.w.Canvas()
	ctx := context.Background()

	tapButton(t, c, "Delete all my practice data…")
	shot(t, c, "delete-all-confirm.png")
	got := texts(t, c)
	for _, want := range []string{"Delete all my practice data?", "every attempt and turn", "every calibration", "every recording",
		"the scenarios you wrote, your own customer lines, and your settings"} {
		if !strings.Contains(got, want) {
			t.Errorf("the confirmation should say %q:\n%s", want, got)
		}
	}
	key(c, fyne.KeyEscape) // no
	r.waitStep(t, "ui: delete all cancelled")
	if list, _ := f.db.ListAttempts(ctx, 10); len(list) != 1 {
		t.Fatalf("Escape on the confirmation deleted the history (%d attempts left)", len(list))
	}

	tapButton(t, c, "Delete all my practice data…")
	tapButton(t, c, "Delete everything")
	waitShown(t, r.shown, "Calibration") // offered again, as at a first start
	r.waitStep(t, "ui: practice data deleted")
	if got := texts(t, c); !strings.Contains(got, "Your practice data is deleted") || !strings.Contains(got, "2 recordings") {
		t.Errorf("the result should be said:\n%s", got)
	}
	if list, err := f.db.ListAttempts(ctx, 10); err != nil || len(list) != 0 {
		t.Errorf("history after delete all: %d attempts, %v; want none", len(list), err)
	}
	if _, err := f.db.LatestBaseline(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("baseline after delete all: %v, want none", err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "recordings")); !os.IsNotExist(err) {
		t.Errorf("recordings folder after delete all: %v, want it gone", err)
	}
	for _, rel := range f.own {
		if b, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(rel))); err != nil || string(b) != "content of "+rel {
			t.Errorf("own file %s after delete all: %q, %v; want it untouched", rel, b, err)
		}
	}
	// The app goes on with the emptied database: History lists nothing.
	key(c, fyne.KeyEscape) // the message
	key(c, fyne.KeyEscape) // skip calibration
	waitShown(t, r.shown, "Scenarios")
	key(c, fyne.KeyH)
	waitShown(t, r.shown, "History", "History")
	if got := texts(t, c); strings.Contains(got, "Two days late —") || strings.Contains(got, "20 Nov") {
		t.Errorf("History still lists the deleted attempt:\n%s", got)
	}
}

func TestDeleteAllFailuresAreSaid(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		wants []string
	}{
		{"the database refuses", fmt.Errorf("%w: delete all practice data: %w", practice.ErrNothingDeleted, store.ErrDiskFull),
			[]string{"Nothing was deleted", "The disk is full"}},
		{"a recording stays", fmt.Errorf("delete recordings: %w (1 stayed; first: remove /data/recordings/x/turn-1.wav: device or resource busy)", practice.ErrRecordingsLeft),
			[]string{"Some recordings are still there", "/data/recordings/x/turn-1.wav", "Your history and baselines are deleted"}},
		{"an error nobody classified", errors.New("delete recordings: walk: input/output error"),
			[]string{"may be only partly deleted", "input/output error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newSettingsRig(t, ui.Deps{DataDir: t.TempDir(),
				DeleteAll: func(context.Context) (int, error) { return 1, tt.err }}, nil)
			c := r.w.Canvas()
			tapButton(t, c, "Delete all my practice data…")
			tapButton(t, c, "Delete everything")
			r.waitStep(t, "ui: ")
			got := texts(t, c)
			for _, want := range tt.wants {
				if !strings.Contains(got, want) {
					t.Errorf("the message lacks %q:\n%s", want, got)
				}
			}
			if strings.Contains(got, "Your practice data is deleted") {
				t.Errorf("a failed delete must not say it is done:\n%s", got)
			}
		})
	}
}

// tapItemNamed taps the tappable item (a file in a file dialog) whose
// label reads name.
func tapItemNamed(t *testing.T, c fyne.Canvas, name string) {
	t.Helper()
	var found fyne.Tappable
	visit(t, c, func(o fyne.CanvasObject) {
		tp, ok := o.(fyne.Tappable)
		if !ok || found != nil {
			return
		}
		w, ok := o.(fyne.Widget)
		if !ok {
			return
		}
		for _, sub := range test.TempWidgetRenderer(t, w).Objects() {
			if l, ok := sub.(*widget.Label); ok && l.Text == name {
				found = tp
			}
		}
	})
	if found == nil {
		t.Fatalf("no item %q on screen:\n%s", name, texts(t, c))
	}
	test.Tap(found)
}

func TestExportToAFileAndImportABrokenOne(t *testing.T) {
	f := newDataFolder(t)
	out := t.TempDir()
	r := newSettingsRig(t, f.deps(), func(p fyne.Preferences) { p.SetString(ui.PrefTransferFolder, out) })
	c := r.w.Canvas()

	tapButton(t, c, "Export CSV…")
	tapButton(t, c, "Export") // the file dialog's confirm: its folder and name are preset
	step := r.waitStep(t, "ui: export")
	if !strings.HasPrefix(step, "ui: exported csv") {
		t.Fatalf("export: %s", step)
	}
	files, _ := filepath.Glob(filepath.Join(out, "fallback-*.csv"))
	if len(files) != 1 {
		t.Fatalf("export files in %s: %v, want one", out, files)
	}
	var want bytes.Buffer
	if err := f.db.Export(context.Background(), &want, store.ExportOptions{Format: store.FormatCSV, AppVersion: "0.1.0-test"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(files[0])
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("exported file (%v) differs from the store's export:\n%s\nwant:\n%s", err, got, want.Bytes())
	}
	if txt := texts(t, c); !strings.Contains(txt, "Your practice is exported as CSV") || !strings.Contains(txt, files[0]) {
		t.Errorf("the result should name the file:\n%s", txt)
	}
	key(c, fyne.KeyEscape)
	if n := len(c.Overlays().List()); n != 0 {
		t.Fatalf("%d overlays after Escape on the export's result, want none (focus %T)", n, c.Focused())
	}

	// A JSON export with one figure broken.
	var js bytes.Buffer
	if err := f.db.Export(context.Background(), &js, store.ExportOptions{Format: store.FormatJSON}); err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(js.String(), `"latency_ms": 820`, `"latency_ms": "soon"`, 1)
	if broken == js.String() {
		t.Fatalf("the test's export has no latency of 820 ms to break:\n%s", js.String())
	}
	if err := os.WriteFile(filepath.Join(out, "broken.json"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	tapButton(t, c, "Import…")
	tapItemNamed(t, c, "broken") // the dialog shows names without the extension
	tapButton(t, c, "Import")
	if step := r.waitStep(t, "ui: import"); !strings.HasPrefix(step, "ui: import refused") {
		t.Fatalf("import of a broken file: %s", step)
	}
	txt := texts(t, c)
	for _, w := range []string{"This file cannot be imported", "broken.json was not imported and nothing was changed", "attempt 1, turn 1, field latency_ms"} {
		if !strings.Contains(txt, w) {
			t.Errorf("the refusal lacks %q:\n%s", w, txt)
		}
	}
	if list, _ := f.db.ListAttempts(context.Background(), 10); len(list) != 1 {
		t.Errorf("a refused import changed the history: %d attempts", len(list))
	}
	key(c, fyne.KeyEscape)

	// The intact file imports: everything is already here.
	if err := os.WriteFile(filepath.Join(out, "backup.json"), js.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tapButton(t, c, "Import…")
	tapItemNamed(t, c, "backup")
	tapButton(t, c, "Import")
	if step := r.waitStep(t, "ui: import"); step != "ui: imported backup.json" {
		t.Fatalf("import: %s", step)
	}
	if txt := texts(t, c); !strings.Contains(txt, "Imported 0 attempts, 1 already here.") {
		t.Errorf("the import result should be said:\n%s", txt)
	}
	// After the file dialogs the keys are the screen's again: Escape
	// closes the message, then leaves Settings.
	key(c, fyne.KeyEscape)
	if n := len(c.Overlays().List()); n != 0 {
		t.Fatalf("%d overlays after Escape, want the message closed (focus %T)", n, c.Focused())
	}
	key(c, fyne.KeyEscape)
	waitShown(t, r.shown, "Scenarios")
}

// shot writes what c shows to $FALLBACK_SHOTS/name, for a person to look
// at; without FALLBACK_SHOTS it does nothing.
func shot(t *testing.T, c fyne.Canvas, name string) {
	t.Helper()
	dir := os.Getenv("FALLBACK_SHOTS")
	if dir == "" {
		return
	}
	out, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, c.Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestSettingsScreenshot writes the Settings screen at 800 × 600, top and
// scrolled to the bottom, to $FALLBACK_SHOTS (when set) for a person to look
// at; it always checks that the screen fits the window's width and that the
// privacy and data rows are reachable.
func TestSettingsScreenshot(t *testing.T) {
	f := newDataFolder(t)
	deps := f.deps()
	deps.Devices = &fakeDevices{}
	deps.DeleteRecordings = func(context.Context) (int, error) { return 0, nil }
	r := newSettingsRig(t, deps, nil)
	r.waitStep(t, "ui: devices listed")
	c := r.w.Canvas()
	if min := c.Content().MinSize(); min.Width > 800 {
		t.Errorf("Settings needs %.0f units of width, more than an 800-pixel window", min.Width)
	}
	var scroll *container.Scroll
	visit(t, c, func(o fyne.CanvasObject) {
		if s, ok := o.(*container.Scroll); ok && scroll == nil {
			scroll = s
		}
	})
	if scroll == nil {
		t.Fatal("Settings has no scrolling body")
	}
	if dir := os.Getenv("FALLBACK_SHOTS"); dir != "" { // a file to import in the real window
		var js bytes.Buffer
		if err := f.db.Export(context.Background(), &js, store.ExportOptions{Format: store.FormatJSON}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "export.json"), js.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shot(t, c, "settings-top.png")
	scroll.ScrollToBottom()
	shot(t, c, "settings-bottom.png")
	for _, want := range []string{metricsOnlyBox, "Delete all my practice data…", "Export CSV…", "Import…"} {
		if !strings.Contains(texts(t, c), want) {
			t.Errorf("Settings lacks %q", want)
		}
	}
}

// playLog is a speaker that tells what it plays, by clip length.
type playLog chan int

func (p playLog) Play(_ context.Context, c pcm.Clip) error {
	p <- len(c.Samples)
	return nil
}

// findTimeline is the first timeline on screen (nil: none).
func findTimeline(t *testing.T, c fyne.Canvas) *ui.Timeline {
	t.Helper()
	var found *ui.Timeline
	visit(t, c, func(o fyne.CanvasObject) {
		if tl, ok := o.(*ui.Timeline); ok && found == nil {
			found = tl
		}
	})
	return found
}

func TestMetricsOnlyReportOffersNoPlayback(t *testing.T) {
	var line bytes.Buffer
	const lineSamples = 1600
	if err := pcm.WriteWAV(&line, pcm.Clip{Rate: 16000, Samples: make([]float32, lineSamples)}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"l1.wav": {Data: line.Bytes()}}
	dir := t.TempDir()
	st := &memStore{}
	played := make(playLog, 8)
	r := settingsRig{shown: make(chan string, 16), steps: make(chan string, 64)}
	cued := make(chan struct{}, 1)
	mic := &turnMic{cued: cued, speak: []time.Duration{time.Second}}
	deps := ui.Deps{Scenarios: scenarios(), Audio: fsys, History: &fakeHistory{}, Player: played, DataDir: dir,
		Shown: func(s string) { r.shown <- s }, Log: releaseOnAnswer(r.steps, cued)}
	deps.NewRun = func(sc scenario.Scenario) (*practice.Run, error) {
		return practice.New(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: quietSpeaker{},
			Store: st, DataDir: dir, SilenceStop: 500 * time.Millisecond, MetricsOnly: true})
	}
	var app *ui.App
	app, r.w = newUI(t, deps)
	t.Cleanup(func() {
		done := make(chan struct{})
		app.Close(10*time.Second, func() { close(done) })
		<-done
	})
	c := r.w.Canvas()
	waitShown(t, r.shown, "Scenarios")
	key(c, fyne.KeyReturn)
	waitShown(t, r.shown, "Two days late")
	key(c, fyne.KeySpace)
	r.waitStep(t, "ui: report of turn 1")

	got := texts(t, c)
	if !strings.Contains(got, "Recording not kept (metrics only)") {
		t.Errorf("the report should say the recording is not kept:\n%s", got)
	}
	if strings.Contains(got, "P: play your answer") {
		t.Errorf("the key hint still offers playback:\n%s", got)
	}
	visit(t, c, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Play answer (P)" && b.Visible() {
			t.Error("the Play answer button is offered with no recording")
		}
	})
	tl := findTimeline(t, c)
	if tl == nil {
		t.Fatal("the report has no timeline")
	}
	if tl.Duration() <= 0 {
		t.Errorf("the figures-only timeline spans %v, want the answer's length", tl.Duration())
	}
	// P and a click on the timeline play nothing; C then plays the
	// customer's line, which would come after any answer played before it.
	key(c, fyne.KeyP)
	test.Tap(tl)
	key(c, fyne.KeyC)
	select {
	case n := <-played:
		if n != lineSamples {
			t.Errorf("first sound played has %d samples, want the customer's line (%d): the answer was played", n, lineSamples)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("C did not play the customer's line")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "recordings", "*", "*")); len(left) != 0 {
		t.Errorf("recordings left after the turn was saved: %v", left)
	}
	if atts := st.attempts(); len(atts) != 1 || atts[0].Turns[0].RecordingPath != "" {
		t.Errorf("stored %+v, want one attempt whose turn has no recording path", atts)
	}
}

func TestHistoryOfAMetricsOnlyAttempt(t *testing.T) {
	h := &fakeHistory{atts: []store.Attempt{{ID: "a1", ScenarioID: "late", ScenarioTitle: "Two days late",
		StartedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), FinishedAt: time.Date(2026, 11, 20, 9, 32, 0, 0, time.UTC),
		Turns: []store.Turn{{Index: 0, LineID: "t1", LineText: "You're late!", Report: report(820 * time.Millisecond), Cue: 0}}}}}
	shown := make(chan string, 16)
	_, w := newUI(t, ui.Deps{Scenarios: scenarios(), History: h, Player: make(playLog, 1), Shown: func(s string) { shown <- s }})
	w.Resize(fyne.NewSize(800, 600))
	c := w.Canvas()
	waitShown(t, shown, "Scenarios")
	key(c, fyne.KeyH)
	waitShown(t, shown, "History", "History")
	key(c, fyne.KeyReturn)
	waitShown(t, shown, "Results")
	got := texts(t, c)
	if !strings.Contains(got, "Recording not kept (metrics only)") || strings.Contains(got, "[Play answer]") {
		t.Errorf("a turn with no recording should say so and offer no playback:\n%s", got)
	}
	shot(t, c, "results-metrics-only.png")
	tl := findTimeline(t, c)
	// report(820 ms) speaks until 3.82 s: the timeline runs past it.
	if tl == nil || tl.Duration() < 3820*time.Millisecond {
		t.Errorf("timeline %v, want one drawn from the figures past the answer's end", tl)
	}
}

func TestMetricsOnlyCalibrationKeepsNoReading(t *testing.T) {
	dir := t.TempDir()
	saved := make(chan store.Baseline, 1)
	r := settingsRig{shown: make(chan string, 16), steps: make(chan string, 64)}
	deps := ui.Deps{Scenarios: scenarios(), DataDir: dir, NeedsCalibration: true,
		Recorder:     func() (practice.Recorder, error) { return readerMic{speak: 14 * time.Second}, nil },
		SaveBaseline: func(_ context.Context, b *store.Baseline) error { saved <- *b; return nil },
		Shown:        func(s string) { r.shown <- s }, Log: func(f string, args ...any) { r.steps <- fmt.Sprintf(f, args...) }}
	test.NewTempApp(t)
	fyne.CurrentApp().Preferences().SetBool(ui.PrefMetricsOnly, true)
	r.w = test.NewTempWindow(t, nil)
	a := ui.New(r.w, deps)
	t.Cleanup(func() {
		done := make(chan struct{})
		a.Close(10*time.Second, func() { close(done) })
		<-done
	})
	c := r.w.Canvas()
	waitShown(t, r.shown, "Calibration")
	key(c, fyne.KeySpace)
	r.waitStep(t, "ui: calibration measured")
	if got := texts(t, c); !strings.Contains(got, "Your reading was not kept (metrics only)") {
		t.Errorf("the result should say the reading is not kept:\n%s", got)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "recordings", "calibration", "*")); len(left) != 0 {
		t.Errorf("the reading stays on disk under metrics only: %v", left)
	}
	key(c, fyne.KeyReturn)
	select {
	case b := <-saved:
		if b.RecordingPath != "" || b.ArticulationRate <= 0 {
			t.Errorf("baseline saved %+v, want its figures and no recording path", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Enter did not keep the baseline")
	}
	// The save's last step is the home screen; the window closes after it.
	waitShown(t, r.shown, "Scenarios")
}

func TestExportShowsProgressAndCancels(t *testing.T) {
	out := t.TempDir()
	started := make(chan struct{})
	deps := ui.Deps{DataDir: t.TempDir(), Export: func(ctx context.Context, w io.Writer, _ store.ExportOptions) error {
		if _, err := io.WriteString(w, "half of an export"); err != nil {
			return err
		}
		close(started)
		<-ctx.Done() // a long export, until the rep cancels it
		return ctx.Err()
	}}
	r := newSettingsRig(t, deps, func(p fyne.Preferences) { p.SetString(ui.PrefTransferFolder, out) })
	c := r.w.Canvas()
	tapButton(t, c, "Export JSON…")
	tapButton(t, c, "Export")
	<-started
	if got := texts(t, c); !strings.Contains(got, "Exporting your practice…") {
		t.Fatalf("no progress shown while the export runs:\n%s", got)
	}
	tapButton(t, c, "Cancel")
	r.waitStep(t, "ui: export cancelled")
	if got := texts(t, c); !strings.Contains(got, "Nothing was exported") {
		t.Errorf("cancelling should be said:\n%s", got)
	}
	if left, _ := filepath.Glob(filepath.Join(out, "*")); len(left) != 0 {
		t.Errorf("a cancelled export leaves %v, want no half file", left)
	}
}

func TestFriendlyDoesNotPromiseADroppedTake(t *testing.T) {
	tests := []struct {
		name string
		err  error
		kept bool // the advice says what was recorded is kept
	}{
		{"device lost", fmt.Errorf("record answer: %w", practice.ErrDeviceLost), true},
		{"stalled", fmt.Errorf("record answer: %w", practice.ErrStalled), true},
		{"device lost, metrics only", fmt.Errorf("record answer: %w (%w)", practice.ErrDeviceLost, practice.ErrTakeDropped), false},
		{"stalled, metrics only", fmt.Errorf("record answer: %w (%w)", practice.ErrStalled, practice.ErrTakeDropped), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ui.Friendly(tt.err)
			advice, _, _ := strings.Cut(got, "\n\nDetail:")
			if strings.Contains(advice, "so far is kept") != tt.kept {
				t.Errorf("Friendly(%v) = %q; says kept = %v, want %v", tt.err, got, !tt.kept, tt.kept)
			}
			if !strings.Contains(advice, "Reconnect it") {
				t.Errorf("Friendly(%v) lost its advice: %q", tt.err, got)
			}
		})
	}
}
