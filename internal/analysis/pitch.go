package analysis

import (
	"math"
	"slices"
)

// Pitch and voicing constants.
const (
	// decimRate is the rate the signal is decimated to before pitch and
	// syllable analysis: 8 kHz keeps the telephone band (300-3400 Hz), which
	// holds the harmonics pitch trackers use and the first two formants.
	decimRate = 8000
	// f0Min, f0Max bound the F0 search: adult speaking F0 lies within
	// 60-500 Hz (Praat's default range for pitch is 75-600 Hz; we go lower
	// for creaky male voices and stop at 500 Hz, above any speaking voice).
	f0Min = 60
	f0Max = 500
	// pitchHopSec is the pitch frame step; 10 ms is Praat's and RAPT's
	// default.
	pitchHopSec = 0.010
	// pitchWinSec is the correlation window: it must hold two periods at
	// f0Min... 2/60 = 33 ms would do; 30 ms + the lag span covers it.
	pitchWinSec = 0.030
	// voicedNCCF: a frame is voiced when the normalised cross-correlation
	// at the best lag reaches 0.5. For a periodic signal in noise the peak
	// NCCF is about SNR/(1+SNR), so 0.5 means a local harmonic-to-noise
	// ratio of 0 dB; Praat's default voicing threshold is 0.45.
	voicedNCCF = 0.5
	// octaveTol: a candidate at a shorter lag (higher F0) wins over the best
	// lag when its NCCF is within 10 % of the best; the NCCF of a periodic
	// signal is as high at 2, 3, ... periods as at one, so the best lag
	// alone is prone to octave-down errors (Talkin 1995, RAPT).
	octaveTol = 0.90
)

// decimated is the signal low-passed and decimated by an integer factor to
// about decimRate.
type decimated struct {
	y    []float32
	rate float64
	fac  int // input samples per output sample
}

// decimate low-passes x (to about target) with a windowed-sinc FIR (Blackman window, cutoff at
// 0.45 of the output rate, 8 taps per output sample's span on each side) and
// keeps every fac-th sample.
func decimate(x []float32, rate, target float64) decimated {
	fac := max(1, int(rate/target))
	if fac == 1 {
		return decimated{y: x, rate: rate, fac: 1}
	}
	half := 4 * fac
	taps := make([]float64, 2*half+1)
	fc := 0.45 / float64(fac) // cycles per input sample
	var sum float64
	for i := range taps {
		k := float64(i - half)
		s := 2 * fc
		if k != 0 {
			s = math.Sin(2*math.Pi*fc*k) / (math.Pi * k)
		}
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(2*half)) + 0.08*math.Cos(4*math.Pi*float64(i)/float64(2*half))
		taps[i] = s * w
		sum += taps[i]
	}
	t32 := make([]float32, len(taps))
	for i := range taps {
		t32[i] = float32(taps[i] / sum)
	}
	n := len(x) / fac
	y := make([]float32, n)
	for j := 0; j < n; j++ {
		c := j * fac
		lo, hi := c-half, c+half+1
		var acc float32
		if lo >= 0 && hi <= len(x) {
			xs := x[lo:hi]
			for i, t := range t32 {
				acc += t * xs[i]
			}
		} else {
			for i, t := range t32 {
				if k := lo + i; k >= 0 && k < len(x) {
					acc += t * x[k]
				}
			}
		}
		if acc != acc {
			acc = 0
		}
		y[j] = acc
	}
	return decimated{y: y, rate: rate / float64(fac), fac: fac}
}

// pitchFrame is the F0 estimate of one frame; f0 is 0 when unvoiced.
type pitchFrame struct {
	t    int // centre, in samples of the decimated signal
	f0   float64
	corr float64
}

// nccf is the normalised cross-correlation of y[t:t+w] and y[t+l:t+l+w].
func nccf(y []float32, t, w, l int) float64 {
	a := y[t : t+w]
	b := y[t+l : t+l+w]
	var xy, xx, yy float64
	for i := range a {
		u, v := float64(a[i]), float64(b[i])
		xy += u * v
		xx += u * u
		yy += v * v
	}
	if xx <= 0 || yy <= 0 {
		return 0
	}
	return xy / math.Sqrt(xx*yy)
}

// track estimates F0 every pitchHopSec inside the segments (given in
// samples of the original signal, scaled by fac).
func track(d decimated, segs []segment) []pitchFrame {
	hop := max(1, int(math.Round(pitchHopSec*d.rate)))
	w := int(math.Round(pitchWinSec * d.rate))
	lmin := int(math.Floor(d.rate / f0Max))
	lmax := int(math.Ceil(d.rate / f0Min))
	var out []pitchFrame
	cs := make([]float64, lmax+2)
	for _, s := range segs {
		lo, hi := s.start/d.fac, s.end/d.fac
		for c := lo; c < hi; c += hop {
			t := c - (w+lmax)/2
			if t < 0 || t+w+lmax+1 > len(d.y) {
				out = append(out, pitchFrame{t: c})
				continue
			}
			best, bl := -1.0, 0
			for l := lmin; l <= lmax+1; l++ {
				cs[l] = nccf(d.y, t, w, l)
			}
			for l := lmin + 1; l <= lmax; l++ {
				if cs[l] > best && cs[l] >= cs[l-1] && cs[l] >= cs[l+1] {
					best, bl = cs[l], l
				}
			}
			if bl == 0 || best < voicedNCCF {
				out = append(out, pitchFrame{t: c, corr: max(best, 0)})
				continue
			}
			// Prefer the shortest lag whose peak is nearly as strong.
			for l := lmin + 1; l < bl; l++ {
				if cs[l] >= octaveTol*best && cs[l] >= cs[l-1] && cs[l] >= cs[l+1] {
					bl = l
					break
				}
			}
			// Parabolic interpolation of the peak.
			a, b, cc := cs[bl-1], cs[bl], cs[bl+1]
			off := 0.0
			if den := a - 2*b + cc; den < 0 {
				off = 0.5 * (a - cc) / den
			}
			lag := float64(bl) + max(-0.5, min(0.5, off))
			out = append(out, pitchFrame{t: c, f0: d.rate / lag, corr: cs[bl]})
		}
	}
	return out
}

// pitch fills the F0 fields from the voiced frames of the answer.
func (a *analyser) pitch(r *Report) {
	var f []float64
	for _, p := range a.frames {
		if p.f0 > 0 {
			f = append(f, p.f0)
		}
	}
	if len(f) == 0 {
		return
	}
	slices.Sort(f)
	q := func(p float64) float64 {
		// Linear interpolation between order statistics.
		x := p * float64(len(f)-1)
		i := int(x)
		if i+1 >= len(f) {
			return f[len(f)-1]
		}
		return f[i] + (x-float64(i))*(f[i+1]-f[i])
	}
	r.F0MedianHz = q(0.5)
	r.F0P5Hz = q(0.05)
	r.F0P95Hz = q(0.95)
	if r.F0P5Hz > 0 {
		r.F0RangeST = 12 * math.Log2(r.F0P95Hz/r.F0P5Hz)
	}
}
