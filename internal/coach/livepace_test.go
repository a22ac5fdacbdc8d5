package coach_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
)

// syllables is a synthetic voice: lead seconds of room noise, then n
// syllables per second for dur seconds, each a 150 Hz vowel-like tone
// filling 80 % of its slot, with 20 ms ramps.
func syllables(rate int, lead, dur, perSec float64) pcm.Clip {
	total := int((lead + dur + 0.5) * float64(rate))
	s := make([]float32, total)
	seed := uint32(1)
	for i := range s {
		seed = seed*1664525 + 1013904223
		s[i] = 0.0005 * (float32(seed>>8)/float32(1<<24) - 0.5) // ≈ -75 dBFS room
		t := float64(i)/float64(rate) - lead
		if t < 0 || t >= dur {
			continue
		}
		in := math.Mod(t*perSec, 1) / perSec // seconds into the slot
		on := 0.8 / perSec
		if in < on {
			env := min(1, in/0.02, (on-in)/0.02)
			s[i] += float32(0.1 * env * math.Sin(2*math.Pi*150*t))
		}
	}
	return pcm.Clip{Rate: rate, Samples: s}
}

// TestLivePace: the calm live pace scales with the syllable rate and does
// not depend on the sample rate. Its absolute value is analysis.Live's:
// nuclei per second of what Live calls speech, between the syllable rate
// (4/s, if the 50 ms gaps count as speech) and the rate over the tones
// alone (5/s, if they do not).
func TestLivePace(t *testing.T) {
	ref := coach.LivePace(syllables(16000, 0.5, 20, 4))
	if ref < 4*0.97 || ref > 5*1.03 {
		t.Fatalf("LivePace of 4 syllables/s = %.3f, want 4–5", ref)
	}
	tests := []struct {
		name string
		clip pcm.Clip
		want float64 // relative to 4 syllables/s at 16 kHz
	}{
		{"5 syllables/s at 16 kHz", syllables(16000, 0.5, 20, 5), 1.25},
		{"3 syllables/s at 16 kHz", syllables(16000, 0.5, 20, 3), 0.75},
		{"4 syllables/s at 48 kHz, same pace", syllables(48000, 0.5, 20, 4), 1},
		{"4 syllables/s at 8 kHz, same pace", syllables(8000, 0.5, 20, 4), 1},
		{"1.5 s of speech never fills the window", syllables(16000, 0.5, 1.5, 4), 0},
		{"room noise only", syllables(16000, 5, 0, 4), 0},
		{"empty clip", pcm.Clip{Rate: 16000}, 0},
		{"no rate", pcm.Clip{Samples: make([]float32, 100)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := coach.LivePace(tt.clip) / ref
			if math.Abs(got-tt.want) > 0.03*tt.want {
				t.Errorf("LivePace = %.3f × that of 4 syllables/s, want %.3f ± 3 %%", got, tt.want)
			}
		})
	}
}

func TestBaselineFromClip(t *testing.T) {
	tests := []struct {
		name string
		clip pcm.Clip
	}{
		{"20 s of syllables", syllables(16000, 0.5, 20, 4)},
		{"room noise only", syllables(16000, 5, 0, 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := coach.BaselineFromClip(tt.clip, analysis.Options{})
			r, aerr := analysis.Analyze(tt.clip, analysis.Options{})
			if aerr != nil {
				t.Fatalf("Analyze: %v", aerr)
			}
			want, werr := coach.BaselineFrom(r)
			if (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
				t.Fatalf("BaselineFromClip error = %v, BaselineFrom of the report = %v", err, werr)
			}
			t.Logf("baseline %+v, error %v", got, err)
			if err != nil {
				return
			}
			want.LivePaceSPS = coach.LivePace(tt.clip)
			got.TakenAt, want.TakenAt = time.Time{}, time.Time{}
			if got != want || got.LivePaceSPS == 0 {
				t.Errorf("BaselineFromClip = %+v, want %+v with a live pace", got, want)
			}
		})
	}
	if _, err := coach.BaselineFromClip(pcm.Clip{Rate: 1000, Samples: make([]float32, 1000)}, analysis.Options{}); !errors.Is(err, analysis.ErrRate) || !strings.HasPrefix(err.Error(), "calibrate: ") {
		t.Errorf("BaselineFromClip of a 1 kHz clip = %v, want a calibrate error wrapping analysis.ErrRate", err)
	}
}
