package analysis

import (
	"math"
	"slices"
)

// Reverberant tails. In a room a word does not stop where the talker
// stops: the room goes on sounding, its energy falling exponentially, a
// straight line in dB at a rate D that is a property of the room
// (D = 60 dB / RT60), the same after every word. The talker's silence
// starts where the direct sound ends; the tail after it is the room's, not
// speech (the realcorpus defines its reverberant truth so), and in a hall
// it fills a 0.3 s pause and lengthens the offset by its 0.2-0.4 s.
//
// The rate is estimated from the clip itself, as blind reverberation-time
// estimators do from the free decays of speech (Ratnam et al. 2003, JASA
// 114:2877; Löllmann et al. 2010, IWAENC): at every end of sound, the
// time the envelope, less the room's noise, takes to fall over the last
// decaySpanDB before it sinks into the noise gives a decay rate. A dry
// recording's ends fall at the rate of the articulators (20 dB in
// 10-30 ms); in a reverberant room every end that stands well out of the
// noise trails into it at about the room's rate, and their median is
// taken for it. The room is one for the whole clip, so the test is
// conservative: a single end that falls over decaySpanDB faster than
// lateDecay (into the noise within earlySec) leaves the clip dry and every
// end alone. In a reverberant room each end's tail
// is taken off at its knee: walking back from the end of the sound, the
// latest point where the envelope has just fallen faster than the room
// can make it fall (the talker's release, the direct sound stopping) into
// a level it never rises above again (a tail holds no new direct sound).
// The pitch track keeps the tail (it carries the talker's last F0).
const (
	// decayLoDB, decaySpanDB, decayStartDB: an end's decay is timed over
	// 15 dB, from 20 dB to 5 dB above the room's noise, and only where the
	// steady level before it stands 5 dB above the top of that range. As
	// ISO 3382-1 times a room's decay over 15-20 dB starting 5 dB below
	// the steady level, with the bottom clear of the noise (5 dB above the
	// noise's median is many standard deviations of a 10 ms frame even of
	// a narrow-band noise); a syllable that barely stands out of a fan is
	// not timed as a decay.
	decayStartDB = 5.0
	decaySpanDB  = 15.0
	decayLoDB    = 5.0
	// earlySec: reflections within 50 ms of the direct sound fuse with it
	// (the early/late limit of the clarity index C50, ISO 3382-1; Lebart
	// et al. 2001, Acta Acustica 87:359, take late reverberation from
	// 50 ms on), so a tail shorter than that is not cut. lateDecay is the
	// rate that takes exactly earlySec over decaySpanDB: 300 dB/s
	// (RT60 0.2 s, a dead booth); a room that decays faster leaves no
	// tail an energy detector would take for speech.
	earlySec  = 0.050
	lateDecay = decaySpanDB / earlySec
	// kneeSec, kneeTolDB: at the talker's release the envelope falls over
	// 20 ms (two 10 ms frames, not one frame's chance dip) by 6 dB
	// (marginDB, four times in power) more than the room's decay does in
	// that time. A reverberant tail fluctuates by a few dB from frame to
	// frame (the diffuse field's envelope is Rayleigh-distributed;
	// Schroeder 1962, JASA 34:1819) but never rises kneeTolDB above the
	// level it started from.
	kneeSec   = 0.020
	kneeTolDB = marginDB
	// tailMinDB: a tail starts at least 10 dB above the room's noise: a
	// knee lower than that leaves less than an energy detector stretches
	// an end by.
	tailMinDB = 10.0
	// tailSearchSec: the knee is looked for within 0.6 s of the end, more
	// than the 0.2-0.4 s a room's tail stands out of a quiet room (RT60
	// of offices and classrooms 0.4-0.8 s over 60 dB, of which speech
	// shows 20-30 dB above the room's noise).
	tailSearchSec = 0.6
)

// roomDecay returns the decay rate of the room in dB/s estimated from the
// ends of segs (samples of x), or 0 when the clip is dry (an end faster
// than lateDecay) or the ends are too few to tell: at least two ends, and
// half of all, must stand out of the room far enough to be timed
// (endDecay) for the rate to be the room's rather than one word's.
func (a *analyser) roomDecay(segs []segment) float64 {
	var rates []float64
	for i, s := range segs {
		if r := a.endDecay(s, a.nextStart(segs, i)); r > 0 {
			rates = append(rates, r)
		}
	}
	if len(rates) < 2 || 2*len(rates) < len(segs) || slices.Max(rates) >= lateDecay {
		return 0
	}
	return quantile(rates, 0.5)
}

// excess returns the envelope at the end of s in dB above the room's noise
// after it (a.fm by block, less the noise) and the block just past the
// end; ex is nil when there is no room after the end to measure. The noise
// is the median frame of the silence between the end and next (the start
// of the next sound, samples of x), at most contextSec of it: the 10 ms
// frames of a band-limited noise (a fan, rumble) spread by several dB
// about their median, and an excess measured from their quietest ones
// would take that spread for a slow decay. Where the silence is shorter
// than earlySec, too short for a median, the room is the stretchQuantile
// of the contextSec after the end, as growTail measures it.
func (a *analyser) excess(s segment, next int) (ex func(b int) float64, eb int) {
	bs := a.blk * a.zfac
	eb = min(len(a.fm), (s.end+bs-1)/bs)
	hi := min(len(a.fm), eb+int(math.Round(contextSec/blockSec)))
	if hi <= eb {
		return nil, eb
	}
	var fl float64
	if gap := min(hi, next/bs); gap-eb >= int(math.Round(earlySec/blockSec)) {
		fl = quantile(a.fm[eb:gap], 0.5)
	} else {
		fl = quantile(a.fm[eb:hi], stretchQuantile)
	}
	if fl <= 0 {
		return nil, eb
	}
	return func(b int) float64 {
		return 10 * math.Log10(max(a.fm[b]-fl, fl*1e-3)/fl)
	}, eb
}

// nextStart returns the start of the segment after segs[i], or the end
// of the clip.
func (a *analyser) nextStart(segs []segment, i int) int {
	if i+1 < len(segs) {
		return segs[i+1].start
	}
	return len(a.x)
}

// endDecay returns the decay rate in dB/s of the end of s (next: as for
// excess), or 0 when the end does not stand out of the room far enough
// to be timed: the steady level before it is the highest frame within
// tailSearchSec of the end.
func (a *analyser) endDecay(s segment, next int) float64 {
	ex, eb := a.excess(s, next)
	if ex == nil {
		return 0
	}
	bs := a.blk * a.zfac
	first := max(s.start/bs, eb-int(math.Round(tailSearchSec/blockSec)))
	top := math.Inf(-1)
	for b := first; b < eb; b++ {
		top = max(top, ex(b))
	}
	hiDB := decayLoDB + decaySpanDB
	if top < hiDB+decayStartDB {
		return 0
	}
	lo, hi := -1, -1 // last blocks at hiDB and at decayLoDB
	for b := eb - 1; b >= first && lo < 0; b-- {
		if hi < 0 && ex(b) >= decayLoDB {
			hi = b
		}
		if ex(b) >= hiDB {
			lo = b
		}
	}
	if lo < 0 || hi < 0 {
		return 0
	}
	return decaySpanDB / (float64(hi-lo+1) * blockSec)
}

// cutTails ends each segment of segs at the knee of its reverberant tail
// when the clip is reverberant (roomDecay) and returns the segments left
// (segs is changed in place). The room's first reflections come within
// earlySec of the direct sound and the energy detector may part them from
// it; the sound that follows a segment within earlySec, segment after
// segment, is searched together with it, and what lies wholly in the tail
// after the knee is dropped.
func (a *analyser) cutTails(segs []segment) []segment {
	d := a.roomDecay(segs)
	if d <= 0 {
		return segs
	}
	bs := a.blk * a.zfac
	fast := d*kneeSec + kneeTolDB
	kn := max(1, int(math.Round(kneeSec/blockSec)))
	early := int(math.Round(earlySec / blockSec))
	out := segs[:0]
	for i := 0; i < len(segs); {
		j := i // the last segment of the chain
		for j+1 < len(segs) && segs[j+1].start-segs[j].end < a.samples(earlySec) {
			j++
		}
		chain := segment{segs[i].start, segs[j].end}
		end := chain.end
		if ex, eb := a.excess(chain, a.nextStart(segs, j)); ex != nil {
			first := max(chain.start/bs+kn, eb-int(math.Round(tailSearchSec/blockSec)))
			later := math.Inf(-1) // highest level after k
			for k := eb - 1; k >= first; k-- {
				v := ex(k)
				if eb-k >= early && v >= tailMinDB && later <= v+kneeTolDB && ex(k-kn)-v >= fast {
					end = min(end, max(chain.start+1, k*bs))
					break
				}
				later = max(later, v)
			}
		}
		for _, s := range segs[i : j+1] {
			if s.start >= end {
				break // in the tail
			}
			s.end = min(s.end, end)
			out = append(out, s)
		}
		i = j + 1
	}
	return out
}
