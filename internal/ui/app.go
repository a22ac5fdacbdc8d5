// Package ui is Fallback's Fyne user interface: the scenario list, the
// role-play screen, the results, the history and the settings. It never
// imports fyne/v2/app (so it builds and tests without cgo or a display) and
// reaches audio and the database only through the interfaces in Deps.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"

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
}

// App is the window's content and navigation.
type App struct {
	win  fyne.Window
	deps Deps

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
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if a.onKey != nil {
			a.onKey(ev)
		}
	})
	a.ShowHome()
	if deps.Notice != "" {
		dialog.ShowInformation("Welcome back", deps.Notice, w)
	}
	return a
}

// show replaces the window content, stopping the previous screen's work.
func (a *App) show(title string, content fyne.CanvasObject, onKey func(*fyne.KeyEvent)) context.Context {
	if a.cancel != nil {
		a.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel, a.screenCtx = cancel, ctx
	a.onKey = onKey
	a.win.SetTitle("Fallback — " + title)
	a.win.SetContent(content)
	if a.deps.Shown != nil {
		a.deps.Shown(title)
	}
	return ctx
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
		mk("History", a.ShowHistory),
		mk("My lines", a.ShowMaterial),
		mk("Settings", a.ShowSettings),
	)
}

// showError tells the rep what went wrong in plain words and logs the detail.
func (a *App) showError(what string, err error) {
	log.Printf("ui: %s: %v", what, err)
	dialog.ShowInformation(what, Friendly(err), a.win)
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
	case errors.Is(err, practice.ErrDeviceLost):
		advice = "The audio device stopped working (unplugged?). What was recorded so far is kept. Reconnect it, press Refresh devices in Settings, and try the turn again."
	case errors.Is(err, pcm.ErrCorrupt), errors.Is(err, pcm.ErrUnsupported):
		advice = "An audio file could not be read."
	case errors.Is(err, store.ErrDamaged):
		advice = "The practice database is damaged. It has not been changed; move it aside to start a new one."
	default:
		advice = "Something went wrong."
	}
	return fmt.Sprintf("%s\n\nDetail: %v", advice, err)
}
