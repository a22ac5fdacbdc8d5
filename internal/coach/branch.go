package coach

import (
	"fmt"
	"math"
	"strings"

	"fallback/internal/analysis"
	"fallback/internal/scenario"
)

// Reason is why the customer reacted as they did: the first rule of Decide
// that applied. Its String is a stable key to store with the turn.
type Reason int

// Reasons, in the order Decide tries them; Calm is the softening one.
const (
	ReasonCalm        Reason = iota // nothing escalating: the customer softens
	ReasonNoSpeech                  // no answer at all
	ReasonHairTrigger               // the reply came faster than Bands.HairTrigger (or before the cue)
	ReasonDeadAir                   // the reply came later than Bands.DeadAir
	ReasonLouder                    // the level rose by Bands.LouderDB or more within the answer
	ReasonSpeedUp                   // the pace rose by Bands.SpeedUpPct or more within the answer
)

// String is the reason as a stable lower-case key ("hair-trigger").
func (r Reason) String() string {
	switch r {
	case ReasonCalm:
		return "calm"
	case ReasonNoSpeech:
		return "no-speech"
	case ReasonHairTrigger:
		return "hair-trigger"
	case ReasonDeadAir:
		return "dead-air"
	case ReasonLouder:
		return "louder"
	case ReasonSpeedUp:
		return "speed-up"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Decide is how the customer reacts to the rep's last answer, and why. A
// hair-trigger reply, dead air (an answer slower than the dead-air band:
// on the phone the customer wonders whether anyone is there), rising
// volume or speeding up escalates; no speech at all escalates too, since
// silence does not calm an upset customer. Otherwise the customer softens.
// The reasons are tried in the order of the Reason constants, the order in
// which the customer hears them: first whether there is an answer, then
// when it starts, then how it develops. Figures are judged as Assess shows
// them (to one decimal of a dB, whole percent). The variant is
// scenario.VariantSoftened or scenario.VariantEscalated; which line of a
// turn plays is Reply's choice.
func Decide(prev analysis.Report, b Bands) (scenario.Variant, Reason) {
	switch {
	case prev.NoSpeech:
		return scenario.VariantEscalated, ReasonNoSpeech
	case prev.Latency < b.HairTrigger:
		return scenario.VariantEscalated, ReasonHairTrigger
	case prev.Latency > b.DeadAir:
		return scenario.VariantEscalated, ReasonDeadAir
	case round1(prev.TrendDB()) >= b.LouderDB:
		return scenario.VariantEscalated, ReasonLouder
	case math.Round(prev.PaceChangePct) >= b.SpeedUpPct:
		return scenario.VariantEscalated, ReasonSpeedUp
	}
	return scenario.VariantSoftened, ReasonCalm
}

// Reply is which of next's lines the customer says after the answer prev,
// and why: Decide's reaction, with the turn's "are you still there?" line
// instead of the escalated one when the reason is dead air and the turn has
// one. A variant the turn lacks falls back to its plain line
// (scenario.VariantLine), as on the first turn.
func Reply(next *scenario.Turn, prev analysis.Report, b Bands) (scenario.Variant, Reason) {
	v, why := Decide(prev, b)
	if why == ReasonDeadAir && next.StillThere != nil {
		v = scenario.VariantStillThere
	}
	if next.Variant(v) == nil {
		v = scenario.VariantLine
	}
	return v, why
}

// Explain says in one sentence why the customer named name reacted with v
// to the answer prev ("Because you answered in 0.2 s, Denise escalated";
// "Because you waited 3.1 s before answering, Denise asked whether you
// were still there"), naming the reason Decide used. It returns "" for the
// plain line (it does not branch) and when v is not what Decide and Reply
// give for prev (a turn stored under other bands), rather than invent a
// reason. An empty name reads "the customer".
func Explain(prev analysis.Report, v scenario.Variant, b Bands, name string) string {
	dv, why := Decide(prev, b)
	who := nameOr(name, "the customer")
	if v == scenario.VariantStillThere && why == ReasonDeadAir {
		return fmt.Sprintf("Because you waited %s before answering, %s asked whether you were still there.", secs(prev.Latency), who)
	}
	if v != dv {
		return ""
	}
	var because string
	switch why {
	case ReasonNoSpeech:
		because = "there was no answer"
	case ReasonHairTrigger:
		if prev.Latency < 0 {
			because = fmt.Sprintf("you started before %s had finished", who)
		} else {
			because = "you answered in " + secs(prev.Latency)
		}
	case ReasonDeadAir:
		because = fmt.Sprintf("you left %s of dead air before answering", secs(prev.Latency))
	case ReasonLouder:
		because = fmt.Sprintf("you got %s dB louder as you went", num(prev.TrendDB()))
	case ReasonSpeedUp:
		because = fmt.Sprintf("you sped up %.0f %% as you went", math.Round(prev.PaceChangePct))
	default:
		because = fmt.Sprintf("you paused %s, kept your voice level and held your pace", secs(prev.Latency))
	}
	return "Because " + because + ", " + who + " " + string(v) + "."
}

// nameOr is the trimmed name, or def when it is empty.
func nameOr(name, def string) string {
	if n := strings.TrimSpace(name); n != "" {
		return n
	}
	return def
}
