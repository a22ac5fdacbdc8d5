package analysis

import (
	"math"
	"time"
)

// MinDBFS is the level reported for digital silence instead of -Inf.
const MinDBFS = -120.0

// Live analyser constants.
const (
	liveBlockSec  = 0.010 // one decision per 10 ms (see winSec)
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
	// liveVoiceRate: the voicing test of Live runs on the input low-passed
	// at 1.2 kHz (two 2nd-order Butterworth sections) and decimated to
	// about 4 kHz, then high-passed at voiceHPHz as in voice.go: F0 and
	// its first harmonics, without hum and rumble.
	liveVoiceRate = 4000
	liveVoiceLPHz = 1200.0
	// liveSmoothBlocks: the nucleus envelope is the 300 Hz high-passed
	// block energy averaged over 4 blocks (40 ms, envWinSec): the ripple of
	// single 10 ms blocks would otherwise count as syllables.
	liveSmoothBlocks = 4
)

// LiveStats is what Live.Push reports after each chunk.
type LiveStats struct {
	LevelDBFS   float64       // RMS level of this chunk (MinDBFS for silence)
	RollingDBFS float64       // RMS level of the speech in the last 3 s (MinDBFS if none)
	PaceSPS     float64       // syllable nuclei per second of speech in the last 3 s (0 until 0.5 s of speech)
	Speaking    bool          // voice was heard within the last 0.25 s (breath, clicks and room tone never count)
	NoiseDBFS   float64       // current noise-floor estimate
	Elapsed     time.Duration // audio pushed so far
}

// biquad is one second-order IIR section (direct form I).
type biquad struct {
	b0, b1, b2, a1, a2 float64
	x1, x2, y1, y2     float64
}

func (q *biquad) step(x float64) float64 {
	y := q.b0*x + q.b1*q.x1 + q.b2*q.x2 - q.a1*q.y1 - q.a2*q.y2
	q.x2, q.x1, q.y2, q.y1 = q.x1, x, q.y1, y
	return y
}

// butter returns a 2nd-order Butterworth-family section (quality q) at fc
// for rate: low-pass, or high-pass if high (bilinear transform).
func butter(fc, rate, q float64, high bool) biquad {
	w0 := 2 * math.Pi * min(fc, 0.45*rate) / rate
	al := math.Sin(w0) / (2 * q)
	c := math.Cos(w0)
	a0 := 1 + al
	f := biquad{a1: -2 * c / a0, a2: (1 - al) / a0}
	if high {
		f.b0, f.b1, f.b2 = (1+c)/2/a0, -(1+c)/a0, (1+c)/2/a0
	} else {
		f.b0, f.b1, f.b2 = (1-c)/2/a0, (1-c)/a0, (1-c)/2/a0
	}
	return f
}

// Butterworth 4th order as two sections: their qualities.
const (
	bwQ1 = 0.5411961
	bwQ2 = 1.3065630
)

// Live is a streaming analyser for the level meter and live nudges: fed the
// recorder's chunks in order, it keeps O(1) state per 10 ms block and does
// no allocation in Push. It is not safe for concurrent use; the recording
// goroutine owns it.
//
// A block is speech only where there is voice, as in Analyze (voice.go):
// a run of voicedRunSec of periodic 10 ms blocks in the pitch band, above
// the tracked noise floor, not a steady tone. Speaking stays on across the
// unvoiced consonants of a word (up to unvoicedMaxSec after the last voiced
// block), and the speech time of the pace counts the gaps between voiced
// blocks shorter than a pause, like the articulation time offline.
type Live struct {
	rate  int
	blk   int     // samples per block
	acc   float64 // energy of the block being filled
	accHP float64 // energy of the 300 Hz high-passed block
	accN  int
	total int64 // samples pushed

	floorDB float64 // noise floor, dB
	riseDB  float64 // floor rise per block

	// Voicing: low-pass and decimate, high-pass, keep a ring of the last
	// samples, test one window per block.
	lp       [2]biquad
	hp       [2]biquad
	envHP    biquad // 300 Hz high-pass for the nucleus envelope (1st order as a biquad)
	dfac     int    // input samples per voice sample
	dpos     int    // input samples since the last voice sample
	vrate    float64
	vring    []float32 // voice signal, ring
	vpos     int
	vlin     []float32 // the window and its lags, linearised
	win      int
	lmin     int
	lmax     int
	lags     []float64 // NCCF per lag
	runLen   int       // consecutive periodic blocks
	runCore  float64   // best NCCF in the run (voiceCoreNCCF)
	lastCorr float64   // best NCCF of the last voicing test
	lastLag  float64
	toneLag  []float32 // last toneDriftSec of lags and levels, ring
	toneLvl  []float32
	tonePos  int
	sinceV   int     // blocks since the last block of a voiced run (large: none)
	winDB    float64 // level of the last voicing window (over voiceWinSec, so a beat of two tones averages out)

	// Ring of the last n blocks: energy of speech blocks (0 otherwise),
	// speech flag, nuclei counted in the block.
	ringE   []float64
	ringS   []bool
	ringP   []uint8
	pos     int
	sumE    float64
	nSpeech int
	nPeaks  int
	pending int // unvoiced blocks since the last voiced one (not yet speech)
	pendE   float64

	// Nucleus picker on the smoothed high-passed envelope, in dB.
	smooth    [liveSmoothBlocks]float64
	smoothPos int
	rising    bool    // looking for a peak (after a valley)
	extreme   float64 // running max (rising) or min (falling)
	extremeV  bool    // the running max was in voice
	topDB     float64 // loudest envelope of voice, decaying (nucleusRangeDB below it is a consonant)
	speaking  bool

	// Totals since the start (for tests and whole-answer figures).
	allPeaks, allSpeech int
}

// NewLive returns a streaming analyser for audio at rate samples per second.
func NewLive(rate int) *Live {
	rate = max(rate, 1)
	fr := float64(rate)
	blk := max(1, int(math.Round(liveBlockSec*fr)))
	n := int(math.Round(liveWindowSec / liveBlockSec))
	dfac := max(1, int(fr/liveVoiceRate))
	vrate := fr / float64(dfac)
	win := max(4, int(math.Round(voiceWinSec*vrate)))
	lmin := max(2, int(math.Floor(vrate/voiceF0Max)))
	lmax := int(math.Ceil(vrate / voiceF0Min))
	nt := int(math.Round(toneDriftSec / liveBlockSec))
	l := &Live{
		rate:    rate,
		blk:     blk,
		floorDB: math.Inf(1),
		riseDB:  liveFloorRiseDBps * liveBlockSec,
		dfac:    dfac,
		vrate:   vrate,
		vring:   make([]float32, win+lmax+2),
		vlin:    make([]float32, win+lmax+2),
		win:     win,
		lmin:    lmin,
		lmax:    lmax,
		lags:    make([]float64, lmax+2),
		toneLag: make([]float32, nt),
		toneLvl: make([]float32, nt),
		sinceV:  math.MaxInt32,
		ringE:   make([]float64, n),
		ringS:   make([]bool, n),
		ringP:   make([]uint8, n),
		rising:  true,
		extreme: math.Inf(-1),
		topDB:   MinDBFS,
	}
	if dfac > 1 {
		l.lp = [2]biquad{butter(liveVoiceLPHz, fr, bwQ1, false), butter(liveVoiceLPHz, fr, bwQ2, false)}
	} else {
		l.lp = [2]biquad{{b0: 1}, {b0: 1}}
	}
	l.hp = [2]biquad{butter(voiceHPHz, vrate, bwQ1, true), butter(voiceHPHz, vrate, bwQ2, true)}
	l.envHP = butter(envHPHz, fr, math.Sqrt(0.5), true)
	for i := range l.smooth {
		l.smooth[i] = 0
	}
	return l
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
		if f-f != 0 { // NaN or Inf
			f = 0
		}
		e := f * f
		chunkE += e
		l.acc += e
		h := l.envHP.step(f)
		l.accHP += h * h
		d := l.lp[1].step(l.lp[0].step(f))
		if l.dpos++; l.dpos >= l.dfac {
			l.dpos = 0
			l.vring[l.vpos] = float32(l.hp[1].step(l.hp[0].step(d)))
			l.vpos = (l.vpos + 1) % len(l.vring)
		}
		l.accN++
		if l.accN == l.blk {
			l.block(l.acc/float64(l.blk), l.accHP/float64(l.blk))
			l.acc, l.accHP, l.accN = 0, 0, 0
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

// periodic runs the voicing test on the last window of the voice signal
// and returns the best lag (0: aperiodic).
func (l *Live) periodic() float64 {
	n := len(l.vring)
	for i := range n { // oldest first
		l.vlin[i] = l.vring[(l.vpos+i)%n]
	}
	y := l.vlin
	w, t := l.win, 0
	var e0 float64
	for _, v := range y[t : t+w] {
		e0 += float64(v) * float64(v)
	}
	l.winDB = levelDB(e0 / float64(w))
	if e0 <= 0 {
		return 0
	}
	// Energy of each lagged window by a running sum.
	var el float64
	for _, v := range y[l.lmin-1 : l.lmin-1+w] {
		el += float64(v) * float64(v)
	}
	for lag := l.lmin - 1; lag <= l.lmax+1 && lag+w <= n; lag++ {
		if lag > l.lmin-1 {
			a, b := float64(y[lag-1]), float64(y[lag+w-1])
			el += b*b - a*a
		}
		var xy float64
		for i := range w {
			xy += float64(y[i]) * float64(y[lag+i])
		}
		l.lags[lag] = 0
		if el > 0 {
			l.lags[lag] = xy / math.Sqrt(e0*el)
		}
	}
	top, best := 0.0, 0.0
	defer func() { l.lastCorr = top }()
	for lag := l.lmin; lag <= l.lmax && lag+1+w <= n; lag++ {
		top = max(top, l.lags[lag])
	}
	if top < voiceNCCF {
		return 0
	}
	for lag := l.lmin; lag <= l.lmax && lag+1+w <= n; lag++ {
		x := l.lags[lag]
		if x >= l.lags[lag-1] && x >= l.lags[lag+1] && x >= top*octaveTol {
			best = float64(lag)
			if den := l.lags[lag-1] - 2*x + l.lags[lag+1]; den < 0 {
				best += 0.5 * (l.lags[lag-1] - l.lags[lag+1]) / den
			}
			break
		}
	}
	return best
}

// block takes one complete 10 ms block of mean square ms (hp: of the 300 Hz
// high-passed signal).
func (l *Live) block(ms, hp float64) {
	db := levelDB(ms)
	if db < l.floorDB {
		l.floorDB = db
	} else {
		l.floorDB += l.riseDB
	}
	loud := db > max(l.floorDB+marginDB, liveAbsFloorDBFS)

	// Voicing: a run of periodic loud blocks with a smooth period that is
	// not a steady tone.
	lag := 0.0
	l.winDB = MinDBFS
	if loud {
		lag = l.periodic()
	}
	if lag > 0 && l.runLen > 0 && math.Abs(lag/l.lastLag-1) > voiceLagJump {
		l.runLen, l.runCore = 0, 0
	}
	if lag > 0 {
		l.runLen++
		l.runCore = max(l.runCore, l.lastCorr)
	} else {
		l.runLen, l.runCore = 0, 0
	}
	l.lastLag = lag
	l.toneLag[l.tonePos], l.toneLvl[l.tonePos] = float32(lag), float32(l.winDB)
	l.tonePos = (l.tonePos + 1) % len(l.toneLag)
	need := max(2, int(math.Round(voicedRunSec/liveBlockSec)))
	voiced := l.runLen >= need && l.runCore >= voiceCoreNCCF && !l.steady()
	if voiced {
		l.sinceV = 0
	} else if l.sinceV < math.MaxInt32 {
		l.sinceV++
	}
	l.speaking = l.sinceV <= int(math.Round(unvoicedMaxSec/liveBlockSec))

	// Nucleus envelope: high-passed energy over the last 40 ms.
	l.smooth[l.smoothPos] = hp
	l.smoothPos = (l.smoothPos + 1) % len(l.smooth)
	var se float64
	for _, v := range l.smooth {
		se += v
	}
	env := levelDB(se / float64(len(l.smooth)))
	if voiced {
		l.topDB = max(env, l.topDB-nucleusDecayDB)
	}
	// Peak picking with a dipDB hysteresis (as in nuclei): a peak is
	// counted when the level has fallen dipDB below the running maximum,
	// if that maximum was in voice and within nucleusRangeDB of the
	// loudest recent voice.
	var peak uint8
	if l.rising {
		if env > l.extreme {
			l.extreme, l.extremeV = env, l.speaking
		} else if env < l.extreme-dipDB {
			if l.extremeV && l.extreme > l.topDB-nucleusRangeDB {
				peak = 1
			}
			l.rising, l.extreme = false, env
		}
	} else {
		if env < l.extreme {
			l.extreme = env
		} else if env > l.extreme+dipDB {
			l.rising, l.extreme, l.extremeV = true, env, l.speaking
		}
	}
	l.allPeaks += int(peak)

	// Slide the 3 s window. A voiced block is speech; the unvoiced blocks
	// before it become speech too when they are fewer than a pause
	// (pendingMax), like the short gaps inside an answer offline.
	if l.ringS[l.pos] {
		l.sumE -= l.ringE[l.pos]
		l.nSpeech--
	}
	l.nPeaks -= int(l.ringP[l.pos])
	l.ringS[l.pos], l.ringP[l.pos], l.ringE[l.pos] = false, peak, ms
	l.nPeaks += int(peak)
	if voiced {
		if l.pending <= int(math.Round(DefaultMinPause.Seconds()/liveBlockSec)) {
			n := len(l.ringS)
			for k := 1; k <= min(l.pending, n-1); k++ {
				j := (l.pos - k + n) % n
				if !l.ringS[j] {
					l.ringS[j] = true
					l.sumE += l.ringE[j]
					l.nSpeech++
				}
			}
			l.allSpeech += l.pending
		}
		l.pending = 0
		l.ringS[l.pos] = true
		l.sumE += ms
		l.nSpeech++
		l.allSpeech++
	} else {
		l.pending++
	}
	if l.nSpeech == 0 {
		l.sumE = 0 // no drift from rounding
	}
	l.pos = (l.pos + 1) % len(l.ringE)
}

// nucleusDecayDB: the loudest recent voice, against which a nucleus must
// be within nucleusRangeDB, decays by 0.05 dB per block (5 dB/s) so that a
// louder start of an answer does not silence a quieter end.
const nucleusDecayDB = 0.05

// steady reports whether the last toneDriftSec of blocks is a steady tone
// (period within toneLagTol, level within toneLevelDB, all periodic).
func (l *Live) steady() bool {
	lo, hi := l.toneLag[0], l.toneLag[0]
	llo, lhi := l.toneLvl[0], l.toneLvl[0]
	for i := range l.toneLag {
		lo, hi = min(lo, l.toneLag[i]), max(hi, l.toneLag[i])
		llo, lhi = min(llo, l.toneLvl[i]), max(lhi, l.toneLvl[i])
	}
	return lo > 0 && float64(hi-lo) <= toneLagTol*float64(lo) && float64(lhi-llo) <= toneLevelDB
}
