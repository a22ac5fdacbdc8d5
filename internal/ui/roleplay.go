package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// playState is where the role-play screen stands.
type playState int

const (
	stateReady     playState = iota // waiting for Space to play the next turn
	stateBusy                       // customer speaking, cue, analysing, saving
	stateRecording                  // the rep is answering
	stateReviewing                  // the turn's report is shown: retry, replay or go on
	stateFinished                   // the last turn is done or the rep left
)

// recordKeys is the key hint while a turn is played and answered.
const recordKeys = "Space: start / stop · Esc: leave (finished turns are kept)"

// levelRate is how often the meter and the clock are redrawn (≈ 30 Hz).
const levelRate = 33 * time.Millisecond

// rolePlay is the role-play screen. Its fields are its state, its methods
// its behaviours (start, stop, leave), which the keys and the buttons share
// and tests call. Everything but run's own methods runs on the UI
// goroutine; the turn runs in a goroutine of its own (see start), which
// reaches the widgets only through fyne.Do.
type rolePlay struct {
	app *App
	sc  scenario.Scenario
	run *practice.Run
	ctx context.Context // the screen's; done when the rep leaves it

	state    playState
	answered int // turns measured so far, as the screen knows it (UI goroutine)

	// last is the turn just measured, shown while reviewing (UI goroutine).
	last practice.TurnResult
	// other is the customer line the other kind of answer would have got,
	// offered on the report (nil: none); otherText is its button's label.
	other     *scenario.Line
	otherText string
	// ticks are self-check ticks made on a report and not yet handed to
	// the run, by turn index (UI goroutine; see takeTicks).
	ticks map[int][]store.SelfCheck

	turnLabel, line, step, elapsed, saveNote *widget.Label
	nudge                                    *widget.Label // the one live nudge of an answer
	keys                                     *widget.Label // the keys of the current step
	brief                                    *widget.Label // hidden on a report, to leave it the room
	status                                   *canvas.Text
	cueDot                                   *canvas.Circle
	meter                                    *LevelMeter
	begin, finish                            *widget.Button
	recArea                                  *fyne.Container // level meter and method step, while a turn runs
	report                                   *fyne.Container // the turn's report, while reviewing
	recButtons, reviewButtons                *fyne.Container
	nextBtn, otherBtn                        *widget.Button
	playBtn                                  *widget.Button // hidden when the answer's recording is not kept
}

// ShowRolePlay runs sc from its first turn: Space starts each turn and ends
// each answer, Escape leaves. Each turn plays the customer's line, gives
// the cue and records; every measured turn is saved as it ends.
func (a *App) ShowRolePlay(sc scenario.Scenario) {
	a.startRun(sc, "Cannot start the role-play", func() (*practice.Run, error) { return a.deps.NewRun(sc) })
}

// ResumeRolePlay continues the unfinished attempt att from its first
// unanswered turn.
func (a *App) ResumeRolePlay(att store.Attempt) {
	sc, ok := a.findScenario(att.ScenarioID)
	if !ok {
		a.showError("Cannot finish this attempt", fmt.Errorf("the scenario %q is no longer in the library", att.ScenarioTitle))
		return
	}
	if a.deps.ResumeRun == nil {
		a.showError("Cannot finish this attempt", errors.New("resuming is not available"))
		return
	}
	a.startRun(sc, "Cannot finish this attempt", func() (*practice.Run, error) { return a.deps.ResumeRun(sc, att) })
}

// startRun checks that sc can be played and makes its run off the UI
// goroutine (the devices are looked up and the line audio checked on
// disk), then shows the role-play — unless the rep has moved on meanwhile.
func (a *App) startRun(sc scenario.Scenario, what string, makeRun func() (*practice.Run, error)) {
	if a.deps.NewRun == nil {
		err := a.deps.AudioErr
		if err == nil {
			err = practice.ErrNoMicrophone
		} else if !errors.Is(err, practice.ErrNoMicrophone) {
			err = fmt.Errorf("%w: %w", practice.ErrNoMicrophone, err)
		}
		a.showError(what, err)
		return
	}
	ctx, audio := a.screenCtx, a.deps.Audio
	go func() {
		var run *practice.Run
		var err error
		var notReady bool
		if missing := scenario.MissingAudio(sc, audio); audio != nil && len(missing) > 0 {
			notReady = true
			err = fmt.Errorf("%d customer line(s) have no audio yet (first: %s); record or import them under My lines", len(missing), missing[0])
		} else {
			run, err = makeRun()
		}
		fyne.Do(func() {
			switch {
			case ctx.Err() != nil:
			case notReady:
				a.showError("This scenario is not ready", err)
			case err != nil:
				a.showError(what, err)
			default:
				a.showRolePlay(sc, run)
			}
		})
	}()
}

// findScenario looks a scenario up in the library by id.
func (a *App) findScenario(id string) (scenario.Scenario, bool) {
	for _, sc := range a.deps.Scenarios {
		if sc.ID == id {
			return sc, true
		}
	}
	return scenario.Scenario{}, false
}

// showRolePlay shows the role-play of run, ready for its next turn, and
// returns the screen.
func (a *App) showRolePlay(sc scenario.Scenario, run *practice.Run) *rolePlay {
	rp := &rolePlay{app: a, sc: sc, run: run, ticks: map[int][]store.SelfCheck{}}
	content := rp.build()
	rp.setReady("Press Space to begin")
	a.announce(sc.Title, content)
	return rp
}

// build lays the screen out and puts it in the window (showRolePlay
// announces it once it is ready).
func (rp *rolePlay) build() fyne.CanvasObject {
	a, sc := rp.app, rp.sc
	persona := widget.NewLabelWithStyle(fmt.Sprintf("%s — %s, %s · %s", sc.Persona.Name, sc.Persona.Role, sc.Persona.Company, sc.Persona.Mood),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	rp.brief = widget.NewLabel(reflow(sc.Brief))
	rp.brief.Wrapping = fyne.TextWrapWord

	rp.turnLabel = widget.NewLabel("")
	rp.line = widget.NewLabel("")
	rp.line.Wrapping = fyne.TextWrapWord
	showLine := a.newCheck("Show the customer's words", showsIf(rp.line))
	showLine.SetChecked(true)

	rp.status = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	rp.status.TextSize = 28
	rp.status.TextStyle = fyne.TextStyle{Bold: true}
	rp.status.Alignment = fyne.TextAlignCenter
	rp.cueDot = canvas.NewCircle(color.Transparent)
	rp.cueDot.StrokeWidth = 0
	cueBox := container.NewGridWrap(fyne.NewSize(28, 28), rp.cueDot)

	rp.step = widget.NewLabel("")
	rp.step.Wrapping = fyne.TextWrapWord
	showStep := a.newCheck("Show the method step (untick for a harder run)", showsIf(rp.step))
	showStep.SetChecked(true)

	rp.meter = NewLevelMeter()
	rp.nudge = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	rp.nudge.Importance = widget.WarningImportance
	rp.nudge.Hide()
	rp.elapsed = widget.NewLabel("0.0 s")
	rp.keys = widget.NewLabel(recordKeys)
	rp.keys.Importance = widget.LowImportance
	rp.keys.Wrapping = fyne.TextWrapWord

	rp.saveNote = widget.NewLabel("")
	rp.saveNote.Wrapping = fyne.TextWrapWord
	rp.saveNote.Importance = widget.WarningImportance
	rp.saveNote.Hide()
	if a.deps.History == nil {
		rp.note("Your answers will be measured but not saved: " + firstLine(Friendly(a.deps.HistoryErr)))
	}

	rp.finish = widget.NewButton("Done (Space)", rp.stop)
	rp.finish.Importance = widget.HighImportance
	rp.begin = widget.NewButton("Start (Space)", rp.start)
	rp.begin.Importance = widget.HighImportance
	leave := widget.NewButton("Leave (Esc)", rp.leave)

	// Short labels: the row must fit an 800-pixel window; the key hint
	// below says each in full.
	retry := widget.NewButton("Retry (R)", rp.retry)
	playBack := widget.NewButton("Play answer (P)", rp.playAnswer)
	rp.playBtn = playBack
	again := widget.NewButton("Customer again (C)", rp.playCustomer)
	rp.nextBtn = widget.NewButton("Next (N)", rp.next)
	rp.otherBtn = widget.NewButton("", rp.playOther)
	rp.otherBtn.Hide()
	rp.nextBtn.Importance = widget.HighImportance
	if a.deps.Player == nil {
		playBack.Disable()
		again.Disable()
	}

	meterRow := container.NewBorder(nil, nil, container.NewHBox(cueBox, widget.NewLabel("Level")), rp.elapsed, rp.meter)
	top := container.NewVBox(a.nav(""), persona, rp.brief, rp.saveNote, widget.NewSeparator(), rp.turnLabel, showLine, rp.line)
	rp.recArea = container.NewVBox(meterRow, rp.nudge, showStep, rp.step)
	rp.report = container.NewVBox()
	rp.report.Hide()
	middle := container.NewVBox(rp.status, rp.recArea, rp.report)
	rp.recButtons = container.NewHBox(rp.begin, rp.finish, leave)
	rp.reviewButtons = container.NewHBox(rp.nextBtn, retry, playBack, again, rp.otherBtn, widget.NewButton("Leave (Esc)", rp.leave))
	rp.reviewButtons.Hide()
	bottom := container.NewVBox(rp.recButtons, rp.reviewButtons, rp.keys)
	content := container.NewBorder(top, bottom, nil, nil, container.NewVScroll(middle))
	rp.ctx = a.place(sc.Title, content, rp.key)
	return content
}

// key is the screen's key handler: Space starts a turn or ends the answer,
// Escape leaves; on a turn's report R retries it, P plays the answer, C
// plays the customer again, N, Enter or Space go on.
func (rp *rolePlay) key(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		rp.leave()
		return
	}
	switch rp.state {
	case stateReady:
		if ev.Name == fyne.KeySpace {
			rp.start()
		}
	case stateRecording:
		if ev.Name == fyne.KeySpace {
			rp.stop()
		}
	case stateReviewing:
		switch ev.Name {
		case fyne.KeyR:
			rp.retry()
		case fyne.KeyP:
			rp.playAnswer()
		case fyne.KeyC:
			rp.playCustomer()
		case fyne.KeyO:
			rp.playOther()
		case fyne.KeyN, fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
			rp.next()
		}
	}
}

// showReport shows the turn just measured, before the customer answers:
// the figures, the coaching note, the method step, and what to do next.
func (rp *rolePlay) showReport(res practice.TurnResult) {
	rp.state = stateReviewing
	rp.last = res
	rp.setCue(false)
	rp.setStatus(fmt.Sprintf("Turn %d of %d measured", res.Index+1, len(rp.sc.Turns)), theme.Color(theme.ColorNameForeground))
	t := store.Turn{Index: res.Index, LineID: res.TurnID, Variant: practice.StoredVariant(res.Variant), // the line is on screen above
		Cue: res.Cue, Report: res.Report, Dropped: res.Dropped}
	t.SelfChecks = res.SelfChecks
	index := res.Index
	kept := recordingKept(res.RecordingPath, res.Clip)
	var tl *Timeline
	if kept {
		tl = NewTimeline(res.Clip, res.Report, res.Cue)
		clip, file := res.Clip, res.RecordingPath
		tl.OnTapped = func(at time.Duration) { rp.app.playFrom(rp.ctx, file, clip, at) }
	} else { // metrics only: no sound to draw or play
		tl = figuresTimeline(res.Report, res.Cue)
	}
	body := rp.app.turnBody(rp.sc.ID, t, res.Findings, tl, nil, func(c []store.SelfCheck) {
		rp.ticks[index] = c // saved by the run's goroutine before its next step (see takeTicks)
	})
	rp.playBtn.Show()
	if !kept {
		addNotKept(body, tl)
		rp.playBtn.Hide()
	}
	var extra []fyne.CanvasObject
	if res.Composure.Note != "" {
		extra = append(extra, noteLabel("Composure: "+res.Composure.Note, markImportance(res.Composure.Mark)))
	}
	rp.other = nil
	if !rp.run.Done() {
		name := practice.FirstName(rp.sc.Persona.Name)
		next := rp.sc.Turns[res.Index+1]
		v, _ := coach.Reply(&next, res.Report, rp.run.Bands())
		if why := coach.Explain(res.Report, v, rp.run.Bands(), name); why != "" {
			extra = append(extra, noteLabel(why, widget.HighImportance))
			rp.app.logf("ui: turn %d explained: %s", res.Index+1, why)
		}
		// The other line to hear: the calm one after any escalation
		// (still-there included), the sharp one after a calm answer.
		switch {
		case (v == scenario.VariantEscalated || v == scenario.VariantStillThere) && next.Softened != nil:
			rp.other, rp.otherText = next.Softened, "If calm… (O)"
		case v == scenario.VariantSoftened && next.Escalated != nil:
			rp.other, rp.otherText = next.Escalated, "If hair-trigger… (O)"
		}
	}
	if note := coach.DefaultsNote(rp.run.Baseline()); note != "" {
		extra = append(extra, noteLabel(note, widget.LowImportance))
	}
	rp.otherBtn.Hide()
	if rp.other != nil && rp.app.deps.Player != nil {
		rp.otherBtn.SetText(rp.otherText)
		rp.otherBtn.Show()
	}
	rp.report.Objects = append(extra, body)
	rp.recArea.Hide()
	rp.brief.Hide()
	rp.report.Show()
	rp.report.Refresh()
	if rp.run.Done() {
		rp.nextBtn.SetText("Summary (N)")
	} else {
		rp.nextBtn.SetText("Next (N)")
	}
	rp.recButtons.Hide()
	rp.reviewButtons.Show()
	keys := "N or Enter: the customer answers · R: retry this turn · P: play your answer · C: hear the customer again"
	if !kept {
		keys = "N or Enter: the customer answers · R: retry this turn · C: hear the customer again"
	}
	if rp.other != nil {
		keys += " · O: hear the line the other kind of answer gets"
	}
	rp.keys.SetText(keys + " · Esc: leave")
	rp.app.logf("ui: report of turn %d", res.Index+1)
}

// hideReport goes back to the recording layout.
func (rp *rolePlay) hideReport() {
	rp.nudge.Hide()
	rp.brief.Show()
	rp.keys.SetText(recordKeys)
	rp.report.Hide()
	rp.reviewButtons.Hide()
	rp.recArea.Show()
	rp.recButtons.Show()
}

// retry plays the turn just reviewed again; the new answer replaces its
// figures, and both recordings are kept.
func (rp *rolePlay) retry() {
	if rp.state != stateReviewing {
		return
	}
	if err := rp.run.Retry(); err != nil {
		rp.app.showError("Cannot retry the turn", err)
		return
	}
	rp.answered--
	delete(rp.ticks, rp.last.Index) // the new answer gets a report (and ticks) of its own
	rp.app.logf("ui: retry turn %d", rp.last.Index+1)
	rp.hideReport()
	rp.setReady("")
	rp.start()
}

// next goes on: the customer answers, or after the last turn the summary.
func (rp *rolePlay) next() {
	if rp.state != stateReviewing {
		return
	}
	rp.hideReport()
	if !rp.run.Done() {
		rp.setReady("")
		rp.start()
		return
	}
	rp.state = stateFinished
	rp.setStatus("Saving…", theme.Color(theme.ColorNameForeground))
	ctx := rp.ctx
	ticks := rp.takeTicks()
	rp.app.work.Add(1)
	go func() {
		defer rp.app.work.Done()
		rp.saveTicks(ticks)
		att, err := rp.run.Finish(context.WithoutCancel(ctx))
		var clips []pcm.Clip
		for _, r := range rp.run.Results() {
			clips = append(clips, r.Clip)
		}
		fyne.Do(func() {
			if ctx.Err() != nil {
				return
			}
			if err != nil && !errors.Is(err, practice.ErrNotSaved) {
				rp.app.showError("Your attempt could not be saved", err)
			}
			rp.app.ShowResults(att, clips)
		})
	}()
}

// playAnswer plays the answer just reviewed.
func (rp *rolePlay) playAnswer() {
	if rp.state != stateReviewing || rp.app.deps.Player == nil {
		return
	}
	clip, path := rp.last.Clip, rp.last.RecordingPath
	if !recordingKept(path, clip) {
		return // metrics only: the report says there is nothing to play
	}
	rp.app.playAnswer(rp.ctx, path, clip)
}

// playOther plays the line the other kind of answer would have got.
func (rp *rolePlay) playOther() {
	if rp.state != stateReviewing || rp.other == nil || rp.app.deps.Player == nil {
		return
	}
	rp.app.playLine(rp.ctx, *rp.other)
}

// PrefNudges is the preference that turns the live nudge off.
const PrefNudges = "coach.nudges"

// nudger is the meter's watch for one answer: at most one gentle nudge
// ("Slow down a little") from the live figures, shown under the meter;
// nil when the rep turned nudges off in Settings. Called on the UI
// goroutine; the returned function runs on the meter's.
func (rp *rolePlay) nudger() func(analysis.LiveStats) {
	if !fyne.CurrentApp().Preferences().BoolWithFallback(PrefNudges, true) {
		return nil
	}
	n := coach.NewNudger(rp.run.Bands(), rp.run.Baseline())
	return func(st analysis.LiveStats) {
		if text, ok := n.Push(st); ok {
			fyne.Do(func() {
				if rp.state == stateRecording {
					rp.nudge.SetText(text)
					rp.nudge.Show()
					rp.app.logf("ui: nudge %q", text)
				}
			})
		}
	}
}

// noteLabel is a wrapped line of coaching in the report.
func noteLabel(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return l
}

// markImportance colours a finding by its mark.
func markImportance(m coach.Mark) widget.Importance {
	switch m {
	case coach.Pass:
		return widget.SuccessImportance
	case coach.Flag:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// playCustomer plays the customer's line of the turn just reviewed again.
func (rp *rolePlay) playCustomer() {
	if rp.state != stateReviewing || rp.app.deps.Player == nil {
		return
	}
	rp.app.playLine(rp.ctx, rp.last.Line)
}

// stop ends the answer being recorded (Space or Done).
func (rp *rolePlay) stop() { rp.run.Stop() }

// leave goes back to the scenario list. Every measured turn is already
// saved; an answer being recorded is not measured (its recording is kept).
func (rp *rolePlay) leave() {
	if rp.state != stateFinished {
		rp.app.logf("ui: left attempt %s after %d of %d turns", rp.run.ID(), rp.answered, len(rp.sc.Turns))
	}
	if rp.state == stateReviewing { // no turn runs: the ticks can go now
		ticks := rp.takeTicks()
		rp.app.work.Add(1)
		go func() {
			defer rp.app.work.Done()
			rp.saveTicks(ticks)
		}()
	}
	rp.state = stateFinished
	// Leaving the screen cancels its context, which ends the recording as
	// "left" (not measured). Stopping the run first would end it as a
	// normal answer and measure half a sentence.
	rp.app.ShowHome()
}

// note shows a warning under the brief (an unsaved turn, no database).
func (rp *rolePlay) note(text string) {
	rp.saveNote.SetText(text)
	rp.saveNote.Show()
}

func (rp *rolePlay) setStatus(text string, c color.Color) {
	rp.status.Text = text
	rp.status.Color = c
	rp.status.Refresh()
}

func (rp *rolePlay) setCue(on bool) {
	if on {
		rp.cueDot.FillColor = theme.Color(theme.ColorNameSuccess)
	} else {
		rp.cueDot.FillColor = color.Transparent
	}
	rp.cueDot.Refresh()
}

// setReady waits for Space to play the next turn.
func (rp *rolePlay) setReady(msg string) {
	rp.state = stateReady
	rp.setStatus(msg, theme.Color(theme.ColorNameForeground))
	rp.setCue(false)
	rp.finish.Disable()
	rp.begin.Enable()
	if rp.run.Done() {
		return
	}
	t, _, _ := rp.run.NextLine()
	rp.turnLabel.SetText(fmt.Sprintf("Turn %d of %d", rp.run.Index()+1, len(rp.sc.Turns)))
	rp.line.SetText("(the customer speaks when you press Space)")
	rp.step.SetText(stepHint(t))
}

// start plays the next turn (Space or Start) in a goroutine owned by the
// screen: it ends when the turn does, or when the rep leaves (the screen's
// context). The App waits for it before the window closes, so a turn being
// measured is still saved.
func (rp *rolePlay) start() {
	if rp.state != stateReady || rp.run.Done() {
		return
	}
	rp.state = stateBusy
	rp.begin.Disable()
	ticks := rp.takeTicks()
	rp.app.work.Add(1)
	go func() {
		defer rp.app.work.Done()
		rp.saveTicks(ticks)
		rp.playTurn()
	}()
}

// takeTicks hands the report's ticks over to a goroutine of the run (UI
// goroutine): the run is used by one goroutine at a time, and the screen
// touches it only while no turn runs.
func (rp *rolePlay) takeTicks() map[int][]store.SelfCheck {
	t := rp.ticks
	rp.ticks = map[int][]store.SelfCheck{}
	return t
}

// saveTicks keeps the ticks with their turns (off the UI goroutine).
func (rp *rolePlay) saveTicks(ticks map[int][]store.SelfCheck) {
	for index, checks := range ticks {
		if err := rp.run.SetSelfChecks(context.Background(), index, checks); err != nil && !errors.Is(err, practice.ErrNotSaved) {
			fyne.Do(func() { rp.app.showError("Your self-check could not be saved", err) })
		}
	}
}

// playTurn runs one turn and what follows it: the next turn straight away,
// or the summary after the last. It runs off the UI goroutine.
func (rp *rolePlay) playTurn() {
	ctx := rp.ctx
	n := rp.run.Index() + 1 // the turn about to be played, 1-based
	var stopMeter context.CancelFunc = func() {}
	defer func() { stopMeter() }()
	res, err := rp.run.Turn(ctx, func(p practice.Phase, l scenario.Line) {
		switch p {
		case practice.PhaseCustomer:
			fyne.Do(func() { rp.customerSpeaking(l) })
		case practice.PhaseCue:
			fyne.Do(func() { rp.setCue(true) })
		case practice.PhaseRecording:
			var mctx context.Context
			mctx, stopMeter = context.WithCancel(ctx)
			go meterLoop(mctx, rp.run.Levels(), rp.meter, rp.elapsed, rp.nudger())
			fyne.Do(func() {
				if rp.state == stateFinished {
					return
				}
				rp.state = stateRecording
				rp.setStatus("Speak now", theme.Color(theme.ColorNameSuccess))
				rp.finish.Enable()
				rp.app.logf("ui: answering turn %d of %d", n, len(rp.sc.Turns))
			})
		case practice.PhaseAnalysing:
			stopMeter()
			fyne.Do(func() {
				if rp.state == stateFinished {
					return
				}
				rp.state = stateBusy
				rp.finish.Disable()
				rp.setCue(false)
				rp.setStatus("Measuring your answer…", theme.Color(theme.ColorNameForeground))
			})
		}
	})
	stopMeter()
	if ctx.Err() != nil {
		return // the rep left the screen; measured turns are saved
	}
	if err != nil {
		fyne.Do(func() {
			rp.setReady("Press Space to try this turn again")
			rp.app.showError("The turn could not be completed", err)
		})
		return
	}
	fyne.Do(func() {
		if rp.state == stateFinished {
			return
		}
		rp.answered = n
		if res.SaveErr != nil && !errors.Is(res.SaveErr, practice.ErrNotSaved) {
			rp.note(fmt.Sprintf("Turn %d was measured but could not be saved (it will be tried again with the next turn): %s",
				res.Index+1, firstLine(Friendly(res.SaveErr))))
		}
		rp.showReport(res)
	})
}

// customerSpeaking shows the customer's line l as it starts to play.
func (rp *rolePlay) customerSpeaking(l scenario.Line) {
	rp.line.SetText(quote(l.Text))
	rp.setStatus("Customer speaking…", theme.Color(theme.ColorNamePrimary))
	rp.meter.SetLevel(-120)
	rp.elapsed.SetText("0.0 s")
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
