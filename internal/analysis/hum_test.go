package analysis

import (
	"math"
	"testing"
)

// Hum louder than the voice (-30 dBFS, four equal harmonics, over a voice
// at -25 to -31 dBFS), with the speech not known (as the comb runs before
// detection): the comb takes it down by 35 dB or more over the whole clip,
// which it could not with speech 0.1 s ... away leaking into its average
// (ghosts 15-35 dB under the speech, in the room around it). Also at
// 11025 Hz, where the comb's period is 0.2 s.
func TestRejectHumUnderVoice(t *testing.T) {
	for _, rc := range readReal(t, "real07.wav", "real14.wav", "real24.wav") {
		for _, rate := range []int{rc.clip.Rate, 11025} {
			clean := rc.clip
			if rate != clean.Rate {
				clean = sincResample(clean, rate)
			}
			for _, mains := range []float64{50, 60} {
				c := addHum(clean, mains, []float64{1, 1, 1, 1}, -30)
				w := decimate(c.Samples, float64(rate), detectRate)
				cw := decimate(clean.Samples, float64(rate), detectRate)
				y := rejectHum(w.y, w.rate, nil)
				var eh, er float64
				for i := range y {
					h := float64(w.y[i] - cw.y[i])
					d := float64(y[i] - cw.y[i]) // hum left, ghosts, noise taken away
					eh += h * h
					er += d * d
				}
				db := 10 * math.Log10(eh/er)
				t.Logf("%s at %d Hz, %v Hz hum: down %.1f dB", rc.name, rate, mains, db)
				if db < 35 {
					t.Errorf("%s at %d Hz, %v Hz hum: down %.1f dB, want >= 35", rc.name, rate, mains, db)
				}
			}
		}
	}
}

// A voice of steady pitch (a synthesiser's 120 Hz, periodic in 0.1 s like
// hum) in room tone without hum is left as it is: hum is what the room
// holds, and in digital silence too little room is no reason to comb.
func TestRejectHumSteadyVoice(t *testing.T) {
	for _, tc := range []struct {
		name  string
		noise float64 // dBFS of the room tone, 0: digital silence
	}{{"in room tone", -60}, {"in digital silence", 0}} {
		t.Run(tc.name, func(t *testing.T) {
			g := &synth{rate: 16000}
			g.silence(0.6).voiced(2, 120, 8, -22).silence(0.3).voiced(1.5, 150, 6, -22).silence(0.6)
			c := g.clip()
			if tc.noise != 0 {
				c = addNoise(c, tc.noise, 9)
			}
			if y := rejectHum(c.Samples, float64(c.Rate), nil); &y[0] != &c.Samples[0] {
				t.Error("the voice was taken for hum")
			}
		})
	}
}
