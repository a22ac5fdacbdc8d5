package analysis

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"fallback/internal/pcm"
)

// Disturbances, mixed in by the tests (generated here, like the
// realcorpus's own, but with other seeds, shapes and levels).

// mix adds v at second at to s (at the rate of s).
func mix(s []float32, rate int, at float64, v []float32) {
	i0 := int(at * float64(rate))
	for i, x := range v {
		if j := i0 + i; j >= 0 && j < len(s) {
			s[j] += x
		}
	}
}

func scaleTo(v []float32, dbfs float64) []float32 {
	var e float64
	for _, x := range v {
		e += float64(x) * float64(x)
	}
	if e == 0 {
		return v
	}
	k := float32(math.Pow(10, dbfs/20) / math.Sqrt(e/float64(len(v))))
	for i := range v {
		v[i] *= k
	}
	return v
}

// bandNoise is white noise through a one-pole high-pass at lo and two
// one-pole low-passes at hi.
func bandNoise(r *rand.Rand, rate int, sec, lo, hi float64) []float32 {
	n := int(sec * float64(rate))
	out := make([]float32, n)
	ah := 1 / (1 + 2*math.Pi*lo/float64(rate))
	al := 1 - math.Exp(-2*math.Pi*hi/float64(rate))
	var px, py, l1, l2 float64
	for i := range out {
		x := r.NormFloat64()
		y := ah * (py + x - px)
		px, py = x, y
		l1 += al * (y - l1)
		l2 += al * (l1 - l2)
		out[i] = float32(l2)
	}
	return out
}

// breath: 0.35 s of 0.5-3.5 kHz noise with a smooth rise and fall.
func breath(r *rand.Rand, rate int, dbfs float64) []float32 {
	v := bandNoise(r, rate, 0.35, 500, 3500)
	for i := range v {
		v[i] *= float32(math.Sin(math.Pi * float64(i) / float64(len(v))))
	}
	return scaleTo(v, dbfs)
}

// click: 6 ms of a damped 2.5 kHz resonance plus a noise transient.
func click(r *rand.Rand, rate int, dbfs float64) []float32 {
	n := int(0.006 * float64(rate))
	v := make([]float32, n)
	for i := range v {
		t := float64(i) / float64(rate)
		env := math.Exp(-t / 0.002)
		v[i] = float32(env * (math.Sin(2*math.Pi*2500*t) + 0.5*r.NormFloat64()))
	}
	return scaleTo(v, dbfs)
}

// keystroke: a 6 ms press (noise and a 3.5 kHz ring, with a 10 ms 300 Hz
// thock) and a weaker release 60 ms later.
func keystroke(r *rand.Rand, rate int, dbfs float64) []float32 {
	n := int(0.08 * float64(rate))
	v := make([]float32, n)
	for i := 0; i < int(0.012*float64(rate)); i++ {
		t := float64(i) / float64(rate)
		v[i] = float32(math.Exp(-t/0.0015)*(r.NormFloat64()+math.Sin(2*math.Pi*3500*t)) +
			0.6*math.Exp(-t/0.004)*math.Sin(2*math.Pi*300*t))
	}
	rel := int(0.06 * float64(rate))
	for i := 0; i < int(0.005*float64(rate)) && rel+i < n; i++ {
		t := float64(i) / float64(rate)
		v[rel+i] = float32(0.4 * math.Exp(-t/0.001) * r.NormFloat64())
	}
	return scaleTo(v, dbfs)
}

// typing: n keystrokes 170 ms apart.
func typing(r *rand.Rand, rate int, n int, dbfs float64) []float32 {
	v := make([]float32, int(float64(n)*0.17*float64(rate))+int(0.1*float64(rate)))
	for k := range n {
		mix(v, rate, float64(k)*0.17, keystroke(r, rate, dbfs))
	}
	return v
}

// hum: mains at f0 with harmonics 2..k (amplitudes falling as 1/h).
func hum(rate int, sec, f0 float64, k int, dbfs float64) []float32 {
	v := make([]float32, int(sec*float64(rate)))
	for i := range v {
		t := float64(i) / float64(rate)
		var s float64
		for h := 1; h <= k; h++ {
			s += math.Sin(2*math.Pi*f0*float64(h)*t+float64(h)) / float64(h)
		}
		v[i] = float32(s)
	}
	return scaleTo(v, dbfs)
}

// fan: low-passed noise (below 1 kHz) switched on with a 0.5 s ramp.
func fan(r *rand.Rand, rate int, sec float64, dbfs float64) []float32 {
	v := scaleTo(bandNoise(r, rate, sec, 20, 1000), dbfs)
	ramp := int(0.5 * float64(rate))
	for i := 0; i < ramp && i < len(v); i++ {
		v[i] *= float32(0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(ramp)))
	}
	return v
}

// tone: a gated sum of sines with 5 ms ramps.
func tone(rate int, sec float64, dbfs float64, freqs ...float64) []float32 {
	v := make([]float32, int(sec*float64(rate)))
	ramp := 0.005 * float64(rate)
	for i := range v {
		t := float64(i) / float64(rate)
		var s float64
		for _, f := range freqs {
			s += math.Sin(2 * math.Pi * f * t)
		}
		g := min(1, float64(i)/ramp, float64(len(v)-1-i)/ramp)
		v[i] = float32(s * g)
	}
	return scaleTo(v, dbfs)
}

// cough: 0.3 s of noise through a 400-700 Hz and a 1.2-2 kHz band, fast
// attack and exponential decay.
func cough(r *rand.Rand, rate int, dbfs float64) []float32 {
	a := bandNoise(r, rate, 0.3, 400, 700)
	b := bandNoise(r, rate, 0.3, 1200, 2000)
	for i := range a {
		t := float64(i) / float64(rate)
		a[i] = float32((float64(a[i]) + float64(b[i])) * math.Min(1, t/0.008) * math.Exp(-t/0.08))
	}
	return scaleTo(a, dbfs)
}

func roomTone(r *rand.Rand, rate int, sec, dbfs float64) []float32 {
	v := make([]float32, int(sec*float64(rate)))
	a := math.Pow(10, dbfs/20)
	for i := range v {
		v[i] = float32(a * r.NormFloat64())
	}
	return v
}

// TestRealVoiceWithDisturbances mixes breaths, clicks, typing, a cough,
// hum, buzz and a fan into real recordings, before the onset, in the
// pauses and after the offset, and checks that none of them moves the
// onset, ends a pause or extends the offset.
func TestRealVoiceWithDisturbances(t *testing.T) {
	type place struct {
		what string
		at   func(rc realClip) float64 // start of the event, s
	}
	lead := func(d float64) func(realClip) float64 { return func(rc realClip) float64 { return rc.onset - d } }
	inPause := func(d float64) func(realClip) float64 {
		return func(rc realClip) float64 { return rc.pauses[0][0] + d }
	}
	after := func(d float64) func(realClip) float64 { return func(rc realClip) float64 { return rc.offset + d } }
	cases := []struct {
		name   string
		file   string
		events []place
		offTol float64 // s
	}{
		{"breaths", "real14.wav", []place{{"breath", lead(0.50)}, {"breath", inPause(0.5)}, {"breath", after(0.08)}}, 0.05},
		{"clicks", "real24.wav", []place{{"click", lead(0.3)}, {"click", lead(0.12)}, {"click", inPause(0.3)}, {"click", after(0.15)}}, 0.05},
		{"typing", "real14.wav", []place{{"typing", lead(1.5)}, {"typing", inPause(0.2)}}, 0.05},
		{"cough", "real14.wav", []place{{"cough", inPause(0.6)}}, 0.05},
		{"hum 50 Hz -40 dBFS", "real18.wav", []place{{"hum50", func(realClip) float64 { return 0 }}}, 0.05},
		{"buzz 60 Hz -45 dBFS", "real07.wav", []place{{"buzz60", func(realClip) float64 { return 0 }}}, 0.05},
		{"fan switching on in the pause", "real14.wav", []place{{"fan", inPause(0.2)}}, 0.05},
		{"fan switching on before the onset", "real24.wav", []place{{"fan", lead(1.2)}}, 0.05},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := loadReal(t, tc.file)
			rate := rc.clip.Rate
			s := append([]float32(nil), rc.clip.Samples...)
			dur := float64(len(s)) / float64(rate)
			r := rand.New(rand.NewPCG(7, uint64(len(tc.name))))
			for _, e := range tc.events {
				at := e.at(rc)
				var v []float32
				switch e.what {
				case "breath":
					v = breath(r, rate, -38)
				case "click":
					v = click(r, rate, -32)
				case "typing":
					v = typing(r, rate, 5, -33)
				case "cough":
					v = cough(r, rate, rc.speechDBFS)
				case "hum50":
					v = hum(rate, dur, 50, 6, -40)
				case "buzz60":
					v = hum(rate, dur, 60, 5, -45)
				case "fan":
					v = fan(r, rate, dur-at, rc.floorDBFS+14)
				}
				mix(s, rate, at, v)
			}
			c := pcm.Clip{Rate: rate, Samples: s}
			rep, err := Analyze(c, Options{Cue: rc.cueDur()})
			if err != nil || rep.NoSpeech {
				t.Fatalf("%v %+v", err, rep)
			}
			if d := sec(rep.Onset) - rc.onset; math.Abs(d) > 0.03 {
				t.Errorf("onset %.3f, truth %.3f", sec(rep.Onset), rc.onset)
			}
			if d := sec(rep.Offset) - rc.offset; math.Abs(d) > tc.offTol {
				t.Errorf("offset %.3f, truth %.3f", sec(rep.Offset), rc.offset)
			}
			if len(rep.Pauses) != len(rc.pauses) {
				t.Fatalf("pauses %v, truth %v", rep.Pauses, rc.pauses)
			}
			for i, p := range rep.Pauses {
				if math.Abs(sec(p.Start)-rc.pauses[i][0]) > 0.05 || math.Abs(sec(p.End)-rc.pauses[i][1]) > 0.05 {
					t.Errorf("pause %d %.3f-%.3f, truth %.3f-%.3f", i, sec(p.Start), sec(p.End), rc.pauses[i][0], rc.pauses[i][1])
				}
			}
		})
	}
}

// TestDisturbancesAloneAreNoSpeech: room tone with only non-speech sounds
// in it is no speech.
func TestDisturbancesAloneAreNoSpeech(t *testing.T) {
	const rate = 16000
	type ev struct {
		at float64
		v  func(r *rand.Rand) []float32
	}
	cases := []struct {
		name string
		evs  []ev
	}{
		{"breaths", []ev{{0.5, func(r *rand.Rand) []float32 { return breath(r, rate, -36) }}, {2.0, func(r *rand.Rand) []float32 { return breath(r, rate, -40) }}}},
		{"clicks", []ev{{0.4, func(r *rand.Rand) []float32 { return click(r, rate, -30) }}, {0.9, func(r *rand.Rand) []float32 { return click(r, rate, -34) }}, {2.5, func(r *rand.Rand) []float32 { return click(r, rate, -30) }}}},
		{"typing", []ev{{0.3, func(r *rand.Rand) []float32 { return typing(r, rate, 8, -30) }}, {2.4, func(r *rand.Rand) []float32 { return typing(r, rate, 5, -34) }}}},
		{"coughs", []ev{{0.6, func(r *rand.Rand) []float32 { return cough(r, rate, -26) }}, {1.0, func(r *rand.Rand) []float32 { return cough(r, rate, -30) }}}},
		{"ring tone", []ev{{0.8, func(*rand.Rand) []float32 { return tone(rate, 1.0, -26, 440, 480) }}}},
		{"beeps", []ev{{0.5, func(*rand.Rand) []float32 { return tone(rate, 0.25, -20, 1000) }}, {1.5, func(*rand.Rand) []float32 { return tone(rate, 0.5, -20, 440) }}}},
		{"hum -30 dBFS and a breath", []ev{{0, func(*rand.Rand) []float32 { return hum(rate, 4, 50, 6, -30) }}, {1.5, func(r *rand.Rand) []float32 { return breath(r, rate, -38) }}}},
		{"buzz -45 dBFS and a click", []ev{{0, func(*rand.Rand) []float32 { return hum(rate, 4, 60, 5, -45) }}, {2.0, func(r *rand.Rand) []float32 { return click(r, rate, -30) }}}},
		{"fan switching on", []ev{{1.5, func(r *rand.Rand) []float32 { return fan(r, rate, 2.5, -48) }}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, uint64(len(tc.name))))
			s := roomTone(r, rate, 4, -62)
			for _, e := range tc.evs {
				mix(s, rate, e.at, e.v(r))
			}
			rep, err := Analyze(pcm.Clip{Rate: rate, Samples: s}, Options{})
			if err != nil || !rep.NoSpeech {
				t.Errorf("want no speech: %v onset %v offset %v syllables %d", err, rep.Onset, rep.Offset, rep.Syllables)
			}
			// Live: Speaking never on, except that a steady tone is known
			// as one only after toneDriftSec (plus the unvoiced hold).
			l := NewLive(rate)
			run, longest := 0, 0
			for k := 0; k+160 <= len(s); k += 160 {
				if l.Push(s[k : k+160]).Speaking {
					run++
					longest = max(longest, run)
				} else {
					run = 0
				}
			}
			lim := 0
			if strings.Contains(tc.name, "tone") || strings.Contains(tc.name, "beep") {
				lim = int((toneDriftSec+unvoicedMaxSec)/0.01) + 5
			}
			if longest > lim {
				t.Errorf("Live: Speaking for %d chunks of 10 ms in a row (at most %d)", longest, lim)
			}
		})
	}
}

// TestLiveOnRealVoice: the live pace agrees with the offline articulation
// rate on real speech, and Speaking is on in the answer and off after it.
func TestLiveOnRealVoice(t *testing.T) {
	var offSyl, offSec, livePk, liveSec float64
	for _, name := range []string{"real07.wav", "real13.wav", "real14.wav", "real18.wav", "real24.wav", "real34.wav", "real45.wav"} {
		rc := loadReal(t, name)
		rep, err := Analyze(rc.clip, Options{})
		if err != nil || rep.NoSpeech {
			t.Fatalf("%s: %v %+v", name, err, rep)
		}
		offSyl += float64(rep.Syllables)
		offSec += (rep.SpeakingTime() - rep.PauseTotal).Seconds()
		l := NewLive(rc.clip.Rate)
		chunk := rc.clip.Rate / 50 // 20 ms, like a recorder's buffer
		spokeIn, spokeAfter := false, false
		for k := 0; k < len(rc.clip.Samples); k += chunk {
			st := l.Push(rc.clip.Samples[k:min(len(rc.clip.Samples), k+chunk)])
			tm := float64(k+chunk) / float64(rc.clip.Rate)
			if st.Speaking && tm > rc.onset && tm < rc.offset {
				spokeIn = true
			}
			if st.Speaking && tm > rc.offset+unvoicedMaxSec+0.05 {
				spokeAfter = true
			}
		}
		if !spokeIn || spokeAfter {
			t.Errorf("%s: Speaking during the answer %v, after it %v", name, spokeIn, spokeAfter)
		}
		livePk += float64(l.allPeaks)
		liveSec += float64(l.allSpeech) * liveBlockSec
	}
	off, live := offSyl/offSec, livePk/liveSec
	if math.Abs(live/off-1) > 0.15 {
		t.Errorf("live pace %.2f syl/s, offline articulation rate %.2f: more than 15 %% apart", live, off)
	}
	t.Logf("live pace %.2f syl/s, offline articulation rate %.2f", live, off)
}

// TestQualityOnRealVoice: ClipShare of a real answer clipped in the test,
// 0 unclipped; NoiseFloorDBFS follows added room noise.
func TestQualityOnRealVoice(t *testing.T) {
	rc := loadReal(t, "real14.wav")
	rep, _ := Analyze(rc.clip, Options{})
	if rep.ClipShare > 1e-4 { // a handful of samples near the peak
		t.Errorf("unclipped: ClipShare %v", rep.ClipShare)
	}
	if math.Abs(rep.NoiseFloorDBFS-rc.floorDBFS) > 1.5 {
		t.Errorf("NoiseFloorDBFS %.2f, room tone %.2f", rep.NoiseFloorDBFS, rc.floorDBFS)
	}
	// Drive it 6 dB past a ceiling of 0.9 (a preamp, not the converter).
	var peak float32
	for _, v := range rc.clip.Samples {
		peak = max(peak, v, -v)
	}
	g := 0.9 * 2 / peak
	s := make([]float32, len(rc.clip.Samples))
	lo, hi := int(rc.onset*float64(rc.clip.Rate)), int(rc.offset*float64(rc.clip.Rate))
	clipped := 0
	for i, v := range rc.clip.Samples {
		s[i] = max(-0.9, min(0.9, v*g))
		if (s[i] == 0.9 || s[i] == -0.9) && i >= lo && i < hi {
			clipped++
		}
	}
	want := float64(clipped) / float64(hi-lo)
	rep, _ = Analyze(pcm.Clip{Rate: rc.clip.Rate, Samples: s}, Options{})
	// The denominator differs: the speech samples, not onset..offset with
	// its 1.5 s pause and the gaps between words (a third of the span
	// here), so the share is up to 1.6 times the share of the span.
	if rep.ClipShare < want || rep.ClipShare > 1.6*want {
		t.Errorf("ClipShare %.4f, clipped share of onset..offset %.4f", rep.ClipShare, want)
	}
	// Room noise at -45 dBFS over the -67 dBFS room tone.
	r := rand.New(rand.NewPCG(3, 4))
	n := roomTone(r, rc.clip.Rate, float64(len(s))/float64(rc.clip.Rate), -45)
	for i := range n {
		n[i] += rc.clip.Samples[i]
	}
	rep, _ = Analyze(pcm.Clip{Rate: rc.clip.Rate, Samples: n}, Options{})
	if math.Abs(rep.NoiseFloorDBFS+45) > 1 {
		t.Errorf("NoiseFloorDBFS %.2f with -45 dBFS noise", rep.NoiseFloorDBFS)
	}
}

// TestRangeBound: in digital silence, a voiced sound 60 dB under the
// answer is not speech (the range bound is 55 dB under its loud frames).
func TestRangeBound(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(0.3).voiced(1.5, 140, 6, -20).silence(0.6).voiced(0.5, 140, 2, -80).silence(0.3)
	rep, err := Analyze(g.clip(), Options{})
	if err != nil || rep.NoSpeech {
		t.Fatalf("%v %+v", err, rep)
	}
	if math.Abs(sec(rep.Offset)-1.8) > 0.02 || len(rep.Pauses) != 0 {
		t.Errorf("offset %v pauses %v: the -80 dBFS murmur counted as speech", rep.Offset, rep.Pauses)
	}
}

// pink is n samples of pink noise (Paul Kellet's economy filter: three
// one-pole sections, within 0.5 dB of 1/f above 40 Hz at 44.1 kHz) at an
// RMS of dbfs.
func pink(r *rand.Rand, n int, dbfs float64) []float32 {
	v := make([]float32, n)
	var b0, b1, b2 float64
	for i := range v {
		w := r.NormFloat64()
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		v[i] = float32(b0 + b1 + b2 + w*0.1848)
	}
	return scaleTo(v, dbfs)
}

// TestVoicedEndsInPinkNoise: real voices at 8-48 kHz under pink noise
// 20 and 10 dB below the speech. Noise hides a word's faint end, so an
// end may come early, but what the voice band adds (bandOn) must never
// carry an end into the silence after it: no offset and no pause start
// more than 20 ms (two level frames' hop) after the truth.
func TestVoicedEndsInPinkNoise(t *testing.T) {
	for _, snr := range []float64{20, 10} {
		for _, f := range []string{"real07.wav", "real13.wav", "real14.wav", "real18.wav", "real24.wav", "real36.wav", "real45.wav", "real21.wav"} {
			rc := loadReal(t, f)
			r := rand.New(rand.NewPCG(3, uint64(len(f))))
			s := append([]float32(nil), rc.clip.Samples...)
			mix(s, rc.clip.Rate, 0, pink(r, len(s), rc.speechDBFS-snr))
			rep, err := Analyze(pcm.Clip{Rate: rc.clip.Rate, Samples: s}, Options{Cue: rc.cueDur()})
			if err != nil || rep.NoSpeech {
				t.Fatalf("%s at %.0f dB SNR: %v %+v", f, snr, err, rep)
			}
			if d := sec(rep.Offset) - rc.offset; d > 0.020 {
				t.Errorf("%s at %.0f dB SNR: offset %.3f, truth %.3f", f, snr, sec(rep.Offset), rc.offset)
			}
			for _, p := range rep.Pauses {
				for _, tp := range rc.pauses {
					if sec(p.End) > tp[0] && sec(p.Start) < tp[1] && sec(p.Start)-tp[0] > 0.020 {
						t.Errorf("%s at %.0f dB SNR: pause starts %.3f, truth %.3f", f, snr, sec(p.Start), tp[0])
					}
				}
			}
		}
	}
}
