package pcm

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func ramp(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i%200-100) / 128
	}
	return s
}

func TestPartWriterSyncIsValidWAV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.wav")
	p, err := CreatePart(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	// Right after creation the .part is a valid empty WAV.
	if c, err := ReadFile(path + PartSuffix); err != nil || len(c.Samples) != 0 {
		t.Fatalf("fresh part: %v, %d samples", err, len(c.Samples))
	}
	s := ramp(40000)
	if err := p.Write(s[:30000]); err != nil {
		t.Fatal(err)
	}
	if err := p.Sync(); err != nil {
		t.Fatal(err)
	}
	// Written after the sync and still buffered: a crash now loses it.
	if err := p.Write(s[30000:]); err != nil {
		t.Fatal(err)
	}
	c, err := ReadFile(path + PartSuffix)
	if err != nil {
		t.Fatalf("part after sync is not a valid WAV: %v", err)
	}
	if len(c.Samples) != 30000 || c.Samples[150] != s[150] {
		t.Fatalf("part holds %d samples", len(c.Samples))
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	c, err = ReadFile(path)
	if err != nil || len(c.Samples) != 40000 || c.Rate != 16000 {
		t.Fatalf("final: %v, %d samples", err, len(c.Samples))
	}
	if _, err := os.Stat(path + PartSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Error(".part still there after Close")
	}
	if err := p.Write(s); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
}

func TestPartWriterAbort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.wav")
	p, err := CreatePart(path, 8000)
	if err != nil {
		t.Fatal(err)
	}
	p.Write(ramp(100))
	if err := p.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + PartSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Error(".part still there after Abort")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Error("final file created by Abort")
	}
}

// fullFile accepts cap bytes, then fails like a full disk.
type fullFile struct {
	bytes.Buffer
	cap     int
	synced  int
	closed  bool
	syncErr error
}

func (f *fullFile) Write(b []byte) (int, error) {
	if f.Len()+len(b) > f.cap {
		n := f.cap - f.Len()
		f.Buffer.Write(b[:n])
		return n, syscall.ENOSPC
	}
	return f.Buffer.Write(b)
}
func (f *fullFile) WriteAt(b []byte, off int64) (int, error) { return len(b), nil }
func (f *fullFile) Sync() error                              { f.synced++; return f.syncErr }
func (f *fullFile) Close() error                             { f.closed = true; return nil }
func (f *fullFile) Name() string                             { return "fake.wav.part" }

func TestPartWriterFullDisk(t *testing.T) {
	f := &fullFile{cap: 100_000}
	p := newPartWriter(f, filepath.Join(t.TempDir(), "x.wav"), 16000)
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = p.Write(ramp(1600)) // 0.1 s chunks
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Write on a full disk: %v", err)
	}
	if err := p.Sync(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Sync after failure: %v", err)
	}
	if err := p.Close(); !errors.Is(err, syscall.ENOSPC) || !f.closed {
		t.Errorf("Close after failure: %v (closed %v)", err, f.closed)
	}

	// The error may only show at Sync, when the buffer is flushed.
	f = &fullFile{cap: 1000}
	p = newPartWriter(f, "x.wav", 16000)
	if err := p.Write(ramp(1600)); err != nil {
		t.Fatalf("buffered write: %v", err)
	}
	if err := p.Sync(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Sync on a full disk: %v", err)
	}

	// fsync failing (EIO after a lost write) is reported too.
	f = &fullFile{cap: 1 << 20, syncErr: syscall.EIO}
	p = newPartWriter(f, "x.wav", 16000)
	p.Write(ramp(10))
	if err := p.Sync(); !errors.Is(err, syscall.EIO) {
		t.Errorf("Sync with fsync failing: %v", err)
	}
}

func TestCreatePartDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("/dev/full not available")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.wav")
	if err := os.Symlink("/dev/full", path+PartSuffix); err != nil {
		t.Skip(err)
	}
	if _, err := CreatePart(path, 16000); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("CreatePart on /dev/full: %v", err)
	}
}

func TestRepairPart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "rec.wav")
	p, err := CreatePart(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	s := ramp(20000)
	p.Write(s[:8000])
	p.Sync()
	p.Write(s[8000:])
	p.w.Flush() // on disk but the header not patched: then the "crash"
	// Simulate a torn last sample.
	p.f.Write([]byte{0x12})
	p.f.Close()

	c, err := RepairPart(path + PartSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != 20000 || c.Rate != 16000 || c.Samples[19999] != s[19999] {
		t.Fatalf("repaired %d samples at %d Hz", len(c.Samples), c.Rate)
	}
	if c2, err := ReadFile(path); err != nil || len(c2.Samples) != 20000 {
		t.Fatalf("repaired file: %v", err)
	}
	if _, err := os.Stat(path + PartSuffix); !errors.Is(err, fs.ErrNotExist) {
		t.Error(".part still there")
	}

	// Refuses to overwrite, refuses junk.
	os.WriteFile(path+PartSuffix, []byte("junk"), 0o644)
	if _, err := RepairPart(path + PartSuffix); !errors.Is(err, fs.ErrExist) {
		t.Errorf("existing target: %v", err)
	}
	junk := filepath.Join(dir, "junk.wav"+PartSuffix)
	os.WriteFile(junk, bytes.Repeat([]byte("x"), 100), 0o644)
	if _, err := RepairPart(junk); !errors.Is(err, ErrCorrupt) {
		t.Errorf("junk: %v", err)
	}
	if _, err := RepairPart(filepath.Join(dir, "x.wav")); err == nil {
		t.Error("no .part suffix accepted")
	}
}

func TestPartFlushHandsSamplesToTheSystem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "take.wav")
	p, err := CreatePart(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Abort()
	if err := p.Write(make([]float32, 1600)); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path + PartSuffix)
	if err != nil || fi.Size() != 44+2*1600 {
		t.Fatalf("after Flush the part file has %v bytes (%v), want 44 + 3200: a killed app must find every written sample", fi.Size(), err)
	}
}
