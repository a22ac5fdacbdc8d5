package ui_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"fallback/internal/practice"
	"fallback/internal/store"
	"fallback/internal/ui"
)

// readerMic "reads the passage": speak of syllable-modulated voice after
// 0.5 s, then silence until stopped (the 3 s silence rule ends the take).
type readerMic struct{ speak time.Duration }

func (m readerMic) SampleRate() int { return 16000 }

func (m readerMic) Record(ctx context.Context, sink func([]float32) error) error {
	chunk := make([]float32, 320)
	for i := 0; ctx.Err() == nil; i++ {
		for j := range chunk {
			t := float64(i*len(chunk)+j) / 16000
			chunk[j] = 0
			if t > 0.5 && t < 0.5+m.speak.Seconds() {
				f0 := 180 + 15*math.Sin(2*math.Pi*0.3*t)
				chunk[j] = float32(0.1 * (math.Sin(2*math.Pi*f0*t) + 0.5*math.Sin(4*math.Pi*f0*t) + 0.3*math.Sin(6*math.Pi*f0*t)) * (0.6 - 0.4*math.Cos(2*math.Pi*4*t)))
			}
		}
		if err := sink(chunk); err != nil {
			return err
		}
	}
	return nil
}

func TestFirstStartCalibratesAndKeepsTheBaseline(t *testing.T) {
	tests := []struct {
		name    string
		speak   time.Duration
		wantOK  bool
		wantMsg string
	}{
		{"a full reading gives a baseline", 14 * time.Second, true, "Your calm voice"},
		{"a short reading is refused and can be read again", 2 * time.Second, false, "cannot be used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var saved []store.Baseline
			shown := make(chan string, 8)
			steps := make(chan string, 16)
			deps := ui.Deps{
				Scenarios: scenarios(), DataDir: t.TempDir(), NeedsCalibration: true,
				Recorder: func() (practice.Recorder, error) { return readerMic{speak: tt.speak}, nil },
				SaveBaseline: func(_ context.Context, b *store.Baseline) error {
					mu.Lock()
					defer mu.Unlock()
					saved = append(saved, *b)
					return nil
				},
				Shown: func(s string) { shown <- s },
				Log:   func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) },
			}
			a, w := newUI(t, deps)
			waitShown(t, shown, "Calibration")
			if got := texts(t, w.Canvas()); !strings.Contains(got, "Every morning the delivery vans") {
				t.Fatalf("calibration should show the passage:\n%s", got)
			}
			key(w.Canvas(), fyne.KeySpace)
			var step string
			select {
			case step = <-steps:
			case <-time.After(30 * time.Second):
				t.Fatal("the reading was never measured")
			}
			if got := texts(t, w.Canvas()); !strings.Contains(got, tt.wantMsg) {
				t.Errorf("after reading (%s) the screen lacks %q:\n%s", step, tt.wantMsg, got)
			}
			key(w.Canvas(), fyne.KeyReturn)
			if tt.wantOK {
				waitShown(t, shown, "Scenarios")
			}
			done := make(chan struct{})
			a.Close(10*time.Second, func() { close(done) })
			<-done
			mu.Lock()
			defer mu.Unlock()
			if tt.wantOK != (len(saved) == 1) {
				t.Fatalf("saved %d baselines, want ok=%v", len(saved), tt.wantOK)
			}
			if tt.wantOK {
				b := saved[0]
				if b.ArticulationRate < 2 || b.ArticulationRate > 8 || b.MeanDBFS > -10 || b.F0MedianHz < 150 || b.F0MedianHz > 220 || b.RecordingPath == "" {
					t.Errorf("baseline %+v: want a plausible rate, level, pitch about 180 Hz and its recording", b)
				}
			}
		})
	}
}
