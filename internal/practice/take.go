package practice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"fallback/internal/pcm"
)

// A take is one recording of one answer. Every take gets a file name of its
// own (turn-2.wav, then turn-2-take-2.wav for a second try), so nothing
// already recorded is overwritten. Beside the recording, while it is not
// yet committed to the store, lies a small sidecar (turn-2.wav.json) that
// says which attempt and turn it belongs to: a crash mid-answer leaves the
// ".part" recording and its sidecar, and Recover attaches the rescued
// answer to its attempt at the next start.

// takeSuffix is the sidecar's suffix after the recording's name.
const takeSuffix = ".json"

// maxTakes bounds the search for a free take name; a turn retried this many
// times in one attempt means something else is wrong.
const maxTakes = 1000

// newTakePath is a recording path in dir for turn idx (0-based) that no
// recording, finished or interrupted, uses yet.
func newTakePath(dir string, idx int) (string, error) {
	for k := 1; k <= maxTakes; k++ {
		name := fmt.Sprintf("turn-%d.wav", idx+1)
		if k > 1 {
			name = fmt.Sprintf("turn-%d-take-%d.wav", idx+1, k)
		}
		p := filepath.Join(dir, name)
		free := true
		for _, q := range []string{p, p + pcm.PartSuffix} {
			_, err := os.Lstat(q)
			switch {
			case err == nil:
				free = false
			case !errors.Is(err, fs.ErrNotExist):
				return "", fmt.Errorf("choose a name for the recording in %s: %w", dir, err)
			}
		}
		if free {
			return p, nil
		}
	}
	return "", fmt.Errorf("choose a name for the recording in %s: %d takes of turn %d already", dir, maxTakes, idx+1)
}

// takeInfo is what a sidecar records about its take.
type takeInfo struct {
	AttemptID     string    `json:"attempt_id"`
	ScenarioID    string    `json:"scenario_id"`
	ScenarioTitle string    `json:"scenario_title"`
	StartedAt     time.Time `json:"started_at"`
	PlannedTurns  int       `json:"planned_turns"`
	Index         int       `json:"index"`
	LineID        string    `json:"line_id"`
	LineText      string    `json:"line_text"`
	Variant       string    `json:"variant"`
	// CueMS is the cue's position in the recording in milliseconds, -1
	// until the cue has been given.
	CueMS float64 `json:"cue_ms"`
}

// writeTakeInfo writes the sidecar of the recording at path atomically
// (a temporary file renamed over it), so a crash leaves the old or the new
// sidecar, never half of one.
func writeTakeInfo(path string, info takeInfo) error {
	b, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("write take info: %w", err)
	}
	tmp := path + takeSuffix + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("write take info: %w", err)
	}
	if err := os.Rename(tmp, path+takeSuffix); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write take info: %w", err)
	}
	return nil
}

// readTakeInfo reads the sidecar of the recording at path.
func readTakeInfo(path string) (takeInfo, error) {
	var info takeInfo
	b, err := os.ReadFile(path + takeSuffix)
	if err != nil {
		return info, fmt.Errorf("read take info: %w", err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("read take info %s: %w", path+takeSuffix, err)
	}
	return info, nil
}

// removeTakeInfo removes the sidecar once its take is committed. A sidecar
// that stays behind only makes Recover commit the same turn again, which
// the store treats as a replacement, so a failure here is harmless.
func removeTakeInfo(path string) { os.Remove(path + takeSuffix) }

// RelPath is path relative to the data folder when it lies inside it, as
// the store keeps recording paths; otherwise path itself.
func RelPath(dataDir, path string) string {
	if dataDir == "" {
		return path
	}
	rel, err := filepath.Rel(dataDir, path)
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		return path
	}
	return filepath.ToSlash(rel)
}

// RecordingFile is where a recording path from the store lies on disk:
// paths relative to the data folder are joined to it; absolute paths (from
// older versions) are used as they are.
func RecordingFile(dataDir, stored string) string {
	if stored == "" || filepath.IsAbs(stored) {
		return stored
	}
	return filepath.Join(dataDir, filepath.FromSlash(stored))
}

// DeleteRecordings removes the recordings folder of attempt id (after the
// attempt itself was deleted from the store). The id must be a UUID, so
// nothing outside dataDir/recordings can be named; a folder already gone is
// not an error.
func DeleteRecordings(dataDir, id string) error {
	u, err := uuid.Parse(id)
	if err != nil || u.String() != strings.ToLower(id) {
		return fmt.Errorf("delete recordings: %q is not an attempt id", id)
	}
	if err := os.RemoveAll(filepath.Join(dataDir, "recordings", u.String())); err != nil {
		return fmt.Errorf("delete recordings of attempt %s: %w", id, err)
	}
	return nil
}
