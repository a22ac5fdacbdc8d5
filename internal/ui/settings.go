package ui

import (
	"context"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/practice"
)

// systemDefault is how the device lists show "whatever the system uses".
const systemDefault = "System default"

// ShowSettings lets the rep choose microphone and speaker; the choice is
// kept in the app's preferences and used from the next role-play on.
func (a *App) ShowSettings() {
	prefs := fyne.CurrentApp().Preferences()
	header := container.NewVBox(a.nav("Settings"), widget.NewLabelWithStyle("Settings", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))

	form := widget.NewForm()
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord

	var loads []deviceLoad
	mkSelect := func(key string, list func() ([]string, error)) *KeySelect {
		sel := a.newSelect(nil, func(v string) {
			if v == systemDefault {
				v = ""
			}
			prefs.SetString(key, v)
		})
		cur := prefs.String(key)
		if cur == "" {
			cur = systemDefault
		}
		sel.Options = []string{cur}
		sel.SetSelected(cur)
		// The device list comes from PortAudio: it is read off the UI
		// goroutine once the screen is shown (see the end of ShowSettings).
		loads = append(loads, deviceLoad{list: list, apply: func(names []string, err error) {
			if err != nil {
				status.SetText(Friendly(err))
			}
			sel.Options = append([]string{systemDefault}, names...)
			found := false
			for _, n := range sel.Options {
				found = found || n == cur
			}
			if !found { // a remembered device that is unplugged now
				sel.Options = append(sel.Options, cur)
			}
			sel.Refresh()
		}})
		return sel
	}

	var micBtn, toneBtn *widget.Button
	if a.deps.Devices == nil {
		status.SetText("Audio is unavailable.\n\n" + Friendly(a.deps.AudioErr))
	} else {
		in := mkSelect(PrefInputDevice, a.deps.Devices.Inputs)
		out := mkSelect(PrefOutputDevice, a.deps.Devices.Outputs)
		form.Append("Microphone", in)
		var micRow, toneRow fyne.CanvasObject
		micRow, micBtn = a.micTest()
		toneRow, toneBtn = a.toneTest()
		form.Append("", micRow)
		form.Append("Speaker", out)
		form.Append("", toneRow)
		var refresh *widget.Button
		refresh = widget.NewButton("Refresh devices", func() {
			// Re-initialising PortAudio takes a while: off the UI goroutine.
			refresh.Disable()
			refresh.SetText("Refreshing…")
			ctx, devs := a.screenCtx, a.deps.Devices
			go func() {
				err := devs.Refresh()
				fyne.Do(func() {
					if ctx.Err() != nil {
						return
					}
					if err != nil {
						refresh.Enable()
						refresh.SetText("Refresh devices")
						a.showError("Cannot refresh the device list", err)
						return
					}
					a.ShowSettings()
				})
			}()
		})
		form.Append("", refresh)
		form.Append("Your calm voice", widget.NewButton("Calibrate (C)", a.ShowCalibration))
		nudges := a.newCheck("A gentle live nudge while I answer (at most one per answer)", func(on bool) { prefs.SetBool(PrefNudges, on) })
		nudges.SetChecked(prefs.BoolWithFallback(PrefNudges, true))
		form.Append("Coaching", nudges)
	}
	a.privacyRows(form)
	data := widget.NewLabel(a.deps.DataDir)
	data.Wrapping = fyne.TextWrapBreak
	form.Append("Data folder", data)
	a.dataRows(form)
	if a.deps.Version != "" {
		form.Append("Version", widget.NewLabel("Fallback "+a.deps.Version))
	}

	keys := widget.NewLabel("T test microphone · P test tone · C calibrate · Esc back")
	keys.Importance = widget.LowImportance
	ctx := a.show("Settings", container.NewBorder(header, keys, nil, nil, container.NewVScroll(container.NewVBox(form, status))), func(ev *fyne.KeyEvent) {
		switch {
		case ev.Name == fyne.KeyT && micBtn != nil && !micBtn.Disabled():
			micBtn.OnTapped()
		case ev.Name == fyne.KeyP && toneBtn != nil && !toneBtn.Disabled():
			toneBtn.OnTapped()
		case ev.Name == fyne.KeyC && a.deps.Devices != nil:
			a.ShowCalibration()
		default:
			a.backHome(ev)
		}
	})
	if len(loads) > 0 {
		go func() { // one goroutine reads every list, one fyne.Do applies them
			names := make([][]string, len(loads))
			errs := make([]error, len(loads))
			for i, l := range loads {
				names[i], errs[i] = l.list()
			}
			fyne.Do(func() {
				if ctx.Err() != nil {
					return
				}
				for i, l := range loads {
					l.apply(names[i], errs[i])
				}
				a.logf("ui: devices listed")
			})
		}()
	}
}

// deviceLoad is one device list Settings reads off the UI goroutine and
// how the screen shows it.
type deviceLoad struct {
	list  func() ([]string, error)
	apply func(names []string, err error)
}

// micTest is a button and a level meter: while on, the chosen microphone's
// level shows live (nothing is recorded).
func (a *App) micTest() (fyne.CanvasObject, *widget.Button) {
	meter := NewLevelMeter()
	var stop context.CancelFunc
	var btn *widget.Button
	btn = widget.NewButton("Test microphone", func() {
		if stop != nil {
			stop()
			return
		}
		ctx, cancel := context.WithCancel(a.screenCtx)
		stop = cancel
		btn.SetText("Stop test")
		levels := make(chan analysis.LiveStats, 1)
		go meterLoop(ctx, levels, meter, nil, nil)
		go func() { // the device is looked up and opened off the UI goroutine
			peak := analysis.MinDBFS
			mic, err := a.mic()
			if err == nil {
				peak, err = practice.Monitor(ctx, mic, levels)
			}
			cancel()
			fyne.Do(func() {
				stop = nil
				btn.SetText("Test microphone")
				meter.SetLevel(math.Inf(-1))
				if err != nil && a.screenCtx.Err() == nil {
					a.showError("The microphone test stopped", err)
				}
				a.logf("ui: microphone test ended, peak %.1f dBFS", peak)
			})
		}()
	})
	if a.deps.Recorder == nil {
		btn.Disable()
	}
	return container.NewBorder(nil, nil, btn, nil, meter), btn
}

// toneTest plays a one-second tone on the chosen speaker.
func (a *App) toneTest() (fyne.CanvasObject, *widget.Button) {
	btn := widget.NewButton("Play test tone", func() {
		if a.deps.Player == nil {
			a.showError("Cannot play the test tone", practice.ErrNoSpeaker)
			return
		}
		a.play(a.screenCtx, "Cannot play the test tone", func() (pcm.Clip, error) { return practice.TestTone(), nil })
	})
	if a.deps.Player == nil {
		btn.Disable()
	}
	return container.NewHBox(btn), btn
}
