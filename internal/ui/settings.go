package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
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

	mkSelect := func(key string, list func() ([]string, error)) *widget.Select {
		sel := widget.NewSelect(nil, func(v string) {
			if v == systemDefault {
				v = ""
			}
			prefs.SetString(key, v)
		})
		fill := func() {
			names, err := list()
			if err != nil {
				status.SetText(Friendly(err))
			}
			sel.Options = append([]string{systemDefault}, names...)
			cur := prefs.String(key)
			if cur == "" {
				cur = systemDefault
			}
			found := false
			for _, n := range sel.Options {
				found = found || n == cur
			}
			if !found { // a remembered device that is unplugged now
				sel.Options = append(sel.Options, cur)
			}
			sel.SetSelected(cur)
		}
		fill()
		return sel
	}

	if a.deps.Devices == nil {
		status.SetText("Audio is unavailable.\n\n" + Friendly(a.deps.AudioErr))
	} else {
		in := mkSelect(PrefInputDevice, a.deps.Devices.Inputs)
		out := mkSelect(PrefOutputDevice, a.deps.Devices.Outputs)
		form.Append("Microphone", in)
		form.Append("Speaker", out)
		refresh := widget.NewButton("Refresh devices", func() {
			if err := a.deps.Devices.Refresh(); err != nil {
				a.showError("Cannot refresh the device list", err)
				return
			}
			a.ShowSettings()
		})
		form.Append("", refresh)
	}
	data := widget.NewLabel(a.deps.DataDir)
	data.Wrapping = fyne.TextWrapBreak
	form.Append("Data folder", data)
	if a.deps.Version != "" {
		form.Append("Version", widget.NewLabel("Fallback "+a.deps.Version))
	}

	a.show("Settings", container.NewBorder(header, nil, nil, nil, container.NewVScroll(container.NewVBox(form, status))), a.backHome)
}
