package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/internal/ui"
)

// Keys act the same whatever has focus: these tests click a widget first,
// as a rep with a mouse does, and then type through the focus path.

// turnMic speaks for speak[i] on its i-th recording (the last value
// repeats), 0.6 s after a first chunk, then stays silent until stopped. It
// has no clock of its own: after its first chunk it waits until the screen
// says the rep may answer (cued, released by releaseOnAnswer), which comes
// after the run took the cue's position — so the cue lands after one chunk
// however slow the machine.
type turnMic struct {
	cued  chan struct{}
	speak []time.Duration
	calls int
}

func (m *turnMic) SampleRate() int { return 16000 }

func (m *turnMic) Record(ctx context.Context, sink func([]float32) error) error {
	speak := m.speak[min(m.calls, len(m.speak)-1)]
	m.calls++
	chunk := make([]float32, 320)
	for i := 0; ctx.Err() == nil; i++ {
		if i == 1 {
			select {
			case <-m.cued:
			case <-ctx.Done():
				return nil
			}
		}
		for j := range chunk {
			t := float64(i*len(chunk)+j) / 16000
			chunk[j] = 0
			if t > 0.6 && t < 0.6+speak.Seconds() {
				chunk[j] = float32(0.1 * (math.Sin(2*math.Pi*140*t) + 0.5*math.Sin(2*math.Pi*280*t) + 0.3*math.Sin(2*math.Pi*420*t)) * (0.6 - 0.4*math.Cos(2*math.Pi*4*t)))
			}
		}
		if err := sink(chunk); err != nil {
			return err
		}
		if i > 0 && i%5 == 0 {
			time.Sleep(time.Millisecond) // a little clock, so Stop lands mid-answer
		}
	}
	return nil
}

type keysRig struct {
	w     fyne.Window
	dir   string
	st    *memStore
	shown chan string
	steps chan string
}

// newKeysRig opens the first scenario's role-play screen with a mic that
// answers each turn for speak[i].
func newKeysRig(t *testing.T, speak ...time.Duration) keysRig {
	t.Helper()
	var line bytes.Buffer
	if err := pcm.WriteWAV(&line, pcm.Clip{Rate: 16000, Samples: make([]float32, 1600)}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"l1.wav": {Data: line.Bytes()}}
	r := keysRig{st: &memStore{}, shown: make(chan string, 16), steps: make(chan string, 64)}
	dir := t.TempDir()
	r.dir = dir
	deps := ui.Deps{
		Scenarios: scenarios(), Audio: fsys, History: &fakeHistory{},
		Shown: func(title string) { r.shown <- title },
	}
	cued := make(chan struct{}, 1)
	mic := &turnMic{cued: cued, speak: speak}
	deps.NewRun = func(sc scenario.Scenario) (*practice.Run, error) {
		return practice.New(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: quietSpeaker{},
			Store: r.st, DataDir: dir, SilenceStop: 500 * time.Millisecond})
	}
	deps.Log = releaseOnAnswer(r.steps, cued)
	var app *ui.App
	app, r.w = newUI(t, deps)
	t.Cleanup(func() { // the turn's goroutine ends before the temp folder goes
		done := make(chan struct{})
		app.Close(10*time.Second, func() { close(done) })
		<-done
	})
	r.waitScreen(t, "Scenarios")
	key(r.w.Canvas(), fyne.KeyReturn)
	r.waitScreen(t, "Two days late")
	return r
}

func (r keysRig) waitScreen(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-r.shown:
		if got != want {
			t.Fatalf("screen %q, want %q", got, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("screen %q never shown", want)
	}
}

func (r keysRig) waitStep(t *testing.T, prefix string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case got := <-r.steps:
			if strings.HasPrefix(got, prefix) {
				return
			}
		case <-deadline:
			t.Fatalf("step %q never came", prefix)
		}
	}
}

// check finds the check box with this label.
func check(t *testing.T, c fyne.Canvas, label string) fyne.Tappable {
	t.Helper()
	var found fyne.Tappable
	visit(t, c, func(o fyne.CanvasObject) {
		if text, ok := checkLabel(t, o); ok && text == label && found == nil {
			found = o.(fyne.Tappable)
		}
	})
	if found == nil {
		t.Fatalf("no check box %q on screen", label)
	}
	return found
}

func TestSpaceEndsTheAnswerAfterClickingACheckBox(t *testing.T) {
	r := newKeysRig(t, time.Minute) // the answer only ends on Space
	c := r.w.Canvas()
	step := check(t, c, "Show the method step (untick for a harder run)")
	test.Tap(step)
	if c.Focused() == nil {
		t.Fatal("clicking the check box should focus it, as on the desktop")
	}
	key(c, fyne.KeySpace) // starts turn 1
	r.waitStep(t, "ui: answering turn 1")
	test.Tap(check(t, c, "Show the customer's words")) // a click mid-answer
	key(c, fyne.KeySpace)                              // ends the answer
	r.waitStep(t, "ui: report of turn 1")
	test.Tap(check(t, c, "Asked: would that be a fair statement?")) // a self-check on the report
	key(c, fyne.KeyN)                                               // the customer answers
	r.waitStep(t, "ui: answering turn 2")
	if got := len(r.st.attempts()); got != 1 {
		t.Fatalf("after Space ended turn 1: %d attempts saved, want 1", got)
	}
	key(c, fyne.KeySpace)
	r.waitStep(t, "ui: report of turn 2")
	key(c, fyne.KeySpace) // on the last report: the summary
	r.waitScreen(t, "Results")
	atts := r.st.attempts()
	if len(atts) != 1 || len(atts[0].Turns) != 2 || atts[0].FinishedAt.IsZero() {
		t.Fatalf("saved %+v, want one finished attempt of 2 turns", atts)
	}
	if ticks := atts[0].Turns[0].SelfChecks; len(ticks) != 1 || !ticks[0].Done || ticks[0].Text != "Asked: would that be a fair statement?" {
		t.Errorf("turn 1 self-check stored as %+v, want the ticked check", ticks)
	}
}

func TestEscapeLeavesMidAnswerAndKeepsTheFinishedTurn(t *testing.T) {
	r := newKeysRig(t, time.Second, time.Minute) // turn 1 ends by silence, turn 2 runs on
	c := r.w.Canvas()
	key(c, fyne.KeySpace)
	r.waitStep(t, "ui: report of turn 1")
	key(c, fyne.KeyReturn)
	r.waitStep(t, "ui: answering turn 2")
	test.Tap(check(t, c, "Show the method step (untick for a harder run)"))
	key(c, fyne.KeyEscape)
	r.waitScreen(t, "Scenarios")
	r.waitStep(t, "ui: left attempt")
	atts := r.st.attempts()
	if len(atts) != 1 || len(atts[0].Turns) != 1 || !atts[0].FinishedAt.IsZero() || atts[0].PlannedTurns != 2 {
		t.Fatalf("after leaving in turn 2: %+v; want one unfinished attempt with turn 1 of 2", atts)
	}
}

func TestRetryReplacesTheTurnAndKeepsBothRecordings(t *testing.T) {
	r := newKeysRig(t, time.Second)
	c := r.w.Canvas()
	key(c, fyne.KeySpace)
	r.waitStep(t, "ui: report of turn 1")
	key(c, fyne.KeyR)
	r.waitStep(t, "ui: retry turn 1")
	r.waitStep(t, "ui: report of turn 1")
	atts := r.st.attempts()
	if len(atts) != 1 || len(atts[0].Turns) != 1 {
		t.Fatalf("after a retry: %+v; want one attempt whose turn 1 was replaced", atts)
	}
	if got := atts[0].Turns[0].RecordingPath; !strings.HasSuffix(got, "turn-1-take-2.wav") {
		t.Errorf("turn 1 recording %q, want the second take", got)
	}
	for _, name := range []string{"turn-1.wav", "turn-1-take-2.wav"} {
		if _, err := os.Stat(filepath.Join(r.dir, "recordings", atts[0].ID, name)); err != nil {
			t.Errorf("recording %s: %v (both takes are kept)", name, err)
		}
	}
}

func TestKeysAfterChoosingInASelectAndAList(t *testing.T) {
	h := &fakeHistory{atts: []store.Attempt{{ID: "a1", ScenarioID: "late", ScenarioTitle: "Two days late",
		StartedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), PlannedTurns: 2,
		Turns: []store.Turn{{Index: 0, LineID: "t1", LineText: "You're late!", Report: report(820 * time.Millisecond)}}}}}
	shown := make(chan string, 16)
	steps := make(chan string, 8)
	a, w := newUI(t, ui.Deps{Scenarios: scenarios(), Devices: &fakeDevices{}, History: h, Shown: func(s string) { shown <- s },
		Log: func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) }})
	c := w.Canvas()
	<-shown
	a.ShowSettings()
	<-shown
	<-steps // the device lists are filled in off the UI goroutine
	var sel *ui.KeySelect
	visit(t, c, func(o fyne.CanvasObject) {
		if s, ok := o.(*ui.KeySelect); ok && sel == nil {
			sel = s
		}
	})
	if sel == nil {
		t.Fatal("no select on Settings")
	}
	test.Tap(sel) // opens its pop-up and takes the focus
	if c.Focused() == nil {
		t.Fatal("clicking the select should focus it")
	}
	for _, o := range c.Overlays().List() { // close the pop-up as a click outside would
		c.Overlays().Remove(o)
	}
	key(c, fyne.KeyEscape)
	if got := <-shown; got != "Scenarios" {
		t.Fatalf("Escape after using a select showed %q, want Scenarios", got)
	}
	// Home: click the second scenario in the list, then Enter opens… the
	// history is one key away: H after a click on the list.
	var list *ui.KeyList
	visit(t, c, func(o fyne.CanvasObject) {
		if l, ok := o.(*ui.KeyList); ok && list == nil {
			list = l
		}
	})
	if list == nil {
		t.Fatal("no list on the home screen")
	}
	c.Focus(list) // what a click on an item does
	key(c, fyne.KeyH)
	if got := <-shown; got != "History" {
		t.Fatalf("H with the list focused showed %q, want History", got)
	}
	if got := <-shown; got != "History" { // the list, after "Loading…"
		t.Fatalf("screen %q, want the history list", got)
	}
	if got := texts(t, c); !strings.Contains(got, "1 of 2 turns · unfinished") {
		t.Errorf("history should show the unfinished attempt:\n%s", got)
	}
	visit(t, c, func(o fyne.CanvasObject) {
		if l, ok := o.(*ui.KeyList); ok {
			c.Focus(l)
		}
	})
	key(c, fyne.KeyReturn)
	if got := <-shown; got != "Results" {
		t.Fatalf("Enter with the history list focused showed %q, want Results", got)
	}
}

func TestDeleteAnAttemptAfterConfirming(t *testing.T) {
	h := &fakeHistory{atts: []store.Attempt{{ID: "a1", ScenarioID: "late", ScenarioTitle: "Two days late",
		StartedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC), FinishedAt: time.Date(2026, 11, 20, 9, 32, 0, 0, time.UTC),
		Turns: []store.Turn{{Index: 0, LineID: "t1", Report: report(820 * time.Millisecond)}}}}}
	deleted := make(chan string, 1)
	shown := make(chan string, 16)
	steps := make(chan string, 16)
	_, w := newUI(t, ui.Deps{Scenarios: scenarios(), History: h,
		DeleteAttempt: func(_ context.Context, id string) error { deleted <- id; return nil },
		Shown:         func(s string) { shown <- s }, Log: func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) }})
	c := w.Canvas()
	waitShown(t, shown, "Scenarios")
	key(c, fyne.KeyH)
	waitShown(t, shown, "History", "History")
	key(c, fyne.KeyD)
	if got := texts(t, c); !strings.Contains(got, "Delete this attempt?") || !strings.Contains(got, "Nothing else is touched") {
		t.Fatalf("D should ask first:\n%s", got)
	}
	key(c, fyne.KeyEscape) // no: nothing is deleted
	select {
	case id := <-deleted:
		t.Fatalf("Escape deleted %s", id)
	default:
	}
	key(c, fyne.KeyD)
	tapButton(t, c, "Yes")
	select {
	case id := <-deleted:
		if id != "a1" {
			t.Errorf("deleted %q, want a1", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("confirming did not delete the attempt")
	}
	waitShown(t, shown, "History", "History") // the list again, read afresh
}
