// Command fallback is the Fallback desktop coach: it wires PortAudio, the
// SQLite history, the scenario library and the Fyne window together.
//
// Usage:
//
//	fallback [--data DIR]              start the app
//	fallback scenarios check DIR       check a folder of scenario files
//	fallback export --format csv|json [--out FILE] [--since YYYY-MM-DD] [--data DIR]
//	fallback import FILE [--data DIR]  merge another machine's JSON export
//
// The data folder (database and recordings) defaults to the user's
// app-data folder; --data or FALLBACK_DATA override it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"fallback/assets"
	"fallback/internal/audio"
	"fallback/internal/coach"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/internal/ui"
	"fallback/scenarios"
)

// appID is the Fyne application ID (preferences live under it); version
// matches FyneApp.toml.
const (
	appID   = "coach.fallback.app"
	version = "0.1.0"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) >= 1 && args[0] == "scenarios" {
		return scenariosCmd(args[1:], stdout, stderr)
	}
	if len(args) >= 1 && args[0] == "export" {
		return exportCmd(args[1:], stdout, stderr)
	}
	if len(args) >= 1 && args[0] == "import" {
		return importCmd(args[1:], stdout, stderr)
	}
	fl := flag.NewFlagSet("fallback", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataFlag := fl.String("data", "", "data folder for the database and recordings (default: $FALLBACK_DATA or the user's app-data folder)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if msg := displayProblem(); msg != "" {
		fmt.Fprintln(stderr, msg)
		return 1
	}

	dataDir, err := dataFolder(*dataFlag)
	if err == nil {
		err = os.MkdirAll(dataDir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(stderr, "fallback: data folder: %v\n", err)
		return 1
	}
	log.SetPrefix("fallback: ")

	a := app.NewWithID(appID)
	a.Settings().SetTheme(ui.NewTheme()) // the app's palette, light or dark as the system is
	w := a.NewWindow("Fallback")
	w.Resize(fyne.NewSize(960, 680))

	// The user's own scenarios and recorded lines live in <data>/scenarios;
	// a line recorded there replaces the bundled voice of the same path.
	userDir := filepath.Join(dataDir, "scenarios")
	if err := os.MkdirAll(userDir, 0o755); err != nil {
		log.Printf("scenarios folder: %v", err)
	}
	deps := ui.Deps{
		DataDir:  dataDir,
		Version:  version,
		UserDir:  userDir,
		Audio:    scenario.Overlay(os.DirFS(userDir), assets.FS),
		Template: scenarios.Template,
	}
	deps.Reload = func() ([]scenario.Scenario, []error) {
		scs, errs := scenario.LoadLibrary(scenarios.FS, os.DirFS(userDir), userDir, deps.Audio)
		for _, err := range errs {
			log.Printf("scenario: %v", err)
		}
		return scs, errs
	}
	deps.Scenarios, deps.ScenarioErrors = deps.Reload()

	var base currentBaseline // the newest calibration, used by every new run
	dbPath := filepath.Join(dataDir, "fallback.db")
	db, err := store.Open(dbPath)
	var st practice.Store // nil without a database: practice is measured, not saved
	if err != nil {
		log.Printf("open database: %v", err)
		deps.HistoryErr = err
	} else {
		defer db.Close()
		deps.History = db
		deps.SaveSelfChecks = db.SetSelfChecks
		deps.Progress = db
		deps.DeleteAttempt = func(ctx context.Context, id string) error {
			if err := db.DeleteAttempt(ctx, id); err != nil {
				return err
			}
			return practice.DeleteRecordings(dataDir, id)
		}
		st = db
		b, err := db.LatestBaseline(context.Background())
		switch {
		case err == nil:
			base.set(b)
		case errors.Is(err, store.ErrNotFound):
			deps.NeedsCalibration = true // first start: calibrate first
		default:
			log.Printf("read baseline: %v", err)
		}
		deps.SaveBaseline = func(ctx context.Context, b *store.Baseline) error {
			if err := db.SaveBaseline(ctx, b); err != nil {
				return err
			}
			base.set(*b)
			return nil
		}
		// Privacy and transfer: the database is emptied in place (the
		// same db stays open for every part of the app), recordings are
		// removed from <data>/recordings only, never <data>/scenarios.
		deps.DeleteAll = func(ctx context.Context) (int, error) {
			n, err := practice.DeleteAllData(ctx, dataDir, db)
			if !errors.Is(err, practice.ErrNothingDeleted) {
				base.clear() // the baselines are gone: defaults until the next calibration
			}
			return n, err
		}
		deps.DeleteRecordings = func(ctx context.Context) (int, error) {
			return practice.DeleteKeptRecordings(ctx, dataDir, db)
		}
		deps.Export = db.Export
		deps.Import = func(ctx context.Context, r io.Reader) (store.ImportResult, error) {
			res, err := db.Import(ctx, r)
			if err == nil && res.BaselinesAdded > 0 {
				// An imported calibration may be the newest.
				if b, err := db.LatestBaseline(ctx); err == nil {
					base.set(b)
				}
			}
			return res, err
		}
	}
	// An answer interrupted last time (crash, kill, power cut) is repaired
	// and attached to its attempt before anything else reads the history.
	recoverOpt := practice.RecoverOptions{MetricsOnly: a.Preferences().BoolWithFallback(ui.PrefMetricsOnly, false)}
	if rec, errs := practice.RecoverWith(context.Background(), dataDir, st, recoverOpt); len(rec) > 0 || len(errs) > 0 {
		for _, err := range errs {
			log.Printf("recover recordings: %v", err)
		}
		attached := 0
		for _, r := range rec {
			if r.Attached {
				attached++
				log.Printf("recovered turn %d of attempt %s (%.1f s) from %s", r.Index+1, r.AttemptID, r.Duration, r.Path)
			}
		}
		if len(rec) > 0 {
			deps.Notice = rescueNotice(len(rec), attached, filepath.Join(dataDir, "recordings"))
			log.Printf("recovered %d interrupted recording(s), %d attached", len(rec), attached)
		}
	}

	sys, err := audio.Init()
	if err != nil {
		log.Printf("audio: %v", err)
		deps.AudioErr = fmt.Errorf("%w: %w", practice.ErrNoMicrophone, err)
	} else {
		defer sys.Close()
		dev := devices{sys: sys}
		deps.Devices = dev
		prefs := a.Preferences()
		out := func() *audio.Output { return newOutput(sys, prefs.String(ui.PrefOutputDevice)) }
		deps.Player = newSpeaker(out)
		deps.Recorder = func() (practice.Recorder, error) {
			name := prefs.String(ui.PrefInputDevice)
			if err := dev.check(true, name); err != nil {
				return nil, err
			}
			return microphone{in: newInput(sys, name)}, nil
		}
		config := func(sc scenario.Scenario) (practice.Config, error) {
			if err := dev.check(true, prefs.String(ui.PrefInputDevice)); err != nil {
				return practice.Config{}, err
			}
			if err := dev.check(false, prefs.String(ui.PrefOutputDevice)); err != nil {
				return practice.Config{}, err
			}
			return practice.Config{
				Scenario: sc,
				Audio:    deps.Audio,
				Recorder: microphone{in: newInput(sys, prefs.String(ui.PrefInputDevice))},
				Player:   newSpeaker(out),
				Store:    st,
				DataDir:  dataDir,
				Baseline: base.get(),
				Logf:     log.Printf,
				// Read at each start, so the setting applies from the
				// next role-play on.
				MetricsOnly: prefs.BoolWithFallback(ui.PrefMetricsOnly, false),
			}, nil
		}
		deps.NewRun = func(sc scenario.Scenario) (*practice.Run, error) {
			cfg, err := config(sc)
			if err != nil {
				return nil, err
			}
			return practice.New(cfg)
		}
		deps.ResumeRun = func(sc scenario.Scenario, att store.Attempt) (*practice.Run, error) {
			cfg, err := config(sc)
			if err != nil {
				return nil, err
			}
			return practice.Resume(cfg, att)
		}
	}

	deps.Baseline = base.get
	deps.Shown = func(title string) { log.Printf("ui: screen %s", title) }
	deps.Log = log.Printf
	deps.LayoutLog = os.Getenv("FALLBACK_UI_LAYOUT") != "" // for the end-to-end test
	log.Printf("ready: data folder %s, %d scenarios", dataDir, len(deps.Scenarios))
	u := ui.New(w, deps)
	// Closing the window mid-run ends the recording and waits (briefly)
	// for a turn being measured to be saved.
	w.SetCloseIntercept(func() { u.Close(15*time.Second, w.Close) })
	w.ShowAndRun()
	return 0
}

// currentBaseline is the newest calibration: set at start and when the rep
// calibrates (on a goroutine of the UI), read when a run starts.
type currentBaseline struct {
	mu sync.Mutex // guards b
	b  coach.Baseline
}

// set keeps b, converted at this edge from the store's form.
func (c *currentBaseline) set(b store.Baseline) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// The store keeps an unknown figure as NaN; the coach skips a zero one.
	known := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return v
	}
	c.b = coach.Baseline{SpeechRate: known(b.SpeechRate), ArticulationRate: known(b.ArticulationRate), MeanDBFS: known(b.MeanDBFS),
		F0MedianHz: known(b.F0MedianHz), F0RangeST: known(b.F0RangeST), LivePaceSPS: known(b.LivePaceSPS), TakenAt: b.TakenAt}
}

// clear forgets the calibration (all practice data was deleted).
func (c *currentBaseline) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b = coach.Baseline{}
}

func (c *currentBaseline) get() coach.Baseline {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b
}

// rescueNotice tells the rep, once, what was rescued after a crash.
func rescueNotice(rescued, attached int, folder string) string {
	const head = "Fallback stopped in the middle of an answer last time. "
	switch {
	case rescued == 1 && attached == 1:
		return head + "Your answer was rescued and added to your history as an unfinished attempt: open History (H) to see it or finish it."
	case rescued == attached:
		return head + fmt.Sprintf("%d answers were rescued and added to your history as unfinished attempts: open History (H) to see them or finish them.", rescued)
	case attached > 0:
		return head + fmt.Sprintf("%d recordings were rescued into %s; %d of them were added to your history as unfinished attempts.", rescued, folder, attached)
	case rescued == 1:
		return head + "The recording was rescued and kept in " + folder + "."
	}
	return head + fmt.Sprintf("%d recordings were rescued and kept in %s.", rescued, folder)
}

// displayProblem explains, in one line, why no window can open; "" when a
// display is there. Without this check GLFW panics with no display.
func displayProblem() string {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return ""
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return ""
	}
	return "fallback: no display (DISPLAY is not set); run it in a desktop session, or headless with: xvfb-run -a fallback"
}

// dataFolder picks the data folder: the flag, then $FALLBACK_DATA, then
// the user's app-data folder ($XDG_DATA_HOME/fallback or
// ~/.local/share/fallback on Linux, the user config folder elsewhere).
func dataFolder(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if env := os.Getenv("FALLBACK_DATA"); env != "" {
		return filepath.Abs(env)
	}
	if runtime.GOOS == "linux" {
		if x := os.Getenv("XDG_DATA_HOME"); x != "" {
			return filepath.Join(x, "fallback"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "share", "fallback"), nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cfg, "Fallback"), nil
}

// scenariosCmd implements "fallback scenarios check DIR".
func scenariosCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 || args[0] != "check" {
		fmt.Fprintln(stderr, "usage: fallback scenarios check DIR")
		return 2
	}
	var bundled fs.FS = assets.FS
	if n := scenario.CheckDir(args[1], stdout, bundled); n > 0 {
		fmt.Fprintf(stderr, "%d problem(s) in %s\n", n, args[1])
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok\n", args[1])
	return 0
}
