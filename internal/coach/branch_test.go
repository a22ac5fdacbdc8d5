package coach_test

import (
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

func TestDecide(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name    string
		edit    func(*analysis.Report)
		want    coach.Variant
		wantWhy coach.Reason
	}{
		{"calm answer softens", func(r *analysis.Report) {}, coach.Softened, coach.ReasonCalm},
		{"hair trigger escalates", func(r *analysis.Report) { r.Latency = 100 * time.Millisecond }, coach.Escalated, coach.ReasonHairTrigger},
		{"speaking over the customer escalates", func(r *analysis.Report) { r.Latency = -time.Second }, coach.Escalated, coach.ReasonHairTrigger},
		{"just at hair-trigger edge softens", func(r *analysis.Report) { r.Latency = 300 * time.Millisecond }, coach.Softened, coach.ReasonCalm},
		{"dead air escalates", func(r *analysis.Report) { r.Latency = 2600 * time.Millisecond }, coach.Escalated, coach.ReasonDeadAir},
		{"just at dead-air edge softens", func(r *analysis.Report) { r.Latency = 2500 * time.Millisecond }, coach.Softened, coach.ReasonCalm},
		{"getting louder escalates", func(r *analysis.Report) { r.SecondHalfDBFS = r.FirstHalfDBFS + 2 }, coach.Escalated, coach.ReasonLouder},
		{"louder by less than the band softens", func(r *analysis.Report) { r.SecondHalfDBFS = r.FirstHalfDBFS + 1.9 }, coach.Softened, coach.ReasonCalm},
		{"speeding up escalates", func(r *analysis.Report) { r.PaceChangePct = 12 }, coach.Escalated, coach.ReasonSpeedUp},
		{"slowing down softens", func(r *analysis.Report) { r.PaceChangePct = -15 }, coach.Softened, coach.ReasonCalm},
		{"silence escalates", func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, coach.Escalated, coach.ReasonNoSpeech},
		{"hair trigger comes before louder", func(r *analysis.Report) { r.Latency = 0; r.SecondHalfDBFS = -18 }, coach.Escalated, coach.ReasonHairTrigger},
		{"dead air comes before louder and speed-up", func(r *analysis.Report) {
			r.Latency = 4 * time.Second
			r.SecondHalfDBFS = -18
			r.PaceChangePct = 30
		}, coach.Escalated, coach.ReasonDeadAir},
		{"louder comes before speed-up", func(r *analysis.Report) { r.SecondHalfDBFS = -18; r.PaceChangePct = 30 }, coach.Escalated, coach.ReasonLouder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			got, why := coach.Decide(r, b)
			if got != tt.want || why != tt.wantWhy {
				t.Errorf("Decide = %q, %v; want %q, %v", got, why, tt.want, tt.wantWhy)
			}
			if nv := coach.NextVariant(r, b); nv != got {
				t.Errorf("NextVariant = %q, Decide = %q: they disagree", nv, got)
			}
		})
	}
}

func TestReasonString(t *testing.T) {
	tests := []struct {
		r    coach.Reason
		want string
	}{
		{coach.ReasonCalm, "calm"}, {coach.ReasonNoSpeech, "no-speech"}, {coach.ReasonHairTrigger, "hair-trigger"},
		{coach.ReasonDeadAir, "dead-air"}, {coach.ReasonLouder, "louder"}, {coach.ReasonSpeedUp, "speed-up"}, {coach.Reason(99), "reason(99)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.r.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name     string
		edit     func(*analysis.Report)
		v        coach.Variant
		customer string
		want     string
	}{
		{"hair trigger", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, coach.Escalated, "Denise",
			"Because you answered in 0.2 s, Denise escalated."},
		{"spoke over the customer", func(r *analysis.Report) { r.Latency = -300 * time.Millisecond }, coach.Escalated, "Denise",
			"Because you started before Denise had finished, Denise escalated."},
		{"calm answer", func(r *analysis.Report) { r.Latency = 900 * time.Millisecond }, coach.Softened, "Denise",
			"Because you paused 0.9 s, kept your voice level and held your pace, Denise softened."},
		{"no speech", func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, coach.Escalated, "Frank",
			"Because there was no answer, Frank escalated."},
		{"dead air", func(r *analysis.Report) { r.Latency = 3400 * time.Millisecond }, coach.Escalated, "Frank",
			"Because you left 3.4 s of dead air before answering, Frank escalated."},
		{"louder", func(r *analysis.Report) { r.SecondHalfDBFS = -21 }, coach.Escalated, "Frank",
			"Because you got 3 dB louder as you went, Frank escalated."},
		{"speed-up", func(r *analysis.Report) { r.PaceChangePct = 14.6 }, coach.Escalated, "Frank",
			"Because you sped up 15 % as you went, Frank escalated."},
		{"the first reason is named", func(r *analysis.Report) { r.Latency = 100 * time.Millisecond; r.PaceChangePct = 30 }, coach.Escalated, "Frank",
			"Because you answered in 0.1 s, Frank escalated."},
		{"no name reads the customer", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, coach.Escalated, "  ",
			"Because you answered in 0.2 s, the customer escalated."},
		{"plain line does not branch", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, coach.Plain, "Denise", ""},
		{"a variant Decide would not give is not explained", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, coach.Softened, "Denise", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			if got := coach.Explain(r, tt.v, b, tt.customer); got != tt.want {
				t.Errorf("Explain =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}
