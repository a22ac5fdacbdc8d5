package pcm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// makeWAV builds a WAV file by hand: fmt chunk from the arguments, then the
// extra chunks, then a data chunk holding data.
func makeWAV(tag, channels, rate, bits int, data []byte, extra ...[]byte) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	b.WriteString("RIFF\x00\x00\x00\x00WAVE")
	fmtc := make([]byte, 16)
	le.PutUint16(fmtc[0:], uint16(tag))
	le.PutUint16(fmtc[2:], uint16(channels))
	le.PutUint32(fmtc[4:], uint32(rate))
	le.PutUint32(fmtc[8:], uint32(rate*channels*bits/8))
	le.PutUint16(fmtc[12:], uint16(channels*bits/8))
	le.PutUint16(fmtc[14:], uint16(bits))
	b.WriteString("fmt ")
	binary.Write(&b, le, uint32(16))
	b.Write(fmtc)
	for _, e := range extra {
		b.Write(e)
	}
	b.WriteString("data")
	binary.Write(&b, le, uint32(len(data)))
	b.Write(data)
	out := b.Bytes()
	le.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func TestReadFormats(t *testing.T) {
	le := binary.LittleEndian
	want := []float64{0, 0.5, -0.5, -1}
	cases := []struct {
		name      string
		tag, bits int
		put       func(v float64) []byte
		tol       float64
	}{
		{"8-bit", tagPCM, 8, func(v float64) []byte { return []byte{byte(int(v*128) + 128)} }, 1.0 / 128},
		{"16-bit", tagPCM, 16, func(v float64) []byte { return le.AppendUint16(nil, uint16(int16(v*32768))) }, 0},
		{"24-bit", tagPCM, 24, func(v float64) []byte {
			x := uint32(int32(v * (1 << 23)))
			return []byte{byte(x), byte(x >> 8), byte(x >> 16)}
		}, 0},
		{"32-bit", tagPCM, 32, func(v float64) []byte { return le.AppendUint32(nil, uint32(int32(v*(1<<31)))) }, 0},
		{"float32", tagFloat, 32, func(v float64) []byte { return le.AppendUint32(nil, math.Float32bits(float32(v))) }, 0},
		{"float64", tagFloat, 64, func(v float64) []byte { return le.AppendUint64(nil, math.Float64bits(v)) }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var data []byte
			for _, v := range want {
				data = append(data, tc.put(v)...)
			}
			c, err := ReadWAV(bytes.NewReader(makeWAV(tc.tag, 1, 16000, tc.bits, data)))
			if err != nil {
				t.Fatal(err)
			}
			if c.Rate != 16000 || len(c.Samples) != len(want) {
				t.Fatalf("rate %d, %d samples", c.Rate, len(c.Samples))
			}
			for i, v := range want {
				if math.Abs(float64(c.Samples[i])-v) > tc.tol {
					t.Errorf("sample %d = %v, want %v", i, c.Samples[i], v)
				}
			}
		})
	}
}

func TestReadStereoDownmixAndChunks(t *testing.T) {
	le := binary.LittleEndian
	var data []byte
	for _, v := range []int16{16384, 0, -16384, -16384} { // L R L R
		data = le.AppendUint16(data, uint16(v))
	}
	list := append([]byte("LIST\x03\x00\x00\x00abc"), 0) // odd size + pad byte
	c, err := ReadWAV(bytes.NewReader(makeWAV(tagPCM, 2, 44100, 16, data, list)))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Samples) != 2 || c.Samples[0] != 0.25 || c.Samples[1] != -0.5 {
		t.Fatalf("got %v, want [0.25 -0.5]", c.Samples)
	}
}

func TestReadFloatNaN(t *testing.T) {
	le := binary.LittleEndian
	var data []byte
	for _, v := range []float32{float32(math.NaN()), float32(math.Inf(1)), 0.25} {
		data = le.AppendUint32(data, math.Float32bits(v))
	}
	c, err := ReadWAV(bytes.NewReader(makeWAV(tagFloat, 1, 8000, 32, data)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Samples[0] != 0 || c.Samples[1] != 0 || c.Samples[2] != 0.25 {
		t.Fatalf("got %v", c.Samples)
	}
}

func TestReadErrors(t *testing.T) {
	good := makeWAV(tagPCM, 1, 16000, 16, make([]byte, 100))
	trunc := good[:30] // cut inside the fmt chunk
	lying := makeWAV(tagPCM, 1, 16000, 16, make([]byte, 100), []byte("LIST\x00\x01\x00\x00abc"))
	hugeList := makeWAV(tagPCM, 1, 16000, 16, nil, []byte("LIST\xff\xff\xff\x7f"))
	cases := []struct {
		name string
		b    []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrCorrupt, "empty"},
		{"text", []byte("hello, this is not a wav file"), ErrCorrupt, "not a RIFF"},
		{"truncated header", trunc, ErrCorrupt, "truncated"},
		{"lying LIST size", lying, ErrCorrupt, "only"},
		{"mu-law of 16 bits", makeWAV(tagMuLaw, 1, 8000, 16, nil), ErrUnsupported, "G.711"},
		{"huge chunk", hugeList, ErrCorrupt, "LIST"},
		{"mp3 in wav", makeWAV(0x55, 1, 16000, 16, nil), ErrUnsupported, "compressed"},
		{"12-bit", makeWAV(tagPCM, 1, 16000, 12, nil), ErrUnsupported, "12-bit"},
		{"rate 0", makeWAV(tagPCM, 1, 0, 16, nil), ErrCorrupt, "rate"},
		{"no channels", makeWAV(tagPCM, 0, 16000, 16, nil), ErrCorrupt, "channels"},
		{"16 channels", makeWAV(tagPCM, 16, 16000, 16, nil), ErrUnsupported, "channels"},
		{"rf64", append([]byte("RF64"), good[4:]...), ErrUnsupported, "RF64"},
		{"no fmt", []byte("RIFF\x04\x00\x00\x00WAVE"), ErrCorrupt, "no fmt"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadWAV(bytes.NewReader(tc.b))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %q, want it to mention %q", err, tc.msg)
			}
			// Without a known length (a plain io.Reader) the same verdict.
			_, err = ReadWAV(struct{ *bytes.Reader }{bytes.NewReader(tc.b)})
			if !errors.Is(err, tc.want) {
				t.Fatalf("streaming: err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestReadFileNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.wav")
	os.WriteFile(p, []byte("RIFFxxxx"), 0o644)
	_, err := ReadFile(p)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "bad.wav") {
		t.Fatalf("err = %v", err)
	}
	_, err = ReadFile(filepath.Join(t.TempDir(), "missing.wav"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.wav") {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	c := Clip{Rate: 48000, Samples: make([]float32, 100000)}
	for i := range c.Samples {
		c.Samples[i] = float32(math.Sin(float64(i)*0.01)) * 0.9
	}
	c.Samples[0], c.Samples[1] = 2, -2 // clipped
	p := filepath.Join(t.TempDir(), "x.wav")
	if err := WriteFile(p, c); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p + PartSuffix); !os.IsNotExist(err) {
		t.Errorf(".part left behind: %v", err)
	}
	got, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rate != c.Rate || len(got.Samples) != len(c.Samples) {
		t.Fatalf("rate %d len %d", got.Rate, len(got.Samples))
	}
	if got.Samples[0] != 32767.0/32768 || got.Samples[1] != -1 {
		t.Errorf("clipping: %v %v", got.Samples[0], got.Samples[1])
	}
	for i := 2; i < len(c.Samples); i++ {
		if d := math.Abs(float64(got.Samples[i] - c.Samples[i])); d > 0.5/32768+1e-7 {
			t.Fatalf("sample %d off by %g", i, d)
		}
	}
	var b bytes.Buffer
	if err := WriteWAV(&b, c); err != nil {
		t.Fatal(err)
	}
	disk, _ := os.ReadFile(p)
	if !bytes.Equal(b.Bytes(), disk) {
		t.Error("WriteWAV and WriteFile differ")
	}
	if err := WriteWAV(&b, Clip{Rate: 0}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("rate 0: %v", err)
	}
}
