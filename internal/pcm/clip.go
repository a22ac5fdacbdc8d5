// Package pcm holds audio values: a mono clip of float32 samples and the WAV
// files they are read from and written to. It has no dependencies beyond the
// standard library and never touches a sound card.
package pcm

import (
	"math"
	"time"
)

// Clip is mono audio: Samples in [-1, 1] (full scale = 1.0) at Rate samples
// per second. A Clip owns its Samples; functions that keep a slice say so.
type Clip struct {
	Rate    int
	Samples []float32
}

// Duration is the length of the clip.
func (c Clip) Duration() time.Duration {
	if c.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(len(c.Samples)) / float64(c.Rate) * float64(time.Second))
}

// Seconds is the length of the clip in seconds.
func (c Clip) Seconds() float64 {
	if c.Rate <= 0 {
		return 0
	}
	return float64(len(c.Samples)) / float64(c.Rate)
}

// Index converts a time offset to a sample index, clamped to the clip.
func (c Clip) Index(d time.Duration) int {
	i := int(math.Round(d.Seconds() * float64(c.Rate)))
	if i < 0 {
		return 0
	}
	if i > len(c.Samples) {
		return len(c.Samples)
	}
	return i
}

// Time converts a sample index to a time offset.
func (c Clip) Time(i int) time.Duration {
	if c.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(i) / float64(c.Rate) * float64(time.Second))
}
