//go:build e2e

// The end-to-end test drives the real binary in a real window (Xvfb) with
// real-time virtual audio (PulseAudio null sinks): it answers every turn of
// a scenario by playing a known WAV into the virtual microphone after the
// cue, presses Space with xdotool, and checks what landed in the SQLite
// file. Run it with `go test -tags e2e ./cmd/fallback` (make test does).
package main_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fallback/assets"
	"fallback/internal/analysis"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/scenarios"
)

// replyDelay is how long the simulated rep waits after the cue.
const replyDelay = 800 * time.Millisecond

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (run tools/setup-debian.sh): %v", tool, err)
		}
	}
}

// logWatcher collects the app's log lines and waits for patterns.
type logWatcher struct {
	lines chan string
	all   []string
}

func watch(r io.Reader) *logWatcher {
	w := &logWatcher{lines: make(chan string, 1024)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			w.lines <- sc.Text()
		}
		close(w.lines)
	}()
	return w
}

func (w *logWatcher) waitFor(t *testing.T, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-w.lines:
			if !ok {
				t.Fatalf("app exited while waiting for %q; log:\n%s", re, strings.Join(w.all, "\n"))
			}
			w.all = append(w.all, l)
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %q; log:\n%s", timeout, re, strings.Join(w.all, "\n"))
		}
	}
}

func start(t *testing.T, env []string, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// startXvfb starts a virtual display and returns its DISPLAY value.
func startXvfb(t *testing.T) string {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	// Xvfb's own words, shown when the test fails (a display that goes away
	// mid-test is otherwise only "failed to open display" in the app's log).
	logf, err := os.Create(filepath.Join(t.TempDir(), "xvfb.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		select {
		case err := <-exited:
			t.Errorf("Xvfb exited during the test: %v", err)
		default:
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("Xvfb log:\n%s", b)
		}
		logf.Close()
	})
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb gave no display number: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// startPulse starts a PulseAudio daemon with one null sink, "rep", that is
// the app's speaker and whose monitor is its microphone: a room with open
// speakers, so the recording holds the cue tone where the rep heard it and
// the answer where it was spoken, and the test can check the cue and the
// latency against both. Without rewinds, so a short tone reaches the
// monitor whole.
func startPulse(t *testing.T, dir string) []string {
	sock := filepath.Join(dir, "pulse.sock")
	pa := fmt.Sprintf(`load-module module-native-protocol-unix socket=%s auth-anonymous=1
load-module module-null-sink sink_name=rep rate=16000 norewinds=1
set-default-sink rep
set-default-source rep.monitor
`, sock)
	conf := filepath.Join(dir, "pulse.pa")
	if err := os.WriteFile(conf, []byte(pa), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + dir, "XDG_RUNTIME_DIR=" + dir, "PULSE_SERVER=unix:" + sock}
	start(t, env, "pulseaudio", "-n", "-F", conf, "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--log-target=stderr", "--log-level=error")
	for i := 0; i < 100; i++ { // the socket appears when the daemon is ready
		if exec.Command("pactl", "--server=unix:"+sock, "info").Run() == nil {
			return env
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("pulseaudio did not come up")
	return nil
}

func screenshot(t *testing.T, env []string, win, name string) {
	t.Helper()
	dir := filepath.Join("..", "..", "out", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, env, "import", "-window", win, filepath.Join(dir, name))
}

func TestNoDisplay(t *testing.T) {
	bin := build(t)
	cmd := exec.Command(bin)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("fallback with no display exited 0; want non-zero. Output:\n%s", out)
	}
	if lines := strings.Split(strings.TrimSpace(string(out)), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "no display") || !strings.Contains(lines[0], "xvfb-run") {
		t.Errorf("no-display output = %q, want one line naming the problem and xvfb-run", out)
	}
}

var binPath string

func build(t *testing.T) string {
	t.Helper()
	if binPath != "" {
		return binPath
	}
	dir, err := os.MkdirTemp("", "fallback-e2e-bin")
	if err != nil {
		t.Fatal(err)
	}
	binPath = filepath.Join(dir, "fallback")
	run(t, nil, "go", "build", "-o", binPath, ".")
	return binPath
}

// desktop is a virtual display, virtual audio and an empty data folder.
type desktop struct {
	env  []string
	data string
	home string
}

func newDesktop(t *testing.T) desktop {
	t.Helper()
	need(t, "Xvfb", "pulseaudio", "pactl", "paplay", "xdotool", "import")
	tmp := t.TempDir()
	d := desktop{data: filepath.Join(tmp, "data"), home: filepath.Join(tmp, "home")}
	if err := os.MkdirAll(d.home, 0o755); err != nil {
		t.Fatal(err)
	}
	display := startXvfb(t)
	penv := startPulse(t, tmp)
	d.env = append([]string{"DISPLAY=" + display, "LANG=en_US.UTF-8", "LC_ALL=", "FALLBACK_DATA=" + d.data, "LIBGL_ALWAYS_SOFTWARE=1"}, penv...)
	d.env = append(d.env, "HOME="+d.home) // after penv: the app's preferences live here
	return d
}

// launch starts the app and returns its log and its window id.
func (d desktop) launch(t *testing.T) (*logWatcher, string) {
	t.Helper()
	logs, win, _ := d.launchProc(t)
	return logs, win
}

// launchProc is launch that also returns the process, for killing it.
func (d desktop) launchProc(t *testing.T) (*logWatcher, string, *os.Process) {
	t.Helper()
	app := exec.Command(build(t))
	app.Env = append(os.Environ(), d.env...)
	stderr, err := app.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	app.Stdout = os.Stderr
	if err := app.Start(); err != nil {
		t.Fatalf("start fallback: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	t.Cleanup(func() {
		app.Process.Kill()
		<-exited
	})
	logs := watch(stderr)
	logs.waitFor(t, regexp.MustCompile(`ready: data folder`), 60*time.Second)
	win := run(t, d.env, "xdotool", "search", "--sync", "--onlyvisible", "--name", "^Fallback")
	return logs, strings.Fields(win)[0], app.Process
}

// skipCalibration leaves the first start's calibration screen (Esc).
func (d desktop) skipCalibration(t *testing.T, logs *logWatcher, win string) {
	t.Helper()
	logs.waitFor(t, regexp.MustCompile(`ui: screen Calibration`), 10*time.Second)
	d.key(t, win, "Escape")
	logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
}

func (d desktop) key(t *testing.T, win, k string) {
	t.Helper()
	run(t, d.env, "xdotool", "key", "--window", win, k)
}

func TestMissingMicrophone(t *testing.T) {
	d := newDesktop(t)
	prefs := filepath.Join(d.home, ".config", "fyne", "coach.fallback.app")
	if err := os.MkdirAll(prefs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"audio.input":"Imaginary USB Mic"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	logs, win := d.launch(t)
	d.skipCalibration(t, logs, win)
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`Cannot start the role-play: no microphone: the microphone "Imaginary USB Mic" chosen in Settings is not connected`), 10*time.Second)
	time.Sleep(500 * time.Millisecond) // let the dialog render for the screenshot
	screenshot(t, d.env, win, "06-no-microphone.png")
	d.key(t, win, "Escape") // close the dialog
	d.key(t, win, "h")      // history still works
	logs.waitFor(t, regexp.MustCompile(`ui: screen History`), 10*time.Second)
}

func TestEndToEnd(t *testing.T) {
	d := newDesktop(t)
	env, data := d.env, d.data

	// What the rep "says", measured offline for the expectations.
	answerPath, _ := filepath.Abs(filepath.Join("testdata", "answer.wav"))
	answer, err := pcm.ReadFile(answerPath)
	if err != nil {
		t.Fatal(err)
	}
	want, err := analysis.Analyze(answer, analysis.Options{})
	if err != nil || want.NoSpeech {
		t.Fatalf("analyse the fed answer: %v (no speech: %v)", err, want.NoSpeech)
	}

	scs, errs := scenario.Load(scenarios.FS, assets.FS)
	if len(errs) > 0 || len(scs) == 0 {
		t.Fatalf("bundled scenarios: %v", errs)
	}
	sc := scs[0] // the list shows scenarios in this order and selects the first

	logs, win := d.launch(t)
	// First start: calibration. The rep "reads" the passage into the
	// microphone; the measured calm voice becomes the baseline.
	logs.waitFor(t, regexp.MustCompile(`ui: screen Calibration`), 10*time.Second)
	time.Sleep(time.Second)
	screenshot(t, env, win, "00-calibration.png")
	d.key(t, win, "space")
	time.Sleep(500 * time.Millisecond)
	passage, _ := filepath.Abs(filepath.Join("testdata", "passage.wav"))
	read := exec.Command("paplay", "--device=rep", passage)
	read.Env = append(os.Environ(), env...)
	if out, err := read.CombinedOutput(); err != nil {
		t.Fatalf("paplay passage: %v\n%s", err, out)
	}
	m := logs.waitFor(t, regexp.MustCompile(`ui: calibration measured ([0-9.]+) syllables/s, (-?[0-9.]+) dBFS, ([0-9.]+) Hz`), 30*time.Second)
	time.Sleep(700 * time.Millisecond)
	screenshot(t, env, win, "00b-calibration-measured.png")
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`ui: baseline saved`), 10*time.Second)
	logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
	time.Sleep(time.Second) // let the first frame render before the screenshot
	screenshot(t, env, win, "01-scenarios.png")
	t.Logf("calibration: %s syllables/s, %s dBFS, %s Hz", m[1], m[2], m[3])

	key := func(k string) { d.key(t, win, k) }
	key("Return") // open the first scenario
	logs.waitFor(t, regexp.MustCompile(`ui: screen `+regexp.QuoteMeta(sc.Title)), 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	screenshot(t, env, win, "02-roleplay-brief.png")
	key("space") // start turn 1

	for i := 1; i <= len(sc.Turns); i++ {
		logs.waitFor(t, regexp.MustCompile(fmt.Sprintf(`turn=%d cue at`, i)), 90*time.Second)
		time.Sleep(replyDelay) // the rep's deliberate pause: part of the stimulus
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		play := exec.CommandContext(ctx, "paplay", "--device=rep", answerPath)
		play.Env = append(os.Environ(), env...)
		var out strings.Builder
		play.Stdout, play.Stderr = &out, &out
		if err := play.Start(); err != nil {
			cancel()
			t.Fatalf("paplay: %v", err)
		}
		if i == 1 { // mid-answer: the meter is live
			time.Sleep(1500 * time.Millisecond)
			screenshot(t, env, win, "03-recording.png")
		}
		if err := play.Wait(); err != nil {
			cancel()
			t.Fatalf("paplay: %v\n%s", err, out.String())
		}
		cancel()
		time.Sleep(600 * time.Millisecond) // trailing silence before Space
		key("space")
		logs.waitFor(t, regexp.MustCompile(fmt.Sprintf(`turn=%d measured`, i)), 30*time.Second)
		logs.waitFor(t, regexp.MustCompile(fmt.Sprintf(`ui: report of turn %d`, i)), 10*time.Second)
		if i == 1 { // the report as a rep sees it, from a small laptop to a big screen
			time.Sleep(700 * time.Millisecond)
			screenshot(t, env, win, "03b-turn-report.png")
			for _, size := range [][2]string{{"800", "600"}, {"1920", "1080"}, {"960", "680"}} {
				run(t, env, "xdotool", "windowsize", win, size[0], size[1])
				time.Sleep(800 * time.Millisecond)
				screenshot(t, env, win, fmt.Sprintf("03c-turn-report-%sx%s.png", size[0], size[1]))
			}
		}
		key("n") // the customer answers, or after the last turn the summary
	}
	logs.waitFor(t, regexp.MustCompile(`saved attempt`), 30*time.Second)
	logs.waitFor(t, regexp.MustCompile(`ui: screen Results`), 10*time.Second)
	time.Sleep(time.Second)
	screenshot(t, env, win, "04-results.png")
	key("h")
	logs.waitFor(t, regexp.MustCompile(`ui: screen History`), 10*time.Second)
	time.Sleep(700 * time.Millisecond)
	screenshot(t, env, win, "05-history.png")

	// Home now shows the progress summary and each scenario's last and
	// best; Progress charts the figures over time.
	key("Escape")
	logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
	logs.waitFor(t, regexp.MustCompile(`ui: home progress shown`), 10*time.Second)
	time.Sleep(700 * time.Millisecond)
	screenshot(t, env, win, "01b-scenarios-with-progress.png")
	key("p")
	logs.waitFor(t, regexp.MustCompile(`ui: progress shows 3 turns`), 20*time.Second)
	time.Sleep(900 * time.Millisecond)
	screenshot(t, env, win, "11-progress.png")

	// Settings: the microphone test shows the answer's level live.
	key("Escape")
	logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
	key("s")
	logs.waitFor(t, regexp.MustCompile(`ui: screen Settings`), 10*time.Second)
	key("t")
	play := exec.Command("paplay", "--device=rep", answerPath)
	play.Env = append(os.Environ(), env...)
	if err := play.Start(); err != nil {
		t.Fatalf("paplay: %v", err)
	}
	time.Sleep(2500 * time.Millisecond) // mid-answer, past the streams' start-up
	screenshot(t, env, win, "07-settings-mic-test.png")
	if err := play.Wait(); err != nil {
		t.Fatalf("paplay: %v", err)
	}
	key("t")
	m = logs.waitFor(t, regexp.MustCompile(`microphone test ended, peak (-?[0-9.]+) dBFS`), 10*time.Second)
	var peak float64
	fmt.Sscan(m[1], &peak)
	t.Logf("microphone test: peak %.1f dBFS (answer mean %.1f dBFS)", peak, want.MeanDBFS)
	if peak < want.MeanDBFS-3 || peak > want.MeanDBFS+20 {
		t.Errorf("microphone test peak %.1f dBFS, want near the answer's level (mean %.1f dBFS)", peak, want.MeanDBFS)
	}

	db, err := store.Open(filepath.Join(data, "fallback.db"))
	if err != nil {
		t.Fatalf("open the app's database: %v", err)
	}
	defer db.Close()
	list, err := db.ListAttempts(context.Background(), 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("attempts = %v, %v; want exactly 1", list, err)
	}
	att, err := db.Attempt(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if att.ScenarioID != sc.ID || len(att.Turns) != len(sc.Turns) {
		t.Fatalf("attempt scenario %q with %d turns, want %q with %d", att.ScenarioID, len(att.Turns), sc.ID, len(sc.Turns))
	}
	// Where the rep heard the cue and where the answer really began are both
	// in the recording (one sink is speaker and microphone): the latency the
	// app stored must match them within 50 ms, whatever paplay's start lag.
	for _, tr := range att.Turns {
		r := tr.Report
		if r.NoSpeech {
			t.Errorf("turn %d: no speech recorded", tr.Index+1)
			continue
		}
		rec, err := pcm.ReadFile(practice.RecordingFile(data, tr.RecordingPath))
		if err != nil {
			t.Fatalf("turn %d: recording: %v", tr.Index+1, err)
		}
		toneEnd, ok := findCueTone(rec)
		if !ok {
			t.Errorf("turn %d: the cue tone is not in the recording", tr.Index+1)
			continue
		}
		start := findAnswer(rec, answer, want.Onset)
		wantLat := start + want.Onset - toneEnd
		t.Logf("turn %d: cue stored %.3f s, tone heard until %.3f s; answer at %.3f s; latency %.3f s, want %.3f s",
			tr.Index+1, tr.Cue.Seconds(), toneEnd.Seconds(), start.Seconds(), r.Latency.Seconds(), wantLat.Seconds())
		if d := (tr.Cue - toneEnd).Abs(); d > 20*time.Millisecond {
			t.Errorf("turn %d: cue %v, the tone ended at %v in the recording (off by %v, want ≤ 20 ms)", tr.Index+1, tr.Cue, toneEnd, d)
		}
		if d := (r.Latency - wantLat).Abs(); d > 50*time.Millisecond {
			t.Errorf("turn %d: latency %v, want %v ± 50 ms", tr.Index+1, r.Latency, wantLat)
		}
		if d := math.Abs(r.MeanDBFS - want.MeanDBFS); d > 2 {
			t.Errorf("turn %d: mean %.1f dBFS, the fed answer has %.1f (off by %.1f dB, want ≤ 2)", tr.Index+1, r.MeanDBFS, want.MeanDBFS, d)
		}
		if d := (r.SpeakingTime() - want.SpeakingTime()).Abs(); d > 300*time.Millisecond {
			t.Errorf("turn %d: speaking time %v, the fed answer has %v", tr.Index+1, r.SpeakingTime(), want.SpeakingTime())
		}
		if _, err := os.Stat(practice.RecordingFile(data, tr.RecordingPath)); err != nil {
			t.Errorf("turn %d: recording: %v", tr.Index+1, err)
		}
		t.Logf("turn %d (%s): latency %.3f s, pauses %d, mean %.1f dBFS (%.1f/%.1f), speaking %.2f s",
			tr.Index+1, tr.Variant, r.Latency.Seconds(), len(r.Pauses), r.MeanDBFS, r.FirstHalfDBFS, r.SecondHalfDBFS, r.SpeakingTime().Seconds())
	}
	// The export carries what was fed: one row per turn with its latency.
	exp := run(t, env, build(t), "export", "--format", "csv", "--data", data)
	rows, err := csv.NewReader(strings.NewReader(exp)).ReadAll()
	if err != nil || len(rows) != 1+len(att.Turns) || !slices.Contains(rows[0], "latency_ms") || rows[1][0] != att.ID {
		t.Errorf("fallback export: %v; %d rows, want a header and %d turns of attempt %s:\n%s", err, len(rows), len(att.Turns), att.ID, exp)
	}
	if t.Failed() {
		t.Logf("app log:\n%s", strings.Join(logs.all, "\n"))
	}
}

// findCueTone is where the 880 Hz cue tone ends in a recording: the end of
// the last 5 ms frame (in the first 3 s) where that frequency holds most of
// the frame's energy, refined to the sample where its envelope falls
// below half.
func findCueTone(c pcm.Clip) (time.Duration, bool) {
	const hz = 880
	frame := c.Rate / 200
	last := -1
	for i := 0; i+frame <= len(c.Samples) && i < 3*c.Rate; i += frame {
		var re, im, e float64
		for k, v := range c.Samples[i : i+frame] {
			ph := 2 * math.Pi * hz * float64(i+k) / float64(c.Rate)
			re += float64(v) * math.Cos(ph)
			im += float64(v) * math.Sin(ph)
			e += float64(v) * float64(v)
		}
		if p := 2 * (re*re + im*im) / float64(frame); e > 1e-6*float64(frame) && p > 0.6*e {
			last = i + frame
		}
	}
	if last < 0 {
		return 0, false
	}
	return time.Duration(last) * time.Second / time.Duration(c.Rate), true
}

// findAnswer is where the fed answer starts in a recording: the lag of best
// normalised correlation of a second of the answer from its onset.
func findAnswer(rec, answer pcm.Clip, onset time.Duration) time.Duration {
	from := int(onset.Seconds() * float64(answer.Rate))
	seg := answer.Samples[from:min(len(answer.Samples), from+answer.Rate)]
	best, bestLag := math.Inf(-1), 0
	score := func(lag int) float64 {
		var xy, yy float64
		for k, x := range seg {
			y := float64(rec.Samples[lag+k])
			xy += float64(x) * y
			yy += y * y
		}
		if yy == 0 {
			return math.Inf(-1)
		}
		return xy / math.Sqrt(yy)
	}
	for lag := 0; lag+len(seg) <= len(rec.Samples); lag += 4 { // coarse, then refined
		if v := score(lag); v > best {
			best, bestLag = v, lag
		}
	}
	for lag := max(0, bestLag-4); lag <= bestLag+4 && lag+len(seg) <= len(rec.Samples); lag++ {
		if v := score(lag); v > best {
			best, bestLag = v, lag
		}
	}
	return time.Duration(bestLag-from) * time.Second / time.Duration(rec.Rate)
}

func TestScenariosCheck(t *testing.T) {
	bin := build(t)
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "bad.toml"), []byte("id = \"bad\"\ntitle = \"\"\ndifficulty = 9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		dir      string
		wantCode int
		want     []string
	}{
		{"the bundled library passes", filepath.Join("..", "..", "scenarios"), 0, []string{": ok"}},
		{"a broken file is named with line and field", broken, 1, []string{"bad.toml:2", "title", "bad.toml:3", "difficulty", "problem"}},
		{"a missing folder fails", filepath.Join(broken, "nope"), 1, []string{"nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, "scenarios", "check", tt.dir)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()} // no display needed
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
