package pcm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// PartSuffix is appended to the path of a recording while it is written.
const PartSuffix = ".part"

// PartFile is what a PartWriter needs of an *os.File: an interface so that
// tests can wrap the file to inject a full disk or an I/O error (see
// CreatePartWith).
type PartFile interface {
	io.Writer
	io.WriterAt
	Sync() error
	Close() error
	Name() string
}

// PartWriter streams a recording to disk while it happens: 16-bit mono PCM
// appended to path+".part". Sync makes what was written so far durable as a
// valid WAV file; Close finishes it and renames it to path. A crash between
// syncs loses at most what was written since the last Sync, and RepairPart
// recovers the rest.
//
// A PartWriter is not safe for concurrent use: the recording goroutine owns
// it. After any error every later call returns that error (Abort still
// removes the file).
type PartWriter struct {
	f     PartFile
	w     *bufio.Writer // buffers f; flushed by Sync and Close
	path  string        // final path (without PartSuffix)
	rate  int
	n     int64  // data bytes written (buffered or not)
	buf   []byte // conversion buffer, reused by Write
	err   error  // first error, sticky
	ended bool   // Close or Abort called
}

// CreatePart creates path+".part" (truncating a leftover one) and writes a
// valid header for an empty recording at rate samples per second.
func CreatePart(path string, rate int) (*PartWriter, error) {
	return CreatePartWith(path, rate, func(name string) (PartFile, error) {
		return os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	})
}

// CreatePartWith is CreatePart with open creating (and truncating) the
// .part file, for callers that wrap it to inject faults. The rename at
// Close and Abort's removal still act on path+".part" in the file system.
func CreatePartWith(path string, rate int, open func(name string) (PartFile, error)) (*PartWriter, error) {
	if err := checkRate(rate); err != nil {
		return nil, fmt.Errorf("create recording %s: %w", path, err)
	}
	f, err := open(path + PartSuffix)
	if err != nil {
		return nil, fmt.Errorf("create recording: %w", err)
	}
	p := newPartWriter(f, path, rate)
	var hdr [headerSize]byte
	putHeader(hdr[:], rate, 0)
	if _, err := f.Write(hdr[:]); err != nil {
		f.Close()
		os.Remove(path + PartSuffix)
		return nil, fmt.Errorf("create recording %s: %w", f.Name(), err)
	}
	return p, nil
}

func newPartWriter(f PartFile, path string, rate int) *PartWriter {
	return &PartWriter{f: f, w: bufio.NewWriterSize(f, blockBytes), path: path, rate: rate}
}

// Path is the final path of the recording (without PartSuffix).
func (p *PartWriter) Path() string { return p.path }

// Samples is the number of samples written so far.
func (p *PartWriter) Samples() int64 { return p.n / 2 }

func (p *PartWriter) fail(op string, err error) error {
	if p.err == nil {
		p.err = fmt.Errorf("%s recording %s: %w", op, p.f.Name(), err)
	}
	return p.err
}

// Write converts samples to 16-bit PCM (clipped, rounded) and appends them.
// It does not keep samples. Data goes through a 64 KiB buffer, so a write
// error (a full disk) may surface on a later Write or on Sync/Close.
func (p *PartWriter) Write(samples []float32) error {
	if p.err != nil {
		return p.err
	}
	if p.ended {
		return p.fail("write", fs.ErrClosed)
	}
	if p.n+2*int64(len(samples)) > maxDataBytes {
		return p.fail("write", errors.New("recording exceeds the 4 GiB WAV limit"))
	}
	for s := samples; len(s) > 0; {
		k := min(len(s), blockBytes/2)
		p.buf = encode16(p.buf[:0], s[:k])
		if _, err := p.w.Write(p.buf); err != nil {
			return p.fail("write", err)
		}
		p.n += int64(2 * k)
		s = s[k:]
	}
	return nil
}

// Flush hands the buffered samples to the operating system without
// syncing: a killed process then loses nothing it wrote (the system keeps
// its page cache), only a power cut loses what came after the last Sync.
func (p *PartWriter) Flush() error {
	if p.err != nil {
		return p.err
	}
	if p.ended {
		return p.fail("flush", fs.ErrClosed)
	}
	if err := p.w.Flush(); err != nil {
		return p.fail("write", err)
	}
	return nil
}

// Sync flushes the buffer, patches the RIFF and data sizes in the header to
// the data written so far and fsyncs the file: after it returns nil, a crash
// leaves a valid WAV holding every sample written before the call.
func (p *PartWriter) Sync() error {
	if p.err != nil {
		return p.err
	}
	if p.ended {
		return p.fail("sync", fs.ErrClosed)
	}
	return p.sync()
}

func (p *PartWriter) sync() error {
	if err := p.w.Flush(); err != nil {
		return p.fail("write", err)
	}
	var hdr [headerSize]byte
	putHeader(hdr[:], p.rate, uint32(p.n))
	if _, err := p.f.WriteAt(hdr[4:8], 4); err != nil {
		return p.fail("write header of", err)
	}
	if _, err := p.f.WriteAt(hdr[40:44], 40); err != nil {
		return p.fail("write header of", err)
	}
	if err := p.f.Sync(); err != nil {
		return p.fail("sync", err)
	}
	return nil
}

// Close finishes the recording: final header patch, fsync, close, rename of
// path+".part" to path (replacing path), fsync of the folder. On error the
// .part file is left for RepairPart.
func (p *PartWriter) Close() error {
	if p.ended {
		if p.err != nil {
			return p.err
		}
		return p.fail("close", fs.ErrClosed)
	}
	p.ended = true
	if p.err != nil {
		p.f.Close()
		return p.err
	}
	if err := p.sync(); err != nil {
		p.f.Close()
		return err
	}
	if err := p.f.Close(); err != nil {
		return p.fail("close", err)
	}
	if err := os.Rename(p.path+PartSuffix, p.path); err != nil {
		return p.fail("finish", err)
	}
	syncDir(filepath.Dir(p.path))
	return nil
}

// Abort stops the recording and removes the .part file.
func (p *PartWriter) Abort() error {
	wasEnded := p.ended
	p.ended = true
	var err error
	if !wasEnded {
		err = p.f.Close()
	}
	if rerr := os.Remove(p.path + PartSuffix); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("abort recording %s: %w", p.path, err)
	}
	return nil
}

// syncDir makes a rename durable; errors are ignored because some systems
// cannot fsync a directory and the data itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// RepairPart recovers a recording left behind by a crash. partPath must end
// in ".part" and start with the 44-byte header a PartWriter writes (16-bit
// mono PCM). All whole samples after the header are kept, including any
// written after the last Sync (they may be lost or zero after a power cut, and
// zeros are harmless silence); the header sizes are patched, the file is
// fsynced and renamed to partPath without ".part", and the recovered clip is
// returned. If that final file already exists RepairPart refuses with an error
// wrapping fs.ErrExist and changes nothing. A .part file too damaged to repair
// gives an error wrapping ErrCorrupt and is left in place for the caller to
// remove or keep.
func RepairPart(partPath string) (Clip, error) {
	final, ok := strings.CutSuffix(partPath, PartSuffix)
	if !ok || final == "" {
		return Clip{}, fmt.Errorf("repair recording %s: name does not end in %s", partPath, PartSuffix)
	}
	if _, err := os.Lstat(final); err == nil {
		return Clip{}, fmt.Errorf("repair recording %s: %w", final, fs.ErrExist)
	}
	f, err := os.OpenFile(partPath, os.O_RDWR, 0)
	if err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	var hdr [headerSize]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return Clip{}, fmt.Errorf("repair recording %s: %w: header truncated", partPath, ErrCorrupt)
	}
	fm, err := parseFmt(hdr[20:36])
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:16]) != "WAVEfmt " || string(hdr[36:40]) != "data" {
		err = fmt.Errorf("%w: not a recording header", ErrCorrupt)
	} else if err == nil && (fm.tag != tagPCM || fm.channels != 1 || fm.bits != 16) {
		err = fmt.Errorf("%w: not 16-bit mono PCM", ErrCorrupt)
	}
	if err != nil {
		return Clip{}, fmt.Errorf("repair recording %s: %w", partPath, err)
	}
	data := min((st.Size()-headerSize)&^1, maxDataBytes&^1)
	if err := f.Truncate(headerSize + data); err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	putHeader(hdr[:], fm.rate, uint32(data))
	if _, err := f.WriteAt(hdr[:], 0); err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	if err := f.Sync(); err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	c, err := decode(bufio.NewReaderSize(f, blockBytes), headerSize+data)
	if err != nil {
		return Clip{}, fmt.Errorf("repair recording %s: %w", partPath, err)
	}
	if err := f.Close(); err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	if err := os.Rename(partPath, final); err != nil {
		return Clip{}, fmt.Errorf("repair recording: %w", err)
	}
	syncDir(filepath.Dir(final))
	return c, nil
}
