package analysis

import (
	"math"
	"math/cmplx"
	"slices"
)

// Word ends under noise. A word fades: its last 20-50 ms (the release of
// a final consonant, the last periods of a vowel) lie under the room's
// noise in every band by energy, so the energy detector, the voice band
// (bandOn) and the periodicity (voicedOn) all lose it. What is still there
// is evidence spread over many frequency bins: the word's remaining
// formant or frication energy lifts the bins where the word had its
// energy a little above the noise's own power in them. The statistical
// model of Sohn, Kim & Sung (1999, "A statistical model-based voice
// activity detector", IEEE Signal Process. Lett. 6:1) weighs exactly that:
// with complex Gaussian speech and noise, the likelihood ratio of a bin
// holding speech at an a-priori SNR xi against noise alone is
// exp(gamma*xi/(1+xi))/(1+xi), gamma the bin's power over the noise's
// power in it; the geometric mean over the bins integrates the evidence,
// and the a-priori SNR from the decision-directed estimate (Ephraim &
// Malah 1984, IEEE Trans. ASSP 32:1109) weighs each bin by what the word
// had in it the frame before. The noise's power per bin is measured in
// the clip's own silences within floorWinSec of the end (the room as it
// is there, as the tracked floor of the voice band), and the threshold is
// the statistic's refineQuantile over those same noise frames: its own
// false-alarm rate in this room, not a level fitted to any recording.
//
// An end is carried on only from a segment that holds voice (an unvoiced
// burst attached to a word is not), by at most refineMaxSec, and never
// into the next sound (a word, a breath, a click) nor to within
// edgeGuardSec of it. The caller runs it only where the noise sets the
// detector's threshold (with a near-digital floor the range bound does,
// and nothing of a word within that range lies under the noise; the
// model would take the ringing of the band and hum filters there for
// speech), and only in a dry room (a reverberant tail after every end is
// the room's, not speech, and cutTails takes it off).
const (
	// refineFrameSec: 16 ms analysis frames (Hann window), a usual
	// short-time spectrum of speech: 62.5 Hz bins, and a time resolution
	// finer than the 20-50 ms to be found. A frame is zero-padded to a
	// power of two for the FFT, so it lasts 16 ms at every rate.
	refineFrameSec = 0.016
	// refineHopSec: a decision every 4 ms, a quarter frame (the Hann
	// window's frames then sum to a constant, and an end is placed to
	// within the error the corpus scores in whole ms).
	refineHopSec = 0.004
	// refineLoHz: bins below 100 Hz hold mains hum, fan and traffic rumble
	// and the bulk of pink noise, and no voice energy that is not also in
	// its harmonics above (voiceHPHz).
	refineLoHz = 100.0
	// refineAlpha: the decision-directed weight of Ephraim & Malah (1984),
	// 0.98, with their floor of the a-priori SNR, -25 dB (refineXiMin).
	refineAlpha = 0.98
	refineXiMin = 0.0031623
	// refineQuantile: a frame of the end holds speech when its statistic
	// exceeds the 99th percentile of the statistic over the clip's noise
	// frames: a 1 % false-alarm rate per frame in this room.
	refineQuantile = 0.99
	// refineNoiseFrames: the noise model needs at least 50 frames (0.2 s
	// of silence at refineHopSec): the per-bin median is then steady, and
	// the threshold is at worst the largest statistic of 50 noise frames,
	// about their 98th percentile; fewer leave it to chance.
	refineNoiseFrames = 50
	// refineMaxSec: an end is carried on by at most 150 ms, about the
	// longest word-final consonant lengthened before a pause (Klatt 1976,
	// JASA 59:1208, on segment durations and phrase-final lengthening);
	// the loud part of it is found by energy already.
	refineMaxSec = 0.150
	// refineLeadSec: the decision-directed estimate is run over the last
	// 40 ms of the segment first, so that the a-priori SNR of the frames
	// after the end starts from the word's own spectrum.
	refineLeadSec = 0.040
)

// refineEnds carries the end of every segment of segs on (in place) over
// the frames after it where the likelihood-ratio statistic shows speech
// still there (see above). next[i] is the start of the first sound after
// segs[i] (a word, a breath, a click) in samples of x.
func (a *analyser) refineEnds(segs []segment, next []int) {
	v := &a.voice
	w := a.wide()
	fl := int(math.Round(refineFrameSec * w.rate)) // frame length
	n := 1                                         // FFT size, the frame zero-padded
	for n < fl {
		n *= 2
	}
	hop := max(1, int(math.Round(refineHopSec*w.rate)))
	kLo := max(1, int(math.Ceil(refineLoHz*float64(n)/w.rate)))
	// Bins up to 0.45 of the rate: the band decimate passes (lowpassTaps),
	// and below where an input's own anti-aliasing filter cuts.
	kHi := min(n/2, int(0.45*float64(n)))
	if kHi <= kLo {
		return
	}
	win := make([]float64, fl)
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(fl))
	}
	buf := make([]complex128, n)
	// spec returns the power spectrum (bins kLo..kHi) of the frame of y
	// starting at sample lo of y.
	spec := func(lo int, out []float64) bool {
		if lo < 0 || lo+fl > len(w.y) {
			return false
		}
		clear(buf)
		for i, h := range win {
			buf[i] = complex(float64(w.y[lo+i])*h, 0)
		}
		fft(buf)
		for k := kLo; k <= kHi; k++ {
			p := buf[k]
			out[k-kLo] = real(p)*real(p) + imag(p)*imag(p)
		}
		return true
	}
	nb := kHi - kLo + 1
	maxExt := a.samples(refineMaxSec)
	guard := a.samples(edgeGuardSec)
	var flat, col []float64     // noise frames' spectra (nb bins each), a column of them
	lam := make([]float64, nb)  // noise power per bin
	prev := make([]float64, nb) // |A|^2/lambda of the previous frame
	p := make([]float64, nb)
	// stat is the statistic of the next frame of a run: the mean over the
	// bins of the log likelihood ratio, the a-priori SNR decision-directed.
	stat := func(p []float64) float64 {
		var s float64
		for k, pk := range p {
			g := pk / lam[k]
			xi := max(refineXiMin, refineAlpha*prev[k]+(1-refineAlpha)*max(g-1, 0))
			s += g*xi/(1+xi) - math.Log1p(xi)
			gain := xi / (1 + xi)
			prev[k] = gain * gain * g
		}
		return s / float64(nb)
	}
	for i := range segs {
		e := segs[i].end
		if f, _ := v.voicedIn(segs[i]); f < 0 {
			continue // not voice: an attached burst is not carried on
		}
		limit := min(next[i]-guard, e+maxExt)
		if limit <= e {
			continue
		}
		// The noise: the frames of the silences within floorWinSec of the
		// end, each from refineMaxSec after the sound before it (past any
		// tail a word can have) to edgeGuardSec before the next.
		flat = flat[:0]
		for _, g := range a.silences(segs[i], maxExt, guard) {
			for c := g.start / w.fac; c+fl <= g.end/w.fac; c += hop {
				flat = slices.Grow(flat, nb)[:len(flat)+nb]
				if !spec(c, flat[len(flat)-nb:]) {
					flat = flat[:len(flat)-nb]
				}
			}
		}
		nf := len(flat) / nb
		if nf < refineNoiseFrames {
			continue
		}
		col = slices.Grow(col[:0], nf)[:nf]
		for k := range lam {
			for j := range nf {
				col[j] = flat[j*nb+k]
			}
			// The median of an exponential variable is ln 2 times its mean.
			lam[k] = quantileInPlace(col, 0.5) / math.Ln2
			if lam[k] <= 0 {
				lam[k] = math.SmallestNonzeroFloat64
			}
		}
		clear(prev)
		null := col[:nf]
		for j := range nf {
			null[j] = stat(flat[j*nb : (j+1)*nb])
		}
		thr := quantileInPlace(null, refineQuantile)
		clear(prev)
		c := max(segs[i].start, e-a.samples(refineLeadSec)) / w.fac
		for ; c < e/w.fac; c += hop {
			if spec(c, p) {
				stat(p)
			}
		}
		// Frames start at the end and after it: the speech that lifts a
		// frame lies in it, and the Hann window has 91 % of its weight
		// after its first quarter, so the end is carried to that quarter.
		// A frame lies wholly before the guard of the next sound.
		end := e
		for ; (c+fl)*w.fac <= next[i]-guard && (c+fl/4)*w.fac <= limit; c += hop {
			if !spec(c, p) || stat(p) <= thr {
				break
			}
			end = (c + fl/4) * w.fac
		}
		segs[i].end = max(e, min(end, limit))
	}
}

// silences returns the stretches of the clip within floorWinSec of the
// end of s that hold no sound: at least after samples past the end of
// every sound (a.heard, and s itself) and before samples before the start
// of the next.
func (a *analyser) silences(s segment, after, before int) []segment {
	lo, hi := s.end-a.samples(floorWinSec), s.end+a.samples(floorWinSec)
	var out []segment
	add := func(u, t int) {
		u, t = max(u, lo, 0), min(t, hi, len(a.x))
		if u < s.end+after && t > s.start-before { // s and its tail are not silence
			if cut := s.start - before; cut > u {
				out = append(out, segment{u, cut})
			}
			u = s.end + after
		}
		if t > u {
			out = append(out, segment{u, t})
		}
	}
	prev := 0
	for _, h := range a.heard {
		add(prev, h.start-before)
		prev = h.end + after
	}
	add(prev, len(a.x))
	return out
}

// fft is an in-place radix-2 decimation-in-time FFT; len(x) is a power of
// two.
func fft(x []complex128) {
	n := len(x)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j |= bit
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		wn := cmplx.Exp(complex(0, -2*math.Pi/float64(size)))
		for start := 0; start < n; start += size {
			t := complex(1, 0)
			for k := 0; k < size/2; k++ {
				u := x[start+k]
				v := x[start+k+size/2] * t
				x[start+k] = u + v
				x[start+k+size/2] = u - v
				t *= wn
			}
		}
	}
}
