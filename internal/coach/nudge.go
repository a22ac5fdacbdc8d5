package coach

import (
	"slices"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

// Live nudges, the only texts a Nudger gives.
const (
	NudgeSlowDown = "Slow down a little"
	NudgeLouder   = "You're getting louder"
)

// Nudger gives at most one gentle live nudge per answer from the live
// analyser's statistics: "slow down" when the live pace runs
// Bands.NudgePacePct over the rep's calm live pace (Baseline.LivePaceSPS),
// "you're getting louder" when the rolling level rises Bands.NudgeLouderDB
// over the level of the answer's first seconds (and over the calm level,
// when calibrated). A condition must hold for Bands.NudgeSustain of speech;
// nothing is said in the first Bands.NudgeQuiet after the rep starts
// speaking, nor while they are not speaking, nor while the live window
// holds too little speech for its pace and level to mean anything.
//
// The live pace is compared only with the live pace of the calibration
// passage, never with the offline articulation rate: analysis.Live counts
// level peaks on a scale of its own. Over the files of both corpora,
// LivePace / ArticulationRate ran from 1.38 to 6.54 (median 1.93) with
// main's Live at cf33129, and from 0.85 to 1.46 with the analysis branch's
// reworked Live at 9a5c15b: either way a spread from voice to voice far
// wider than the 15 % margin, so against the offline rate calm answers
// would be told to slow down. Without a calm live pace there is no pace
// nudge.
//
// A Nudger serves one answer (Reset for the next; an Elapsed that goes
// back, as from a new analyser, resets it too); it is not safe for
// concurrent use. Push does not allocate, so it can run on every chunk of
// the recording goroutine.
type Nudger struct {
	b         Bands
	paceLimit float64 // live pace that counts as rushing; 0 = no pace nudge
	calmDBFS  float64 // calibrated level; 0 = not calibrated

	last     time.Duration // Elapsed of the previous Push
	started  bool          // speech has been seen
	onset    time.Duration // Elapsed of the first speaking Push
	refSet   bool
	refDBFS  float64       // level the "louder" nudge is measured from
	paceHeld time.Duration // speech time the pace condition has held
	loudHeld time.Duration // speech time the level condition has held
	done     bool          // the one nudge of this answer was given

	win speechWindow // speech time in the live analyser's window
}

// speechWindow is the speech time in the last 3 s of Elapsed, booked in
// buckets; it does not allocate.
type speechWindow struct {
	b       [winBuckets]time.Duration
	idx     int64 // bucket of the last add
	sum     time.Duration
	started bool
}

// The live analyser's window, mirrored to know how much speech its
// rolling pace and level rest on.
const (
	// winBuckets × winBucket is the 3 s window of analysis.Live.
	winBuckets = 30
	winBucket  = 100 * time.Millisecond
	// minWindowSpeech is the speech the window must hold before the live
	// pace is judged or the level reference is taken: two thirds of it.
	// With less, the pace divides a few nuclei by little speech time and
	// spikes after every pause, and the level of the first seconds is
	// dragged down by the breath or room noise the live detector took for
	// the onset. Measured by TestNudgeCorpusPace and TestNudgeCorpusLouder
	// (15 %, 3 dB, 1 s): with 1.5 s, 10 of 55 calm-or-slower TTS answers and
	// 10 of 42 real-voice ones were told to slow down; with 2 s, 1 of 55
	// and 2 of 42, while 12 of 22 answers ≥ 15 % faster were nudged; with
	// 2.5 s none of those was. Without this guard on the level reference,
	// 11 of 55 flat or falling files were told they were getting louder;
	// with it, none.
	minWindowSpeech = 2 * time.Second
)

// LivePace is the rep's calm live pace for Baseline.LivePaceSPS: the median
// of the live analyser's pace over the calibration passage c, taken as the
// Nudger takes it (while speaking, once the window holds enough speech).
// It is 0 when the passage never holds enough speech.
func LivePace(c pcm.Clip) float64 {
	if c.Rate <= 0 {
		return 0
	}
	live := analysis.NewLive(c.Rate)
	step := max(1, c.Rate/50) // 20 ms chunks, as a recorder delivers them
	var w speechWindow
	var last time.Duration
	paces := make([]float64, 0, len(c.Samples)/step+1)
	for i := 0; i < len(c.Samples); i += step {
		st := live.Push(c.Samples[i:min(i+step, len(c.Samples))])
		w.add(st.Elapsed, st.Elapsed-last, st.Speaking)
		last = st.Elapsed
		if st.Speaking && w.sum >= minWindowSpeech && st.PaceSPS > 0 {
			paces = append(paces, st.PaceSPS)
		}
	}
	if len(paces) == 0 {
		return 0
	}
	slices.Sort(paces)
	return paces[len(paces)/2]
}

// add books dt of audio ending at el, speech or not. A chunk is booked in
// the bucket it ends in; the window never holds more than its length.
func (w *speechWindow) add(el, dt time.Duration, speaking bool) {
	idx := int64(el / winBucket)
	switch {
	case !w.started:
		w.started, w.idx = true, idx
	case idx-w.idx >= winBuckets:
		w.b, w.sum, w.idx = [winBuckets]time.Duration{}, 0, idx
	}
	for w.idx < idx {
		w.idx++
		slot := w.idx % winBuckets
		w.sum -= w.b[slot]
		w.b[slot] = 0
	}
	if speaking {
		dt = max(0, min(dt, winBuckets*winBucket-w.sum))
		w.b[idx%winBuckets] += dt
		w.sum += dt
	}
}

// NewNudger returns a Nudger for one answer, judged with b against base.
func NewNudger(b Bands, base Baseline) *Nudger {
	b = b.filled()
	n := &Nudger{b: b}
	if base.Calibrated() {
		n.paceLimit = base.LivePaceSPS * (1 + b.NudgePacePct/100)
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
	n.win.add(st.Elapsed, dt, st.Speaking)
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
		if st.RollingDBFS <= analysis.MinDBFS || n.win.sum < minWindowSpeech {
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
	// The pace waits for a full window again after a long pause (it spikes
	// on little speech); the level does not: there that guard cost true
	// "louder" nudges on the corpora and saved no false one.
	if n.paceLimit > 0 && n.win.sum >= minWindowSpeech && st.PaceSPS >= n.paceLimit {
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
