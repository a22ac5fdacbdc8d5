package analysis

import "math"

// Hum rejection. Mains hum (50 or 60 Hz and its harmonics, from a ground
// loop, a lamp dimmer, a cheap supply) is periodic with 0.1 s; speech is
// not. Averaging the samples 0.1 s, 0.2 s, ... away (synchronous
// averaging) gives the hum waveform, and subtracting it removes the
// fundamental and every harmonic at once: a comb filter with a notch at
// every multiple of 10 Hz, whatever the mains frequency and the number of
// harmonics, with a few running sums per sample (a high-pass above 60 Hz
// would leave the harmonics, which carry most of a buzz's power, and they
// fall inside the voice band: 100-300 Hz is where a voice's F0 and first
// harmonics lie).
//
// One comb serves the whole analyser: it runs once on the wide signal
// (analyser.wide) before anything else looks at it, so the energy detector
// (whose whitening turns a harmonic buzz into a pulse train), the voicing
// test (to which hum is a steady periodic sound, louder than a quiet voice
// in its band), the syllable nuclei and the pitch tracker all see the room
// without its hum; pitchSignal runs it again on the pitch signal with the
// speech known, for what the first pass left.
//
// The average is taken over the room tone only: steady 10 ms blocks away
// from the speech where it is known, and in any case away from every
// sound that stands out of the room once the hum is gone (the blocks are
// judged on the signal minus the average over all samples, since a hum
// louder than the voice hides the voice from an energy test). No speech
// then leaks into the average. Where there is too little room tone, the
// average over all samples is used, into which speech 0.1, 0.2 s ... away
// leaks at about 12 dB below the speech (the comb's "ghosts"). The weights
// are triangular (two running means in cascade), so a notch is about
// 1/span Hz wide.
const (
	// humPeriodSec is the common period of 50 and 60 Hz.
	humPeriodSec = 0.1
	// humMaxPeriods: at a rate with no whole number of samples in 0.1 s
	// (11025 Hz: 1102.5) the comb works on 0.2 s, which is still a common
	// period of 50 and 60 Hz (notches every 5 Hz); a rate with no whole
	// number in 0.2 s either gets no comb (none of the common rates, whose
	// wide signals are at 8, 11.025, 16 or 22.05 kHz, except 176.4 kHz
	// decimated by 11; its pitch signal, at exactly pitchRate, has one).
	humMaxPeriods = 2
	// humSpanSec: half-width of the average over all samples. Speech from
	// the neighbouring 0.1 s steps leaks into it at about
	// humPeriodSec/(2*humSpanSec) of its power: 1 s keeps the ghosts ~12 dB
	// below the speech while tracking hum whose level changes over a
	// second or two (an AGC).
	humSpanSec = 1.0
	// humMinDB: the hum is removed only when the averaged waveform has at
	// least 3 dB (a factor 2) more power than averaging gives a signal
	// without a 0.1 s period, i.e. when at least half of it is hum;
	// otherwise the comb would only take a little noise away, or add its
	// ghosts (forced on clean speech, they move the median F0 by 0.3 %
	// on average, 1.3 % at worst, over the real-voice corpus).
	humMinDB = 3.0
	// humQuietSec: with at least 1 s outside the speech (ten periods of
	// 0.1 s in every phase), the hum is measured there only.
	humQuietSec = 1.0
	// humQuietSpanSec: the quiet samples within 2 s either side make the
	// average, with triangular weights: with no speech in it there are no
	// ghosts, and a wider average leaves less of the room noise; 2 s
	// still tracks a 6th harmonic 0.1 Hz off (mains within its usual
	// +-0.02 Hz) to about -18 dB. It needs humMinTerms quiet periods per
	// phase at the triangle's middle weight (room noise averaged down by
	// 5 dB); elsewhere the average over all samples is used.
	humQuietSpanSec = 2.0
	humMinTerms     = 3
	// humWideFac: the second, wider span (6 s) for long stretches of
	// speech: steady hum (a ground loop) stays in phase that long, and
	// quiet samples beat speech ghosts.
	humWideFac = 3
	// humGuardSec: samples this close to the speech are not quiet: a word's
	// weak onset and decay, and a room's reverberation, last tens of ms
	// beyond the detected edges.
	humGuardSec = 0.05
	// humBlockSec, humSteadyDB: a 10 ms block of room tone and hum has an
	// energy within 6 dB (a factor 4) of the room's level (chi-square
	// spread of 80 samples at 8 kHz: +-0.7 dB; coloured noise spreads a
	// little more); anything louder is an event, not the room.
	humBlockSec = 0.010
	humSteadyDB = 6.0
	// humRoomQuantile: the room's level is the 10th percentile of the
	// blocks outside known speech. Where the speech is not known yet
	// (the first pass, on the wide signal), the median would be the
	// speech's level in a clip that is mostly speech; the quietest tenth
	// is room tone in any answer (the latency before it, its pauses and
	// the gaps between words: speech has a silence of 0.15 s or more
	// every 1-2 s, Goldman-Eisler 1968), and for steady noise it lies
	// within 1-2 dB of the median, well inside humSteadyDB.
	humRoomQuantile = 0.1
)

// humPeriod returns the comb's period in samples at rate: the shortest
// multiple of humPeriodSec (up to humMaxPeriods of it) that is a whole
// number of samples, or 0 when there is none.
func humPeriod(rate float64) int {
	for k := 1; k <= humMaxPeriods; k++ {
		p := rate * humPeriodSec * float64(k)
		if n := math.Round(p); n >= 2 && math.Abs(p-n) < 1e-6 {
			return int(n)
		}
	}
	return 0
}

// rejectHum returns y (sampled at rate) with its 0.1 s-periodic part
// (mains hum) subtracted, or y itself when there is no such part. speech
// (samples of y, sorted; nil when not known) marks the sound: when there
// is enough room tone outside it and outside the events standing out of
// the room, the hum is measured there (humQuietSec), where no speech can
// leak into the average.
func rejectHum(y []float32, rate float64, speech []segment) []float32 {
	per := humPeriod(rate)
	if per == 0 {
		return y
	}
	psec := float64(per) / rate // the comb's period, s
	nb := (len(y) + per - 1) / per
	r := max(1, int(math.Round(humSpanSec/psec/2))) // radius of each running mean, in periods
	if nb < 2*r+1 {
		return y // too short to tell hum from speech
	}
	rq := max(1, int(math.Round(humQuietSpanSec/psec/2)))
	blk := max(1, int(math.Round(humBlockSec*rate)))
	out := make([]float32, len(y)) // outside known speech (1) or not (0)
	for i := range out {
		out[i] = 1
	}
	guard := int(math.Round(humGuardSec * rate))
	for _, s := range speech {
		for i := max(0, s.start-guard); i < min(len(y), s.end+guard); i++ {
			out[i] = 0
		}
	}
	// quiet returns the weights of the room tone: the samples of base
	// (1: may be room) in blocks of bl samples whose mean square be (of y,
	// or of y less an estimate of its hum) lies within humSteadyDB of the
	// room's level, humGuardSec away from any louder block; a tone, a
	// click, a breath or typing outside the speech is not steady, and
	// would pass for hum in the average (a ring tone of 440 + 480 Hz is
	// periodic in 0.1 s too), nor is the faint part of a word next to its
	// loud part. n is the number of quiet samples.
	quiet := func(base []float32, be []float64, bl int) (q []float32, n int) {
		q = make([]float32, len(y))
		copy(q, base)
		guard := int(math.Ceil(humGuardSec * rate / float64(bl)))
		var room []float64
		for b, e := range be {
			if lo, hi := b*bl, min(len(y), (b+1)*bl); q[lo] > 0 && q[hi-1] > 0 {
				room = append(room, e)
			}
		}
		lim := quantile(room, humRoomQuantile) * math.Pow(10, humSteadyDB/10)
		for b, e := range be {
			if e > lim {
				clear(q[max(0, b-guard)*bl : min(len(y), (b+guard+1)*bl)])
			}
		}
		for _, v := range q {
			if v > 0 {
				n++
			}
		}
		return q, n
	}
	// hasHum reports whether the quiet samples hold hum: the power of
	// their mean over +-humQuietSpanSec/2 against what averaging c1 terms
	// leaves of a signal without a 0.1 s period (1/c1 of its power). A DC
	// offset is periodic too, but it is not hum (removeDC leaves up to
	// maxDC), so both powers are taken about the quiet samples' mean.
	hasHum := func(q []float32, n int) (m1, c1 []float32, ok bool) {
		m1, c1 = runningMean(y, q, per, rq)
		var dc float64
		for i, w := range q {
			if w > 0 {
				dc += float64(y[i])
			}
		}
		dc /= float64(n)
		var eh, ey, inv float64
		for i, w := range q {
			if w > 0 {
				m, v := float64(m1[i])-dc, float64(y[i])-dc
				eh += m * m
				ey += v * v
				inv += 1 / float64(c1[i])
			}
		}
		return m1, c1, eh > ey*inv/float64(n)*math.Pow(10, humMinDB/10)
	}
	// Hum is what the room tone holds: with less than humQuietSec of it
	// there is no telling hum from a voice of steady pitch (a synthesiser's
	// 120 Hz is periodic in 0.1 s too), and nothing is removed. The first
	// look is at blocks of one period: the energy of hum over a 10 ms
	// block depends on its phase (10 ms is 0.6 of a 60 Hz period), over a
	// whole period it does not.
	q, n := quiet(out, blockMS(y, per), per)
	if float64(n) < humQuietSec*rate {
		return y
	}
	if _, _, ok := hasHum(q, n); !ok {
		return y
	}
	// There is hum. The room is judged again with the hum gone: a voice
	// quieter than the hum now stands out of it, and is no longer room
	// tone. The hum is taken off here as the median of the samples whole
	// periods away (medianResidualMS): the median of the terms is the
	// hum's as long as fewer than half hold speech, where a mean would
	// carry the speech into the room around it as ghosts 15-35 dB below
	// it, far above the room, and no room would be left. (A voice of
	// steady pitch goes with the hum, but it stood out of the room in the
	// first test, whose quiet samples are the only ones looked at again.)
	q, n = quiet(q, medianResidualMS(y, per, r, blk, max(1, int(math.Round(rate/humMedianRate)))), blk)
	if float64(n) < humQuietSec*rate {
		return y
	}
	m1, c1, ok := hasHum(q, n)
	if !ok {
		return y
	}
	t := triangle(y, per, r)
	return subtractQuiet(y, m1, c1, q, per, rq, t)
}

// humMedianRate: medianResidualMS looks at the residual every
// rate/humMedianRate samples: 2000 residual samples a second (20 per 10 ms
// block) measure a block's level within +-1.4 dB (chi-square, 20 degrees of
// freedom), which the 6 dB of humSteadyDB leaves room for, at an eighth of
// the work at 16 kHz.
const humMedianRate = 2000

// blockMS returns the mean square of each blk samples of y.
func blockMS(y []float32, blk int) []float64 {
	be := make([]float64, (len(y)+blk-1)/blk)
	for b := range be {
		s := y[b*blk : min(len(y), (b+1)*blk)]
		be[b] = sumSq(s) / float64(len(s))
	}
	return be
}

// medianResidualMS returns the mean square of each blk samples of y less
// the median of the samples k*per away (k = -r..r, those inside y), from
// every stride-th sample.
func medianResidualMS(y []float32, per, r, blk, stride int) []float64 {
	be := make([]float64, (len(y)+blk-1)/blk)
	cnt := make([]int, len(be))
	terms := make([]float32, 0, 2*r+1)
	for i := 0; i < len(y); i += stride {
		terms = terms[:0]
		for k := -r; k <= r; k++ {
			if j := i + k*per; j >= 0 && j < len(y) {
				// insertion into the sorted terms
				v := y[j]
				terms = append(terms, v)
				for m := len(terms) - 1; m > 0 && terms[m-1] > v; m-- {
					terms[m], terms[m-1] = terms[m-1], v
				}
			}
		}
		d := float64(y[i] - terms[len(terms)/2])
		be[i/blk] += d * d
		cnt[i/blk]++
	}
	for b, c := range cnt {
		if c > 0 {
			be[b] /= float64(c)
		}
	}
	return be
}

// subtractQuiet returns y less its hum measured over the quiet samples q
// (m1, c1: their running mean and weight over +-rq periods): the same
// triangle as the average over all samples, the second mean weighting the
// first by its number of terms. Where speech lasts too long for quiet
// samples nearby, the quiet samples of a span humWideFac times as long
// stand in, then the mean of all the quiet samples of the clip in the same
// phase (humMinTerms of them at least), and where even those are too few,
// the average over all samples (all), with its ghosts: a ghost of the
// speech is worse than a stale hum, which is left at most a few dB (a
// steady ground loop stays in phase over a clip).
func subtractQuiet(y, m1, c1, q []float32, per, rq int, all []float32) []float32 {
	hq, cq := runningMean(m1, c1, per, rq)
	var hw, cw []float32
	var gm, gc []float64 // per-phase mean and count of the quiet samples
	z := make([]float32, len(y))
	for i, v := range y {
		if cq[i] >= humMinTerms*float32(rq+1) {
			z[i] = v - hq[i]
			continue
		}
		if hw == nil {
			m1, c1 := runningMean(y, q, per, humWideFac*rq)
			hw, cw = runningMean(m1, c1, per, humWideFac*rq)
			gm, gc = make([]float64, per), make([]float64, per)
			for j, w := range q {
				gm[j%per] += float64(w) * float64(y[j])
				gc[j%per] += float64(w)
			}
			for k := range gm {
				if gc[k] > 0 {
					gm[k] /= gc[k]
				}
			}
		}
		if cw[i] >= humMinTerms*float32(humWideFac*rq+1) {
			z[i] = v - hw[i]
			continue
		}
		if gc[i%per] >= humMinTerms {
			z[i] = v - float32(gm[i%per])
			continue
		}
		z[i] = v - all[i]
	}
	return z
}

// triangle is the mean of x[i+k*per] with triangular weights over k =
// -2r..2r: two running means of 2r+1 terms in cascade.
func triangle(x []float32, per, r int) []float32 {
	h, _ := runningMean(x, nil, per, r)
	h, _ = runningMean(h, nil, per, r)
	return h
}

// runningMean returns, for every sample i of x, the mean of x[i+k*per] for
// k = -r..r (the terms inside x) weighted by w (nil: all 1), and the sum of
// the weights, with one running sum per phase.
func runningMean(x, w []float32, per, r int) (mean, weight []float32) {
	n := len(x)
	nb := (n + per - 1) / per
	mean = make([]float32, n)
	weight = make([]float32, n)
	acc := make([]float64, per)
	cnt := make([]float64, per)
	// add adds block b (if it exists) to the sums with sign s.
	add := func(b int, s float64) {
		if b < 0 || b >= nb {
			return
		}
		xs := x[b*per : min(n, (b+1)*per)]
		a, c := acc[:len(xs)], cnt[:len(xs)]
		if w == nil {
			for i, v := range xs {
				a[i] += s * float64(v)
				c[i] += s
			}
			return
		}
		ws := w[b*per : b*per+len(xs)]
		for i, v := range xs {
			q := s * float64(ws[i])
			a[i] += q * float64(v)
			c[i] += q
		}
	}
	for b := 0; b < r; b++ {
		add(b, 1)
	}
	for b := 0; b < nb; b++ {
		add(b+r, 1)
		add(b-r-1, -1)
		lo := b * per
		ms, ws := mean[lo:min(n, lo+per)], weight[lo:min(n, lo+per)]
		for i := range ms {
			if c := cnt[i]; c > 0.5 { // at least one term (sums of 0/1 weights)
				ms[i] = float32(acc[i] / c)
				ws[i] = float32(c)
			}
		}
	}
	return mean, weight
}
