package analysis

import "math"

// Noise whitening. Coloured noise (pink noise, hum, fan rumble) has most of
// its power in a few low-frequency components, so its short-time energy
// fluctuates by many dB and a fixed margin above the floor is crossed by the
// noise itself. Filtering the clip with the inverse of an all-pole model of
// the noise (linear prediction, Makhoul 1975, Proc. IEEE 63:561) makes the
// noise white: its 10 ms energy then has the chi-square spread that marginDB
// is set for, and speech stands out in every band where it exceeds the
// noise, which is the likelihood-ratio idea of statistical VADs (Sohn, Kim &
// Sung 1999, IEEE Signal Process. Lett. 6:1).
const (
	// lpcOrder: 12 poles model a smooth noise spectrum (1/f, hum plus a
	// few resonances) at any rate; it is the usual order for 8-16 kHz
	// speech LPC too (Markel & Gray 1976: rate in kHz + 2..4).
	lpcOrder = 12
	// noiseQuantile: the quietest 5 % of 10 ms frames define the noise
	// (a little more than floorQuantile, for enough frames to average).
	noiseQuantile = 0.05
	// detectRate: in noise, detection runs on the band below 0.45 x 16 kHz
	// = 7.2 kHz, which holds nearly all speech energy (wideband speech is
	// coded at 16 kHz, ITU-T G.722); noise above it would only add variance
	// once whitened.
	detectRate = 16000
)

// whiten estimates the noise spectrum from the quietest frames of a.x and,
// if the noise is not digital silence, sets a.z to x band-limited to the
// speech band (decimated to about detectRate) and whitened. It reports
// whether a.z changed.
func (a *analyser) whiten() bool {
	fm := a.frameMS()
	if len(fm) < 20 {
		return false
	}
	q := quantile(fm, noiseQuantile)
	if q <= 0 {
		return false // digital silence: nothing to whiten
	}
	d := a.wide()
	var r [lpcOrder + 1]float64
	w := max(lpcOrder+1, int(math.Round(winSec*d.rate)))
	step := max(1, int(math.Round(winSec/blockSec))) // non-overlapping frames
	for b := 0; b < len(fm); b += step {
		if fm[b] > q {
			continue
		}
		lo := max(0, b*a.blk/d.fac-w/2)
		hi := min(len(d.y), lo+w)
		seg := d.y[lo:hi]
		for k := 0; k <= lpcOrder && k < len(seg); k++ {
			var s float64
			for i := k; i < len(seg); i++ {
				s += float64(seg[i]) * float64(seg[i-k])
			}
			r[k] += s
		}
	}
	if r[0] <= 0 {
		return false
	}
	// A -40 dB white floor (white-noise correction) keeps the model
	// well-conditioned and the filter's gain bounded.
	r[0] *= 1 + 1e-4
	coef, ok := levinson(r[:])
	if !ok {
		return false
	}
	z := make([]float32, len(d.y))
	x := d.y
	var c [lpcOrder + 1]float32
	for k := range c {
		c[k] = float32(coef[k])
	}
	for i := range min(lpcOrder, len(x)) {
		acc := x[i]
		for k := 1; k <= i; k++ {
			acc += c[k] * x[i-k]
		}
		z[i] = acc
	}
	for i := lpcOrder; i < len(x); i++ {
		h := x[i-lpcOrder : i+1 : i+1]
		z[i] = h[12] + c[1]*h[11] + c[2]*h[10] + c[3]*h[9] + c[4]*h[8] +
			c[5]*h[7] + c[6]*h[6] + c[7]*h[5] + c[8]*h[4] +
			c[9]*h[3] + c[10]*h[2] + c[11]*h[1] + c[12]*h[0]
	}
	a.z, a.zrate, a.zfac = z, d.rate, d.fac
	// The whitening filter is causal FIR of order lpcOrder: the last speech
	// sample rings on in z for lpcOrder samples after it ended in x. Offsets
	// found in z are pulled back over that ring (see trimRing); a sample of
	// x more than tailSigma noise deviations out still counts as sound.
	a.ring, a.ringAmp = lpcOrder, float32(tailSigma*math.Sqrt(q))
	return true
}

// tailSigma: |x| above 4 standard deviations of the noise is sound; Gaussian
// noise gets there once in 16 000 samples (dither, bounded at ±2 LSB, never).
const tailSigma = 4

// trimRing moves an offset found in the whitened signal back over the
// filter's ring to just after the last sample of the band-limited input
// that stands out of the noise (never before on+1), so a pause is not
// shortened by the filter itself.
func (a *analyser) trimRing(on, off int) int {
	if a.ring == 0 {
		return off
	}
	y := a.wide().y
	lo := max(on+1, off-a.ring)
	for j := off - 1; j >= lo; j-- {
		if v := y[j]; v > a.ringAmp || v < -a.ringAmp {
			return j + 1
		}
	}
	return lo
}

// levinson solves the normal equations for the prediction-error filter
// 1 + a1 z^-1 + ... from the autocorrelation r.
func levinson(r []float64) ([]float64, bool) {
	p := len(r) - 1
	a := make([]float64, p+1)
	tmp := make([]float64, p+1)
	a[0] = 1
	e := r[0]
	for i := 1; i <= p; i++ {
		acc := r[i]
		for j := 1; j < i; j++ {
			acc += a[j] * r[i-j]
		}
		k := -acc / e
		if math.IsNaN(k) || math.Abs(k) >= 1 {
			return nil, false
		}
		copy(tmp, a)
		for j := 1; j < i; j++ {
			a[j] = tmp[j] + k*tmp[i-j]
		}
		a[i] = k
		e *= 1 - k*k
	}
	return a, true
}
