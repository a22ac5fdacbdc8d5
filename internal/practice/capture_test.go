package practice

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fallback/internal/pcm"
)

// These tests drive the capture with fake recorders and files, to inject
// the faults a real device or disk gives rarely: a failure or a hang at a
// random frame, a full disk, input overflows, an hour of audio.

const testRate = 16000

// chunkN is the fake's chunk: 20 ms, as PortAudio delivers.
const chunkN = testRate / 50

// sampleAt is the fake's k-th sample: a ramp that survives the 16-bit file
// exactly, so the file can be compared with what was delivered.
func sampleAt(k int) float32 { return float32(k%20000-10000) / 32768 }

// scriptRec delivers the ramp in 20 ms chunks as fast as the capture takes
// them (a virtual clock), waiting while the ring is more than half full
// so that nothing is dropped unless a test wants it. At chunk failAt it
// returns errFail; at chunk blockAt it blocks (ignoring ctx) until release
// is closed; after total chunks it returns nil. overflows is reported as
// the device's overflow count.
type scriptRec struct {
	c         atomic.Pointer[capture]
	failAt    int
	blockAt   int
	total     int
	release   chan struct{}
	overflows atomic.Uint64
	injectOvf int       // report one overflow per chunk for this many chunks
	unpaced   bool      // deliver at memory speed, whatever the ring holds
	signal    []float32 // deliver this, then silence, instead of the ramp
	delivered atomic.Int64
}

var errFail = errors.New("read input device: device lost")

func (r *scriptRec) SampleRate() int   { return testRate }
func (r *scriptRec) Overflows() uint64 { return r.overflows.Load() }

func (r *scriptRec) Record(ctx context.Context, sink func([]float32) error) error {
	chunk := make([]float32, chunkN)
	for !r.unpaced && r.c.Load() == nil {
		runtime.Gosched() // wait until start has published the capture
	}
	for i := 0; r.total == 0 || i < r.total; i++ {
		if ctx.Err() != nil {
			return nil
		}
		if r.failAt > 0 && i == r.failAt {
			return errFail
		}
		if r.blockAt > 0 && i == r.blockAt {
			<-r.release
			return nil
		}
		for c := r.c.Load(); !r.unpaced && c.head.Load()-c.tail.Load() > int64(len(c.ring)/2) && ctx.Err() == nil; {
			runtime.Gosched() // virtual clock: let the writer catch up
		}
		base := int(r.delivered.Load())
		for j := range chunk {
			if r.signal == nil {
				chunk[j] = sampleAt(base + j)
			} else if k := base + j; k < len(r.signal) {
				chunk[j] = r.signal[k]
			} else {
				chunk[j] = 0
			}
		}
		if i < r.injectOvf {
			r.overflows.Add(1)
		}
		r.delivered.Add(chunkN)
		if err := sink(chunk); err != nil {
			return err
		}
	}
	return nil
}

// start is startCapture that lets the fake see the capture's ring.
func start(t *testing.T, rec *scriptRec, path string, o captureOpts) (*capture, error) {
	t.Helper()
	part, err := pcm.CreatePart(path, testRate)
	if err != nil {
		return nil, err
	}
	return startOn(rec, part, o), nil
}

func startOn(rec *scriptRec, part *pcm.PartWriter, o captureOpts) *capture {
	// The fake waits for the pointer before its first pacing check only;
	// until then the ring is empty, so nothing is lost.
	c := startCaptureOn(context.Background(), rec, part, o)
	rec.c.Store(c)
	return c
}

// checkRamp checks that the WAV at path holds exactly the first n samples
// of the ramp.
func checkRamp(t *testing.T, path string, n int) {
	t.Helper()
	clip, err := pcm.ReadFile(path)
	if err != nil {
		t.Fatalf("partial take: %v", err)
	}
	if len(clip.Samples) != n {
		t.Fatalf("%s holds %d samples, want %d (everything delivered before the failure)", filepath.Base(path), len(clip.Samples), n)
	}
	for k, v := range clip.Samples {
		if v != sampleAt(k) {
			t.Fatalf("sample %d = %v, want %v", k, v, sampleAt(k))
		}
	}
}

// TestCaptureRecorderFailsOrBlocks: a recorder that fails or hangs at a
// random frame, 100 runs each. Pass: the capture ends within 2 s, with
// the recorder's error or ErrStalled, the WAV on disk holds every sample
// delivered before the failure, and the next capture works.
func TestCaptureRecorderFailsOrBlocks(t *testing.T) {
	const runs = 100
	rng := rand.New(rand.NewPCG(9, 9))
	tests := []struct {
		name    string
		block   bool
		wantErr error
	}{
		{name: "fails", wantErr: errFail},
		{name: "blocks", block: true, wantErr: ErrStalled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			release := make(chan struct{})
			defer close(release)
			var worst time.Duration
			for run := range runs {
				frame := 1 + rng.IntN(250) // up to 5 s of audio
				rec := &scriptRec{release: release}
				if tt.block {
					rec.blockAt = frame
				} else {
					rec.failAt = frame
				}
				path := filepath.Join(dir, fmt.Sprintf("take-%d.wav", run))
				// A short deadline keeps 100 hangs quick; the default
				// (1.5 s) is what TestCaptureDefaultDeadline times.
				c, err := start(t, rec, path, captureOpts{stall: 100 * time.Millisecond, grace: 20 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				t0 := time.Now()
				res, err := c.wait(keepPartial)
				d := time.Since(t0)
				worst = max(worst, d)
				if d > 2*time.Second {
					t.Fatalf("run %d (frame %d): capture took %v to end, want < 2 s", run, frame, d)
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("run %d (frame %d): error %v, want %v", run, frame, err, tt.wantErr)
				}
				if res.Path != path || res.Samples != int64(frame*chunkN) {
					t.Fatalf("run %d: result %+v, want %d samples at %s", run, res, frame*chunkN, path)
				}
				checkRamp(t, path, frame*chunkN)
			}
			t.Logf("%d runs: worst time from failure to the end of the capture %v", runs, worst.Round(time.Millisecond))
			// The next capture works.
			rec := &scriptRec{total: 50}
			c, err := start(t, rec, filepath.Join(dir, "after.wav"), captureOpts{})
			if err != nil {
				t.Fatal(err)
			}
			if res, err := c.wait(keepPartial); err != nil || res.Samples != 50*chunkN {
				t.Fatalf("capture after the failures: %v, %+v", err, res)
			}
		})
	}
}

// TestCaptureDefaultDeadline times the capture's own deadline for a
// recorder that hangs and never returns: ErrStalled well within 2 s.
func TestCaptureDefaultDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rec := &scriptRec{blockAt: 10, release: release}
	c, err := start(t, rec, filepath.Join(t.TempDir(), "t.wav"), captureOpts{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	_, err = c.wait(keepPartial)
	d := time.Since(t0)
	if !errors.Is(err, ErrStalled) || !errors.Is(err, ErrDeviceLost) {
		t.Errorf("error %v, want ErrStalled (a lost device)", err)
	}
	if d < captureStall || d > 2*time.Second {
		t.Errorf("ended after %v, want between %v and 2 s", d, captureStall)
	}
	t.Logf("hung recorder given up after %v", d.Round(time.Millisecond))
}

// faultFile fails the Nth write (Write or WriteAt, counting from 1) with
// errno and every write after it, as a full disk does. Sync is counted but
// does not reach the disk: 40,000 fsyncs would test the disk, not us.
type faultFile struct {
	*os.File
	n, failAt int
	errno     syscall.Errno
	dataOK    int64 // bytes appended by successful Writes after the header
}

func (f *faultFile) fail(op string) error {
	f.n++
	if f.n >= f.failAt {
		return &os.PathError{Op: op, Path: f.Name(), Err: f.errno}
	}
	return nil
}

func (f *faultFile) Write(b []byte) (int, error) {
	if err := f.fail("write"); err != nil {
		return 0, err
	}
	n, err := f.File.Write(b)
	if f.n > 1 {
		f.dataOK += int64(n)
	}
	return n, err
}

func (f *faultFile) WriteAt(b []byte, off int64) (int, error) {
	if err := f.fail("write"); err != nil {
		return 0, err
	}
	return f.File.WriteAt(b, off)
}

func (f *faultFile) Sync() error { return nil }

// TestCaptureDiskFails: the disk fails with ENOSPC or EIO on the Nth
// write, N = 1…200. Pass: no panic, an error that wraps the errno (so the
// UI can say "the disk is full"), and the partial take on disk holds
// every sample that reached the file before the failure.
func TestCaptureDiskFails(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EIO} {
		t.Run(errno.Error(), func(t *testing.T) {
			dir := t.TempDir()
			for n := 1; n <= 200; n++ {
				path := filepath.Join(dir, "take-"+strconv.Itoa(n)+".wav")
				var ff *faultFile
				part, err := pcm.CreatePartWith(path, testRate, func(name string) (pcm.PartFile, error) {
					f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
					ff = &faultFile{File: f, failAt: n, errno: errno}
					return ff, err
				})
				if err != nil {
					// Only the header write (the first) can fail here.
					if n != 1 || !errors.Is(err, errno) {
						t.Fatalf("N=%d: create: %v", n, err)
					}
					if _, serr := os.Stat(path + pcm.PartSuffix); !errors.Is(serr, os.ErrNotExist) {
						t.Errorf("N=1: the failed .part was left behind")
					}
					continue
				}
				rec := &scriptRec{} // runs until the capture stops it
				c := startOn(rec, part, captureOpts{})
				res, err := c.wait(keepPartial)
				if !errors.Is(err, errno) {
					t.Fatalf("N=%d: error %v, want one wrapping %v", n, err, errno)
				}
				if !strings.Contains(err.Error(), filepath.Base(path)) {
					t.Errorf("N=%d: error %q does not name the file", n, err)
				}
				// (Audio delivered after the failure is dropped: the
				// writer has stopped. Before it, checkRamp sees any loss.)
				checkRamp(t, path, int(ff.dataOK/2))
				if res.Path != path || res.Samples != ff.dataOK/2 {
					t.Errorf("N=%d: result %+v, want %d samples at %s", n, res, ff.dataOK/2, path)
				}
				os.Remove(path)
			}
		})
	}
}

// TestCaptureOverflowsCounted: 10,000 input overflows reported by the
// device while recording. Pass: the recording continues to the end and
// the dropouts are counted exactly (one chunk each).
func TestCaptureOverflowsCounted(t *testing.T) {
	const total, overflows = 12000, 10000
	rec := &scriptRec{total: total, injectOvf: overflows}
	path := filepath.Join(t.TempDir(), "t.wav")
	c, err := start(t, rec, path, captureOpts{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.wait(keepPartial)
	if err != nil {
		t.Fatal(err)
	}
	if res.Samples != total*chunkN {
		t.Errorf("recorded %d samples, want %d (recording continues)", res.Samples, total*chunkN)
	}
	if want := overflows * 20 * time.Millisecond; res.Dropped != want {
		t.Errorf("Dropped = %v, want %v (one 20 ms chunk per overflow)", res.Dropped, want)
	}
}

// TestCaptureRingFull: a writer that cannot keep up (the fake outruns it
// with no pacing) loses audio in the sink, never blocks the recorder, and
// the loss is counted to the sample.
func TestCaptureRingFull(t *testing.T) {
	rec := &scriptRec{total: 3000, unpaced: true} // 60 s, far more than the 10 s ring
	path := filepath.Join(t.TempDir(), "t.wav")
	part, err := pcm.CreatePart(path, testRate)
	if err != nil {
		t.Fatal(err)
	}
	c := startCaptureOn(context.Background(), rec, part, captureOpts{})
	res, err := c.wait(keepPartial)
	if err != nil {
		t.Fatal(err)
	}
	dropped := c.dropped.Load()
	if res.Samples+dropped != rec.delivered.Load() {
		t.Errorf("file %d + dropped %d samples != delivered %d", res.Samples, dropped, rec.delivered.Load())
	}
	if want := time.Duration(float64(dropped) / testRate * float64(time.Second)); res.Dropped != want {
		t.Errorf("Dropped = %v, want %v", res.Dropped, want)
	}
	t.Logf("delivered %d samples at memory speed: %d written, %d dropped", rec.delivered.Load(), res.Samples, dropped)
}

// TestCaptureHour records 60 minutes on a virtual clock to a real file.
// Pass: WAV = 44 + 2 × samples bytes, and the process's resident memory
// grows by less than 50 MB (the take is not kept in memory).
func TestCaptureHour(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes 115 MB")
	}
	const minutes = 60
	total := minutes * 60 * 50
	rec := &scriptRec{total: total}
	path := filepath.Join(t.TempDir(), "hour.wav")
	runtime.GC()
	before := rss(t)
	c, err := start(t, rec, path, captureOpts{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	res, err := c.wait(keepPartial)
	if err != nil {
		t.Fatal(err)
	}
	after := rss(t)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	samples := int64(total * chunkN)
	if want := 44 + 2*samples; st.Size() != want || res.Samples != samples {
		t.Errorf("WAV is %d bytes with %d samples, want %d bytes (44 + 2 × %d)", st.Size(), res.Samples, want, samples)
	}
	growth := after - before
	if growth > 50<<20 {
		t.Errorf("resident memory grew by %.1f MB, want < 50 MB", float64(growth)/(1<<20))
	}
	t.Logf("60 min (%d samples) in %v: WAV %d bytes, RSS %.1f → %.1f MB (growth %.1f MB), dropped %v",
		samples, time.Since(t0).Round(time.Millisecond), st.Size(), float64(before)/(1<<20), float64(after)/(1<<20), float64(growth)/(1<<20), res.Dropped)
}

// rss is the process's resident set size from /proc/self/status.
func rss(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status on this system: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestCaptureRealFullDisk records onto a real 256 KiB tmpfs until it is
// full. Pass: the error wraps syscall.ENOSPC, and the take on disk is a
// valid WAV holding a prefix of what was delivered (its header is patched
// in place, which needs no new space). It needs to mount a tmpfs (root on
// Linux); elsewhere the injected ENOSPC of TestCaptureDiskFails stands.
func TestCaptureRealFullDisk(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): needs root on Linux", err)
	}
	defer func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	}()
	path := filepath.Join(dir, "take.wav")
	rec := &scriptRec{} // runs until the capture stops it
	c, err := start(t, rec, path, captureOpts{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.wait(keepPartial)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v, want one wrapping ENOSPC", err)
	}
	clip, rerr := pcm.ReadFile(path)
	if rerr != nil {
		t.Fatalf("partial take on the full disk: %v", rerr)
	}
	for k, v := range clip.Samples {
		if v != sampleAt(k) {
			t.Fatalf("sample %d = %v, want %v", k, v, sampleAt(k))
		}
	}
	// 256 KiB hold 8.2 s of 16-bit audio; the 64 KiB write buffer may
	// not fit in what is left at the end.
	if len(clip.Samples) < 6*testRate || int64(len(clip.Samples)) != res.Samples {
		t.Errorf("kept %d samples (result says %d), want the 6–8 s that fit on 256 KiB", len(clip.Samples), res.Samples)
	}
	t.Logf("disk full after %.2f s of audio: %v", float64(len(clip.Samples))/testRate, err)
}
