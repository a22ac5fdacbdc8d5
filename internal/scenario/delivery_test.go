package scenario_test

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"

	"fallback/assets"
	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/scenario"
	"fallback/scenarios"
)

// Bands the delivery tags promise, measured by the app's own analyser.
const (
	escalatingMinDB = 2.0   // second half at least this much louder
	calmMaxDB       = 2.0   // halves within this
	angryMinDBFS    = -20.0 // mean level at least this (calm lines are ~-24)
)

// TestAnalyserOnBundledLines runs the analyser over every bundled line and
// checks its delivery tags hold. With -v it prints the table quoted in the
// issue's closing note.
func TestAnalyserOnBundledLines(t *testing.T) {
	lib, errs := scenario.Load(scenarios.FS, assets.FS)
	if len(errs) > 0 {
		t.Fatalf("bundled scenarios: %v", errs)
	}
	var table strings.Builder
	fmt.Fprintf(&table, "| line | tags | dur s | 1st half dBFS | 2nd half dBFS | trend dB | pauses | syl/s | pace change %% | F0 Hz |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, s := range lib {
		for _, turn := range s.Turns {
			for _, l := range lines(turn) {
				f, err := assets.FS.Open(l.Audio)
				if err != nil {
					t.Errorf("%s: %v", l.Audio, err)
					continue
				}
				clip, err := pcm.ReadWAV(f)
				f.Close()
				if err != nil {
					t.Errorf("%s: %v", l.Audio, err)
					continue
				}
				r, err := analysis.Analyze(clip, analysis.Options{})
				if err != nil || r.NoSpeech {
					t.Errorf("%s: analyse: %v (no speech: %v)", l.Audio, err, r.NoSpeech)
					continue
				}
				pauses := make([]string, len(r.Pauses))
				for i, p := range r.Pauses {
					pauses[i] = fmt.Sprintf("%.2f", p.Len().Seconds())
				}
				fmt.Fprintf(&table, "| %s | %s | %.1f | %.1f | %.1f | %+.1f | %s | %.1f | %+.0f | %.0f |\n",
					strings.TrimPrefix(l.Audio, "voices/"), strings.Join(l.Tags, " "), clip.Seconds(),
					r.FirstHalfDBFS, r.SecondHalfDBFS, r.TrendDB(), strings.Join(pauses, " "),
					r.SpeechRate, r.PaceChangePct, r.F0MedianHz)
				if l.HasTag(scenario.TagEscalating) {
					if r.TrendDB() < escalatingMinDB {
						t.Errorf("%s: escalating, but second half only %+.1f dB over the first", l.Audio, r.TrendDB())
					}
					if r.PaceChangePct <= 0 {
						t.Errorf("%s: escalating, but pace change %+.0f %%", l.Audio, r.PaceChangePct)
					}
				}
				if l.HasTag(scenario.TagCalm) && math.Abs(r.TrendDB()) >= calmMaxDB {
					t.Errorf("%s: calm, but level trend %+.1f dB", l.Audio, r.TrendDB())
				}
				if l.HasTag(scenario.TagHesitant) && len(r.Pauses) == 0 {
					t.Errorf("%s: hesitant, but no pause found", l.Audio)
				}
				if l.HasTag(scenario.TagAngry) && r.MeanDBFS < angryMinDBFS {
					t.Errorf("%s: angry, but mean level %.1f dBFS", l.Audio, r.MeanDBFS)
				}
			}
		}
	}
	t.Log("\n" + table.String())
	if path := os.Getenv("FALLBACK_DELIVERY_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(table.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

var _ fs.FS = assets.FS
