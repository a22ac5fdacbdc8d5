package coach

import (
	"time"

	"fallback/internal/analysis"
)

// Live nudges, the only texts a Nudger gives.
const (
	NudgeSlowDown = "Slow down a little"
	NudgeLouder   = "You're getting louder"
)

// Nudger gives at most one gentle live nudge per answer from the live
// analyser's statistics: "slow down" when the live pace runs
// Bands.NudgePacePct over the rep's calm articulation rate, "you're getting
// louder" when the rolling level rises Bands.NudgeLouderDB over the level
// of the answer's first seconds (and over the calm level, when calibrated).
// A condition must hold for Bands.NudgeSustain of speech; nothing is said in
// the first Bands.NudgeQuiet after the rep starts speaking, nor while they
// are not speaking. Without a calibrated pace there is no pace nudge: the
// live pace has no target of the rep's own to be compared with.
//
// A Nudger serves one answer (Reset for the next; an Elapsed that goes
// back, as from a new analyser, resets it too); it is not safe for
// concurrent use. Push does not allocate, so it can run on every chunk of
// the recording goroutine.
type Nudger struct {
	b         Bands
	paceLimit float64 // live syllables/s that count as rushing; 0 = no pace nudge
	calmDBFS  float64 // calibrated level; 0 = not calibrated

	last     time.Duration // Elapsed of the previous Push
	started  bool          // speech has been seen
	onset    time.Duration // Elapsed of the first speaking Push
	refSet   bool
	refDBFS  float64       // level the "louder" nudge is measured from
	paceHeld time.Duration // speech time the pace condition has held
	loudHeld time.Duration // speech time the level condition has held
	done     bool          // the one nudge of this answer was given
}

// NewNudger returns a Nudger for one answer, judged with b against base.
func NewNudger(b Bands, base Baseline) *Nudger {
	b = b.filled()
	n := &Nudger{b: b}
	if base.Calibrated() {
		calm := base.ArticulationRate
		if calm <= 0 {
			calm = base.SpeechRate
		}
		n.paceLimit = calm * (1 + b.NudgePacePct/100)
		if base.MeanDBFS < 0 {
			n.calmDBFS = base.MeanDBFS
		}
	}
	return n
}

// Reset readies the Nudger for the next answer with the same bands and
// baseline.
func (n *Nudger) Reset() {
	*n = Nudger{b: n.b, paceLimit: n.paceLimit, calmDBFS: n.calmDBFS}
}

// Push takes the live statistics after each chunk and returns the nudge to
// show, with ok true, at most once per answer. The level nudge wins when
// both conditions are met on the same chunk: a rising voice is the
// plainer sign of anger.
func (n *Nudger) Push(st analysis.LiveStats) (text string, ok bool) {
	if st.Elapsed < n.last {
		// The live analyser's clock went back: a new stream, so a new
		// answer pushed without Reset.
		n.Reset()
	}
	dt := st.Elapsed - n.last
	n.last = st.Elapsed
	if n.done || !st.Speaking {
		return "", false
	}
	if !n.started {
		n.started, n.onset = true, st.Elapsed
	}
	if st.Elapsed-n.onset < n.b.NudgeQuiet {
		return "", false
	}
	if !n.refSet {
		// The rolling level now covers the answer's first seconds. The
		// reference is the higher of it and the calm level: either alone
		// would nudge a rep who began quietly and came up to a normal
		// level, or one whose microphone now sits closer than at
		// calibration.
		if st.RollingDBFS <= analysis.MinDBFS {
			return "", false
		}
		n.refSet, n.refDBFS = true, st.RollingDBFS
		if n.calmDBFS != 0 && n.calmDBFS > n.refDBFS {
			n.refDBFS = n.calmDBFS
		}
		return "", false
	}
	if st.RollingDBFS-n.refDBFS >= n.b.NudgeLouderDB {
		n.loudHeld += dt
	} else {
		n.loudHeld = 0
	}
	if n.paceLimit > 0 && st.PaceSPS >= n.paceLimit {
		n.paceHeld += dt
	} else {
		n.paceHeld = 0
	}
	switch {
	case n.loudHeld >= n.b.NudgeSustain:
		n.done = true
		return NudgeLouder, true
	case n.paceHeld >= n.b.NudgeSustain:
		n.done = true
		return NudgeSlowDown, true
	}
	return "", false
}
