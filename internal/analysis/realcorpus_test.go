package analysis

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fallback/internal/pcm"
)

// Real voices: clips of the realcorpus beside the repository (CC BY-SA 3.0
// audio, see its CREDITS.txt), read from ../shared at test time, never
// copied into the repository. CI always has ../shared, so a missing corpus
// fails the tests.
const realDir = "../../../shared/realcorpus"

// realClip is a realcorpus file with its truth (times in seconds of the
// file).
type realClip struct {
	name, class           string
	clip                  pcm.Clip
	cue, onset, offset    float64
	pauses                [][2]float64
	floorDBFS, speechDBFS float64   // room tone and speech level
	f0                    float64   // reference median F0, Hz (NaN: none)
	segs                  []segment // the clauses, in samples
}

// cueDur is the cue as Options takes it.
func (rc realClip) cueDur() time.Duration { return time.Duration(rc.cue * float64(time.Second)) }

// readReal reads the named files of the realcorpus and their truth rows.
func readReal(t *testing.T, names ...string) []realClip {
	t.Helper()
	f, err := os.Open(filepath.Join(realDir, "truth.csv"))
	if err != nil {
		t.Fatalf("realcorpus missing: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("realcorpus truth.csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	truth := map[string][]string{}
	for _, r := range rows[1:] {
		truth[r[col["file"]]] = r
	}
	var out []realClip
	for _, n := range names {
		r, ok := truth[n]
		if !ok {
			t.Fatalf("%s: not in truth.csv", n)
		}
		// num is a cell's value; an empty cell (no truth) is NaN.
		num := func(k string) float64 {
			s := strings.TrimSpace(r[col[k]])
			if s == "" {
				return math.NaN()
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: %s: %v", n, k, err)
			}
			return v
		}
		// spans parses "a-b;c-d" (seconds).
		spans := func(k string) [][2]float64 {
			var sp [][2]float64
			for _, p := range strings.Split(r[col[k]], ";") {
				a, b, ok := strings.Cut(p, "-")
				if !ok {
					continue
				}
				x, err1 := strconv.ParseFloat(a, 64)
				y, err2 := strconv.ParseFloat(b, 64)
				if err1 != nil || err2 != nil {
					t.Fatalf("%s: %s %q", n, k, p)
				}
				sp = append(sp, [2]float64{x, y})
			}
			return sp
		}
		c, err := pcm.ReadFile(filepath.Join(realDir, "corpus", n))
		if err != nil {
			t.Fatalf("realcorpus missing: %v", err)
		}
		rc := realClip{name: n, class: r[col["class"]], clip: c,
			cue: num("cue_s"), onset: num("onset_s"), offset: num("offset_s"),
			pauses: spans("pauses"), floorDBFS: num("floor_dbfs"), speechDBFS: num("mean_dbfs"),
			f0: num("f0_median_hz")}
		for _, cl := range spans("clauses") {
			rc.segs = append(rc.segs, segment{int(cl[0] * float64(c.Rate)), int(cl[1] * float64(c.Rate))})
		}
		out = append(out, rc)
	}
	return out
}

// loadReal is readReal of one file.
func loadReal(t *testing.T, name string) realClip {
	t.Helper()
	return readReal(t, name)[0]
}
