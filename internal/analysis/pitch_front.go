package analysis

import "math"

// The pitch signal: the decimated signal brought to exactly pitchRate, with
// mains hum removed.

// pitchSignal returns d at exactly pitchRate (resampled when d's rate is
// not pitchRate: 44.1 kHz input gives d at 11025 Hz) with hum rejected.
func pitchSignal(d decimated) []float32 {
	in := int(math.Round(d.rate * float64(d.fac))) // the input rate, an integer
	y := resample(d.y, in, d.fac, pitchRate)
	return rejectHum(y)
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
// and the number of harmonics, with two running sums per sample. The
// average is over humSpanSec to each side with triangular weights (two
// running means in cascade), so a notch is about 1/humSpanSec Hz wide:
// mains that drifts by 0.05 Hz (its usual tolerance) puts the 6th harmonic
// 0.3 Hz off, still inside the notch.
const (
	// humPeriodSec is the common period of 50 and 60 Hz.
	humPeriodSec = 0.1
	// humSpanSec: half-width of the average. Each notch removes about
	// humPeriodSec/(2*humSpanSec) of the band around it, and speech from
	// the neighbouring 0.1 s steps leaks into the average at about that
	// power ratio (the comb's "ghosts"): 1 s keeps them ~12 dB below the
	// speech while tracking hum whose level changes over a second or two
	// (an AGC).
	humSpanSec = 1.0
	// humMinDB: the hum is removed only when the averaged waveform has at
	// least 3 dB (a factor 2) more power than averaging gives a signal
	// without a 0.1 s period, i.e. when at least half of it is hum;
	// otherwise the comb would mostly add its ghosts (on clean speech they
	// raise the median F0 by about 1 %).
	humMinDB = 3.0
)

// rejectHum returns y with its 0.1 s-periodic part (mains hum) subtracted,
// or y itself when there is no such part.
func rejectHum(y []float32) []float32 {
	per := int(math.Round(humPeriodSec * pitchRate))
	nb := (len(y) + per - 1) / per
	r := int(math.Round(humSpanSec / humPeriodSec / 2)) // radius of each running mean, in periods
	if nb < 2*r+1 {
		return y // too short to tell hum from speech
	}
	h := runningMean(y, per, r)
	h = runningMean(h, per, r)
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

// runningMean returns, for every sample i of x, the mean of x[i+k*per] for
// k = -r..r (the terms inside x), with one running sum per phase.
func runningMean(x []float32, per, r int) []float32 {
	n := len(x)
	nb := (n + per - 1) / per
	out := make([]float32, n)
	acc := make([]float64, per)
	cnt := make([]float64, per)
	add := func(b int, s float64) {
		if b < 0 || b >= nb {
			return
		}
		lo := b * per
		hi := min(n, lo+per)
		for i := lo; i < hi; i++ {
			acc[i-lo] += s * float64(x[i])
			cnt[i-lo] += s
		}
	}
	for b := 0; b < r; b++ {
		add(b, 1)
	}
	for b := 0; b < nb; b++ {
		add(b+r, 1)
		add(b-r-1, -1)
		lo := b * per
		hi := min(n, lo+per)
		for i := lo; i < hi; i++ {
			if c := cnt[i-lo]; c > 0 {
				out[i] = float32(acc[i-lo] / c)
			}
		}
	}
	return out
}
