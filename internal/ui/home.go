package ui

import (
	"fmt"
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/scenario"
)

// difficultyText shows difficulty 1..3 as words a rep understands.
func difficultyText(d int) string {
	switch {
	case d <= 1:
		return "Warm-up"
	case d == 2:
		return "Tough"
	default:
		return "Hostile"
	}
}

// ShowHome shows the scenario list. Up/Down choose, Enter or Space starts.
func (a *App) ShowHome() {
	scs := a.deps.Scenarios
	selected := 0

	title := widget.NewLabelWithStyle("Choose a customer to practise on", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := widget.NewLabel("")
	detail.Wrapping = fyne.TextWrapWord
	start := widget.NewButton("Start (Enter)", nil)
	start.Importance = widget.HighImportance

	// Last and best of each scenario and the progress summary come from
	// the database, read once the screen is shown (see the end).
	var results map[string]ScenarioResult
	summary := widget.NewLabel("")
	summary.Wrapping = fyne.TextWrapWord
	summary.Hide()
	list := a.newList(
		func() int { return len(scs) },
		func() fyne.CanvasObject {
			t := widget.NewLabelWithStyle("title", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			s := widget.NewLabel("sub")
			s.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(t, s)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			sc := scs[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(sc.Title)
			sub := fmt.Sprintf("%s · %s, %s · %d turns",
				difficultyText(sc.Difficulty), sc.Persona.Name, sc.Persona.Company, len(sc.Turns))
			if r, ok := results[sc.ID]; ok && r.Attempts > 0 {
				sub += fmt.Sprintf(" · last %s · best %s", r.Last, r.Best)
			}
			box.Objects[1].(*widget.Label).SetText(sub)
		},
	)
	showDetail := func(i int) {
		if i < 0 || i >= len(scs) {
			detail.SetText("No scenarios are available.")
			start.Disable()
			return
		}
		sc := scs[i]
		text := fmt.Sprintf("%s\n\n%s (%s, %s) — %s\n\n%s", sc.Title, sc.Persona.Name, sc.Persona.Role,
			sc.Persona.Company, sc.Persona.Mood, reflow(sc.Brief))
		if r, ok := results[sc.ID]; ok && r.Attempts > 0 {
			text += fmt.Sprintf("\n\nYour practice: %s · last %s · best %s", plural(r.Attempts, "attempt"), r.Last, r.Best)
		}
		detail.SetText(text)
		start.Enable()
	}
	list.OnSelected = func(i widget.ListItemID) {
		selected = i
		showDetail(i)
	}
	startSelected := func() {
		if selected >= 0 && selected < len(scs) {
			a.ShowRolePlay(scs[selected])
		}
	}
	start.OnTapped = startSelected

	var problems fyne.CanvasObject = widget.NewLabel("")
	if len(a.deps.ScenarioErrors) > 0 {
		var b strings.Builder
		b.WriteString("Some scenario files could not be loaded:\n")
		for _, err := range a.deps.ScenarioErrors {
			fmt.Fprintf(&b, "• %v\n", err)
		}
		l := widget.NewLabel(b.String())
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		problems = l
	}

	keys := widget.NewLabel("↑/↓ choose · Enter start · P progress · H history · L my lines · S settings")
	keys.Importance = widget.LowImportance
	right := container.NewBorder(nil, container.NewVBox(problems, start, keys), nil, nil, container.NewVScroll(detail))
	split := container.NewHSplit(list, right)
	split.Offset = 0.45
	content := container.NewBorder(container.NewVBox(a.nav("Scenarios"), summary, title), nil, nil, nil, split)

	if len(scs) > 0 {
		list.Select(0)
	} else {
		showDetail(-1)
	}
	ctx := a.show("Scenarios", content, func(ev *fyne.KeyEvent) {
		if listKey(ev, list, selected, len(scs)) {
			return
		}
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
			startSelected()
		case fyne.KeyH:
			a.ShowHistory()
		case fyne.KeyP:
			a.ShowProgress()
		case fyne.KeyL:
			a.ShowMaterial()
		case fyne.KeyS:
			a.ShowSettings()
		}
	})
	if p := a.deps.Progress; p != nil {
		bands, base := a.deps.Bands, a.baseline()
		go func() {
			text, res, err := readHomeProgress(ctx, p, bands, base, time.Now())
			fyne.Do(func() {
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					log.Printf("ui: home progress: %v", err)
					return
				}
				results = res
				list.Refresh()
				showDetail(selected)
				if text != "" {
					summary.SetText(text)
					summary.Show()
				}
				a.logf("ui: home progress shown")
			})
		}()
	}
}

// stepHint is the method step as a line for the role-play screen.
func stepHint(t scenario.Turn) string {
	if t.Step == "" {
		return ""
	}
	return "Now: " + scenario.Hint(t.Step)
}
