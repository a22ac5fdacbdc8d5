package coach_test

import (
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/coach"
)

// phase is a stretch of live statistics held constant.
type phase struct {
	dur      time.Duration
	speaking bool
	rolling  float64 // RollingDBFS
	pace     float64 // PaceSPS
}

type nudge struct {
	text string
	at   time.Duration
}

// chunk is the recorder's chunk length: 20 ms, a common PortAudio buffer.
const chunk = 20 * time.Millisecond

// feed pushes the phases chunk by chunk and returns every nudge given.
func feed(n *coach.Nudger, phases []phase) []nudge { return feedFrom(n, 0, phases) }

// feedFrom is feed on a clock that starts at start.
func feedFrom(n *coach.Nudger, start time.Duration, phases []phase) []nudge {
	var out []nudge
	el := start
	for _, p := range phases {
		for end := el + p.dur; el < end; {
			el += chunk
			st := analysis.LiveStats{LevelDBFS: p.rolling, RollingDBFS: p.rolling, PaceSPS: p.pace, Speaking: p.speaking, NoiseDBFS: -70, Elapsed: el}
			if !p.speaking {
				st.LevelDBFS = -70
			}
			if text, ok := n.Push(st); ok {
				out = append(out, nudge{text, el})
			}
		}
	}
	return out
}

// sparse is 6 s of half-second words and half-second gaps after a 0.5 s
// lead: the live window never holds more than 1.5 s of speech. The first
// three words (to 3 s, past the quiet start) have level db1 and pace p1,
// the rest db2 and p2.
func sparse(db1, p1, db2, p2 float64) []phase {
	ps := []phase{{dur: sec(0.5), rolling: analysis.MinDBFS}}
	for i := 0; i < 6; i++ {
		db, p := db1, p1
		if i >= 3 {
			db, p = db2, p2
		}
		ps = append(ps, phase{sec(0.5), true, db, p}, phase{sec(0.5), false, db, p})
	}
	return ps
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func TestNudger(t *testing.T) {
	b := coach.DefaultBands()
	base := coach.Baseline{ArticulationRate: 4.4, SpeechRate: 3.5, LivePaceSPS: 4, MeanDBFS: -24, F0MedianHz: 120}
	lead := phase{dur: sec(0.5), rolling: analysis.MinDBFS} // silence before the answer
	tests := []struct {
		name   string
		base   coach.Baseline
		phases []phase
		want   []nudge
	}{
		{"calm answer: nothing", base, []phase{lead, {sec(8), true, -24, 4.2}}, nil},
		{"pace 20 % over calm, sustained: slow down after the quiet start and 1 s", base,
			[]phase{lead, {sec(8), true, -24, 4.8}}, []nudge{{coach.NudgeSlowDown, sec(3.5)}}},
		{"pace 14 % over calm: inside the live margin, nothing", base, []phase{lead, {sec(8), true, -24, 4.56}}, nil},
		{"pace exactly 15 % over calm nudges", base, []phase{lead, {sec(8), true, -24, 4.6}}, []nudge{{coach.NudgeSlowDown, sec(3.5)}}},
		{"fast only in the first 2 s: nothing", base, []phase{lead, {sec(2), true, -24, 6}, {sec(6), true, -24, 4}}, nil},
		{"fast for 0.8 s at a time: not sustained, nothing", base, []phase{lead, {sec(3), true, -24, 4},
			{sec(0.8), true, -24, 6}, {sec(0.4), true, -24, 4}, {sec(0.8), true, -24, 6}, {sec(2), true, -24, 4}}, nil},
		{"a short pause does not count toward the sustain", base, []phase{lead, {sec(3), true, -24, 4},
			{sec(0.6), true, -24, 6}, {sec(0.5), false, -24, 6}, {sec(0.6), true, -24, 6}}, []nudge{{coach.NudgeSlowDown, sec(5)}}},
		{"after a long pause the pace waits for 2 s of speech in the window", base, []phase{lead, {sec(3.5), true, -24, 4},
			{sec(2), false, -24, 6}, {sec(3), true, -24, 6}}, []nudge{{coach.NudgeSlowDown, sec(8.98)}}},
		{"sparse speech never fills the window: no pace nudge", base, sparse(-24, 8, -24, 8), nil},
		{"sparse speech never fills the window: no level reference, no louder nudge", base, sparse(-30, 4, -20, 4), nil},
		{"fast while not speaking: nothing", base, []phase{lead, {sec(8), false, -24, 6}}, nil},
		{"getting 3 dB louder than the start: louder", base, []phase{lead, {sec(3), true, -24, 4}, {sec(4), true, -21, 4}},
			[]nudge{{coach.NudgeLouder, sec(4.5)}}},
		{"2.5 dB louder: nothing", base, []phase{lead, {sec(3), true, -24, 4}, {sec(4), true, -21.5, 4}}, nil},
		{"quiet start rising to the calm level: nothing", base, []phase{lead, {sec(3), true, -30, 4}, {sec(4), true, -25, 4}}, nil},
		{"quiet start rising 3 dB over the calm level: louder", base, []phase{lead, {sec(3), true, -30, 4}, {sec(4), true, -21, 4}},
			[]nudge{{coach.NudgeLouder, sec(4.5)}}},
		{"both at once: one nudge, the level one", base, []phase{lead, {sec(3), true, -24, 4}, {sec(4), true, -20, 6}},
			[]nudge{{coach.NudgeLouder, sec(4.5)}}},
		{"one nudge per answer: pace then louder", base, []phase{lead, {sec(5), true, -24, 6}, {sec(5), true, -18, 6}},
			[]nudge{{coach.NudgeSlowDown, sec(3.5)}}},
		{"uncalibrated: no pace nudge", coach.Baseline{}, []phase{lead, {sec(8), true, -24, 9}}, nil},
		{"calibrated without a calm live pace: no pace nudge", coach.Baseline{ArticulationRate: 4, MeanDBFS: -24}, []phase{lead, {sec(8), true, -24, 9}}, nil},
		{"uncalibrated: louder against the start", coach.Baseline{}, []phase{lead, {sec(3), true, -30, 4}, {sec(4), true, -27, 4}},
			[]nudge{{coach.NudgeLouder, sec(4.5)}}},
		{"speech starting late: quiet counts from the onset", base, []phase{{sec(3), false, analysis.MinDBFS, 0}, {sec(8), true, -24, 5}},
			[]nudge{{coach.NudgeSlowDown, sec(6)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feed(coach.NewNudger(b, tt.base), tt.phases)
			if len(got) != len(tt.want) {
				t.Fatalf("nudges = %v, want %v", got, tt.want)
			}
			for i := range got {
				// Timing: within one chunk of the expected moment.
				if got[i].text != tt.want[i].text || got[i].at < tt.want[i].at-chunk || got[i].at > tt.want[i].at+chunk {
					t.Errorf("nudge %d = %q at %v, want %q at %v", i, got[i].text, got[i].at, tt.want[i].text, tt.want[i].at)
				}
			}
		})
	}
}

func TestNudgerNeverInTheQuietStart(t *testing.T) {
	b := coach.DefaultBands()
	n := coach.NewNudger(b, coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4, MeanDBFS: -24})
	// Very fast and very loud from the first syllable.
	got := feed(n, []phase{{sec(0.3), false, analysis.MinDBFS, 0}, {sec(6), true, -6, 10}})
	if len(got) != 1 {
		t.Fatalf("nudges = %v, want one", got)
	}
	onset := sec(0.32)
	if got[0].at-onset < b.NudgeQuiet {
		t.Errorf("nudge %q at %v, %v after the onset, want none before %v", got[0].text, got[0].at, got[0].at-onset, b.NudgeQuiet)
	}
}

func TestNudgerReset(t *testing.T) {
	n := coach.NewNudger(coach.DefaultBands(), coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4, MeanDBFS: -24})
	fast := []phase{{sec(0.5), false, analysis.MinDBFS, 0}, {sec(5), true, -24, 6}}
	first := feed(n, fast)
	n.Reset()
	// The same clock runs on (one analyser for both answers): only Reset
	// makes this a new answer with a nudge of its own.
	second := feedFrom(n, sec(5.5), fast)
	if len(first) != 1 || len(second) != 1 || second[0].text != first[0].text || second[0].at != first[0].at+sec(5.5) {
		t.Errorf("first answer %v, after Reset %v: want the same single nudge 5.5 s later", first, second)
	}
}

func TestNudgerPushAllocs(t *testing.T) {
	n := coach.NewNudger(coach.DefaultBands(), coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4, MeanDBFS: -24})
	var el time.Duration
	allocs := testing.AllocsPerRun(1000, func() {
		el += chunk
		n.Push(analysis.LiveStats{RollingDBFS: -20, PaceSPS: 6, Speaking: true, Elapsed: el})
	})
	if allocs != 0 {
		t.Errorf("Push allocates %.1f times per call, want 0", allocs)
	}
}

func TestNudgerEdgeCases(t *testing.T) {
	old := coach.DefaultBands()
	old.NudgePacePct, old.NudgeLouderDB, old.NudgeSustain, old.NudgeQuiet = 0, 0, 0, 0
	lead := phase{dur: sec(0.5), rolling: analysis.MinDBFS}
	tests := []struct {
		name   string
		b      coach.Bands
		base   coach.Baseline
		phases []phase
		want   []nudge
	}{
		{"bands without nudge fields take the defaults: 14 % over is quiet", old, coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4},
			[]phase{lead, {sec(8), true, -24, 4.56}}, nil},
		{"bands without nudge fields take the defaults: 20 % over after 3 s", old, coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4},
			[]phase{lead, {sec(8), true, -24, 4.8}}, []nudge{{coach.NudgeSlowDown, sec(3.5)}}},
		{"old baseline with speech rate only: no pace nudge (the live pace has its own scale)", coach.DefaultBands(), coach.Baseline{SpeechRate: 4},
			[]phase{lead, {sec(8), true, -24, 8}}, nil},
		{"no rolling level yet at the end of the quiet start: reference taken when there is one", coach.DefaultBands(), coach.Baseline{},
			[]phase{lead, {sec(2.5), true, analysis.MinDBFS, 4}, {sec(0.5), true, -30, 4}, {sec(4), true, -26, 4}},
			[]nudge{{coach.NudgeLouder, sec(4.5)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feed(coach.NewNudger(tt.b, tt.base), tt.phases)
			if len(got) != len(tt.want) {
				t.Fatalf("nudges = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].text != tt.want[i].text || got[i].at < tt.want[i].at-chunk || got[i].at > tt.want[i].at+chunk {
					t.Errorf("nudge %d = %q at %v, want %q at %v", i, got[i].text, got[i].at, tt.want[i].text, tt.want[i].at)
				}
			}
		})
	}
}

// TestNudgerElapsedGoingBack: a stream whose clock restarts (a new answer
// pushed without Reset) is judged as a new answer, from its own onset.
func TestNudgerElapsedGoingBack(t *testing.T) {
	n := coach.NewNudger(coach.DefaultBands(), coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4})
	fast := []phase{{sec(0.5), false, analysis.MinDBFS, 0}, {sec(5), true, -24, 6}}
	first := feed(n, fast)
	second := feed(n, fast) // feed's clock starts again from 0
	want := nudge{coach.NudgeSlowDown, sec(3.52)}
	if len(first) != 1 || len(second) != 1 || first[0] != want || second[0] != want {
		t.Errorf("first answer %v, second answer on a new clock %v: want each %v", first, second, want)
	}
}

func BenchmarkNudgerPush(b *testing.B) {
	n := coach.NewNudger(coach.DefaultBands(), coach.Baseline{ArticulationRate: 4, LivePaceSPS: 4, MeanDBFS: -24})
	var el time.Duration
	b.ReportAllocs()
	for b.Loop() {
		el += chunk
		n.Push(analysis.LiveStats{RollingDBFS: -24, PaceSPS: 4.2, Speaking: true, Elapsed: el})
	}
}
