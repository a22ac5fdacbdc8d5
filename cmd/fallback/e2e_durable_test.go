//go:build e2e

package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fallback/assets"
	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/scenarios"
)

// TestTurnsSurviveClicksLeavingAndKill is the role-play as a rep with a
// mouse uses it: a click on a check box and then Space and Esc; leaving in
// turn 2 of 3; the process killed mid-answer in turn 2 and started again.
// No key is lost and no finished turn is lost.
func TestTurnsSurviveClicksLeavingAndKill(t *testing.T) {
	d := newDesktop(t)
	d.env = append(d.env, "FALLBACK_UI_LAYOUT=1")
	answerPath, _ := filepath.Abs(filepath.Join("testdata", "answer.wav"))
	scs, errs := scenario.Load(scenarios.FS, assets.FS)
	if len(errs) > 0 || len(scs) == 0 {
		t.Fatalf("bundled scenarios: %v", errs)
	}
	sc := scs[0]
	if len(sc.Turns) < 3 {
		t.Fatalf("the first scenario has %d turns; this test needs 3", len(sc.Turns))
	}
	speak := func(ctx context.Context) *exec.Cmd {
		play := exec.CommandContext(ctx, "paplay", "--device=rep", answerPath)
		play.Env = append(os.Environ(), d.env...)
		if err := play.Start(); err != nil {
			t.Fatalf("paplay: %v", err)
		}
		return play
	}
	answerTurn := func(logs *logWatcher, win string, i int) {
		t.Helper()
		logs.waitFor(t, regexp.MustCompile(fmt.Sprintf(`turn=%d cue at`, i)), 90*time.Second)
		time.Sleep(replyDelay)
		if err := speak(context.Background()).Wait(); err != nil {
			t.Fatalf("paplay: %v", err)
		}
		time.Sleep(600 * time.Millisecond)
	}
	checkAt := func(logs *logWatcher, label string) (int, int) {
		t.Helper()
		m := logs.waitFor(t, regexp.MustCompile(`ui: check "`+regexp.QuoteMeta(label)+`" at (\d+),(\d+)`), 10*time.Second)
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		return x, y
	}
	click := func(win string, x, y int) {
		t.Helper()
		run(t, d.env, "xdotool", "mousemove", "--window", win, strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	}
	const stepLabel = "Show the method step (untick for a harder run)"
	const wordsLabel = "Show the customer's words"
	db := func() *store.DB {
		db, err := store.Open(filepath.Join(d.data, "fallback.db"))
		if err != nil {
			t.Fatalf("open the app's database: %v", err)
		}
		return db
	}

	// 1. Click a check box, then Space starts and Space ends the answer.
	logs, win, proc := d.launchProc(t)
	d.skipCalibration(t, logs, win)
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`ui: screen `+regexp.QuoteMeta(sc.Title)), 10*time.Second)
	sx, sy := checkAt(logs, stepLabel)
	wx, wy := checkAt(logs, wordsLabel)
	click(win, sx, sy) // the check box now has the focus
	d.key(t, win, "space")
	answerTurn(logs, win, 1)
	click(win, wx, wy) // a click mid-answer
	time.Sleep(300 * time.Millisecond)
	screenshot(t, d.env, win, "08-clicked-check-box.png")
	d.key(t, win, "space") // must end the answer, not toggle the box
	logs.waitFor(t, regexp.MustCompile(`turn=1 measured`), 30*time.Second)
	logs.waitFor(t, regexp.MustCompile(`turn=1 saved to attempt`), 10*time.Second)
	logs.waitFor(t, regexp.MustCompile(`ui: report of turn 1`), 10*time.Second)
	d.key(t, win, "n")

	// 2. Leave (Esc, after another click) during turn 2 of 3.
	logs.waitFor(t, regexp.MustCompile(`turn=2 cue at`), 90*time.Second)
	click(win, sx, sy)
	d.key(t, win, "Escape")
	logs.waitFor(t, regexp.MustCompile(`ui: left attempt`), 10*time.Second)
	logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
	h := db()
	list, err := h.ListAttempts(context.Background(), 10)
	h.Close()
	if err != nil || len(list) != 1 || list[0].TurnCount != 1 || list[0].PlannedTurns != len(sc.Turns) || !list[0].FinishedAt.IsZero() {
		t.Fatalf("after leaving in turn 2: %+v, %v; want one unfinished attempt with 1 of %d turns", list, err, len(sc.Turns))
	}
	left := list[0].ID

	// 3. A new attempt; kill -9 in the middle of the answer to turn 2.
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`ui: screen `+regexp.QuoteMeta(sc.Title)), 10*time.Second)
	d.key(t, win, "space")
	answerTurn(logs, win, 1)
	d.key(t, win, "space")
	logs.waitFor(t, regexp.MustCompile(`turn=1 saved to attempt`), 30*time.Second)
	logs.waitFor(t, regexp.MustCompile(`ui: report of turn 1`), 10*time.Second)
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`turn=2 cue at`), 90*time.Second)
	cueSeen := time.Now()
	time.Sleep(replyDelay)
	ctx, cancel := context.WithCancel(context.Background())
	play := speak(ctx)
	time.Sleep(2 * time.Second)
	if err := proc.Kill(); err != nil { // SIGKILL: no chance to clean up
		t.Fatal(err)
	}
	killed := time.Now()
	cancel()
	play.Wait()

	logs, win, _ = d.launchProc(t)
	var m []string // logged before "ready", which launchProc waited for
	for _, l := range logs.all {
		if mm := regexp.MustCompile(`recovered turn 2 of attempt (\S+) \(([0-9.]+) s\)`).FindStringSubmatch(l); mm != nil {
			m = mm
		}
	}
	if m == nil {
		t.Fatalf("the restarted app did not attach the interrupted turn 2; log:\n%s", strings.Join(logs.all, "\n"))
	}
	logs.waitFor(t, regexp.MustCompile(`ui: screen Calibration`), 10*time.Second) // still not calibrated
	time.Sleep(700 * time.Millisecond)
	screenshot(t, d.env, win, "09-rescued-after-kill.png")
	d.key(t, win, "Escape") // close the "Welcome back" notice
	d.key(t, win, "Escape") // skip calibration
	logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
	d.key(t, win, "h")
	logs.waitFor(t, regexp.MustCompile(`ui: screen History`), 10*time.Second)
	time.Sleep(900 * time.Millisecond)
	screenshot(t, d.env, win, "10-history-unfinished.png")

	h = db()
	defer h.Close()
	att, err := h.Attempt(context.Background(), m[1])
	if err != nil {
		t.Fatalf("the killed attempt %s: %v", m[1], err)
	}
	if att.ID == left || len(att.Turns) != 2 || !att.FinishedAt.IsZero() {
		t.Fatalf("killed attempt: %d turns, finished %v; want the unfinished second attempt with turns 1 and 2", len(att.Turns), att.FinishedAt)
	}
	tr := att.Turns[1]
	if !tr.Recovered || tr.Report.NoSpeech {
		t.Errorf("rescued turn 2: recovered %v, no speech %v; want a recovered answer with speech", tr.Recovered, tr.Report.NoSpeech)
	}
	clip, err := pcm.ReadFile(practice.RecordingFile(d.data, tr.RecordingPath))
	if err != nil {
		t.Fatalf("rescued recording: %v", err)
	}
	// The microphone opened before the cue, so at least cue→kill was recorded;
	// at most the last second may be lost.
	if min := killed.Sub(cueSeen) - time.Second; clip.Duration() < min {
		t.Errorf("rescued %v of audio, want at least %v (recorded − 1 s)", clip.Duration(), min)
	}
	if d := (tr.Report.Latency - replyDelay).Abs(); d > 600*time.Millisecond {
		t.Errorf("rescued turn latency %v, want about %v (measured from the saved cue)", tr.Report.Latency, replyDelay)
	}
	t.Logf("rescued turn 2: %.2f s of audio, latency %.3f s (killed %.2f s after the cue)", clip.Duration().Seconds(), tr.Report.Latency.Seconds(), killed.Sub(cueSeen).Seconds())
}
