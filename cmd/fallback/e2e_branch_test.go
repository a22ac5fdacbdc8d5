//go:build e2e

package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fallback/assets"
	"fallback/internal/coach"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/store"
	"fallback/scenarios"
)

// TestCalmAndHairTriggerAnswers answers the same customer line twice, as a
// rep practising would: first at once (a hair-trigger reply), then, after R,
// again with a deliberate pause. The report explains each reaction, the
// retry replaces the turn's figures and keeps both recordings, and the
// customer's next line differs: softened after the calm answer, escalated
// in a second attempt answered at once.
func TestCalmAndHairTriggerAnswers(t *testing.T) {
	d := newDesktop(t)
	answerPath, _ := filepath.Abs(filepath.Join("testdata", "answer.wav"))
	scs, errs := scenario.Load(scenarios.FS, assets.FS)
	if len(errs) > 0 || len(scs) == 0 {
		t.Fatalf("bundled scenarios: %v", errs)
	}
	sc := scs[0]
	if len(sc.Turns) < 2 || sc.Turns[1].Softened == nil || sc.Turns[1].Escalated == nil {
		t.Fatalf("the first scenario's turn 2 must branch (softened and escalated lines) for this test")
	}
	// answer speaks the fed answer after delay from the cue of turn i and
	// then ends it with Space, as the rep would.
	answer := func(logs *logWatcher, win string, i int, delay time.Duration) {
		t.Helper()
		logs.waitFor(t, regexp.MustCompile(fmt.Sprintf(`turn=%d cue at`, i)), 90*time.Second)
		time.Sleep(delay)
		play := exec.Command("paplay", "--device=rep", answerPath)
		play.Env = append(os.Environ(), d.env...)
		if out, err := play.CombinedOutput(); err != nil {
			t.Fatalf("paplay: %v\n%s", err, out)
		}
		time.Sleep(600 * time.Millisecond)
		d.key(t, win, "space")
		logs.waitFor(t, regexp.MustCompile(fmt.Sprintf(`turn=%d measured`, i)), 30*time.Second)
	}
	lineOf2 := regexp.MustCompile(`turn=2 customer line (\S+)`)
	// turn2 goes on from turn 1's report, answers turn 2 calmly and leaves
	// the attempt; it returns the customer line turn 2 played.
	turn2 := func(logs *logWatcher, win string) string {
		t.Helper()
		d.key(t, win, "n")
		line := logs.waitFor(t, lineOf2, 30*time.Second)[1]
		answer(logs, win, 2, replyDelay)
		logs.waitFor(t, regexp.MustCompile(`ui: report of turn 2`), 10*time.Second)
		d.key(t, win, "Escape")
		logs.waitFor(t, regexp.MustCompile(`ui: left attempt`), 10*time.Second)
		logs.waitFor(t, regexp.MustCompile(`ui: screen Scenarios`), 10*time.Second)
		return line
	}
	explained := regexp.MustCompile(`ui: turn 1 explained: (.*)`)
	savedTo := regexp.MustCompile(`turn=1 saved to attempt (\S+)`)

	logs, win := d.launch(t)
	d.skipCalibration(t, logs, win)

	// Attempt A: turn 1 answered at once, then retried with a calm pause.
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`ui: screen `+regexp.QuoteMeta(sc.Title)), 10*time.Second)
	d.key(t, win, "space")
	answer(logs, win, 1, 0)
	idA := logs.waitFor(t, savedTo, 10*time.Second)[1]
	hot := logs.waitFor(t, explained, 10*time.Second)[1]
	time.Sleep(700 * time.Millisecond)
	screenshot(t, d.env, win, "12-report-hair-trigger.png")
	if !strings.Contains(hot, "you answered in") || !strings.HasSuffix(hot, string(scenario.VariantEscalated)+".") {
		t.Errorf("after an instant answer the report says %q; want the hair-trigger reason and that the customer escalated", hot)
	}
	d.key(t, win, "r")
	logs.waitFor(t, regexp.MustCompile(`ui: retry turn 1`), 10*time.Second)
	answer(logs, win, 1, replyDelay)
	calm := logs.waitFor(t, explained, 10*time.Second)[1]
	time.Sleep(700 * time.Millisecond)
	screenshot(t, d.env, win, "13-report-calm-retry.png")
	if !strings.HasSuffix(calm, string(scenario.VariantSoftened)+".") {
		t.Errorf("after a calm retry the report says %q; want that the customer softened", calm)
	}
	lineA := turn2(logs, win)

	// Attempt B: turn 1 answered at once and kept.
	d.key(t, win, "Return")
	logs.waitFor(t, regexp.MustCompile(`ui: screen `+regexp.QuoteMeta(sc.Title)), 10*time.Second)
	d.key(t, win, "space")
	answer(logs, win, 1, 0)
	idB := logs.waitFor(t, savedTo, 10*time.Second)[1]
	logs.waitFor(t, explained, 10*time.Second)
	lineB := turn2(logs, win)
	if lineA == lineB {
		t.Errorf("turn 2 played %s after the calm answer and after the hair-trigger one; want different lines", lineA)
	}

	db, err := store.Open(filepath.Join(d.data, "fallback.db"))
	if err != nil {
		t.Fatalf("open the app's database: %v", err)
	}
	defer db.Close()
	want := map[string]scenario.Variant{idA: scenario.VariantSoftened, idB: scenario.VariantEscalated}
	bands := coach.DefaultBands()
	for id, v := range want {
		att, err := db.Attempt(context.Background(), id)
		if err != nil || len(att.Turns) != 2 {
			t.Fatalf("attempt %s: %v, %d turns; want 2", id, err, len(att.Turns))
		}
		t1, t2 := att.Turns[0], att.Turns[1]
		if got := scenario.Variant(t2.Variant); got != v {
			t.Errorf("attempt %s: turn 2 played the %q line, want %q", id, got, v)
		}
		hair := t1.Report.Latency < bands.HairTrigger
		if hair != (v == scenario.VariantEscalated) {
			t.Errorf("attempt %s: turn 1 latency %v stored (hair-trigger below %v); the kept answer of this attempt is the %s one",
				id, t1.Report.Latency, bands.HairTrigger, map[bool]string{true: "instant", false: "calm"}[v == scenario.VariantEscalated])
		}
		t.Logf("attempt %s: turn 1 latency %.3f s, turn 2 line %q", id, t1.Report.Latency.Seconds(), t2.Variant)
		if id != idA {
			continue
		}
		// The retry replaced the figures (above) and kept both takes.
		rec := practice.RecordingFile(d.data, t1.RecordingPath)
		if !strings.Contains(filepath.Base(rec), "take-2") {
			t.Errorf("retried turn 1 is stored with recording %s; want the second take", rec)
		}
		takes, _ := filepath.Glob(filepath.Join(filepath.Dir(rec), "turn-1*.wav"))
		if len(takes) != 2 {
			t.Errorf("recordings of retried turn 1: %v; want both takes kept", takes)
		}
	}
	if t.Failed() {
		t.Logf("app log:\n%s", strings.Join(logs.all, "\n"))
	}
}
