package coach_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

// calm is a calm answer that matches calmBase: 1 s pause, level voice,
// steady pace, pitch at the calm median.
func calm() analysis.Report {
	return analysis.Report{
		Onset: 1 * time.Second, Offset: 6 * time.Second, Latency: 1 * time.Second,
		Syllables: 20, SpeechRate: 4, ArticulationRate: 4.5, WordsPerMin: 185,
		MeanDBFS: -24, FirstHalfDBFS: -24, SecondHalfDBFS: -23.5,
		Trend: analysis.TrendFlat, F0MedianHz: 120, F0RangeST: 4,
	}
}

var calmBase = coach.Baseline{SpeechRate: 4, ArticulationRate: 4.5, MeanDBFS: -24, F0MedianHz: 120, F0RangeST: 5}

func find(fs []coach.Finding, metric string) *coach.Finding {
	for i := range fs {
		if fs[i].Metric == metric {
			return &fs[i]
		}
	}
	return nil
}

func TestAssess(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name   string
		edit   func(*analysis.Report)
		base   coach.Baseline
		metric string
		want   coach.Mark
		note   []string // substrings the note must hold (all of them)
	}{
		{"good latency passes", func(r *analysis.Report) {}, calmBase, coach.MetricLatency, coach.Pass, nil},
		{"instant reply flagged with its figure", func(r *analysis.Report) { r.Latency = 50 * time.Millisecond }, calmBase, coach.MetricLatency, coach.Flag, []string{"0.05 s", "instantly", "acknowledge"}},
		{"reply before the cue flagged", func(r *analysis.Report) { r.Latency = -200 * time.Millisecond }, calmBase, coach.MetricLatency, coach.Flag, []string{"before the customer had finished"}},
		{"0.29 s is still hair-trigger and shown as such", func(r *analysis.Report) { r.Latency = 290 * time.Millisecond }, calmBase, coach.MetricLatency, coach.Flag, []string{"0.29 s"}},
		{"dead air flagged with its figure", func(r *analysis.Report) { r.Latency = 3200 * time.Millisecond }, calmBase, coach.MetricLatency, coach.Flag, []string{"3.2 s", "reluctance", "I know you must be upset"}},
		{"latency short of the band is info", func(r *analysis.Report) { r.Latency = 400 * time.Millisecond }, calmBase, coach.MetricLatency, coach.Info, []string{"about one second"}},

		{"pace within 10% passes", func(r *analysis.Report) { r.ArticulationRate = 4.9 }, calmBase, coach.MetricPace, coach.Pass, nil},
		{"pace exactly 10% over passes", func(r *analysis.Report) { r.ArticulationRate = 4.95 }, calmBase, coach.MetricPace, coach.Pass, nil},
		{"pace 14% fast flagged in the rep's words", func(r *analysis.Report) { r.ArticulationRate = 5.13 }, calmBase, coach.MetricPace, coach.Flag,
			[]string{"You spoke 14 % faster than your calm pace", "5.1 against 4.5", "acknowledge, don't explain"}},
		{"pace 20% slow flagged", func(r *analysis.Report) { r.ArticulationRate = 3.6 }, calmBase, coach.MetricPace, coach.Flag, []string{"You spoke 20 % slower than your calm pace"}},
		{"pace judged on articulation, not speech rate", func(r *analysis.Report) { r.SpeechRate = 3 }, calmBase, coach.MetricPace, coach.Pass, nil},
		{"old baseline without articulation rate uses speech rate", func(r *analysis.Report) { r.SpeechRate = 4.8 },
			coach.Baseline{SpeechRate: 4, MeanDBFS: -24, F0MedianHz: 120}, coach.MetricPace, coach.Flag, []string{"20 % faster"}},
		{"uncalibrated pace is a figure only", func(r *analysis.Report) { r.ArticulationRate = 9 }, coach.Baseline{}, coach.MetricPace, coach.Info, nil},

		{"speeding up flagged with its figure", func(r *analysis.Report) { r.PaceChangePct = 15 }, calmBase, coach.MetricPaceChange, coach.Flag, []string{"sped up 15 %", "Would that be a fair statement?"}},
		{"speeding up 9.6% shows 10% and flags", func(r *analysis.Report) { r.PaceChangePct = 9.6 }, calmBase, coach.MetricPaceChange, coach.Flag, []string{"10 %"}},
		{"speeding up 9% passes", func(r *analysis.Report) { r.PaceChangePct = 9 }, calmBase, coach.MetricPaceChange, coach.Pass, nil},
		{"slowing down passes", func(r *analysis.Report) { r.PaceChangePct = -20 }, coach.Baseline{}, coach.MetricPaceChange, coach.Pass, nil},

		{"long pause flagged", func(r *analysis.Report) { r.LongestPause = 2500 * time.Millisecond }, calmBase, coach.MetricPauses, coach.Flag, []string{"2.5 s", "dead air", "understood"}},
		{"2 s pause passes", func(r *analysis.Report) { r.LongestPause = 2 * time.Second }, calmBase, coach.MetricPauses, coach.Pass, nil},

		{"louder within the answer flagged", func(r *analysis.Report) { r.SecondHalfDBFS = -21 }, calmBase, coach.MetricVolume, coach.Flag, []string{"You got 3 dB louder as you went", "fall back"}},
		{"1.9 dB rise passes", func(r *analysis.Report) { r.SecondHalfDBFS = -22.1 }, calmBase, coach.MetricVolume, coach.Pass, nil},

		{"4 dB over the calm level flagged", func(r *analysis.Report) { r.MeanDBFS = -20 }, calmBase, coach.MetricLevelVsCalm, coach.Flag,
			[]string{"Your voice was 4 dB louder than your calm level", "not fighting back"}},
		{"3 dB over the calm level flags", func(r *analysis.Report) { r.MeanDBFS = -21 }, calmBase, coach.MetricLevelVsCalm, coach.Flag, []string{"3 dB louder"}},
		{"2.9 dB over the calm level passes", func(r *analysis.Report) { r.MeanDBFS = -21.1 }, calmBase, coach.MetricLevelVsCalm, coach.Pass, nil},
		{"quieter than calm passes", func(r *analysis.Report) { r.MeanDBFS = -30 }, calmBase, coach.MetricLevelVsCalm, coach.Pass, nil},

		{"pitch 3 st up flagged with its figure", func(r *analysis.Report) { r.F0MedianHz = 142.7 }, calmBase, coach.MetricPitch, coach.Flag, []string{"3 semitones above your calm voice", "tension", "acknowledge"}},
		{"pitch 2 st up flags", func(r *analysis.Report) { r.F0MedianHz = 134.7 }, calmBase, coach.MetricPitch, coach.Flag, []string{"2 semitones"}},
		{"pitch 1 st up passes", func(r *analysis.Report) { r.F0MedianHz = 127 }, calmBase, coach.MetricPitch, coach.Pass, nil},
		{"uncalibrated pitch is a figure only", func(r *analysis.Report) { r.F0MedianHz = 300 }, coach.Baseline{}, coach.MetricPitch, coach.Info, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			fs := coach.Assess(r, b, tt.base)
			f := find(fs, tt.metric)
			if f == nil {
				t.Fatalf("no finding %q in %+v", tt.metric, fs)
			}
			if f.Mark != tt.want {
				t.Errorf("%s mark = %v, want %v (%+v)", tt.metric, f.Mark, tt.want, *f)
			}
			for _, s := range tt.note {
				if !strings.Contains(f.Note, s) {
					t.Errorf("%s note = %q, want it to contain %q", tt.metric, f.Note, s)
				}
			}
			if tt.want == coach.Pass && f.Note != "" {
				t.Errorf("%s passed with a note %q, want none", tt.metric, f.Note)
			}
		})
	}
}

func TestAssessRows(t *testing.T) {
	b := coach.DefaultBands()
	withChange := calm()
	withChange.PaceChangePct = 3
	tests := []struct {
		name string
		r    analysis.Report
		base coach.Baseline
		want []string
	}{
		{"calibrated answer, every row in order", withChange, calmBase, []string{coach.MetricLatency, coach.MetricPace, coach.MetricPaceChange,
			coach.MetricPauses, coach.MetricVolume, coach.MetricLevelVsCalm, coach.MetricPitch}},
		{"no pace change, no calm level: rows left out", calm(), coach.Baseline{}, []string{coach.MetricLatency, coach.MetricPace,
			coach.MetricPauses, coach.MetricVolume, coach.MetricPitch}},
		{"no speech is one row", analysis.Report{NoSpeech: true}, calmBase, []string{coach.MetricSpeech}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := coach.Assess(tt.r, b, tt.base)
			var got []string
			for _, f := range fs {
				got = append(got, f.Metric)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("rows = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssessUncalibratedTargets(t *testing.T) {
	fs := coach.Assess(calm(), coach.DefaultBands(), coach.Baseline{})
	for _, m := range []string{coach.MetricPace, coach.MetricPitch} {
		f := find(fs, m)
		if f == nil {
			t.Fatalf("no %s row", m)
		}
		if f.Target != "" || f.Note != "" || f.Value == "" {
			t.Errorf("uncalibrated %s = %+v, want a figure with no target and no note (DefaultsNote says it once)", m, *f)
		}
	}
}

func TestAssessPaceValue(t *testing.T) {
	tests := []struct {
		name string
		edit func(*analysis.Report)
		want string
	}{
		{"with articulation rate", func(r *analysis.Report) {}, "4.0 syllables/s, 4.5 between pauses (≈ 185 words/min)"},
		{"without articulation rate", func(r *analysis.Report) { r.ArticulationRate = 0 }, "4.0 syllables/s (≈ 185 words/min)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			if f := find(coach.Assess(r, coach.DefaultBands(), calmBase), coach.MetricPace); f == nil || f.Value != tt.want {
				t.Errorf("pace row = %+v, want value %q", f, tt.want)
			}
		})
	}
}

func TestAssessNoSpeech(t *testing.T) {
	fs := coach.Assess(analysis.Report{NoSpeech: true}, coach.DefaultBands(), coach.Baseline{})
	if len(fs) != 1 || fs[0].Mark != coach.Flag || !strings.Contains(fs[0].Note, "microphone") {
		t.Errorf("no speech findings = %+v, want one flagged finding about the microphone", fs)
	}
}

// TestBandsAddedFieldsDefault: Bands built before LouderThanBaselineDB
// existed judge with its default, not with 0 dB.
func TestBandsAddedFieldsDefault(t *testing.T) {
	old := coach.DefaultBands()
	old.LouderThanBaselineDB = 0
	tests := []struct {
		name  string
		level float64
		want  coach.Mark
	}{
		{"1 dB over calm passes with a zero band", -23, coach.Pass},
		{"3 dB over calm flags with a zero band", -21, coach.Flag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			r.MeanDBFS = tt.level
			f := find(coach.Assess(r, old, calmBase), coach.MetricLevelVsCalm)
			if f == nil || f.Mark != tt.want {
				t.Errorf("level vs calm = %+v, want mark %v", f, tt.want)
			}
		})
	}
}

// methodWords are the steps of falling back (DESIGN.md, the method) a
// flagged note may point to.
var methodWords = []string{"acknowledge", "fall back", "fair statement", "explain", "fighting back", "understood", "I know you must be upset"}

func TestFlaggedNotesPointToMethod(t *testing.T) {
	b := coach.DefaultBands()
	edits := map[string]func(*analysis.Report){
		"hair trigger":  func(r *analysis.Report) { r.Latency = 0 },
		"before cue":    func(r *analysis.Report) { r.Latency = -time.Second },
		"dead air":      func(r *analysis.Report) { r.Latency = 4 * time.Second },
		"fast":          func(r *analysis.Report) { r.ArticulationRate = 6 },
		"slow":          func(r *analysis.Report) { r.ArticulationRate = 3 },
		"speeding up":   func(r *analysis.Report) { r.PaceChangePct = 30 },
		"long pause":    func(r *analysis.Report) { r.LongestPause = 3 * time.Second },
		"louder":        func(r *analysis.Report) { r.SecondHalfDBFS = -18 },
		"louder than c": func(r *analysis.Report) { r.MeanDBFS = -15 },
		"tense":         func(r *analysis.Report) { r.F0MedianHz = 170 },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			r := calm()
			edit(&r)
			flagged := 0
			for _, f := range coach.Assess(r, b, calmBase) {
				if f.Mark != coach.Flag {
					continue
				}
				flagged++
				ok := false
				for _, w := range methodWords {
					ok = ok || strings.Contains(strings.ToLower(f.Note), strings.ToLower(w))
				}
				if !ok {
					t.Errorf("%s note %q names no step of the method (%q)", f.Metric, f.Note, methodWords)
				}
			}
			if flagged == 0 {
				t.Errorf("nothing flagged")
			}
		})
	}
}

func TestSummary(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name string
		edit func(*analysis.Report)
		base coach.Baseline
		want string
	}{
		{"calibrated calm answer is praised for each thing done",
			func(r *analysis.Report) { r.PaceChangePct = 2 }, calmBase,
			"Calm delivery: you paused 1 s before answering, kept to your calm pace, kept your voice level and kept your pitch at your calm level. That is falling back: nothing in your voice for the customer to push against."},
		{"uncalibrated calm answer praises what was judged",
			func(r *analysis.Report) { r.PaceChangePct = 2; r.Latency = 900 * time.Millisecond }, coach.Baseline{},
			"Calm delivery: you paused 0.9 s before answering, held your pace and kept your voice level. That is falling back: nothing in your voice for the customer to push against."},
		{"latency near the band leaves it out of the praise",
			func(r *analysis.Report) { r.Latency = 400 * time.Millisecond }, coach.Baseline{},
			"Calm delivery: you kept your voice level. That is falling back: nothing in your voice for the customer to push against."},
		{"the first flagged note wins: latency before pace",
			func(r *analysis.Report) { r.Latency = 0; r.ArticulationRate = 6 }, calmBase,
			"You came back in 0 s, instantly. Take a breath first: a short, deliberate pause shows you heard them, then acknowledge how they feel."},
		{"pace note when pace is the only flag",
			func(r *analysis.Report) { r.ArticulationRate = 5.13 }, calmBase,
			"You spoke 14 % faster than your calm pace (5.1 against 4.5 syllables/s). Rushing sounds like defending yourself: slow down and fall back — acknowledge, don't explain."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			if got := coach.Summary(coach.Assess(r, b, tt.base)); got != tt.want {
				t.Errorf("Summary =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestSummaryWithComposure(t *testing.T) {
	b := coach.DefaultBands()
	frank := line(6, 0)
	tests := []struct {
		name string
		rep  analysis.Report
		want string
	}{
		{"stayed level against a louder customer is praised", line(0.5, 2),
			"Calm delivery: you paused 1 s before answering, held your pace, kept your voice level and didn't mirror the customer. That is falling back: nothing in your voice for the customer to push against."},
		{"mirroring also flags the rep's own rise, whose note comes first", line(3, 0),
			"You got 3 dB louder as you went. Louder reads as anger: keep your voice level and fall back rather than fight back."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := append(coach.Assess(tt.rep, b, coach.Baseline{}), coach.Composure(frank, tt.rep, "Frank", b))
			if got := coach.Summary(fs); got != tt.want {
				t.Errorf("Summary =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

func TestSummaryNothingJudged(t *testing.T) {
	got := coach.Summary([]coach.Finding{{Metric: coach.MetricPace, Mark: coach.Info}})
	if got != "Nothing in your delivery to work on: that is falling back." {
		t.Errorf("Summary of info-only findings = %q", got)
	}
}

func TestMarkString(t *testing.T) {
	tests := []struct {
		m    coach.Mark
		want string
	}{{coach.Info, ""}, {coach.Pass, "ok"}, {coach.Flag, "work on it"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.m.String(); got != tt.want {
				t.Errorf("Mark(%d).String() = %q, want %q", tt.m, got, tt.want)
			}
		})
	}
}

// The pitch row says the median, the range and the trend in words: a rise
// or fall of the 2-semitone tension band is named, less is steady, an
// unknown trend (NaN) is left out.
func TestPitchRowSaysTheTrend(t *testing.T) {
	tests := []struct {
		name  string
		trend float64
		want  string
	}{
		{"rising", 2.44, "120 Hz median, range 4.0 semitones; rose 2.4 semitones from the first half to the second"},
		{"at the band", 1.96, "120 Hz median, range 4.0 semitones; rose 2 semitones from the first half to the second"},
		{"falling", -3.1, "120 Hz median, range 4.0 semitones; fell 3.1 semitones from the first half to the second"},
		{"steady, slightly up", 1.2, "120 Hz median, range 4.0 semitones; steady from the first half to the second (+1.2 semitones)"},
		{"steady, flat", 0, "120 Hz median, range 4.0 semitones; steady from the first half to the second (0 semitones)"},
		{"unknown", math.NaN(), "120 Hz median, range 4.0 semitones"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			r.F0TrendST = tt.trend
			f := find(coach.Assess(r, coach.DefaultBands(), coach.Baseline{}), coach.MetricPitch)
			if f == nil || f.Value != tt.want {
				t.Errorf("pitch row %+v, want value %q", f, tt.want)
			}
		})
	}
}
