//go:build linux || darwin

package practice_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/store"
)

// A rep killed mid-answer (kill -9, a crash, a power cut on a journaling
// file system) loses at most the last second of the answer: a child process
// plays a real run against a real SQLite file, the test kills it at a
// random moment of turn 2's answer, and the next start (Recover) must put
// turn 2 into the attempt with at least what was recorded minus 1 s.

const (
	childEnv = "FALLBACK_PRACTICE_CRASH_CHILD" // the child's data folder
	// killRunsEnv asks for more runs than the 50 of a normal test run.
	killRunsEnv = "FALLBACK_PRACTICE_KILL_RUNS"
	// childSpeed is how much faster than real time the child's microphone
	// delivers: fast enough for 50 runs in a normal test run, slow enough
	// that the capture's writer keeps pace as with a real device.
	childSpeed = 8
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(crashChild(dir))
	}
	os.Exit(m.Run())
}

// clockMic delivers 20 ms chunks at childSpeed × real time: silence, then
// voice for speak, then silence; with speak < 0 it speaks until stopped.
// After each chunk it prints how many samples it has delivered.
type clockMic struct {
	out   *bufio.Writer
	turn  int
	speak []time.Duration
}

func (m *clockMic) SampleRate() int { return rate }

func (m *clockMic) Record(ctx context.Context, sink func([]float32) error) error {
	m.turn++
	speak := m.speak[min(m.turn, len(m.speak))-1]
	voice := buzz(time.Minute)
	chunk := make([]float32, rate/50)
	tick := time.NewTicker(20 * time.Millisecond / childSpeed)
	defer tick.Stop()
	for n := 0; ctx.Err() == nil; n += len(chunk) {
		for i := range chunk {
			t := time.Duration(n+i) * time.Second / rate
			chunk[i] = 0
			if t >= 300*time.Millisecond && (speak < 0 || t < 300*time.Millisecond+speak) {
				chunk[i] = voice[(n+i)%len(voice)]
			}
		}
		if err := sink(chunk); err != nil {
			return err
		}
		fmt.Fprintf(m.out, "turn=%d delivered=%d\n", m.turn, n+len(chunk))
		m.out.Flush()
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	return nil
}

// crashChild runs turn 1 to its end and turn 2 until it is killed.
func crashChild(dir string) int {
	out := bufio.NewWriter(os.Stdout)
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 1 }
	db, err := store.Open(filepath.Join(dir, "fallback.db"))
	if err != nil {
		return fail(err)
	}
	fsys := fstest.MapFS{}
	for _, name := range []string{"l1.wav", "l2.wav", "l2s.wav", "l2e.wav"} {
		var line bytes.Buffer
		if err := pcm.WriteWAV(&line, pcm.Clip{Rate: rate, Samples: buzz(100 * time.Millisecond)}); err != nil {
			return fail(err)
		}
		fsys[name] = &fstest.MapFile{Data: line.Bytes()}
	}
	sc, _ := testScenarioWith(fsys)
	run, err := practice.New(practice.Config{
		Scenario: sc, Audio: fsys, Recorder: &clockMic{out: out, speak: []time.Duration{time.Second, -1}},
		Player: &fakeSpeaker{}, Store: db, DataDir: dir, SilenceStop: 500 * time.Millisecond,
	})
	if err != nil {
		return fail(err)
	}
	for {
		if _, err := run.Turn(context.Background(), nil); err != nil {
			return fail(err)
		}
	}
}

func TestKillMidRecordingKeepsTheAnswer(t *testing.T) {
	runs := 50
	if n, err := strconv.Atoi(os.Getenv(killRunsEnv)); err == nil && n > 0 {
		runs = n
	}
	var mu sync.Mutex // guards worst
	worst := time.Duration(1 << 62)
	// The runs are independent processes on folders of their own: run a
	// few at once (each child mostly waits on its microphone's clock).
	t.Run("runs", func(t *testing.T) {
		for i := range runs {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				margin := killOnce(t, i)
				mu.Lock()
				worst = min(worst, margin)
				mu.Unlock()
			})
		}
	})
	t.Logf("%d kills mid-answer: every turn 2 rescued and attached; worst rescued − recorded = %v", runs, worst)
}

// killOnce is one run: kill the child in turn 2, recover, check; it
// returns rescued − recorded.
func killOnce(t *testing.T, i int) time.Duration {
	dir := t.TempDir()
	delivered, killedAfter := killChildInTurn2(t, dir, i)
	db, err := store.Open(filepath.Join(dir, "fallback.db"))
	if err != nil {
		t.Fatalf("run %d: reopen after the kill: %v", i, err)
	}
	defer db.Close()
	rec, errs := practice.Recover(context.Background(), dir, db)
	if len(errs) > 0 || len(rec) != 1 || !rec[0].Attached || rec[0].Index != 1 {
		t.Fatalf("run %d (killed %v into turn 2): Recover = %+v, %v; want turn 2 attached", i, killedAfter, rec, errs)
	}
	att, err := db.Attempt(context.Background(), rec[0].AttemptID)
	if err != nil || len(att.Turns) != 2 || !att.Turns[1].Recovered {
		t.Fatalf("run %d: attempt after recovery %+v, %v; want turns 1 and 2 (recovered)", i, att, err)
	}
	clip, err := pcm.ReadFile(practice.RecordingFile(dir, att.Turns[1].RecordingPath))
	if err != nil {
		t.Fatalf("run %d: rescued recording: %v", i, err)
	}
	recorded := time.Duration(delivered) * time.Second / rate
	if lost := recorded - clip.Duration(); lost > time.Second {
		t.Errorf("run %d: rescued %v of %v recorded: lost %v, want at most 1 s", i, clip.Duration(), recorded, lost)
	}
	return clip.Duration() - recorded
}

// killChildInTurn2 starts the child, kills it (SIGKILL) at a random moment
// of turn 2's answer and returns how many samples of turn 2 the microphone
// had delivered and how long into turn 2 the kill came.
func killChildInTurn2(t *testing.T, dir string, i int) (int, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), childEnv+"="+dir, "GORACE="+gorace)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// 0.1–3 s of audio into the answer (at childSpeed × real time).
	after := time.Duration(100+rand.IntN(2900)) * time.Millisecond / childSpeed
	var start time.Time
	var timer <-chan time.Time
	delivered := 0
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("run %d: the child ended before the kill: %s", i, stderr.String())
			}
			var turn, n int
			if _, err := fmt.Sscanf(l, "turn=%d delivered=%d", &turn, &n); err != nil || turn != 2 {
				continue
			}
			delivered = n
			if timer == nil {
				start, timer = time.Now(), time.After(after)
			}
		case <-timer:
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed := time.Since(start)
			for l := range lines { // what it printed before it died
				var turn, n int
				if _, err := fmt.Sscanf(l, "turn=%d delivered=%d", &turn, &n); err == nil && turn == 2 {
					delivered = n
				}
			}
			cmd.Wait()
			return delivered, killed
		case <-deadline:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("run %d: turn 2 never started: %s", i, stderr.String())
		}
	}
}
