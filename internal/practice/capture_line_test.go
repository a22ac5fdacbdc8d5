package practice

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fallback/internal/pcm"
)

// voice is a harmonic-rich voiced-like signal at about -20 dBFS,
// syllable-modulated at 4 Hz (as practice_test's buzz).
func voice(d time.Duration) []float32 {
	n := int(d.Seconds() * testRate)
	s := make([]float32, n)
	for i := range s {
		t := float64(i) / testRate
		v := 0.0
		for h := 1; h <= 8; h++ {
			v += math.Sin(2*math.Pi*150*float64(h)*t) / float64(h)
		}
		s[i] = float32(0.1 * (0.55 - 0.45*math.Cos(2*math.Pi*4*t)) * v)
	}
	return s
}

// TestRecordLineKeepsTheOldLine: a rep's own line is replaced only by a
// complete take with speech. On a device error, a stall or a take with no
// speech the line on disk stays byte for byte, and no partial take is
// left beside it (it is removed: a half line is of no use as a customer
// line, unlike a half answer).
func TestRecordLineKeepsTheOldLine(t *testing.T) {
	speech := append(voice(time.Second), make([]float32, testRate/5)...)
	tests := []struct {
		name     string
		rec      func(release chan struct{}) *scriptRec
		wantErr  error // nil: the take replaces the line
		replaced bool
	}{
		{name: "complete take with speech replaces it", replaced: true,
			rec: func(chan struct{}) *scriptRec { return &scriptRec{signal: speech, total: 300} }},
		{name: "device lost mid-take", wantErr: errFail,
			rec: func(chan struct{}) *scriptRec { return &scriptRec{signal: speech, failAt: 30} }},
		{name: "microphone hangs mid-take", wantErr: ErrStalled,
			rec: func(r chan struct{}) *scriptRec { return &scriptRec{signal: speech, blockAt: 30, release: r} }},
		{name: "silence only", wantErr: ErrNoSpeech,
			rec: func(chan struct{}) *scriptRec { return &scriptRec{signal: []float32{}, total: 100} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "line.wav")
			old := pcm.Clip{Rate: testRate, Samples: voice(500 * time.Millisecond)}
			if err := pcm.WriteFile(path, old); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			release := make(chan struct{})
			defer close(release)
			rec := tt.rec(release)
			rec.unpaced = true // RecordLine makes its own capture: no pacing hook
			clip, err := RecordLine(t.Context(), rec, path, nil)
			after, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatalf("the line is gone: %v", rerr)
			}
			if tt.replaced {
				if err != nil {
					t.Fatalf("RecordLine: %v", err)
				}
				got, err := pcm.ReadFile(path)
				if err != nil || len(got.Samples) != len(clip.Samples) || bytes.Equal(before, after) {
					t.Errorf("line not replaced by the take: %v, %d samples on disk, %d recorded", err, len(got.Samples), len(clip.Samples))
				}
			} else {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("RecordLine error %v, want %v", err, tt.wantErr)
				}
				if !bytes.Equal(before, after) {
					t.Errorf("a failed take changed the line on disk")
				}
			}
			left, _ := filepath.Glob(filepath.Join(dir, "*"))
			if len(left) != 1 {
				t.Errorf("files left: %q, want only line.wav", left)
			}
		})
	}
}
