package coach

import (
	"math"
	"strings"

	"fallback/internal/analysis"
)

// Composure judges whether the rep mirrored the customer: when the
// customer's line got louder (level trend ≥ Bands.LouderDB) or sped up
// (pace change ≥ Bands.SpeedUpPct), did the rep's answer rise the same way,
// or stay level? Mirroring the customer's anger is how a rep is drawn into
// the fight; staying level is falling back. The customer is called by name
// only (no pronoun, so no guessed gender); an empty name reads "the
// customer".
//
// Pitch is not judged: a Report has no pitch trend within a line and there
// is no calm baseline for the customer's voice, so a rise cannot be told
// from the customer's natural pitch.
//
// The Finding is Info when there is nothing to compare (a calm customer
// line, no answer, or a line that could not be measured), Pass when the rep
// stayed level and Flag when they mirrored; the sentence is in Note and a
// short verdict in Value.
func Composure(customer, rep analysis.Report, name string, b Bands) Finding {
	f := Finding{Metric: MetricComposure, Target: "don't mirror the customer", Mark: Info}
	who := nameOr(name, "the customer")
	Who := nameOr(name, "The customer")
	if customer.NoSpeech {
		f.Value, f.Note = "not measured", "No speech was measured in "+possessive(who)+" line, so there is nothing to compare."
		return f
	}
	if rep.NoSpeech {
		f.Value, f.Note = "no answer", "You didn't answer "+who+", so there is nothing to compare."
		return f
	}
	cLouder := round1(customer.TrendDB())
	cFaster := math.Round(customer.PaceChangePct) + 0
	custLouder := cLouder >= b.LouderDB
	custFaster := cFaster >= b.SpeedUpPct
	if !custLouder && !custFaster {
		f.Value, f.Note = "nothing to mirror", Who+" stayed calm in this line: nothing to mirror."
		return f
	}
	rLouder := round1(rep.TrendDB())
	rFaster := math.Round(rep.PaceChangePct) + 0
	mirLevel := custLouder && rLouder >= b.LouderDB
	mirPace := custFaster && rFaster >= b.SpeedUpPct

	var cust []string
	if custLouder {
		cust = append(cust, "got "+num(cLouder)+" dB louder")
	}
	if custFaster {
		cust = append(cust, "sped up "+num(cFaster)+" %")
	}
	said := Who + " " + joinAnd(cust)

	var held, same, figs []string
	if custLouder {
		if mirLevel {
			same = append(same, "got "+num(rLouder)+" dB louder")
			figs = append(figs, num(rLouder)+" dB")
		} else {
			held = append(held, "stayed level")
		}
	}
	if custFaster {
		if mirPace {
			same = append(same, "sped up "+num(rFaster)+" %")
			figs = append(figs, num(rFaster)+" %")
		} else {
			held = append(held, "held your pace")
		}
	}

	switch {
	case len(same) == 0:
		f.Mark, f.Value = Pass, "stayed level"
		f.Note = said + "; you " + joinAnd(held) + " — you didn't mirror " + who + "."
	case len(held) == 0:
		f.Mark = Flag
		sep := " and so did you ("
		if len(cust) > 1 {
			sep = "," + sep
		}
		f.Note = said + sep + strings.Join(figs, ", ") + "): you mirrored " + mirrored(who, mirLevel, mirPace) + ". " + holdYours(who, mirLevel, mirPace)
	default:
		f.Mark = Flag
		f.Note = said + "; you " + joinAnd(held) + " but " + joinAnd(same) + " too: you mirrored " + mirrored(who, mirLevel, mirPace) + ". " + holdYours(who, mirLevel, mirPace)
	}
	if f.Mark == Flag {
		switch {
		case mirLevel && mirPace:
			f.Value = "mirrored level and pace"
		case mirLevel:
			f.Value = "mirrored level"
		default:
			f.Value = "mirrored pace"
		}
	}
	return f
}

// mirrored is what the rep mirrored: "Frank", "Frank's pace" or "Frank's
// level".
func mirrored(who string, level, pace bool) string {
	switch {
	case level && pace:
		return who
	case pace:
		return possessive(who) + " pace"
	}
	return possessive(who) + " level"
}

// holdYours is the advice after mirroring, pointing back to the method.
func holdYours(who string, level, pace bool) string {
	switch {
	case level && pace:
		return "Keep your voice level and your pace your own: fall back, don't fight back."
	case pace:
		return "Hold yours: fall back, don't race " + who + "."
	}
	return "Keep yours level: fall back, don't fight back."
}

// possessive is "Frank's", "the customer's".
func possessive(who string) string { return who + "'s" }
