package practice

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/store"
)

// Recovered is a recording rescued from an interrupted session.
type Recovered struct {
	Path     string // the repaired WAV
	Duration float64
	// AttemptID and Index (0-based) say which turn the recording answered,
	// when its sidecar said so; Attached reports that the measured answer
	// is now in the store as that turn (marked as recovered).
	AttemptID string
	Index     int
	Attached  bool
	// Deleted reports that the recording was removed once attached
	// (RecoverOptions.MetricsOnly): Path names a file that is gone.
	Deleted bool
}

// Recover rescues what an interrupted session (crash, power cut, kill)
// left under dataDir/recordings: every ".part" recording is repaired into
// a playable WAV, and every take whose sidecar shows it was never committed
// is measured and committed to st as its turn — the attempt row is
// written if the crash came before the first turn was saved — so the
// interrupted answer reaches the history too. With st nil recordings are
// only repaired. Files that cannot be repaired are reported and left in
// place; nothing is deleted except the sidecars of attached takes.
func Recover(ctx context.Context, dataDir string, st Store) ([]Recovered, []error) {
	return RecoverWith(ctx, dataDir, st, RecoverOptions{})
}

// RecoverOptions say how Recover treats what it rescues.
type RecoverOptions struct {
	// MetricsOnly deletes an attached take's recording once its figures
	// are committed, as a run does under Config.MetricsOnly; its stored
	// path is empty. Takes that are only repaired (no store, no sidecar)
	// stay, since their figures are nowhere yet.
	MetricsOnly bool
}

// RecoverWith is Recover with options.
func RecoverWith(ctx context.Context, dataDir string, st Store, opt RecoverOptions) ([]Recovered, []error) {
	root := filepath.Join(dataDir, "recordings")
	var out []Recovered
	var errs []error
	parts, err := filepath.Glob(filepath.Join(root, "*", "*"+pcm.PartSuffix))
	if err != nil {
		return nil, []error{fmt.Errorf("look for interrupted recordings: %w", err)}
	}
	repaired := map[string]pcm.Clip{} // by WAV path
	at := map[string]int{}            // index in out, by WAV path
	for _, p := range parts {
		clip, err := pcm.RepairPart(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		wav := strings.TrimSuffix(p, pcm.PartSuffix)
		repaired[wav] = clip
		at[wav] = len(out)
		out = append(out, Recovered{Path: wav, Duration: clip.Seconds(), Index: -1})
	}
	sidecars, err := filepath.Glob(filepath.Join(root, "*", "*.wav"+takeSuffix))
	if err != nil {
		return out, append(errs, fmt.Errorf("look for interrupted recordings: %w", err))
	}
	for _, sc := range sidecars {
		wav := strings.TrimSuffix(sc, takeSuffix)
		clip, wasPart := repaired[wav]
		if !wasPart {
			c, err := pcm.ReadFile(wav)
			if errors.Is(err, fs.ErrNotExist) {
				// The take never got a sound: the crash came before the
				// microphone opened. Nothing to rescue.
				os.Remove(sc)
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("rescue %s: %w", wav, err))
				continue
			}
			clip = c
		}
		rec, err := attach(ctx, dataDir, st, wav, clip, opt)
		if err != nil {
			errs = append(errs, err)
		}
		switch i, ok := at[wav]; {
		case ok:
			out[i] = rec
		case rec.Attached || err != nil:
			// A finished take that crashed before its commit: rescued
			// now (or reported); with no store there is nothing to do.
			out = append(out, rec)
		}
	}
	return out, errs
}

// attach measures the rescued take at wav and commits it as the turn its
// sidecar names.
func attach(ctx context.Context, dataDir string, st Store, wav string, clip pcm.Clip, opt RecoverOptions) (Recovered, error) {
	rec := Recovered{Path: wav, Duration: clip.Seconds(), Index: -1}
	info, err := readTakeInfo(wav)
	if err != nil {
		return rec, fmt.Errorf("rescue %s: %w", wav, err)
	}
	rec.AttemptID, rec.Index = info.AttemptID, info.Index
	if st == nil {
		return rec, nil
	}
	cue := time.Duration(0)
	if info.CueMS >= 0 {
		cue = time.Duration(info.CueMS * float64(time.Millisecond))
	}
	rep, err := analysis.Analyze(clip, analysis.Options{Cue: cue})
	if err != nil {
		return rec, fmt.Errorf("rescue %s: analyse: %w", wav, err)
	}
	path := RelPath(dataDir, wav)
	if opt.MetricsOnly {
		path = ""
	}
	t := store.Turn{
		Index: info.Index, LineID: info.LineID, LineText: info.LineText, Variant: info.Variant,
		Cue: cue, RecordingPath: path, Report: rep, Recovered: true,
		Customer: store.UnknownCustomer(), ClipShare: rep.ClipShare, NoiseFloorDBFS: rep.NoiseFloorDBFS,
	}
	a := store.Attempt{
		ID: info.AttemptID, ScenarioID: info.ScenarioID, ScenarioTitle: info.ScenarioTitle,
		StartedAt: info.StartedAt, PlannedTurns: info.PlannedTurns, Turns: []store.Turn{t},
	}
	err = st.BeginAttempt(ctx, &a)
	if errors.Is(err, store.ErrExists) {
		err = st.SaveTurn(ctx, info.AttemptID, &t)
	}
	if err != nil {
		return rec, fmt.Errorf("rescue %s: %w", wav, err)
	}
	rec.Attached = true
	if opt.MetricsOnly {
		if err := removeTake(wav); err != nil {
			return rec, fmt.Errorf("rescue %s: %w", wav, err)
		}
		rec.Deleted = true
		return rec, nil
	}
	removeTakeInfo(wav)
	return rec, nil
}
