// Package coach turns measurements into coaching: it holds the bands a
// delivery is judged against, compares a report with the rep's baseline,
// writes the feedback in plain words and decides how the customer reacts
// to the rep's delivery (the softened or the escalated next line).
//
// The bands are defaults from DESIGN.md, not dogma; every one is a field so
// a trainer can change it.
package coach

import (
	"fmt"
	"math"
	"time"

	"fallback/internal/analysis"
)

// Bands are the thresholds a delivery is judged against.
type Bands struct {
	// LatencyMin and LatencyMax bound a good pause before replying: long
	// enough to show the rep listened (turn-taking norm ≈ 0.2 s), short of
	// reading as reluctance. Top sales reps pause ≈ 1.5 s after an objection.
	LatencyMin, LatencyMax time.Duration
	// HairTrigger is a reply so fast it sounds like a counter-attack.
	HairTrigger time.Duration
	// DeadAir is a reply so slow the customer wonders if anyone is there.
	DeadAir time.Duration
	// PaceTolerancePct is how far pace may drift from the baseline (the
	// just-noticeable tempo change is ≈ 10 %).
	PaceTolerancePct float64
	// SpeedUpPct is the rise of pace from the first to the second half of an
	// answer that counts as speeding up.
	SpeedUpPct float64
	// LouderDB is the rise of level from the first to the second half that
	// counts as escalating.
	LouderDB float64
	// TensionST is how far above the baseline pitch median a reply may sit
	// before it sounds tense, in semitones.
	TensionST float64
	// LongPause is a pause inside an answer that reads as dead air.
	LongPause time.Duration
}

// DefaultBands are the research-based defaults of DESIGN.md.
func DefaultBands() Bands {
	return Bands{
		LatencyMin:       500 * time.Millisecond,
		LatencyMax:       1500 * time.Millisecond,
		HairTrigger:      300 * time.Millisecond,
		DeadAir:          2500 * time.Millisecond,
		PaceTolerancePct: 10,
		SpeedUpPct:       10,
		LouderDB:         2,
		TensionST:        2,
		LongPause:        2 * time.Second,
	}
}

// Baseline is the rep's own calm delivery, measured at calibration. Zero
// fields mean "not calibrated"; comparisons against them are skipped.
type Baseline struct {
	SpeechRate float64 // syllables per second
	MeanDBFS   float64
	F0MedianHz float64
}

// Mark is the verdict on one metric.
type Mark int

// Marks, from good to needs work. Info is a figure shown without a verdict.
const (
	Info Mark = iota
	Pass
	Flag
)

// String is the mark as a short word.
func (m Mark) String() string {
	switch m {
	case Pass:
		return "ok"
	case Flag:
		return "work on it"
	default:
		return ""
	}
}

// Finding is one row of a report: a metric, its figure in plain words, the
// verdict and, when flagged, why.
type Finding struct {
	Metric string
	Value  string
	Target string
	Mark   Mark
	Note   string
}

// Assess judges one answer. Findings come in a fixed order (latency, pace,
// pauses, volume, pitch) so reports read the same every time.
func Assess(r analysis.Report, b Bands, base Baseline) []Finding {
	if r.NoSpeech {
		return []Finding{{Metric: "Speech", Value: "none heard", Mark: Flag,
			Note: "No speech was picked up. Check the microphone in Settings and answer after the tone."}}
	}
	var out []Finding

	lat := Finding{Metric: "Pause before replying", Value: secs(r.Latency),
		Target: fmt.Sprintf("%s–%s", secs(b.LatencyMin), secs(b.LatencyMax))}
	switch {
	case r.Latency < b.HairTrigger:
		lat.Mark, lat.Note = Flag, "You came back instantly. Take a breath first: a short, deliberate pause shows you heard them."
	case r.Latency > b.DeadAir:
		lat.Mark, lat.Note = Flag, "A long silence before answering can sound like reluctance. Start with the acknowledgement you know by heart."
	case r.Latency < b.LatencyMin || r.Latency > b.LatencyMax:
		lat.Mark, lat.Note = Info, "Close to the band: aim for about one second."
	default:
		lat.Mark = Pass
	}
	out = append(out, lat)

	pace := Finding{Metric: "Pace", Value: fmt.Sprintf("%.1f syllables/s (≈ %.0f words/min)", r.SpeechRate, r.WordsPerMin), Mark: Info}
	if base.SpeechRate > 0 && r.SpeechRate > 0 {
		diff := 100 * (r.SpeechRate/base.SpeechRate - 1)
		pace.Target = fmt.Sprintf("%.1f ± %.0f %%", base.SpeechRate, b.PaceTolerancePct)
		if math.Abs(diff) > b.PaceTolerancePct {
			pace.Mark = Flag
			if diff > 0 {
				pace.Note = fmt.Sprintf("%.0f %% faster than your calm pace. Slow down: rushing sounds defensive.", diff)
			} else {
				pace.Note = fmt.Sprintf("%.0f %% slower than your calm pace.", -diff)
			}
		} else {
			pace.Mark = Pass
		}
	}
	out = append(out, pace)

	if r.PaceChangePct != 0 {
		sp := Finding{Metric: "Pace within the answer", Value: fmt.Sprintf("%+.0f %% second half vs first", math.Round(r.PaceChangePct)+0),
			Target: fmt.Sprintf("< +%.0f %%", b.SpeedUpPct), Mark: Pass}
		if r.PaceChangePct >= b.SpeedUpPct {
			sp.Mark, sp.Note = Flag, "You sped up as you went. Under attack, hold your pace."
		}
		out = append(out, sp)
	}

	p := Finding{Metric: "Pauses", Value: fmt.Sprintf("%d, longest %s", len(r.Pauses), secs(r.LongestPause)),
		Target: fmt.Sprintf("none over %s", secs(b.LongPause)), Mark: Pass}
	if r.LongestPause > b.LongPause {
		p.Mark, p.Note = Flag, "A long pause mid-answer is dead air on the phone. Keep a short phrase ready to bridge it."
	}
	out = append(out, p)

	vol := Finding{Metric: "Volume", Value: fmt.Sprintf("%.1f dBFS (first half %.1f, second half %.1f)", r.MeanDBFS, r.FirstHalfDBFS, r.SecondHalfDBFS),
		Target: fmt.Sprintf("rise < %.0f dB", b.LouderDB), Mark: Pass}
	if r.TrendDB() >= b.LouderDB {
		vol.Mark, vol.Note = Flag, "You got louder as you went. Louder reads as anger; keep your voice level."
	}
	out = append(out, vol)

	if r.F0MedianHz > 0 {
		f0 := Finding{Metric: "Pitch", Value: fmt.Sprintf("%.0f Hz median, range %.1f semitones", r.F0MedianHz, r.F0RangeST), Mark: Info}
		if base.F0MedianHz > 0 {
			st := 12 * math.Log2(r.F0MedianHz/base.F0MedianHz)
			f0.Target = fmt.Sprintf("within +%.0f semitones of %.0f Hz", b.TensionST, base.F0MedianHz)
			f0.Mark = Pass
			if st >= b.TensionST {
				f0.Mark, f0.Note = Flag, "Your pitch climbed above your calm voice: a sign of tension. Breathe out before you answer."
			}
		}
		out = append(out, f0)
	}
	return out
}

// Variant names which version of the customer's next line plays.
type Variant string

// Variants of a customer line: the plain line, a softer one after a calm
// answer, a sharper one after a hair-trigger or escalating answer.
const (
	Plain     Variant = ""
	Softened  Variant = "softened"
	Escalated Variant = "escalated"
)

// NextVariant decides how the customer reacts to the rep's last answer: a
// hair-trigger reply, rising volume or speeding up escalates; otherwise the
// customer softens. No speech at all escalates too — silence on the phone
// does not calm an upset customer.
func NextVariant(prev analysis.Report, b Bands) Variant {
	switch {
	case prev.NoSpeech:
		return Escalated
	case prev.Latency < b.HairTrigger:
		return Escalated
	case prev.TrendDB() >= b.LouderDB:
		return Escalated
	case prev.PaceChangePct >= b.SpeedUpPct:
		return Escalated
	}
	return Softened
}

// Summary is the one-line coaching note for an answer, tied to the method:
// the first flagged finding's note, or praise when nothing is flagged.
func Summary(fs []Finding) string {
	for _, f := range fs {
		if f.Mark == Flag && f.Note != "" {
			return f.Note
		}
	}
	return "Calm delivery: you paused before answering and kept your pace and volume steady. That is falling back."
}

func secs(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}
