package analysis

import (
	"math"
)

// Syllable nucleus constants (after De Jong & Wempe 2009, Behavior Research
// Methods 41:385: a nucleus is a voiced intensity peak separated from its
// neighbours by a dip of at least 2 dB).
const (
	envHopSec = 0.005 // envelope step
	// envWinSec: a 25 ms window smooths over glottal periods (>= 2 periods
	// at 100 Hz) but not over syllables (>= ~100 ms apart even at 8 syl/s).
	envWinSec = 0.025
	dipDB     = 2.0 // De Jong & Wempe's "minimum dip between peaks"
	// voicedNearSec: a peak counts as voiced when a voiced pitch frame lies
	// within one pitch hop of it.
	voicedNearSec = 0.010
)

type nucleus struct {
	t  int // sample of the original signal
	db float64
}

// envelope returns the energy of d.y in windows of envWinSec every envHopSec,
// in dB, with the centre of each window in samples of the decimated signal.
func envelope(d decimated) (db []float64, hop int) {
	hop = max(1, int(math.Round(envHopSec*d.rate)))
	w := max(hop, int(math.Round(envWinSec*d.rate)))
	n := len(d.y) / hop
	db = make([]float64, n)
	for i := range db {
		c := i*hop + hop/2
		lo, hi := max(0, c-w/2), min(len(d.y), c+w/2)
		var e float64
		for _, v := range d.y[lo:hi] {
			e += float64(v) * float64(v)
		}
		if hi > lo {
			e /= float64(hi - lo)
		}
		db[i] = 10 * math.Log10(e+1e-20)
	}
	return db, hop
}

// nuclei finds syllable nuclei inside the active segments.
func (a *analyser) nuclei() []nucleus {
	env, hop := envelope(a.dec)
	thrDB := dbfs(a.thr)
	type pk struct {
		i      int
		db     float64
		valley float64 // lowest envelope between the previous peak and this one
	}
	var peaks []pk
	for _, s := range a.active {
		lo := max(1, s.start/a.dec.fac/hop)
		hi := min(len(env)-1, s.end/a.dec.fac/hop)
		valley := math.Inf(-1) // the silence before a segment is a deep dip
		for i := lo; i < hi; i++ {
			valley = min(valley, env[i])
			if env[i] >= env[i-1] && env[i] > env[i+1] && env[i] > thrDB {
				peaks = append(peaks, pk{i, env[i], valley})
				valley = env[i]
			}
		}
	}
	// Merge peaks separated by a shallow dip, weakest dip first.
	for {
		best, bi := math.Inf(1), -1
		for i := 1; i < len(peaks); i++ {
			d := min(peaks[i-1].db, peaks[i].db) - peaks[i].valley
			if d < best {
				best, bi = d, i
			}
		}
		if bi < 0 || best >= dipDB {
			break
		}
		// keep the higher peak; the valley before the pair survives
		l, r := peaks[bi-1], peaks[bi]
		keep := l
		if r.db > l.db {
			keep = r
			keep.valley = l.valley
		}
		peaks[bi-1] = keep
		peaks = append(peaks[:bi], peaks[bi+1:]...)
	}
	near := int(math.Round(voicedNearSec * a.dec.rate))
	var out []nucleus
	j := 0
	for _, p := range peaks {
		t := p.i*hop + hop/2
		for j < len(a.frames) && a.frames[j].t < t-near {
			j++
		}
		voiced := false
		for k := j; k < len(a.frames) && a.frames[k].t <= t+near; k++ {
			if a.frames[k].f0 > 0 {
				voiced = true
				break
			}
		}
		if voiced {
			out = append(out, nucleus{t * a.dec.fac, p.db})
		}
	}
	return out
}

// syllables fills the syllable and rate fields.
func (a *analyser) syllables(r *Report) {
	nuc := a.nuclei()
	r.Syllables = len(nuc)
	span := (r.Offset - r.Onset).Seconds()
	if span > 0 {
		r.SpeechRate = float64(r.Syllables) / span
		r.WordsPerMin = float64(r.Syllables) / SyllablesPerWord / span * 60
	}
	if art := span - r.PauseTotal.Seconds(); art > 0 {
		r.ArticulationRate = float64(r.Syllables) / art
	}
	// Pace change: articulation rate of the second half of the speech time
	// against the first.
	first, second := splitHalf(a.speech)
	rate := func(segs []segment) float64 {
		var n, dur int
		for _, s := range segs {
			dur += s.end - s.start
			for _, q := range nuc {
				if q.t >= s.start && q.t < s.end {
					n++
				}
			}
		}
		if dur == 0 {
			return 0
		}
		return float64(n) / (float64(dur) / a.rate)
	}
	if r1, r2 := rate(first), rate(second); r1 > 0 {
		r.PaceChangePct = (r2/r1 - 1) * 100
	}
}
