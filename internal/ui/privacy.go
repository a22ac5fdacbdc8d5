package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/store"
)

// PrefMetricsOnly is the preference "keep metrics only": each answer's
// recording (and the calibration reading) is deleted once it is measured.
// The app reads it when a run starts (practice.Config.MetricsOnly).
const PrefMetricsOnly = "privacy.metrics_only"

// metricsOnly reports whether "keep metrics only" is on.
func metricsOnly() bool {
	return fyne.CurrentApp().Preferences().BoolWithFallback(PrefMetricsOnly, false)
}

// metricsOnlyText says plainly what the setting does, under its box.
const metricsOnlyText = "When this is on, each answer's recording is deleted as soon as it has been measured and saved, " +
	"and so is your calibration reading. Your figures (pause, pace, level, pitch) stay in your history, " +
	"but you cannot play those answers back."

// notKeptText is what a report says in place of playback when an answer's
// recording was not kept.
const notKeptText = "Recording not kept (metrics only): there is nothing to play back. " +
	"The timeline shows the pauses, the cue and where you started from the figures; the level curve needs the recording."

// recordingKept reports whether an answer has a recording to play: in
// memory, or a stored path (empty once "metrics only" deleted it).
func recordingKept(path string, clip pcm.Clip) bool {
	return path != "" || len(clip.Samples) > 0
}

// notKeptNote is the label shown instead of playback.
func notKeptNote() *widget.Label {
	l := widget.NewLabel(notKeptText)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.LowImportance
	return l
}

// addNotKept puts the "recording not kept" note into a turn's body right
// under its timeline tl (where the missing level curve would be), or at
// the end when tl is not in it.
func addNotKept(body *fyne.Container, tl fyne.CanvasObject) {
	note := notKeptNote()
	for i, o := range body.Objects {
		if o == tl {
			body.Objects = append(body.Objects[:i+1], append([]fyne.CanvasObject{note}, body.Objects[i+1:]...)...)
			body.Refresh()
			return
		}
	}
	body.Add(note)
}

// figuresTail is how far a figures-only timeline runs past the last
// speech (or the cue): enough to see the answer end before the edge, as a
// recording's trailing silence would show it.
const figuresTail = 500 * time.Millisecond

// figuresTimeline is the timeline of an answer whose recording is gone:
// the pauses, the cue and the onset from the stored figures, with no level
// envelope. It takes no taps (there is nothing to play).
func figuresTimeline(r analysis.Report, cue time.Duration) *Timeline {
	t := NewTimeline(pcm.Clip{}, r, cue)
	end := cue
	if !r.NoSpeech {
		end = max(end, r.Offset)
	}
	t.duration = end + figuresTail
	t.Refresh()
	return t
}

// privacyRows adds "keep metrics only" to the Settings form.
func (a *App) privacyRows(form *widget.Form) {
	prefs := fyne.CurrentApp().Preferences()
	box := a.newCheck("Keep metrics only (delete each answer's recording once it is measured)", nil)
	box.SetChecked(metricsOnly())
	box.OnChanged = func(on bool) {
		prefs.SetBool(PrefMetricsOnly, on)
		a.logf("ui: metrics only %v", on)
		if on {
			a.offerDeleteKept()
		}
	}
	text := widget.NewLabel(metricsOnlyText)
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.LowImportance
	form.Append("Privacy", container.NewVBox(box, text))
}

// offerDeleteKept asks, once "metrics only" is turned on, whether the
// recordings kept so far go too.
func (a *App) offerDeleteKept() {
	if a.deps.DeleteRecordings == nil {
		return
	}
	d := dialog.NewConfirm("Delete the recordings already kept?",
		"From now on no new recording is kept. The recordings of your earlier answers and calibration readings are still in\n"+
			practice.RecordingsFolder(a.deps.DataDir)+"\n\nDelete them now? Your figures stay in your history either way.",
		func(yes bool) {
			if !yes {
				a.logf("ui: kept recordings stay")
				return
			}
			a.runWork("Deleting recordings…", func(ctx context.Context) (string, error) {
				n, err := a.deps.DeleteRecordings(ctx)
				return fmt.Sprintf("%s deleted. Your figures are all still in your history.", capital(plural(n, "recording"))), err
			}, func(msg string, err error) {
				if err != nil {
					a.showError("Not every recording could be deleted", err)
					a.logf("ui: recordings not all deleted: %v", err)
					return
				}
				a.inform("Recordings deleted", msg)
				a.logf("ui: kept recordings deleted")
			})
		}, a.win)
	d.SetConfirmText("Delete them")
	d.SetDismissText("Keep them")
	a.track(d)
}

// deleteAllText says what "delete all my practice data" removes and what
// it keeps.
const deleteAllText = "This deletes from this computer:\n" +
	"  • every attempt and turn in your history, with its figures\n" +
	"  • every calibration (your baseline)\n" +
	"  • every recording of your answers and readings\n\n" +
	"This stays: the scenarios you wrote, your own customer lines, and your settings.\n\n" +
	"It cannot be undone. To keep a copy, use Export JSON… first."

// dataRows adds the export, import and delete-all actions to the Settings
// form. They sit beside the data folder because they act on all of it
// (import brings baselines as well as attempts), not on one chart.
func (a *App) dataRows(form *widget.Form) {
	csvBtn := widget.NewButton("Export CSV…", func() { a.exportTo(store.FormatCSV) })
	jsonBtn := widget.NewButton("Export JSON…", func() { a.exportTo(store.FormatJSON) })
	importBtn := widget.NewButton("Import…", a.importFrom)
	help := widget.NewLabel("CSV: one row per answer, for a spreadsheet. JSON: everything, for Import on another computer or as a backup.")
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	del := widget.NewButton("Delete all my practice data…", a.confirmDeleteAll)
	del.Importance = widget.DangerImportance
	if a.deps.Export == nil {
		csvBtn.Disable()
		jsonBtn.Disable()
	}
	if a.deps.Import == nil {
		importBtn.Disable()
	}
	if a.deps.DeleteAll == nil {
		del.Disable()
	}
	form.Append("Your data", container.NewVBox(container.NewHBox(csvBtn, jsonBtn, importBtn), help, container.NewHBox(del)))
}

// confirmDeleteAll asks first, saying what goes and what stays; on yes the
// database is emptied and the recordings removed, and the app goes on as
// at a first start (calibration offered).
func (a *App) confirmDeleteAll() {
	if a.deps.DeleteAll == nil {
		return
	}
	// A list reads better left-aligned than centred, as NewConfirm sets it.
	d := dialog.NewCustomConfirm("Delete all my practice data?", "Delete everything", "Keep my data", widget.NewLabel(deleteAllText), func(yes bool) {
		if !yes {
			a.logf("ui: delete all cancelled")
			return
		}
		a.runWork("Deleting your practice data…", func(ctx context.Context) (string, error) {
			n, err := a.deps.DeleteAll(ctx)
			return fmt.Sprintf("Your history, baselines and %s are deleted. Your scenarios, own lines and settings are kept.", plural(n, "recording")), err
		}, a.deletedAll)
	}, a.win)
	d.SetConfirmImportance(widget.DangerImportance)
	a.track(d)
}

// deletedAll says how "delete all" went (UI goroutine).
func (a *App) deletedAll(msg string, err error) {
	switch {
	case errors.Is(err, practice.ErrNothingDeleted):
		a.showError("Nothing was deleted", err)
		a.logf("ui: delete all failed: %v", err)
	case err == nil, errors.Is(err, store.ErrNotCompacted) && !errors.Is(err, practice.ErrRecordingsLeft):
		a.ShowCalibration()
		if err != nil {
			msg += "\n\nThe database file could not be compacted yet, so parts of the old data may remain inside it until the next delete.\n\nDetail: " + err.Error()
		}
		a.inform("Your practice data is deleted", msg+"\n\nCalibrate your calm voice again now, or skip it for later.")
		a.logf("ui: practice data deleted")
	case errors.Is(err, practice.ErrRecordingsLeft):
		a.ShowCalibration()
		a.inform("Some recordings are still there",
			"Your history and baselines are deleted, but some recordings could not be removed. "+
				"Close any program using them and choose Delete all again, or delete them by hand from\n"+
				practice.RecordingsFolder(a.deps.DataDir)+"\n\nDetail: "+err.Error())
		a.logf("ui: practice data deleted, recordings left: %v", err)
	default:
		// Not said to have deleted nothing: an error the deletion did
		// not classify may come after the history was emptied.
		a.ShowCalibration()
		a.showError("Your practice data may be only partly deleted", err)
		a.logf("ui: delete all failed: %v", err)
	}
}

// runWork shows a progress dialog titled title while work runs off the UI
// goroutine, then closes it and gives work's result to done on the UI
// goroutine. The work is not cancelled when the screen changes (it has
// started changing files); the window waits for it before closing.
func (a *App) runWork(title string, work func(ctx context.Context) (string, error), done func(string, error)) {
	a.runCancellable(title, false, work, func(msg string, err error, _ bool) { done(msg, err) })
}

// runCancellable is runWork whose dialog, when cancellable, has a Cancel
// button (Escape too) that cancels work's context; done learns whether the
// rep cancelled.
func (a *App) runCancellable(title string, cancellable bool, work func(ctx context.Context) (string, error), done func(msg string, err error, cancelled bool)) {
	ctx, cancel := context.WithCancel(context.Background())
	bar := widget.NewProgressBarInfinite()
	content := container.NewVBox(widget.NewLabel(title), bar)
	var d dialog.Dialog
	if cancellable {
		d = dialog.NewCustom(title, "Cancel", content, a.win)
	} else {
		d = dialog.NewCustomWithoutButtons(title, content, a.win)
	}
	finished := false // UI goroutine
	a.trackThen(d, func() {
		if !finished {
			cancel()
		}
	})
	if !cancellable {
		// Escape closes a dialog on the stack; here it only hides the
		// progress, the work goes on and its result is still shown.
		ctx = context.WithoutCancel(ctx)
	}
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		msg, err := work(ctx)
		cancelled := ctx.Err() != nil
		cancel()
		fyne.Do(func() {
			bar.Stop()
			finished = true
			d.Hide()
			done(msg, err, cancelled)
		})
	}()
}

// capital is s with its first letter upper-case ("3 recordings" stays).
func capital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
