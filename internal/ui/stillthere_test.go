package ui_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2"

	"fallback/internal/pcm"
	"fallback/internal/practice"
	"fallback/internal/scenario"
	"fallback/internal/ui"
)

// onsetMic answers each take after a scripted silence: onsets[i] of take i
// (the last repeats), then 1.2 s of voice, then silence until stopped. Like
// turnMic it waits after its first chunk until the screen says the rep may
// answer.
type onsetMic struct {
	cued   chan struct{}
	onsets []time.Duration
	calls  int
}

func (m *onsetMic) SampleRate() int { return 16000 }

func (m *onsetMic) Record(ctx context.Context, sink func([]float32) error) error {
	onset := m.onsets[min(m.calls, len(m.onsets)-1)].Seconds()
	m.calls++
	chunk := make([]float32, 320)
	for i := 0; ctx.Err() == nil; i++ {
		if i == 1 {
			select {
			case <-m.cued:
			case <-ctx.Done():
				return nil
			}
		}
		for j := range chunk {
			t := float64(i*len(chunk)+j) / 16000
			chunk[j] = 0
			if t > onset && t < onset+1.2 {
				chunk[j] = float32(0.1 * (math.Sin(2*math.Pi*140*t) + 0.5*math.Sin(2*math.Pi*280*t)) * (0.6 - 0.4*math.Cos(2*math.Pi*4*t)))
			}
		}
		if err := sink(chunk); err != nil {
			return err
		}
	}
	return nil
}

// TestLateAnswerGetsStillThere plays a role-play whose first answer comes
// after dead air: the report says why the customer will ask whether the
// rep is still there, O plays the calm line instead, and the next turn
// plays the still-there line.
func TestLateAnswerGetsStillThere(t *testing.T) {
	// Each line has a length of its own, so what was played tells which.
	lens := map[string]time.Duration{"l1.wav": 100 * time.Millisecond, "l2.wav": 200 * time.Millisecond,
		"soft.wav": 300 * time.Millisecond, "sharp.wav": 400 * time.Millisecond, "still.wav": 500 * time.Millisecond}
	fsys := fstest.MapFS{}
	for name, d := range lens {
		var b bytes.Buffer
		if err := pcm.WriteWAV(&b, pcm.Clip{Rate: 16000, Samples: make([]float32, int(d.Seconds()*16000))}); err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b.Bytes()}
	}
	sc := scenario.Scenario{ID: "late", Title: "Two days late", Brief: "The truck came Thursday.", Difficulty: 1,
		Persona: scenario.Persona{Name: "Frank Dolan"},
		Turns: []scenario.Turn{
			{ID: "t1", Line: scenario.Line{Text: "You're late!", Audio: "l1.wav"}, Step: scenario.StepFallBack, Checks: []string{"Owned it"}},
			{ID: "t2", Line: scenario.Line{Text: "Well?", Audio: "l2.wav"}, Step: scenario.StepExplain, Checks: []string{"Blamed no one"},
				Softened:   &scenario.Line{Text: "OK. What happened?", Audio: "soft.wav"},
				Escalated:  &scenario.Line{Text: "Well? I'm waiting!", Audio: "sharp.wav"},
				StillThere: &scenario.Line{Text: "Hello? Are you still there?", Audio: "still.wav"}},
		}}
	spk := toneSpeaker{played: make(chan pcm.Clip, 16)}
	cued := make(chan struct{}, 1)
	// 3.6 s of silence after the first chunk: the cue lands after one or
	// more chunks, so the reply comes a little over 3.5 s after it, well
	// past the 2.5 s dead-air band; the second answer is calm.
	mic := &onsetMic{cued: cued, onsets: []time.Duration{3600 * time.Millisecond, 600 * time.Millisecond}}
	steps := make(chan string, 64)
	deps := ui.Deps{Scenarios: []scenario.Scenario{sc}, Audio: fsys, Player: spk, Log: releaseOnAnswer(steps, cued)}
	deps.NewRun = func(sc scenario.Scenario) (*practice.Run, error) {
		return practice.New(practice.Config{Scenario: sc, Audio: fsys, Recorder: mic, Player: spk,
			Store: &memStore{}, DataDir: t.TempDir(), SilenceStop: 500 * time.Millisecond})
	}
	shown := make(chan string, 16)
	deps.Shown = func(s string) { shown <- s }
	_, w := newUI(t, deps)
	waitShown(t, shown, "Scenarios")
	key(w.Canvas(), fyne.KeyReturn)
	waitShown(t, shown, "Two days late")

	waitStep := func(prefix string) {
		t.Helper()
		for {
			select {
			case s := <-steps:
				if strings.HasPrefix(s, prefix) {
					return
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("no step %q", prefix)
			}
		}
	}
	// waitPlayed waits until the line of that file is played (cue tones
	// and other lines pass by).
	waitPlayed := func(name string) {
		t.Helper()
		want := int(lens[name].Seconds() * 16000)
		for {
			select {
			case c := <-spk.played:
				if len(c.Samples) == want {
					return
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%s was never played", name)
			}
		}
	}

	key(w.Canvas(), fyne.KeySpace)
	waitPlayed("l1.wav")
	waitStep("ui: report of turn 1")
	got := texts(t, w.Canvas())
	if !strings.Contains(got, "before answering, Frank asked whether you were still there.") {
		t.Errorf("the report of a late answer should say why Frank asks whether the rep is there:\n%s", got)
	}
	if !strings.Contains(got, "[If calm… (O)]") {
		t.Errorf("the report should offer the calm line to hear:\n%s", got)
	}
	key(w.Canvas(), fyne.KeyO)
	waitPlayed("soft.wav")

	key(w.Canvas(), fyne.KeyN)
	waitPlayed("still.wav")
	waitStep("ui: report of turn 2")
	if got := texts(t, w.Canvas()); !strings.Contains(got, "Hello? Are you still there?") {
		t.Errorf("turn 2 should show the still-there line:\n%s", got)
	}
	key(w.Canvas(), fyne.KeyN)
	waitShown(t, shown, "Results")
}
