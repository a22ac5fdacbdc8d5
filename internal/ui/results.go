package ui

import (
	"context"
	"fmt"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/store"
)

// metricRows are the measured figures of one answer, in plain words, in the
// order the report shows them.
func metricRows(r analysis.Report) [][2]string {
	if r.NoSpeech {
		return [][2]string{{"Speech", "none heard"}}
	}
	return [][2]string{
		{"Reply latency", fmt.Sprintf("%.2f s", r.Latency.Seconds())},
		{"Pauses", fmt.Sprintf("%d (longest %.2f s)", len(r.Pauses), r.LongestPause.Seconds())},
		{"Volume", fmt.Sprintf("%.1f dBFS", r.MeanDBFS)},
		{"First / second half", fmt.Sprintf("%.1f / %.1f dBFS (%s)", r.FirstHalfDBFS, r.SecondHalfDBFS, r.Trend)},
		{"Speaking time", fmt.Sprintf("%.1f s", r.SpeakingTime().Seconds())},
	}
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
func (a *App) ShowResults(att store.Attempt, clips []pcm.Clip) {
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s — %s", att.ScenarioTitle, att.StartedAt.Local().Format("Mon 2 Jan 2006 15:04")),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var ctx context.Context
	cards := container.NewVBox()
	for i, t := range att.Turns {
		t := t
		grid := container.NewGridWithColumns(2)
		for _, row := range metricRows(t.Report) {
			grid.Add(widget.NewLabel(row[0]))
			grid.Add(widget.NewLabelWithStyle(row[1], fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
		}
		findings := coach.Assess(t.Report, a.deps.Bands, coach.Baseline{})
		checks := container.NewVBox()
		for _, f := range findings {
			checks.Add(widget.NewLabel(fmt.Sprintf("%s  %s: %s", markText(f.Mark), f.Metric, f.Value)))
		}
		note := widget.NewLabel("Coach: " + coach.Summary(findings))
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.HighImportance

		var clip pcm.Clip
		if i < len(clips) {
			clip = clips[i]
		}
		play := widget.NewButton("Play answer", func() { a.playAnswer(ctx, t.RecordingPath, clip) })
		if a.deps.Player == nil {
			play.Disable()
		}
		heading := fmt.Sprintf("Turn %d", t.Index+1)
		if t.Variant != "" {
			heading += " (" + t.Variant + " customer)"
		}
		line := widget.NewLabel("Customer: “" + t.LineText + "”")
		line.Wrapping = fyne.TextWrapWord
		cards.Add(widget.NewCard(heading, "", container.NewVBox(line, grid, checks, note, container.NewHBox(play))))
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
}

// playAnswer plays a recorded answer from memory or from its file.
func (a *App) playAnswer(ctx context.Context, path string, clip pcm.Clip) {
	go func() {
		if len(clip.Samples) == 0 {
			c, err := pcm.ReadFile(path)
			if err != nil {
				fyne.Do(func() { a.showError("Cannot play the answer", err) })
				return
			}
			clip = c
		}
		if err := a.deps.Player.Play(ctx, clip); err != nil && ctx.Err() == nil {
			log.Printf("ui: play answer: %v", err)
			fyne.Do(func() { a.showError("Cannot play the answer", err) })
		}
	}()
}
