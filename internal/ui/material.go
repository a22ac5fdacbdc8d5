package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
)

// variantText names a line variant for the list of lines.
func variantText(v scenario.Variant) string {
	switch v {
	case scenario.VariantSoftened:
		return "softened"
	case scenario.VariantEscalated:
		return "escalated"
	case scenario.VariantStillThere:
		return "still there?"
	}
	return "line"
}

// ShowMaterial lets a rep or trainer replace any customer line with their
// own recording or an imported WAV (kept in the user's scenarios folder,
// where it overrides the bundled voice), go back to the bundled voice, and
// start a new scenario from the template.
func (a *App) ShowMaterial() {
	header := container.NewVBox(a.nav("My lines"), widget.NewLabelWithStyle("Your own customer lines", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if a.deps.UserDir == "" {
		a.show("My lines", container.NewBorder(header, nil, nil, nil, widget.NewLabel("No user folder is set.")), a.backHome)
		return
	}
	intro := widget.NewLabel(fmt.Sprintf("Record or import a line and it replaces the bundled voice for you. Files live in %s.", a.deps.UserDir))
	intro.Wrapping = fyne.TextWrapWord

	scs := a.deps.Scenarios
	titles := make([]string, len(scs))
	for i, s := range scs {
		titles[i] = s.Title
	}
	lines := container.NewVBox()
	meter := NewLevelMeter()
	recStatus := widget.NewLabel("")
	var stopRec context.CancelFunc
	stop := widget.NewButton("Stop recording (Space)", func() {
		if stopRec != nil {
			stopRec()
		}
	})
	stop.Disable()
	recPanel := container.NewBorder(nil, nil, recStatus, stop, meter)
	recPanel.Hide()

	var ctx context.Context
	var fill func(sc scenario.Scenario)
	var fillWith func(sc scenario.Scenario, refs []scenario.LineRef, statuses []string)
	// fill lists sc's lines; whether each has audio is looked up on disk
	// off the UI goroutine.
	fill = func(sc scenario.Scenario) {
		refs, audio, sctx := sc.LineRefs(), a.deps.Audio, ctx
		go func() {
			statuses := make([]string, len(refs))
			for i, ref := range refs {
				statuses[i] = lineStatus(audio, ref.Line)
			}
			fyne.Do(func() {
				if sctx.Err() == nil {
					fillWith(sc, refs, statuses)
					a.logf("ui: my lines listed for %s", sc.ID)
				}
			})
		}()
	}
	fillWith = func(sc scenario.Scenario, refs []scenario.LineRef, statuses []string) {
		lines.RemoveAll()
		for i, ref := range refs {
			ref, status := ref, statuses[i]
			dest := scenario.UserAudioPath(a.deps.UserDir, ref.Line)
			label := widget.NewLabel(fmt.Sprintf("Turn %d · %s — “%s”", ref.Turn+1, variantText(ref.Variant), reflow(ref.Line.Text)))
			label.Truncation = fyne.TextTruncateEllipsis
			st := widget.NewLabel(status)
			st.Importance = widget.LowImportance
			if status != "bundled voice" {
				st.Importance = widget.WarningImportance
				if status == "your recording" {
					st.Importance = widget.SuccessImportance
				}
			}
			play := widget.NewButton("Play", func() { a.playLine(ctx, ref.Line) })
			if a.deps.Player == nil || strings.HasPrefix(status, "missing") {
				play.Disable()
			}
			rec := widget.NewButton("Record", func() {
				if stopRec != nil { // one recording at a time
					a.inform("A recording is running", "Stop the recording under way (Stop or Space) before starting another.")
					return
				}
				rctx, cancel := context.WithCancel(ctx)
				stopRec = cancel
				levels := make(chan analysis.LiveStats, 1)
				recStatus.SetText("Recording: " + variantText(ref.Variant) + " of turn " + fmt.Sprint(ref.Turn+1))
				recPanel.Show()
				stop.Enable()
				go meterLoop(rctx, levels, meter, nil, nil)
				go func() { // device and files off the UI goroutine
					mic, err := a.mic()
					if err == nil {
						err = os.MkdirAll(filepath.Dir(dest), 0o755)
					}
					if err == nil {
						_, err = practice.RecordLine(rctx, mic, dest, levels)
					}
					cancel()
					fyne.Do(func() {
						stopRec = nil
						stop.Disable()
						recPanel.Hide()
						if err != nil && ctx.Err() == nil {
							a.showError("The line could not be recorded", err)
						}
						fill(sc)
					})
				}()
			})
			if a.deps.Recorder == nil {
				rec.Disable()
			}
			imp := widget.NewButton("Import…", func() {
				d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
					if err != nil {
						a.showError("Cannot import", err)
						return
					}
					if r == nil {
						return // cancelled
					}
					src := r.URI().Path()
					r.Close()
					go func() { // reading and writing files stays off the UI goroutine
						err := os.MkdirAll(filepath.Dir(dest), 0o755)
						if err == nil {
							_, err = practice.ImportLine(src, dest)
						}
						fyne.Do(func() {
							if err != nil {
								a.showError("The file could not be imported", err)
								return
							}
							fill(sc)
						})
					}()
				}, a.win)
				d.SetFilter(storage.NewExtensionFileFilter([]string{".wav", ".WAV"}))
				a.track(d)
			})
			reset := widget.NewButton("Use bundled", func() {
				a.confirm("Remove your recording?", "The bundled voice plays again for this line. Your recording is deleted.", func(ok bool) {
					if !ok {
						return
					}
					go func() { // files off the UI goroutine
						err := os.Remove(dest)
						fyne.Do(func() {
							if err != nil && !errors.Is(err, fs.ErrNotExist) {
								a.showError("Cannot remove the recording", err)
							}
							fill(sc)
						})
					}()
				})
			})
			if status != "your recording" {
				reset.Disable()
			}
			lines.Add(container.NewBorder(nil, nil, nil, container.NewHBox(st, play, rec, imp, reset), label))
		}
	}

	pick := a.newSelect(titles, func(title string) {
		for _, s := range scs {
			if s.Title == title {
				fill(s)
			}
		}
	})
	newBtn := widget.NewButton("New scenario from template", a.newScenario)
	reload := widget.NewButton("Reload scenarios", func() { a.reload(a.ShowMaterial) })
	tools := container.NewHBox(newBtn, reload)
	if a.deps.Reload == nil {
		reload.Disable()
	}
	top := container.NewVBox(header, intro, tools, widget.NewForm(widget.NewFormItem("Scenario", pick)), recPanel)
	ctx = a.show("My lines", container.NewBorder(top, nil, nil, nil, container.NewVScroll(lines)), func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeySpace:
			if stopRec != nil {
				stopRec()
			}
		case fyne.KeyEscape:
			a.ShowHome()
		}
	})
	if len(titles) > 0 {
		// Selected without OnChanged, then listed as the last step: the
		// listing goes on in a goroutine of its own.
		pick.Selected = titles[0]
		pick.Refresh()
		fill(scs[0])
	}
}

// playLine plays a customer line from the (overlaid) audio folder.
func (a *App) playLine(ctx context.Context, l scenario.Line) {
	a.play(ctx, "Cannot play the line", func() (pcm.Clip, error) { return practice.LoadLine(a.deps.Audio, l) })
}

// maxNewScenarios bounds the search for a free "my-scenario-N.toml".
const maxNewScenarios = 1000

// newScenario writes the template into the user's folder under a free name
// (off the UI goroutine) and says where it is.
func (a *App) newScenario() {
	dir, tmpl := a.deps.UserDir, a.deps.Template
	go func() {
		path, err := writeNewScenario(dir, tmpl)
		fyne.Do(func() {
			if err != nil {
				a.showError("Cannot create the scenario", err)
				return
			}
			a.inform("New scenario created",
				fmt.Sprintf("%s\n\nOpen it in a text editor, change the lines marked CHANGE (give it its own id), then press Reload scenarios. Record its customer lines here.", path))
			a.logf("ui: new scenario %s", path)
		})
	}()
}

// writeNewScenario writes tmpl to the first free my-scenario-N.toml in dir.
// O_EXCL: never overwrite a scenario, even one written since the name was
// chosen; any error but "exists" is the answer.
func writeNewScenario(dir string, tmpl []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for i := 1; i <= maxNewScenarios; i++ {
		path := filepath.Join(dir, fmt.Sprintf("my-scenario-%d.toml", i))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = f.Write(tmpl)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return path, err
	}
	return "", fmt.Errorf("%d scenario files named my-scenario-N.toml already exist in %s", maxNewScenarios, dir)
}

// reload reads the scenario library again (after editing files by hand).
// The files are read off the UI goroutine; then runs after.
func (a *App) reload(then func()) {
	load := a.deps.Reload
	if load == nil {
		return
	}
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		scs, errs := load()
		fyne.Do(func() {
			a.deps.Scenarios, a.deps.ScenarioErrors = scs, errs
			then()
			defer a.logf("ui: scenarios reloaded") // last: tests act after it
			if n := len(errs); n > 0 {
				var b strings.Builder
				for _, err := range errs {
					fmt.Fprintf(&b, "• %v\n", err)
				}
				a.inform(fmt.Sprintf("%d scenario file(s) have problems", n), b.String())
			}
		})
	}()
}

// lineStatus says whether a customer line has audio, and whose.
func lineStatus(audio fs.FS, l scenario.Line) string {
	switch {
	case scenario.IsUser(audio, l.Audio):
		return "your recording"
	case audio == nil:
		return "no audio"
	}
	if _, err := fs.Stat(audio, l.Audio); err != nil {
		return "missing: record or import it"
	}
	return "bundled voice"
}

// mic opens the chosen microphone. It looks the device up, so callers run
// it off the UI goroutine.
func (a *App) mic() (practice.Recorder, error) {
	if a.deps.Recorder == nil {
		return nil, practice.ErrNoMicrophone
	}
	return a.deps.Recorder()
}
