package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The two corpora beside the project (DESIGN.md): synthetic voices in
// digital silence and noise, and real voices with room tone and
// disturbances. CI always has ../shared, so a missing corpus fails.
const (
	devcorpusDir  = "../../../shared/devcorpus"
	realcorpusDir = "../../../shared/realcorpus"
)

// check is one accuracy figure against its goal. guard is the figure the
// analyser reached while the goal is missed (a regression below it fails;
// the gap is logged); for a met goal guard equals goal.
type check struct {
	name         string
	got          float64
	goal, guard  float64
	higherBetter bool
}

func assertChecks(t *testing.T, checks []check) {
	t.Helper()
	for _, c := range checks {
		if math.IsNaN(c.got) {
			t.Errorf("%-52s no value (no file with truth)", c.name)
			continue
		}
		met, guardOK := c.got <= c.goal, c.got <= c.guard
		if c.higherBetter {
			met, guardOK = c.got >= c.goal, c.got >= c.guard
		}
		switch {
		case met:
			t.Logf("%-52s %8.2f  goal %g: met", c.name, c.got, c.goal)
		case guardOK:
			t.Logf("%-52s %8.2f  goal %g: MISSED (gap reported; guard %g holds)", c.name, c.got, c.goal, c.guard)
		default:
			t.Errorf("%-52s %8.2f  goal %g, regression guard %g broken", c.name, c.got, c.goal, c.guard)
		}
	}
}

// runCorpus runs the batch tool over every file of truth.csv in dir with
// the cues file cues and returns the truth rows and the results by file.
func runCorpus(t *testing.T, dir, cues string) ([]map[string]string, map[string]map[string]string) {
	t.Helper()
	truthPath := filepath.Join(dir, "truth.csv")
	if _, err := os.Stat(truthPath); err != nil {
		t.Fatalf("corpus missing at %s: %v", dir, err)
	}
	truth := readRows(t, truthPath)
	var files []string
	for _, r := range truth {
		files = append(files, filepath.Join(dir, "corpus", r["file"]))
	}
	var out, errb bytes.Buffer
	if code := run(append([]string{"--cues", cues}, files...), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	outPath := filepath.Join(t.TempDir(), "out.csv")
	if err := os.WriteFile(outPath, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, r := range readRows(t, outPath) {
		got[filepath.Base(r["file"])] = r
	}
	for _, tr := range truth {
		if g := got[tr["file"]]; g == nil || g["error"] != "" {
			t.Fatalf("%s: no result (%v)", tr["file"], g)
		}
	}
	return truth, got
}

// scores are the metrics of ../shared/devcorpus/tools/score.py, ported:
// an empty truth cell leaves the file out of that metric, and a no-speech
// file is scored only for "no speech".
type scores struct {
	relSyl, relSR, relAR, relWPM, relF0 []float64 // signed errors, %
	lat, off, db                        []float64 // signed errors, ms and dB
	pauseExact, pauseFiles              int
	tp, fp, fn, bothOK                  int
	trendOK, trendFiles                 int
	nsFiles, nsCalled                   int // no-speech files, called no speech
	spFiles, spCalledNS                 int // speech files, called no speech
}

// fval is score.py's cell value: empty or unparsable is no value.
func fval(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v)
}

func score(truth []map[string]string, got map[string]map[string]string) scores {
	var s scores
	for _, tr := range truth {
		g := got[tr["file"]]
		if ns, ok := fval(tr["no_speech"]); ok {
			said, _ := fval(g["no_speech"])
			if ns == 1 {
				s.nsFiles++
				if said == 1 {
					s.nsCalled++
				}
			} else {
				s.spFiles++
				if said == 1 {
					s.spCalledNS++
				}
			}
		}
		rel := func(dst *[]float64, k string) {
			tv, ok1 := fval(tr[k])
			gv, ok2 := fval(g[k])
			if ok1 && ok2 && tv != 0 {
				*dst = append(*dst, 100*(gv-tv)/tv)
			}
		}
		diff := func(dst *[]float64, k string, scale float64) {
			tv, ok1 := fval(tr[k])
			gv, ok2 := fval(g[k])
			if ok1 && ok2 {
				*dst = append(*dst, scale*(gv-tv))
			}
		}
		rel(&s.relSyl, "syllables")
		rel(&s.relSR, "speech_rate_sps")
		rel(&s.relAR, "articulation_rate_sps")
		rel(&s.relWPM, "wpm")
		rel(&s.relF0, "f0_median_hz")
		diff(&s.lat, "latency_s", 1000)
		diff(&s.off, "offset_s", 1000)
		diff(&s.db, "mean_dbfs", 1)
		tc, ok := fval(tr["pause_count"])
		if !ok {
			continue // no truth (no speech): not scored for pauses
		}
		if gc, ok := fval(g["pause_count"]); ok {
			s.pauseFiles++
			if gc == tc {
				s.pauseExact++
			}
		}
		ti, di := intervals(tr["pauses"]), intervals(g["pauses"])
		pairs := matchPauses(ti, di)
		s.tp += len(pairs)
		s.fp += len(di) - len(pairs)
		s.fn += len(ti) - len(pairs)
		for _, p := range pairs {
			if math.Abs(p[1][0]-p[0][0]) <= 0.050 && math.Abs(p[1][1]-p[0][1]) <= 0.050 {
				s.bothOK++
			}
		}
		a1, ok1 := fval(g["dbfs_first_half"])
		a2, ok2 := fval(g["dbfs_second_half"])
		if _, ok3 := fval(tr["volume_trend_db"]); ok1 && ok2 && ok3 {
			s.trendFiles++
			d := a2 - a1
			cls := "flat"
			if d >= 2 {
				cls = "rising"
			} else if d <= -2 {
				cls = "falling"
			}
			if cls == tr["volume_trend"] {
				s.trendOK++
			}
		}
	}
	return s
}

func (s scores) f1() float64 {
	if s.tp+s.fp == 0 || s.tp+s.fn == 0 {
		return math.NaN()
	}
	prec := float64(s.tp) / float64(s.tp+s.fp)
	rec := float64(s.tp) / float64(s.tp+s.fn)
	if prec+rec == 0 {
		return 0
	}
	return 100 * 2 * prec * rec / (prec + rec)
}

func (s scores) bothShare() float64 {
	if s.tp == 0 {
		return math.NaN()
	}
	return 100 * float64(s.bothOK) / float64(s.tp)
}

func share(n, of int) float64 {
	if of == 0 {
		return math.NaN()
	}
	return 100 * float64(n) / float64(of)
}

func gross(rel []float64) float64 {
	n := 0.0
	for _, e := range rel {
		if math.Abs(e) > 20 {
			n++
		}
	}
	return n
}

// TestDevcorpusGoals runs the batch tool over the devcorpus and checks the
// accuracy goals of issue 4 (guards: the README's "How answers are
// measured" figures, which must not get worse).
func TestDevcorpusGoals(t *testing.T) {
	truth := readRows(t, filepath.Join(devcorpusDir, "truth.csv"))
	var cues strings.Builder
	cues.WriteString("file,cue_s\n")
	for _, r := range truth {
		cues.WriteString(r["file"] + "," + r["cue_s"] + "\n")
	}
	cuesPath := filepath.Join(t.TempDir(), "cues.csv")
	if err := os.WriteFile(cuesPath, []byte(cues.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	truth, got := runCorpus(t, devcorpusDir, cuesPath)
	s := score(truth, got)
	assertChecks(t, []check{
		{"syllable count MAPE %", mae(s.relSyl), 3, 4.5, false},
		{"speech rate MAPE %", mae(s.relSR), 3, 4.5, false},
		{"articulation rate MAPE %", mae(s.relAR), 4, 4, false},
		// The devcorpus has 1.30 syllables per word; words/min uses the
		// published 1.4 (analysis.SyllablesPerWord), not the corpus ratio,
		// so its figure carries that -7 % bias by design.
		{"words/min MAPE %", mae(s.relWPM), 8, 10.6, false},
		{"pause count exact %", share(s.pauseExact, s.pauseFiles), 95, 95, true},
		{"pause F1 %", s.f1(), 97, 97, true},
		{"pauses with both ends within 50 ms %", s.bothShare(), 95, 87, true},
		{"latency MAE ms", mae(s.lat), 10, 10, false},
		{"latency max |err| ms", maxAbs(s.lat), 50, 50, false},
		{"mean dBFS MAE dB", mae(s.db), 0.1, 0.1, false},
		{"trend class accuracy %", share(s.trendOK, s.trendFiles), 100, 100, true},
		{"F0 median MAPE %", mae(s.relF0), 0.6, 0.6, false},
		{"F0 gross errors > 20 % (files)", gross(s.relF0), 0, 0, false},
		{"offset MAE ms", mae(s.off), 10, 10, false},
	})
}

// TestRealcorpusGoals runs the batch tool over the realcorpus with its
// cues.csv and checks the goals of issue 8, over all files and per
// disturbance class.
func TestRealcorpusGoals(t *testing.T) {
	truth, got := runCorpus(t, realcorpusDir, filepath.Join(realcorpusDir, "cues.csv"))
	s := score(truth, got)
	assertChecks(t, []check{
		{"pause F1 %", s.f1(), 90, 90, true},
		{"pauses with both ends within 50 ms %", s.bothShare(), 85, 85, true},
		{"latency MAE ms", mae(s.lat), 20, 20, false},
		{"latency |bias| ms", math.Abs(mean(s.lat)), 10, 10, false},
		{"offset MAE ms", mae(s.off), 30, 30, false},
		{"mean dBFS MAE dB", mae(s.db), 0.15, 0.15, false},
		{"trend class accuracy %", share(s.trendOK, s.trendFiles), 100, 100, true},
		{"no-speech files called no speech %", share(s.nsCalled, s.nsFiles), 100, 100, true},
		{"speech files called no speech", float64(s.spCalledNS), 0, 0, false},
		{"F0 median MAPE %", mae(s.relF0), 2, 2, false},
		{"F0 gross errors > 20 % (files)", gross(s.relF0), 0, 0, false},
	})
	// Per disturbance class: latency and offset mean error <= 30 ms
	// (reverb: offset <= 100 ms, its wet tail is not speech by the
	// corpus's definition), pause F1 >= 90 %. guards holds the figure
	// reached where a goal is not met yet (none now: every class meets
	// its goal).
	guards := map[string]float64{}
	byClass := map[string][]map[string]string{}
	for _, r := range truth {
		byClass[r["class"]] = append(byClass[r["class"]], r)
	}
	classes := make([]string, 0, len(byClass))
	for c := range byClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		cs := score(byClass[c], got)
		var checks []check
		add := func(name string, v, goal float64, higher bool) {
			if math.IsNaN(v) {
				return // the class has no truth for it (no-speech files, no pauses)
			}
			key := c + " " + name
			g, ok := guards[key]
			if !ok {
				g = goal
			}
			checks = append(checks, check{key, v, goal, g, higher})
		}
		if len(cs.lat) > 0 {
			add("latency MAE ms", mae(cs.lat), 30, false)
		}
		if len(cs.off) > 0 {
			goal := 30.0
			if c == "reverb" {
				goal = 100
			}
			add("offset MAE ms", mae(cs.off), goal, false)
		}
		if cs.tp+cs.fn > 0 {
			add("pause F1 %", cs.f1(), 90, true)
		}
		if cs.nsFiles > 0 {
			add("no-speech files called no speech %", share(cs.nsCalled, cs.nsFiles), 100, true)
		}
		if cs.spFiles > 0 {
			add("speech files called no speech", float64(cs.spCalledNS), 0, false)
		}
		assertChecks(t, checks)
	}
}

func num(s string) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return math.NaN()
	}
	return v
}

func mae(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s / float64(len(v))
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

func readRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("corpus missing: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("read %s: %v", path, err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		rows = append(rows, m)
	}
	return rows
}

func intervals(s string) [][2]float64 {
	var out [][2]float64
	for _, p := range strings.Split(s, ";") {
		a, b, ok := strings.Cut(strings.TrimSpace(p), "-")
		if ok {
			out = append(out, [2]float64{num(a), num(b)})
		}
	}
	return out
}

// matchPauses pairs truth and detected pauses one-to-one by largest
// overlap, as score.py does.
func matchPauses(truth, det [][2]float64) [][2][2]float64 {
	type c struct {
		ov   float64
		i, j int
	}
	var cs []c
	for i, t := range truth {
		for j, d := range det {
			if ov := min(t[1], d[1]) - max(t[0], d[0]); ov > 0 {
				cs = append(cs, c{ov, i, j})
			}
		}
	}
	sort.Slice(cs, func(a, b int) bool { return cs[a].ov > cs[b].ov })
	ut, ud := map[int]bool{}, map[int]bool{}
	var out [][2][2]float64
	for _, x := range cs {
		if ut[x.i] || ud[x.j] {
			continue
		}
		ut[x.i], ud[x.j] = true, true
		out = append(out, [2][2]float64{truth[x.i], det[x.j]})
	}
	return out
}
