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
	return rejectHum(highpass(y, hpHz), pitchRate, sp)
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
