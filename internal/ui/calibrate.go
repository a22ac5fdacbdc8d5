package ui

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/store"
)

// CalibrationPassage is the neutral text the rep reads to calibrate: about
// 80 words, 20–30 s at a calm pace, plain statements with no emotion to
// act, so that it gives the rep's everyday pace, level and pitch.
const CalibrationPassage = `Every morning the delivery vans leave the depot at seven. ` +
	`Each driver checks the route, the weather and the list of stops before setting off. ` +
	`Most days go to plan: the parcels arrive on time, the customers sign for them, and the vans are back by four. ` +
	`When something goes wrong, the office finds out, calls the customer and agrees a new time. ` +
	`It is ordinary work, done with care, and the team takes pride in getting it right.`

// calibrationState is where the calibration screen stands (UI goroutine).
type calibrationState int

const (
	calReady     calibrationState = iota // waiting for Space to start reading
	calRecording                         // the rep is reading
	calMeasuring                         // the reading is being measured
	calMeasured                          // a baseline is shown: keep it or read again
)

// calibration is the calibration screen: check the devices, read the
// passage, keep the measured baseline.
type calibration struct {
	app   *App
	ctx   context.Context
	state calibrationState
	stop  context.CancelFunc // ends the reading (Space or Done)
	got   coach.Baseline     // the measured baseline, while calMeasured
	path  string             // its recording

	status  *widget.Label
	meter   *LevelMeter
	elapsed *widget.Label
	start   *widget.Button
	keep    *widget.Button
}

// ShowCalibration measures the rep's calm voice: choose and test the
// devices (Settings' meter and test tone), read the passage aloud, keep the
// result as the baseline every later answer is compared with. Space starts
// and ends the reading, Enter keeps the result, R reads again, Escape
// leaves without changing anything.
func (a *App) ShowCalibration() { a.showCalibration() }

// showCalibration shows the calibration screen, ready to read, and returns
// it.
func (a *App) showCalibration() *calibration {
	c := &calibration{app: a}
	title := widget.NewLabelWithStyle("Calibrate: your calm voice", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel("Fallback compares every answer with your own calm delivery. Check that the meter moves when you speak " +
		"and that you hear the test tone, then press Space and read the passage below aloud at your normal, calm pace. " +
		"Press Space again when you have finished (or just stop: it ends after 3 s of silence).")
	intro.Wrapping = fyne.TextWrapWord
	micRow, _ := a.micTest()
	toneRow, _ := a.toneTest()
	devices := widget.NewLabel(fmt.Sprintf("Microphone: %s · Speaker: %s (change them under Settings)",
		deviceName(PrefInputDevice), deviceName(PrefOutputDevice)))
	devices.Wrapping = fyne.TextWrapWord

	passage := widget.NewLabel(CalibrationPassage)
	passage.Wrapping = fyne.TextWrapWord
	passage.TextStyle = fyne.TextStyle{Bold: true}

	c.status = widget.NewLabel("Press Space to start reading.")
	c.status.Wrapping = fyne.TextWrapWord
	c.meter = NewLevelMeter()
	c.elapsed = widget.NewLabel("0.0 s")
	c.start = widget.NewButton("Start reading (Space)", c.toggle)
	c.start.Importance = widget.HighImportance
	c.keep = widget.NewButton("Keep as my baseline (Enter)", c.save)
	c.keep.Disable()
	skip := widget.NewButton("Skip for now (Esc)", c.leave)
	if a.deps.Recorder == nil {
		c.start.Disable()
		c.status.SetText("No microphone is available, so your voice cannot be measured now; pace and pitch are judged on defaults. " +
			firstLine(Friendly(practice.ErrNoMicrophone)))
	}

	form := widget.NewForm(widget.NewFormItem("Microphone test", micRow), widget.NewFormItem("Speaker test", toneRow))
	body := container.NewVBox(title, intro, devices, form, widget.NewCard("Read this aloud", "", passage),
		container.NewBorder(nil, nil, widget.NewLabel("Level"), c.elapsed, c.meter), c.status)
	buttons := container.NewHBox(c.start, c.keep, skip)
	c.ctx = a.show("Calibration", container.NewBorder(a.nav(""), buttons, nil, nil, container.NewVScroll(body)), c.key)
	return c
}

// deviceName is the chosen device of a preference, for display.
func deviceName(pref string) string {
	if n := fyne.CurrentApp().Preferences().String(pref); n != "" {
		return n
	}
	return "system default"
}

// key is the calibration screen's key handler.
func (c *calibration) key(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeySpace:
		c.toggle()
	case fyne.KeyReturn, fyne.KeyEnter:
		c.save()
	case fyne.KeyR:
		if c.state == calMeasured {
			c.state = calReady
			c.toggle()
		}
	case fyne.KeyEscape:
		c.leave()
	}
}

// leave goes back without keeping anything; a reading under way stops.
func (c *calibration) leave() {
	if c.stop != nil {
		c.stop()
	}
	c.app.ShowHome()
}

// toggle starts the reading, or ends it.
func (c *calibration) toggle() {
	switch c.state {
	case calRecording:
		if c.stop != nil {
			c.stop()
		}
		return
	case calReady, calMeasured:
	default:
		return
	}
	c.state = calRecording
	c.keep.Disable()
	c.start.SetText("Done (Space)")
	c.status.SetText("Reading… press Space when you have finished.")
	rctx, cancel := context.WithCancel(c.ctx)
	c.stop = cancel
	levels := make(chan analysis.LiveStats, 1)
	meterDone := make(chan struct{})
	go func() { meterLoop(rctx, levels, c.meter, c.elapsed, nil); close(meterDone) }()
	path := filepath.Join(c.app.deps.DataDir, "recordings", "calibration", time.Now().UTC().Format("20060102-150405")+".wav")
	discard := metricsOnly()
	c.app.work.Add(1)
	go func() {
		defer c.app.work.Done()
		mic, err := c.app.mic() // the device is looked up off the UI goroutine
		var clip pcm.Clip
		if err == nil {
			clip, err = practice.RecordCalibration(rctx, mic, path, levels)
		}
		cancel()
		<-meterDone // the meter has drawn its last before the result is shown
		fyne.Do(func() {
			if c.ctx.Err() == nil {
				c.state = calMeasuring
				c.status.SetText("Measuring your reading…")
			}
		})
		var base coach.Baseline
		if err == nil {
			base, err = coach.BaselineFromClip(clip, analysis.Options{})
		}
		if discard {
			// Metrics only: the figures are measured (and kept in memory
			// until saved); the reading goes now. A calibration is never
			// rescued after a crash, so nothing waits for the file.
			if rerr := practice.DeleteCalibration(path); rerr != nil {
				log.Printf("ui: calibration: %v", rerr)
			}
			path = ""
		}
		fyne.Do(func() { c.measured(base, path, err) })
	}()
}

// measured shows the reading's result (UI goroutine).
func (c *calibration) measured(base coach.Baseline, path string, err error) {
	c.stop = nil
	if c.ctx.Err() != nil {
		return
	}
	c.start.SetText("Read again (R)")
	if err != nil {
		c.state = calReady
		c.start.SetText("Start reading (Space)")
		c.status.SetText("That reading cannot be used: " + calibrationProblem(err) + "\n\nPress Space to read the passage again.")
		c.app.logf("ui: calibration refused: %v", err)
		return
	}
	c.state, c.got, c.path = calMeasured, base, path
	kept := ""
	if path == "" {
		kept = "\n\nYour reading was not kept (metrics only): only these figures are."
	}
	c.status.SetText(baselineText(base) + kept + "\n\nPress Enter to keep it as your baseline, or R to read again.")
	c.keep.Enable()
	c.keep.Importance, c.start.Importance = widget.HighImportance, widget.MediumImportance
	c.keep.Refresh()
	c.start.Refresh()
	c.app.logf("ui: calibration measured %.2f syllables/s, %.1f dBFS, %.0f Hz", base.ArticulationRate, base.MeanDBFS, base.F0MedianHz)
}

// baselineText is a baseline in plain words.
func baselineText(b coach.Baseline) string {
	s := fmt.Sprintf("Your calm voice: %.1f syllables per second while speaking, level %.0f dBFS", b.ArticulationRate, b.MeanDBFS)
	if b.F0MedianHz > 0 {
		s += fmt.Sprintf(", pitch around %.0f Hz (range %.0f semitones)", b.F0MedianHz, b.F0RangeST)
	}
	return s + "."
}

// save keeps the measured baseline (off the UI goroutine) and goes on to
// the scenarios.
func (c *calibration) save() {
	if c.state != calMeasured {
		return
	}
	save := c.app.deps.SaveBaseline
	if save == nil {
		c.app.showError("Your baseline cannot be kept", practice.ErrNotSaved)
		return
	}
	b := store.Baseline{TakenAt: c.got.TakenAt, SpeechRate: c.got.SpeechRate, ArticulationRate: c.got.ArticulationRate,
		MeanDBFS: c.got.MeanDBFS, F0MedianHz: c.got.F0MedianHz, F0RangeST: c.got.F0RangeST, LivePaceSPS: c.got.LivePaceSPS,
		RecordingPath: practice.RelPath(c.app.deps.DataDir, c.path), Passage: "depot"}
	c.keep.Disable()
	ctx := c.ctx
	c.app.work.Add(1)
	go func() {
		defer c.app.work.Done()
		err := save(context.WithoutCancel(ctx), &b)
		fyne.Do(func() {
			if err != nil {
				c.keep.Enable()
				c.app.showError("Your baseline could not be saved", err)
				return
			}
			c.app.logf("ui: baseline saved")
			if ctx.Err() == nil {
				c.app.ShowHome()
			}
		})
	}()
}

// calibrationProblem is why a reading was refused, in the rep's words: the
// coach's reason, or the microphone's problem as Friendly says it.
func calibrationProblem(err error) string {
	var advice string
	switch {
	case errors.Is(err, practice.ErrNoSpeech), errors.Is(err, practice.ErrDeviceLost),
		errors.Is(err, practice.ErrNoMicrophone), errors.Is(err, syscall.ENOSPC):
		advice = firstLine(Friendly(err))
	default:
		advice = err.Error()
	}
	return advice
}
