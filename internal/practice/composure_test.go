package practice_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fallback/internal/practice"
)

// sweep is buzz with its fundamental going log-linearly from f1 to f2.
func sweep(d time.Duration, f1, f2 float64) []float32 {
	n := int(d.Seconds() * rate)
	s := make([]float32, n)
	var ph float64
	for i := range s {
		t := float64(i) / rate
		ph += 2 * math.Pi * f1 * math.Pow(f2/f1, float64(i)/float64(n)) / rate
		v := 0.0
		for h := 1; h <= 8; h++ {
			v += math.Sin(float64(h)*ph) / float64(h)
		}
		env := 0.55 - 0.45*math.Cos(2*math.Pi*4*t)
		s[i] = float32(0.1 * env * v)
	}
	return s
}

// The customer's line is measured with its pitch trend, and composure
// judges the rep's pitch against it: a customer line rising from 150 to
// 200 Hz (about +2.5 semitones from its first half to its second) and a
// level answer "held your pitch"; an answer rising as much mirrored it.
func TestComposureJudgesTheCustomersPitch(t *testing.T) {
	line := cat(silence(300*time.Millisecond), sweep(2*time.Second, 150, 200), silence(300*time.Millisecond))
	tests := []struct {
		name   string
		answer []float32
		want   string
	}{
		{"level answer", buzz(2 * time.Second), "you held your pitch"},
		{"rising answer", sweep(2*time.Second, 150, 200), "you mirrored the customer's pitch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, fsys := testScenarioWith(fstest.MapFS{"l1.wav": {Data: wavBytes(t, line)}})
			mic := &fakeMic{answers: [][]float32{cat(silence(900*time.Millisecond), tt.answer)}, cued: make(chan struct{}, 1)}
			run, err := practice.New(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: &fakeSpeaker{},
				DataDir: t.TempDir(), SilenceStop: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			res, err := rig{run: run, mic: mic}.turn(context.Background(), nil)
			if err != nil || res.Report.NoSpeech {
				t.Fatalf("turn: %v (no speech %v)", err, res.Report.NoSpeech)
			}
			if tr := res.Customer.F0TrendST; math.Abs(tr-12*math.Log2(200.0/150)/2) > 0.25 {
				t.Errorf("customer pitch trend %+.2f semitones, want about +2.5", tr)
			}
			if !strings.Contains(res.Composure.Note, tt.want) {
				t.Errorf("composure %q, want it to say %q", res.Composure.Note, tt.want)
			}
		})
	}
}
