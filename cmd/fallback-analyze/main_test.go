package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fallback/internal/pcm"
)

// writeSpeech writes a WAV with a harmonic "answer" of two bursts.
func writeSpeech(t *testing.T, path string) {
	t.Helper()
	rate := 16000
	s := make([]float32, 3*rate)
	for i := rate / 2; i < 2*rate+rate/2; i++ {
		if i > rate+rate/4 && i < rate+rate/2 { // a 0.25 s gap: not a pause
			continue
		}
		tm := float64(i) / float64(rate)
		env := 0.55 - 0.45*math.Cos(2*math.Pi*4*tm)
		s[i] = float32(0.1 * env * (math.Sin(2*math.Pi*140*tm) + 0.5*math.Sin(2*math.Pi*280*tm)))
	}
	if err := pcm.WriteFile(path, pcm.Clip{Rate: rate, Samples: s}); err != nil {
		t.Fatal(err)
	}
}

func TestRunCSVWithBadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.wav")
	bad := filepath.Join(dir, "bad.wav")
	writeSpeech(t, good)
	os.WriteFile(bad, []byte("RIFF\x10\x00\x00\x00WAVEjunkjunk"), 0o644)
	var out, errb bytes.Buffer
	code := run([]string{"--cue", "0.2", good, bad}, &out, &errb)
	if code != 1 {
		t.Errorf("exit %d, want 1 (one file failed)", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "file,syllables,speech_rate_sps,articulation_rate_sps,wpm,pause_count,pauses,latency_s,mean_dbfs,dbfs_first_half,dbfs_second_half,f0_median_hz") {
		t.Fatalf("output:\n%s", out.String())
	}
	if !strings.HasSuffix(lines[0], ",error") || !strings.Contains(lines[2], "bad.wav") || !strings.Contains(lines[2], "corrupt wav") {
		t.Errorf("bad row: %s", lines[2])
	}
	f := strings.Split(lines[1], ",")
	if f[5] != "0" || math.Abs(num(f[7])-0.3) > 0.01 || math.Abs(num(f[11])-140) > 2 {
		t.Errorf("good row: %s", lines[1])
	}
	if !strings.Contains(errb.String(), "bad.wav") {
		t.Errorf("stderr: %s", errb.String())
	}
}

func TestRunJSONAndCues(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.wav")
	writeSpeech(t, a)
	cues := filepath.Join(dir, "cues.csv")
	os.WriteFile(cues, []byte("file,cue_s\na.wav,0.1\n"), 0o644)
	var out, errb bytes.Buffer
	if code := run([]string{"--cues", cues, "--format", "json", a}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res []jsonResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Cue != 0.1 || math.Abs(res[0].Latency-0.4) > 0.01 || res[0].NoSpeech {
		t.Errorf("json: %+v", res)
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"--format", "xml", "a.wav"},
		{"--cue", "1", "--cues", "c.csv", "a.wav"},
		{"--min-pause", "0", "a.wav"},
		{"--min-pause", "NaN", "a.wav"},
		{"--cue", "Inf", "a.wav"},
		{"--cue", "+Inf", "a.wav"},
		{"--cue", "NaN", "a.wav"},
		{"--cue", "-0.5", "a.wav"},
		{"--cues", "/nonexistent/cues.csv", "a.wav"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestCuesFileRejectsNonFinite(t *testing.T) {
	for _, v := range []string{"Inf", "-inf", "NaN", "-1", "1e400", "1e300"} {
		t.Run(v, func(t *testing.T) {
			cues := filepath.Join(t.TempDir(), "cues.csv")
			os.WriteFile(cues, []byte("file,cue_s\na.wav,"+v+"\n"), 0o644)
			var out, errb bytes.Buffer
			if code := run([]string{"--cues", cues, "a.wav"}, &out, &errb); code != 2 {
				t.Errorf("cue_s %s: exit %d, want 2", v, code)
			}
			if !strings.Contains(errb.String(), "bad cue_s") || !strings.Contains(errb.String(), "line 2") {
				t.Errorf("cue_s %s: message %q", v, errb.String())
			}
		})
	}
}

func TestCueFlagMessage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"--cue", "NaN", "a.wav"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), "--cue NaN") || !strings.Contains(errb.String(), "finite") {
		t.Errorf("message %q", errb.String())
	}
}
