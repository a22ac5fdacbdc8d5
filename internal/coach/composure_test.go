package coach_test

import (
	"math"
	"testing"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

// line is a measured customer line or answer with the given level rise
// (dB, second half minus first) and pace change (%).
func line(riseDB, pacePct float64) analysis.Report {
	r := calm()
	r.FirstHalfDBFS, r.SecondHalfDBFS = -24, -24+riseDB
	r.PaceChangePct = pacePct
	return r
}

// pitched is line with a pitch trend (semitones, second half minus first).
func pitched(riseDB, pacePct, riseST float64) analysis.Report {
	r := line(riseDB, pacePct)
	r.F0TrendST = riseST
	return r
}

func TestComposure(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name      string
		customer  analysis.Report
		rep       analysis.Report
		who       string
		wantMark  coach.Mark
		wantValue string
		wantNote  string
	}{
		{"customer louder, rep level", line(6, 0), line(0.5, 2), "Frank", coach.Pass, "stayed level",
			"Frank got 6 dB louder; you stayed level — you didn't mirror Frank."},
		{"customer sped up, rep too", line(0, 18), line(0, 12), "Frank", coach.Flag, "mirrored pace",
			"Frank sped up 18 % and so did you (12 %): you mirrored Frank's pace. Hold yours: fall back, don't race Frank."},
		{"customer louder, rep louder", line(6, 0), line(3, 0), "Denise", coach.Flag, "mirrored level",
			"Denise got 6 dB louder and so did you (3 dB): you mirrored Denise's level. Keep yours level: fall back, don't fight back."},
		{"customer louder and faster, rep both", line(6, 20), line(2.5, 10), "Frank", coach.Flag, "mirrored level and pace",
			"Frank got 6 dB louder and sped up 20 %, and so did you (2.5 dB, 10 %): you mirrored Frank. Keep your voice level and your pace your own: fall back, don't fight back."},
		{"customer louder and faster, rep held both", line(6, 20), line(1, -5), "Frank", coach.Pass, "stayed level",
			"Frank got 6 dB louder and sped up 20 %; you stayed level and held your pace — you didn't mirror Frank."},
		{"customer louder and faster, rep sped up only", line(6, 20), line(0, 15), "Frank", coach.Flag, "mirrored pace",
			"Frank got 6 dB louder and sped up 20 %; you stayed level but sped up 15 % too: you mirrored Frank's pace. Hold yours: fall back, don't race Frank."},
		{"rep louder but the customer only sped up: not mirroring", line(0, 20), line(4, 0), "Frank", coach.Pass, "stayed level",
			"Frank sped up 20 %; you held your pace — you didn't mirror Frank."},
		{"calm customer line", line(1, 5), line(4, 20), "Frank", coach.Info, "nothing to mirror",
			"Frank stayed calm in this line: nothing to mirror."},
		{"falling customer line is calm", line(-6, -20), line(0, 0), "Frank", coach.Info, "nothing to mirror",
			"Frank stayed calm in this line: nothing to mirror."},
		{"no answer", line(6, 0), analysis.Report{NoSpeech: true}, "Frank", coach.Info, "no answer",
			"You didn't answer Frank, so there is nothing to compare."},
		{"customer line not measured", analysis.Report{NoSpeech: true}, line(0, 0), "Frank", coach.Info, "not measured",
			"No speech was measured in Frank's line, so there is nothing to compare."},
		{"no name", line(6, 0), line(0, 0), "", coach.Pass, "stayed level",
			"The customer got 6 dB louder; you stayed level — you didn't mirror the customer."},
		{"no name, calm line", line(0, 0), line(0, 0), "", coach.Info, "nothing to mirror",
			"The customer stayed calm in this line: nothing to mirror."},
		{"customer's pitch rose, rep held it", pitched(0, 0, 3), pitched(0, 0, 0.8), "Frank", coach.Pass, "stayed level",
			"Frank rose 3 semitones in pitch; you held your pitch — you didn't mirror Frank."},
		{"customer's pitch rose, rep's too", pitched(0, 0, 3), pitched(0, 0, 2.5), "Denise", coach.Flag, "mirrored pitch",
			"Denise rose 3 semitones in pitch and so did you (2.5 semitones): you mirrored Denise's pitch. Keep yours down: breathe out, fall back, don't climb with Denise."},
		{"pitch at the band is a rise", pitched(0, 0, 1.96), pitched(0, 0, 2.04), "Frank", coach.Flag, "mirrored pitch",
			"Frank rose 2 semitones in pitch and so did you (2 semitones): you mirrored Frank's pitch. Keep yours down: breathe out, fall back, don't climb with Frank."},
		{"customer's pitch under the band is calm", pitched(0, 0, 1.8), pitched(0, 0, 4), "Frank", coach.Info, "nothing to mirror",
			"Frank stayed calm in this line: nothing to mirror."},
		{"rep's pitch rose but the customer's didn't", pitched(6, 0, 0), pitched(0, 0, 3), "Frank", coach.Pass, "stayed level",
			"Frank got 6 dB louder; you stayed level — you didn't mirror Frank."},
		{"customer louder and higher, rep mirrored both", pitched(6, 0, 3), pitched(3, 0, 2.2), "Frank", coach.Flag, "mirrored level and pitch",
			"Frank got 6 dB louder and rose 3 semitones in pitch, and so did you (3 dB, 2.2 semitones): you mirrored Frank. Keep your voice level and your pitch down: fall back, don't fight back."},
		{"customer rose in all three, rep's pitch only", pitched(6, 20, 3), pitched(0, 0, 2.5), "Frank", coach.Flag, "mirrored pitch",
			"Frank got 6 dB louder, sped up 20 % and rose 3 semitones in pitch; you stayed level and held your pace but rose 2.5 semitones in pitch too: you mirrored Frank's pitch. Keep yours down: breathe out, fall back, don't climb with Frank."},
		{"customer rose in all three, rep in level and pitch", pitched(6, 20, 3), pitched(2, 0, 2), "Frank", coach.Flag, "mirrored level and pitch",
			"Frank got 6 dB louder, sped up 20 % and rose 3 semitones in pitch; you held your pace but got 2 dB louder and rose 2 semitones in pitch too: you mirrored Frank's level and pitch. Keep your voice level and your pitch down: fall back, don't fight back."},
		{"customer rose in all three, rep held all", pitched(6, 20, 3), pitched(0, 0, 0), "", coach.Pass, "stayed level",
			"The customer got 6 dB louder, sped up 20 % and rose 3 semitones in pitch; you stayed level, held your pace and held your pitch — you didn't mirror the customer."},
		{"unknown pitch trend is no rise", pitched(0, 0, math.NaN()), pitched(0, 0, 3), "Frank", coach.Info, "nothing to mirror",
			"Frank stayed calm in this line: nothing to mirror."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := coach.Composure(tt.customer, tt.rep, tt.who, b)
			if got.Metric != coach.MetricComposure || got.Mark != tt.wantMark || got.Value != tt.wantValue || got.Note != tt.wantNote {
				t.Errorf("Composure = %+v\nwant mark %v, value %q, note\n %q", got, tt.wantMark, tt.wantValue, tt.wantNote)
			}
		})
	}
}
