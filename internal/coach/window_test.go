package coach

import (
	"testing"
	"time"
)

func TestSpeechWindow(t *testing.T) {
	ms := time.Millisecond
	type push struct {
		el       time.Duration
		speaking bool
	}
	// run pushes 20 ms chunks from..to (exclusive of from), speaking or not.
	run := func(from, to time.Duration, speaking bool) []push {
		var ps []push
		for el := from + 20*ms; el <= to; el += 20 * ms {
			ps = append(ps, push{el, speaking})
		}
		return ps
	}
	cat := func(pss ...[]push) []push {
		var out []push
		for _, ps := range pss {
			out = append(out, ps...)
		}
		return out
	}
	tests := []struct {
		name   string
		pushes []push
		want   time.Duration
	}{
		{"1 s of speech", run(0, time.Second, true), time.Second},
		{"10 s of speech holds one window", run(0, 10*time.Second, true), 3 * time.Second},
		{"speech then 2 s of silence keeps the last second", cat(run(0, 4*time.Second, true), run(4*time.Second, 6*time.Second, false)), time.Second},
		{"speech then 4 s of silence is empty", cat(run(0, 4*time.Second, true), run(4*time.Second, 8*time.Second, false)), 0},
		{"a jump of 5 s clears the window", cat(run(0, 3*time.Second, true), []push{{8 * time.Second, false}}), 0},
		{"one 5 s chunk of speech books one window", []push{{20 * ms, false}, {5020 * ms, true}}, 3 * time.Second},
		{"a 5 s chunk after speech still books one window", cat(run(0, 2*time.Second, true), []push{{7 * time.Second, true}}), 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w speechWindow
			var last time.Duration
			for _, p := range tt.pushes {
				w.add(p.el, p.el-last, p.speaking)
				last = p.el
			}
			// Bucketing is 100 ms: allow one bucket.
			if d := w.sum - tt.want; d < -winBucket || d > winBucket {
				t.Errorf("speech in the window = %v, want %v ± %v", w.sum, tt.want, winBucket)
			}
		})
	}
}
