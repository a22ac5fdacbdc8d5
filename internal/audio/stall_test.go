package audio_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fallback/internal/audio"
)

// rcFifo adds a microphone fed from a named pipe to the virtual devices: the
// test decides when sound stops arriving, as a frozen driver would.
const rcFifo = rcVirtual + `
pcm.fmic_raw { type file; slave.pcm "null"; file "/dev/null"; infile "%[1]s/IN.fifo"; format "raw" }
pcm.fmic { type plug; slave { pcm "fmic_raw"; format S16_LE; rate 16000; channels 1 } }
`

// TestStalledMicrophone feeds a real PortAudio stream through a named pipe
// for a while and then stops feeding it, so the blocking read hangs inside
// ALSA (even Pa_AbortStream waits for it there). The watchdog must end
// Record within about a second with ErrStalled, the System must stay
// usable for other devices at once, and once the device lets go (the pipe
// is "unplugged"), Refresh and Close must work without ErrBusy.
func TestStalledMicrophone(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "IN.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// Held open for writing before audio.Init: ALSA opens the pipe for
	// reading when PortAudio scans devices, which blocks with no writer.
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { w.Close() }()
	r := newRigIn(t, dir, rcFifo)

	const fedSamples = 8000 // 0.5 s at 16 kHz: fits a pipe's 64 KiB buffer
	if _, err := w.Write(int16Bytes(r.fed[:fedSamples])); err != nil {
		t.Fatal(err)
	}
	in := r.sys.Input("fmic", r.rate)
	in.Latency = 200 * time.Millisecond // as the app asks: StallAfter = 1 s
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	var got []float32
	var last time.Time
	start := time.Now()
	err = in.Record(ctx, func(chunk []float32) error {
		got = append(got, chunk...)
		last = time.Now()
		return nil
	})
	ended := time.Now()
	if !errors.Is(err, audio.ErrStalled) || !errors.Is(err, audio.ErrDeviceLost) {
		t.Fatalf("Record = %v, want ErrStalled (a lost device)", err)
	}
	if last.IsZero() {
		last = start
	}
	// A second of no sound, plus stopGrace (50 ms) for the abort, plus
	// scheduling on a loaded machine.
	if d := ended.Sub(last); d < audio.MinStall || d > audio.MinStall+500*time.Millisecond {
		t.Errorf("Record returned %v after the last chunk, want %v + at most 0.5 s", d, audio.MinStall)
	}
	if len(got) > fedSamples {
		t.Errorf("recorded %d samples, more than the %d fed", len(got), fedSamples)
	}
	if i := firstDiff(got, r.want[:len(got)]); i >= 0 {
		t.Errorf("sample %d = %v, want %v (fed audio)", i, got[i], r.want[i])
	}
	t.Logf("stall: %d samples before the pipe ran dry, Record returned %v after the last chunk", len(got), ended.Sub(last).Round(time.Millisecond))

	// Other devices work while the stalled one is still held.
	vin := r.sys.Input("vmic", r.rate)
	vin.Latency = time.Second
	n := 0
	if err := vin.Record(ctx, func(c []float32) error { n += len(c); return errStop }); !errors.Is(err, errStop) || n == 0 {
		t.Errorf("Record on another device while one is stalled = %v (%d samples)", err, n)
	}
	// Refresh while the read is still stuck: not ErrBusy; it says why.
	if err := r.sys.Refresh(); !errors.Is(err, audio.ErrStuck) {
		t.Errorf("Refresh while the stalled read is stuck = %v, want ErrStuck", err)
	}

	// "Unplug": the writer goes away, so the read comes back (end of
	// file) and the reaper closes the stream; the device leaves the
	// configuration (a re-scan would block opening a pipe with no
	// writer, and a new writer before the read saw the end of file would
	// keep it blocked).
	w.Close()
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), fmt.Appendf(nil, rcVirtual, dir), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.sys.Refresh(); err != nil {
		t.Fatalf("Refresh after the device let go = %v", err)
	}
	n = 0
	if err := vin.Record(ctx, func(c []float32) error { n += len(c); return errStop }); !errors.Is(err, errStop) || n == 0 {
		t.Errorf("Record after the stall and Refresh = %v (%d samples)", err, n)
	}
}

// newRigIn is newRig with the test's own directory (for files that must
// exist before Init).
func newRigIn(t *testing.T, dir, rc string) *rig {
	t.Helper()
	t.Setenv("HOME", dir)
	rate, fed := readWAV(t, answerWAV)
	r := &rig{dir: dir, fed: fed, rate: rate}
	for _, v := range fed {
		r.want = append(r.want, float32(v)/32768)
	}
	if err := os.WriteFile(filepath.Join(dir, "IN.raw"), int16Bytes(fed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), fmt.Appendf(nil, rc, dir), 0o644); err != nil {
		t.Fatal(err)
	}
	sys, err := audio.Init()
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	r.sys = sys
	t.Cleanup(func() {
		if err := sys.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}
