// Command fallback-analyze measures spoken answers in WAV files: one row of
// delivery metrics (pauses, rate, latency, loudness, pitch) per file.
//
//	fallback-analyze [--cue SECONDS | --cues CUES.csv] [--format csv|json] [--min-pause SECONDS] FILE...
//
// CUES.csv has the columns file,cue_s (matched by path, then by base name).
// CSV output has a header and one row per file in the order given; a file
// that cannot be read gets a row with its error and the others are still
// analysed. The exit status is 1 if any file failed, 2 for a usage error.
// Files are analysed in parallel, up to GOMAXPROCS at a time.
package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type result struct {
	File   string
	Cue    float64
	Report analysis.Report
	Err    error
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fallback-analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cue := fs.Float64("cue", 0, "cue time in `seconds` for every file")
	cuesPath := fs.String("cues", "", "CSV `file` with columns file,cue_s")
	format := fs.String("format", "csv", "output format: csv or json")
	minPause := fs.Float64("min-pause", 0.3, "shortest silence counted as a pause, in `seconds`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: fallback-analyze [--cue SECONDS | --cues CUES.csv] [--format csv|json] [--min-pause SECONDS] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	files := fs.Args()
	cueSet := false
	fs.Visit(func(f *flag.Flag) { cueSet = cueSet || f.Name == "cue" })
	switch {
	case len(files) == 0:
		fs.Usage()
		return 2
	case *format != "csv" && *format != "json":
		fmt.Fprintf(stderr, "fallback-analyze: unknown format %q (csv or json)\n", *format)
		return 2
	case cueSet && *cuesPath != "":
		fmt.Fprintln(stderr, "fallback-analyze: give --cue or --cues, not both")
		return 2
	case !validCue(*cue):
		fmt.Fprintf(stderr, "fallback-analyze: --cue %v: must be a finite number of seconds >= 0\n", *cue)
		return 2
	case !(*minPause > 0) || *minPause > maxSeconds:
		fmt.Fprintf(stderr, "fallback-analyze: --min-pause %v: must be a finite number of seconds > 0\n", *minPause)
		return 2
	}
	var cues map[string]float64
	if *cuesPath != "" {
		var err error
		if cues, err = readCues(*cuesPath); err != nil {
			fmt.Fprintf(stderr, "fallback-analyze: %v\n", err)
			return 2
		}
	}
	results := make([]result, len(files))
	for i, f := range files {
		results[i] = result{File: f, Cue: *cue}
		if cues != nil {
			c, ok := cues[f]
			if !ok {
				c, ok = cues[filepath.Base(f)]
			}
			if !ok {
				results[i].Err = fmt.Errorf("no cue for %s in %s", f, *cuesPath)
			}
			results[i].Cue = c
		}
	}
	opt := analysis.Options{MinPause: seconds(*minPause)}
	analyseAll(results, opt)
	var err error
	if *format == "json" {
		err = writeJSON(stdout, results)
	} else {
		err = writeCSV(stdout, results)
	}
	if err != nil {
		fmt.Fprintf(stderr, "fallback-analyze: write output: %v\n", err)
		return 1
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(stderr, "fallback-analyze: %v\n", r.Err)
		}
	}
	if failed > 0 {
		return 1
	}
	return 0
}

// validCue reports whether c is a usable cue time: finite, not negative
// and within a time.Duration (strconv and flag accept "Inf" and "NaN", and
// NaN compares false with everything, so "< 0" alone lets it through).
func validCue(c float64) bool {
	return c >= 0 && c <= maxSeconds
}

// maxSeconds is the longest time a time.Duration holds (about 292 years).
const maxSeconds = float64(math.MaxInt64) / float64(time.Second)

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// analyseAll fills in the reports, GOMAXPROCS files at a time. Each worker
// owns the results it takes from the channel; wg.Wait is their exit.
func analyseAll(results []result, opt analysis.Options) {
	jobs := make(chan *result)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(results)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				analyseOne(r, opt)
			}
		}()
	}
	for i := range results {
		if results[i].Err == nil {
			jobs <- &results[i]
		}
	}
	close(jobs)
	wg.Wait()
}

func analyseOne(r *result, opt analysis.Options) {
	c, err := pcm.ReadFile(r.File)
	if err != nil {
		r.Err = err
		return
	}
	o := opt
	o.Cue = seconds(r.Cue)
	rep, err := analysis.Analyze(c, o)
	if err != nil {
		r.Err = fmt.Errorf("%s: %w", r.File, err)
		return
	}
	r.Report = rep
}

func readCues(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read cues: %w", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read cues %s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read cues %s: empty file", path)
	}
	fi, ci := -1, -1
	for i, h := range rows[0] {
		switch strings.TrimSpace(h) {
		case "file":
			fi = i
		case "cue_s":
			ci = i
		}
	}
	if fi < 0 || ci < 0 {
		return nil, fmt.Errorf("read cues %s: need columns file and cue_s", path)
	}
	cues := make(map[string]float64)
	for n, row := range rows[1:] {
		if max(fi, ci) >= len(row) {
			return nil, fmt.Errorf("read cues %s: line %d: too few fields", path, n+2)
		}
		v := 0.0
		if s := strings.TrimSpace(row[ci]); s != "" {
			if v, err = strconv.ParseFloat(s, 64); err != nil || !validCue(v) {
				return nil, fmt.Errorf("read cues %s: line %d: bad cue_s %q (want a finite number of seconds >= 0)", path, n+2, row[ci])
			}
		}
		cues[strings.TrimSpace(row[fi])] = v
	}
	return cues, nil
}

var header = []string{
	"file", "syllables", "speech_rate_sps", "articulation_rate_sps", "wpm",
	"pause_count", "pauses", "latency_s", "mean_dbfs", "dbfs_first_half",
	"dbfs_second_half", "f0_median_hz",
	"no_speech", "onset_s", "offset_s", "pause_longest_s", "pause_total_s",
	"pace_change_pct", "volume_trend_db", "volume_trend",
	"f0_p05_hz", "f0_p95_hz", "f0_range_st", "clip_share", "noise_floor_dbfs", "error",
}

func f4(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
func sec(d time.Duration) string {
	return f4(d.Seconds())
}

func row(r result) []string {
	out := make([]string, len(header))
	out[0] = r.File
	if r.Err != nil {
		out[len(out)-1] = r.Err.Error()
		return out
	}
	rep := r.Report
	if rep.NoSpeech {
		out[12] = "1"
		return out
	}
	var ps []string
	for _, p := range rep.Pauses {
		ps = append(ps, sec(p.Start)+"-"+sec(p.End))
	}
	f0 := func(v float64) string {
		if v <= 0 {
			return ""
		}
		return f2(v)
	}
	copy(out[1:], []string{
		strconv.Itoa(rep.Syllables), f4(rep.SpeechRate), f4(rep.ArticulationRate), f2(rep.WordsPerMin),
		strconv.Itoa(len(rep.Pauses)), strings.Join(ps, ";"), sec(rep.Latency),
		f2(rep.MeanDBFS), f2(rep.FirstHalfDBFS), f2(rep.SecondHalfDBFS), f0(rep.F0MedianHz),
		"0", sec(rep.Onset), sec(rep.Offset), sec(rep.LongestPause), sec(rep.PauseTotal),
		f2(rep.PaceChangePct), f2(rep.TrendDB()), string(rep.Trend),
		f0(rep.F0P5Hz), f0(rep.F0P95Hz), f2(rep.F0RangeST),
		f4(rep.ClipShare), f2(rep.NoiseFloorDBFS),
	})
	return out
}

func writeCSV(w io.Writer, results []result) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	for _, r := range results {
		cw.Write(row(r))
	}
	cw.Flush()
	return cw.Error()
}

// jsonResult is the JSON form of one file: times in seconds.
type jsonResult struct {
	File             string      `json:"file"`
	Error            string      `json:"error,omitempty"`
	NoSpeech         bool        `json:"no_speech"`
	Cue              float64     `json:"cue_s"`
	Onset            float64     `json:"onset_s"`
	Offset           float64     `json:"offset_s"`
	Latency          float64     `json:"latency_s"`
	Pauses           [][]float64 `json:"pauses"`
	PauseCount       int         `json:"pause_count"`
	LongestPause     float64     `json:"pause_longest_s"`
	PauseTotal       float64     `json:"pause_total_s"`
	Syllables        int         `json:"syllables"`
	SpeechRate       float64     `json:"speech_rate_sps"`
	ArticulationRate float64     `json:"articulation_rate_sps"`
	WPM              float64     `json:"wpm"`
	PaceChangePct    float64     `json:"pace_change_pct"`
	MeanDBFS         float64     `json:"mean_dbfs"`
	FirstHalfDBFS    float64     `json:"dbfs_first_half"`
	SecondHalfDBFS   float64     `json:"dbfs_second_half"`
	TrendDB          float64     `json:"volume_trend_db"`
	Trend            string      `json:"volume_trend"`
	F0Median         float64     `json:"f0_median_hz"`
	F0P5             float64     `json:"f0_p05_hz"`
	F0P95            float64     `json:"f0_p95_hz"`
	F0RangeST        float64     `json:"f0_range_st"`
	ClipShare        float64     `json:"clip_share"`
	NoiseFloorDBFS   float64     `json:"noise_floor_dbfs"`
}

func writeJSON(w io.Writer, results []result) error {
	out := make([]jsonResult, len(results))
	for i, r := range results {
		j := jsonResult{File: r.File, Cue: r.Cue, Pauses: [][]float64{}}
		if r.Err != nil {
			j.Error = r.Err.Error()
			out[i] = j
			continue
		}
		rep := r.Report
		j.NoSpeech = rep.NoSpeech
		j.Onset, j.Offset, j.Latency = rep.Onset.Seconds(), rep.Offset.Seconds(), rep.Latency.Seconds()
		for _, p := range rep.Pauses {
			j.Pauses = append(j.Pauses, []float64{p.Start.Seconds(), p.End.Seconds()})
		}
		j.PauseCount = len(rep.Pauses)
		j.LongestPause, j.PauseTotal = rep.LongestPause.Seconds(), rep.PauseTotal.Seconds()
		j.Syllables, j.SpeechRate, j.ArticulationRate = rep.Syllables, rep.SpeechRate, rep.ArticulationRate
		j.WPM, j.PaceChangePct = rep.WordsPerMin, rep.PaceChangePct
		j.MeanDBFS, j.FirstHalfDBFS, j.SecondHalfDBFS = rep.MeanDBFS, rep.FirstHalfDBFS, rep.SecondHalfDBFS
		j.TrendDB, j.Trend = rep.TrendDB(), string(rep.Trend)
		j.F0Median, j.F0P5, j.F0P95, j.F0RangeST = rep.F0MedianHz, rep.F0P5Hz, rep.F0P95Hz, rep.F0RangeST
		j.ClipShare, j.NoiseFloorDBFS = rep.ClipShare, rep.NoiseFloorDBFS
		out[i] = j
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return errors.Join(errors.New("encode json"), err)
	}
	return nil
}
