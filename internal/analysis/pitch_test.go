package analysis

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"fallback/internal/pcm"
)

// sincResample converts c to rate with a plain windowed sinc evaluated at
// every output sample (slow and independent of the analyser's resampler):
// the reference a test converts its inputs with.
func sincResample(c pcm.Clip, rate int) pcm.Clip {
	ratio := float64(rate) / float64(c.Rate)
	fc := 0.45 * min(1, ratio) // cut-off, cycles per input sample
	half := int(math.Ceil(8 / (2 * fc)))
	out := make([]float32, int(float64(len(c.Samples))*ratio))
	for k := range out {
		pos := float64(k) / ratio
		i0 := int(pos)
		var acc, ws float64
		for i := i0 - half + 1; i <= i0+half; i++ {
			u := float64(i) - pos
			w := 0.5 + 0.5*math.Cos(math.Pi*u/float64(half))
			s := 2 * fc
			if u != 0 {
				s = math.Sin(2*math.Pi*fc*u) / (math.Pi * u)
			}
			ws += s * w
			if i >= 0 && i < len(c.Samples) {
				acc += s * w * float64(c.Samples[i])
			}
		}
		out[k] = float32(acc / ws)
	}
	return pcm.Clip{Rate: rate, Samples: out}
}

// addHum returns c plus a mains hum of fundamental f0 and the given
// relative harmonic amplitudes, at RMS level dbfs.
func addHum(c pcm.Clip, f0 float64, amps []float64, dbfs float64) pcm.Clip {
	var p float64
	for _, a := range amps {
		p += a * a / 2
	}
	g := math.Pow(10, dbfs/20) / math.Sqrt(p)
	out := make([]float32, len(c.Samples))
	for i, v := range c.Samples {
		t := float64(i) / float64(c.Rate)
		var h float64
		for k, a := range amps {
			h += a * math.Sin(2*math.Pi*f0*float64(k+1)*t+float64(k))
		}
		out[i] = v + float32(g*h)
	}
	return pcm.Clip{Rate: c.Rate, Samples: out}
}

func medianF0(t *testing.T, c pcm.Clip, cue time.Duration) float64 {
	t.Helper()
	r, err := Analyze(c, Options{Cue: cue})
	if err != nil || r.NoSpeech {
		t.Fatalf("%d Hz: no speech (%v)", c.Rate, err)
	}
	return r.F0MedianHz
}

// realRateClips: plain files of the four voices, recorded at 44.1, 48, 16
// and 8 kHz.
var realRateClips = []string{"real07.wav", "real14.wav", "real18.wav", "real24.wav"}

// The median F0 of a real voice does not depend on the rate the recording
// was made at: copies at 8-96 kHz agree within 1 %.
func TestPitchRealRates(t *testing.T) {
	for _, rc := range readReal(t, realRateClips...) {
		t.Run(rc.name, func(t *testing.T) {
			var f0s []float64
			for _, rate := range []int{8000, 16000, 22050, 44100, 48000, 96000} {
				c := rc.clip
				if rate != c.Rate {
					c = sincResample(c, rate)
				}
				f0 := medianF0(t, c, rc.cueDur())
				if e := f0/rc.f0 - 1; math.Abs(e) > 0.05 {
					t.Errorf("%d Hz: median F0 %.1f Hz, reference %.1f Hz (%+.1f %%)", rate, f0, rc.f0, 100*e)
				}
				f0s = append(f0s, f0)
			}
			if lo, hi := slices.Min(f0s), slices.Max(f0s); hi/lo-1 > 0.01 {
				t.Errorf("medians %.1f over the rates: spread %.2f %%, want <= 1 %%", f0s, 100*(hi/lo-1))
			}
		})
	}
}

// Mains hum at -30 dBFS (a pure 60 Hz tone; 50 or 60 Hz with three
// harmonics) does not move the median F0 of a real voice by more than
// 10 %, where a gross error is 20 % (before hum rejection a 60 Hz tone gave
// 68.6 Hz for a 247 Hz voice).
func TestPitchRealHum(t *testing.T) {
	hums := []struct {
		name string
		f0   float64
		amps []float64
	}{
		{"60 Hz tone", 60, []float64{1}},
		{"50 Hz + 3 harmonics", 50, []float64{1, 1, 1, 1}},
		{"60 Hz + 3 harmonics", 60, []float64{1, 1, 1, 1}},
	}
	for _, rc := range readReal(t, realRateClips...) {
		for _, h := range hums {
			t.Run(rc.name+" "+h.name, func(t *testing.T) {
				f0 := medianF0(t, addHum(rc.clip, h.f0, h.amps, -30), rc.cueDur())
				if e := f0/rc.f0 - 1; math.Abs(e) > 0.10 {
					t.Errorf("median F0 %.1f Hz, reference %.1f Hz (%+.1f %%)", f0, rc.f0, 100*e)
				}
			})
		}
	}
}

// withNoise returns c plus white Gaussian noise at RMS level dbfs.
func withNoise(c pcm.Clip, dbfs float64, seed uint64) pcm.Clip {
	r := rand.New(rand.NewPCG(seed, 2))
	a := math.Pow(10, dbfs/20)
	out := make([]float32, len(c.Samples))
	for i, v := range c.Samples {
		out[i] = v + float32(a*r.NormFloat64())
	}
	return pcm.Clip{Rate: c.Rate, Samples: out}
}

// trackMedian is the median F0 of the tracker over segs of c, decimated as
// Analyze does (to about 16 kHz, then to about decimRate).
func trackMedian(c pcm.Clip, segs []segment) float64 {
	w := decimate(c.Samples, float64(c.Rate), 16000)
	d := decimate(w.y, w.rate, decimRate)
	d.fac *= w.fac
	var v []float64
	for _, p := range track(d, segs) {
		if p.f0 > 0 {
			v = append(v, p.f0)
		}
	}
	return quantile(v, 0.5)
}

// Over the same speech (the clauses of the truth, so that speech detection
// plays no part), the tracker gives the same median F0 within 2 % with
// -30 dBFS mains hum as without.
func TestPitchTrackHum(t *testing.T) {
	for _, rc := range readReal(t, realRateClips...) {
		clean := trackMedian(rc.clip, rc.segs)
		for _, h := range []struct {
			f0   float64
			amps []float64
		}{{60, []float64{1}}, {50, []float64{1, 1, 1, 1}}, {60, []float64{1, 0.6, 0.8, 0.4, 0.5}}} {
			got := trackMedian(addHum(rc.clip, h.f0, h.amps, -30), rc.segs)
			if e := got/clean - 1; math.Abs(e) > 0.02 {
				t.Errorf("%s, %v Hz hum %v: median %.1f Hz, %.1f Hz without (%+.2f %%)", rc.name, h.f0, h.amps, got, clean, 100*e)
			}
		}
	}
}

// glide is a voiced sound whose F0 goes from f1 to f2 and back over sec
// seconds (log-linear, with eight harmonics falling 6 dB per octave), at
// -20 dBFS, with its true F0 at every sample.
func glide(rate int, sec, f1, f2 float64) (pcm.Clip, []float64) {
	n := int(sec * float64(rate))
	x := make([]float32, n)
	f := make([]float64, n)
	var ph float64
	for i := range x {
		u := float64(i) / float64(n)
		tri := 1 - math.Abs(2*u-1) // 0 -> 1 -> 0
		f[i] = f1 * math.Pow(f2/f1, tri)
		ph += 2 * math.Pi * f[i] / float64(rate)
		var v float64
		for h := 1; h <= 8; h++ {
			v += math.Sin(float64(h)*ph) / float64(h)
		}
		x[i] = float32(0.1 * v / 1.3)
	}
	return pcm.Clip{Rate: rate, Samples: x}, f
}

// trackClip runs the pitch tracker over the samples [lo, hi) of c.
func trackClip(c pcm.Clip, lo, hi int) (decimated, []pitchFrame) {
	d := decimate(c.Samples, float64(c.Rate), decimRate)
	return d, track(d, []segment{{lo, hi}})
}

// glideRoomSec: the glide sits between 1.2 s of room tone on each side, as
// an answer does: hum is told from a voice of steady pitch by its presence
// in the room (rejectHum needs humQuietSec of it).
const glideRoomSec = 1.2

// A glide is followed frame by frame at every rate, with no octave jump,
// also under -30 dBFS hum.
func TestPitchGlide(t *testing.T) {
	cases := []struct {
		name   string
		rate   int
		f1, f2 float64
		hum    bool
	}{
		{"male 16 kHz", 16000, 80, 200, false},
		{"female 44.1 kHz", 44100, 160, 400, false},
		{"male 8 kHz", 8000, 90, 220, false},
		{"male 48 kHz with 60 Hz hum", 48000, 80, 200, true},
		{"female 22.05 kHz with 50 Hz hum", 22050, 160, 400, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, gf := glide(tc.rate, 2, tc.f1, tc.f2)
			pad := int(glideRoomSec * float64(tc.rate))
			c := pcm.Clip{Rate: tc.rate, Samples: append(append(make([]float32, pad), g.Samples...), make([]float32, pad)...)}
			f := append(append(make([]float64, pad), gf...), make([]float64, pad)...)
			if tc.hum {
				mains := 60.0
				if tc.rate == 22050 {
					mains = 50
				}
				c = addHum(c, mains, []float64{1, 0.6, 0.8, 0.4}, -30)
			}
			c = withNoise(c, -60, 5)
			d, fr := trackClip(c, pad, pad+len(gf))
			var voiced, bad int
			for _, p := range fr {
				i := int(math.Round(float64(p.t * d.fac))) // sample of c
				if i < pad+len(gf)/20 || i >= pad+len(gf)-len(gf)/20 {
					continue // the window reaches past the ends of the glide
				}
				if p.f0 == 0 {
					continue
				}
				voiced++
				if math.Abs(p.f0/f[i]-1) > 0.02 {
					bad++
					if bad <= 3 {
						t.Logf("%.3f s: %.1f Hz, true %.1f Hz", float64(i)/float64(c.Rate), p.f0, f[i])
					}
				}
			}
			if inner := len(fr) * 9 / 10; voiced < inner*95/100 {
				t.Errorf("%d voiced frames of %d", voiced, inner)
			}
			if bad > 0 {
				t.Errorf("%d of %d voiced frames off by more than 2 %%", bad, voiced)
			}
		})
	}
}

// The resampler gives the band of decimation: a tone resampled from 44.1,
// 22.05 or 11.025 kHz to pitchRate comes out with the gain decimation by 2
// from 16 kHz gives it, and without delay.
func TestResample(t *testing.T) {
	tone := func(rate int, hz float64) []float32 {
		x := make([]float32, rate) // one second
		for i := range x {
			x[i] = float32(math.Sin(2 * math.Pi * hz * float64(i) / float64(rate)))
		}
		return x
	}
	for _, hz := range []float64{100, 1000, 2000, 3000} {
		// gain of decimation 16 -> 8 kHz at hz
		d := decimate(tone(16000, hz), 16000, decimRate)
		var num, den float64
		for k := 100; k < len(d.y)-100; k++ {
			s := math.Sin(2 * math.Pi * hz * float64(k) / pitchRate)
			num += float64(d.y[k]) * s
			den += s * s
		}
		g := num / den
		for _, in := range []int{44100, 22050, 11025} {
			fac := max(1, in/16000) // as wide() decimates 44.1 kHz to 22.05
			x := tone(in/fac, hz)
			y := resample(x, in, fac, pitchRate)
			if len(y) != pitchRate {
				t.Fatalf("%d Hz: %d samples, want %d", in, len(y), pitchRate)
			}
			var worst float64
			for k := 100; k < len(y)-100; k++ {
				want := g * math.Sin(2*math.Pi*hz*float64(k)/pitchRate)
				worst = max(worst, math.Abs(float64(y[k])-want))
			}
			if worst > 0.02 {
				t.Errorf("%d Hz -> %d Hz, %v Hz tone: off by %.4f from decimation's gain %.3f", in, pitchRate, hz, worst, g)
			}
		}
	}
}

// rejectHum removes a 50 or 60 Hz hum with harmonics by at least 20 dB and
// leaves a signal without hum as it is.
func TestRejectHum(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	noise := make([]float32, 5*pitchRate)
	for i := range noise {
		noise[i] = float32(0.01 * r.NormFloat64())
	}
	if y := rejectHum(noise, pitchRate, nil); &y[0] != &noise[0] {
		t.Error("noise without hum was filtered")
	}
	for _, mains := range []float64{50, 60, 60.05} {
		x := make([]float32, len(noise))
		h := make([]float64, len(noise))
		for i := range x {
			tt := float64(i) / pitchRate
			for k := 1; k <= 5; k++ {
				h[i] += 0.02 / float64(k) * math.Sin(2*math.Pi*mains*float64(k)*tt+float64(k))
			}
			x[i] = noise[i] + float32(h[i])
		}
		y := rejectHum(x, pitchRate, nil)
		var eh, er float64
		for i := pitchRate; i < len(y)-pitchRate; i++ {
			eh += h[i] * h[i]
			d := float64(y[i] - noise[i]) // hum left, plus what the comb took from the noise
			er += d * d
		}
		if db := 10 * math.Log10(eh/er); db < 12 {
			t.Errorf("%v Hz: hum down %.1f dB", mains, db)
		}
	}
}
