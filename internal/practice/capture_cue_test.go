package practice

import (
	"math/rand/v2"
	"testing"
	"time"

	"fallback/internal/pcm"
)

func TestFindTone(t *testing.T) {
	tone := CueTone()
	rng := rand.New(rand.NewPCG(3, 4))
	noise := func(n int, amp float32) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = amp * float32(rng.NormFloat64())
		}
		return s
	}
	withTone := func(at int, noiseAmp float32) pcm.Clip {
		s := noise(testRate*2, noiseAmp)
		for i, v := range tone.Samples {
			s[at+i] += v
		}
		return pcm.Clip{Rate: testRate, Samples: s}
	}
	const at = 5000 // the tone ends at sample 5000+2400 = 462.5 ms
	wantEnd := pcm.Clip{Rate: testRate}.Time(at + len(tone.Samples))
	tests := []struct {
		name   string
		rec    pcm.Clip
		cue    time.Duration // the stream-timing estimate
		want   time.Duration
		wantOK bool
	}{
		{name: "tone in silence, estimate late", rec: withTone(at, 0), cue: wantEnd + 30*time.Millisecond, want: wantEnd, wantOK: true},
		{name: "tone in noise at 10 dB SNR, estimate early", rec: withTone(at, 0.08), cue: wantEnd - 90*time.Millisecond, want: wantEnd, wantOK: true},
		{name: "tone outside the window", rec: withTone(at, 0), cue: wantEnd + time.Second},
		{name: "no tone (headset): noise", rec: pcm.Clip{Rate: testRate, Samples: noise(testRate*2, 0.1)}, cue: wantEnd},
		{name: "no tone: voice", rec: pcm.Clip{Rate: testRate, Samples: voice(2 * time.Second)}, cue: wantEnd},
		{name: "other rate", rec: pcm.Clip{Rate: 48000, Samples: make([]float32, 48000)}, cue: wantEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := findTone(tt.rec, tone, tt.cue)
			if ok != tt.wantOK || (ok && (got-tt.want).Abs() > time.Millisecond) {
				t.Errorf("findTone = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
