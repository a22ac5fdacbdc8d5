package practice

import (
	"fmt"
	"path/filepath"

	"fallback/internal/pcm"
)

// Recovered is a recording rescued from an interrupted session.
type Recovered struct {
	Path     string // the repaired WAV
	Duration float64
}

// RecoverParts repairs every recording left as a ".part" file under
// dataDir/recordings (the app stopped mid-answer: crash, power cut, killed)
// so what was said is kept as a playable WAV beside the others. Files that
// cannot be repaired are reported and left in place; nothing is deleted.
func RecoverParts(dataDir string) ([]Recovered, []error) {
	pattern := filepath.Join(dataDir, "recordings", "*", "*"+pcm.PartSuffix)
	parts, err := filepath.Glob(pattern)
	if err != nil {
		return nil, []error{fmt.Errorf("look for interrupted recordings: %w", err)}
	}
	var out []Recovered
	var errs []error
	for _, p := range parts {
		clip, err := pcm.RepairPart(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, Recovered{Path: p[:len(p)-len(pcm.PartSuffix)], Duration: clip.Seconds()})
	}
	return out, errs
}
