package scenario

import (
	"fmt"
	"io/fs"
)

// LoadLibrary loads what the app offers: the bundled scenarios (their audio
// must all be there) and the user's own folder userDir (may be "" for
// none). User scenarios load even with lines still missing audio — the rep
// records or imports them in the app; MissingAudio lists them. A user
// scenario whose id repeats a bundled one is an error and is left out.
// audio is the overlay of the user's folder on the bundled assets.
func LoadLibrary(bundled fs.FS, user fs.FS, userDir string, audio fs.FS) ([]Scenario, []error) {
	out, errs := Load(bundled, audio)
	if user == nil {
		return out, errs
	}
	ids := map[string]bool{}
	for _, s := range out {
		ids[s.ID] = true
	}
	mine, uerrs := load(user, nil, userDir)
	errs = append(errs, uerrs...)
	for _, s := range mine {
		if ids[s.ID] {
			errs = append(errs, Problems{{File: s.Source, Line: 0, Field: "id",
				Msg: fmt.Sprintf("scenario id %q is already used by a bundled scenario; choose another", s.ID)}})
			continue
		}
		out = append(out, s)
	}
	sortScenarios(out)
	return out, errs
}

// MissingAudio lists the audio paths of s that audio lacks.
func MissingAudio(s Scenario, audio fs.FS) []string {
	var missing []string
	for _, l := range s.Lines() {
		if fi, err := fs.Stat(audio, l.Audio); err != nil || !fi.Mode().IsRegular() {
			missing = append(missing, l.Audio)
		}
	}
	return missing
}

// LineRef names one customer line of a scenario for lists and labels.
type LineRef struct {
	Turn    int // 0-based
	TurnID  string
	Variant Variant
	Line    Line
}

// Lines lists every customer line of s in play order: each turn's line,
// then its softened, escalated and still-there variants.
func (s Scenario) Lines() []Line {
	var out []Line
	for _, r := range s.LineRefs() {
		out = append(out, r.Line)
	}
	return out
}

// LineRefs is Lines with where each line sits.
func (s Scenario) LineRefs() []LineRef {
	var out []LineRef
	for i := range s.Turns {
		t := &s.Turns[i]
		for _, v := range Variants {
			if l := t.Variant(v); l != nil {
				out = append(out, LineRef{Turn: i, TurnID: t.ID, Variant: v, Line: *l})
			}
		}
	}
	return out
}
