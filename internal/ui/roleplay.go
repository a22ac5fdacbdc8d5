package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
)

// playState is where the role-play screen stands; only the UI goroutine
// reads or writes it.
type playState int

const (
	stateReady     playState = iota // waiting for Space to play the next turn
	stateBusy                       // customer speaking, cue, analysing
	stateRecording                  // the rep is answering
	stateFinished
)

// levelRate is how often the meter and the clock are redrawn (≈ 30 Hz).
const levelRate = 33 * time.Millisecond

// ShowRolePlay runs sc: Space starts each turn and ends each answer, Escape
// leaves. Each turn plays the customer's line, gives the cue and records.
func (a *App) ShowRolePlay(sc scenario.Scenario) {
	if a.deps.NewRun == nil {
		err := a.deps.AudioErr
		if err == nil {
			err = practice.ErrNoMicrophone
		} else if !errors.Is(err, practice.ErrNoMicrophone) {
			err = fmt.Errorf("%w: %w", practice.ErrNoMicrophone, err)
		}
		a.showError("Cannot start the role-play", err)
		return
	}
	if missing := scenario.MissingAudio(sc, a.deps.Audio); a.deps.Audio != nil && len(missing) > 0 {
		a.showError("This scenario is not ready", fmt.Errorf("%d customer line(s) have no audio yet (first: %s); record or import them under My lines", len(missing), missing[0]))
		return
	}
	run, err := a.deps.NewRun(sc)
	if err != nil {
		a.showError("Cannot start the role-play", err)
		return
	}

	persona := widget.NewLabelWithStyle(fmt.Sprintf("%s — %s, %s · %s", sc.Persona.Name, sc.Persona.Role, sc.Persona.Company, sc.Persona.Mood),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	brief := widget.NewLabel(reflow(sc.Brief))
	brief.Wrapping = fyne.TextWrapWord

	turnLabel := widget.NewLabel("")
	line := widget.NewLabel("")
	line.Wrapping = fyne.TextWrapWord
	showLine := widget.NewCheck("Show the customer's words", showsIf(line))
	showLine.SetChecked(true)

	status := canvas.NewText("Press Space to begin", theme.Color(theme.ColorNameForeground))
	status.TextSize = 28
	status.TextStyle = fyne.TextStyle{Bold: true}
	status.Alignment = fyne.TextAlignCenter
	cueDot := canvas.NewCircle(color.Transparent)
	cueDot.StrokeWidth = 0
	cueBox := container.NewGridWrap(fyne.NewSize(28, 28), cueDot)

	step := widget.NewLabel("")
	step.Wrapping = fyne.TextWrapWord
	showStep := widget.NewCheck("Show the method step (untick for a harder run)", showsIf(step))
	showStep.SetChecked(true)

	meter := NewLevelMeter()
	elapsed := widget.NewLabel("0.0 s")
	keys := widget.NewLabel("Space: start / stop · Esc: leave")
	keys.Importance = widget.LowImportance

	var state playState
	var ctx context.Context
	var startTurn func()

	done := widget.NewButton("Done (Space)", func() { run.Stop() })
	done.Importance = widget.HighImportance
	begin := widget.NewButton("Start (Space)", func() { startTurn() })
	begin.Importance = widget.HighImportance
	leave := widget.NewButton("Leave (Esc)", func() { run.Stop(); a.ShowHome() })

	setStatus := func(text string, c color.Color) {
		status.Text = text
		status.Color = c
		status.Refresh()
	}
	setCue := func(on bool) {
		if on {
			cueDot.FillColor = theme.Color(theme.ColorNameSuccess)
		} else {
			cueDot.FillColor = color.Transparent
		}
		cueDot.Refresh()
	}
	showTurn := func() {
		if run.Done() {
			return
		}
		t, _, _ := run.NextLine()
		turnLabel.SetText(fmt.Sprintf("Turn %d of %d", run.Index()+1, len(sc.Turns)))
		line.SetText("(the customer speaks when you press Space)")
		step.SetText(stepHint(t))
	}
	setReady := func(msg string) {
		state = stateReady
		setStatus(msg, theme.Color(theme.ColorNameForeground))
		setCue(false)
		done.Disable()
		begin.Enable()
		showTurn()
	}

	startTurn = func() {
		if state != stateReady || run.Done() {
			return
		}
		state = stateBusy
		begin.Disable()
		go func() {
			var rcancel context.CancelFunc = func() {}
			defer func() { rcancel() }()
			_, err := run.Turn(ctx, func(p practice.Phase, l scenario.Line) {
				switch p {
				case practice.PhaseCustomer:
					fyne.Do(func() {
						line.SetText(quote(l.Text))
						setStatus("Customer speaking…", theme.Color(theme.ColorNamePrimary))
						meter.SetLevel(-120)
						elapsed.SetText("0.0 s")
					})
				case practice.PhaseCue:
					fyne.Do(func() { setCue(true) })
				case practice.PhaseRecording:
					var rctx context.Context
					rctx, rcancel = context.WithCancel(ctx)
					go meterLoop(rctx, run.Levels(), meter, elapsed)
					fyne.Do(func() {
						state = stateRecording
						setStatus("Speak now", theme.Color(theme.ColorNameSuccess))
						done.Enable()
					})
				case practice.PhaseAnalysing:
					rcancel()
					fyne.Do(func() {
						state = stateBusy
						done.Disable()
						setCue(false)
						setStatus("Measuring your answer…", theme.Color(theme.ColorNameForeground))
					})
				}
			})
			rcancel()
			if ctx.Err() != nil {
				return // the rep left the screen
			}
			if err != nil {
				fyne.Do(func() {
					setReady("Press Space to try this turn again")
					a.showError("The turn could not be completed", err)
				})
				return
			}
			if !run.Done() {
				fyne.Do(func() {
					setReady("")
					startTurn() // the customer answers straight away
				})
				return
			}
			fyne.Do(func() {
				state = stateFinished
				setStatus("Saving…", theme.Color(theme.ColorNameForeground))
			})
			att, err := run.Finish(ctx)
			fyne.Do(func() {
				if err != nil {
					log.Printf("ui: %v", err)
					a.showError("Your attempt could not be saved", err)
				}
				var clips []pcm.Clip
				for _, r := range run.Results() {
					clips = append(clips, r.Clip)
				}
				a.ShowResults(att, clips)
			})
		}()
	}

	meterRow := container.NewBorder(nil, nil, container.NewHBox(cueBox, widget.NewLabel("Level")), elapsed, meter)
	top := container.NewVBox(a.nav(""), persona, brief, widget.NewSeparator(), turnLabel, showLine, line)
	middle := container.NewVBox(status, meterRow, showStep, step)
	bottom := container.NewVBox(container.NewHBox(begin, done, leave), keys)
	content := container.NewBorder(top, bottom, nil, nil, container.NewVScroll(middle))

	ctx = a.show(sc.Title, content, func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeySpace:
			switch state {
			case stateReady:
				startTurn()
			case stateRecording:
				run.Stop()
			}
		case fyne.KeyEscape:
			run.Stop()
			a.ShowHome()
		}
	})
	setReady("Press Space to begin")
}

// showsIf is a check's callback that shows o while the check is ticked
// (hideable help: the customer's words, the method step).
func showsIf(o fyne.CanvasObject) func(bool) {
	return func(on bool) {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
}
