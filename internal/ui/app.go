// Package ui is Fallback's Fyne user interface: the scenario list, the
// role-play screen, the results, the history and the settings. It never
// imports fyne/v2/app (so it builds and tests without cgo or a display) and
// reaches audio and the database only through the interfaces in Deps.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"strings"
	"sync"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// History reads past attempts.
type History interface {
	ListAttempts(ctx context.Context, limit int) ([]store.AttemptSummary, error)
	Attempt(ctx context.Context, id string) (store.Attempt, error)
}

// Devices lists the audio devices the rep can choose from.
type Devices interface {
	Inputs() ([]string, error)
	Outputs() ([]string, error)
	// Refresh re-reads the system's device list.
	Refresh() error
}

// Player plays a recorded answer back.
type Player interface {
	Play(ctx context.Context, clip pcm.Clip) error
}

// Preference keys the app and the UI share.
const (
	PrefInputDevice  = "audio.input"
	PrefOutputDevice = "audio.output"
)

// Deps are what the UI works with. Any of History, Devices, NewRun and
// Player may be nil when that part is unavailable (no database, no audio);
// the UI then says so where it is needed and the rest keeps working.
type Deps struct {
	Scenarios []scenario.Scenario
	// ScenarioErrors are scenario files that failed to load.
	ScenarioErrors []error
	Audio          fs.FS
	History        History
	// HistoryErr is why History is nil (shown on the History screen).
	HistoryErr error
	Devices    Devices
	// AudioErr is why audio is unavailable (shown when starting a run).
	AudioErr error
	// NewRun starts a role-play with the currently chosen devices.
	NewRun func(sc scenario.Scenario) (*practice.Run, error)
	// SaveSelfChecks keeps the rep's ticks of a stored turn's self-check
	// (optional: without it ticks on reopened results are not kept).
	SaveSelfChecks func(ctx context.Context, attemptID string, index int, checks []store.SelfCheck) error
	// Progress reads the figures over time (optional: nil without a
	// database).
	Progress Progress
	// Baseline is the rep's newest calibration (optional; zero: none).
	Baseline func() coach.Baseline
	// DeleteAttempt removes an attempt and its recordings (optional).
	DeleteAttempt func(ctx context.Context, id string) error
	// SaveBaseline keeps a calibration (optional: without it calibration
	// measures but cannot keep the result).
	SaveBaseline func(ctx context.Context, b *store.Baseline) error
	// NeedsCalibration sends the first start to calibration instead of the
	// scenario list (no baseline is stored yet).
	NeedsCalibration bool
	// DeleteAll deletes every attempt, turn, baseline and recording (the
	// rep's own scenarios, lines and settings stay) and returns how many
	// recordings it removed (optional: nil without a database). See
	// practice.DeleteAllData for its errors.
	DeleteAll func(ctx context.Context) (int, error)
	// DeleteRecordings deletes the recordings kept so far, keeping every
	// figure, when "keep metrics only" is turned on; it returns how many
	// it removed (optional).
	DeleteRecordings func(ctx context.Context) (int, error)
	// Export writes the practice history as CSV or JSON (optional: nil
	// without a database).
	Export func(ctx context.Context, w io.Writer, opt store.ExportOptions) error
	// Import merges a JSON export into the history (optional).
	Import func(ctx context.Context, r io.Reader) (store.ImportResult, error)
	// ResumeRun continues an unfinished attempt of sc (optional).
	ResumeRun func(sc scenario.Scenario, att store.Attempt) (*practice.Run, error)
	// Recorder opens the chosen microphone for recording own lines.
	Recorder func() (practice.Recorder, error)
	Player   Player
	// UserDir is the user's scenarios folder (own scenarios and lines).
	UserDir string
	// Template is the commented file a new scenario starts from.
	Template []byte
	// Reload reads the scenario library again.
	Reload  func() ([]scenario.Scenario, []error)
	DataDir string
	Version string
	Bands   coach.Bands
	// Notice, when set, is shown once at start (e.g. recordings recovered
	// after a crash).
	Notice string
	// Shown, when set, is told the title of every screen shown (on the UI
	// goroutine): for logs and for tests that wait for a screen.
	Shown func(title string)
	// Log, when set, is told of the role-play's steps as the screen shows
	// them ("ui: answering turn 2"), on the UI goroutine: for logs and for
	// tests that act at a given step.
	Log func(format string, args ...any)
	// LayoutLog makes every screen log where its check boxes are, once
	// laid out (for end-to-end tests that click them like a person).
	LayoutLog bool
}

// App is the window's content and navigation.
type App struct {
	win  fyne.Window
	deps Deps

	// work counts the goroutines that must end before the window closes
	// (a turn being measured and saved).
	work sync.WaitGroup

	// dialogsMu guards dialogs, the message and confirm dialogs open,
	// newest last: while one is open, Escape and Enter answer it and no key
	// reaches the screen under it. In the app only the UI goroutine touches
	// them; Fyne's test driver runs fyne.Do on the calling goroutine, so
	// there a worker closing its progress dialog can meet the test's tap
	// closing another. Never held while a dialog is shown or hidden (that
	// calls back into trackThen).
	dialogsMu sync.Mutex
	dialogs   []dialog.Dialog

	// stopPlay stops the sound playing and playDone is closed when it has
	// ended (UI goroutine only; see play).
	stopPlay context.CancelFunc
	playDone chan struct{}

	onKey     func(*fyne.KeyEvent) // the current screen's key handler (UI goroutine only)
	cancel    context.CancelFunc   // stops the current screen's goroutines
	screenCtx context.Context      // the current screen's context (UI goroutine only)
}

// New builds the UI into w and shows the scenario list.
func New(w fyne.Window, deps Deps) *App {
	if deps.Bands == (coach.Bands{}) {
		deps.Bands = coach.DefaultBands()
	}
	a := &App{win: w, deps: deps}
	w.Canvas().SetOnTypedKey(a.typedKey)
	if deps.NeedsCalibration {
		a.ShowCalibration()
	} else {
		a.ShowHome()
	}
	// Problems are said at start, not when the first answer is saved.
	if deps.HistoryErr != nil {
		log.Printf("ui: practice database: %v", deps.HistoryErr)
		a.inform("Your practice cannot be saved", Friendly(deps.HistoryErr))
	}
	if deps.Notice != "" {
		a.inform("Welcome back", deps.Notice)
	}
	return a
}

// Close stops the current screen (a role-play stops recording; a turn
// being measured is still measured and saved), waits for its work to end,
// at most wait, and then calls then on the UI goroutine. The app calls it
// when the window is asked to close.
func (a *App) Close(wait time.Duration, then func()) {
	if a.cancel != nil {
		a.cancel()
	}
	go func() {
		ended := make(chan struct{})
		go func() { a.work.Wait(); close(ended) }()
		select {
		case <-ended:
		case <-time.After(wait):
			log.Printf("ui: closing with work still running after %s", wait)
		}
		fyne.Do(then)
	}()
}

// inform shows a message with an OK button; Escape, Enter or Space close
// it.
func (a *App) inform(title, text string) {
	a.track(dialog.NewInformation(title, text, a.win))
}

// confirm asks a yes/no question; Escape (or Enter or Space) answers no.
func (a *App) confirm(title, text string, answer func(bool)) {
	a.track(dialog.NewConfirm(title, text, answer, a.win))
}

// track shows d and keeps it on the dialog stack until it closes.
func (a *App) track(d dialog.Dialog) { a.trackThen(d, nil) }

// trackThen is track, calling closed (when not nil) once d has closed.
func (a *App) trackThen(d dialog.Dialog, closed func()) {
	d.SetOnClosed(func() {
		a.dialogsMu.Lock()
		for i, o := range a.dialogs {
			if o == d {
				a.dialogs = append(a.dialogs[:i], a.dialogs[i+1:]...)
				break
			}
		}
		a.dialogsMu.Unlock()
		if closed != nil {
			closed()
		}
	})
	a.dialogsMu.Lock()
	a.dialogs = append(a.dialogs, d)
	a.dialogsMu.Unlock()
	d.Show()
}

// baseline is the rep's newest calibration (zero: none).
func (a *App) baseline() coach.Baseline {
	if a.deps.Baseline == nil {
		return coach.Baseline{}
	}
	return a.deps.Baseline()
}

// ShowProgress shows the rep's figures over time; a click on a point opens
// that attempt.
func (a *App) ShowProgress() {
	a.ShowProgressWith(a.deps.Progress, a.baseline(), func(id string) {
		a.withAttempt(id, "Cannot open this attempt", func(att store.Attempt) { a.ShowResults(att, nil) })
	})
}

// withAttempt reads attempt id off the UI goroutine and gives it to f on
// the UI goroutine, unless the screen has changed meanwhile; a read error
// is shown under what.
func (a *App) withAttempt(id, what string, f func(store.Attempt)) {
	if a.deps.History == nil {
		return
	}
	ctx, h := a.screenCtx, a.deps.History // this screen's, read on the UI goroutine
	go func() {
		att, err := h.Attempt(ctx, id)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				a.showError(what, err)
				return
			}
			f(att)
		})
	}()
}

// logf reports a step of the UI to Deps.Log.
func (a *App) logf(format string, args ...any) {
	if a.deps.Log != nil {
		a.deps.Log(format, args...)
	}
}

// firstLine is the first line of s (Friendly's advice without the detail).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// show replaces the window content, stopping the previous screen's work.
func (a *App) show(title string, content fyne.CanvasObject, onKey func(*fyne.KeyEvent)) context.Context {
	ctx := a.place(title, content, onKey)
	a.announce(title, content)
	return ctx
}

// place is show without telling Deps.Shown: for a screen that still sets
// itself up after it is in the window, and announces itself when done.
func (a *App) place(title string, content fyne.CanvasObject, onKey func(*fyne.KeyEvent)) context.Context {
	if a.cancel != nil {
		a.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel, a.screenCtx = cancel, ctx
	a.onKey = onKey
	a.win.SetTitle("Fallback — " + title)
	a.win.SetContent(content)
	return ctx
}

// announce tells Deps.Shown that the screen is shown and set up.
func (a *App) announce(title string, content fyne.CanvasObject) {
	if a.deps.Shown != nil {
		a.deps.Shown(title)
	}
	if a.deps.LayoutLog {
		a.logLayout(a.screenCtx, content)
	}
}

// nav is the bar of top-level destinations.
func (a *App) nav(current string) fyne.CanvasObject {
	mk := func(label string, f func()) *widget.Button {
		b := widget.NewButton(label, f)
		if label == current {
			b.Importance = widget.HighImportance
		}
		return b
	}
	return container.NewHBox(
		mk("Scenarios", a.ShowHome),
		mk("Progress", a.ShowProgress),
		mk("History", a.ShowHistory),
		mk("My lines", a.ShowMaterial),
		mk("Settings", a.ShowSettings),
	)
}

// showError tells the rep what went wrong in plain words and logs the detail.
func (a *App) showError(what string, err error) {
	log.Printf("ui: %s: %v", what, err)
	a.inform(what, Friendly(err))
}

// Friendly maps an error to text a rep can act on, keeping the technical
// detail (which names the device, file or folder) on its own line.
func Friendly(err error) string {
	var advice string
	switch {
	case err == nil:
		return ""
	case errors.Is(err, practice.ErrNoMicrophone):
		advice = "No microphone is available. Connect one, then choose it under Settings → Microphone. Your history is still available."
	case errors.Is(err, practice.ErrNoSpeaker):
		advice = "No speaker or headset is available. Connect one, then choose it under Settings → Speaker."
	case errors.Is(err, practice.ErrStalled):
		advice = "The microphone stopped sending sound (unplugged, muted, or taken by another program). What you said so far is kept. Reconnect it, press Refresh devices in Settings, and try the turn again."
	case errors.Is(err, practice.ErrNoSpeech):
		advice = "We heard no speech — check the microphone (Settings → Test microphone) and try again."
	case errors.Is(err, practice.ErrDeviceLost):
		advice = "The audio device stopped working (unplugged?). What was recorded so far is kept. Reconnect it, press Refresh devices in Settings, and try the turn again."
	case errors.Is(err, practice.ErrDeviceBusy):
		advice = "The audio device is still in use (a recording or playback is running, or a device that stopped has not let go). Stop it, or unplug and reconnect the device, then try again."
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG), errors.Is(err, store.ErrDiskFull):
		advice = "The disk is full. Everything saved before is kept; free some space, then try again."
	case errors.Is(err, syscall.EIO), errors.Is(err, store.ErrIO):
		advice = "The disk reported an error while writing. Everything saved before is kept; check the disk, then try again."
	case errors.Is(err, pcm.ErrCorrupt), errors.Is(err, pcm.ErrUnsupported):
		advice = "An audio file could not be read."
	case errors.Is(err, store.ErrDamaged):
		advice = "The practice database is damaged. It has not been changed; move it aside (see Detail for where it is) to start a new one. Until then practice is not saved."
	case errors.Is(err, store.ErrTooNew):
		advice = "The practice database was written by a newer version of Fallback. It has not been changed; update Fallback to use it. Until then practice is not saved."
	case errors.Is(err, store.ErrForeign):
		advice = "The file where Fallback keeps its practice belongs to another program. It has not been changed; move it aside or choose another data folder (--data). Until then practice is not saved."
	case errors.Is(err, practice.ErrNotSaved):
		advice = "Practice is not being saved: the practice database is not available."
	default:
		advice = "Something went wrong."
	}
	if errors.Is(err, practice.ErrTakeDropped) {
		// Keep metrics only: the partial answer is not kept.
		advice = strings.NewReplacer("What you said so far is kept. ", "", "What was recorded so far is kept. ", "").Replace(advice)
	}
	return fmt.Sprintf("%s\n\nDetail: %v", advice, err)
}

// layoutDelay is how long a new screen is given to lay out and paint before
// logLayout reads its positions (a frame is ~16 ms; layout may take a few).
const layoutDelay = 400 * time.Millisecond

// logLayout logs, once the screen has been laid out, the centre of every
// check box on it in window pixels: "ui: check "label" at X,Y".
func (a *App) logLayout(ctx context.Context, content fyne.CanvasObject) {
	time.AfterFunc(layoutDelay, func() {
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			scale := a.win.Canvas().Scale()
			drv := fyne.CurrentApp().Driver()
			var walk func(o fyne.CanvasObject)
			walk = func(o fyne.CanvasObject) {
				switch v := o.(type) {
				case *KeyCheck:
					p, sz := drv.AbsolutePositionForObject(v), v.Size()
					// The box and its label sit at the leading edge.
					x := (p.X + min(sz.Width, v.MinSize().Width)/2) * scale
					y := (p.Y + sz.Height/2) * scale
					a.logf("ui: check %q at %d,%d", v.Text, int(x), int(y))
				case *fyne.Container:
					for _, c := range v.Objects {
						walk(c)
					}
				case *container.Scroll:
					walk(v.Content)
				case *widget.Card:
					walk(v.Content)
				}
			}
			walk(content)
		})
	})
}
