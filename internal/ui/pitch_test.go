package ui_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/store"
	"fallback/internal/ui"
)

// glidingAnswer is 0.8 s of room, then 3 s of a voice (eight harmonics, in
// syllables of 0.25 s) whose F0 glides log-linearly from f1 to f2, then
// 0.8 s of room, at 16 kHz with -60 dBFS noise. Its pitch trend is half
// the glide: 6·log2(f2/f1) semitones.
func glidingAnswer(f1, f2 float64) pcm.Clip {
	const rate = 16000
	room, voice := int(0.8*rate), 3*rate
	x := make([]float32, 2*room+voice)
	var ph float64
	for i := range voice {
		ph += 2 * math.Pi * f1 * math.Pow(f2/f1, float64(i)/float64(voice)) / rate
		var v float64
		for h := 1; h <= 8; h++ {
			v += math.Sin(float64(h)*ph) / float64(h)
		}
		env := 0.1 + 0.45*(1-math.Cos(2*math.Pi*4*float64(i)/rate))
		x[room+i] = float32(0.08 * env * v)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] += float32(0.001 * r.NormFloat64())
	}
	return pcm.Clip{Rate: rate, Samples: x}
}

// relayout lays the window's content out again, as the GL driver does on
// its next frame when a content's minimum size has changed (a report shown
// in place of the recording area); the test canvas draws no frames, so a
// resize by one unit and back does it.
func relayout(w fyne.Window) {
	s := w.Canvas().Size()
	w.Resize(s.AddWidthHeight(1, 0))
	w.Resize(s)
}

// firstTimeline is the first timeline on c (nil: none).
func firstTimeline(t *testing.T, c fyne.Canvas) *ui.Timeline {
	t.Helper()
	var tl *ui.Timeline
	visit(t, c, func(o fyne.CanvasObject) {
		if v, ok := o.(*ui.Timeline); ok && tl == nil {
			tl = v
		}
	})
	return tl
}

// tracePixels counts the pixels of the timeline's raster in the theme's
// primary colour: the pitch trace's.
func tracePixels(t *testing.T, tl *ui.Timeline) int {
	t.Helper()
	_, img := timelineRaster(t, tl)
	pr, pg, pb, _ := theme.Color(theme.ColorNamePrimary).RGBA()
	n := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			if cr, cg, cb, ca := img.At(x, y).RGBA(); ca != 0 && cr == pr && cg == pg && cb == pb {
				n++
			}
		}
	}
	return n
}

// pitchRow is the "Your answer" cell of the Pitch row, as on screen.
func pitchRow(t *testing.T, c fyne.Canvas) string {
	t.Helper()
	lines := strings.Split(texts(t, c), "\n")
	for i, l := range lines {
		if l == "Pitch" && i+1 < len(lines) {
			return lines[i+1]
		}
	}
	return ""
}

// The report after a turn draws the analyser's pitch track on the timeline
// and says the median, range and trend in words.
func TestReportDrawsThePitchTrack(t *testing.T) {
	clip := glidingAnswer(150, 200)
	r, err := analysis.Analyze(clip, analysis.Options{Cue: 300 * time.Millisecond})
	if err != nil || r.NoSpeech || len(r.Pitch) == 0 {
		t.Fatalf("the answer measured no pitch: %v, %+v", err, r)
	}
	a, w := newUI(t, ui.Deps{Scenarios: scenarios()})
	a.ShowResults(store.Attempt{ID: "a", ScenarioID: "late", ScenarioTitle: "Two days late", StartedAt: time.Now(),
		Turns: []store.Turn{{Index: 0, LineID: "t1", Cue: 300 * time.Millisecond, Report: r}}}, []pcm.Clip{clip})
	tl := firstTimeline(t, w.Canvas())
	if tl == nil {
		t.Fatal("no timeline on the report")
	}
	// The trace spans the 3 s of voice: at least one 2-unit stroke per
	// column of it.
	voiced := int(3.0 / clip.Duration().Seconds() * float64(tl.Size().Width))
	if n := tracePixels(t, tl); n < 2*voiced*9/10 {
		t.Errorf("%d pixels of pitch trace, want at least %d (the voiced columns)", n, 2*voiced*9/10)
	}
	want := fmt.Sprintf("%.0f Hz median, range %.1f semitones; rose %.1f semitones from the first half to the second", r.F0MedianHz, r.F0RangeST, r.F0TrendST)
	want = strings.Replace(want, ".0 semitones from", " semitones from", 1)
	if got := pitchRow(t, w.Canvas()); got != want {
		t.Errorf("pitch row %q, want %q", got, want)
	}
}

// A turn reopened from the History has the stored figures only: its
// recording is read and measured again off the UI goroutine, and the trace
// and the trend appear when that is done. A recording that is gone leaves
// the row without a trend (not a made-up "steady").
func TestHistoryMeasuresTheRecordingForThePitch(t *testing.T) {
	clip := glidingAnswer(200, 150)
	r, err := analysis.Analyze(clip, analysis.Options{Cue: 300 * time.Millisecond})
	if err != nil || r.NoSpeech || r.F0TrendST > -2 {
		t.Fatalf("the answer should measure a falling pitch: %v, trend %+.2f", err, r.F0TrendST)
	}
	stored := r
	stored.Pitch, stored.F0TrendST = nil, 0 // what the store gives back
	for _, tc := range []struct {
		name      string
		write     bool
		wantTrend bool
	}{{"recording kept", true, true}, {"recording gone", false, false}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rel := filepath.Join("recordings", "a", "turn-1.wav")
			if tc.write {
				if err := os.MkdirAll(filepath.Join(dir, "recordings", "a"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := pcm.WriteFile(filepath.Join(dir, rel), clip); err != nil {
					t.Fatal(err)
				}
			}
			steps := make(chan string, 8)
			a, w := newUI(t, ui.Deps{Scenarios: scenarios(), DataDir: dir,
				Log: func(f string, args ...any) { steps <- fmt.Sprintf(f, args...) }})
			a.ShowResults(store.Attempt{ID: "a", ScenarioID: "late", ScenarioTitle: "Two days late", StartedAt: time.Now(),
				Turns: []store.Turn{{Index: 0, LineID: "t1", Cue: 300 * time.Millisecond, Report: stored, RecordingPath: rel}}}, nil)
			for step := ""; step != "ui: recording of turn 1 measured"; {
				select {
				case step = <-steps:
				case <-time.After(10 * time.Second):
					t.Fatal("the recording was never measured")
				}
			}
			tl := firstTimeline(t, w.Canvas())
			if tl == nil {
				t.Fatal("no timeline")
			}
			row := pitchRow(t, w.Canvas())
			if !strings.HasPrefix(row, fmt.Sprintf("%.0f Hz median", r.F0MedianHz)) {
				t.Errorf("pitch row %q, want the stored median first", row)
			}
			if n := tracePixels(t, tl); tc.wantTrend != (n > 0) {
				t.Errorf("%d pixels of pitch trace, want a trace: %v", n, tc.wantTrend)
			}
			if has := strings.Contains(row, "fell "); has != tc.wantTrend || strings.Contains(row, "steady") {
				t.Errorf("pitch row %q: want a falling trend: %v, never a made-up steady", row, tc.wantTrend)
			}
		})
	}
}
