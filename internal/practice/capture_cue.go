package practice

import (
	"math"
	"time"

	"fallback/internal/pcm"
)

// Finding the cue tone in the recording. With open speakers (or a
// loopback) the microphone hears the cue tone itself; then its end in the
// recording is the cue to the sample, whatever the stream timing says,
// and its tail cannot score as a hair-trigger reply. With a headset the
// tone is not there and the stream-timing cue stands.
const (
	// toneSearchBefore and toneSearchAfter bound the search around the
	// stream-timing cue: that estimate was seen 10 ms late on a
	// PulseAudio null sink (25–36 ms before PlayedAt took off the silence
	// that left the buffer with the tone), and a device that hides part of
	// its latency makes it early; −0.4…+0.1 s covers both with room, and
	// keeps a later whistle or beep out.
	toneSearchBefore = 400 * time.Millisecond
	toneSearchAfter  = 100 * time.Millisecond
	// toneMinMatch is the normalised correlation that counts as the tone:
	// a tone cut by a third on its way (PulseAudio rewinds) still scored
	// 0.55; noise and a voiced buzz stay below it (TestFindTone).
	toneMinMatch = 0.5
)

// findTone looks for tone in rec near cue and returns where the tone's
// last sample lies in rec, and whether it was found.
func findTone(rec, tone pcm.Clip, cue time.Duration) (time.Duration, bool) {
	if rec.Rate != tone.Rate || len(tone.Samples) == 0 {
		return 0, false // the tone is made at one rate; the app records at it
	}
	x, h := rec.Samples, tone.Samples
	var hh float64
	for _, v := range h {
		hh += float64(v) * float64(v)
	}
	// Lags at which the tone's end falls inside the window.
	lo := max(0, rec.Index(cue-toneSearchBefore)-len(h))
	hi := min(len(x)-len(h), rec.Index(cue+toneSearchAfter)-len(h))
	best, bestAt := 0.0, -1
	for lag := lo; lag <= hi; lag++ {
		var xh, xx float64
		for j, v := range h {
			s := float64(x[lag+j])
			xh += s * float64(v)
			xx += s * s
		}
		if xx == 0 {
			continue
		}
		if c := xh / math.Sqrt(xx*hh); c > best {
			best, bestAt = c, lag
		}
	}
	if bestAt < 0 || best < toneMinMatch {
		return 0, false
	}
	return rec.Time(bestAt + len(h)), true
}
