package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"fallback/internal/pcm"
)

// synth builds test signals at a given rate.
type synth struct {
	rate int
	s    []float32
}

func (g *synth) silence(sec float64) *synth {
	g.s = append(g.s, make([]float32, int(math.Round(sec*float64(g.rate))))...)
	return g
}

// voiced appends a "syllable train": a harmonic tone of fundamental f0
// whose amplitude rises and falls n times (one syllable each), at RMS level
// dbfs over the burst.
func (g *synth) voiced(sec, f0 float64, n int, dbfs float64) *synth {
	m := int(math.Round(sec * float64(g.rate)))
	start := len(g.s)
	var e float64
	for i := 0; i < m; i++ {
		t := float64(i) / float64(g.rate)
		var v float64
		for h := 1; h <= 8; h++ {
			v += math.Sin(2*math.Pi*f0*float64(h)*t) / float64(h)
		}
		// raised-cosine syllable envelope, never fully closed (0.1)
		env := 0.1 + 0.9*0.5*(1-math.Cos(2*math.Pi*float64(n)*float64(i)/float64(m)))
		g.s = append(g.s, float32(v*env))
		e += v * env * v * env
	}
	scale := math.Pow(10, dbfs/20) / math.Sqrt(e/float64(m))
	for i := start; i < len(g.s); i++ {
		g.s[i] *= float32(scale)
	}
	return g
}

func (g *synth) clip() pcm.Clip { return pcm.Clip{Rate: g.rate, Samples: g.s} }

func addNoise(c pcm.Clip, dbfs float64, seed uint64) pcm.Clip {
	r := rand.New(rand.NewPCG(seed, 1))
	a := math.Pow(10, dbfs/20)
	out := make([]float32, len(c.Samples))
	for i, v := range c.Samples {
		out[i] = v + float32(r.NormFloat64()*a)
	}
	return pcm.Clip{Rate: c.Rate, Samples: out}
}

func sec(d time.Duration) float64 { return d.Seconds() }

func TestNoSpeech(t *testing.T) {
	for _, c := range []pcm.Clip{
		{Rate: 16000},
		{Rate: 16000, Samples: make([]float32, 16000)},
		addNoise(pcm.Clip{Rate: 16000, Samples: make([]float32, 32000)}, -50, 1),
	} {
		r, err := Analyze(c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.NoSpeech {
			t.Errorf("%d samples: want NoSpeech, got %+v", len(c.Samples), r)
		}
	}
	if _, err := Analyze(pcm.Clip{Rate: 100}, Options{}); !errors.Is(err, ErrRate) {
		t.Errorf("rate 100: %v", err)
	}
}

func TestPausesExact(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		g := &synth{rate: rate}
		g.silence(0.5).voiced(1, 120, 5, -20).silence(0.30).voiced(1, 120, 5, -20).
			silence(0.15).voiced(0.8, 120, 4, -20).silence(0.6).voiced(1, 120, 5, -26).silence(0.5)
		r, err := Analyze(g.clip(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Pauses) != 2 {
			t.Fatalf("%d Hz: pauses %v, want 2 (0.30 s yes, 0.15 s no)", rate, r.Pauses)
		}
		want := [][2]float64{{1.5, 1.8}, {3.75, 4.35}}
		for i, p := range r.Pauses {
			if math.Abs(sec(p.Start)-want[i][0]) > 0.010 || math.Abs(sec(p.End)-want[i][1]) > 0.010 {
				t.Errorf("%d Hz: pause %d = %v-%v, want %v", rate, i, sec(p.Start), sec(p.End), want[i])
			}
		}
		if math.Abs(sec(r.Onset)-0.5) > 0.010 || math.Abs(sec(r.Latency)-0.5) > 0.010 {
			t.Errorf("%d Hz: onset %v latency %v", rate, r.Onset, r.Latency)
		}
	}
}

func TestCueIgnoresEarlierSound(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(0.2).voiced(0.5, 1000, 1, -20).silence(0.8).voiced(1, 150, 5, -20).silence(0.3)
	r, _ := Analyze(g.clip(), Options{Cue: time.Second})
	if math.Abs(sec(r.Onset)-1.5) > 0.01 || math.Abs(sec(r.Latency)-0.5) > 0.01 {
		t.Errorf("onset %v latency %v, want 1.5 s and 0.5 s", r.Onset, r.Latency)
	}
}

func TestNoisyOnset(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(1).voiced(2, 150, 10, -20).silence(0.5).voiced(2, 150, 10, -20).silence(1)
	r, _ := Analyze(addNoise(g.clip(), -30, 7), Options{})
	if r.NoSpeech || math.Abs(sec(r.Onset)-1) > 0.05 || len(r.Pauses) != 1 {
		t.Fatalf("10 dB SNR: %+v", r)
	}
}

func TestLevels(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(0.3).voiced(2, 150, 8, -30).silence(0.5).voiced(2, 150, 8, -24).silence(0.3)
	r, _ := Analyze(g.clip(), Options{})
	want := 10 * math.Log10((math.Pow(10, -3)+math.Pow(10, -2.4))/2)
	if math.Abs(r.MeanDBFS-want) > 0.1 || math.Abs(r.FirstHalfDBFS+30) > 0.1 || math.Abs(r.SecondHalfDBFS+24) > 0.1 {
		t.Errorf("levels %.2f %.2f %.2f, want %.2f -30 -24", r.MeanDBFS, r.FirstHalfDBFS, r.SecondHalfDBFS, want)
	}
	if r.Trend != TrendRising {
		t.Errorf("trend %v", r.Trend)
	}
}

func TestPitchTone(t *testing.T) {
	for _, f0 := range []float64{85, 120, 210, 320} {
		g := &synth{rate: 16000}
		g.silence(0.2).voiced(2, f0, 6, -20).silence(0.2)
		r, _ := Analyze(g.clip(), Options{})
		if math.Abs(r.F0MedianHz/f0-1) > 0.01 {
			t.Errorf("F0 %v: got %.2f", f0, r.F0MedianHz)
		}
	}
}

func TestLiveZeroAlloc(t *testing.T) {
	l := NewLive(48000)
	chunk := make([]float32, 480)
	for i := range chunk {
		chunk[i] = float32(0.1 * math.Sin(float64(i)))
	}
	if n := testing.AllocsPerRun(1000, func() { l.Push(chunk) }); n != 0 {
		t.Errorf("Push allocates %v times", n)
	}
}

func TestLiveLevelAndPace(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(0.5).voiced(3, 150, 12, -20) // 4 syllables/s
	l := NewLive(16000)
	var st LiveStats
	for s := g.s; len(s) > 0; {
		k := min(len(s), 256)
		st = l.Push(s[:k])
		s = s[k:]
	}
	if math.Abs(st.RollingDBFS+20) > 1.5 {
		t.Errorf("rolling level %.2f, want about -20", st.RollingDBFS)
	}
	if st.PaceSPS < 3.5 || st.PaceSPS > 4.5 {
		t.Errorf("pace %.2f, want about 4", st.PaceSPS)
	}
	if st := l.Push(make([]float32, 160)); st.LevelDBFS != MinDBFS {
		t.Errorf("silence level %v", st.LevelDBFS)
	}
}

func TestClippingAndExtremes(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(0.3).voiced(1.5, 130, 6, 0).silence(0.3) // driven far past full scale
	for i, v := range g.s {
		g.s[i] = max(-1, min(1, v))
	}
	r, err := Analyze(g.clip(), Options{})
	if err != nil || r.NoSpeech || math.Abs(sec(r.Onset)-0.3) > 0.01 || math.Abs(r.F0MedianHz/130-1) > 0.01 {
		t.Errorf("clipped: %v %+v", err, r)
	}
	// NaN and Inf samples are treated as silence, never as numbers.
	c := g.clip()
	c.Samples = append([]float32{float32(math.NaN()), float32(math.Inf(1))}, c.Samples...)
	if r, err := Analyze(c, Options{}); err != nil || r.NoSpeech || math.IsNaN(r.MeanDBFS) {
		t.Errorf("NaN: %v %+v", err, r)
	}
	// Very short clips.
	for _, n := range []int{1, 10, 159, 161} {
		if _, err := Analyze(pcm.Clip{Rate: 16000, Samples: make([]float32, n)}, Options{}); err != nil {
			t.Error(err)
		}
	}
	// A cue beyond the end of the clip.
	if r, _ := Analyze(g.clip(), Options{Cue: time.Hour}); !r.NoSpeech {
		t.Errorf("cue after the end: %+v", r)
	}
}

func TestLongClip(t *testing.T) {
	if testing.Short() {
		t.Skip("10-minute clip")
	}
	// Tile one 4.55 s cycle (synthesis under -race is slow).
	cycle := speechLike(8000, 4.55).Samples
	c := pcm.Clip{Rate: 8000, Samples: make([]float32, 0, 600*8000)}
	for len(c.Samples)+len(cycle) <= cap(c.Samples) {
		c.Samples = append(c.Samples, cycle...)
	}
	r, err := Analyze(c, Options{})
	if err != nil || r.NoSpeech {
		t.Fatalf("%v %+v", err, r)
	}
	// speechLike repeats 0.4 s silence + 2.5 s + 0.15 s gap + 1.5 s: one
	// pause per 4.55 s cycle (the 0.15 s gap is not one).
	if n := len(r.Pauses); n < 128 || n > 132 {
		t.Errorf("%d pauses in 10 minutes, want ~131", n)
	}
}

func TestSyllableRate(t *testing.T) {
	// 4 and 6 bursts per second at a steady F0: the count is the number of
	// bursts +- 1.
	for _, n := range []int{8, 12} {
		g := &synth{rate: 16000}
		g.silence(0.4).voiced(2, 140, n, -22).silence(0.4)
		r, _ := Analyze(g.clip(), Options{})
		if r.Syllables < n-1 || r.Syllables > n+1 {
			t.Errorf("%d bursts: %d syllables", n, r.Syllables)
		}
	}
}

func TestQuantile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for n := 1; n < 200; n += 7 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(r.IntN(20)) // many ties
		}
		s := slices.Clone(v)
		slices.Sort(s)
		for _, q := range []float64{0, 0.03, 0.5, 0.99, 1} {
			if got, want := quantile(v, q), s[min(n-1, int(q*float64(n)))]; got != want {
				t.Fatalf("n=%d q=%v: %v, want %v", n, q, got, want)
			}
		}
	}
}

// TestRealWorldFloors: real recordings never have digital silence. A DC
// offset (a badly biased converter) or a noise floor as low as dither must
// not cost a pause, move an edge or change the level.
func TestRealWorldFloors(t *testing.T) {
	g := &synth{rate: 16000}
	g.silence(0.5).voiced(1, 120, 5, -20).silence(0.30).voiced(1, 120, 5, -20).
		silence(0.15).voiced(0.8, 120, 4, -20).silence(0.6).voiced(1, 120, 5, -26).silence(0.5)
	clean, err := Analyze(g.clip(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dc := func(c pcm.Clip, off float32) pcm.Clip {
		out := slices.Clone(c.Samples)
		for i := range out {
			out[i] += off
		}
		return pcm.Clip{Rate: c.Rate, Samples: out}
	}
	tests := []struct {
		name string
		clip pcm.Clip
	}{
		{"DC offset +0.02", dc(g.clip(), 0.02)},
		{"DC offset -0.005", dc(g.clip(), -0.005)},
		{"noise at -90 dBFS (dither)", addNoise(g.clip(), -90, 3)},
		{"noise at -70 dBFS", addNoise(g.clip(), -70, 4)},
		{"DC and noise", dc(addNoise(g.clip(), -80, 5), 0.01)},
	}
	// A DC step at the first sample must not read as a click that starts
	// the answer (it would, 0.15 s before speech: within a pause of it).
	short := &synth{rate: 16000}
	short.silence(0.15).voiced(1, 120, 5, -20).silence(0.5)
	r, err := Analyze(addNoise(dc(short.clip(), 0.02), -90, 6), Options{})
	if err != nil || r.NoSpeech || math.Abs(sec(r.Onset)-0.15) > 0.005 {
		t.Errorf("DC with a 0.15 s lead-in: onset %.4f s (err %v), want 0.15 s", sec(r.Onset), err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Analyze(tt.clip, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Pauses) != 2 {
				t.Fatalf("pauses %v, want 2 (the 0.30 s silence counts, the 0.15 s gap does not)", r.Pauses)
			}
			for i, p := range r.Pauses {
				if d := math.Abs(sec(p.Len()) - sec(clean.Pauses[i].Len())); d > 0.005 {
					t.Errorf("pause %d lasts %.4f s, %.4f s on the clean clip", i, sec(p.Len()), sec(clean.Pauses[i].Len()))
				}
			}
			if d := math.Abs(sec(r.Onset) - sec(clean.Onset)); d > 0.005 {
				t.Errorf("onset %.4f s, clean %.4f s", sec(r.Onset), sec(clean.Onset))
			}
			if d := math.Abs(r.MeanDBFS - clean.MeanDBFS); d > 0.1 {
				t.Errorf("mean %.2f dBFS, clean %.2f dBFS", r.MeanDBFS, clean.MeanDBFS)
			}
		})
	}
}
