package analysis

import "math"

// Recording-quality figures of the Report: clipping and the room's floor.
const (
	// clipNear: a sample is at the clipping ceiling when it lies within 1 %
	// (0.09 dB) of the clip's largest magnitude. Hard clipping holds the
	// waveform flat at its ceiling, whichever stage clipped it (the
	// converter at full scale, a preamp or limiter below it), and noise
	// added after that stage (room tone, dither) scatters the flat top by
	// far less than 1 % of a loud ceiling; an unclipped voice comes within
	// 1 % of its peak in only a handful of samples.
	clipNear = 0.03
	// clipMinCeiling: a ceiling below 0.25 (-12 dBFS) is not clipping: no
	// input stage clips with 12 dB of headroom left, and at low levels 1 %
	// of the peak is only a few 16-bit steps, so rounding alone makes
	// samples "flat".
	clipMinCeiling = 0.25
	// minNoiseSec: the floor under the speech is measured in its pauses and
	// gaps when they hold at least 0.1 s of room tone (ten 10 ms frames);
	// otherwise over the whole clip.
	minNoiseSec = 0.1
)

// clipShare is the share of the samples of segs at the clipping ceiling
// (clipNear of the largest magnitude in the clip, counted only in runs of
// two or more: a flat top, not a single peak sample).
func (a *analyser) clipShare(segs []segment) float64 {
	var peak float32
	for _, v := range a.x {
		peak = max(peak, v, -v)
	}
	if peak < clipMinCeiling {
		return 0
	}
	lim := peak * (1 - clipNear)
	at := func(i int) bool { return i >= 0 && i < len(a.x) && (a.x[i] >= lim || a.x[i] <= -lim) }
	var n, total int
	for _, s := range segs {
		total += s.end - s.start
		for i := s.start; i < s.end; i++ {
			if at(i) && (at(i-1) || at(i+1)) {
				n++
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// noiseUnder is the mean square of the room under the speech: the median
// mean square of the 10 ms frames between onset and offset that lie at
// least edgeGuardSec away from speech (pauses and gaps between words; the
// median, so that a breath or a click in a pause does not count, and for
// noise it is within 0.1 dB of the mean of a 10 ms frame's power), or,
// with less than minNoiseSec of such frames, a.noise (the whole clip's).
func (a *analyser) noiseUnder() float64 {
	if len(a.speech) == 0 {
		return a.noise
	}
	lo, hi := a.speech[0].start, a.speech[len(a.speech)-1].end
	g := a.samples(edgeGuardSec)
	w := a.samples(winSec)
	var fr []float64
	prev := lo
	add := func(b, e int) {
		for i := b; i+w <= e; i += w {
			fr = append(fr, a.sumSq(i, i+w)/float64(w))
		}
	}
	for _, s := range a.active {
		if s.end <= lo || s.start >= hi {
			continue
		}
		add(prev, min(s.start-g, hi))
		prev = max(prev, s.end+g)
	}
	if len(fr)*w < a.samples(minNoiseSec) {
		return a.noise
	}
	return quantile(fr, 0.5)
}

// floorDBFS is the level of a mean square for the Report (MinDBFS for
// digital silence).
func floorDBFS(ms float64) float64 {
	if ms <= 0 || math.IsNaN(ms) {
		return MinDBFS
	}
	return max(MinDBFS, dbfs(ms))
}
