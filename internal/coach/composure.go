package coach

import (
	"fmt"
	"math"
	"strings"

	"fallback/internal/analysis"
)

// Composure judges whether the rep mirrored the customer: when the
// customer's line got louder (level trend ≥ Bands.LouderDB), sped up (pace
// change ≥ Bands.SpeedUpPct) or rose in pitch (pitch trend ≥
// Bands.TensionST), did the rep's answer rise the same way, or stay level?
// Mirroring the customer's anger is how a rep is drawn into the fight;
// staying level is falling back. The customer is called by name only (no
// pronoun, so no guessed gender); an empty name reads "the customer".
//
// Pitch is judged within each recording (its second half against its
// first, analysis.Report.F0TrendST), so no calm baseline of the customer's
// voice is needed. The band is the 2-semitone tension band of DESIGN.md:
// a voice that climbs that far within one line has moved as far as a reply
// that sits that far above the rep's calm voice, which reads as tension.
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
	// The three ways a voice rises, in the order the sentences name them.
	aspects := []struct {
		name       string  // what is mirrored: "level"
		cust, rep  float64 // the rises, as shown
		band       float64
		rose, held string // "got 6 dB louder"; what the rep did instead
		keep       string // the advice, as a part of "Keep …"
		fig        func(float64) string
	}{
		{name: "level", cust: round1(customer.TrendDB()), rep: round1(rep.TrendDB()), band: b.LouderDB,
			rose: "got %s dB louder", held: "stayed level", keep: "your voice level", fig: func(x float64) string { return num(x) + " dB" }},
		{name: "pace", cust: math.Round(customer.PaceChangePct) + 0, rep: math.Round(rep.PaceChangePct) + 0, band: b.SpeedUpPct,
			rose: "sped up %s %%", held: "held your pace", keep: "your pace your own", fig: func(x float64) string { return num(x) + " %" }},
		{name: "pitch", cust: round1(nanZero(customer.F0TrendST)), rep: round1(nanZero(rep.F0TrendST)), band: b.TensionST,
			rose: "rose %s semitones in pitch", held: "held your pitch", keep: "your pitch down", fig: func(x float64) string { return num(x) + " semitones" }},
	}
	var cust, held, same, figs, names, keep []string
	for _, a := range aspects {
		if a.cust < a.band {
			continue
		}
		cust = append(cust, fmt.Sprintf(a.rose, num(a.cust)))
		if a.rep < a.band {
			held = append(held, a.held)
			continue
		}
		same = append(same, fmt.Sprintf(a.rose, num(a.rep)))
		figs = append(figs, a.fig(a.rep))
		names = append(names, a.name)
		keep = append(keep, a.keep)
	}
	if len(cust) == 0 {
		f.Value, f.Note = "nothing to mirror", Who+" stayed calm in this line: nothing to mirror."
		return f
	}
	said := Who + " " + joinAnd(cust)

	// What was mirrored: the customer when the rep followed every rise
	// and there were several, else the rises by name.
	what := possessive(who) + " " + joinAnd(names)
	if len(held) == 0 && len(names) > 1 {
		what = who
	}
	switch {
	case len(same) == 0:
		f.Mark, f.Value = Pass, "stayed level"
		f.Note = said + "; you " + joinAnd(held) + " — you didn't mirror " + who + "."
		return f
	case len(held) == 0:
		sep := " and so did you ("
		if len(cust) > 1 {
			sep = "," + sep
		}
		f.Note = said + sep + strings.Join(figs, ", ") + "): you mirrored " + what + ". " + holdYours(who, names, keep)
	default:
		f.Note = said + "; you " + joinAnd(held) + " but " + joinAnd(same) + " too: you mirrored " + what + ". " + holdYours(who, names, keep)
	}
	f.Mark, f.Value = Flag, "mirrored "+joinAnd(names)
	return f
}

// holdYours is the advice after mirroring, pointing back to the method:
// one sentence for what was mirrored (names), keep being each one's part
// of "Keep … your own".
func holdYours(who string, names, keep []string) string {
	if len(names) == 1 {
		switch names[0] {
		case "pace":
			return "Hold yours: fall back, don't race " + who + "."
		case "pitch":
			return "Keep yours down: breathe out, fall back, don't climb with " + who + "."
		}
		return "Keep yours level: fall back, don't fight back."
	}
	return "Keep " + joinAnd(keep) + ": fall back, don't fight back."
}

// nanZero is x, or 0 when x is NaN (a figure not measured: no rise).
func nanZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}

// possessive is "Frank's", "the customer's".
func possessive(who string) string { return who + "'s" }
