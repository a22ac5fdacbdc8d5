package ui

import (
	"context"
	"fmt"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/store"
)

// historyLimit is how many past attempts the list shows.
const historyLimit = 200

// ShowHistory lists past attempts, newest first; choosing one reopens its
// results. Up/Down choose, Enter opens, Escape goes back.
func (a *App) ShowHistory() {
	header := container.NewVBox(a.nav("History"), widget.NewLabelWithStyle("Past attempts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if a.deps.History == nil {
		msg := widget.NewLabel("History is unavailable.\n\n" + Friendly(a.deps.HistoryErr))
		msg.Wrapping = fyne.TextWrapWord
		a.show("History", container.NewBorder(header, nil, nil, nil, msg), a.backHome)
		return
	}
	items, err := a.deps.History.ListAttempts(context.Background(), historyLimit)
	if err != nil {
		a.showError("Cannot read your history", err)
		items = nil
	}
	if len(items) == 0 {
		msg := widget.NewLabel("No attempts yet. Choose a scenario and answer the customer: every attempt is kept here.")
		msg.Wrapping = fyne.TextWrapWord
		a.show("History", container.NewBorder(header, nil, nil, nil, msg), a.backHome)
		return
	}
	selected := 0
	list := widget.NewList(
		func() int { return len(items) },
		func() fyne.CanvasObject { return widget.NewLabel("attempt") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := items[i]
			o.(*widget.Label).SetText(historyRow(it))
		},
	)
	open := func(i int) {
		if i < 0 || i >= len(items) {
			return
		}
		att, err := a.deps.History.Attempt(context.Background(), items[i].ID)
		if err != nil {
			a.showError("Cannot open this attempt", err)
			return
		}
		a.ShowResults(att, nil)
	}
	list.OnSelected = func(i widget.ListItemID) { selected = i }
	openBtn := widget.NewButton("Open (Enter)", func() { open(selected) })
	openBtn.Importance = widget.HighImportance
	list.Select(0)
	a.show("History", container.NewBorder(header, container.NewHBox(openBtn), nil, nil, list), func(ev *fyne.KeyEvent) {
		if listKey(ev, list, selected, len(items)) {
			return
		}
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			open(selected)
		case fyne.KeyEscape:
			a.ShowHome()
		}
	})
}

// backHome is the key handler of screens whose only key is Escape.
func (a *App) backHome(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		a.ShowHome()
	}
}

// listKey moves a list's selection with Up and Down (the list itself only
// does so when focused) and reports whether it used the key.
func listKey(ev *fyne.KeyEvent, list *widget.List, selected, n int) bool {
	switch {
	case ev.Name == fyne.KeyDown && selected+1 < n:
		list.Select(selected + 1)
	case ev.Name == fyne.KeyUp && selected > 0:
		list.Select(selected - 1)
	case ev.Name == fyne.KeyDown || ev.Name == fyne.KeyUp:
	default:
		return false
	}
	return true
}

// historyRow is one attempt in the history list.
func historyRow(it store.AttemptSummary) string {
	row := fmt.Sprintf("%s   %s   %d turns", it.StartedAt.Local().Format("2006-01-02 15:04"), it.ScenarioTitle, it.TurnCount)
	if it.SpokenTurns > 0 && !math.IsNaN(it.MeanDBFS) {
		row += fmt.Sprintf("   · pause before replying %.2f s, volume %.1f dBFS (means)", it.MeanLatency.Seconds(), it.MeanDBFS)
	}
	return row
}
