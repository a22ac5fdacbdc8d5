package practice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fallback/internal/pcm"
	"fallback/internal/store"
)

// Privacy: "keep metrics only" (Config.MetricsOnly, RecoverOptions) and
// "delete all my practice data" (DeleteAllData). Recordings live under
// <data>/recordings only; the rep's own scenarios and customer lines live
// in <data>/scenarios and are never touched here.

// discard removes the recording of a committed turn under metrics only:
// the WAV first, then its sidecar, so a crash between the two leaves a
// sidecar without sound (which Recover drops), never a recording nobody
// will remove. The result keeps its figures and loses its sound.
func (r *Run) discard(res *TurnResult) {
	if res.RecordingPath == "" {
		return
	}
	if err := removeTake(res.RecordingPath); err != nil {
		r.cfg.Logf("practice: turn=%d: %v", res.Index+1, err)
	}
	res.RecordingPath = ""
	res.Clip = pcm.Clip{}
}

// removeTake removes a take's recording (and its .part, should one be
// left) and then its sidecar; a file already gone is not an error.
func removeTake(path string) error {
	var errs []error
	for _, p := range []string{path, path + pcm.PartSuffix, path + takeSuffix} {
		if err := removeFile(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("delete recording (metrics only): %w", err)
	}
	return nil
}

// removeFile removes one file or empty folder; a test replaces it to make
// a removal fail (as root, permissions cannot).
var removeFile = os.Remove

// ErrRecordingsLeft means some recordings could not be removed; the error
// names the first file that stayed.
var ErrRecordingsLeft = errors.New("some recordings could not be removed")

// RecordingsFolder is where the recordings of the data folder dataDir lie:
// every answer, calibration reading and rescued take, and nothing else.
func RecordingsFolder(dataDir string) string { return filepath.Join(dataDir, "recordings") }

// DeleteAllRecordings removes the recordings folder of dataDir with
// everything in it and returns how many recordings (WAV files, finished or
// interrupted) it removed. It goes on past a file it cannot remove and
// then returns ErrRecordingsLeft naming the first such file and how many
// stayed. Symbolic links are removed, never followed. A folder that does
// not exist is not an error.
func DeleteAllRecordings(dataDir string) (int, error) {
	root := RecordingsFolder(dataDir)
	var files, dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil && p == root && errors.Is(err, fs.ErrNotExist):
			return fs.SkipAll
		case err != nil:
			return err
		case d.IsDir():
			dirs = append(dirs, p)
		default:
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("delete recordings: %w: %w", ErrRecordingsLeft, err)
	}
	removed, left := 0, 0
	var first error
	for _, p := range files {
		if err := removeFile(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			left++
			if first == nil {
				first = err
			}
			continue
		}
		if isRecording(p) {
			removed++
		}
	}
	// Deepest first, so each folder is empty when its turn comes; a
	// folder that keeps a file that stayed is not an error of its own.
	slices.Reverse(dirs)
	for _, d := range dirs {
		if err := removeFile(d); err != nil && !errors.Is(err, fs.ErrNotExist) && left == 0 {
			left++
			first = err
		}
	}
	if left > 0 {
		return removed, fmt.Errorf("delete recordings: %w (%d stayed; first: %w)", ErrRecordingsLeft, left, first)
	}
	return removed, nil
}

// isRecording reports whether p is a recording (finished or interrupted),
// not a sidecar.
func isRecording(p string) bool {
	return strings.HasSuffix(p, ".wav") || strings.HasSuffix(p, ".wav"+pcm.PartSuffix)
}

// ErrNothingDeleted means DeleteAllData stopped before deleting anything:
// the store refused (its error is wrapped too).
var ErrNothingDeleted = errors.New("nothing was deleted")

// Purger is the store's part of deleting all practice data
// (store.DB.DeleteAll).
type Purger interface {
	DeleteAll(ctx context.Context) error
}

// DeleteAllData deletes all practice data of the data folder dataDir:
// every attempt, turn and baseline in the store st (one transaction), then
// every recording. The rep's own scenarios and lines (<data>/scenarios)
// and anything else in the folder stay. It returns how many recordings
// were removed.
//
// The store goes first: when it refuses, nothing at all is deleted
// (ErrNothingDeleted). When
// recordings then stay (ErrRecordingsLeft, naming the first), the history
// is already empty and the error says which file is left; calling
// DeleteAllData again removes the rest.
func DeleteAllData(ctx context.Context, dataDir string, st Purger) (int, error) {
	if st == nil {
		return 0, fmt.Errorf("delete all practice data: %w", ErrNotSaved)
	}
	err := st.DeleteAll(ctx)
	if err != nil && !errors.Is(err, store.ErrNotCompacted) {
		return 0, fmt.Errorf("%w: %w", ErrNothingDeleted, err)
	}
	n, rerr := DeleteAllRecordings(dataDir)
	return n, errors.Join(err, rerr)
}

// Forgetter is the store's part of "delete the recordings already kept"
// (store.DB.ForgetRecordings).
type Forgetter interface {
	ForgetRecordings(ctx context.Context) (int, error)
}

// DeleteKeptRecordings is what turning "keep metrics only" on offers: the
// store forgets every recording path (the figures stay), and then every
// recording under dataDir is removed. It returns how many recordings were
// removed. When the store refuses, nothing is removed, so no stored path
// ever names a file that is gone. Everything under the recordings folder
// goes, a take still waiting to be rescued included: Recover runs at
// start, before Settings can offer this, so such a take is one Recover
// could not attach.
func DeleteKeptRecordings(ctx context.Context, dataDir string, st Forgetter) (int, error) {
	if st != nil {
		if _, err := st.ForgetRecordings(ctx); err != nil {
			return 0, err
		}
	}
	return DeleteAllRecordings(dataDir)
}

// DeleteCalibration removes a calibration reading at path once it has
// been measured, under "keep metrics only"; a file already gone is not an
// error.
func DeleteCalibration(path string) error { return removeTake(path) }
