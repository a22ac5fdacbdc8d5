package analysis

import (
	"math"
	"testing"

	"fallback/internal/pcm"
)

// speechLike is a minute of syllable trains with pauses and light noise at
// 48 kHz: the benchmark input of DESIGN's speed goal.
func speechLike(rate int, sec float64) pcm.Clip {
	g := &synth{rate: rate}
	for len(g.s) < int(sec*float64(rate)) {
		g.silence(0.4).voiced(2.5, 110, 11, -24).silence(0.15).voiced(1.5, 125, 6, -22)
	}
	g.s = g.s[:int(sec*float64(rate))]
	return addNoise(g.clip(), -64, 3)
}

// BenchmarkAnalyze60s48k: go test -run '^$' -bench Analyze -benchmem -cpu 1 ./internal/analysis
func BenchmarkAnalyze60s48k(b *testing.B) {
	c := speechLike(48000, 60)
	b.SetBytes(int64(len(c.Samples) * 4))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(c, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLivePush: one 10 ms chunk at 48 kHz.
func BenchmarkLivePush(b *testing.B) {
	l := NewLive(48000)
	chunk := make([]float32, 480)
	for i := range chunk {
		chunk[i] = float32(0.1 * math.Sin(float64(i)*0.05))
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Push(chunk)
	}
}
