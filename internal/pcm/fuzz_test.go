package pcm

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzReadWAV checks that no input panics, exhausts memory or returns an
// error outside the documented ones, and that a successful read gives at
// most one sample per byte of input. Seeds live in testdata/fuzz/FuzzReadWAV
// (hand-made headers of every supported format and typical corruptions);
// run with: go test -run '^$' -fuzz FuzzReadWAV ./internal/pcm
func FuzzReadWAV(f *testing.F) {
	f.Add(makeWAV(tagPCM, 1, 16000, 16, make([]byte, 8)))
	f.Add(makeWAV(tagPCM, 2, 44100, 24, make([]byte, 12)))
	f.Add(makeWAV(tagFloat, 1, 48000, 32, make([]byte, 8), []byte("LIST\x01\x00\x00\x00a\x00")))
	f.Add(makeWAV(tagMuLaw, 1, 8000, 8, []byte{1, 2, 3}))
	f.Add(makeWAV(tagALaw, 2, 8000, 8, []byte{1, 2, 3, 4}))
	streamed := makeWAV(tagPCM, 1, 16000, 16, make([]byte, 8))
	copy(streamed[4:], "\xff\xff\xff\xff")
	copy(streamed[40:], "\xff\xff\xff\xff")
	f.Add(streamed)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ReadWAV(bytes.NewReader(b))
		c2, info2, err2 := ReadWAVInfo(struct{ *bytes.Reader }{bytes.NewReader(b)})
		if (err == nil) != (err2 == nil) {
			t.Fatalf("known length: %v, stream: %v", err, err2)
		}
		if err == nil && len(info2.Warnings) > 2 {
			t.Fatalf("%d warnings", len(info2.Warnings))
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error wraps no sentinel: %v", err)
			}
			return
		}
		if len(c.Samples) > len(b) || len(c.Samples) != len(c2.Samples) {
			t.Fatalf("%d samples from %d bytes", len(c.Samples), len(b))
		}
		if c.Rate < minRate || c.Rate > maxRate {
			t.Fatalf("rate %d", c.Rate)
		}
	})
}
