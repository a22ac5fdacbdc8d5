package audio

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gordonklaus/portaudio"
)

// These tests open a real PortAudio stream on ALSA's null device and
// replace only its read (Input.read) to inject what a device does rarely:
// overflows, a read error, a read that never returns.

func faultSystem(t *testing.T) *System {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	rc := fmt.Sprintf(`pcm.vmic_raw { type file; slave.pcm "null"; file "/dev/null"; infile "%s/IN.raw"; format "raw" }
pcm.vmic { type plug; slave { pcm "vmic_raw"; format S16_LE; rate 16000; channels 1 } }
`, dir)
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "IN.raw"), make([]byte, 64000), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, err := Init()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := sys.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return sys
}

// counting fills the stream's buffer with the read's number, so the test
// can tell every chunk arrived in order.
func counting(st *stream, k int) {
	for i := range st.buf {
		st.buf[i] = float32(k)
	}
}

var errEnough = errors.New("enough")

// TestInjectedOverflows: 10,000 reads that report an input overflow among
// 12,000. Pass: recording continues (every chunk reaches the sink, in
// order) and Overflows counts them exactly.
func TestInjectedOverflows(t *testing.T) {
	sys := faultSystem(t)
	const reads, overflows = 12000, 10000
	in := sys.Input("vmic", 16000)
	k := 0
	in.read = func(st *stream) error {
		k++
		counting(st, k)
		if k%6 != 0 && k <= reads { // 5 of every 6 reads: 10,000 of 12,000
			return portaudio.InputOverflowed
		}
		return nil
	}
	got := 0
	err := in.Record(t.Context(), func(c []float32) error {
		got++
		if c[0] != float32(got) {
			return fmt.Errorf("chunk %d holds read %v", got, c[0])
		}
		if got == reads {
			return errEnough
		}
		return nil
	})
	if !errors.Is(err, errEnough) {
		t.Fatalf("Record = %v after %d chunks, want it to run to the end", err, got)
	}
	if n := in.Overflows(); n != overflows {
		t.Errorf("Overflows() = %d, want %d", n, overflows)
	}
}

// TestReadFailsOrBlocksAtRandomFrame: the read fails (100 runs) or hangs
// (20 runs; each costs the stall time) at a random chunk. Pass: Record
// returns ErrDeviceLost, or ErrStalled within StallAfter + 0.5 s; every
// chunk read before reached the sink; Refresh and the next Record work.
func TestReadFailsOrBlocksAtRandomFrame(t *testing.T) {
	sys := faultSystem(t)
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name    string
		runs    int
		block   bool
		wantErr error
	}{
		{name: "fails", runs: 100, wantErr: ErrDeviceLost},
		{name: "hangs", runs: 20, block: true, wantErr: ErrStalled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var worst time.Duration
			for run := range tt.runs {
				at := 1 + rng.IntN(200)
				release := make(chan struct{})
				in := sys.Input("vmic", 16000)
				in.StallAfter = 100 * time.Millisecond // the default 1 s is timed on a real stream (TestStalledMicrophone)
				k := 0
				in.read = func(st *stream) error {
					k++
					if k == at {
						if tt.block {
							<-release
							return nil
						}
						return portaudio.TimedOut
					}
					counting(st, k)
					return nil
				}
				got := 0
				var last time.Time
				err := in.Record(t.Context(), func(c []float32) error {
					got++
					last = time.Now()
					if c[0] != float32(got) {
						return fmt.Errorf("chunk %d holds read %v", got, c[0])
					}
					return nil
				})
				d := time.Since(last)
				close(release)
				if !errors.Is(err, tt.wantErr) || (!tt.block && errors.Is(err, ErrStalled)) {
					t.Fatalf("run %d (chunk %d): Record = %v, want %v", run, at, err, tt.wantErr)
				}
				if got != at-1 {
					t.Fatalf("run %d: %d chunks reached the sink, want %d", run, got, at-1)
				}
				if tt.block {
					worst = max(worst, d)
					if d > in.StallAfter+500*time.Millisecond {
						t.Fatalf("run %d: Record returned %v after the last chunk, want ≤ %v + 0.5 s", run, d, in.StallAfter)
					}
				}
				if err := sys.Refresh(); err != nil {
					t.Fatalf("run %d: Refresh after the failure = %v", run, err)
				}
			}
			if tt.block {
				t.Logf("%d hangs: worst %v from the last chunk to Record's return", tt.runs, worst.Round(time.Millisecond))
			}
			in := sys.Input("vmic", 16000)
			in.Latency = time.Second
			if err := in.Record(context.Background(), func([]float32) error { return errEnough }); !errors.Is(err, errEnough) {
				t.Errorf("Record after the failures = %v", err)
			}
		})
	}
}
