// Package analysis measures how a spoken answer sounded: when speech starts
// and ends, its pauses, syllable rate, loudness and pitch. It is pure Go with
// no I/O; the definitions follow the "Measurements" table of DESIGN.md.
package analysis

import "time"

// Interval is a stretch of a recording, in time from the start of the clip.
type Interval struct {
	Start, End time.Duration
}

// Len is the length of the interval.
func (iv Interval) Len() time.Duration { return iv.End - iv.Start }

// Trend classifies the change of level from the first to the second half of
// the speech time.
type Trend string

// Trend classes: rising is a change of at least +2 dB, falling at most -2 dB.
const (
	TrendFlat    Trend = "flat"
	TrendRising  Trend = "rising"
	TrendFalling Trend = "falling"
)

// PitchPoint is the F0 of one voiced frame of a recording: Hz at At from
// the start of the clip (the frame's centre).
type PitchPoint struct {
	At time.Duration
	Hz float64
}

// Options configure one analysis.
type Options struct {
	// Cue is the moment the rep may start speaking (0 = start of the clip).
	Cue time.Duration
	// MinPause is the shortest silence counted as a pause; 0 means 300 ms.
	MinPause time.Duration
}

// Report is the measurement of one answer. When NoSpeech is true no speech
// was found after the cue and every other field is zero.
type Report struct {
	NoSpeech bool

	Onset   time.Duration // first speech sample
	Offset  time.Duration // last speech sample
	Latency time.Duration // Onset - Cue

	Pauses       []Interval    // silences >= MinPause between Onset and Offset
	LongestPause time.Duration // longest of Pauses, 0 if none
	PauseTotal   time.Duration // sum of Pauses

	Syllables        int
	SpeechRate       float64 // syllables per second over Offset-Onset
	ArticulationRate float64 // syllables per second over Offset-Onset-PauseTotal
	WordsPerMin      float64 // estimated words per minute over Offset-Onset
	PaceChangePct    float64 // rate of the second half of the speech time relative to the first, in percent

	MeanDBFS       float64 // RMS level of the speech samples (pauses excluded)
	FirstHalfDBFS  float64 // the same over the first half of the speech time
	SecondHalfDBFS float64 // the same over the second half of the speech time
	Trend          Trend

	F0MedianHz float64 // median F0 of voiced speech; 0 if no voicing found
	F0P5Hz     float64 // 5th percentile of F0
	F0P95Hz    float64 // 95th percentile of F0
	F0RangeST  float64 // 12*log2(F0P95Hz/F0P5Hz)
	// F0TrendST is the median F0 of the second half of the speech time
	// relative to the first, in semitones (positive: the pitch rose); 0
	// when either half holds too little voice to tell.
	F0TrendST float64
	// Pitch is the voiced pitch track the F0 figures are taken from, in
	// time order: one point per 10 ms frame of voice; unvoiced stretches
	// have no points.
	Pitch []PitchPoint

	// ClipShare is the share (0..1) of the speech samples at the clipping
	// ceiling: within 1 % of the clip's largest magnitude, in flat runs of
	// two or more samples, when that magnitude is at least 0.25 (-12 dBFS).
	// Clipping stages need not clip at exactly full scale, hence "near".
	// Above about 0.001 the distortion is audible; the rep should lower the
	// input gain or move back from the microphone.
	ClipShare float64
	// NoiseFloorDBFS is the RMS level of the room under the speech (its
	// pauses and the gaps between words; the whole clip's quiet parts when
	// those are too short), in dBFS; MinDBFS for digital silence. With
	// MeanDBFS it gives the signal-to-noise ratio of the recording.
	NoiseFloorDBFS float64
}

// SpeakingTime is the span from onset to offset, pauses included.
func (r Report) SpeakingTime() time.Duration { return r.Offset - r.Onset }

// TrendDB is SecondHalfDBFS - FirstHalfDBFS.
func (r Report) TrendDB() float64 { return r.SecondHalfDBFS - r.FirstHalfDBFS }
