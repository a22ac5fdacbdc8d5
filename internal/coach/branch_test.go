package coach_test

import (
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
	"fallback/internal/scenario"
)

func TestDecide(t *testing.T) {
	b := coach.DefaultBands()
	tests := []struct {
		name    string
		edit    func(*analysis.Report)
		want    scenario.Variant
		wantWhy coach.Reason
	}{
		{"calm answer softens", func(r *analysis.Report) {}, scenario.VariantSoftened, coach.ReasonCalm},
		{"hair trigger escalates", func(r *analysis.Report) { r.Latency = 100 * time.Millisecond }, scenario.VariantEscalated, coach.ReasonHairTrigger},
		{"speaking over the customer escalates", func(r *analysis.Report) { r.Latency = -time.Second }, scenario.VariantEscalated, coach.ReasonHairTrigger},
		{"just at hair-trigger edge softens", func(r *analysis.Report) { r.Latency = 300 * time.Millisecond }, scenario.VariantSoftened, coach.ReasonCalm},
		{"dead air escalates", func(r *analysis.Report) { r.Latency = 2600 * time.Millisecond }, scenario.VariantEscalated, coach.ReasonDeadAir},
		{"just at dead-air edge softens", func(r *analysis.Report) { r.Latency = 2500 * time.Millisecond }, scenario.VariantSoftened, coach.ReasonCalm},
		{"getting louder escalates", func(r *analysis.Report) { r.SecondHalfDBFS = r.FirstHalfDBFS + 2 }, scenario.VariantEscalated, coach.ReasonLouder},
		{"louder by less than the band softens", func(r *analysis.Report) { r.SecondHalfDBFS = r.FirstHalfDBFS + 1.9 }, scenario.VariantSoftened, coach.ReasonCalm},
		{"speeding up escalates", func(r *analysis.Report) { r.PaceChangePct = 12 }, scenario.VariantEscalated, coach.ReasonSpeedUp},
		{"slowing down softens", func(r *analysis.Report) { r.PaceChangePct = -15 }, scenario.VariantSoftened, coach.ReasonCalm},
		{"silence escalates", func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, scenario.VariantEscalated, coach.ReasonNoSpeech},
		{"hair trigger comes before louder", func(r *analysis.Report) { r.Latency = 0; r.SecondHalfDBFS = -18 }, scenario.VariantEscalated, coach.ReasonHairTrigger},
		{"dead air comes before louder and speed-up", func(r *analysis.Report) {
			r.Latency = 4 * time.Second
			r.SecondHalfDBFS = -18
			r.PaceChangePct = 30
		}, scenario.VariantEscalated, coach.ReasonDeadAir},
		{"louder comes before speed-up", func(r *analysis.Report) { r.SecondHalfDBFS = -18; r.PaceChangePct = 30 }, scenario.VariantEscalated, coach.ReasonLouder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			got, why := coach.Decide(r, b)
			if got != tt.want || why != tt.wantWhy {
				t.Errorf("Decide = %q, %v; want %q, %v", got, why, tt.want, tt.wantWhy)
			}
			both := &scenario.Turn{Softened: &scenario.Line{}, Escalated: &scenario.Line{}}
			if rv, rwhy := coach.Reply(both, r, b); rv != got || rwhy != why {
				t.Errorf("Reply = %q, %v; Decide = %q, %v: they disagree on a turn with both lines", rv, rwhy, got, why)
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
		v        scenario.Variant
		customer string
		want     string
	}{
		{"hair trigger", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, scenario.VariantEscalated, "Denise",
			"Because you answered in 0.2 s, Denise escalated."},
		{"spoke over the customer", func(r *analysis.Report) { r.Latency = -300 * time.Millisecond }, scenario.VariantEscalated, "Denise",
			"Because you started before Denise had finished, Denise escalated."},
		{"calm answer", func(r *analysis.Report) { r.Latency = 900 * time.Millisecond }, scenario.VariantSoftened, "Denise",
			"Because you paused 0.9 s, kept your voice level and held your pace, Denise softened."},
		{"no speech", func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, scenario.VariantEscalated, "Frank",
			"Because there was no answer, Frank escalated."},
		{"dead air", func(r *analysis.Report) { r.Latency = 3400 * time.Millisecond }, scenario.VariantEscalated, "Frank",
			"Because you left 3.4 s of dead air before answering, Frank escalated."},
		{"louder", func(r *analysis.Report) { r.SecondHalfDBFS = -21 }, scenario.VariantEscalated, "Frank",
			"Because you got 3 dB louder as you went, Frank escalated."},
		{"speed-up", func(r *analysis.Report) { r.PaceChangePct = 14.6 }, scenario.VariantEscalated, "Frank",
			"Because you sped up 15 % as you went, Frank escalated."},
		{"the first reason is named", func(r *analysis.Report) { r.Latency = 100 * time.Millisecond; r.PaceChangePct = 30 }, scenario.VariantEscalated, "Frank",
			"Because you answered in 0.1 s, Frank escalated."},
		{"no name reads the customer", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, scenario.VariantEscalated, "  ",
			"Because you answered in 0.2 s, the customer escalated."},
		{"dead air with a still-there line", func(r *analysis.Report) { r.Latency = 3100 * time.Millisecond }, scenario.VariantStillThere, "Denise",
			"Because you waited 3.1 s before answering, Denise asked whether you were still there."},
		{"still there is explained only after dead air", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, scenario.VariantStillThere, "Denise", ""},
		{"still there is not explained after a calm answer", func(r *analysis.Report) {}, scenario.VariantStillThere, "Denise", ""},
		{"plain line does not branch", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, scenario.VariantLine, "Denise", ""},
		{"a variant Decide would not give is not explained", func(r *analysis.Report) { r.Latency = 200 * time.Millisecond }, scenario.VariantSoftened, "Denise", ""},
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

func TestReply(t *testing.T) {
	b := coach.DefaultBands()
	softened, escalated, still := &scenario.Line{Text: "soft"}, &scenario.Line{Text: "sharp"}, &scenario.Line{Text: "still there?"}
	full := &scenario.Turn{Softened: softened, Escalated: escalated, StillThere: still}
	noStill := &scenario.Turn{Softened: softened, Escalated: escalated}
	first := &scenario.Turn{}
	deadAir := func(r *analysis.Report) { r.Latency = 3100 * time.Millisecond }
	tests := []struct {
		name    string
		next    *scenario.Turn
		edit    func(*analysis.Report)
		want    scenario.Variant
		wantWhy coach.Reason
	}{
		{"dead air gets the still-there line", full, deadAir, scenario.VariantStillThere, coach.ReasonDeadAir},
		{"dead air without one gets the escalated line", noStill, deadAir, scenario.VariantEscalated, coach.ReasonDeadAir},
		{"a hair trigger gets the escalated line though the turn has a still-there one", full,
			func(r *analysis.Report) { r.Latency = 100 * time.Millisecond }, scenario.VariantEscalated, coach.ReasonHairTrigger},
		{"no speech gets the escalated line, not still-there", full,
			func(r *analysis.Report) { *r = analysis.Report{NoSpeech: true} }, scenario.VariantEscalated, coach.ReasonNoSpeech},
		{"a calm answer gets the softened line", full, func(r *analysis.Report) {}, scenario.VariantSoftened, coach.ReasonCalm},
		{"a turn without variants plays its line", first, deadAir, scenario.VariantLine, coach.ReasonDeadAir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calm()
			tt.edit(&r)
			got, why := coach.Reply(tt.next, r, b)
			if got != tt.want || why != tt.wantWhy {
				t.Errorf("Reply = %q, %v; want %q, %v", got, why, tt.want, tt.wantWhy)
			}
			if tt.next.Variant(got) == nil {
				t.Errorf("Reply chose %q, a line the turn does not have", got)
			}
		})
	}
}
