package coach_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

// passage is the report of a 24 s neutral reading: 20 s of speech
// between pauses, 90 syllables.
func passage() analysis.Report {
	return analysis.Report{
		Onset: 500 * time.Millisecond, Offset: 24500 * time.Millisecond, Latency: 500 * time.Millisecond,
		PauseTotal: 4 * time.Second, Syllables: 90, SpeechRate: 90.0 / 24, ArticulationRate: 90.0 / 20, WordsPerMin: 173,
		MeanDBFS: -26, FirstHalfDBFS: -26, SecondHalfDBFS: -26, F0MedianHz: 118, F0P5Hz: 95, F0P95Hz: 150, F0RangeST: 7.9,
	}
}

func TestBaselineFromRefuses(t *testing.T) {
	tests := []struct {
		name string
		edit func(*analysis.Report)
		want error
		msg  []string // the error must say these
	}{
		{"no speech", func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, coach.ErrCalibrationNoSpeech, []string{"calibrate: no speech heard", "microphone"}},
		{"speech flag but no syllables", func(r *analysis.Report) { r.Syllables = 0 }, coach.ErrCalibrationNoSpeech, nil},
		{"7.9 s of speech is too short", func(r *analysis.Report) { r.Offset = r.Onset + 7900*time.Millisecond; r.PauseTotal = 0 }, coach.ErrCalibrationShort,
			[]string{"too little speech", "7.9 s", "at least 8 s", "20", "steady pace"}},
		{"long reading with pauses but 6 s of speech is too short", func(r *analysis.Report) { r.PauseTotal = 18 * time.Second }, coach.ErrCalibrationShort, []string{"6.0 s"}},
		{"19 syllables are too few", func(r *analysis.Report) { r.Syllables = 19 }, coach.ErrCalibrationShort, []string{"19 syllables"}},
		{"too quiet", func(r *analysis.Report) { r.MeanDBFS = -55 }, coach.ErrCalibrationQuiet, []string{"-55.0 dBFS", "at least -50 dBFS", "closer"}},
		{"clipped", func(r *analysis.Report) { r.MeanDBFS = -6 }, coach.ErrCalibrationClipped, []string{"-6.0 dBFS", "at most -10 dBFS", "lower"}},
		{"clipped and short: the level is named first", func(r *analysis.Report) { r.MeanDBFS = -7; r.Syllables = 10 }, coach.ErrCalibrationClipped, nil},
		{"quiet and short: the level is named first", func(r *analysis.Report) { r.MeanDBFS = -60; r.Syllables = 10 }, coach.ErrCalibrationQuiet, nil},
		{"whisper without pitch", func(r *analysis.Report) { r.F0MedianHz = 0 }, coach.ErrCalibrationNoPitch, []string{"normal speaking voice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := passage()
			tt.edit(&r)
			got, err := coach.BaselineFrom(r)
			if !errors.Is(err, tt.want) {
				t.Fatalf("BaselineFrom error = %v, want %v", err, tt.want)
			}
			if got.Calibrated() {
				t.Errorf("refused baseline %+v is calibrated, want the zero baseline", got)
			}
			for _, s := range tt.msg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

func TestBaselineFrom(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*analysis.Report)
		wantArt  float64
		wantRate float64
	}{
		{"full passage", func(r *analysis.Report) {}, 4.5, 3.75},
		{"just enough: 8 s and 20 syllables", func(r *analysis.Report) {
			r.Offset, r.PauseTotal, r.Syllables, r.SpeechRate, r.ArticulationRate = r.Onset+8*time.Second, 0, 20, 2.5, 2.5
		}, 2.5, 2.5},
		{"rates missing from the report are computed", func(r *analysis.Report) { r.SpeechRate, r.ArticulationRate = 0, 0 }, 4.5, 3.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := passage()
			tt.edit(&r)
			before := time.Now()
			got, err := coach.BaselineFrom(r)
			after := time.Now()
			if err != nil {
				t.Fatalf("BaselineFrom: %v", err)
			}
			if math.Abs(got.ArticulationRate-tt.wantArt) > 1e-9 || math.Abs(got.SpeechRate-tt.wantRate) > 1e-9 {
				t.Errorf("rates = %.3f articulation, %.3f speech; want %.3f, %.3f", got.ArticulationRate, got.SpeechRate, tt.wantArt, tt.wantRate)
			}
			if got.MeanDBFS != r.MeanDBFS || got.F0MedianHz != r.F0MedianHz || got.F0RangeST != r.F0RangeST {
				t.Errorf("baseline %+v does not carry the level and pitch of %+v", got, r)
			}
			if got.TakenAt.Before(before) || got.TakenAt.After(after) || got.TakenAt.Location() != time.UTC {
				t.Errorf("TakenAt = %v, want UTC between %v and %v", got.TakenAt, before, after)
			}
			if !got.Calibrated() {
				t.Errorf("baseline %+v not calibrated", got)
			}
		})
	}
}

func TestCalibratedAndDefaultsNote(t *testing.T) {
	tests := []struct {
		name string
		base coach.Baseline
		want bool
	}{
		{"zero baseline", coach.Baseline{}, false},
		{"level and pitch without a pace", coach.Baseline{MeanDBFS: -20, F0MedianHz: 120}, false},
		{"articulation rate", coach.Baseline{ArticulationRate: 4}, true},
		{"old baseline with speech rate only", coach.Baseline{SpeechRate: 4}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.base.Calibrated(); got != tt.want {
				t.Errorf("Calibrated() = %v, want %v", got, tt.want)
			}
			note := coach.DefaultsNote(tt.base)
			if tt.want && note != "" {
				t.Errorf("DefaultsNote = %q for a calibrated baseline, want \"\"", note)
			}
			if !tt.want && note != "Pace and pitch are judged on defaults — calibrate in Settings for targets of your own." {
				t.Errorf("DefaultsNote = %q for an uncalibrated baseline", note)
			}
		})
	}
}
