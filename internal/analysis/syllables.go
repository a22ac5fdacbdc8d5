package analysis

import (
	"math"
)

// Syllable nucleus constants (after De Jong & Wempe 2009, Behavior Research
// Methods 41:385: a nucleus is a voiced intensity peak separated from its
// neighbours by a dip of at least 2 dB).
const (
	envHopSec = 0.005 // envelope step
	// envWinSec: a 40 ms Hann window has its first spectral zero at 50 Hz
	// and > 30 dB rejection above, so the ripple of the glottal pulses
	// (F0 >= 60 Hz) is gone, while syllable modulations (2-8 Hz, Houtgast &
	// Steeneken 1985) pass untouched.
	envWinSec = 0.040
	// envHPHz: the nuclei are vowels, whose energy lies in F1-F2
	// (300-2500 Hz); a high-pass at 300 Hz weakens the voiced low-frequency
	// murmur of nasals and laterals that would make peaks of their own.
	envHPHz = 300.0
	dipDB   = 2.0 // De Jong & Wempe's "minimum dip between peaks"
	// nucleusRangeDB: De Jong & Wempe's silence threshold, 25 dB below the
	// 0.99 quantile of the intensity; weaker peaks are consonants.
	nucleusRangeDB = 25.0
	// contrastDB, localSec: a peak more than contrastDB below the
	// strongest peak within localSec is a consonant (a voiced stop burst,
	// a nasal), not a nucleus.
	contrastDB = 15.0
	localSec   = 0.300
	// voicedNearSec: a peak counts as voiced when a voiced pitch frame lies
	// within one pitch hop of it.
	voicedNearSec = 0.010
)

type nucleus struct {
	t  int // sample of the original signal
	db float64
}

// envelope returns the level of the decimated signal, high-passed at
// envHPHz, every envHopSec: block energies of 1 ms smoothed with a Hann
// window of envWinSec, in dB. hop is in decimated samples.
func envelope(d decimated) (db []float64, hop int) {
	blk := max(1, int(math.Round(0.001*d.rate)))
	nb := len(d.y) / blk
	be := make([]float64, nb)
	// one-pole high-pass (RC) at envHPHz
	alpha := 1 / (1 + 2*math.Pi*envHPHz/d.rate)
	var prevX, prevY float64
	for b := 0; b < nb; b++ {
		var e float64
		for _, v := range d.y[b*blk : (b+1)*blk] {
			x := float64(v)
			y := alpha * (prevY + x - prevX)
			prevX, prevY = x, y
			e += y * y
		}
		be[b] = e / float64(blk)
	}
	hw := int(math.Round(envWinSec / 0.001 / 2))
	win := make([]float64, 2*hw+1)
	var ws float64
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i+1)/float64(2*hw+2))
		ws += win[i]
	}
	step := max(1, int(math.Round(envHopSec/0.001)))
	db = make([]float64, nb/step)
	for i := range db {
		c := i * step
		var e float64
		for k, w := range win {
			if j := c - hw + k; j >= 0 && j < nb {
				e += w * be[j]
			}
		}
		db[i] = 10 * math.Log10(e/ws+1e-20)
	}
	return db, step * blk
}

// nuclei finds syllable nuclei inside the active segments.
func (a *analyser) nuclei() []nucleus {
	env, hop := envelope(a.dec)
	// A nucleus is at most nucleusRangeDB below the loudest speech (the
	// 0.99 quantile of the envelope within the sound) and marginDB above
	// the envelope's noise floor.
	var inside []float64
	for _, s := range a.active {
		lo := max(0, s.start/a.dec.fac/hop)
		hi := min(len(env), s.end/a.dec.fac/hop)
		inside = append(inside, env[lo:hi]...)
	}
	thrDB := max(quantile(inside, 0.99)-nucleusRangeDB, quantile(env, floorQuantile)+marginDB)
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
	span := int(math.Round(localSec * a.dec.rate / float64(hop)))
	for pi, p := range peaks {
		// A peak far below the nuclei around it is a consonant.
		local := p.db
		for k := pi - 1; k >= 0 && p.i-peaks[k].i <= span; k-- {
			local = max(local, peaks[k].db)
		}
		for k := pi + 1; k < len(peaks) && peaks[k].i-p.i <= span; k++ {
			local = max(local, peaks[k].db)
		}
		if p.db < local-contrastDB {
			continue
		}
		t := p.i * hop
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
