package analysis

import "math"

// The pitch signal: the decimated signal brought to exactly pitchRate, with
// mains hum removed.

// pitchSignal returns d at exactly pitchRate (resampled when d's rate is
// not pitchRate: 44.1 kHz input gives d at 11025 Hz), high-passed at hpHz,
// with hum rejected;
// segs are the sound, in samples of the input.
func pitchSignal(d decimated, segs []segment) []float32 {
	in := int(math.Round(d.rate * float64(d.fac))) // the input rate, an integer
	y := resample(d.y, in, d.fac, pitchRate)
	sp := make([]segment, len(segs))
	for i, s := range segs {
		sp[i] = segment{int(int64(s.start) * pitchRate / int64(in)), int(int64(s.end) * pitchRate / int64(in))}
	}
	return rejectHum(highpass(y, hpHz), sp)
}

// hpHz is the corner of a second-order Butterworth high-pass applied to
// the pitch signal: DC drift, rumble, wind and handling noise below the
// voice range add a slowly varying component that raises the NCCF at
// every lag and blurs its peaks. 40 Hz is below f0Min/1.5, so the
// fundamental of the lowest voice searched loses under 0.5 dB, while 20 Hz
// is down 12 dB. (Mains hum is rejectHum's: a high-pass steep enough to
// remove 50-60 Hz would also take the fundamental of a 70-100 Hz voice.)
const hpHz = 40

// highpass returns y through a second-order Butterworth high-pass at fc Hz
// (bilinear transform, at pitchRate), in a new slice.
func highpass(y []float32, fc float64) []float32 {
	k := math.Tan(math.Pi * fc / pitchRate)
	q := math.Sqrt2 / 2
	n := 1 / (1 + k/q + k*k)
	b0 := n
	b1 := -2 * n
	b2 := n
	a1 := 2 * (k*k - 1) * n
	a2 := (1 - k/q + k*k) * n
	z := make([]float32, len(y))
	var x1, x2, y1, y2 float64
	for i, v := range y {
		x := float64(v)
		o := b0*x + b1*x1 + b2*x2 - a1*y1 - a2*y2
		x2, x1 = x1, x
		y2, y1 = y1, o
		z[i] = float32(o)
	}
	return z
}

// resampleHalfPeriods is the half-length of the resampling filter in output
// periods, and resampleCut its cut-off as a fraction of the output rate:
// the same windowed sinc as lowpassTaps (3 periods to each side, cut-off at
// 0.45), so a resampled signal has the band of a decimated one.
const (
	resampleHalfPeriods = 3
	resampleCut         = 0.45
	// maxPhases bounds the polyphase table. Odd input rates give ratios
	// with thousands of phases; with 1024 the filter is taken at the
	// nearest 1/1024 of an input sample, a timing error of 0.1 us at
	// 11 kHz, 60 dB below a 3 kHz component.
	maxPhases = 1024
)

// resample converts y, sampled at in/fac Hz, to out Hz (out at most the
// input rate) with a polyphase windowed-sinc filter. y is returned as it is
// when the rates are equal.
func resample(y []float32, in, fac, out int) []float32 {
	// Output sample n sits at input position n*m/l.
	l, m := out*fac, in
	g := gcd(l, m)
	l, m = l/g, m/g
	if l == m || len(y) == 0 {
		return y
	}
	ratio := float64(m) / float64(l)    // input samples per output sample
	wlen := resampleHalfPeriods * ratio // window half-length, input samples
	half := int(math.Ceil(wlen))
	fc := resampleCut / ratio // cut-off in cycles per input sample
	phases := min(l, maxPhases)
	// taps[p] holds the 2*half taps for inputs i0-half+1 .. i0+half when
	// the output lies p/phases of a sample after input i0.
	taps := make([][]float32, phases)
	for p := range taps {
		frac := float64(p) / float64(phases)
		t := make([]float64, 2*half)
		var sum float64
		for j := range t {
			u := float64(j-half+1) - frac // distance from the output, in input samples
			if math.Abs(u) >= wlen {
				continue
			}
			s := 2 * fc
			if u != 0 {
				s = math.Sin(2*math.Pi*fc*u) / (math.Pi * u)
			}
			x := u / wlen // -1..1
			w := 0.42 + 0.5*math.Cos(math.Pi*x) + 0.08*math.Cos(2*math.Pi*x)
			t[j] = s * w
			sum += t[j]
		}
		t32 := make([]float32, len(t))
		for j := range t {
			t32[j] = float32(t[j] / sum)
		}
		taps[p] = t32
	}
	n := int(int64(len(y)) * int64(l) / int64(m))
	z := make([]float32, n)
	for k := range z {
		pos := int64(k) * int64(m)
		i0 := int(pos / int64(l))
		p := int(pos % int64(l))
		if phases < l { // nearest table phase
			p = int(((pos%int64(l))*int64(phases) + int64(l)/2) / int64(l))
			if p == phases {
				p, i0 = 0, i0+1
			}
		}
		t := taps[p]
		lo := i0 - half + 1
		if lo >= 0 && lo+len(t) <= len(y) {
			z[k] = dot(t, y[lo:])
			continue
		}
		var acc float32
		for j, c := range t {
			if i := lo + j; i >= 0 && i < len(y) {
				acc += c * y[i]
			}
		}
		z[k] = acc
	}
	return z
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Hum rejection. Mains hum (50 or 60 Hz and its harmonics, from a ground
// loop, a lamp dimmer, a cheap supply) is periodic with 0.1 s, which is 800
// samples at pitchRate; speech is not. Averaging the samples 0.1 s, 0.2 s,
// ... away (synchronous averaging) gives the hum waveform, and subtracting
// it removes the fundamental and every harmonic at once: a comb filter
// with a notch at every multiple of 10 Hz, whatever the mains frequency
// and the number of harmonics, with a few running sums per sample (a high-
// pass above 60 Hz would leave the harmonics, which carry most of a buzz's
// power). The average is taken, when there is enough of it, over the room
// tone outside the speech only (steady 10 ms blocks away from the sound),
// so no speech leaks into it; otherwise over all samples, where speech 0.1,
// 0.2 s ... away leaks in at about 12 dB below the speech (the comb's
// "ghosts"). The weights are triangular (two running means in cascade), so
// a notch is about 1/span Hz wide.
const (
	// humPeriodSec is the common period of 50 and 60 Hz.
	humPeriodSec = 0.1
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
	// humBlockSec, humSteadyDB: a 10 ms block of room tone and hum has an energy within
	// 6 dB (a factor 4) of the median block (chi-square spread of 80
	// samples: +-0.7 dB); anything louder is an event, not the room.
	humBlockSec = 0.010
	humSteadyDB = 6.0
)

// rejectHum returns y with its 0.1 s-periodic part (mains hum) subtracted,
// or y itself when there is no such part. speech (samples of y, sorted)
// marks the sound: when there is enough outside it, the hum is measured
// there (humQuietSec), where no speech can leak into the average.
func rejectHum(y []float32, speech []segment) []float32 {
	per := int(math.Round(humPeriodSec * pitchRate))
	nb := (len(y) + per - 1) / per
	r := int(math.Round(humSpanSec / humPeriodSec / 2)) // radius of each running mean, in periods
	if nb < 2*r+1 {
		return y // too short to tell hum from speech
	}
	rq := int(math.Round(humQuietSpanSec / humPeriodSec / 2))
	quiet := make([]float32, len(y))
	for i := range quiet {
		quiet[i] = 1
	}
	nq := len(y)
	guard := int(math.Round(humGuardSec * pitchRate))
	for _, s := range speech {
		lo, hi := max(0, s.start-guard), min(len(y), s.end+guard)
		for i := lo; i < hi; i++ {
			quiet[i] = 0
		}
	}
	// Room tone and hum are steady; a tone, a click, a breath or typing
	// outside the speech is not, and would pass for hum in the average
	// (a ring tone of 440 + 480 Hz is periodic in 0.1 s too). So only 10 ms
	// blocks within humSteadyDB of the median quiet block count as quiet.
	blk := int(math.Round(humBlockSec * pitchRate))
	var be []float64
	for b := 0; b+blk <= len(y); b += blk {
		if quiet[b] > 0 && quiet[b+blk-1] > 0 {
			be = append(be, sumSq(y[b:b+blk]))
		}
	}
	lim := quantile(be, 0.5) * math.Pow(10, humSteadyDB/10)
	for b := 0; b < len(y); b += blk {
		e := min(len(y), b+blk)
		if sumSq(y[b:e])*float64(blk) > lim*float64(e-b) {
			for i := b; i < e; i++ {
				quiet[i] = 0
			}
		}
	}
	for _, q := range quiet {
		if q == 0 {
			nq--
		}
	}
	if float64(nq) >= humQuietSec*pitchRate {
		// Is there hum in the quiet? The power of the mean of the quiet
		// samples over +-humQuietSpanSec/2 against what averaging c1 terms
		// leaves of a signal without a 0.1 s period (1/c1 of its power).
		m1, c1 := runningMean(y, quiet, per, rq)
		var eh, ey, inv float64
		for i, q := range quiet {
			if q > 0 {
				eh += float64(m1[i]) * float64(m1[i])
				ey += float64(y[i]) * float64(y[i])
				inv += 1 / float64(c1[i])
			}
		}
		if eh <= ey*inv/float64(nq)*math.Pow(10, humMinDB/10) {
			return y
		}
		// The hum is the same triangle as below, over the quiet samples
		// only: the second mean weights the first by its number of terms.
		hq, cq := runningMean(m1, c1, per, rq)
		// Where speech lasts too long for quiet samples nearby, the quiet
		// samples of a span humWideFac times as long stand in, and where
		// even those are too few, the mean over all samples (with its
		// ghosts).
		var hw, cw, h []float32
		z := make([]float32, len(y))
		for i, v := range y {
			if cq[i] >= humMinTerms*float32(rq+1) {
				z[i] = v - hq[i]
				continue
			}
			if hw == nil {
				m1, c1 := runningMean(y, quiet, per, humWideFac*rq)
				hw, cw = runningMean(m1, c1, per, humWideFac*rq)
			}
			if cw[i] >= humMinTerms*float32(humWideFac*rq+1) {
				z[i] = v - hw[i]
				continue
			}
			if h == nil {
				h = triangle(y, per, r)
			}
			z[i] = v - h[i]
		}
		return z
	}
	h := triangle(y, per, r)
	// Power of the average against what averaging does to a signal with
	// no 0.1 s period: for a triangle of two means of 2r+1 terms, the sum
	// of the squared weights is about 2/(3(2r+1)).
	var eh, ey float64
	for i, v := range h {
		eh += float64(v) * float64(v)
		ey += float64(y[i]) * float64(y[i])
	}
	if eh <= ey*2/(3*float64(2*r+1))*math.Pow(10, humMinDB/10) {
		return y
	}
	z := make([]float32, len(y))
	for i, v := range y {
		z[i] = v - h[i]
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
