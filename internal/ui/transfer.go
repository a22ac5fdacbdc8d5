package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"fallback/internal/store"
)

// Export… and Import… from Settings: a file dialog picks the file, the
// store's Export and Import do the work off the UI goroutine under a
// progress dialog (with Cancel), and the result is said in plain words.

// PrefTransferFolder is the folder the last export or import used; the
// next file dialog opens there.
const PrefTransferFolder = "data.transfer_folder"

// transferLocation is where the file dialogs open: the last folder used,
// when it is still there (nil: the dialog's own default).
func transferLocation() fyne.ListableURI {
	dir := fyne.CurrentApp().Preferences().String(PrefTransferFolder)
	if dir == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		return nil
	}
	return l
}

// rememberFolder keeps the folder of u for the next file dialog.
func rememberFolder(u fyne.URI) {
	if u == nil || u.Scheme() != "file" {
		return
	}
	if p, err := storage.Parent(u); err == nil {
		fyne.CurrentApp().Preferences().SetString(PrefTransferFolder, p.Path())
	}
}

// exportTo asks where to save an export in format (store.FormatCSV or
// store.FormatJSON) and writes it there.
func (a *App) exportTo(format string) {
	if a.deps.Export == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.showError("Cannot export", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		rememberFolder(w.URI())
		a.export(w, format)
	}, a.win)
	d.SetFileName("fallback-" + time.Now().Format("2006-01-02") + "." + format)
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	if l := transferLocation(); l != nil {
		d.SetLocation(l)
	}
	d.SetConfirmText("Export")
	a.track(d)
	d.Resize(a.dialogSize())
}

// dialogSize is a file dialog's size: most of the window, so the folder
// list has room even in an 800 × 600 window.
func (a *App) dialogSize() fyne.Size {
	s := a.win.Canvas().Size()
	return fyne.NewSize(s.Width*0.9, s.Height*0.9)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// export writes the history to w (which it closes) off the UI goroutine.
// A failed or cancelled export removes the file, so no half of one is left
// under the name the rep chose.
func (a *App) export(w fyne.URIWriteCloser, format string) {
	export, version := a.deps.Export, a.deps.Version
	where := w.URI().Path()
	a.runCancellable("Exporting your practice…", true, func(ctx context.Context) (string, error) {
		cw := &countingWriter{w: w}
		bw := bufio.NewWriter(cw)
		err := export(ctx, bw, store.ExportOptions{Format: format, AppVersion: version})
		if err == nil {
			err = bw.Flush()
		}
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close %s: %w", where, cerr)
		}
		if err != nil {
			if derr := storage.Delete(w.URI()); derr != nil {
				err = fmt.Errorf("%w (and the unfinished file could not be removed: %w)", err, derr)
			}
			return "", err
		}
		return fmt.Sprintf("Your practice is exported as %s (%s) to\n%s", strings.ToUpper(format), sizeText(cw.n), where), nil
	}, func(msg string, err error, cancelled bool) {
		switch {
		case cancelled:
			a.inform("Export cancelled", "Nothing was exported; the unfinished file was removed.")
			a.logf("ui: export cancelled")
		case err != nil:
			a.showError("The export did not finish", err)
			a.logf("ui: export failed: %v", err)
		default:
			a.inform("Exported", msg)
			a.logf("ui: exported %s to %s", format, where)
		}
	})
}

// sizeText is a byte count for people.
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return plural(int(n), "byte")
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1000/1000)
}

// importFrom asks for an export file (JSON) and merges it into the
// history.
func (a *App) importFrom() {
	if a.deps.Import == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError("Cannot import", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		rememberFolder(r.URI())
		a.importFile(r)
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	if l := transferLocation(); l != nil {
		d.SetLocation(l)
	}
	d.SetConfirmText("Import")
	a.track(d)
	d.Resize(a.dialogSize())
}

// importFile merges the export r (which it closes) off the UI goroutine
// and says what came in. The store imports in one transaction, so a
// refused, failed or cancelled import changes nothing.
func (a *App) importFile(r fyne.URIReadCloser) {
	imp := a.deps.Import
	name := r.URI().Name()
	a.runCancellable("Importing "+name+"…", true, func(ctx context.Context) (string, error) {
		defer r.Close()
		res, err := imp(ctx, bufio.NewReader(r))
		if err != nil {
			return "", err
		}
		return importSummary(res), nil
	}, func(msg string, err error, cancelled bool) {
		switch {
		case cancelled:
			a.inform("Import cancelled", "Nothing was imported.")
			a.logf("ui: import cancelled")
		case errors.Is(err, store.ErrImport):
			a.inform("This file cannot be imported", importProblem(name, err))
			a.logf("ui: import refused: %v", err)
		case err != nil:
			a.showError("The import did not finish (nothing was imported)", err)
			a.logf("ui: import failed: %v", err)
		default:
			a.inform("Imported "+name, msg)
			a.logf("ui: imported %s", name)
		}
	})
}

// importSummary says what an import merged: "Imported 12 attempts, 3
// already here."
func importSummary(r store.ImportResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Imported %s, %d already here.", plural(r.AttemptsAdded, "attempt"), r.AttemptsPresent)
	if r.AttemptsUpdated > 0 {
		fmt.Fprintf(&b, " %s here gained turns or were finished.", plural(r.AttemptsUpdated, "attempt"))
	}
	fmt.Fprintf(&b, "\nTurns: %d new, %d already here. Calibrations: %d new, %d already here.",
		r.TurnsAdded, r.TurnsPresent, r.BaselinesAdded, r.BaselinesPresent)
	if !r.Changed() {
		b.WriteString("\n\nNothing new: this practice was all here already.")
	}
	return b.String()
}

// importProblem is a refused import in plain words: where in the file and
// what is wrong there.
func importProblem(name string, err error) string {
	var ie *store.ImportError
	if !errors.As(err, &ie) {
		return fmt.Sprintf("%s was not imported and nothing was changed.\n\nDetail: %v", name, err)
	}
	where := fmt.Sprintf("line %d", ie.Line)
	if f := fieldWords(ie.Field); f != "" {
		where += " (" + f + ")"
	}
	return fmt.Sprintf("%s was not imported and nothing was changed. It should be a JSON export from Fallback (Export JSON…).\n\n"+
		"The problem is on %s: %s.", name, where, ie.Reason)
}

// fieldWords says an import field path in words:
// "attempts[3].turns[2].latency_ms" is "attempt 4, turn 3, field latency_ms".
func fieldWords(path string) string {
	if path == "" {
		return ""
	}
	names := map[string]string{"attempts": "attempt", "turns": "turn", "pauses": "pause", "baselines": "baseline", "self_checks": "self-check"}
	var out []string
	for _, part := range strings.Split(path, ".") {
		name, idx, ok := strings.Cut(part, "[")
		if !ok {
			out = append(out, "field "+part)
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
		if err != nil {
			out = append(out, "field "+part)
			continue
		}
		if s, ok := names[name]; ok {
			name = s
		}
		out = append(out, fmt.Sprintf("%s %d", name, n+1))
	}
	return strings.Join(out, ", ")
}
