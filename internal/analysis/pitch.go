package analysis

import (
	"math"
	"slices"
	"time"
)

// Pitch and voicing constants. All are in hertz or seconds: the tracker
// first brings the signal to exactly pitchRate (pitchSignal), so the same
// filters, windows and lag grid serve every input rate and the estimate
// does not depend on how the input was sampled.
const (
	// decimRate is the rate a.dec (pitch and syllables) is decimated to by
	// an integer factor: 8 kHz keeps the telephone band (300-3400 Hz),
	// which holds the harmonics pitch trackers use and the first two
	// formants.
	decimRate = 8000
	// pitchRate is the exact rate of the pitch signal, whatever the input
	// rate: the telephone band of decimRate, and a whole number of samples
	// (800) in 0.1 s, the common period of 50 and 60 Hz mains hum and all
	// their harmonics (rejectHum).
	pitchRate = 8000
	// f0Min, f0Max bound the F0 search. Adult speaking F0 lies within
	// 70-500 Hz (Praat's default range is 75-600 Hz; 500 Hz is above any
	// speaking voice). f0Min stays clear of 60 Hz so that mains hum (50 or
	// 60 Hz, or what is left of it after rejectHum) never falls inside the
	// search range: its period, 16.7 ms at 60 Hz, is 17 % longer than the
	// longest lag searched (14.3 ms). Below 70 Hz a voice is in creak
	// (vocal fry), which has no steady F0 to report.
	f0Min = 70
	f0Max = 500
	// pitchHopSec is the pitch frame step; 10 ms is Praat's and RAPT's
	// default.
	pitchHopSec = 0.010
	// pitchWinSec is the correlation window: it must hold two periods at
	// f0Min, 2/70 = 29 ms.
	pitchWinSec = 0.030
	// voicedNCCF: a frame is voiced when the normalised cross-correlation
	// at the best lag reaches 0.5. For a periodic signal in noise the peak
	// NCCF is about SNR/(1+SNR), so 0.5 means a local harmonic-to-noise
	// ratio of 0 dB; Praat's default voicing threshold is 0.45.
	voicedNCCF = 0.5
	// octaveBonus: a candidate's score gains 0.01 per octave above the
	// frame's best candidate (loses it per octave below): Praat's default
	// octave cost. The NCCF of a periodic signal is as high at 2, 3, ...
	// periods as at one, so the best lag alone is prone to octave-down
	// errors (Talkin 1995, RAPT); the small bonus settles near-ties towards
	// the shorter lag, and the path (choose) does the rest.
	octaveBonus = 0.01
	// jumpCost is the cost of an F0 change of one octave between two
	// 10 ms frames: Praat's octave-jump cost, which makes the path
	// (choose) keep an F0 through a frame or two where a sub- or
	// over-harmonic looks marginally better. Voicing itself costs nothing
	// to change (Praat charges 0.14): it stays the NCCF's alone, as the
	// syllable nuclei need, and the F0 statistics drop runs shorter than
	// minVoicedRun instead.
	jumpCost = 0.35
	// medianCost is the cost per octave of a candidate's distance from the
	// median F0 beyond medianFree octaves (see choose). A quarter octave
	// (3 semitones) either side holds the middle half of a speaker's F0
	// (the 5-95 % range of speaking F0 spans about an octave: Traunmüller
	// & Eriksson 1995; 3-11 semitones for the devcorpus voices), so the
	// usual intonation costs nothing; 0.2 per octave beyond makes a run of
	// frames an octave off its median pay more than the two jumps
	// (2 x jumpCost) out and back after about six frames.
	medianCost = 0.2
	medianFree = 0.25
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
	t    int // centre, in samples of the decimated signal given to track
	k    int // index on the pitchHopSec grid from the clip's start
	f0   float64
	corr float64
	// periodic: the path (choose) took a candidate, whose NCCF (at
	// pitchRate) may still be under voicedNCCF; f0 > 0 only if it is not.
	periodic bool
	cand     [maxCands]cand // candidates (refined at pitchRate); lag 0 = none
}

// coarseFac: the lag search runs at a quarter of pitchRate, 2 kHz, still
// above twice f0Max; the candidates are then refined at pitchRate (the
// two-stage search of RAPT, Talkin 1995).
const coarseFac = 4

// maxCands candidate lags are kept per frame for the path: the best peak,
// its half and double lags and two spares.
const maxCands = 5

type cand struct {
	lag  float64 // in samples of the coarse signal, between grid points
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
// original signal), on frames of a grid fixed in seconds from the start of
// the clip. d is brought to exactly pitchRate, high-passed, with hum
// rejected (pitchSignal); the candidate search runs on that signal
// decimated to 2 kHz (coarse lags, a sixteenth of the work), every
// candidate is refined at pitchRate with parabolic interpolation, and one
// per frame is chosen by dynamic programming over the frames (choose).
func track(d decimated, segs []segment) []pitchFrame {
	inRate := d.rate * float64(d.fac) // rate of the segments' samples
	p := pitchSignal(d, segs)
	c := decimate(p, pitchRate, pitchRate/coarseFac)
	pc := prefixSq(c.y)
	pp := prefixSq(p)
	hop := int(math.Round(pitchHopSec * pitchRate))
	w := int(math.Round(pitchWinSec * c.rate))
	lmin := max(2, int(math.Floor(c.rate/f0Max)))
	lmax := int(math.Ceil(c.rate / f0Min))
	cs := make([]float64, lmax+2)
	var out []pitchFrame
	for _, s := range segs {
		k0 := int(math.Ceil(float64(s.start)/inRate/pitchHopSec - 1e-9))
		k1 := int(math.Ceil(float64(s.end)/inRate/pitchHopSec - 1e-9))
		for k := k0; k < k1; k++ {
			f := pitchFrame{t: int(math.Round(float64(k) * pitchHopSec * d.rate)), k: k}
			t := k*hop/coarseFac - (w+lmax)/2
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
				// The peak between grid points (parabola through three
				// points), so candidates compare fairly.
				lag := float64(l)
				if den := cs[l-1] - 2*v + cs[l+1]; den < 0 {
					lag += 0.5 * (cs[l-1] - cs[l+1]) / den
					v -= (cs[l-1] - cs[l+1]) * (cs[l-1] - cs[l+1]) / (8 * den)
				}
				if v < voicedNCCF {
					continue
				}
				// insert into the list sorted by NCCF
				k := min(n, maxCands-1)
				if n == maxCands && v <= f.cand[k].corr {
					continue
				}
				f.cand[k] = cand{lag, v}
				for ; k > 0 && f.cand[k].corr > f.cand[k-1].corr; k-- {
					f.cand[k], f.cand[k-1] = f.cand[k-1], f.cand[k]
				}
				n = min(n+1, maxCands)
			}
			out = append(out, f)
		}
	}
	// Refine every candidate at pitchRate before choosing: at 2 kHz a
	// short lag's peak falls between grid points more steeply than a long
	// one's, so the coarse NCCF favours the double lag (RAPT, too, scores
	// its candidates at the full rate).
	wd := int(math.Round(pitchWinSec * pitchRate))
	lmaxd := int(math.Ceil(pitchRate/f0Min)) + coarseFac + 1
	for i := range out {
		f := &out[i]
		t := f.k*hop - (wd+lmaxd)/2
		for j := range f.cand {
			if f.cand[j].lag != 0 {
				refine(p, pp, t, wd, &f.cand[j])
			}
		}
	}
	choose(out)
	for i := range out {
		if f := &out[i]; f.corr < voicedNCCF { // voicing is decided at pitchRate
			f.f0 = 0
		}
	}
	return out
}

// refine moves a coarse candidate to the NCCF peak of p near it (window of
// w samples from t), with parabolic interpolation; its lag stays in coarse
// samples. A candidate too near the ends of p is left as it is.
func refine(p []float32, pp []float64, t, w int, c *cand) {
	l0 := int(math.Round(coarseFac * c.lag)) // lag in samples of p
	// The true peak lies within half a coarse step (coarseFac/2 fine
	// samples) of the coarse peak; one more on each side gives the
	// parabola its neighbours.
	const r = coarseFac/2 + 1
	if t < 0 || l0-r < 1 || t+w+l0+r+1 > len(p) {
		return
	}
	var v [2*r + 1]float64
	nccfRange(p, pp, t, w, l0-r, v[:])
	best, bl := math.Inf(-1), 0
	for k := 1; k < 2*r; k++ {
		if v[k] > best {
			best, bl = v[k], k
		}
	}
	a, b, cc := v[bl-1], v[bl], v[bl+1]
	off := 0.0
	if den := a - 2*b + cc; den < 0 {
		off = max(-0.5, min(0.5, 0.5*(a-cc)/den))
		b -= (a - cc) * (a - cc) / (8 * den)
	}
	c.lag = (float64(l0+bl-r) + off) / coarseFac
	c.corr = b
}

// node is a state of the path search: the best score of a path ending in
// it and the state it came from (-1: the path starts here).
type node struct {
	score float64
	from  int8
}

// choose picks one candidate, or none, per frame: the path through the
// frames that maximises the sum of the candidates' NCCF (plus octaveBonus
// per octave above the frame's best candidate; voicedNCCF for an unvoiced
// frame), less jumpCost per octave of F0 change between adjacent voiced
// frames — the dynamic programming of RAPT and Praat. A run of frames
// broken by a gap in the grid (between segments) is a path of its own. It
// sets f0 to the chosen F0, corr and periodic.
func choose(fr []pitchFrame) {
	const unv = maxCands // the unvoiced state
	const coarseRate = pitchRate / coarseFac
	local := func(f *pitchFrame, j int) float64 {
		if j == unv {
			return voicedNCCF
		}
		c := f.cand[j]
		if c.lag == 0 {
			return math.Inf(-1)
		}
		// cand[0] has the best NCCF; lags are in coarse samples
		return c.corr + octaveBonus*math.Log2(f.cand[0].lag/c.lag)
	}
	f0 := func(f *pitchFrame, j int) float64 { return coarseRate / f.cand[j].lag }
	dp := make([][maxCands + 1]node, len(fr))
	path(fr, dp, local, f0)
	// A speaker's F0 stays within about half an octave of its median, so a
	// second path is run with a cost of medianCost per octave away from the
	// median F0 of the first (beyond medianFree): it settles runs that the
	// first path put on a sub- or over-harmonic, and the short-lag peaks of
	// noise.
	var v []float64
	for i := range fr {
		if fr[i].f0 > 0 {
			v = append(v, fr[i].f0)
		}
	}
	if len(v) == 0 {
		return
	}
	med := quantile(v, 0.5)
	// The cost is relative to the frame's candidate nearest the median, so
	// it chooses between candidates and leaves voicing to the NCCF.
	dist := func(f *pitchFrame, j int) float64 { return math.Abs(math.Log2(f0(f, j) / med)) }
	prior := func(f *pitchFrame, j int) float64 {
		l := local(f, j)
		if j == unv || math.IsInf(l, -1) {
			return l
		}
		near := math.Inf(1)
		for q := range f.cand {
			if f.cand[q].lag != 0 {
				near = min(near, dist(f, q))
			}
		}
		return l - medianCost*(max(dist(f, j), medianFree)-max(near, medianFree))
	}
	path(fr, dp, prior, f0)
}

// path runs the dynamic programming of choose with the given local score
// and sets f0, corr and periodic of every frame from the best path.
func path(fr []pitchFrame, dp [][maxCands + 1]node, local func(*pitchFrame, int) float64, f0 func(*pitchFrame, int) float64) {
	const unv = maxCands
	for i := range fr {
		f := &fr[i]
		cont := i > 0 && fr[i-1].k == f.k-1
		for j := 0; j <= unv; j++ {
			l := local(f, j)
			dp[i][j] = node{l, -1}
			if math.IsInf(l, -1) || !cont {
				continue
			}
			best, from := math.Inf(-1), -1
			for q := 0; q <= unv; q++ {
				s := dp[i-1][q].score
				if math.IsInf(s, -1) {
					continue
				}
				if q != unv && j != unv {
					s -= jumpCost * math.Abs(math.Log2(f0(f, j)/f0(&fr[i-1], q)))
				}
				if s > best {
					best, from = s, q
				}
			}
			dp[i][j] = node{l + best, int8(from)}
		}
	}
	// Back-track from the end of every run.
	for i := len(fr) - 1; i >= 0; {
		j, best := unv, math.Inf(-1)
		for q := 0; q <= unv; q++ {
			if dp[i][q].score > best {
				j, best = q, dp[i][q].score
			}
		}
		for ; ; i-- {
			f := &fr[i]
			f.f0, f.corr, f.periodic = 0, 0, j != unv
			if j != unv {
				f.f0, f.corr = f0(f, j), f.cand[j].corr
			}
			from := int(dp[i][j].from)
			if from < 0 {
				i--
				break
			}
			j = from
		}
	}
}

// minVoicedRun: the F0 statistics use voiced runs of at least 3 frames
// (30 ms, three periods at 100 Hz); a frame or two of periodicity in noise,
// a click or a breath is no voice to report, though a syllable nucleus may
// still use it.
const minVoicedRun = 3

// minTrendFrames: each half of the speech time needs this many voiced
// frames (0.1 s of voice, a stressed syllable or two) for the F0 trend; with
// fewer, one half's median is a word's accent, not the speaker's pitch in
// that half, and the trend is left at 0.
const minTrendFrames = 10

// pitch fills the F0 fields from the voiced frames of the answer: the
// frames in voiced runs of at least minVoicedRun, which the statistics, the
// trend and the exported track (Report.Pitch) share, so the track drawn is
// the one the figures were taken from.
func (a *analyser) pitch(r *Report) {
	// The trend splits the frames where the speech time is halved, as the
	// level and pace trends do (splitHalf).
	split := math.Inf(1)
	if first, _ := splitHalf(a.speech); len(first) > 0 {
		split = float64(first[len(first)-1].end) / a.rate // seconds
	}
	// v holds the voiced F0 in time order; the first n1 lie in the first
	// half.
	v := make([]float64, 0, len(a.frames))
	n1 := 0
	r.Pitch = make([]PitchPoint, 0, len(a.frames)) // at most one point per frame
	for i := 0; i < len(a.frames); {
		j := i + 1
		if a.frames[i].f0 > 0 {
			for j < len(a.frames) && a.frames[j].f0 > 0 && a.frames[j].k == a.frames[j-1].k+1 {
				j++
			}
			if j-i >= minVoicedRun {
				for _, p := range a.frames[i:j] {
					at := float64(p.k) * pitchHopSec
					if at < split {
						n1++
					}
					v = append(v, p.f0)
					r.Pitch = append(r.Pitch, PitchPoint{At: time.Duration(math.Round(at * 1e9)), Hz: p.f0})
				}
			}
		}
		i = j
	}
	if len(v) == 0 {
		r.Pitch = nil
		return
	}
	f := slices.Clone(v)
	slices.Sort(f)
	r.F0MedianHz = sortedQuantile(f, 0.5)
	r.F0P5Hz = sortedQuantile(f, 0.05)
	r.F0P95Hz = sortedQuantile(f, 0.95)
	if r.F0P5Hz > 0 {
		r.F0RangeST = 12 * math.Log2(r.F0P95Hz/r.F0P5Hz)
	}
	if h1, h2 := v[:n1], v[n1:]; len(h1) >= minTrendFrames && len(h2) >= minTrendFrames {
		slices.Sort(h1)
		slices.Sort(h2)
		r.F0TrendST = 12 * math.Log2(sortedQuantile(h2, 0.5)/sortedQuantile(h1, 0.5))
	}
}

// sortedQuantile is the p-quantile of the sorted, non-empty f, by linear
// interpolation between order statistics.
func sortedQuantile(f []float64, p float64) float64 {
	x := p * float64(len(f)-1)
	i := int(x)
	if i+1 >= len(f) {
		return f[len(f)-1]
	}
	return f[i] + (x-float64(i))*(f[i+1]-f[i])
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
