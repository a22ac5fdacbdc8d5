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
// results, and an unfinished one can be finished. Up/Down choose, Enter
// opens, F finishes, Escape goes back. The database is read off the UI
// goroutine; the screen says "Loading…" meanwhile.
func (a *App) ShowHistory() {
	header := container.NewVBox(a.nav("History"), widget.NewLabelWithStyle("Past attempts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	message := func(text string) {
		msg := widget.NewLabel(text)
		msg.Wrapping = fyne.TextWrapWord
		a.show("History", container.NewBorder(header, nil, nil, nil, msg), a.backHome)
	}
	if a.deps.History == nil {
		message("History is unavailable.\n\n" + Friendly(a.deps.HistoryErr))
		return
	}
	loading := widget.NewLabel("Loading your history…")
	ctx := a.show("History", container.NewBorder(header, nil, nil, nil, loading), a.backHome)
	h := a.deps.History
	go func() {
		items, err := h.ListAttempts(ctx, historyLimit)
		fyne.Do(func() {
			if ctx.Err() != nil {
				return // the rep has moved on
			}
			if err != nil {
				a.showError("Cannot read your history", err)
				items = nil
			}
			if len(items) == 0 {
				message("No attempts yet. Choose a scenario and answer the customer: every attempt is kept here.")
				return
			}
			a.historyList(header, items)
		})
	}()
}

// historyList shows the attempts read by ShowHistory.
func (a *App) historyList(header fyne.CanvasObject, items []store.AttemptSummary) {
	selected := 0
	list := a.newList(
		func() int { return len(items) },
		func() fyne.CanvasObject { return widget.NewLabel("attempt") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(historyRow(items[i]))
		},
	)
	// withAttempt reads attempt i of the list and gives it to f.
	withAttempt := func(i int, what string, f func(store.Attempt)) {
		if i >= 0 && i < len(items) {
			a.withAttempt(items[i].ID, what, f)
		}
	}
	open := func(i int) {
		withAttempt(i, "Cannot open this attempt", func(att store.Attempt) { a.ShowResults(att, nil) })
	}
	finish := func(i int) {
		if i < 0 || i >= len(items) || !unfinished(items[i]) {
			return
		}
		withAttempt(i, "Cannot finish this attempt", a.ResumeRolePlay)
	}
	remove := func(i int) {
		if i < 0 || i >= len(items) || a.deps.DeleteAttempt == nil {
			return
		}
		it := items[i]
		a.confirm("Delete this attempt?", fmt.Sprintf("%s — %s, %s.\n\nIts measurements and its recordings are deleted. Nothing else is touched.",
			it.StartedAt.Local().Format("Mon 2 Jan 2006 15:04"), it.ScenarioTitle, plural(it.TurnCount, "turn")), func(ok bool) {
			if !ok {
				return
			}
			del := a.deps.DeleteAttempt
			a.work.Add(1)
			go func() {
				defer a.work.Done()
				err := del(context.Background(), it.ID)
				fyne.Do(func() {
					if err != nil {
						a.showError("The attempt could not be deleted", err)
						return
					}
					a.logf("ui: deleted attempt %s", it.ID)
					a.ShowHistory()
				})
			}()
		})
	}
	openBtn := widget.NewButton("Open (Enter)", func() { open(selected) })
	openBtn.Importance = widget.HighImportance
	finishBtn := widget.NewButton("Finish this attempt (F)", func() { finish(selected) })
	list.OnSelected = func(i widget.ListItemID) {
		selected = i
		if unfinished(items[i]) && a.deps.ResumeRun != nil {
			finishBtn.Enable()
		} else {
			finishBtn.Disable()
		}
	}
	list.Select(0)
	deleteBtn := widget.NewButton("Delete… (D)", func() { remove(selected) })
	if a.deps.DeleteAttempt == nil {
		deleteBtn.Disable()
	}
	a.show("History", container.NewBorder(header, container.NewHBox(openBtn, finishBtn, deleteBtn), nil, nil, list), func(ev *fyne.KeyEvent) {
		if listKey(ev, list, selected, len(items)) {
			return
		}
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			open(selected)
		case fyne.KeyF:
			finish(selected)
		case fyne.KeyD, fyne.KeyDelete:
			remove(selected)
		case fyne.KeyEscape:
			a.ShowHome()
		}
	})
}

// unfinished reports whether the attempt stopped before its last turn
// (the rep left, the app was closed or crashed, a device was lost).
func unfinished(it store.AttemptSummary) bool {
	return it.FinishedAt.IsZero() && (it.PlannedTurns == 0 || it.TurnCount < it.PlannedTurns)
}

// backHome is the key handler of screens whose only key is Escape.
func (a *App) backHome(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		a.ShowHome()
	}
}

// listKey moves a list's selection with Up and Down (the list itself only
// does so when focused) and reports whether it used the key.
func listKey(ev *fyne.KeyEvent, list *KeyList, selected, n int) bool {
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
	turns := plural(it.TurnCount, "turn")
	if unfinished(it) {
		turns += " · unfinished"
		if it.PlannedTurns > 0 {
			turns = fmt.Sprintf("%d of %s · unfinished", it.TurnCount, plural(it.PlannedTurns, "turn"))
		}
	}
	row := fmt.Sprintf("%s   %s   %s", it.StartedAt.Local().Format("2006-01-02 15:04"), it.ScenarioTitle, turns)
	if it.SpokenTurns > 0 && !math.IsNaN(it.MeanDBFS) {
		row += fmt.Sprintf("   · pause before replying %.2f s, volume %.1f dBFS (means)", it.MeanLatency.Seconds(), it.MeanDBFS)
	}
	return row
}

// plural is "1 turn", "2 turns".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
