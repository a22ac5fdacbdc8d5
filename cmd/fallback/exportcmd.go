package main

// The export and import commands. They open the database only: no window,
// no audio, so they work over ssh and in scripts.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fallback/internal/store"
)

// Usage lines of the two commands.
const (
	exportUsage = "usage: fallback export --format csv|json [--out FILE] [--since YYYY-MM-DD] [--with-audio DIR] [--data DIR]"
	importUsage = "usage: fallback import FILE [--with-audio DIR] [--data DIR]"
)

// databasePath is the history file in the data folder, the one run opens.
func databasePath(dataDir string) string { return filepath.Join(dataDir, "fallback.db") }

// parseArgs parses flags that may come before or after the positional
// arguments ("import FILE --data DIR" as well as "import --data DIR FILE"),
// which flag.Parse alone stops at, and returns the positional ones.
func parseArgs(fl *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, err
		}
		rest := fl.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			// "--" ends the flags: the rest is positional even if it
			// starts with "-".
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// exportCmd implements "fallback export": it writes the practice history
// as CSV or JSON to --out or stdout. Exit status 0 on success, 1 when the
// export fails, 2 for a usage error.
func exportCmd(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("fallback export", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprintln(stderr, exportUsage); fl.PrintDefaults() }
	format := fl.String("format", "", "csv (one row per turn, for a spreadsheet) or json (whole attempts, for fallback import)")
	out := fl.String("out", "", "file to write (default: standard output)")
	sinceFlag := fl.String("since", "", "only attempts started on or after this local date, YYYY-MM-DD")
	dataFlag := fl.String("data", "", "data folder (default: $FALLBACK_DATA or the user's app-data folder)")
	audioFlag := fl.String("with-audio", "", "also copy the recordings into this folder, named by the turns' IDs (the export names them)")
	pos, err := parseArgs(fl, args)
	if err != nil {
		return 2
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "fallback export: unexpected argument %q\n%s\n", pos[0], exportUsage)
		return 2
	}
	if *format != store.FormatCSV && *format != store.FormatJSON {
		fmt.Fprintf(stderr, "fallback export: --format must be csv or json\n%s\n", exportUsage)
		return 2
	}
	var since time.Time
	if *sinceFlag != "" {
		if since, err = time.ParseInLocation("2006-01-02", *sinceFlag, time.Local); err != nil {
			fmt.Fprintf(stderr, "fallback export: --since %q is not a date YYYY-MM-DD\n%s\n", *sinceFlag, exportUsage)
			return 2
		}
	}

	dataDir, err := dataFolder(*dataFlag)
	if err != nil {
		fmt.Fprintf(stderr, "fallback export: data folder: %v\n", err)
		return 1
	}
	dbPath := databasePath(dataDir)
	// Open would create an empty database; an export of a folder with no
	// history is a mistake worth saying.
	if _, err := os.Stat(dbPath); err != nil {
		fmt.Fprintf(stderr, "fallback export: no practice history in %s: %v\n", dataDir, err)
		return 1
	}
	db, err := store.Open(dbPath)
	if err != nil {
		fmt.Fprintf(stderr, "fallback export: %v\n", err)
		return 1
	}
	defer db.Close()

	opt := store.ExportOptions{Format: *format, Since: since, AppVersion: version}
	var audio *audioExport
	if *audioFlag != "" {
		dir, err := filepath.Abs(*audioFlag)
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			fmt.Fprintf(stderr, "fallback export: audio folder: %v\n", err)
			return 1
		}
		audio = &audioExport{dataDir: dataDir, dir: dir}
		opt.Recording = audio.recording
	}
	defer func() {
		if audio != nil && audio.missing > 0 {
			fmt.Fprintf(stderr, "fallback export: %d turns have no recording on disk (the first: %s); they are exported without one\n",
				audio.missing, audio.first)
		}
	}()
	if *out == "" {
		w := bufio.NewWriter(stdout)
		if err := db.Export(context.Background(), w, opt); err != nil {
			fmt.Fprintf(stderr, "fallback export: %v\n", err)
			return 1
		}
		if err := w.Flush(); err != nil {
			fmt.Fprintf(stderr, "fallback export: write: %v\n", err)
			return 1
		}
		return 0
	}
	if err := exportToFile(db, *out, opt); err != nil {
		fmt.Fprintf(stderr, "fallback export: %s: %v\n", *out, err)
		return 1
	}
	return 0
}

// exportToFile writes the export to a temporary file beside path and
// renames it over path once it is complete and synced, so that a failed
// export (a full disk) never leaves half a file under the name asked for.
func exportToFile(db *store.DB, path string, opt store.ExportOptions) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := db.Export(context.Background(), w, opt); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	// CreateTemp makes the file 0600; an export is for sharing.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// importCmd implements "fallback import FILE": it merges a JSON export into
// the data folder's history and says what was merged. Exit status 0 on
// success, 1 when the file is refused or the import fails, 2 for a usage
// error.
func importCmd(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("fallback import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprintln(stderr, importUsage); fl.PrintDefaults() }
	dataFlag := fl.String("data", "", "data folder (default: $FALLBACK_DATA or the user's app-data folder)")
	audioFlag := fl.String("with-audio", "", "copy the recordings of the added turns from this folder (an export's --with-audio folder)")
	pos, err := parseArgs(fl, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, importUsage)
		return 2
	}
	file := pos[0]

	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "fallback import: %v\n", err)
		return 1
	}
	defer f.Close()
	dataDir, err := dataFolder(*dataFlag)
	if err == nil {
		err = os.MkdirAll(dataDir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(stderr, "fallback import: data folder: %v\n", err)
		return 1
	}
	db, err := store.Open(databasePath(dataDir))
	if err != nil {
		fmt.Fprintf(stderr, "fallback import: %v\n", err)
		return 1
	}
	defer db.Close()

	var (
		audio *audioImport
		opt   store.ImportOptions
	)
	if *audioFlag != "" {
		dir, err := filepath.Abs(*audioFlag)
		if err == nil {
			_, err = os.ReadDir(dir)
		}
		if err != nil {
			fmt.Fprintf(stderr, "fallback import: audio folder: %v\n", err)
			return 1
		}
		audio = &audioImport{dir: dir, dataDir: dataDir}
		opt.Recording = audio.recording
	}
	res, err := db.ImportWith(context.Background(), bufio.NewReader(f), opt)
	if err != nil && audio != nil {
		audio.discard()
	}
	if err != nil {
		// "import: line 14: attempts[0]…: not a number" (ErrImport) or
		// "import: attempts[0].turns[1].recording_path: recording … is
		// not in DIR" → name the file instead.
		fmt.Fprintf(stderr, "fallback import: %s: %s (nothing was imported)\n", file, strings.TrimPrefix(err.Error(), "import: "))
		return 1
	}
	copied := 0
	if audio != nil {
		copied = len(audio.pending)
		if err := audio.commit(); err != nil {
			fmt.Fprintf(stderr, "fallback import: %s: the history was imported, but recordings could not be put in place: %v\n", file, err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "imported %s into %s\n", file, dataDir)
	fmt.Fprintf(stdout, "attempts: %d added, %d updated (gained turns or a finish time), %d already here\n", res.AttemptsAdded, res.AttemptsUpdated, res.AttemptsPresent)
	fmt.Fprintf(stdout, "turns: %d added, %d already here\n", res.TurnsAdded, res.TurnsPresent)
	fmt.Fprintf(stdout, "baselines: %d added, %d already here\n", res.BaselinesAdded, res.BaselinesPresent)
	if audio != nil {
		fmt.Fprintf(stdout, "recordings: %d copied\n", copied)
	}
	return 0
}
