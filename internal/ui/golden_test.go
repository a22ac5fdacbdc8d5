package ui_test

import (
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/ui"
)

// Golden markup of whole screens: what the rep sees, as Fyne's markup
// renderer writes it. After a deliberate change to a screen, refresh the
// files under testdata/ and read the diff before committing it:
//
//	go test ./internal/ui -run Golden -update
//
// (-update is the flag of timeline_test.go, shared by every golden here.)
// Everything on these screens is fixed: the theme (goldenTheme), the window
// size, the figures (written by hand, not measured from a scripted
// microphone, whose cue lands at a different chunk from run to run), the
// recording paths and every date; nothing shows a time of day or an id.

// goldenTheme is the app's own theme with its light palette whatever the
// system asks for, so the goldens are the same on a light or a dark desktop.
type goldenTheme struct{ fyne.Theme }

func (g goldenTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return g.Theme.Color(n, theme.VariantLight)
}

// goldenSize is the window of every golden: the smallest the screens are
// designed for is 800×600, and the report must read there.
var goldenSize = fyne.NewSize(900, 640)

// newGoldenUI is newUI with the fixed theme applied before any screen is
// built.
func newGoldenUI(t *testing.T, deps ui.Deps) (*ui.App, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	test.ApplyTheme(t, goldenTheme{ui.NewTheme()})
	w := test.NewTempWindow(t, nil)
	w.Resize(goldenSize)
	return ui.New(w, deps), w
}

// assertMarkup compares the markup of c with testdata/name, or rewrites the
// file with -update. The comparison is test.AssertRendersToMarkup's, run
// in a copy of the golden under t.TempDir(): on a mismatch it writes the
// markup it got beside that copy (and names the file), not into the source
// tree.
func assertMarkup(t *testing.T, name string, c fyne.Canvas) {
	t.Helper()
	// The desktop driver lays out again, before every frame, each container
	// whose content's minimum size changed (a report shown in place of the
	// recording area); the test canvas lays out only when resized. Refresh
	// does that layout pass here, so the markup is what a window draws.
	c.Content().Refresh()
	golden := filepath.Join("testdata", name)
	if *updateGoldens {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(test.RenderToMarkup(c)), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (refresh with -update): %v", err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "testdata", name), want, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if !test.AssertRendersToMarkup(t, name, c) {
		t.Logf("if the change is meant, refresh with: go test ./internal/ui -run Golden -update")
	}
}

// goldenScenario has a second turn with every line a turn can have, so
// that a late first answer gets the "are you still there?" line.
func goldenScenario() scenario.Scenario {
	return scenario.Scenario{
		ID: "billing", Title: "Billed twice", Difficulty: 2, Brief: "Denise's March invoice was charged twice.",
		Persona: scenario.Persona{Name: "Denise Carter", Company: "Carter Supplies", Role: "Office manager", Mood: "Exasperated"},
		Turns: []scenario.Turn{
			{ID: "attack", Line: scenario.Line{Text: "You charged us twice again. Do I have to check every bill you send?"},
				Step:   scenario.StepFallBack,
				Checks: []string{"Took responsibility", "Asked: would that be a fair statement?"},
				Model:  "Denise, I know you must be upset. Would that be a fair statement?"},
			{ID: "why", Line: scenario.Line{Text: "I want it fixed, and I want to know why."},
				Softened:   &scenario.Line{Text: "No, it's not that bad. Why does it keep happening?"},
				Escalated:  &scenario.Line{Text: "Just tell me why your system keeps getting it wrong!"},
				StillThere: &scenario.Line{Text: "Hello? ... Are you still there?"},
				Step:       scenario.StepExplain, Checks: []string{"Blamed no one"}, Model: "A change to our billing run repeated the charge."},
		},
	}
}

// goldenBaseline is a calibrated rep, taken on a fixed day.
var goldenBaseline = coach.Baseline{SpeechRate: 3.6, ArticulationRate: 4.2, MeanDBFS: -25, F0MedianHz: 190, F0RangeST: 6,
	TakenAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}

// lateAnswer is an answer begun 3.1 s after the cue (dead air), then
// spoken calmly with one pause: its clip and its report, by hand.
func lateAnswer() (pcm.Clip, analysis.Report, time.Duration) {
	const rate = 16000
	cue := 500 * time.Millisecond
	speech := []analysis.Interval{{Start: 3600 * time.Millisecond, End: 4600 * time.Millisecond}, {Start: 5000 * time.Millisecond, End: 6400 * time.Millisecond}}
	clip := pcm.Clip{Rate: rate, Samples: make([]float32, 7*rate)}
	for i := range clip.Samples {
		at := clip.Time(i)
		for _, s := range speech {
			if at >= s.Start && at < s.End {
				sec := at.Seconds()
				clip.Samples[i] = float32(0.08 * (0.6 - 0.4*math.Cos(2*math.Pi*4*sec)) * math.Sin(2*math.Pi*190*sec))
			}
		}
	}
	r := analysis.Report{
		Onset: speech[0].Start, Offset: speech[1].End, Latency: speech[0].Start - cue,
		Pauses:       []analysis.Interval{{Start: speech[0].End, End: speech[1].Start}},
		LongestPause: 400 * time.Millisecond, PauseTotal: 400 * time.Millisecond,
		Syllables: 10, SpeechRate: 10 / 2.8, ArticulationRate: 10 / 2.4, WordsPerMin: 150, PaceChangePct: 4,
		MeanDBFS: -24.6, FirstHalfDBFS: -24.9, SecondHalfDBFS: -24.3, Trend: analysis.TrendFlat,
		F0MedianHz: 194, F0P5Hz: 176, F0P95Hz: 214, F0RangeST: 12 * math.Log2(214.0/176),
		NoiseFloorDBFS: -70,
	}
	return clip, r, cue
}

// TestTurnReportGolden is the report after a late first answer: the
// timeline, the figures against the rep's baseline and the targets, the
// coaching note, composure against the customer, why Denise asks whether
// the rep is still there, and the calm line still offered to hear (O).
func TestTurnReportGolden(t *testing.T) {
	sc := goldenScenario()
	a, w := newGoldenUI(t, ui.Deps{Scenarios: []scenario.Scenario{sc}, History: &fakeHistory{}, Player: quietSpeaker{}})
	run, err := practice.New(practice.Config{Scenario: sc, Recorder: &turnMic{}, Player: quietSpeaker{}, Baseline: goldenBaseline})
	if err != nil {
		t.Fatal(err)
	}
	clip, rep, cue := lateAnswer()
	customer := analysis.Report{Onset: 200 * time.Millisecond, Offset: 4 * time.Second, SpeechRate: 4.4, PaceChangePct: 12,
		MeanDBFS: -22, FirstHalfDBFS: -25, SecondHalfDBFS: -19, Trend: analysis.TrendRising, F0MedianHz: 210}
	bands := run.Bands()
	res := practice.TurnResult{
		Index: 0, TurnID: "attack", Line: sc.Turns[0].Line, Variant: scenario.VariantLine, Step: sc.Turns[0].Step,
		Cue: cue, RecordingPath: filepath.Join("recordings", "golden", "turn-1.wav"), Report: rep, Clip: clip,
		Findings: coach.Assess(rep, bands, goldenBaseline), Customer: customer,
		Composure: coach.Composure(customer, rep, "Denise", bands),
	}
	a.ShowTurnReport(sc, run, res)

	got := texts(t, w.Canvas())
	for _, want := range []string{
		"Because you waited 3.1 s before answering, Denise asked whether you were still there.",
		"[If calm… (O)]", "Composure: ", "Coach: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	assertMarkup(t, "report_late_answer.xml", w.Canvas())
}

// TestCalibrationGolden is the calibration screen before the reading and
// once a reading is measured.
func TestCalibrationGolden(t *testing.T) {
	tests := []struct {
		name, golden string
		measured     bool
	}{
		{"ready to read", "calibration_ready.xml", false},
		{"reading measured", "calibration_measured.xml", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shown := make(chan string, 4)
			deps := ui.Deps{Scenarios: []scenario.Scenario{goldenScenario()}, NeedsCalibration: true, Player: quietSpeaker{},
				Recorder: func() (practice.Recorder, error) { return readerMic{}, nil }, Shown: func(s string) { shown <- s }}
			a, w := newGoldenUI(t, deps)
			waitShown(t, shown, "Calibration")
			if tt.measured {
				a.ShowCalibrationMeasured(goldenBaseline, filepath.Join("recordings", "calibration", "golden.wav"))
				waitShown(t, shown, "Calibration")
				if got := texts(t, w.Canvas()); !strings.Contains(got, "Your calm voice: 4.2 syllables per second") {
					t.Errorf("measured calibration lacks the baseline:\n%s", got)
				}
			}
			assertMarkup(t, tt.golden, w.Canvas())
		})
	}
}
