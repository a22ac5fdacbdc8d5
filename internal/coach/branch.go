package coach

import (
	"fmt"
	"math"
	"strings"

	"fallback/internal/analysis"
)

// Variant names which version of the customer's next line plays.
type Variant string

// Variants of a customer line: the plain line, a softer one after a calm
// answer, a sharper one after a hair-trigger or escalating answer.
const (
	Plain     Variant = ""
	Softened  Variant = "softened"
	Escalated Variant = "escalated"
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
// them (to one decimal of a dB, whole percent).
func Decide(prev analysis.Report, b Bands) (Variant, Reason) {
	switch {
	case prev.NoSpeech:
		return Escalated, ReasonNoSpeech
	case prev.Latency < b.HairTrigger:
		return Escalated, ReasonHairTrigger
	case prev.Latency > b.DeadAir:
		return Escalated, ReasonDeadAir
	case round1(prev.TrendDB()) >= b.LouderDB:
		return Escalated, ReasonLouder
	case math.Round(prev.PaceChangePct) >= b.SpeedUpPct:
		return Escalated, ReasonSpeedUp
	}
	return Softened, ReasonCalm
}

// NextVariant is the variant of Decide: how the customer reacts to the
// rep's last answer.
func NextVariant(prev analysis.Report, b Bands) Variant {
	v, _ := Decide(prev, b)
	return v
}

// Explain says in one sentence why the customer named name reacted with v
// to the answer prev ("Because you answered in 0.2 s, Denise escalated"),
// naming the reason Decide used. It returns "" for Plain (the line does not
// branch) and when v is not what Decide gives for prev (a turn stored under
// other bands), rather than invent a reason. An empty name reads "the
// customer".
func Explain(prev analysis.Report, v Variant, b Bands, name string) string {
	dv, why := Decide(prev, b)
	if v == Plain || v != dv {
		return ""
	}
	who := nameOr(name, "the customer")
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
