package ui

import (
	"context"
	"fmt"
	"log"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// resultRows are one answer's rows: metric, the figure, the target band
// and the verdict. They come from the coach's findings plus the speaking
// time, so the report and the coaching note never disagree.
func resultRows(r analysis.Report, fs []coach.Finding) [][4]string {
	rows := make([][4]string, 0, len(fs)+1)
	for _, f := range fs {
		rows = append(rows, [4]string{f.Metric, f.Value, f.Target, markText(f.Mark)})
	}
	if !r.NoSpeech {
		rows = append(rows, [4]string{"Speaking time", fmt.Sprintf("%.1f s", r.SpeakingTime().Seconds()), "", ""})
	}
	return rows
}

func markText(m coach.Mark) string {
	switch m {
	case coach.Pass:
		return "✓ ok"
	case coach.Flag:
		return "⚑ work on it"
	}
	return ""
}

// ShowResults shows an attempt turn by turn. clips holds recorded answers
// still in memory (may be nil: then playback reads the recording files).
//
// A turn whose answer is not in memory comes from the store, which keeps
// its figures but not its pitch track and trend: its recording is read and
// analysed again off the UI goroutine (from the stored cue), and the turn's
// timeline and pitch row are completed from that.
func (a *App) ShowResults(att store.Attempt, clips []pcm.Clip) {
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s — %s", att.ScenarioTitle, att.StartedAt.Local().Format("Mon 2 Jan 2006 15:04")),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var ctx context.Context
	cards := container.NewVBox()
	var loads []func() // recordings read and measured again, in order, once shown
	for i, t := range att.Turns {
		var clip pcm.Clip
		if i < len(clips) {
			clip = clips[i]
		}
		file := practice.RecordingFile(a.deps.DataDir, t.RecordingPath)
		play := func() { a.playAnswer(ctx, file, clip) }
		// The ticks are kept here too, so a card built again after the
		// recording is measured shows the ones made meanwhile.
		id, index := att.ID, t.Index
		save := func(checks []store.SelfCheck) {
			t.SelfChecks = checks
			if a.deps.SaveSelfChecks != nil {
				a.saveSelfChecks(id, index, checks)
			}
		}
		stored := len(clip.Samples) == 0
		if stored {
			t.Report.F0TrendST = math.NaN() // not kept: unknown until measured again
		}
		kept := recordingKept(t.RecordingPath, clip)
		var tl *Timeline
		if kept {
			tl = NewTimeline(clip, t.Report, t.Cue)
			tl.OnTapped = func(at time.Duration) { a.playFrom(ctx, file, clip, at) }
		} else { // metrics only: no sound to draw, play or measure again
			tl, play = figuresTimeline(t.Report, t.Cue), nil
		}
		card := widget.NewCard(turnHeading(t), "", nil)
		fill := func() {
			body := a.turnBody(att.ScenarioID, t, coach.Assess(t.Report, a.deps.Bands, coach.Baseline{}), tl, play, save)
			if !kept {
				addNotKept(body, tl)
			}
			card.SetContent(body)
		}
		fill()
		if kept && stored && file != "" {
			cue := t.Cue // t itself belongs to the UI goroutine
			loads = append(loads, func() {
				clip, track, err := measureAgain(file, cue)
				if err != nil {
					log.Printf("ui: turn %d: %v", index+1, err)
				}
				fyne.Do(func() {
					if ctx.Err() != nil {
						return
					}
					if err == nil {
						t.Report.Pitch, t.Report.F0TrendST = track.Pitch, track.F0TrendST
						tl.SetAnswer(clip, t.Report, t.Cue)
						fill()
					}
					a.logf("ui: recording of turn %d measured", index+1)
				})
			})
		}
		cards.Add(card)
	}
	if len(att.Turns) == 0 {
		cards.Add(widget.NewLabel("This attempt has no answered turns."))
	}
	again := widget.NewButton("Back to scenarios (Enter)", a.ShowHome)
	again.Importance = widget.HighImportance
	content := container.NewBorder(container.NewVBox(a.nav(""), title), container.NewHBox(again), nil, nil, container.NewVScroll(cards))
	ctx = a.show("Results", content, func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
			a.ShowHome()
		case fyne.KeyH:
			a.ShowHistory()
		}
	})
	if len(loads) > 0 {
		// One at a time: a long attempt's recordings are not all in memory
		// (and analysed) at once.
		go func() {
			for _, load := range loads {
				if ctx.Err() != nil {
					return
				}
				load()
			}
		}()
	}
}

// measureAgain reads a stored answer's recording and measures it again
// from its cue, for what the store does not keep (the pitch track and
// trend).
func measureAgain(file string, cue time.Duration) (pcm.Clip, analysis.Report, error) {
	clip, err := pcm.ReadFile(file)
	if err != nil {
		return pcm.Clip{}, analysis.Report{}, fmt.Errorf("timeline: %w", err)
	}
	r, err := analysis.Analyze(clip, analysis.Options{Cue: cue})
	if err != nil {
		return pcm.Clip{}, analysis.Report{}, fmt.Errorf("timeline: measure %s: %w", file, err)
	}
	return clip, r, nil
}

// turnHeading is "Turn 2 (softened customer)", "(recovered)" for a turn
// rescued after a crash.
func turnHeading(t store.Turn) string {
	h := fmt.Sprintf("Turn %d", t.Index+1)
	if t.Variant != "" {
		h += " (" + t.Variant + " customer)"
	}
	if t.Recovered {
		h += " (recovered after an interruption)"
	}
	return h
}

// turnBody is one answered turn as the reports show it: the customer's
// line (when t has it), the answer's timeline (tl, nil: none), the metrics
// with targets and marks, the coaching note, input advice, the method step
// with the self-check and model answer, and a play button (play nil: none).
func (a *App) turnBody(scenarioID string, t store.Turn, findings []coach.Finding, tl *Timeline, play func(), saveTicks func([]store.SelfCheck)) *fyne.Container {
	grid := container.New(&tableLayout{weights: []float32{2, 4, 2, 1.3}})
	for _, h := range []string{"Metric", "Your answer", "Target", ""} {
		grid.Add(widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, row := range resultRows(t.Report, findings) {
		for _, cell := range row {
			l := widget.NewLabel(cell)
			l.Wrapping = fyne.TextWrapWord
			grid.Add(l)
		}
	}
	note := widget.NewLabel("Coach: " + coach.Summary(findings))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.HighImportance
	body := container.NewVBox()
	if t.LineText != "" { // the role-play shows the line above its report already
		line := widget.NewLabel(quote(t.LineText))
		line.Wrapping = fyne.TextWrapWord
		body.Add(line)
	}
	if tl != nil {
		body.Add(tl)
	}
	body.Add(grid)
	body.Add(note)
	for _, advice := range inputAdvice(t.Report) {
		l := widget.NewLabel(advice)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		body.Add(l)
	}
	if t.Dropped > 0 {
		lost := widget.NewLabel(fmt.Sprintf("%.1f s of your answer was lost while recording (the computer was too busy); the figures may be off.", t.Dropped.Seconds()))
		lost.Wrapping = fyne.TextWrapWord
		lost.Importance = widget.WarningImportance
		body.Add(lost)
	}
	if st, ok := a.findTurn(scenarioID, t.LineID); ok {
		body.Add(a.methodPart(st, t.SelfChecks, saveTicks))
	}
	if play != nil {
		b := widget.NewButton("Play answer", play)
		if a.deps.Player == nil {
			b.Disable()
		}
		body.Add(container.NewHBox(b))
	}
	return body
}

// playFrom plays an answer from at (a click on its timeline): clip when it
// is in memory, else its file.
func (a *App) playFrom(ctx context.Context, file string, clip pcm.Clip, at time.Duration) {
	if a.deps.Player == nil {
		return
	}
	a.play(ctx, "Cannot play the answer", func() (pcm.Clip, error) {
		if len(clip.Samples) == 0 {
			c, err := pcm.ReadFile(file)
			if err != nil {
				return pcm.Clip{}, err
			}
			clip = c
		}
		from := min(len(clip.Samples), max(0, int(at.Seconds()*float64(clip.Rate))))
		return pcm.Clip{Rate: clip.Rate, Samples: clip.Samples[from:]}, nil
	})
}

// saveSelfChecks writes the rep's ticks of a stored turn off the UI
// goroutine; the App waits for it before the window closes.
func (a *App) saveSelfChecks(attemptID string, index int, checks []store.SelfCheck) {
	save := a.deps.SaveSelfChecks
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		if err := save(context.Background(), attemptID, index, checks); err != nil {
			fyne.Do(func() { a.showError("Your self-check could not be saved", err) })
		}
	}()
}

// Input problems the report points out, so the rep can fix the set-up
// rather than the delivery.
const (
	// clipShareAdvice: above one clipped speech sample in a thousand the
	// flattened peaks are audible as crackle, and levels read low.
	clipShareAdvice = 0.001
	// quietDBFSAdvice: speech this far below full scale sits close to the
	// noise floor of a laptop's input (-60 to -70 dBFS), leaving too little
	// margin to tell pauses and soft word ends from the room; a headset
	// at a normal distance gives -20 to -30 dBFS.
	quietDBFSAdvice = -40
)

// inputAdvice says what to change about the microphone when the answer was
// clipped or recorded too quietly.
func inputAdvice(r analysis.Report) []string {
	if r.NoSpeech {
		return nil
	}
	var out []string
	if r.ClipShare >= clipShareAdvice {
		out = append(out, fmt.Sprintf("%.1f %% of your answer was clipped (too loud for the input): move the microphone a little further from your mouth or lower its input level in the system's sound settings.", 100*r.ClipShare))
	}
	if r.MeanDBFS < quietDBFSAdvice {
		out = append(out, fmt.Sprintf("Your microphone picked you up very quietly (%.0f dBFS): move closer to it or raise its input level in the system's sound settings, then test it under Settings.", r.MeanDBFS))
	}
	return out
}

// playAnswer plays a recorded answer from memory or from its file.
func (a *App) playAnswer(ctx context.Context, path string, clip pcm.Clip) {
	a.play(ctx, "Cannot play the answer", func() (pcm.Clip, error) {
		if len(clip.Samples) > 0 {
			return clip, nil
		}
		return pcm.ReadFile(path)
	})
}

// play loads a clip and plays it off the UI goroutine; a failure to load or
// play (unless the screen was left) is shown under title.
func (a *App) play(ctx context.Context, title string, load func() (pcm.Clip, error)) {
	// One sound at a time: a new play stops the one before and starts
	// when it has ended, so two streams never overlap.
	if a.stopPlay != nil {
		a.stopPlay()
	}
	pctx, cancel := context.WithCancel(ctx)
	prev, done := a.playDone, make(chan struct{})
	a.stopPlay, a.playDone = cancel, done
	go func() {
		defer close(done)
		defer cancel()
		if prev != nil {
			<-prev
		}
		clip, err := load()
		if err == nil && pctx.Err() == nil {
			err = a.deps.Player.Play(pctx, clip)
		}
		if err != nil && pctx.Err() == nil {
			log.Printf("ui: %s: %v", title, err)
			fyne.Do(func() { a.showError(title, err) })
		}
	}()
}

// findTurn looks a saved turn up in the scenario library (it may have been
// edited or removed since: then ok is false).
func (a *App) findTurn(scenarioID, turnID string) (scenario.Turn, bool) {
	for _, sc := range a.deps.Scenarios {
		if sc.ID != scenarioID {
			continue
		}
		for _, t := range sc.Turns {
			if t.ID == turnID {
				return t, true
			}
		}
	}
	return scenario.Turn{}, false
}

// methodPart is the content side of a turn: the step of the method, the
// rep's self-check and the model answer (folded, to try first unaided).
func (a *App) methodPart(t scenario.Turn, ticks []store.SelfCheck, save func([]store.SelfCheck)) fyne.CanvasObject {
	box := container.NewVBox()
	if t.Step != "" {
		l := widget.NewLabel("Method: " + scenario.Hint(t.Step))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(t.Checks) > 0 {
		box.Add(widget.NewLabelWithStyle("Self-check — did you…", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		// The ticks are kept with the turn: the scenario's checks in order,
		// each done or not (a tick stored for a check since reworded is
		// dropped).
		state := make([]store.SelfCheck, len(t.Checks))
		for i, c := range t.Checks {
			state[i].Text = c
			for _, tk := range ticks {
				if tk.Text == c {
					state[i].Done = tk.Done
				}
			}
		}
		for i, c := range t.Checks {
			i := i
			cb := a.newCheck(c, nil)
			cb.SetChecked(state[i].Done)
			cb.OnChanged = func(on bool) {
				state[i].Done = on
				if save != nil {
					save(append([]store.SelfCheck(nil), state...))
				}
			}
			box.Add(cb)
		}
	}
	if t.Model != "" {
		model := widget.NewLabel(reflow(t.Model))
		model.Wrapping = fyne.TextWrapWord
		box.Add(widget.NewAccordion(widget.NewAccordionItem("Model answer", model)))
	}
	return box
}
