package analysis

import (
	"math"
	"time"
)

// MinDBFS is the level reported for digital silence instead of -Inf.
const MinDBFS = -120.0

// Live analyser constants.
const (
	liveBlockSec  = 0.010 // one envelope value per 10 ms (see winSec)
	liveWindowSec = 3.0   // rolling window of the pace and level estimates
	// liveFloorRiseDBps: the noise floor follows a quieter block at once
	// and rises by 3 dB/s otherwise (minimum tracking, after Martin 2001,
	// IEEE Trans. Speech Audio Process. 9:504): speech, whose syllables
	// come faster than every 0.5 s, cannot pull it up by more than ~1.5 dB.
	liveFloorRiseDBps = 3.0
	// liveAbsFloorDBFS: below -70 dBFS nothing is taken for speech (16-bit
	// noise floors of consumer inputs sit around -90..-70 dBFS).
	liveAbsFloorDBFS = -70.0
	// liveMinSpeechSec: the pace is 0 until the window holds this much
	// speech, so one word does not give a rate.
	liveMinSpeechSec = 0.5
)

// LiveStats is what Live.Push reports after each chunk.
type LiveStats struct {
	LevelDBFS   float64       // RMS level of this chunk (MinDBFS for silence)
	RollingDBFS float64       // RMS level of the speech in the last 3 s (MinDBFS if none)
	PaceSPS     float64       // syllable nuclei per second of speech in the last 3 s (0 until 0.5 s of speech)
	Speaking    bool          // the last complete 10 ms block was speech
	NoiseDBFS   float64       // current noise-floor estimate
	Elapsed     time.Duration // audio pushed so far
}

// Live is a streaming analyser for the level meter and live nudges: fed the
// recorder's chunks in order, it keeps O(1) state per 10 ms block and does
// no allocation in Push. It is not safe for concurrent use; the recording
// goroutine owns it.
type Live struct {
	rate  int
	blk   int     // samples per block
	acc   float64 // energy of the block being filled
	accN  int
	total int64 // samples pushed

	floorDB float64 // noise floor, dB
	riseDB  float64 // floor rise per block

	// Ring of the last n blocks: energy of speech blocks (0 otherwise),
	// speech flag, nuclei counted in the block.
	ringE   []float64
	ringS   []bool
	ringP   []uint8
	pos     int
	sumE    float64
	nSpeech int
	nPeaks  int

	// Hysteresis peak picker on the block level in dB.
	prevDB    float64
	rising    bool    // looking for a peak (after a valley)
	extreme   float64 // running max (rising) or min (falling)
	extremeSp bool    // the running max was a speech block
	speaking  bool
}

// NewLive returns a streaming analyser for audio at rate samples per second.
func NewLive(rate int) *Live {
	rate = max(rate, 1)
	blk := max(1, int(math.Round(liveBlockSec*float64(rate))))
	n := int(math.Round(liveWindowSec / liveBlockSec))
	return &Live{
		rate:    rate,
		blk:     blk,
		floorDB: math.Inf(1),
		riseDB:  liveFloorRiseDBps * liveBlockSec,
		ringE:   make([]float64, n),
		ringS:   make([]bool, n),
		ringP:   make([]uint8, n),
		rising:  true,
		extreme: math.Inf(-1),
		prevDB:  MinDBFS,
	}
}

// Reset forgets everything pushed so far.
func (l *Live) Reset() {
	*l = *NewLive(l.rate)
}

func levelDB(ms float64) float64 {
	if ms <= 0 {
		return MinDBFS
	}
	return max(MinDBFS, 10*math.Log10(ms))
}

// Push analyses the next chunk of samples (Live does not keep it).
func (l *Live) Push(chunk []float32) LiveStats {
	var chunkE float64
	for _, v := range chunk {
		f := float64(v)
		if f != f {
			f = 0
		}
		e := f * f
		chunkE += e
		l.acc += e
		l.accN++
		if l.accN == l.blk {
			l.block(l.acc / float64(l.blk))
			l.acc, l.accN = 0, 0
		}
	}
	l.total += int64(len(chunk))
	st := LiveStats{
		LevelDBFS:   MinDBFS,
		RollingDBFS: MinDBFS,
		Speaking:    l.speaking,
		NoiseDBFS:   MinDBFS,
		Elapsed:     time.Duration(float64(l.total) / float64(l.rate) * float64(time.Second)),
	}
	if len(chunk) > 0 {
		st.LevelDBFS = levelDB(chunkE / float64(len(chunk)))
	}
	if l.nSpeech > 0 {
		st.RollingDBFS = levelDB(l.sumE / float64(l.nSpeech))
		if sp := float64(l.nSpeech) * liveBlockSec; sp >= liveMinSpeechSec {
			st.PaceSPS = float64(l.nPeaks) / sp
		}
	}
	if !math.IsInf(l.floorDB, 1) {
		st.NoiseDBFS = l.floorDB
	}
	return st
}

// block takes one complete 10 ms block of mean square ms.
func (l *Live) block(ms float64) {
	db := levelDB(ms)
	if db < l.floorDB {
		l.floorDB = db
	} else {
		l.floorDB += l.riseDB
	}
	speech := db > max(l.floorDB+marginDB, liveAbsFloorDBFS)
	l.speaking = speech

	// Peak picking with a dipDB hysteresis (as in nuclei): a peak is
	// counted when the level has fallen dipDB below the running maximum.
	var peak uint8
	if l.rising {
		if db > l.extreme {
			l.extreme, l.extremeSp = db, speech
		} else if db < l.extreme-dipDB {
			if l.extremeSp {
				peak = 1
			}
			l.rising, l.extreme = false, db
		}
	} else {
		if db < l.extreme {
			l.extreme = db
		} else if db > l.extreme+dipDB {
			l.rising, l.extreme, l.extremeSp = true, db, speech
		}
	}
	l.prevDB = db

	// Slide the 3 s window.
	if l.ringS[l.pos] {
		l.sumE -= l.ringE[l.pos]
		l.nSpeech--
	}
	l.nPeaks -= int(l.ringP[l.pos])
	l.ringS[l.pos], l.ringP[l.pos], l.ringE[l.pos] = speech, peak, 0
	if speech {
		l.ringE[l.pos] = ms
		l.sumE += ms
		l.nSpeech++
	}
	l.nPeaks += int(peak)
	if l.nSpeech == 0 {
		l.sumE = 0 // no drift from rounding
	}
	l.pos = (l.pos + 1) % len(l.ringE)
}
