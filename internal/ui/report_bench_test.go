package ui

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// benchCorpus is the realcorpus beside the repository (real human voices
// with room tone and disturbances), read at run time, never copied here.
const benchCorpus = "../../../shared/realcorpus"

// realAnswer is sec seconds of real speech at 48 kHz (a microphone's usual
// rate): the realcorpus files recorded at 48 kHz that hold speech, one
// after another, from the first again until the length is reached.
func realAnswer(tb testing.TB, sec float64) pcm.Clip {
	tb.Helper()
	f, err := os.Open(filepath.Join(benchCorpus, "truth.csv"))
	if err != nil {
		tb.Fatalf("realcorpus missing: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		tb.Fatalf("realcorpus truth.csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var parts []pcm.Clip
	for _, r := range rows[1:] {
		if r[col["sample_rate"]] != "48000" || r[col["no_speech"]] != "0" {
			continue
		}
		c, err := pcm.ReadFile(filepath.Join(benchCorpus, "corpus", r[col["file"]]))
		if err != nil {
			tb.Fatal(err)
		}
		parts = append(parts, c)
	}
	if len(parts) == 0 {
		tb.Fatal("realcorpus: no 48 kHz speech")
	}
	n := int(sec * 48000)
	out := pcm.Clip{Rate: 48000, Samples: make([]float32, 0, n)}
	for i := 0; len(out.Samples) < n; i++ {
		out.Samples = append(out.Samples, parts[i%len(parts)].Samples...)
	}
	out.Samples = out.Samples[:n]
	return out
}

// idle is a microphone and a speaker that are never used: the benchmark
// builds the report of a turn already recorded.
type idle struct{}

func (idle) SampleRate() int                                     { return 48000 }
func (idle) Record(context.Context, func([]float32) error) error { return nil }
func (idle) Play(context.Context, pcm.Clip) error                { return nil }

// BenchmarkReportAfterAnswer60s is issue 10's check "report on screen
// ≤ 200 ms after a 60 s answer ends": what the role-play does between the
// end of the answer and the report on screen — the analysis of the 60 s
// answer (real speech at 48 kHz) and of the customer's line, the coaching
// and composure, building the per-turn report (rolePlay.showReport, with
// its timeline) and laying out and painting the window once (Fyne's
// software painter at 1280×800, where the GL driver would draw a frame).
// Saving the turn to the database is not in it (a separate commit, timed
// in internal/store).
//
//	go test -run '^$' -bench ReportAfterAnswer -benchmem -cpu 1 ./internal/ui
func BenchmarkReportAfterAnswer60s(b *testing.B) {
	answer := realAnswer(b, 60)
	line, err := pcm.ReadFile(filepath.Join(benchCorpus, "corpus", "real14.wav"))
	if err != nil {
		b.Fatal(err)
	}
	test.NewTempApp(b)
	w := test.NewTempWindow(b, nil)
	size := fyne.NewSize(1280, 800)
	w.Resize(size)
	sc := scenario.Scenario{ID: "late", Title: "Two days late", Persona: scenario.Persona{Name: "Frank Miller"},
		Turns: []scenario.Turn{
			{ID: "t1", Line: scenario.Line{Text: "You're late!"}, Step: scenario.StepFallBack},
			{ID: "t2", Line: scenario.Line{Text: "Well?"}, Softened: &scenario.Line{Text: "OK."}, Escalated: &scenario.Line{Text: "No!"}},
		}}
	a := New(w, Deps{Scenarios: []scenario.Scenario{sc}})
	run, err := practice.New(practice.Config{Scenario: sc, Recorder: idle{}, Player: idle{}})
	if err != nil {
		b.Fatal(err)
	}
	rp := &rolePlay{app: a, sc: sc, run: run, ticks: map[int][]store.SelfCheck{}}
	rp.build()
	cue := 300 * time.Millisecond
	bands := coach.DefaultBands()
	var analysing time.Duration // of the whole, to tell the parts apart
	n := 0
	for b.Loop() {
		n++
		start := time.Now()
		rep, err := analysis.Analyze(answer, analysis.Options{Cue: cue})
		if err != nil || rep.NoSpeech || len(rep.Pitch) == 0 {
			b.Fatalf("analysis: %v (no speech %v)", err, rep.NoSpeech)
		}
		cust, err := analysis.Analyze(line, analysis.Options{})
		if err != nil {
			b.Fatal(err)
		}
		analysing += time.Since(start)
		rp.showReport(practice.TurnResult{Index: 0, TurnID: "t1", Cue: cue, Report: rep, Clip: answer, Customer: cust,
			Findings:  coach.Assess(rep, bands, run.Baseline()),
			Composure: coach.Composure(cust, rep, practice.FirstName(sc.Persona.Name), bands)})
		// The GL driver lays out what changed size on its next frame; the
		// test canvas has no frames, so a resize does it.
		w.Resize(size.AddWidthHeight(1, 0))
		w.Resize(size)
		if img := w.Canvas().Capture(); img.Bounds().Dx() == 0 {
			b.Fatal("nothing painted")
		}
		b.StopTimer()
		if n == 1 {
			if tl := findTimeline(rp.report); tl == nil || tl.Size().Width < size.Width/2 {
				b.Fatal("the report's timeline was not laid out across the window")
			}
		}
		rp.hideReport()
		b.StartTimer()
	}
	b.ReportMetric(float64(analysing.Milliseconds())/float64(n), "analysis-ms/op")
}

// findTimeline is the first Timeline in o's tree of containers (nil: none).
func findTimeline(o fyne.CanvasObject) *Timeline {
	switch v := o.(type) {
	case *Timeline:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if tl := findTimeline(c); tl != nil {
				return tl
			}
		}
	}
	return nil
}
