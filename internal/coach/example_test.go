package coach_test

import (
	"fmt"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

func ExampleAssess() {
	base := coach.Baseline{SpeechRate: 4, ArticulationRate: 4.5, MeanDBFS: -24, F0MedianHz: 120}
	r := analysis.Report{
		Onset: 1200 * time.Millisecond, Offset: 7 * time.Second, Latency: 200 * time.Millisecond,
		SpeechRate: 4.6, ArticulationRate: 5.13, WordsPerMin: 212, PaceChangePct: 12,
		MeanDBFS: -20, FirstHalfDBFS: -21.5, SecondHalfDBFS: -18.5, F0MedianHz: 143, F0RangeST: 6, F0TrendST: 2.4,
	}
	for _, f := range coach.Assess(r, coach.DefaultBands(), base) {
		fmt.Printf("%s | %s | %s | %s\n", f.Metric, f.Value, f.Target, f.Mark)
		if f.Note != "" {
			fmt.Println("  " + f.Note)
		}
	}
	fmt.Println("Coach:", coach.Summary(coach.Assess(r, coach.DefaultBands(), base)))
	fmt.Printf("defaults note calibrated: %q\n", coach.DefaultsNote(base))
	fmt.Println("defaults note uncalibrated:", coach.DefaultsNote(coach.Baseline{}))
	// Output:
	// Pause before replying | 0.2 s | 0.5 s–1.5 s | work on it
	//   You came back in 0.2 s, instantly. Take a breath first: a short, deliberate pause shows you heard them, then acknowledge how they feel.
	// Pace | 4.6 syllables/s, 5.1 between pauses (≈ 212 words/min) | your calm 4.5 ± 10 % | work on it
	//   You spoke 14 % faster than your calm pace (5.1 against 4.5 syllables/s). Rushing sounds like defending yourself: slow down and fall back — acknowledge, don't explain.
	// Pace within the answer | +12 % second half vs first | < +10 % | work on it
	//   You sped up 12 % as you went. Under attack, hold your pace: you don't need to win the point. Fall back and ask "Would that be a fair statement?"
	// Pauses | 0, longest 0 s | none over 2 s | ok
	// Volume | -20.0 dBFS (first half -21.5, second half -18.5) | rise < 2 dB | work on it
	//   You got 3 dB louder as you went. Louder reads as anger: keep your voice level and fall back rather than fight back.
	// Volume against your calm level | +4 dB (-20.0 against -24.0 dBFS) | less than 3 dB over your calm level | work on it
	//   Your voice was 4 dB louder than your calm level. Bring it back down: a level voice tells the customer you are not fighting back.
	// Pitch | 143 Hz median, range 6.0 semitones; rose 2.4 semitones from the first half to the second | within +2 semitones of your calm 120 Hz | work on it
	//   Your pitch sat 3 semitones above your calm voice, a sign of tension. Breathe out before you answer, then acknowledge the feeling.
	// Coach: You came back in 0.2 s, instantly. Take a breath first: a short, deliberate pause shows you heard them, then acknowledge how they feel.
	// defaults note calibrated: ""
	// defaults note uncalibrated: Pace and pitch are judged on defaults — calibrate in Settings for targets of your own.
}

func ExampleExplain() {
	b := coach.DefaultBands()
	calm := analysis.Report{Onset: time.Second, Offset: 6 * time.Second, Latency: 900 * time.Millisecond, FirstHalfDBFS: -24, SecondHalfDBFS: -24}
	quick := calm
	quick.Latency = 200 * time.Millisecond
	late := calm
	late.Latency = 3 * time.Second
	for _, r := range []analysis.Report{calm, quick, late, {NoSpeech: true}} {
		v, why := coach.Decide(r, b)
		fmt.Printf("%s (%s): %s\n", v, why, coach.Explain(r, v, b, "Denise"))
	}
	// Output:
	// softened (calm): Because you paused 0.9 s, kept your voice level and held your pace, Denise softened.
	// escalated (hair-trigger): Because you answered in 0.2 s, Denise escalated.
	// escalated (dead-air): Because you left 3 s of dead air before answering, Denise escalated.
	// escalated (no-speech): Because there was no answer, Denise escalated.
}

func ExampleComposure() {
	b := coach.DefaultBands()
	frank := analysis.Report{FirstHalfDBFS: -24, SecondHalfDBFS: -18, PaceChangePct: 2}
	level := analysis.Report{FirstHalfDBFS: -24, SecondHalfDBFS: -24}
	louder := analysis.Report{FirstHalfDBFS: -24, SecondHalfDBFS: -21}
	for _, rep := range []analysis.Report{level, louder} {
		f := coach.Composure(frank, rep, "Frank", b)
		fmt.Printf("%s (%s): %s\n", f.Value, f.Mark, f.Note)
	}
	// Output:
	// stayed level (ok): Frank got 6 dB louder; you stayed level — you didn't mirror Frank.
	// mirrored level (work on it): Frank got 6 dB louder and so did you (3 dB): you mirrored Frank's level. Keep yours level: fall back, don't fight back.
}

func ExampleBaselineFrom() {
	short := analysis.Report{Onset: time.Second, Offset: 6 * time.Second, Syllables: 22, MeanDBFS: -25, F0MedianHz: 110}
	if _, err := coach.BaselineFrom(short); err != nil {
		fmt.Println(err)
	}
	// Output:
	// calibrate: too little speech: heard 5.0 s of speech and 22 syllables, need at least 8 s and 20 for a steady pace; read the whole passage
}

func ExampleNudger() {
	n := coach.NewNudger(coach.DefaultBands(), coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4, MeanDBFS: -24})
	for el := 20 * time.Millisecond; el <= 6*time.Second; el += 20 * time.Millisecond {
		st := analysis.LiveStats{RollingDBFS: -24, PaceSPS: 5, Speaking: el > 500*time.Millisecond, Elapsed: el}
		if text, ok := n.Push(st); ok {
			fmt.Printf("%.2f s: %s\n", el.Seconds(), text)
		}
	}
	// Output:
	// 3.52 s: Slow down a little
}
