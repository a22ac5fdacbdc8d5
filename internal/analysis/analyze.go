package analysis

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"fallback/internal/pcm"
)

// ErrRate is returned for a clip whose sample rate is outside MinRate..MaxRate.
var ErrRate = errors.New("sample rate out of range")

// Supported sample rates. 8 kHz is telephone band; 192 kHz is the highest
// rate of common audio interfaces.
const (
	MinRate = 8000
	MaxRate = 192000
)

// DefaultMinPause is the shortest silence counted as a pause (DESIGN.md;
// De Jong & Wempe 2009 use the same 0.3 s).
const DefaultMinPause = 300 * time.Millisecond

// SyllablesPerWord converts syllables to words for WordsPerMin: 1.4
// syllables per word, the average Tauroza & Allison found over recorded
// British English speech of several kinds — conversation, interviews,
// radio, lectures (Tauroza & Allison 1990, "Speech rates in British
// English", Applied Linguistics 11:90-105). Spoken English is dominated by
// monosyllables (81 % of word tokens in Switchboard telephone
// conversation, Greenberg 1999, Speech Communication 29:159-176), which
// puts spontaneous talk a little lower and read or prepared speech a
// little higher; 1.4 sits between them, and against the 1.5 or more of
// written text. A fixed ratio is only an estimate: for a given answer the
// error is the deviation of its own ratio from 1.4 (about +-5 % for
// 1.33-1.47).
const SyllablesPerWord = 1.4

// Detector constants, all in seconds or decibels so they hold at any rate.
const (
	// blockSec is the resolution of the energy envelope.
	blockSec = 0.001
	// winSec is the energy window for speech detection: 10 ms spans one to
	// two glottal periods at the lowest F0 (100 Hz male speech) and is the
	// usual short-time energy frame (Rabiner & Schafer, Theory and
	// Applications of Digital Speech Processing, 2011, ch. 6).
	winSec = 0.010
	// floorQuantile picks the noise floor from the quietest frames: a
	// recording of an answer has a latency and a trailing silence, so at
	// least a few percent of its frames hold only noise.
	floorQuantile = 0.03
	// marginDB is how far above the noise floor a 10 ms frame must be to
	// count as sound. A frame of N noise samples has a mean square with a
	// relative spread of sqrt(2/N) (chi-square), i.e. < 0.6 dB for N >= 80
	// (10 ms at 8 kHz); 6 dB (a factor 4 in power) puts noise frames many
	// standard deviations below the threshold even for coloured noise.
	marginDB = 6.0
	// rangeDB bounds the detector's dynamic range when the floor is digital
	// silence or nearly so: a 10 ms frame more than 55 dB below the loud
	// frames of the answer is not speech. Speech spans ~30-40 dB from
	// vowels to weak fricatives (both corpora trim clauses at 40 dB below
	// their peak sample, itself 10-15 dB above the loudest frames); 55 dB
	// leaves room for the faintest word ends while a digital-silence floor
	// no longer makes any sound speech.
	rangeDB = 55.0
	// loudQuantile: the speech level the range bound is measured from is
	// the 0.99 quantile of the 10 ms frames after the cue (De Jong & Wempe
	// 2009 take their silence threshold from the same quantile): the
	// vowels of the answer, not a single peak sample or a click.
	loudQuantile = 0.99
	// extendDB is the lower threshold of the hysteresis: sound already
	// detected is extended while its 10 ms energy stays 3 dB (a factor 2)
	// above the floor: for whitened noise that is sqrt(160/2) = 9 standard
	// deviations of a 10 ms frame's energy at 16 kHz.
	extendDB = 3.0
	// minBurstSec drops isolated clicks: a syllable nucleus lasts at least
	// ~40 ms (Klatt 1976, JASA 59:1208, shortest unstressed vowels ~45 ms).
	minBurstSec = 0.030
	// edgeGuardSec is kept away from speech when measuring the noise power,
	// so that faint onsets do not count as noise.
	edgeGuardSec = 0.020
)

// segment is a stretch of sound in samples, [start, end).
type segment struct{ start, end int }

// Analyze measures the answer in c after opt.Cue. It is a pure function; it
// does not keep c. A clip without speech after the cue gives a Report with
// NoSpeech set and nil error; an error is returned only for a sample rate
// outside MinRate..MaxRate.
func Analyze(c pcm.Clip, opt Options) (Report, error) {
	if c.Rate < MinRate || c.Rate > MaxRate {
		return Report{}, fmt.Errorf("analyse: %w: %d Hz", ErrRate, c.Rate)
	}
	minPause := opt.MinPause
	if minPause <= 0 {
		minPause = DefaultMinPause
	}
	a := newAnalyser(c, opt.Cue, minPause)
	return a.run(), nil
}

type analyser struct {
	x        []float32 // the clip (NaN and Inf replaced by 0)
	z        []float32 // detection signal: x, or x band-limited and whitened
	zrate    float64   // rate of z
	zfac     int       // samples of x per sample of z
	rate     float64
	cue      int // first sample that may be speech
	minPause int // samples

	blk    int       // samples per block
	be     []float64 // energy (sum of squares) per block of z
	fm     []float64 // mean square of the 10 ms frame of z centred on each block
	xbe    []float64 // energy per block of x (blocks of xblk samples)
	xblk   int       // samples of x per block
	thr    float64   // mean-square threshold of sound
	floor  float64   // noise floor (mean square)
	noise  float64   // noise power measured between segments
	heard  []segment // all sound in the clip, refined to samples, clicks too
	sound  []segment // heard without isolated clicks
	active []segment // sound after the cue, before merging
	speech []segment // active merged across gaps shorter than minPause
	tailed []segment // active before reverberant tails were cut (cutTails)

	dec    decimated    // low-passed, decimated signal for pitch and syllables
	d16    *decimated   // x decimated to about detectRate, made once by wide
	frames []pitchFrame // pitch track over tailed
	voice  voicing      // voicing of the sound after the cue

	ring     int     // samples of z an offset may ring on after x ended (0: z is x)
	noisy    bool    // the noise floor, not the range bound, sets thr
	noRefine bool    // leave word ends in noise as found (refineEnds; for tests)
	ringAmp  float32 // |x| that counts as sound when trimming that ring
}

func newAnalyser(c pcm.Clip, cue time.Duration, minPause time.Duration) *analyser {
	a := &analyser{x: c.Samples, rate: float64(c.Rate)}
	a.cue = c.Index(cue)
	a.minPause = int(math.Ceil(minPause.Seconds()*a.rate - 1e-6))
	return a
}

func (a *analyser) sec(n int) time.Duration {
	return time.Duration(math.Round(float64(n) / a.rate * 1e9))
}

func (a *analyser) samples(s float64) int { return max(1, int(math.Round(s*a.rate))) }

// wide returns x decimated to about detectRate (x itself below 32 kHz),
// with mains hum removed (rejectHum): every measure of the sound but the
// levels, which are of x, is taken from it.
func (a *analyser) wide() decimated {
	if a.d16 == nil {
		d := decimate(a.x, a.rate, detectRate)
		d.y = rejectHum(d.y, d.rate, nil)
		a.d16 = &d
	}
	return *a.d16
}

// zsamples is samples for the detection signal z.
func (a *analyser) zsamples(s float64) int { return max(1, int(math.Round(s*a.zrate))) }

func dbfs(ms float64) float64 {
	if ms <= 0 {
		return math.Inf(-1)
	}
	return 10 * math.Log10(ms)
}

func (a *analyser) run() Report {
	a.z, a.zrate, a.zfac = a.x, a.rate, 1
	a.blocks()
	for _, e := range a.be {
		if e-e != 0 { // NaN or Inf samples in the block
			a.sanitize()
			a.z = a.x
			a.blocks()
			break
		}
	}
	if a.removeDC() {
		a.z = a.x
		a.be = nil
		a.blocks()
	}
	a.xbe, a.xblk = a.be, a.blk
	if a.whiten() {
		a.be = nil
		a.blocks()
	}
	a.detect()
	if len(a.speech) == 0 {
		return Report{NoSpeech: true}
	}
	var r Report
	on, off := a.speech[0].start, a.speech[len(a.speech)-1].end
	r.Onset, r.Offset = a.sec(on), a.sec(off)
	r.Latency = a.sec(on - a.cue)
	for i := 1; i < len(a.speech); i++ {
		p := Interval{a.sec(a.speech[i-1].end), a.sec(a.speech[i].start)}
		r.Pauses = append(r.Pauses, p)
		r.PauseTotal += p.Len()
		r.LongestPause = max(r.LongestPause, p.Len())
	}
	a.levels(&r)
	r.ClipShare = a.clipShare(a.active)
	r.NoiseFloorDBFS = floorDBFS(a.noiseUnder())
	w := a.wide()
	a.dec = decimate(w.y, w.rate, decimRate)
	a.dec.fac *= w.fac
	a.frames = track(a.dec, a.tailed)
	a.syllables(&r)
	a.pitch(&r)
	return r
}

// blocks computes the energy of the 1 ms blocks of z.
func (a *analyser) blocks() {
	a.blk = a.zsamples(blockSec)
	nb := (len(a.z) + a.blk - 1) / a.blk
	if len(a.be) != nb {
		a.be = make([]float64, nb)
	}
	for b := range a.be {
		s := a.z[b*a.blk : min(len(a.z), (b+1)*a.blk)]
		var e float64
		for _, v := range s {
			f := float64(v)
			e += f * f
		}
		a.be[b] = e
	}
}

// sanitize replaces NaN and infinite samples by 0 (in a copy, only if any).
func (a *analyser) sanitize() {
	for i, v := range a.x {
		if v-v != 0 { // NaN or ±Inf
			y := slices.Clone(a.x)
			for j := i; j < len(y); j++ {
				if y[j] != y[j] || math.IsInf(float64(y[j]), 0) {
					y[j] = 0
				}
			}
			a.x = y
			return
		}
	}
}

// maxDC is the largest DC offset left in place: 1e-4 (-80 dBFS, about three
// steps of a 16-bit converter) is inaudible and far under any room's noise.
// A larger offset — a cheap converter, a badly biased microphone — would
// count as "sound" in every silence and as level in every speech sample,
// though it is no sound at all.
const maxDC = 1e-4

// removeDC subtracts a DC offset above maxDC (on a copy: the caller's
// samples are not changed) and reports whether it changed x. The offset is
// the clip's median, not its mean: in a recording with digital silence the
// median is exactly 0 and nothing changes, while the mean of the speech
// alone is a small random number that would turn exact zeros into a
// constant. The median is taken from a 16-bit histogram of a subsample
// (256 KiB, no copy). A constant is removed exactly, so silences stay flat and
// pauses keep their length; a high-pass filter would smear its own tail
// into them.
func (a *analyser) removeDC() bool {
	if len(a.x) == 0 {
		return false
	}
	// Every stride-th sample: 2^17 of them estimate a median to well under
	// one 16-bit step, whatever the clip's length.
	stride := max(1, len(a.x)>>17)
	var hist [1 << 16]int32
	var count int64
	for i := 0; i < len(a.x); i += stride {
		q := int(a.x[i]*32768 + 32768.5) // round half up; clamped below
		hist[min(max(q, 0), 1<<16-1)]++
		count++
	}
	half, n := (count+1)/2, int64(0)
	median := 0.0
	for i, c := range hist {
		n += int64(c)
		if n >= half {
			median = float64(i-32768) / 32768
			break
		}
	}
	if math.Abs(median) <= maxDC {
		return false
	}
	y := make([]float32, len(a.x))
	m := float32(median)
	for i, v := range a.x {
		y[i] = v - m
	}
	a.x = y
	return true
}

// frameMS returns the mean square of the 10 ms frames centred on each block.
func (a *analyser) frameMS() []float64 {
	w := max(1, int(math.Round(winSec/blockSec)))
	nb := len(a.be)
	out := make([]float64, nb)
	var s float64
	lo, hi := 0, 0 // window [lo, hi) of blocks
	for b := 0; b < nb; b++ {
		for hi < min(nb, b+w/2+w%2) {
			s += a.be[hi]
			hi++
		}
		for lo < b-w/2 {
			s -= a.be[lo]
			lo++
		}
		out[b] = max(s, 0) / float64((hi-lo)*a.blk)
	}
	return out
}

// quantile returns the element of rank q*len(v) of v (v is not changed),
// by quickselect in O(len(v)).
func quantile(v []float64, q float64) float64 {
	return quantileInPlace(slices.Clone(v), q)
}

// quantileInPlace is quantile reordering s (a scratch copy) instead of
// copying it.
func quantileInPlace(s []float64, q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	k := min(len(s)-1, int(q*float64(len(s))))
	lo, hi := 0, len(s)-1
	for lo < hi {
		// median of three as pivot
		m := lo + (hi-lo)/2
		if s[m] < s[lo] {
			s[m], s[lo] = s[lo], s[m]
		}
		if s[hi] < s[lo] {
			s[hi], s[lo] = s[lo], s[hi]
		}
		if s[hi] < s[m] {
			s[hi], s[m] = s[m], s[hi]
		}
		p := s[m]
		i, j := lo, hi
		for i <= j {
			for s[i] < p {
				i++
			}
			for s[j] > p {
				j--
			}
			if i <= j {
				s[i], s[j] = s[j], s[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return s[k]
		}
	}
	return s[k]
}

// detect finds the segments of sound after the cue.
func (a *analyser) detect() {
	fm := a.frameMS()
	a.fm = fm
	if len(fm) == 0 {
		return
	}
	a.floor = quantile(fm, floorQuantile)
	var peak float64
	for _, v := range a.z[min(len(a.z), a.cue/a.zfac):] {
		peak = max(peak, math.Abs(float64(v)))
	}
	if peak == 0 {
		return
	}
	// The range bound is against the level of the loudest frames (the
	// mean square of 10 ms frames, the same measure as the threshold); it
	// used to divide the squared peak sample by the window length as well,
	// which put it 69-77 dB, not 50 dB, under the speech.
	cueBlk := min(len(fm), a.cue/a.zfac/a.blk)
	loud := quantile(fm[cueBlk:], loudQuantile)
	a.thr = max(a.floor*math.Pow(10, marginDB/10), loud*math.Pow(10, -rangeDB/10))
	a.noisy = a.floor*math.Pow(10, marginDB/10) >= loud*math.Pow(10, -rangeDB/10)
	// Runs of frames above the threshold.
	var runs []segment
	for b := 0; b < len(fm); {
		if fm[b] <= a.thr {
			b++
			continue
		}
		e := b
		for e < len(fm) && fm[e] > a.thr {
			e++
		}
		runs = append(runs, segment{b * a.blk, min(len(a.z), e*a.blk)})
		b = e
	}
	// Refine each run to samples with one-sided windows: the onset is
	// where a window ending at the sample first reaches the threshold, the
	// offset where a window starting there last does. A one-sided window
	// cannot reach into the silence on the other side, so refined edges
	// lie inside the sound and a silence is never shortened by smearing.
	w := a.zsamples(winSec)
	need := a.thr * float64(w)
	wLo := w
	needLo := need * float64(wLo) / float64(w)
	if a.floor > 0 {
		needLo = min(needLo, a.floor*math.Pow(10, extendDB/10)*float64(wLo))
	}
	minBurst := a.samples(minBurstSec)
	var segs []segment
	for _, r := range runs {
		lo := max(0, r.start-2*w)
		hi := min(len(a.z), r.end+2*w)
		on := a.firstCross(lo, hi, w, need)
		off := a.lastCross(lo, hi, w, need)
		if on < 0 || off <= on {
			continue
		}
		// Extend over the weak onset and release (hysteresis, as in Rabiner
		// & Sambur 1975's two energy thresholds), up to the previous sound.
		prevEnd := 0
		if len(segs) > 0 {
			prevEnd = segs[len(segs)-1].end / a.zfac
		}
		on = a.extendOn(on, prevEnd, wLo, needLo)
		off = a.trimRing(on, a.extendOff(off, len(a.z), wLo, needLo))
		on, off = on*a.zfac, min(len(a.x), off*a.zfac)
		if len(segs) > 0 && on < segs[len(segs)-1].end {
			segs[len(segs)-1].end = max(segs[len(segs)-1].end, off)
			continue
		}
		segs = append(segs, segment{on, off})
	}
	a.heard = segs
	// Drop isolated clicks (kept if close to other sound: they are then
	// part of a word, e.g. a stop release).
	for i, s := range segs {
		near := (i > 0 && s.start-segs[i-1].end < a.minPause) ||
			(i+1 < len(segs) && segs[i+1].start-s.end < a.minPause)
		if s.end-s.start >= minBurst || near {
			a.sound = append(a.sound, s)
		}
	}
	// Sound before the cue (a prompt tone, the customer) is not the answer;
	// speech already under way at the cue starts at the cue.
	for _, s := range a.sound {
		if s.end <= a.cue {
			continue
		}
		s.start = max(s.start, a.cue)
		a.active = append(a.active, s)
	}
	// Only voice is speech (voice.go).
	a.voice = a.voicing(a.active)
	a.active = a.keepVoice(a.active, a.voice)
	for i := range a.active {
		limit := len(a.x)
		if i+1 < len(a.active) {
			limit = a.active[i+1].start
		}
		a.active[i].end = a.voice.voicedOn(a.active[i], limit)
		a.active[i].end = a.voice.bandOn(a.active[i], limit)
	}
	// A room's reverberant tail is not speech (reverb.go), but it carries
	// the talker's last pitch: the pitch track keeps it. It does not take
	// the ends found under the noise below: a period read there is mostly
	// the noise's.
	a.tailed = slices.Clone(a.active)
	// Where noise hides a word's end, in a dry room, the bins' likelihood
	// ratio carries it on (refine.go).
	if !a.noRefine && a.noisy && a.roomDecay(a.active) == 0 {
		a.refineEnds(a.active, a.nextSound(a.active))
	}
	a.active = a.cutTails(a.active)
	for _, s := range a.active {
		if n := len(a.speech); n > 0 && s.start-a.speech[n-1].end < a.minPause {
			a.speech[n-1].end = s.end
			continue
		}
		a.speech = append(a.speech, s)
	}
	// Speech that is nothing but clicks is no speech.
	var total int
	for _, s := range a.speech {
		total += s.end - s.start
	}
	if total < minBurst {
		a.speech = nil
	}
}

// firstCross returns the onset of the first window of w samples in
// [lo, hi) whose energy reaches need, or -1. The window ends at the first
// sample i where that happens; the onset is the first sample of the window
// loud enough to reach need on its own (exact on a clean onset out of
// digital silence), or else i itself: in noise the edge is then a little
// late, never early.
func (a *analyser) firstCross(lo, hi, w int, need float64) int {
	var s float64
	z := a.z
	for i := lo; i < hi; i++ {
		v := float64(z[i])
		s += v * v
		if j := i - w; j >= lo {
			u := float64(z[j])
			s -= u * u
		}
		if s >= need {
			for k := max(lo, i-w+1); k < i; k++ {
				if v := float64(z[k]); v*v >= need {
					return k
				}
			}
			return i
		}
	}
	return -1
}

// lastCross is firstCross backwards: the end (exclusive) of the sound.
func (a *analyser) lastCross(lo, hi, w int, need float64) int {
	var s float64
	z := a.z
	for i := hi - 1; i >= lo; i-- {
		v := float64(z[i])
		s += v * v
		if j := i + w; j < hi {
			u := float64(z[j])
			s -= u * u
		}
		if s >= need {
			for k := min(hi, i+w) - 1; k > i; k-- {
				if v := float64(z[k]); v*v >= need {
					return k + 1
				}
			}
			return i + 1
		}
	}
	return -1
}

// extendOn moves an onset earlier while the energy of the w samples ending
// at it stays at least need, not before limit.
func (a *analyser) extendOn(on, limit, w int, need float64) int {
	z := a.z
	var s float64
	for k := max(0, on-w+1); k <= on; k++ {
		s += float64(z[k]) * float64(z[k])
	}
	i := on
	for i-1 >= limit && i-w >= 0 {
		// window [i-w, i-1]
		s += float64(z[i-w])*float64(z[i-w]) - float64(z[i])*float64(z[i])
		if s < need {
			break
		}
		i--
	}
	return i
}

// extendOff moves an offset (exclusive) later while the energy of the w
// samples starting at it stays at least need, not after limit.
func (a *analyser) extendOff(off, limit, w int, need float64) int {
	z := a.z
	last := off - 1
	var s float64
	for k := last; k < min(len(z), last+w); k++ {
		s += float64(z[k]) * float64(z[k])
	}
	i := last
	for i+1 < limit && i+w < len(z) {
		// window [i+1, i+w]
		s += float64(z[i+w])*float64(z[i+w]) - float64(z[i])*float64(z[i])
		if s < need {
			break
		}
		i++
	}
	return i + 1
}

// sumSq returns the sum of squares of x[lo:hi], from the block energies
// for the whole blocks inside and from the samples at the ends.
func (a *analyser) sumSq(lo, hi int) float64 {
	if hi <= lo {
		return 0
	}
	bl, bh := (lo+a.xblk-1)/a.xblk, hi/a.xblk // whole blocks [bl, bh)
	if bl >= bh {
		return sumSq(a.x[lo:hi])
	}
	e := sumSq(a.x[lo:bl*a.xblk]) + sumSq(a.x[bh*a.xblk:hi])
	for _, v := range a.xbe[bl:bh] {
		e += v
	}
	return e
}

func sumSq(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return e
}

// energy returns the sum of squares and count of samples in segs.
func (a *analyser) energy(segs []segment) (float64, int) {
	var e float64
	var n int
	for _, s := range segs {
		e += a.sumSq(s.start, s.end)
		n += s.end - s.start
	}
	return e, n
}

// levels fills the dBFS fields. The level is over the sound segments (pauses
// and the short gaps between words excluded), with the noise power measured
// between segments subtracted: speech and noise are uncorrelated, so their
// powers add.
func (a *analyser) levels(r *Report) {
	a.noise = a.noisePower()
	ms := func(e float64, n int) float64 {
		if n == 0 {
			return 0
		}
		m := e/float64(n) - a.noise
		if m <= 0 { // speech no louder than noise: keep the raw level
			m = e / float64(n)
		}
		return m
	}
	first, second := splitHalf(a.speech)
	e1, n1 := a.energy(first)
	e2, n2 := a.energy(second)
	level := func(m float64) float64 {
		if m <= 0 {
			return MinDBFS // a level, not -Inf, for storage and JSON
		}
		return max(MinDBFS, dbfs(m))
	}
	r.MeanDBFS = level(ms(e1+e2, n1+n2))
	r.FirstHalfDBFS = level(ms(e1, n1))
	r.SecondHalfDBFS = level(ms(e2, n2))
	switch d := r.TrendDB(); {
	case d >= 2:
		r.Trend = TrendRising
	case d <= -2:
		r.Trend = TrendFalling
	default:
		r.Trend = TrendFlat
	}
}

// splitHalf splits segs at the middle of their total length.
func splitHalf(segs []segment) (first, second []segment) {
	var total int
	for _, s := range segs {
		total += s.end - s.start
	}
	half := total / 2
	for _, s := range segs {
		n := s.end - s.start
		switch {
		case half <= 0:
			second = append(second, s)
		case n <= half:
			first = append(first, s)
		default:
			first = append(first, segment{s.start, s.start + half})
			second = append(second, segment{s.start + half, s.end})
		}
		half -= n
	}
	return first, second
}

// noisePower is the mean square of the samples at least edgeGuardSec away
// from any sound (the whole clip, the part before the cue included).
func (a *analyser) noisePower() float64 {
	g := a.samples(edgeGuardSec)
	var e float64
	var n int
	prev := 0
	add := func(lo, hi int) {
		if hi-lo <= 0 {
			return
		}
		e += a.sumSq(lo, hi)
		n += hi - lo
	}
	for _, s := range a.sound {
		add(prev, s.start-g)
		prev = s.end + g
	}
	add(min(prev, len(a.x)), len(a.x))
	if n == 0 {
		return a.floor
	}
	return e / float64(n)
}

// nextSound returns, for each segment of segs, where the next sound of the
// clip after its end starts (a.heard: words, breaths, clicks), or its end
// itself when sound goes on through it, or the end of the clip.
func (a *analyser) nextSound(segs []segment) []int {
	next := make([]int, len(segs))
	for i, s := range segs {
		next[i] = len(a.x)
		for _, t := range a.heard {
			if t.end > s.end {
				next[i] = max(s.end, t.start)
				break
			}
		}
		if i+1 < len(segs) {
			next[i] = min(next[i], segs[i+1].start)
		}
	}
	return next
}
