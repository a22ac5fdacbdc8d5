package analysis

import (
	"math"
)

// Speech is voice. An energy detector finds every sound that stands out of
// the room: breaths, lip clicks, keystrokes, a cough, a fan switching on,
// the pumping of an AGC. None of these is an answer, and in a recording of
// a rep at a desk they come before, between and after the words. What
// every utterance has and none of these sounds has is voicing: a stretch
// of quasi-periodic vibration of the vocal folds with a period in the
// pitch band, lasting at least one syllable nucleus. (Breath, clicks,
// typing and whispered coughs are aperiodic; mains hum and buzz are
// periodic, and their harmonics (100, 150, 180 Hz ...) lie in the band
// searched here, so they are taken out of the signal before this test, by
// the comb of rejectHum on the wide signal, where they would otherwise
// hide a quiet voice or make one steady run of the whole clip; a gated
// tone is removed by the 900 Hz low-pass or, below it, fails the drift
// test.) So a stretch
// of sound is speech only if it holds a voiced run (voicedRunSec of
// consecutive periodic frames whose period moves smoothly); unvoiced sound
// is kept only where it touches voiced sound (a fricative or a stop
// release at a word's edge, attachSec), never on its own.
const (
	// voiceRate: the voicing test runs on the clip low-passed at 0.45 x
	// 2 kHz = 900 Hz, where F0 and its first harmonics dominate voiced
	// speech (RAPT's first pass works at a similar rate, Talkin 1995) and
	// where breath and click noise, whose energy lies above 500 Hz, keeps
	// little of its power.
	voiceRate = 2000
	// voiceF0Min, voiceF0Max: the band of speaking F0 searched for
	// voicing. 75 Hz is Praat's default pitch floor; it keeps the period
	// of 50 and 60 Hz mains (20 and 16.7 ms) out of the lag range, so
	// hum and buzz never count as voice. 500 Hz is above any speaking F0.
	voiceF0Min = 75.0
	voiceF0Max = 500.0
	// voiceWinSec: the correlation window holds two periods at the
	// lowest F0 searched (2/75 Hz = 27 ms).
	voiceWinSec = 0.027
	// voiceHopSec: one voicing decision per 10 ms frame (winSec).
	voiceHopSec = 0.010
	// voiceNCCF: a frame is periodic when its normalised correlation at
	// the best lag reaches 0.5, a harmonics-to-noise ratio of 0 dB (the
	// peak NCCF of a periodic signal in noise is about HNR/(1+HNR); the
	// pitch tracker and Praat use 0.5 and 0.45), so that a gliding or
	// breathy vowel stays one run. voiceCoreNCCF: a run must reach 0.7
	// (HNR +3.7 dB) in at least one frame: a vowel nucleus is strongly
	// periodic, while band-limited noise (a cough's formant ringing, a
	// resonance after a tap) correlates by chance at most a little above
	// the frame threshold.
	voiceNCCF     = 0.5
	voiceCoreNCCF = 0.7
	// voicedRunSec: voice needs 40 ms of consecutive periodic frames, the
	// shortest unstressed vowel (Klatt 1976, JASA 59:1208), so a chance
	// correlation in noise (one frame) never makes a run.
	voicedRunSec = 0.040
	// voicePeakDB: a voiced run must rise 15 dB above the floor of the
	// band somewhere: a vowel nucleus is the loudest part of speech, ...
	voicePeakDB = 12.0
	// voiceLagJump: within a run the period may change by at most 15 %
	// (about 3 semitones) from one 10 ms frame to the next: intonation
	// moves F0 by at most a few semitones per 100 ms (Xu & Sun 2002, JASA
	// 111:1399), while the lag of a chance peak in noise jumps anywhere.
	voiceLagJump = 0.20
	// voiceMarginSec: voicing is measured this far around each stretch of
	// sound, so that a run is seen whole across the short gaps (< 0.1 s)
	// an energy detector leaves inside a word in noise.
	voiceMarginSec = 0.100
	// attachSec: unvoiced sound belongs to the word next to it when the
	// gap between them is under 50 ms, the closure of an intervocalic
	// stop being shorter (Lisker 1957, Language 33:42: ~70-130 ms closures
	// are word-medial, bursts follow closures within a word) while a
	// breath or a click made apart from a word is separated by more; the
	// realcorpus keeps every such event at least 50 ms from speech by the
	// same reasoning.
	attachSec = 0.050
	// attachMaxSec, burstSec: a short burst (at most 80 ms: a stop
	// release with the start of its aspiration) up to 100 ms from voice
	// is the release of a voiceless stop whose aspiration the room tone
	// hides: English /p t k/ have voice onset times of 60-100 ms (Lisker
	// & Abramson 1964, Word 20:384). Breaths (0.2-0.5 s) and coughs are
	// longer; a click that close to a word cannot be told from a burst.
	attachMaxSec = 0.100
	burstSec     = 0.080
	// toneDriftSec, toneLagTol: a voiced run over 300 ms whose period
	// stays within 0.5 % and whose level stays within 1 dB is a gated
	// tone (ring-back, beep, a synthesiser), not a voice: natural F0 has
	// jitter and intonation far above that over 300 ms.
	toneDriftSec = 0.300
	toneLagTol   = 0.005
	toneLevelDB  = 1.0
)

// voicing is the per-frame periodicity of the clip: frame i is centred on
// sample i*hop of x.
type voicing struct {
	hop      int       // samples of x per frame
	lag      []float32 // best lag in samples of the voice signal (0 = aperiodic)
	corr     []float32 // NCCF at the best lag
	level    []float32 // frame energy of the voice signal, dB
	voiced   []bool    // frame is in a voiced run
	floor    []float32 // quietest level within floorWinSec either side, dB (centreMin)
	floorMin []float32
	reach    int       // samples of x the correlation of a frame reaches past its centre
	win      int       // samples of x in a frame's level window, centred on it
	room     []float32 // noise floor of level, dB, following steps of the room (trackFloor)
	median   float32   // median level of the voiced frames, dB
}

// voicing computes the voiced runs of the clip inside segs (samples of x).
func (a *analyser) voicing(segs []segment) voicing {
	w := a.wide()
	g := decimate(w.y, w.rate, voiceRate)
	fac := w.fac * g.fac
	g.y = highpassAt(g.y, g.rate, voiceHPHz)
	hop := max(1, int(math.Round(voiceHopSec*a.rate)))
	nf := len(a.x)/hop + 1
	v := voicing{hop: hop, lag: make([]float32, nf), corr: make([]float32, nf), level: make([]float32, nf), voiced: make([]bool, nf)}
	p := prefixSq(g.y)
	win := max(4, int(math.Round(voiceWinSec*g.rate)))
	lmin := max(2, int(math.Floor(g.rate/voiceF0Max)))
	lmax := int(math.Ceil(g.rate / voiceF0Min))
	cs := make([]float64, lmax+2)
	periodic := make([]bool, nf)
	v.reach = (win + lmax) / 2 * fac
	// Frames of the segments and of voiceMarginSec around them: a run of
	// voicing is measured whole even where the energy detector cut a
	// syllable in noise into pieces.
	margin := a.samples(voiceMarginSec)
	next := 0 // first frame not yet computed
	for f := range nf {
		c := f * hop / fac
		t := min(max(0, c-win/2), len(g.y)-win) // whole windows at the ends
		if t < 0 {
			break // clip shorter than one window
		}
		v.level[f] = float32(10 * math.Log10((p[t+win]-p[t])/float64(win)+1e-20))
	}
	v.floor = centreMin(v.level, int(math.Round(floorWinSec/voiceHopSec)))
	v.room = trackFloor(v.level, int(math.Round(floorWinSec/voiceHopSec)))
	v.win = win * fac
	for _, s := range segs {
		for f := max(next, (s.start-margin)/hop); f <= min(nf-1, (s.end+margin-1)/hop); f++ {
			next = f + 1
			c := f * hop / fac // centre in g
			t := c - (win+lmax)/2
			if t < 0 || t+win+lmax+2 > len(g.y) {
				continue
			}
			nccfRange(g.y, p, t, win, lmin-1, cs[lmin-1:lmax+2])
			// Peaks of the correlation (with their height between grid
			// points); the shortest lag nearly as good as the best wins, as
			// a period correlates as well at 2, 3, ... periods (octaveTol).
			var pk [8][2]float64
			n, top := 0, 0.0
			for l := lmin; l <= lmax && n < len(pk); l++ {
				x := cs[l]
				if x < cs[l-1] || x < cs[l+1] || x < voiceNCCF*octaveTol {
					continue
				}
				off := 0.0
				if den := cs[l-1] - 2*x + cs[l+1]; den < 0 {
					off = 0.5 * (cs[l-1] - cs[l+1]) / den
					x -= (cs[l-1] - cs[l+1]) * (cs[l-1] - cs[l+1]) / (8 * den)
				}
				pk[n] = [2]float64{float64(l) + off, x}
				n++
				top = max(top, x)
			}
			bl := 0.0
			if top >= voiceNCCF {
				for _, q := range pk[:n] {
					if q[1] >= top*octaveTol {
						bl = q[0]
						break
					}
				}
			}
			// A period repeats: the signal correlates at twice the lag
			// too. Narrow-band noise (a cough's formant, a resonance
			// ringing) correlates at the lag of its centre frequency, but
			// that correlation dies away within a few cycles.
			if bl > 0 {
				v.lag[f] = float32(bl)
				v.corr[f] = float32(top)
				periodic[f] = true
			}
		}
	}
	// Voiced runs: consecutive periodic frames with a smooth period.
	need := max(2, int(math.Round(voicedRunSec/voiceHopSec)))
	for i := 0; i < nf; {
		if !periodic[i] {
			i++
			continue
		}
		j := i + 1
		for j < nf && periodic[j] && math.Abs(float64(v.lag[j]/v.lag[j-1])-1) <= voiceLagJump {
			j++
		}
		var peak float32 // highest level above the floor in the run
		for k := i; k < j; k++ {
			peak = max(peak, v.level[k]-v.floor[k])
		}
		var core float32 // best correlation in the run
		for k := i; k < j; k++ {
			core = max(core, v.corr[k])
		}
		if j-i >= need && peak >= voicePeakDB && core >= voiceCoreNCCF && !v.isTone(i, j) {
			for k := i; k < j; k++ {
				v.voiced[k] = true
			}
		}
		i = j
	}
	var lv []float64
	for k, on := range v.voiced {
		if on {
			lv = append(lv, float64(v.level[k]))
		}
	}
	v.median = float32(quantile(lv, 0.5))
	return v
}

// isTone reports whether the run of frames [i, j) holds a steady tone:
// toneDriftSec in which neither the period nor the level moves (the gating
// ramps of a tone at the run's ends do not hide it).
func (v *voicing) isTone(i, j int) bool {
	n := int(math.Round(toneDriftSec / voiceHopSec))
	for s := i; s+n <= j; s++ {
		lo, hi := v.lag[s], v.lag[s]
		llo, lhi := v.level[s], v.level[s]
		for k := s; k < s+n; k++ {
			lo, hi = min(lo, v.lag[k]), max(hi, v.lag[k])
			llo, lhi = min(llo, v.level[k]), max(lhi, v.level[k])
		}
		if float64(hi-lo) <= toneLagTol*float64(lo) && float64(lhi-llo) <= toneLevelDB {
			return true
		}
	}
	return false
}

// voicedIn returns the first and last voiced frame inside s, or -1.
func (v *voicing) voicedIn(s segment) (first, last int) {
	first, last = -1, -1
	for f := s.start / v.hop; f <= min(len(v.voiced)-1, (s.end-1)/v.hop); f++ {
		if v.voiced[f] {
			if first < 0 {
				first = f
			}
			last = f
		}
	}
	return first, last
}

// keepVoice returns the segments of segs that are voice, their long
// unvoiced stretches trimmed (trimUnvoiced), with the unvoiced segments
// right beside them (attached).
func (a *analyser) keepVoice(segs []segment, v voicing) []segment {
	var all []segment // voiced (trimmed) and unvoiced segments, in order
	var voiced []bool
	for _, s := range segs {
		if f, _ := v.voicedIn(s); f >= 0 {
			for _, t := range a.trimUnvoiced(s, v) {
				all = append(all, t)
				voiced = append(voiced, true)
			}
			continue
		}
		all = append(all, s)
		voiced = append(voiced, false)
	}
	keep := make([]bool, len(all))
	copy(keep, voiced)
	short := func(i int) bool { return all[i].end-all[i].start <= a.samples(unvoicedMaxSec) }
	for i := range all {
		if !keep[i] && short(i) {
			keep[i] = (i > 0 && voiced[i-1] && a.attached(all, i, i-1)) ||
				(i+1 < len(all) && voiced[i+1] && a.attached(all, i, i+1))
		}
	}
	// Sound that touches kept unvoiced sound (gap under attachSec) is part
	// of the same consonant cluster ("-sts", a stop's burst and
	// aspiration split by the detector): kept too, in both directions.
	gap := a.samples(attachSec)
	for changed := true; changed; {
		changed = false
		for i := range all {
			if keep[i] || !short(i) {
				continue
			}
			if (i > 0 && keep[i-1] && all[i].start-all[i-1].end < gap) ||
				(i+1 < len(all) && keep[i+1] && all[i+1].start-all[i].end < gap) {
				keep[i], changed = true, true
			}
		}
	}
	var out []segment
	for i, s := range all {
		if keep[i] {
			out = append(out, s)
		}
	}
	return out
}

// attached reports whether the unvoiced sound segs[i] belongs to the
// voiced segs[j] beside it: when the gap between them is shorter than
// attachSec, or when segs[i] is as short as a stop burst (burstSec), the
// gap no longer than the voice onset time of an aspirated stop
// (attachMaxSec, the aspiration lying under the detector's threshold in
// noise), and no other sound lies within trainSec beyond it: a burst
// stands alone after the silence of its closure, a tap with more taps
// beyond it is keyboard typing.
func (a *analyser) attached(segs []segment, i, j int) bool {
	s := segs[i]
	gap := segs[j].start - s.end
	if j < i {
		gap = s.start - segs[j].end
	}
	if gap < a.samples(attachSec) {
		return true
	}
	if gap >= a.samples(attachMaxSec) || s.end-s.start > a.samples(burstSec) {
		return false
	}
	k := i + (i - j) // the neighbour on the far side
	if k < 0 || k >= len(segs) {
		return true
	}
	far := segs[k].start - s.end
	if k < i {
		far = s.start - segs[k].end
	}
	return far >= a.samples(trainSec)
}

// unvoicedMaxSec: the longest stretch of unvoiced sound a word has at an
// edge or inside: a fricative cluster with a stop ("-sts", "str-") lasts
// up to ~0.25 s (Klatt 1976); a longer unvoiced stretch is the room (a
// fan, an AGC pumping up the noise) or a breath, and is cut back to the
// sound that stands out of it (trimUnvoiced).
const unvoicedMaxSec = 0.25

// trainSec: keystrokes of a typing burst come every 90-250 ms (skilled
// typists press a key every ~100-200 ms, Salthouse 1986, Psychol. Bull.
// 99:303, and the release follows the press by 40-90 ms); a burst with no
// other sound within 0.3 s on its far side is not one of a train.
const trainSec = 0.300

// trimUnvoiced cuts every unvoiced stretch longer than unvoicedMaxSec at
// the edges of and inside the voiced segments back to the sound that
// stands out of the noise beside it (grow): the noise floor is measured
// where it is, not over the whole clip, so a fan that switched on or the
// room tone an AGC pumped up in a pause is not speech. A stretch inside a
// segment that is all noise splits it.
func (a *analyser) trimUnvoiced(s segment, v voicing) []segment {
	maxUV := a.samples(unvoicedMaxSec)
	spans := v.spans(s)
	if len(spans) == 0 {
		return []segment{s}
	}
	var out []segment
	cur := segment{s.start, spans[0].end}
	if lead := (segment{s.start, spans[0].start}); lead.end > lead.start {
		cur.start = a.grow(lead, spans[0].start, -1)
	}
	for k := 1; k < len(spans); k++ {
		gap := segment{spans[k-1].end, spans[k].start}
		if gap.end-gap.start <= maxUV {
			cur.end = spans[k].end
			continue
		}
		l := a.grow(gap, gap.start, +1)
		r := a.grow(gap, gap.end, -1)
		if r-l < a.samples(blockSec) {
			cur.end = spans[k].end
			continue
		}
		cur.end = l
		out = append(out, cur)
		cur = segment{r, spans[k].end}
	}
	cur.end = s.end
	if tail := (segment{spans[len(spans)-1].end, s.end}); tail.end-tail.start > maxUV {
		cur.end = a.growTail(tail)
	}
	return append(out, cur)
}

// grow returns how far sound extends from sample from into the unvoiced
// stretch u (dir +1: forwards, -1: backwards), at the 1 ms block
// resolution: as long as each 10 ms frame stands marginDB above the
// quietest frame within growSec beyond it. The floor is thus measured
// where the walk is: in a fan that switched on, in room tone an AGC
// pumped up, in the silence between a breath and a word, the walk stops
// at once; over a fricative or the decaying end of a word, whose level
// keeps falling, it goes on until the room is reached.
func (a *analyser) grow(u segment, from, dir int) int {
	bs := a.blk * a.zfac // samples of x per block
	lo, hi := u.start/bs, min(len(a.fm), (u.end+bs-1)/bs)
	if hi <= lo {
		return from
	}
	w := max(1, int(math.Round(growSec/blockSec)))
	k := math.Pow(10, marginDB/10)
	// quietest frame of the w blocks beyond b (outward), b excluded
	beyond := func(b int) float64 {
		m := math.Inf(1)
		for j := 1; j <= w; j++ {
			i := b + dir*j
			if i < 0 || i >= len(a.fm) {
				break
			}
			m = min(m, a.fm[i])
		}
		return m
	}
	b := from / bs
	if dir > 0 {
		for b < hi && a.fm[b] > k*beyond(b) {
			b++
		}
		return min(max(from, b*bs), u.end)
	}
	b--
	for b >= lo && a.fm[b] > k*beyond(b) {
		b--
	}
	return max(min(from, (b+1)*bs), u.start)
}

// growTail returns where the sound of an unvoiced tail t (from the last
// voice to the end of its segment) ends: where the 10 ms frames fall to
// marginDB above the noise of the tail together with contextSec of the
// room after it (their stretchQuantile of frame energy). A word's end
// decays, often slowly in a reverberant room, and the walk of grow would
// stop inside that decay; a fan or pumped room tone that goes on after the
// segment is still taken for noise, as it fills the context too.
func (a *analyser) growTail(t segment) int {
	bs := a.blk * a.zfac
	lo := t.start / bs
	hi := min(len(a.fm), (t.end+a.samples(contextSec)+bs-1)/bs)
	if hi <= lo {
		return t.end
	}
	thr := quantile(a.fm[lo:hi], stretchQuantile) * math.Pow(10, marginDB/10)
	b := lo
	for b < hi && b*bs < t.end && a.fm[b] > thr {
		b++
	}
	return min(max(t.start, b*bs), t.end)
}

// contextSec: see growTail; 0.5 s of room after a segment is more than the
// 0.2-0.4 s a reverberant tail lasts, and within the tail of a recording.
const contextSec = 0.5

// stretchQuantile: the noise of a tail and its context is their 10th
// percentile of frame energy: the decaying end takes a few tenths of it at
// most, the rest is the room.
const stretchQuantile = 0.10

// growSec: the floor of grow is the quietest 10 ms frame in the next
// 0.2 s: longer than the gaps of a word's consonants (a stop closure,
// 50-100 ms) inside which the walk must not stop at the faint level, and
// shorter than the 0.25 s (unvoicedMaxSec) of the stretches it walks.
const growSec = 0.200

// spans returns the voiced stretches inside s, in samples (a frame covers
// hop samples around its centre).
func (v *voicing) spans(s segment) []segment {
	var out []segment
	for f := s.start / v.hop; f <= min(len(v.voiced)-1, (s.end-1)/v.hop); f++ {
		if !v.voiced[f] {
			continue
		}
		lo := max(s.start, f*v.hop-v.hop/2)
		hi := min(s.end, f*v.hop+v.hop/2)
		if n := len(out); n > 0 && lo <= out[n-1].end {
			out[n-1].end = hi
			continue
		}
		out = append(out, segment{lo, hi})
	}
	return out
}

// floorWinSec: the floor under a frame is the quietest level within 1 s
// before it and within 1 s after it, whichever is higher (trackFloor).
// 1 s spans a phrase of speech with the gaps around its words (speech has
// a silence of at least 0.15 s every 1-2 s, Goldman-Eisler 1968), so the
// windows reach room tone, and a change of the room (a fan switching on,
// an AGC raising the floor in a pause) is followed within 1 s.
const floorWinSec = 1.0

// trackFloor returns, for each element of level (dB per frame), the
// higher of the minimum over the w frames up to it and the minimum over
// the w frames from it (two sliding minima, O(n)). A step of the room's
// noise up is followed at once after the step (the backward window sees
// only the new noise once past it, the forward one at once), and speech,
// which never lasts a whole window without a gap, never raises it.
func trackFloor(level []float32, w int) []float32 {
	n := len(level)
	back, fwd := slidingMin(level, w, false), slidingMin(level, w, true)
	out := make([]float32, n)
	for i := range out {
		out[i] = max(back[i], fwd[i])
	}
	return out
}

// slidingMin returns the minimum of v over the w elements ending at each
// index (or, forward, starting at it), with a monotone deque.
func slidingMin(v []float32, w int, forward bool) []float32 {
	n := len(v)
	out := make([]float32, n)
	dq := make([]int, 0, n)
	for k := range n {
		i := k
		if forward {
			i = n - 1 - k
		}
		for len(dq) > 0 && v[dq[len(dq)-1]] >= v[i] {
			dq = dq[:len(dq)-1]
		}
		dq = append(dq, i)
		for d := dq[0] - i; d >= w || -d >= w; d = dq[0] - i {
			dq = dq[1:]
		}
		out[i] = v[dq[0]]
	}
	return out
}

func centreMin(level []float32, w int) []float32 {
	back, fwd := slidingMin(level, w, false), slidingMin(level, w, true)
	out := make([]float32, len(level))
	for i := range out {
		out[i] = min(back[i], fwd[i])
	}
	return out
}

// voiceHPHz: the voicing test sees the band above 100 Hz only (a fourth-
// order Butterworth high-pass): below it lie mains hum (50/60 Hz, 20 dB
// and 14 dB down), fan and traffic rumble and the bulk of pink room noise,
// whose slow waves otherwise correlate at short lags like a period; a
// voice keeps its harmonics above 100 Hz, from which its period is read.
const voiceHPHz = 100.0

// highpassAt returns x (at rate) through a fourth-order Butterworth high-pass at fc
// (two cascaded biquads, bilinear transform; Q of 0.541 and 1.307).
func highpassAt(x []float32, rate, fc float64) []float32 {
	y := make([]float32, len(x))
	copy(y, x)
	for _, q := range [2]float64{0.5411961, 1.3065630} {
		w0 := 2 * math.Pi * fc / rate
		al := math.Sin(w0) / (2 * q)
		c := math.Cos(w0)
		a0 := 1 + al
		b0, b1, b2 := (1+c)/2/a0, -(1+c)/a0, (1+c)/2/a0
		a1, a2 := -2*c/a0, (1-al)/a0
		var x1, x2, y1, y2 float64
		for i, v := range y {
			xv := float64(v)
			yv := b0*xv + b1*x1 + b2*x2 - a1*y1 - a2*y2
			x2, x1, y2, y1 = x1, xv, y1, yv
			y[i] = float32(yv)
		}
	}
	return y
}

// octaveTol: a candidate at a shorter lag (higher F0) wins over the best
// lag when its NCCF is within 10 % of the best; the NCCF of a periodic
// signal is as high at 2, 3, ... periods as at one, so the best lag alone
// is prone to octave-down errors (Talkin 1995, RAPT). Shared by the voice
// test here and the live analyser.
const octaveTol = 0.90

// voicedOn returns where the voiced run holding the last frame of s ends
// after s, no later than limit, or s.end. In noise the energy detector
// loses the weak voiced end of a word (a nasal, an unstressed vowel, a
// voice bar), whose energy sinks under the noise's, before its voicing
// stops: the correlation over two periods still finds the period at an
// SNR of 0 dB in the band (voiceNCCF), so the run of voiced frames goes on
// to where the voice ends. That is used only where the noise can hide
// voice (voiceEndSNR); elsewhere the energy end is the sharper one. A
// frame's correlation reaches v.reach past its centre, so a frame stays
// periodic until its centre is that far past the end of the voice, less
// the half frame it stands for.
func (v *voicing) voicedOn(s segment, limit int) int {
	f := (s.end - 1) / v.hop
	if f < 0 || f >= len(v.voiced) || !v.voiced[f] || v.median-v.floor[f] >= voiceEndSNR {
		return s.end
	}
	k := f
	for f+1 < len(v.voiced) && v.voiced[f+1] {
		f++
	}
	return max(s.end, min(limit, f*v.hop+v.hop/2-v.reach+int(2*float64(v.reach)*v.voicedShare(k))))
}

// voicedShare returns the share of the correlation window of the last
// periodic frame that the voice fills. The normalised correlation at the
// period is the periodic share of the window's energy: with the voice
// filling a share p of the window at an in-band SNR s (voice power over
// noise power), it is p*s/(p*s+1), which reaches voiceNCCF (0.5) at
// p = 1/s. A loud voice makes a frame periodic as soon as its window
// touches it (p near 0: the voice ends reach before the frame's centre), a
// voice at the noise's level only once it fills the window (p = 1: reach
// after it). s is measured at frame k, where the energy detector lost the
// voice: the voice only fades after it, so the share is, if anything,
// underestimated and the end early, never late.
func (v *voicing) voicedShare(k int) float64 {
	s := math.Pow(10, float64(v.level[k]-v.floor[k])/10) - 1
	if s <= 1 {
		return 1
	}
	return 1 / s
}

// bandOn returns where the voice band's level, where noise can hide a
// voiced end, shows the voice going on after s (no later than limit), or
// s.end. The band below 900 Hz holds the voice's first harmonics, where a
// word's fading end keeps its level longest, while the whitened broadband
// energy spreads the noise of every band over it, and the periodicity
// test needs the voice as loud as the noise. A frame stands out when its
// level is marginDB over the band's floor (tracked, so a fan that switches
// on is not voice). Its level window, centred on it, holds voice over a
// share p of its length, which at a voice-to-noise power ratio s reaches
// marginDB at p = (10^(marginDB/10)-1)/s: a loud voice lifts a frame whose
// window just touches it, a faint one only a frame it fills. s is measured
// a window before the last frame that stands out, where the window is all
// voice.
func (v *voicing) bandOn(s segment, limit int) int {
	f := (s.end - 1) / v.hop
	if f < 0 || f >= len(v.voiced) || v.median-v.floor[f] >= voiceEndSNR {
		return s.end
	}
	voiced := false // a voiced frame within reach of the end
	for k := f; k >= 0 && k*v.hop >= s.end-v.reach-v.hop; k-- {
		if v.voiced[k] {
			voiced = true
			break
		}
	}
	if !voiced {
		return s.end
	}
	g := f
	for g+1 < len(v.level) && (g+1)*v.hop < limit && float64(v.level[g+1]-v.room[g+1]) >= marginDB {
		g++
	}
	k := g - (v.win+v.hop-1)/v.hop
	if g == f || k < 0 {
		return s.end
	}
	p := 1.0
	if snr := math.Pow(10, float64(v.level[k]-v.room[k])/10) - 1; snr > 0 {
		p = min(1, (math.Pow(10, marginDB/10)-1)/snr)
	}
	end := g*v.hop - v.win/2 + int(p*float64(v.win))
	if end <= s.end {
		return s.end
	}
	return min(limit, end)
}

// voiceEndSNR: voiced sounds lie within about 25 dB of a voice's median
// level (from stressed vowels down to nasals and voice bars); with the
// band's noise floor 30 dB or more under that median, the energy threshold
// (marginDB over the floor) is under all of them and finds the end of the
// voice itself, to the sample, where voicing knows it only to a frame.
const voiceEndSNR = 30.0
