package audio_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fallback/internal/audio"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
)

// TestCueWhereHeard runs a real role-play turn on PulseAudio with a clock:
// the app's speaker and microphone are the SAME null sink (output to it,
// input from its monitor), so the recording holds the cue tone itself, as
// open speakers would. The cue the practice run reports must be where the
// tone ends in the recording, within 20 ms, on each of several turns.
//
// It starts its own pulseaudio daemon on a socket in t.TempDir() (the
// end-to-end suite runs another) and stops it by its PID. The null sink
// runs with norewinds=1: with rewinds, PulseAudio rewrites audio it had
// already rendered when a stream starts, and the monitor, which had
// passed on the first rendering, lost 30–60 ms of every tone (it arrived
// 93 ms long of 150); a real sound card's microphone hears what was
// played, as norewinds' monitor does.
func TestCueWhereHeard(t *testing.T) {
	bin, err := exec.LookPath("pulseaudio")
	if err != nil {
		t.Skip("the pulseaudio binary is not installed (Debian: pulseaudio pulseaudio-utils libasound2-plugins)")
	}
	dir := t.TempDir()
	startPulse(t, bin, dir)
	sys, err := audio.Init()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := sys.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	in := sys.Input("default", 16000)   // ALSA default = pulse default source: loop.monitor
	in.Latency = 200 * time.Millisecond // the app's latencies (cmd/fallback/devices.go)
	out := sys.Output("default")        // pulse default sink: loop
	out.Latency = 100 * time.Millisecond

	var line bytes.Buffer
	if err := pcm.WriteWAV(&line, pcm.Clip{Rate: 16000, Samples: make([]float32, 1600)}); err != nil {
		t.Fatal(err)
	}
	sc := scenario.Scenario{ID: "cue", Title: "Cue", Turns: []scenario.Turn{
		{ID: "t", Line: scenario.Line{Text: "…", Audio: "l.wav"}, Step: scenario.StepFallBack},
	}}
	const turns = 5
	var worst, worstStream time.Duration
	// The run logs the stream-timing cue when the tone found in the
	// recording replaces it; that is the cue a headset gets.
	streamRE := regexp.MustCompile(`cue tone heard in the recording, ending at [0-9.]+s \(stream timing said ([0-9.]+)s\)`)
	for i := range turns {
		var logs []string
		run, err := practice.New(practice.Config{
			Scenario: sc, Audio: fstest.MapFS{"l.wav": {Data: line.Bytes()}},
			Recorder: mic{in}, Player: spk{out}, Store: nopStore{}, DataDir: dir,
			MaxAnswer: 1500 * time.Millisecond, SilenceStop: -1,
			Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) },
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), safety)
		res, err := run.Turn(ctx, nil)
		cancel()
		if err != nil {
			t.Fatalf("turn %d: %v", i+1, err)
		}
		clip, err := pcm.ReadFile(res.RecordingPath)
		if err != nil {
			t.Fatal(err)
		}
		var amp float32
		for _, v := range practice.CueTone().Samples {
			amp = max(amp, v)
		}
		start, end, ok := toneSpan(clip, amp)
		if !ok {
			t.Fatalf("turn %d: the cue tone is not in the %v recorded", i+1, clip.Duration())
		}
		if d := end - start; d < 140*time.Millisecond || d > 160*time.Millisecond {
			t.Fatalf("turn %d: tone found from %v to %v, want it whole (150 ms)", i+1, start, end)
		}
		var stream time.Duration
		for _, l := range logs {
			if m := streamRE.FindStringSubmatch(l); m != nil {
				sec, _ := strconv.ParseFloat(m[1], 64)
				stream = time.Duration(sec * float64(time.Second))
			}
		}
		if stream == 0 {
			t.Fatalf("turn %d: the run did not find the tone it recorded; log:\n%s", i+1, strings.Join(logs, "\n"))
		}
		diff, sdiff := res.Cue-end, stream-end
		worst, worstStream = max(worst, diff.Abs()), max(worstStream, sdiff.Abs())
		t.Logf("turn %d: tone in the recording %.1f–%.1f ms; cue %.1f ms (error %+.1f ms), from stream timing alone %.1f ms (error %+.1f ms); dropped %v",
			i+1, ms(start), ms(end), ms(res.Cue), ms(diff), ms(stream), ms(sdiff), res.Dropped)
		if diff.Abs() > 20*time.Millisecond {
			t.Errorf("turn %d: cue %v, tone heard to end at %v: off by %v, want ≤ 20 ms", i+1, res.Cue, end, diff)
		}
		if sdiff.Abs() > 20*time.Millisecond {
			t.Errorf("turn %d: stream-timing cue %v, tone heard to end at %v: off by %v, want ≤ 20 ms (a headset's cue)", i+1, stream, end, sdiff)
		}
	}
	t.Logf("worst cue error over %d turns: %.1f ms; from stream timing alone: %.1f ms", turns, ms(worst), ms(worstStream))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// toneSpan finds the cue tone in rec by its envelope: it starts and ends
// with 10 ms raised-cosine ramps, which pass half the tone's amplitude
// 5 ms from each end, so the tone runs from the first sample at or above
// half its amplitude minus 5 ms to the last one plus 5 ms. The recording
// holds nothing else (a null sink's monitor is digital silence), so the
// envelope cannot be fooled; amp is the tone's peak as played.
func toneSpan(rec pcm.Clip, amp float32) (start, end time.Duration, ok bool) {
	first, last := -1, -1
	for i, v := range rec.Samples {
		if v >= amp/2 || -v >= amp/2 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	const half = 5 * time.Millisecond
	return rec.Time(first) - half, rec.Time(last+1) + half, true
}

// startPulse runs pulseaudio with one null sink that is both the default
// sink and (through its monitor) the default source, and points this
// process's PulseAudio clients (ALSA's pulse plugin) at it.
func startPulse(t *testing.T, bin, dir string) {
	t.Helper()
	sock := filepath.Join(dir, "native")
	pa := fmt.Sprintf(`load-module module-native-protocol-unix socket=%s auth-anonymous=1
load-module module-null-sink sink_name=loop rate=16000 channels=1 norewinds=1
set-default-sink loop
set-default-source loop.monitor
`, sock)
	if err := os.WriteFile(filepath.Join(dir, "pulse.pa"), []byte(pa), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", dir)
	t.Setenv("XDG_RUNTIME_DIR", dir)
	t.Setenv("PULSE_SERVER", "unix:"+sock)
	t.Setenv("PULSE_RUNTIME_PATH", filepath.Join(dir, "pulse"))
	// No .asoundrc: ALSA's default devices go to pulse (libasound2-plugins).
	cmd := exec.Command(bin, "-n", "-F", filepath.Join(dir, "pulse.pa"), "--daemonize=no",
		"--exit-idle-time=-1", "--disallow-exit", "--log-target=stderr", "-v")
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_RUNTIME_DIR="+dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pulseaudio: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill() // by its PID: only the daemon this test started
		cmd.Wait()
	})
	// Ready when it says so; the log line is how we synchronise.
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var log []string
		for sc.Scan() {
			log = append(log, sc.Text())
			if strings.Contains(sc.Text(), "Daemon startup complete") {
				ready <- nil
				for sc.Scan() { // keep the pipe drained
				}
				return
			}
		}
		ready <- errors.New("pulseaudio exited before startup completed:\n" + strings.Join(log, "\n"))
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(safety):
		t.Fatal("pulseaudio did not start within the safety bound")
	}
}

type mic struct{ in *audio.Input }

func (m mic) SampleRate() int   { return m.in.SampleRate() }
func (m mic) Overflows() uint64 { return m.in.Overflows() }
func (m mic) Record(ctx context.Context, sink func([]float32) error) error {
	return m.in.Record(ctx, sink)
}

type spk struct{ out *audio.Output }

func (s spk) Play(ctx context.Context, c pcm.Clip) error { return s.out.Play(ctx, c) }
func (s spk) PlayedAt() time.Time                        { return s.out.PlayedAt() }

type nopStore struct{}

func (nopStore) BeginAttempt(context.Context, *store.Attempt) error                  { return nil }
func (nopStore) SaveTurn(context.Context, string, *store.Turn) error                 { return nil }
func (nopStore) FinishAttempt(context.Context, string, time.Time) error              { return nil }
func (nopStore) SetSelfChecks(context.Context, string, int, []store.SelfCheck) error { return nil }
