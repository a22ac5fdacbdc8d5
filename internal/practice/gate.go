package practice

import (
	"time"

	"fallback/internal/analysis"
)

// silenceGate decides when an answer is over: once the rep has spoken for
// at least gateMinSpeech (so a cough does not arm it) and then stayed quiet
// for limit. Speech/silence per chunk comes from the live analyser, which
// tracks the noise floor.
type silenceGate struct {
	limit   float64 // seconds of silence that end the answer; <= 0 = never
	speech  float64 // seconds of speech so far
	silence float64 // seconds of silence since the last speech
}

// gateMinSpeech of speech must come first: 0.3 s is about one stressed
// syllable plus its neighbours, more than a click, a breath or a cough.
const gateMinSpeech = 0.3

func newSilenceGate(limit time.Duration) *silenceGate {
	return &silenceGate{limit: limit.Seconds()}
}

// push takes one chunk's stats and its length in seconds and reports
// whether the answer is over.
func (g *silenceGate) push(st analysis.LiveStats, dt float64) bool {
	if st.Speaking {
		g.speech += dt
		g.silence = 0
		return false
	}
	if g.speech >= gateMinSpeech {
		g.silence += dt
	}
	return g.limit > 0 && g.speech >= gateMinSpeech && g.silence >= g.limit
}
