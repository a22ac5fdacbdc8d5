package pcm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Sentinel errors of the WAV reader, usable with errors.Is. Every error
// returned by ReadWAV/ReadFile for a bad file wraps one of them (I/O errors
// of the underlying reader are wrapped as they are).
var (
	// ErrUnsupported: a well-formed WAV in a format this package does not
	// decode (compressed, 12-bit, 64 channels, ...).
	ErrUnsupported = errors.New("unsupported wav")
	// ErrCorrupt: not a WAV file, or a truncated or inconsistent one.
	ErrCorrupt = errors.New("corrupt wav")
)

// Limits of the reader. They bound what a hostile header can make us do.
const (
	maxChannels = 8       // more would be a surround or multitrack file, not a microphone
	minRate     = 1000    // below any speech band
	maxRate     = 768_000 // highest rate of common audio interfaces
	maxFmtSize  = 1 << 10 // a fmt chunk is 16, 18 or 40 bytes; 1 KiB leaves room for oddities
	blockBytes  = 1 << 16 // decode the data chunk in 64 KiB steps
)

const (
	tagPCM        = 1
	tagFloat      = 3
	tagALaw       = 6 // ITU-T G.711 A-law, 8 bits
	tagMuLaw      = 7 // ITU-T G.711 mu-law, 8 bits
	tagExtensible = 0xFFFE
)

// Chunk sizes a writer leaves in the header when it cannot seek back to fill
// them in (a recorder writing to a pipe, or killed before it closed the
// file): 0, 0xFFFFFFFF (ffmpeg, arecord) and 0x7FFFF000 (sox).
const (
	sizeUnsetMax = 0xFFFFFFFF
	sizeUnsetSox = 0x7FFFF000
)

func sizeUnset(n uint32) bool { return n == 0 || n == sizeUnsetMax || n == sizeUnsetSox }

// Info tells how a WAV file was read.
type Info struct {
	// Format names the sample encoding: "16-bit PCM", "32-bit float",
	// "8-bit mu-law", "8-bit A-law", ...
	Format string
	// Channels is the number of channels in the file (the Clip is their
	// average), Rate its sample rate in Hz.
	Channels, Rate int
	// Warnings lists, in words a user can act on, what the reader had to
	// work around: a data chunk shorter than its header says (a cut-short
	// copy) or sizes a streaming writer left unset. The samples present
	// were read, as sox and libsndfile read such files. Nil for a
	// well-formed file.
	Warnings []string
}

func (f *format) name() string {
	switch f.tag {
	case tagFloat:
		return fmt.Sprintf("%d-bit float", f.bits)
	case tagALaw:
		return "8-bit A-law"
	case tagMuLaw:
		return "8-bit mu-law"
	}
	return fmt.Sprintf("%d-bit PCM", f.bits)
}

type format struct {
	tag        int
	channels   int
	rate       int
	blockAlign int
	bits       int
}

// ReadFile reads a WAV file into a mono Clip (see ReadWAV). Errors name the
// file: "read wav x.wav: corrupt wav: no data chunk".
func ReadFile(path string) (Clip, error) {
	c, _, err := ReadFileInfo(path)
	return c, err
}

// ReadFileInfo is ReadFile that also returns how the file was read,
// warnings included (see Info).
func ReadFileInfo(path string) (Clip, Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Clip{}, Info{}, fmt.Errorf("read wav: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	c, info, err := decodeInfo(bufio.NewReaderSize(f, blockBytes), size)
	if err != nil {
		return Clip{}, Info{}, fmt.Errorf("read wav %s: %w", path, err)
	}
	return c, info, nil
}

// ReadWAV decodes a RIFF/WAVE stream: integer PCM of 8, 16, 24 or 32 bits,
// IEEE float of 32 or 64 bits (also inside WAVE_FORMAT_EXTENSIBLE), 8-bit
// G.711 mu-law and A-law, 1 to 8 channels averaged to mono. Samples are
// scaled to full scale = 1.0; float samples that are NaN or infinite become
// 0. Chunks other than "fmt " and "data" are skipped without being
// buffered, and nothing after the data chunk is read.
//
// A data chunk shorter than its header says is read as far as it goes, and
// so is one whose size (or the RIFF size) was left unset by a streaming
// writer (0, 0xFFFFFFFF, or sox's 0x7FFFF000): the reader takes what is
// there, as sox does; ReadWAVInfo reports it in Info.Warnings. Otherwise
// the reader is strict: every other chunk's size is checked against the
// bytes left (of the RIFF chunk, and of the input when its length is
// known), and memory grows only with the bytes actually read, so a lying
// header cannot exhaust memory.
func ReadWAV(r io.Reader) (Clip, error) {
	c, _, err := ReadWAVInfo(r)
	return c, err
}

// ReadWAVInfo is ReadWAV that also returns how the stream was read,
// warnings included (see Info).
func ReadWAVInfo(r io.Reader) (Clip, Info, error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return decodeInfo(r, size)
}

func corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
}

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, a...))
}

// readFull reads exactly len(b) bytes; a short read is a truncated file.
func readFull(r io.Reader, b []byte, what string) error {
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return corrupt("truncated %s", what)
		}
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// decode parses the stream; size is the number of bytes the input holds, or
// -1 when unknown.
func decode(r io.Reader, size int64) (Clip, error) {
	c, _, err := decodeInfo(r, size)
	return c, err
}

// decodeInfo is decode with the Info.
func decodeInfo(r io.Reader, size int64) (Clip, Info, error) {
	var info Info
	pos := int64(12) // bytes of the input consumed, once the RIFF header is read
	var hdr [12]byte
	if err := readFull(r, hdr[:], "RIFF header"); err != nil {
		if size == 0 {
			return Clip{}, info, corrupt("empty file")
		}
		return Clip{}, info, err
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		if string(hdr[0:4]) == "RIFX" || string(hdr[0:4]) == "RF64" {
			return Clip{}, info, unsupported("%q container", hdr[0:4])
		}
		return Clip{}, info, corrupt("not a RIFF/WAVE file")
	}
	// left = bytes of the RIFF chunk after "WAVE", capped by the input.
	riff := binary.LittleEndian.Uint32(hdr[4:8])
	left := int64(riff) - 4
	riffUnset := sizeUnset(riff)
	if riffUnset {
		left = math.MaxInt64
		info.Warnings = append(info.Warnings, fmt.Sprintf("RIFF size %#x in the header (left unset by a streaming writer): read to the end of the file", riff))
	}
	if size >= 0 && size-12 < left {
		left = size - 12
	}
	if left < 0 {
		return Clip{}, info, corrupt("RIFF size %d too small", riff)
	}
	var f *format
	for {
		var ch [8]byte
		if left < 8 {
			if f == nil {
				return Clip{}, info, corrupt("no fmt chunk")
			}
			return Clip{}, info, corrupt("no data chunk")
		}
		if err := readFull(r, ch[:], "chunk header"); err != nil {
			return Clip{}, info, err
		}
		left -= 8
		pos += 8
		id := string(ch[0:4])
		n32 := binary.LittleEndian.Uint32(ch[4:8])
		n := int64(n32)
		if id == "data" {
			if f == nil {
				return Clip{}, info, corrupt("data chunk before fmt chunk")
			}
			// The data chunk is read as far as it goes: up to its declared
			// size, or to the end of the input when the size is unset.
			limit := n
			if sizeUnset(n32) {
				limit = math.MaxInt64
			}
			if size >= 0 {
				limit = min(limit, size-pos) // bytes of the input after this header
			}
			c, got, err := decodeData(r, f, limit)
			if err != nil {
				return Clip{}, info, err
			}
			switch {
			case sizeUnset(n32) && got > 0:
				info.Warnings = append(info.Warnings, fmt.Sprintf("data chunk size %#x in the header (left unset by a streaming writer or an unfinished recording): read the %d bytes to the end of the file", n32, got))
			case !sizeUnset(n32) && got < n:
				info.Warnings = append(info.Warnings, fmt.Sprintf("data chunk truncated: the header declares %d bytes, %d are present (a cut-short file?); read what is there", n, got))
			case !riffUnset && got > left:
				info.Warnings = append(info.Warnings, fmt.Sprintf("the data chunk runs %d bytes past the end the RIFF header declares", got-left))
			}
			info.Format, info.Channels, info.Rate = f.name(), f.channels, f.rate
			return c, info, nil
		}
		if n > left {
			return Clip{}, info, corrupt("%q chunk of %d bytes but only %d left (truncated file?)", id, n, left)
		}
		switch id {
		case "fmt ":
			if f != nil {
				return Clip{}, info, corrupt("second fmt chunk")
			}
			if n < 16 || n > maxFmtSize {
				return Clip{}, info, corrupt("fmt chunk of %d bytes", n)
			}
			buf := make([]byte, n)
			if err := readFull(r, buf, "fmt chunk"); err != nil {
				return Clip{}, info, err
			}
			var err error
			if f, err = parseFmt(buf); err != nil {
				return Clip{}, info, err
			}
		default:
			if _, err := io.CopyN(io.Discard, r, n); err != nil {
				if errors.Is(err, io.EOF) {
					return Clip{}, info, corrupt("truncated %q chunk", id)
				}
				return Clip{}, info, fmt.Errorf("skip %q chunk: %w", id, err)
			}
		}
		left -= n
		pos += n
		if n%2 == 1 && left > 0 { // chunks are padded to even length
			if _, err := io.CopyN(io.Discard, r, 1); err != nil {
				return Clip{}, info, corrupt("truncated %q chunk padding", id)
			}
			left--
			pos++
		}
	}
}

func parseFmt(b []byte) (*format, error) {
	le := binary.LittleEndian
	f := &format{
		tag:        int(le.Uint16(b[0:2])),
		channels:   int(le.Uint16(b[2:4])),
		rate:       int(le.Uint32(b[4:8])),
		blockAlign: int(le.Uint16(b[12:14])),
		bits:       int(le.Uint16(b[14:16])),
	}
	if f.tag == tagExtensible {
		// WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) channelMask(4)
		// subFormat GUID(16) whose first two bytes are the real tag.
		if len(b) < 40 {
			return nil, corrupt("extensible fmt chunk of %d bytes", len(b))
		}
		f.tag = int(le.Uint16(b[24:26]))
	}
	switch {
	case f.channels == 0:
		return nil, corrupt("0 channels")
	case f.channels > maxChannels:
		return nil, unsupported("%d channels", f.channels)
	case f.rate == 0:
		return nil, corrupt("sample rate 0")
	case f.rate < minRate || f.rate > maxRate:
		return nil, unsupported("sample rate %d Hz", f.rate)
	}
	switch f.tag {
	case tagPCM:
		if f.bits != 8 && f.bits != 16 && f.bits != 24 && f.bits != 32 {
			return nil, unsupported("%d-bit integer PCM", f.bits)
		}
	case tagFloat:
		if f.bits != 32 && f.bits != 64 {
			return nil, unsupported("%d-bit float", f.bits)
		}
	case tagALaw, tagMuLaw:
		if f.bits != 8 {
			return nil, unsupported("%d-bit G.711", f.bits)
		}
	default:
		return nil, unsupported("format tag %#x (compressed audio)", f.tag)
	}
	if want := f.channels * f.bits / 8; f.blockAlign != want {
		return nil, corrupt("block align %d, want %d for %d channels of %d bits", f.blockAlign, want, f.channels, f.bits)
	}
	return f, nil
}

// decodeData reads sample frames from at most limit bytes, stopping early
// at the end of the input, and returns them with the number of bytes read.
// A trailing partial frame is dropped.
func decodeData(r io.Reader, f *format, limit int64) (Clip, int64, error) {
	c := Clip{Rate: f.rate}
	// Preallocate at most one step's worth: append grows the slice with
	// the bytes actually read, never with the declared size.
	c.Samples = make([]float32, 0, min(max(limit/int64(f.blockAlign), 0), 1<<20))
	blockFrames := blockBytes / f.blockAlign
	buf := make([]byte, blockFrames*f.blockAlign)
	var done int64 // bytes read
	for done < limit {
		b := buf[:min(int64(len(buf)), limit-done)]
		m, err := io.ReadFull(r, b)
		done += int64(m)
		c.Samples = appendFrames(c.Samples, b[:m-m%f.blockAlign], f)
		if len(c.Samples) > math.MaxInt32 {
			return Clip{}, done, unsupported("more than %d frames", math.MaxInt32)
		}
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			return Clip{}, done, fmt.Errorf("read data chunk: %w", err)
		}
	}
	return c, done, nil
}

// appendFrames converts whole frames of b to mono float32 samples.
func appendFrames(dst []float32, b []byte, f *format) []float32 {
	le := binary.LittleEndian
	ch := f.channels
	inv := 1 / float64(ch)
	bps := f.bits / 8
	for off := 0; off+f.blockAlign <= len(b); off += f.blockAlign {
		var sum float64
		for c := 0; c < ch; c++ {
			p := b[off+c*bps:]
			var v float64
			switch {
			case f.tag == tagFloat && bps == 4:
				v = float64(math.Float32frombits(le.Uint32(p)))
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 0
				}
			case f.tag == tagFloat:
				v = math.Float64frombits(le.Uint64(p))
				if math.IsNaN(v) || math.IsInf(v, 0) {
					v = 0
				}
			case f.tag == tagMuLaw:
				v = float64(muLaw(p[0])) / (1 << 15)
			case f.tag == tagALaw:
				v = float64(aLaw(p[0])) / (1 << 15)
			case bps == 1:
				v = (float64(p[0]) - 128) / 128
			case bps == 2:
				v = float64(int16(le.Uint16(p))) / (1 << 15)
			case bps == 3:
				x := int32(uint32(p[0])<<8|uint32(p[1])<<16|uint32(p[2])<<24) >> 8
				v = float64(x) / (1 << 23)
			default:
				v = float64(int32(le.Uint32(p))) / (1 << 31)
			}
			sum += v
		}
		if ch > 1 {
			sum *= inv
		}
		dst = append(dst, float32(sum))
	}
	return dst
}

// muLaw decodes a G.711 mu-law byte to 16-bit linear PCM (the decoder of
// ITU-T G.711 and sox: a sign, a 3-bit exponent and a 4-bit mantissa,
// stored inverted; range +-32124).
func muLaw(b byte) int16 {
	u := ^b
	mag := (int(u&0x0F)<<3 + 0x84) << ((u >> 4) & 7)
	if u&0x80 != 0 {
		return int16(0x84 - mag)
	}
	return int16(mag - 0x84)
}

// aLaw decodes a G.711 A-law byte to 16-bit linear PCM (even bits stored
// inverted, sign bit set for positive values; range +-32256).
func aLaw(b byte) int16 {
	a := b ^ 0x55
	e := (a >> 4) & 7
	mag := int(a&0x0F)<<4 + 8
	if e > 0 {
		mag = (mag + 0x100) << (e - 1)
	}
	if a&0x80 != 0 {
		return int16(mag)
	}
	return int16(-mag)
}

// headerSize is the size of the canonical header WriteWAV and PartWriter
// write: RIFF(12) + fmt chunk(8+16) + data chunk header(8).
const headerSize = 44

// maxDataBytes keeps the RIFF size (data + 36) within 32 bits.
const maxDataBytes = math.MaxUint32 - headerSize

// putHeader writes the canonical 16-bit mono PCM header for dataBytes bytes.
func putHeader(b []byte, rate int, dataBytes uint32) {
	le := binary.LittleEndian
	copy(b[0:4], "RIFF")
	le.PutUint32(b[4:8], dataBytes+headerSize-8)
	copy(b[8:12], "WAVE")
	copy(b[12:16], "fmt ")
	le.PutUint32(b[16:20], 16)
	le.PutUint16(b[20:22], tagPCM)
	le.PutUint16(b[22:24], 1)
	le.PutUint32(b[24:28], uint32(rate))
	le.PutUint32(b[28:32], uint32(rate*2))
	le.PutUint16(b[32:34], 2)
	le.PutUint16(b[34:36], 16)
	copy(b[36:40], "data")
	le.PutUint32(b[40:44], dataBytes)
}

// to16 converts a sample to 16-bit PCM: scaled by 32768 (the inverse of the
// reader), rounded, clipped to the int16 range. NaN becomes 0.
func to16(s float32) int16 {
	v := math.Round(float64(s) * (1 << 15))
	switch {
	case v >= math.MaxInt16:
		return math.MaxInt16
	case v <= math.MinInt16:
		return math.MinInt16
	case v != v:
		return 0
	}
	return int16(v)
}

// encode16 appends samples as little-endian 16-bit PCM to dst.
func encode16(dst []byte, s []float32) []byte {
	for _, x := range s {
		v := uint16(to16(x))
		dst = append(dst, byte(v), byte(v>>8))
	}
	return dst
}

func checkRate(rate int) error {
	if rate < minRate || rate > maxRate {
		return fmt.Errorf("%w: sample rate %d Hz", ErrUnsupported, rate)
	}
	return nil
}

// WriteWAV writes c as a mono 16-bit PCM WAV file (samples clipped to
// [-1, 1), rounded to the nearest step).
func WriteWAV(w io.Writer, c Clip) error {
	if err := checkRate(c.Rate); err != nil {
		return fmt.Errorf("write wav: %w", err)
	}
	n := int64(len(c.Samples)) * 2
	if n > maxDataBytes {
		return fmt.Errorf("write wav: %d samples do not fit in a WAV file", len(c.Samples))
	}
	var hdr [headerSize]byte
	putHeader(hdr[:], c.Rate, uint32(n))
	if _, err := w.Write(hdr[:]); err != nil {
		return fmt.Errorf("write wav: %w", err)
	}
	buf := make([]byte, 0, blockBytes)
	for s := c.Samples; len(s) > 0; {
		k := min(len(s), blockBytes/2)
		buf = encode16(buf[:0], s[:k])
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("write wav: %w", err)
		}
		s = s[k:]
	}
	return nil
}

// WriteFile writes c to path as a 16-bit PCM WAV file. It writes path+".part",
// syncs it and renames it, so path is either the old file or the whole new one.
func WriteFile(path string, c Clip) error {
	if err := checkRate(c.Rate); err != nil {
		return fmt.Errorf("write wav %s: %w", path, err)
	}
	p, err := CreatePart(path, c.Rate)
	if err != nil {
		return err
	}
	if err := p.Write(c.Samples); err != nil {
		p.Abort()
		return err
	}
	return p.Close()
}
