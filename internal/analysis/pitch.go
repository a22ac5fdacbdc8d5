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

// decimate low-passes x (to about target) with a windowed-sinc FIR
// (lowpassTaps) and keeps every fac-th sample.
func decimate(x []float32, rate, target float64) decimated {
	fac := max(1, int(rate/target))
	if fac == 1 {
		return decimated{y: x, rate: rate, fac: 1}
	}
	t32 := lowpassTaps(fac)
	half := len(t32) / 2
	n := len(x) / fac
	y := make([]float32, n)
	// Interior outputs four at a time (firQuad), the edges one by one with
	// the samples outside x taken as zero.
	j0 := (half + fac - 1) / fac // first output whose taps lie inside x
	j := j0
	for ; j+3 < n && (j+3)*fac+half < len(x); j += 4 {
		firQuad(t32, x[j*fac-half:(j+3)*fac+half+1], fac, y[j:j+4])
	}
	for k := range n {
		if k >= j0 && k < j {
			continue
		}
		lo := k*fac - half
		var acc float32
		for i, t := range t32 {
			if m := lo + i; m >= 0 && m < len(x) {
				acc += t * x[m]
			}
		}
		y[k] = acc
	}
	for k, v := range y {
		if v != v {
			y[k] = 0
		}
	}
	return decimated{y: y, rate: rate / float64(fac), fac: fac}
}

// lowpassTaps returns the anti-aliasing filter for decimation by fac: a
// windowed sinc with its cutoff at 0.45 of the output rate and a Blackman
// window 3 output periods to each side, normalised to unit DC gain. The
// window spans 2*(3*fac)+1 points; its two end points are zero, so they
// are left out.
func lowpassTaps(fac int) []float32 {
	half := 3*fac - 1
	taps := make([]float64, 2*half+1)
	fc := 0.45 / float64(fac) // cycles per input sample
	var sum float64
	for i := range taps {
		k := float64(i - half)
		s := 2 * fc
		if k != 0 {
			s = math.Sin(2*math.Pi*fc*k) / (math.Pi * k)
		}
		p := float64(i+1) / float64(2*half+2) // position in the window, 0..1
		w := 0.42 - 0.5*math.Cos(2*math.Pi*p) + 0.08*math.Cos(4*math.Pi*p)
		taps[i] = s * w
		sum += taps[i]
	}
	t32 := make([]float32, len(taps))
	for i := range taps {
		t32[i] = float32(taps[i] / sum)
	}
	return t32
}

// pitchFrame is the F0 estimate of one frame; f0 is 0 when unvoiced.
type pitchFrame struct {
	t    int // centre, in samples of the decimated signal
	f0   float64
	corr float64
	// periodic: a candidate passed voicedNCCF on the coarse (~2 kHz)
	// signal, where F0 and its first harmonics dominate; the nuclei use
	// this, the F0 statistics use only frames also periodic at ~8 kHz.
	periodic bool
	cand     [maxCands]cand // coarse candidates, best first; lag 0 = none
}

// coarseFac: the lag search runs at a quarter of the ~8 kHz rate, ~2 kHz,
// still above twice f0Max; the best coarse lag is then refined at the full
// rate (the two-stage search of RAPT, Talkin 1995).
const coarseFac = 4

// maxCands candidate lags are kept per frame for the octave check.
const maxCands = 3

type cand struct {
	lag  int // in samples of the coarse (half-rate) signal
	corr float64
}

// prefixSq returns p with p[i] = sum of y[:i]^2.
func prefixSq(y []float32) []float64 {
	p := make([]float64, len(y)+1)
	for i, v := range y {
		p[i+1] = p[i] + float64(v)*float64(v)
	}
	return p
}

// nccfAt is the normalised cross-correlation of y[t:t+w] and y[t+l:t+l+w],
// with the energies taken from the prefix sums p.
func nccfAt(y []float32, p []float64, t, w, l int) float64 {
	xy := dot(y[t:t+w], y[t+l:t+l+w])
	den := (p[t+w] - p[t]) * (p[t+l+w] - p[t+l])
	if den <= 0 {
		return 0
	}
	return float64(xy) / math.Sqrt(den)
}

// nccfRange sets out[k] to nccfAt(y, p, t, w, l0+k) for every k, four lags
// at a time (the four products share the loads of y[t:t+w]).
func nccfRange(y []float32, p []float64, t, w, l0 int, out []float64) {
	k := 0
	for ; k+4 <= len(out); k += 4 {
		l := l0 + k
		var xy [4]float32
		lagQuad(y[t:t+w], y[t+l:t+l+w+3], &xy)
		e0 := p[t+w] - p[t]
		for i := range 4 {
			den := e0 * (p[t+l+i+w] - p[t+l+i])
			out[k+i] = 0
			if den > 0 {
				out[k+i] = float64(xy[i]) / math.Sqrt(den)
			}
		}
	}
	for ; k < len(out); k++ {
		out[k] = nccfAt(y, p, t, w, l0+k)
	}
}

// lagQuad sets xy[i] to the dot product of a with b[i:i+len(a)], i = 0..3;
// b holds len(a)+3 samples.
func lagQuad(a, b []float32, xy *[4]float32) { firQuad(a, b, 1, xy[:]) }

// track estimates F0 every pitchHopSec inside the segments (samples of the
// original signal). The search runs on d decimated by two more (coarse
// lags, a quarter of the work), the chosen lag is refined on d itself with
// parabolic interpolation. Octave errors are then settled against the
// median F0 of the answer (octaveFix).
func track(d decimated, segs []segment) []pitchFrame {
	c := decimate(d.y, d.rate, d.rate/coarseFac)
	pc := prefixSq(c.y)
	pd := prefixSq(d.y)
	hop := max(1, int(math.Round(pitchHopSec*d.rate)))
	w := int(math.Round(pitchWinSec * c.rate))
	lmin := max(2, int(math.Floor(c.rate/f0Max)))
	lmax := int(math.Ceil(c.rate / f0Min))
	cs := make([]float64, lmax+2)
	var out []pitchFrame
	for _, s := range segs {
		lo, hi := s.start/d.fac, s.end/d.fac
		for ct := lo; ct < hi; ct += hop {
			f := pitchFrame{t: ct}
			t := ct/coarseFac - (w+lmax)/2
			if t < 0 || t+w+lmax+2 > len(c.y) {
				out = append(out, f)
				continue
			}
			nccfRange(c.y, pc, t, w, lmin-1, cs[lmin-1:lmax+2])
			n := 0
			for l := lmin; l <= lmax; l++ {
				v := cs[l]
				if v < cs[l-1] || v < cs[l+1] {
					continue
				}
				// The peak's height between grid points (parabola through
				// three points), so candidates compare fairly.
				if den := cs[l-1] - 2*v + cs[l+1]; den < 0 {
					v -= (cs[l-1] - cs[l+1]) * (cs[l-1] - cs[l+1]) / (8 * den)
				}
				if v < voicedNCCF {
					continue
				}
				// insert into the sorted candidate list
				k := min(n, maxCands-1)
				if n == maxCands && v <= f.cand[k].corr {
					continue
				}
				f.cand[k] = cand{l, v}
				for ; k > 0 && f.cand[k].corr > f.cand[k-1].corr; k-- {
					f.cand[k], f.cand[k-1] = f.cand[k-1], f.cand[k]
				}
				n = min(n+1, maxCands)
			}
			out = append(out, f)
		}
	}
	octaveFix(out)
	// Refine the chosen lags on the finer signal.
	wd := int(math.Round(pitchWinSec * d.rate))
	lmaxd := int(math.Ceil(d.rate/f0Min)) + coarseFac + 1
	for i := range out {
		f := &out[i]
		if f.f0 == 0 {
			continue
		}
		l0 := coarseFac * int(f.f0) // coarse lag in samples of d
		f.f0 = c.rate / f.f0
		t := f.t - (wd+lmaxd)/2
		if t < 0 || t+wd+l0+coarseFac+2 > len(d.y) {
			continue
		}
		best, bl := -2.0, 0
		// The true peak lies within half a coarse step (coarseFac/2 fine
		// samples) of the coarse grid peak; one more on each side gives
		// the parabola its neighbours.
		const r = coarseFac/2 + 1
		var v [2*r + 1]float64
		if l0-r < 1 {
			continue
		}
		nccfRange(d.y, pd, t, wd, l0-r, v[:])
		for k := 1; k < 2*r; k++ {
			if v[k] > best {
				best, bl = v[k], k
			}
		}
		a, b, cc := v[bl-1], v[bl], v[bl+1]
		off := 0.0
		if den := a - 2*b + cc; den < 0 {
			off = max(-0.5, min(0.5, 0.5*(a-cc)/den))
		}
		f.f0 = d.rate / (float64(l0+bl-r) + off)
		f.corr = b
		if b < voicedNCCF { // voicing is decided at the finer rate
			f.f0 = 0
		}
	}
	return out
}

// octaveFix picks one candidate per frame. First pass: the best NCCF, or a
// shorter lag nearly as good (octaveTol). Second pass: the candidate whose
// NCCF, less octavePenalty per octave away from the median of the first
// pass, is highest. A speaker's F0 stays within about an octave of its
// median in speech (the 5-95 % range of the devcorpus voices spans 3-11
// semitones; Traunmüller & Eriksson 1995 report about +-0.5 octave for
// speaking), so a candidate two octaves off is almost surely a sub- or
// over-harmonic.
func octaveFix(fr []pitchFrame) {
	const octavePenalty = 0.3
	var lags []float64
	for i := range fr {
		f := &fr[i]
		if f.cand[0].lag == 0 {
			continue
		}
		best := f.cand[0]
		for _, c := range f.cand[1:] {
			if c.lag != 0 && c.lag < best.lag && c.corr >= octaveTol*f.cand[0].corr {
				best = c
			}
		}
		lags = append(lags, float64(best.lag))
	}
	if len(lags) == 0 {
		return
	}
	slices.Sort(lags)
	med := lags[len(lags)/2]
	for i := range fr {
		f := &fr[i]
		if f.cand[0].lag == 0 {
			continue
		}
		bestScore, bl, bc := math.Inf(-1), 0, 0.0
		for _, c := range f.cand {
			if c.lag == 0 {
				continue
			}
			sc := c.corr - octavePenalty*math.Abs(math.Log2(float64(c.lag)/med))
			if sc > bestScore {
				bestScore, bl, bc = sc, c.lag, c.corr
			}
		}
		f.periodic = true
		f.f0 = float64(bl) // coarse lag for now; track converts and refines
		f.corr = bc
	}
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

// firQuad sets y[i] to the dot product of t with x[i*fac:], i = 0..3, for
// x holding len(t)+3*fac samples: the four sums share each tap load and
// run as independent chains.
func firQuad(t, x []float32, fac int, y []float32) {
	n := len(t)
	x0 := x[0:n:n]
	x1 := x[fac : fac+n]
	x2 := x[2*fac : 2*fac+n]
	x3 := x[3*fac : 3*fac+n]
	var s0, s1, s2, s3 float32
	for i := 0; i < n; i++ {
		c := t[i]
		s0 += c * x0[i]
		s1 += c * x1[i]
		s2 += c * x2[i]
		s3 += c * x3[i]
	}
	y[0], y[1], y[2], y[3] = s0, s1, s2, s3
}

// dot is the dot product of a and b[:len(a)], four lanes at a time.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
