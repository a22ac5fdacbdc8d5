package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Keys act the same whatever has focus.
//
// Fyne hands a typed key to the focused widget and calls the canvas's
// OnTypedKey only when nothing is focused; a check box, a select and a list
// take the focus when they are clicked. A rep who ticks "Show the method
// step" and then presses Space must still end the answer, not toggle the
// box. So every focusable widget the screens use is one of the types below:
// they pass the screen's keys (Space, Escape, Enter, letters) on to the
// current screen's handler, keep only the navigation keys that are theirs,
// and swallow the Space rune so that Space never toggles or opens them.
// Clicking still works as usual.

// KeyCheck is a check box that leaves every key to the screen. Make it
// with App.newCheck.
type KeyCheck struct {
	widget.Check
	app *App
}

// newCheck makes a check box whose keys go to the current screen.
func (a *App) newCheck(label string, changed func(bool)) *KeyCheck {
	c := &KeyCheck{app: a}
	c.Text = label
	c.OnChanged = changed
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey passes every key to the screen: a check box has none of its own
// (it toggles on the Space rune, which TypedRune swallows).
func (c *KeyCheck) TypedKey(ev *fyne.KeyEvent) { c.app.typedKey(ev) }

// TypedRune swallows text input, so Space does not toggle the box.
func (c *KeyCheck) TypedRune(rune) {}

// KeySelect is a drop-down that keeps the arrow keys and leaves the rest to
// the screen. Make it with App.newSelect.
type KeySelect struct {
	widget.Select
	app *App
}

// newSelect makes a drop-down whose non-arrow keys go to the current screen.
func (a *App) newSelect(options []string, changed func(string)) *KeySelect {
	s := &KeySelect{app: a}
	s.Options = options
	s.OnChanged = changed
	s.PlaceHolder = "(Select one)"
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey keeps Up, Down, Left and Right (open the list, step through
// options) and passes the other keys to the screen.
func (s *KeySelect) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyLeft, fyne.KeyRight:
		s.Select.TypedKey(ev)
	default:
		s.app.typedKey(ev)
	}
}

// TypedRune swallows text input (a select has none).
func (s *KeySelect) TypedRune(rune) {}

// KeyList is a list whose keys are all the screen's: the screens move the
// selection with Up and Down themselves (listKey), focused or not. Make it
// with App.newList.
type KeyList struct {
	widget.List
	app *App
}

// newList makes a list whose keys go to the current screen.
func (a *App) newList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *KeyList {
	l := &KeyList{app: a}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey passes every key to the screen.
func (l *KeyList) TypedKey(ev *fyne.KeyEvent) { l.app.typedKey(ev) }

// TypedRune swallows text input, so Space does not select an item.
func (l *KeyList) TypedRune(rune) {}

// typedKey gives ev to the current screen's key handler. It is where the
// canvas's OnTypedKey and every focusable widget above send their keys.
// While a dialog is open the keys are its own: Escape, Enter and Space
// close it (a confirmation is cancelled), and nothing reaches the screen
// under it.
func (a *App) typedKey(ev *fyne.KeyEvent) {
	a.dialogsMu.Lock()
	var top dialog.Dialog
	if n := len(a.dialogs); n > 0 {
		top = a.dialogs[n-1]
	}
	a.dialogsMu.Unlock()
	if top != nil {
		switch ev.Name {
		case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
			top.Hide() // its OnClosed takes it off the stack
		}
		return
	}
	if a.onKey != nil {
		a.onKey(ev)
	}
}
