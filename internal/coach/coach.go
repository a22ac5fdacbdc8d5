// Package coach turns measurements into coaching: it holds the bands a
// delivery is judged against, compares a report with the rep's baseline,
// writes the feedback in plain words, judges the rep's composure against
// the customer, decides how the customer reacts to the rep's delivery (the
// softened or the escalated next line) and says why, and gives at most one
// live nudge per answer.
//
// The bands are defaults from DESIGN.md, not dogma; every one is a field so
// a trainer can change it. Figures are judged as they are shown (a pace
// shown as "10 %" is within a ±10 % band), so a row never contradicts its
// own mark.
package coach

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fallback/internal/analysis"
)

// Bands are the thresholds a delivery is judged against. Bands must stay
// comparable with == (callers test for the zero value), so they hold only
// scalars.
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
	// LouderThanBaselineDB is how much louder than the calibrated calm level
	// an answer may be before it is flagged. It is wider than LouderDB
	// because it compares two sessions: between calibration and practice
	// the microphone distance and input gain move too, which a comparison
	// within one answer does not see; 3 dB is a doubling of the power.
	LouderThanBaselineDB float64
	// TensionST is how far above the baseline pitch median a reply may sit
	// before it sounds tense, in semitones.
	TensionST float64
	// LongPause is a pause inside an answer that reads as dead air.
	LongPause time.Duration

	// NudgePacePct is how far the live pace must run over the rep's calm
	// live pace before the live "slow down" nudge. It is wider than
	// PaceTolerancePct because the live pace is noisier than the offline
	// one: it counts the level peaks of a 3 s window (≈ 12–15 syllables, so
	// one miscounted nucleus moves it by ≈ 7 %).
	NudgePacePct float64
	// NudgeLouderDB is how far the live rolling level must rise over the
	// level of the answer's first seconds (and over the calm level, when
	// calibrated) before the "you're getting louder" nudge: the same 3 dB
	// as LouderThanBaselineDB, since the rolling level already averages 3 s
	// of speech.
	NudgeLouderDB float64
	// NudgeSustain is how long (in speech) a live condition must hold
	// before it nudges: about one phrase, so one stressed word, a cough or
	// a quick aside does not interrupt the rep.
	NudgeSustain time.Duration
	// NudgeQuiet is the start of an answer during which no nudge is given:
	// the rep is saying the opening acknowledgement and must not be
	// distracted, and the live estimates hold too little speech to mean
	// anything yet.
	NudgeQuiet time.Duration
}

// DefaultBands are the research-based defaults of DESIGN.md and issue 10.
func DefaultBands() Bands {
	return Bands{
		LatencyMin:           500 * time.Millisecond,
		LatencyMax:           1500 * time.Millisecond,
		HairTrigger:          300 * time.Millisecond,
		DeadAir:              2500 * time.Millisecond,
		PaceTolerancePct:     10,
		SpeedUpPct:           10,
		LouderDB:             2,
		LouderThanBaselineDB: 3,
		TensionST:            2,
		LongPause:            2 * time.Second,
		NudgePacePct:         15,
		NudgeLouderDB:        3,
		NudgeSustain:         time.Second,
		NudgeQuiet:           2 * time.Second,
	}
}

// filled gives the fields added after the first release their defaults
// when they are zero, so Bands built before they existed (from a stored
// configuration or an older caller) keep judging as intended instead of
// flagging every rise of 0 dB.
func (b Bands) filled() Bands {
	d := DefaultBands()
	if b.LouderThanBaselineDB <= 0 {
		b.LouderThanBaselineDB = d.LouderThanBaselineDB
	}
	if b.NudgePacePct <= 0 {
		b.NudgePacePct = d.NudgePacePct
	}
	if b.NudgeLouderDB <= 0 {
		b.NudgeLouderDB = d.NudgeLouderDB
	}
	if b.NudgeSustain <= 0 {
		b.NudgeSustain = d.NudgeSustain
	}
	if b.NudgeQuiet <= 0 {
		b.NudgeQuiet = d.NudgeQuiet
	}
	return b
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

// Metric names of the findings, so callers can find a row without
// matching on its wording.
const (
	MetricSpeech      = "Speech"
	MetricLatency     = "Pause before replying"
	MetricPace        = "Pace"
	MetricPaceChange  = "Pace within the answer"
	MetricPauses      = "Pauses"
	MetricVolume      = "Volume"
	MetricLevelVsCalm = "Volume against your calm level"
	MetricPitch       = "Pitch"
	MetricComposure   = "Composure"
)

// Assess judges one answer against the bands and the rep's baseline.
// Findings come in a fixed order (latency, pace, pace within the answer,
// pauses, volume, volume against the calm level, pitch) so reports read the
// same every time; the order is also the priority of Summary. Without a
// calibrated baseline, pace and pitch are figures only (Info) and the level
// is not compared with a calm level; DefaultsNote says so once.
func Assess(r analysis.Report, b Bands, base Baseline) []Finding {
	b = b.filled()
	if r.NoSpeech {
		return []Finding{{Metric: MetricSpeech, Value: "none heard", Mark: Flag,
			Note: "No speech was picked up. Check the microphone in Settings and answer after the tone."}}
	}
	out := make([]Finding, 0, 7)
	out = append(out, assessLatency(r, b))
	out = append(out, assessPace(r, b, base))
	if r.PaceChangePct != 0 {
		out = append(out, assessPaceChange(r, b))
	}
	out = append(out, assessPauses(r, b))
	out = append(out, assessVolume(r, b))
	if base.Calibrated() && base.MeanDBFS < 0 {
		out = append(out, assessLevelVsCalm(r, b, base))
	}
	if r.F0MedianHz > 0 {
		out = append(out, assessPitch(r, b, base))
	}
	return out
}

func assessLatency(r analysis.Report, b Bands) Finding {
	f := Finding{Metric: MetricLatency, Value: secs(r.Latency),
		Target: fmt.Sprintf("%s–%s", secs(b.LatencyMin), secs(b.LatencyMax))}
	switch {
	case r.Latency < 0:
		f.Mark, f.Note = Flag, "You started before the customer had finished. Let them finish, breathe, then acknowledge how they feel."
	case r.Latency < b.HairTrigger:
		f.Mark, f.Note = Flag, fmt.Sprintf("You came back in %s, instantly. Take a breath first: a short, deliberate pause shows you heard them, then acknowledge how they feel.", secs(r.Latency))
	case r.Latency > b.DeadAir:
		f.Mark, f.Note = Flag, fmt.Sprintf("You waited %s before answering; a silence that long can sound like reluctance. Open with the acknowledgement you know by heart: \"I know you must be upset…\"", secs(r.Latency))
	case r.Latency < b.LatencyMin || r.Latency > b.LatencyMax:
		f.Mark, f.Note = Info, "Close to the band: aim for about one second."
	default:
		f.Mark = Pass
	}
	return f
}

// paceRates picks the rates to compare: articulation rate (pauses excluded,
// so a thoughtful pause does not count as slow speech) when both sides have
// it, else the speech rate (a baseline or report from before articulation
// rate was stored). ok is false when there is nothing to compare.
func paceRates(r analysis.Report, base Baseline) (got, calm float64, ok bool) {
	switch {
	case base.ArticulationRate > 0 && r.ArticulationRate > 0:
		return r.ArticulationRate, base.ArticulationRate, true
	case base.SpeechRate > 0 && r.SpeechRate > 0:
		return r.SpeechRate, base.SpeechRate, true
	}
	return 0, 0, false
}

func assessPace(r analysis.Report, b Bands, base Baseline) Finding {
	f := Finding{Metric: MetricPace, Mark: Info}
	if r.ArticulationRate > 0 {
		f.Value = fmt.Sprintf("%.1f syllables/s, %.1f between pauses (≈ %.0f words/min)", r.SpeechRate, r.ArticulationRate, r.WordsPerMin)
	} else {
		f.Value = fmt.Sprintf("%.1f syllables/s (≈ %.0f words/min)", r.SpeechRate, r.WordsPerMin)
	}
	got, calm, ok := paceRates(r, base)
	if !ok {
		return f
	}
	pct := math.Round(100*(got/calm-1)) + 0 // +0: no "-0 %"
	f.Target = fmt.Sprintf("your calm %.1f ± %s %%", calm, num(b.PaceTolerancePct))
	switch {
	case pct > b.PaceTolerancePct:
		f.Mark, f.Note = Flag, fmt.Sprintf("You spoke %s %% faster than your calm pace (%.1f against %.1f syllables/s). Rushing sounds like defending yourself: slow down and fall back — acknowledge, don't explain.", num(pct), got, calm)
	case -pct > b.PaceTolerancePct:
		f.Mark, f.Note = Flag, fmt.Sprintf("You spoke %s %% slower than your calm pace (%.1f against %.1f syllables/s). A dragging pace can sound reluctant: keep your own tempo and acknowledge the customer plainly.", num(-pct), got, calm)
	default:
		f.Mark = Pass
	}
	return f
}

func assessPaceChange(r analysis.Report, b Bands) Finding {
	pct := math.Round(r.PaceChangePct) + 0
	f := Finding{Metric: MetricPaceChange, Value: fmt.Sprintf("%+.0f %% second half vs first", pct),
		Target: fmt.Sprintf("< +%s %%", num(b.SpeedUpPct)), Mark: Pass}
	if pct >= b.SpeedUpPct {
		f.Mark, f.Note = Flag, fmt.Sprintf("You sped up %s %% as you went. Under attack, hold your pace: you don't need to win the point. Fall back and ask \"Would that be a fair statement?\"", num(pct))
	}
	return f
}

func assessPauses(r analysis.Report, b Bands) Finding {
	f := Finding{Metric: MetricPauses, Value: fmt.Sprintf("%d, longest %s", len(r.Pauses), secs(r.LongestPause)),
		Target: fmt.Sprintf("none over %s", secs(b.LongPause)), Mark: Pass}
	if r.LongestPause > b.LongPause {
		f.Mark, f.Note = Flag, fmt.Sprintf("A %s pause mid-answer is dead air on the phone. Keep a short bridging phrase ready, or check that the customer has understood.", secs(r.LongestPause))
	}
	return f
}

func assessVolume(r analysis.Report, b Bands) Finding {
	rise := round1(r.TrendDB())
	f := Finding{Metric: MetricVolume, Value: fmt.Sprintf("%.1f dBFS (first half %.1f, second half %.1f)", r.MeanDBFS, r.FirstHalfDBFS, r.SecondHalfDBFS),
		Target: fmt.Sprintf("rise < %s dB", num(b.LouderDB)), Mark: Pass}
	if rise >= b.LouderDB {
		f.Mark, f.Note = Flag, fmt.Sprintf("You got %s dB louder as you went. Louder reads as anger: keep your voice level and fall back rather than fight back.", num(rise))
	}
	return f
}

func assessLevelVsCalm(r analysis.Report, b Bands, base Baseline) Finding {
	d := round1(r.MeanDBFS - base.MeanDBFS)
	f := Finding{Metric: MetricLevelVsCalm, Value: fmt.Sprintf("%s dB (%.1f against %.1f dBFS)", signed(d), r.MeanDBFS, base.MeanDBFS),
		Target: fmt.Sprintf("less than %s dB over your calm level", num(b.LouderThanBaselineDB)), Mark: Pass}
	if d >= b.LouderThanBaselineDB {
		f.Mark, f.Note = Flag, fmt.Sprintf("Your voice was %s dB louder than your calm level. Bring it back down: a level voice tells the customer you are not fighting back.", num(d))
	}
	return f
}

func assessPitch(r analysis.Report, b Bands, base Baseline) Finding {
	f := Finding{Metric: MetricPitch, Value: fmt.Sprintf("%.0f Hz median, range %.1f semitones", r.F0MedianHz, r.F0RangeST), Mark: Info}
	if tr := pitchTrend(r.F0TrendST, b); tr != "" {
		f.Value += "; " + tr
	}
	if !base.Calibrated() || base.F0MedianHz <= 0 {
		return f
	}
	st := round1(12 * math.Log2(r.F0MedianHz/base.F0MedianHz))
	f.Target = fmt.Sprintf("within +%s semitones of your calm %.0f Hz", num(b.TensionST), base.F0MedianHz)
	f.Mark = Pass
	if st >= b.TensionST {
		f.Mark, f.Note = Flag, fmt.Sprintf("Your pitch sat %s semitones above your calm voice, a sign of tension. Breathe out before you answer, then acknowledge the feeling.", num(st))
	}
	return f
}

// pitchTrend says in words how the pitch moved from the first half of the
// answer to the second: a rise or fall of Bands.TensionST or more (the
// change DESIGN.md reads as tension when it sets a reply above the calm
// voice) is named, a smaller one is steady. NaN (a stored turn whose track
// has not been measured again) says nothing.
func pitchTrend(st float64, b Bands) string {
	if math.IsNaN(st) {
		return ""
	}
	d := round1(st)
	switch {
	case d >= b.TensionST:
		return "rose " + num(d) + " semitones from the first half to the second"
	case d <= -b.TensionST:
		return "fell " + num(-d) + " semitones from the first half to the second"
	}
	return "steady from the first half to the second (" + signed(d) + " semitones)"
}

// Summary is the one-line coaching note for an answer, tied to the method:
// the first flagged finding's note (every flagged note points to a step of
// falling back), or praise naming what went right when nothing is flagged.
// fs is Assess's findings, optionally with the Composure finding appended.
func Summary(fs []Finding) string {
	for _, f := range fs {
		if f.Mark == Flag && f.Note != "" {
			return f.Note
		}
	}
	var good []string
	var calmPace, steadyPace, level, pitch, composed bool
	for _, f := range fs {
		if f.Mark != Pass {
			continue
		}
		switch f.Metric {
		case MetricLatency:
			good = append(good, "paused "+f.Value+" before answering")
		case MetricPace:
			calmPace = true
		case MetricPaceChange:
			steadyPace = true
		case MetricVolume, MetricLevelVsCalm:
			level = true
		case MetricPitch:
			pitch = true
		case MetricComposure:
			composed = true
		}
	}
	switch {
	case calmPace:
		good = append(good, "kept to your calm pace")
	case steadyPace:
		good = append(good, "held your pace")
	}
	if level {
		good = append(good, "kept your voice level")
	}
	if pitch {
		good = append(good, "kept your pitch at your calm level")
	}
	if composed {
		good = append(good, "didn't mirror the customer")
	}
	if len(good) == 0 {
		return "Nothing in your delivery to work on: that is falling back."
	}
	return "Calm delivery: you " + joinAnd(good) + ". That is falling back: nothing in your voice for the customer to push against."
}

// joinAnd joins phrases as English lists do: "a", "a and b", "a, b and c".
func joinAnd(p []string) string {
	switch len(p) {
	case 0:
		return ""
	case 1:
		return p[0]
	}
	return strings.Join(p[:len(p)-1], ", ") + " and " + p[len(p)-1]
}

// secs is a duration in seconds with up to two decimals and no trailing
// zeros ("0.2 s", "0.25 s", "3 s"): two decimals keep 0.29 s apart from the
// 0.3 s hair-trigger band.
func secs(d time.Duration) string {
	return strconv.FormatFloat(math.Round(d.Seconds()*100)/100, 'f', -1, 64) + " s"
}

// round1 rounds to the one decimal figures are shown with, so a figure is
// judged as the rep reads it.
func round1(x float64) float64 { return math.Round(x*10)/10 + 0 }

// num is x with at most one decimal and no trailing zero ("4", "2.6").
func num(x float64) string {
	return strconv.FormatFloat(round1(x), 'f', -1, 64)
}

// signed is num with its sign ("+4", "-1.5", "0").
func signed(x float64) string {
	if round1(x) > 0 {
		return "+" + num(x)
	}
	return num(x)
}
