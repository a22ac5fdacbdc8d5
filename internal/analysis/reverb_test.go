package analysis

import (
	"math"
	"testing"

	"fallback/internal/pcm"
)

// schroeder returns c through a Schroeder reverberator (Schroeder 1962,
// JASA 34:1819: four parallel feedback combs at 29.7, 37.1, 41.1 and
// 43.7 ms, then all-passes of 5.0 and 1.7 ms with gain 0.7) whose energy
// decays by 60 dB in rt60 seconds, the wet signal added drrDB under the
// dry one (RMS over the clip), the dry path unchanged.
func schroeder(c pcm.Clip, rt60, drrDB float64) pcm.Clip {
	rate := float64(c.Rate)
	x := c.Samples
	wet := make([]float64, len(x))
	for _, ms := range []float64{29.7, 37.1, 41.1, 43.7} {
		d := int(math.Round(ms / 1000 * rate))
		g := math.Pow(10, -3*(float64(d)/rate)/rt60)
		buf := make([]float64, len(x))
		for i := range x {
			v := float64(x[i])
			if i >= d {
				v += g * buf[i-d]
			}
			buf[i] = v
			wet[i] += v
		}
	}
	for _, ms := range []float64{5.0, 1.7} {
		d := int(math.Round(ms / 1000 * rate))
		const g = 0.7
		in := append([]float64(nil), wet...)
		for i := range wet {
			v := -g * in[i]
			if i >= d {
				v += in[i-d] + g*wet[i-d]
			}
			wet[i] = v
		}
	}
	var ed, ew float64
	for i := range x {
		ed += float64(x[i]) * float64(x[i])
		ew += wet[i] * wet[i]
	}
	k := math.Sqrt(ed/ew) * math.Pow(10, -drrDB/20)
	y := make([]float32, len(x))
	for i := range x {
		y[i] = x[i] + float32(k*wet[i])
	}
	return pcm.Clip{Rate: c.Rate, Samples: y}
}

// TestReverberantRooms puts real voices, dry, into rooms (Schroeder
// reverberators, RT60 0.4-0.8 s with the wet field 10 or 6 dB under the
// direct sound: a desk microphone in an office or a classroom) at 8 to
// 48 kHz. The tails fill 0.3-0.5 s pauses and trail the offset; the dry
// edges are the truth. Over the rooms, the pauses must come out right in
// at least 80 % of the clips and the offset's mean error be within the
// issue's 100 ms for reverberant speech.
func TestReverberantRooms(t *testing.T) {
	files := []string{"real07.wav", "real13.wav", "real15.wav", "real18.wav", "real21.wav", "real26.wav", "real33.wav", "real42.wav", "real45.wav"}
	rooms := []struct{ rt60, drr float64 }{{0.4, 10}, {0.6, 10}, {0.8, 10}, {0.6, 6}}
	var right, n int
	var offErr float64
	for _, f := range files {
		rc := loadReal(t, f)
		for _, room := range rooms {
			r, err := Analyze(schroeder(rc.clip, room.rt60, room.drr), Options{Cue: rc.cueDur()})
			if err != nil || r.NoSpeech {
				t.Fatalf("%s in RT60 %.1f s: %v %+v", f, room.rt60, err, r)
			}
			n++
			if len(r.Pauses) == len(rc.pauses) {
				right++
			} else {
				t.Logf("%s (%d Hz) RT60 %.1f s DRR %.0f dB: pauses %v, truth %v", f, rc.clip.Rate, room.rt60, room.drr, r.Pauses, rc.pauses)
			}
			offErr += math.Abs(sec(r.Offset) - rc.offset)
		}
	}
	if share := float64(right) / float64(n); share < 0.8 {
		t.Errorf("pauses right in %d of %d reverberant clips", right, n)
	}
	if mae := offErr / float64(n); mae > 0.100 {
		t.Errorf("offset mean error %.0f ms in reverberant rooms", 1000*mae)
	}
}

// TestReverberantFiles: the realcorpus's reverberant files (sox reverb)
// have every pause found, the dry offset within 100 ms and the onset
// where it was.
func TestReverberantFiles(t *testing.T) {
	for _, rc := range readReal(t, "real08.wav", "real38.wav", "real47.wav") {
		a := newAnalyser(rc.clip, rc.cueDur(), DefaultMinPause)
		r := a.run()
		if a.roomDecay(a.tailed) == 0 {
			t.Errorf("%s: room taken for dry", rc.name)
		}
		if len(r.Pauses) != len(rc.pauses) {
			t.Errorf("%s: pauses %v, truth %v", rc.name, r.Pauses, rc.pauses)
		}
		if d := sec(r.Offset) - rc.offset; math.Abs(d) > 0.100 {
			t.Errorf("%s: offset %.3f, truth %.3f", rc.name, sec(r.Offset), rc.offset)
		}
		if d := sec(r.Onset) - rc.onset; math.Abs(d) > 0.03 {
			t.Errorf("%s: onset %.3f, truth %.3f", rc.name, sec(r.Onset), rc.onset)
		}
	}
}

// TestDryClipsKeepTheirEnds: in dry recordings (a quiet room, pink noise
// at 10 and 20 dB SNR, a fan, buzz, breaths, clipping, every sample rate)
// no end is cut as a tail: every segment is kept, and ends no earlier than
// before the cut (where noise hides an end, refineEnds may carry it on).
func TestDryClipsKeepTheirEnds(t *testing.T) {
	for _, rc := range readReal(t, "real07.wav", "real13.wav", "real24.wav", "real36.wav", "real03.wav", "real22.wav", "real17.wav", "real19.wav", "real31.wav", "real09.wav", "real41.wav", "real21.wav") {
		a := newAnalyser(rc.clip, rc.cueDur(), DefaultMinPause)
		a.run()
		kept := len(a.active) == len(a.tailed)
		for k := 0; kept && k < len(a.active); k++ {
			kept = a.active[k].start == a.tailed[k].start && a.active[k].end >= a.tailed[k].end
		}
		if !kept {
			t.Errorf("%s (%s): ends cut in a dry recording: %v, uncut %v", rc.name, rc.class, a.active, a.tailed)
		}
	}
}
