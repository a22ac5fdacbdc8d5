package coach

import (
	"errors"
	"fmt"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

// Baseline is the rep's own calm delivery, measured at calibration from a
// neutral passage read aloud. The zero Baseline means "not calibrated";
// comparisons against a zero field are skipped.
type Baseline struct {
	SpeechRate       float64   // syllables per second, pauses included
	ArticulationRate float64   // syllables per second, pauses excluded
	MeanDBFS         float64   // level of the speech (pauses excluded)
	F0MedianHz       float64   // median pitch of voiced speech; 0 if none was found
	F0RangeST        float64   // 5th to 95th percentile of pitch, in semitones
	LivePaceSPS      float64   // calm live pace (LivePace of the passage), on analysis.Live's own scale; 0 if not measured
	TakenAt          time.Time // when the passage was measured (UTC)
}

// Calibrated reports whether the baseline holds a measured calm pace, the
// one figure every calibration yields.
func (b Baseline) Calibrated() bool {
	return b.ArticulationRate > 0 || b.SpeechRate > 0
}

// DefaultsNote is the line a report shows once when the rep has not
// calibrated, and "" when they have.
func DefaultsNote(base Baseline) string {
	if base.Calibrated() {
		return ""
	}
	return "Pace and pitch are judged on defaults — calibrate in Settings for targets of your own."
}

// Calibration limits. A baseline is the yardstick of every later pace,
// level and pitch mark, so a doubtful reading is refused and read again
// rather than kept.
const (
	// MinCalibrationSpeech is the least speech time (pauses excluded) a
	// passage must give. At a calm 4–5 syllables/s, 8 s hold 30–40
	// syllables, so a detector error of ±2 nuclei moves the rate by ≈ 5 %,
	// half the ±10 % pace band.
	MinCalibrationSpeech = 8 * time.Second
	// MinCalibrationSyllables is the least syllable count: with fewer than
	// 20, an error of ±2 nuclei already moves the rate by 10 %, the whole
	// pace band, and every later pace mark would inherit it.
	MinCalibrationSyllables = 20
	// MinCalibrationDBFS is the quietest speech level accepted. Below it
	// the voice sits within 20 dB of the -70 dBFS under which the live
	// analyser takes nothing for speech, so nudges against the calm level
	// would rest on room noise.
	MinCalibrationDBFS = -50.0
	// MaxCalibrationDBFS is the loudest speech level accepted. The peaks of
	// speech stand well above its RMS level: the crest factor (peak over
	// speech RMS) of the unclipped files of both corpora is 11.2 dB at the
	// least, 16.4 dB at the median. Speech whose RMS is above -10 dBFS so
	// has its peaks past full scale: clipped, with a level and syllable
	// count that cannot be trusted. (Milder clipping, peaks cut at -13 dBFS
	// RMS, passes: a Report does not show it.)
	MaxCalibrationDBFS = -10.0
)

// Errors of BaselineFrom, for the calibration screen to tell the rep what
// to change. Test with errors.Is.
var (
	ErrCalibrationNoSpeech = errors.New("no speech heard")
	ErrCalibrationShort    = errors.New("too little speech")
	ErrCalibrationQuiet    = errors.New("speech too quiet")
	ErrCalibrationClipped  = errors.New("speech too loud, clipped")
	ErrCalibrationNoPitch  = errors.New("no voice pitch found")
)

// BaselineFromClip analyses the calibration passage c and makes the rep's
// baseline from it: BaselineFrom of its report, with LivePaceSPS from
// LivePace so the live "slow down" nudge has a calm pace of its own scale.
func BaselineFromClip(c pcm.Clip, opt analysis.Options) (Baseline, error) {
	r, err := analysis.Analyze(c, opt)
	if err != nil {
		return Baseline{}, fmt.Errorf("calibrate: %w", err)
	}
	b, err := BaselineFrom(r)
	if err != nil {
		return Baseline{}, err
	}
	b.LivePaceSPS = LivePace(c)
	return b, nil
}

// BaselineFrom makes the rep's baseline from the report of a neutral
// passage read aloud (20–30 s). It refuses, in this order, a reading with
// no speech, a level too quiet or clipped, too little speech for a steady
// rate, or no voiced pitch; the error says what was heard and what is
// needed.
// TakenAt is the current time in UTC. LivePaceSPS stays 0: it needs the
// clip (BaselineFromClip, or set it from LivePace).
func BaselineFrom(r analysis.Report) (Baseline, error) {
	if r.NoSpeech || r.Syllables == 0 || r.Offset <= r.Onset {
		return Baseline{}, fmt.Errorf("calibrate: %w: read the passage aloud after the tone, and check the microphone", ErrCalibrationNoSpeech)
	}
	if r.MeanDBFS < MinCalibrationDBFS {
		return Baseline{}, fmt.Errorf("calibrate: %w: %.1f dBFS, need at least %.0f dBFS; move closer to the microphone or raise its input level",
			ErrCalibrationQuiet, r.MeanDBFS, MinCalibrationDBFS)
	}
	if r.MeanDBFS > MaxCalibrationDBFS {
		return Baseline{}, fmt.Errorf("calibrate: %w: %.1f dBFS, need at most %.0f dBFS; lower the microphone's input level",
			ErrCalibrationClipped, r.MeanDBFS, MaxCalibrationDBFS)
	}
	// The level comes before the length: a clipped or faint reading
	// miscounts syllables, so "read more" would be the wrong advice.
	speech := r.SpeakingTime() - r.PauseTotal
	if speech < MinCalibrationSpeech || r.Syllables < MinCalibrationSyllables {
		return Baseline{}, fmt.Errorf("calibrate: %w: heard %.1f s of speech and %d syllables, need at least %.0f s and %d for a steady pace; read the whole passage",
			ErrCalibrationShort, speech.Seconds(), r.Syllables, MinCalibrationSpeech.Seconds(), MinCalibrationSyllables)
	}
	if r.F0MedianHz <= 0 {
		return Baseline{}, fmt.Errorf("calibrate: %w: read the passage in your normal speaking voice, not a whisper", ErrCalibrationNoPitch)
	}
	art := r.ArticulationRate
	if art <= 0 {
		art = float64(r.Syllables) / speech.Seconds()
	}
	rate := r.SpeechRate
	if rate <= 0 {
		rate = float64(r.Syllables) / r.SpeakingTime().Seconds()
	}
	return Baseline{
		SpeechRate:       rate,
		ArticulationRate: art,
		MeanDBFS:         r.MeanDBFS,
		F0MedianHz:       r.F0MedianHz,
		F0RangeST:        r.F0RangeST,
		TakenAt:          time.Now().UTC(),
	}, nil
}
