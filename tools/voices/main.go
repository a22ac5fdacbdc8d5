// Command voices synthesises the bundled customer lines: for every scenario
// file it speaks each line with the persona's voice and shapes the delivery
// to match the line's tags, writing 16 kHz mono 16-bit WAV files to
// <out>/voices/<scenario>/<turn>-<variant>.wav.
//
// It uses Debian packages only: festival (with festvox-us-slt-hts,
// festvox-kallpc16k, festvox-kdlpc16k), flite, espeak-ng and sox. Run from
// the repository root:
//
//	go run ./tools/voices            # every scenario
//	go run ./tools/voices -only missed-delivery
//
// The output is deterministic (sox without dither, fixed gains), so running
// it again rewrites nothing unless a line, tag or voice changed.
//
// Voices are named in each scenario's persona as engine:name, optionally
// followed by ",pitch=CENTS" and ",tempo=FACTOR":
//
//	flite:rms   flite:awb   flite:slt   flite:kal16
//	festival:kal_diphone   festival:ked_diphone   festival:cmu_us_slt_arctic_hts
//	espeak:en-us+f3        (any espeak-ng voice+variant)
//
// Delivery by tag:
//
//	calm        steady level, sentences joined with short (< 0.3 s) gaps
//	angry       louder overall and a little faster
//	hesitant    a 0.8 s silence wherever the text has "..."
//	escalating  a steady crescendo (+12 dB over the line); each sentence faster
//	            and higher than the one before
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/scenario"
)

const rate = 16000

func main() {
	dir := flag.String("scenarios", "scenarios", "folder of scenario files")
	out := flag.String("out", "assets", "folder that receives voices/<scenario>/…")
	only := flag.String("only", "", "generate only this scenario id")
	flag.Parse()
	if err := run(*dir, *out, *only); err != nil {
		fmt.Fprintln(os.Stderr, "voices:", err)
		os.Exit(1)
	}
}

func run(dir, out, only string) error {
	names, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "voices")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	written, kept := 0, 0
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		s, err := scenario.Parse(name, data)
		if err != nil {
			return err
		}
		if only != "" && s.ID != only {
			continue
		}
		v, err := parseVoice(s.Persona.Voice)
		if err != nil {
			return fmt.Errorf("%s: persona.voice: %w", name, err)
		}
		for i := range s.Turns {
			t := &s.Turns[i]
			for _, variant := range scenario.Variants {
				l := t.Variant(variant)
				if l == nil {
					continue
				}
				samples, err := speakLine(v, *l, tmp)
				if err != nil {
					return fmt.Errorf("%s: turn %s %s: %w", name, t.ID, variant, err)
				}
				path := filepath.Join(out, filepath.FromSlash(l.Audio))
				changed, err := writeIfChanged(path, encodeWAV(samples))
				if err != nil {
					return err
				}
				if changed {
					written++
					fmt.Println("wrote", path)
				} else {
					kept++
				}
			}
		}
	}
	fmt.Printf("%d written, %d unchanged\n", written, kept)
	return nil
}

// voice is a synthetic voice and its fixed shaping.
type voice struct {
	engine, name string
	pitch        float64 // cents
	tempo        float64 // factor, 1 = as synthesised
}

func parseVoice(spec string) (voice, error) {
	parts := strings.Split(spec, ",")
	engine, name, ok := strings.Cut(parts[0], ":")
	if !ok || name == "" {
		return voice{}, fmt.Errorf("voice %q: want engine:name", spec)
	}
	v := voice{engine: engine, name: name, tempo: 1}
	switch engine {
	case "flite", "festival", "espeak":
	default:
		return voice{}, fmt.Errorf("voice %q: unknown engine %q", spec, engine)
	}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(p, "=")
		f, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return voice{}, fmt.Errorf("voice %q: %s: %w", spec, k, err)
		}
		switch k {
		case "pitch":
			v.pitch = f
		case "tempo":
			v.tempo = f
		default:
			return voice{}, fmt.Errorf("voice %q: unknown option %q", spec, k)
		}
	}
	return v, nil
}

// segment is a piece of a line spoken in one go, with its shaping.
type segment struct {
	text  string
	tempo float64 // multiplies the voice's tempo
	pitch float64 // cents added to the voice's pitch
	after float64 // seconds of silence after it
}

// Levels: RMS of the active speech, in dBFS.
const (
	calmDBFS   = -24.0
	angryDBFS  = -17.0
	escRampDB  = 12.0 // level rise over an escalating line, a steady crescendo
	escPitch   = 250  // cents
	shortGap   = 0.18 // between sentences: not a pause (< 0.3 s)
	hesitation = 0.8  // at "...": a clear pause
	edge       = 0.25 // silence before and after the line
)

var sentenceEnd = regexp.MustCompile(`[.!?]+\s+`)

func plan(l scenario.Line, escTempo float64) []segment {
	text := strings.Join(strings.Fields(l.Text), " ")
	text = strings.ReplaceAll(text, "…", "...")
	var segs []segment
	// Hesitations split the text first; then sentences.
	for hi, part := range strings.Split(text, "...") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if hi > 0 && len(segs) > 0 {
			segs[len(segs)-1].after = hesitation
		}
		for _, sent := range splitSentences(part) {
			segs = append(segs, segment{text: sent, tempo: 1, after: shortGap})
		}
	}
	if l.HasTag(scenario.TagEscalating) {
		if len(segs) == 1 {
			segs = splitHalf(segs[0])
		}
		n := float64(len(segs) - 1)
		for i := range segs {
			f := float64(i) / n
			segs[i].tempo = 1 + escTempo*f
			segs[i].pitch = escPitch * f
		}
	}
	if l.HasTag(scenario.TagAngry) {
		for i := range segs {
			segs[i].tempo *= 1.1
			segs[i].pitch += 100
		}
	}
	segs[len(segs)-1].after = 0
	return segs
}

func splitSentences(s string) []string {
	var out []string
	for {
		loc := sentenceEnd.FindStringIndex(s)
		if loc == nil {
			break
		}
		out = append(out, strings.TrimSpace(s[:loc[1]]))
		s = s[loc[1]:]
	}
	if strings.TrimSpace(s) != "" {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// splitHalf splits one sentence at the comma, or else the word, nearest its
// middle, so an escalating one-sentence line can still rise.
func splitHalf(seg segment) []segment {
	words := strings.Fields(seg.text)
	if len(words) < 2 {
		return []segment{seg}
	}
	best, bestScore := len(words)/2, math.MaxInt
	chars := 0
	for i, w := range words[:len(words)-1] {
		chars += len(w) + 1
		score := abs(2*chars - len(seg.text))
		if strings.HasSuffix(w, ",") {
			score /= 3
		}
		if score < bestScore {
			best, bestScore = i+1, score
		}
	}
	a, b := seg, seg
	a.text = strings.Join(words[:best], " ")
	b.text = strings.Join(words[best:], " ")
	a.after = shortGap
	return []segment{a, b}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// escTempos are the tempo rises tried, in order, until the analyser hears an
// escalating line speed up: phrase-final lengthening in the synthetic
// voices can hide a small rise.
var escTempos = []float64{0.35, 0.55, 0.75}

// Targets the shaping loop aims for, a margin inside what the tags promise
// (see internal/scenario/delivery_test.go).
const (
	escMinTrendDB  = 3.5
	escMinPacePct  = 10.0
	steadyMaxTrend = 0.7
)

func speakLine(v voice, l scenario.Line, tmp string) ([]float64, error) {
	if l.HasTag(scenario.TagHesitant) && !strings.Contains(strings.ReplaceAll(l.Text, "…", "..."), "...") {
		return nil, fmt.Errorf("hesitant line needs a \"...\" where the pause goes")
	}
	raws := map[string]string{} // segment text -> synthesised file, reused across tries
	if !l.HasTag(scenario.TagEscalating) {
		out, err := render(v, l, plan(l, 0), raws, tmp)
		if err != nil {
			return nil, err
		}
		// Synthetic voices fade towards the end of a sentence; level that
		// out so the line keeps the steady level its tags promise.
		for range 8 {
			r, err := analyse(out)
			if err != nil {
				return nil, err
			}
			if math.Abs(r.TrendDB()) < steadyMaxTrend {
				break
			}
			ramp(out, -1.5*r.TrendDB())
		}
		return limit(out), nil
	}
	var best []float64
	bestPace := math.Inf(-1)
	for _, rise := range escTempos {
		out, err := render(v, l, plan(l, rise), raws, tmp)
		if err != nil {
			return nil, err
		}
		// A crescendo in dB across the speech, so the second half of the
		// speech time is clearly louder than the first whatever the
		// sentence lengths; it starts a little below the base level.
		db := escRampDB
		for range 4 {
			x := append([]float64(nil), out...)
			ramp(x, db)
			scaleAll(x, math.Pow(10, -db/3/20))
			r, err := analyse(x)
			if err != nil {
				return nil, err
			}
			if r.TrendDB() < escMinTrendDB {
				db += 3
				continue
			}
			if r.PaceChangePct > bestPace {
				best, bestPace = x, r.PaceChangePct
			}
			break
		}
		if bestPace >= escMinPacePct {
			break
		}
	}
	if best == nil {
		return nil, fmt.Errorf("could not make the line measurably louder at its end")
	}
	if bestPace < escMinPacePct {
		fmt.Fprintf(os.Stderr, "warning: %q: pace rises only %+.0f %%; reword it (longer last sentence)\n", l.Text, bestPace)
	}
	return limit(best), nil
}

// render speaks segs one after another at the line's base level.
func render(v voice, l scenario.Line, segs []segment, raws map[string]string, tmp string) ([]float64, error) {
	base := calmDBFS
	if l.HasTag(scenario.TagAngry) {
		base = angryDBFS
	}
	out := make([]float64, int(edge*rate))
	for _, sg := range segs {
		raw, ok := raws[sg.text]
		if !ok {
			raw = filepath.Join(tmp, fmt.Sprintf("seg%d.wav", len(raws)))
			if err := tts(v, sg.text, raw, tmp); err != nil {
				return nil, err
			}
			raws[sg.text] = raw
		}
		x, err := shape(v, sg, raw)
		if err != nil {
			return nil, err
		}
		x = trim(x)
		if len(x) == 0 {
			return nil, fmt.Errorf("no speech synthesised for %q", sg.text)
		}
		scale(x, base)
		out = append(out, x...)
		out = append(out, make([]float64, int(sg.after*rate))...)
	}
	return append(out, make([]float64, int(edge*rate))...), nil
}

// analyse measures x with the app's own analyser.
// It measures the line as it will be stored: peak-limited and rounded to
// 16 bits.
func analyse(x []float64) (analysis.Report, error) {
	x = limit(append([]float64(nil), x...))
	c := pcm.Clip{Rate: rate, Samples: make([]float32, len(x))}
	for i, s := range x {
		c.Samples[i] = float32(quantize(s)) / 32768
	}
	r, err := analysis.Analyze(c, analysis.Options{})
	if err == nil && r.NoSpeech {
		err = fmt.Errorf("the analyser finds no speech")
	}
	return r, err
}

// limit keeps the line clear of clipping: an escalating end may be loud.
func limit(out []float64) []float64 {
	peak := 0.0
	for _, s := range out {
		peak = math.Max(peak, math.Abs(s))
	}
	if peak > 0.97 {
		scaleAll(out, 0.97/peak)
	}
	return out
}

// ramp applies a gain rising linearly in dB from 0 to db over the line
// between its silent edges.
func ramp(x []float64, db float64) {
	a, b := int(edge*rate), len(x)-int(edge*rate)
	for i := a; i < b; i++ {
		f := float64(i-a) / float64(b-a)
		x[i] *= math.Pow(10, db*f/20)
	}
}

func scaleAll(x []float64, g float64) {
	for i := range x {
		x[i] *= g
	}
}

// tts speaks text with v's engine into the WAV file raw.
func tts(v voice, text, raw, tmp string) error {
	txt := filepath.Join(tmp, "seg.txt")
	if err := os.WriteFile(txt, []byte(text+"\n"), 0o644); err != nil {
		return err
	}
	var cmd *exec.Cmd
	switch v.engine {
	case "flite":
		cmd = exec.Command("flite", "-voice", v.name, "-f", txt, "-o", raw)
	case "festival":
		cmd = exec.Command("text2wave", "-eval", "(voice_"+v.name+")", "-o", raw, txt)
	case "espeak":
		cmd = exec.Command("espeak-ng", "-v", v.name, "-s", "165", "-w", raw, "-f", txt)
	}
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", cmd.Args[0], err, msg)
	}
	return nil
}

// shape runs raw through sox (pitch, tempo, 16 kHz) without dither, so
// the result is the same on every run.
func shape(v voice, sg segment, raw string) ([]float64, error) {
	args := []string{"-D", raw, "-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-"}
	if p := v.pitch + sg.pitch; p != 0 {
		args = append(args, "pitch", strconv.FormatFloat(p, 'f', 0, 64))
	}
	if t := v.tempo * sg.tempo; t != 1 {
		args = append(args, "tempo", "-s", strconv.FormatFloat(t, 'f', 3, 64))
	}
	args = append(args, "rate", "-v", strconv.Itoa(rate))
	sox := exec.Command("sox", args...)
	var stderr bytes.Buffer
	sox.Stderr = &stderr
	data, err := sox.Output()
	if err != nil {
		return nil, fmt.Errorf("sox: %v: %s", err, stderr.String())
	}
	x := make([]float64, len(data)/2)
	for i := range x {
		x[i] = float64(int16(binary.LittleEndian.Uint16(data[2*i:]))) / 32768
	}
	return x, nil
}

// trim drops leading and trailing near-silence (below -45 dBFS in 10 ms
// frames) so the gaps between segments are exactly those planned.
func trim(x []float64) []float64 {
	const frame = rate / 100
	thr := math.Pow(10, -45.0/20)
	active := func(i int) bool {
		e := 0.0
		end := min(i+frame, len(x))
		for _, s := range x[i:end] {
			e += s * s
		}
		return math.Sqrt(e/float64(end-i)) > thr
	}
	start, stop := -1, 0
	for i := 0; i < len(x); i += frame {
		if active(i) {
			if start < 0 {
				start = i
			}
			stop = min(i+frame, len(x))
		}
	}
	if start < 0 {
		return nil
	}
	return x[start:stop]
}

// scale sets the RMS of the active frames (above -40 dBFS) to dbfs.
func scale(x []float64, dbfs float64) {
	const frame = rate / 50
	thr := math.Pow(10, -40.0/20)
	sum, n := 0.0, 0
	for i := 0; i+frame <= len(x); i += frame {
		e := 0.0
		for _, s := range x[i : i+frame] {
			e += s * s
		}
		if math.Sqrt(e/frame) > thr {
			sum += e
			n += frame
		}
	}
	if n == 0 {
		return
	}
	g := math.Pow(10, dbfs/20) / math.Sqrt(sum/float64(n))
	for i := range x {
		x[i] *= g
	}
}

// quantize rounds a sample in [-1, 1] to 16 bits.
func quantize(s float64) int16 {
	return int16(math.Max(-32768, math.Min(32767, math.Round(s*32767))))
}

func encodeWAV(x []float64) []byte {
	data := make([]byte, 2*len(x))
	for i, s := range x {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(quantize(s)))
	}
	le := binary.LittleEndian
	h := []byte("RIFF....WAVEfmt ")
	le.PutUint32(h[4:], uint32(36+len(data)))
	h = le.AppendUint32(h, 16)     // fmt chunk size
	h = le.AppendUint16(h, 1)      // PCM
	h = le.AppendUint16(h, 1)      // mono
	h = le.AppendUint32(h, rate)   // sample rate
	h = le.AppendUint32(h, 2*rate) // byte rate
	h = le.AppendUint16(h, 2)      // block align
	h = le.AppendUint16(h, 16)     // bits per sample
	h = append(h, "data"...)
	h = le.AppendUint32(h, uint32(len(data)))
	return append(h, data...)
}

func writeIfChanged(path string, data []byte) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return false, err
	}
	return true, os.Rename(tmp, path)
}
