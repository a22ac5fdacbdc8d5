package coach_test

import (
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

func calm() analysis.Report {
	return analysis.Report{
		Onset: 1 * time.Second, Offset: 6 * time.Second, Latency: 1 * time.Second,
		SpeechRate: 4, WordsPerMin: 180, MeanDBFS: -24, FirstHalfDBFS: -24, SecondHalfDBFS: -23.5,
		Trend: analysis.TrendFlat, F0MedianHz: 120, F0RangeST: 4,
	}
}

func TestNextVariant(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name string
		edit func(*analysis.Report)
		want coach.Variant
	}{
		{"calm answer softens", func(r *analysis.Report) {}, coach.Softened},
		{"hair trigger escalates", func(r *analysis.Report) { r.Latency = 100 * time.Millisecond }, coach.Escalated},
		{"just at hair-trigger edge softens", func(r *analysis.Report) { r.Latency = 300 * time.Millisecond }, coach.Softened},
		{"getting louder escalates", func(r *analysis.Report) { r.SecondHalfDBFS = r.FirstHalfDBFS + 2 }, coach.Escalated},
		{"louder by less than the band softens", func(r *analysis.Report) { r.SecondHalfDBFS = r.FirstHalfDBFS + 1.9 }, coach.Softened},
		{"speeding up escalates", func(r *analysis.Report) { r.PaceChangePct = 12 }, coach.Escalated},
		{"slowing down softens", func(r *analysis.Report) { r.PaceChangePct = -15 }, coach.Softened},
		{"silence escalates", func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, coach.Escalated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			if got := coach.NextVariant(r, b); got != tt.want {
				t.Errorf("NextVariant = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAssess(t *testing.T) {
	b := coach.DefaultBands()
	base := coach.Baseline{SpeechRate: 4, MeanDBFS: -24, F0MedianHz: 120}
	tests := []struct {
		name       string
		edit       func(*analysis.Report)
		metric     string
		want       coach.Mark
		noteSubstr string
	}{
		{"good latency passes", func(r *analysis.Report) {}, "Pause before replying", coach.Pass, ""},
		{"instant reply flagged", func(r *analysis.Report) { r.Latency = 50 * time.Millisecond }, "Pause before replying", coach.Flag, "instantly"},
		{"dead air flagged", func(r *analysis.Report) { r.Latency = 3 * time.Second }, "Pause before replying", coach.Flag, "reluctance"},
		{"pace within 10% passes", func(r *analysis.Report) { r.SpeechRate = 4.3 }, "Pace", coach.Pass, ""},
		{"pace 20% fast flagged", func(r *analysis.Report) { r.SpeechRate = 4.8 }, "Pace", coach.Flag, "faster"},
		{"long pause flagged", func(r *analysis.Report) { r.LongestPause = 2500 * time.Millisecond }, "Pauses", coach.Flag, "dead air"},
		{"louder flagged", func(r *analysis.Report) { r.SecondHalfDBFS = -21 }, "Volume", coach.Flag, "louder"},
		{"pitch 3 st up flagged", func(r *analysis.Report) { r.F0MedianHz = 143 }, "Pitch", coach.Flag, "tension"},
		{"pitch 1 st up passes", func(r *analysis.Report) { r.F0MedianHz = 127 }, "Pitch", coach.Pass, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			var found *coach.Finding
			fs := coach.Assess(r, b, base)
			for i := range fs {
				if fs[i].Metric == tt.metric {
					found = &fs[i]
				}
			}
			if found == nil {
				t.Fatalf("no finding %q in %+v", tt.metric, fs)
			}
			if found.Mark != tt.want {
				t.Errorf("%s mark = %v, want %v (%+v)", tt.metric, found.Mark, tt.want, *found)
			}
			if !strings.Contains(found.Note, tt.noteSubstr) {
				t.Errorf("%s note = %q, want it to contain %q", tt.metric, found.Note, tt.noteSubstr)
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

func TestSummary(t *testing.T) {
	b := coach.DefaultBands()
	r := calm()
	if got := coach.Summary(coach.Assess(r, b, coach.Baseline{})); !strings.Contains(got, "falling back") {
		t.Errorf("calm summary = %q, want praise for falling back", got)
	}
	r.Latency = 0
	if got := coach.Summary(coach.Assess(r, b, coach.Baseline{})); !strings.Contains(got, "instantly") {
		t.Errorf("hair-trigger summary = %q, want the latency note", got)
	}
}
