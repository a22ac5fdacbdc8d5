package pcm

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ramp16 is n 16-bit samples k*100, k = 0..n-1, as little-endian bytes.
func ramp16(n int) []byte {
	var b []byte
	for k := range n {
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(k*100)))
	}
	return b
}

// readBoth reads b with a known length and as a plain stream, and fails the
// test unless both give the same samples and warnings.
func readBoth(t *testing.T, b []byte) (Clip, Info) {
	t.Helper()
	c, info, err := ReadWAVInfo(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("known length: %v", err)
	}
	c2, info2, err := ReadWAVInfo(struct{ *bytes.Reader }{bytes.NewReader(b)})
	if err != nil {
		t.Fatalf("stream: %v", err)
	}
	if len(c.Samples) != len(c2.Samples) || strings.Join(info.Warnings, "|") != strings.Join(info2.Warnings, "|") {
		t.Fatalf("known length: %d samples %q; stream: %d samples %q", len(c.Samples), info.Warnings, len(c2.Samples), info2.Warnings)
	}
	return c, info
}

// Files cut short and headers a streaming writer could not fill in are read
// as far as they go, as sox reads them, with a warning that says why.
func TestReadTolerant(t *testing.T) {
	le := binary.LittleEndian
	good := makeWAV(tagPCM, 1, 16000, 16, ramp16(50))
	const dataSize = 40 // offset of the data chunk's size in makeWAV's files
	set := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		le.PutUint32(b[off:], v)
		return b
	}
	both := func(riff, data uint32) []byte {
		b := set(4, riff)
		le.PutUint32(b[dataSize:], data)
		return b
	}
	cases := []struct {
		name    string
		b       []byte
		samples int
		warn    string // "" = no warning
	}{
		{"well-formed", good, 50, ""},
		{"data cut short", good[:len(good)-21], 39, "truncated"}, // 79 bytes: 39 whole samples
		{"data size 0", set(dataSize, 0), 50, "unset"},
		{"data size 0xFFFFFFFF", set(dataSize, 0xFFFFFFFF), 50, "unset"},
		{"data size of sox on a pipe", set(dataSize, 0x7FFFF000), 50, "unset"},
		{"data size too large", set(dataSize, 1000), 50, "truncated"},
		{"RIFF size 0", set(4, 0), 50, "RIFF size 0x0"},
		{"RIFF size 0xFFFFFFFF", set(4, 0xFFFFFFFF), 50, "RIFF size 0xffffffff"},
		{"both unset, ffmpeg", both(0xFFFFFFFF, 0xFFFFFFFF), 50, "unset"},
		{"both 0, recorder killed", both(0, 0), 50, "unset"},
		{"both 0, cut short", both(0, 0)[:len(good)-1], 49, "unset"},
		{"empty data, size 0", makeWAV(tagPCM, 1, 16000, 16, nil), 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, info := readBoth(t, tc.b)
			if len(c.Samples) != tc.samples {
				t.Fatalf("%d samples, want %d", len(c.Samples), tc.samples)
			}
			for k, v := range c.Samples {
				if want := float32(k*100) / 32768; v != want {
					t.Fatalf("sample %d = %v, want %v", k, v, want)
				}
			}
			w := strings.Join(info.Warnings, "; ")
			if tc.warn == "" && w != "" || !strings.Contains(w, tc.warn) {
				t.Errorf("warnings %q, want one mentioning %q", w, tc.warn)
			}
			if info.Rate != 16000 || info.Channels != 1 || info.Format != "16-bit PCM" {
				t.Errorf("info %+v", info)
			}
		})
	}
	// A chunk other than data still has to fit: the reader stays strict.
	if _, err := ReadWAV(bytes.NewReader(makeWAV(tagPCM, 1, 16000, 16, ramp16(4), []byte("LIST\x00\x10\x00\x00ab")))); err == nil {
		t.Error("a LIST chunk larger than the file was accepted")
	}
	// The path API gives the same warnings.
	p := filepath.Join(t.TempDir(), "cut.wav")
	if err := os.WriteFile(p, good[:len(good)-20], 0o644); err != nil {
		t.Fatal(err)
	}
	c, info, err := ReadFileInfo(p)
	if err != nil || len(c.Samples) != 40 || len(info.Warnings) != 1 {
		t.Fatalf("ReadFileInfo: %d samples, %q, %v", len(c.Samples), info.Warnings, err)
	}
	if c2, err := ReadFile(p); err != nil || len(c2.Samples) != 40 {
		t.Fatalf("ReadFile: %d samples, %v", len(c2.Samples), err)
	}
}

// G.711 decoding, checked against values of the ITU-T tables.
func TestReadG711(t *testing.T) {
	cases := []struct {
		name   string
		tag    int
		format string
		in     []byte
		want   []int16
	}{
		// mu-law: 0xFF and 0x7F are the two zeros, 0x80/0x00 the extremes.
		{"mu-law", tagMuLaw, "8-bit mu-law", []byte{0xFF, 0x7F, 0x80, 0x00, 0xFE, 0xF0, 0x70}, []int16{0, 0, 32124, -32124, 8, 120, -120}},
		// A-law: 0xD5/0x55 are +-8 (no zero), 0xAA/0x2A the extremes.
		{"A-law", tagALaw, "8-bit A-law", []byte{0xD5, 0x55, 0xAA, 0x2A, 0xD4, 0xC5}, []int16{8, -8, 32256, -32256, 24, 264}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, info := readBoth(t, makeWAV(tc.tag, 1, 8000, 8, tc.in))
			if info.Format != tc.format || len(info.Warnings) != 0 {
				t.Errorf("info %+v", info)
			}
			if len(c.Samples) != len(tc.want) {
				t.Fatalf("%d samples", len(c.Samples))
			}
			for i, w := range tc.want {
				if got := c.Samples[i] * 32768; got != float32(w) {
					t.Errorf("byte %#x: %v, want %d", tc.in[i], got, w)
				}
			}
		})
	}
	// Every code decodes to a distinct value but the two mu-law zeros, and
	// the decoders are odd functions (sign bit flips the sign).
	seen := map[int16]bool{}
	for b := range 256 {
		m := muLaw(byte(b))
		if seen[m] && m != 0 {
			t.Errorf("mu-law %#x repeats %d", b, m)
		}
		seen[m] = true
		if muLaw(byte(b)^0x80) != -m || aLaw(byte(b)^0x80) != -aLaw(byte(b)) {
			t.Errorf("code %#x: not odd", b)
		}
	}
}

// Files sox writes in mu-law and A-law decode to exactly what sox decodes
// them to, and match the original to the codec's precision.
func TestReadG711Sox(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		t.Skip("sox not installed; TestReadG711 covers the decoders")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.wav")
	c := Clip{Rate: 8000, Samples: make([]float32, 8000)}
	for i := range c.Samples {
		c.Samples[i] = float32(0.5*math.Sin(2*math.Pi*220*float64(i)/8000) + 0.1*math.Sin(2*math.Pi*1300*float64(i)/8000))
	}
	if err := WriteFile(src, c); err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{"u-law", "a-law"} {
		t.Run(enc, func(t *testing.T) {
			coded := filepath.Join(dir, enc+".wav")
			lin := filepath.Join(dir, enc+"-lin.wav")
			for _, args := range [][]string{{src, "-e", enc, coded}, {coded, "-e", "signed", "-b", "16", lin}} {
				if out, err := exec.Command(sox, args...).CombinedOutput(); err != nil {
					t.Fatalf("sox %v: %v\n%s", args, err, out)
				}
			}
			got, info, err := ReadFileInfo(coded)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := ReadFile(lin)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(info.Format, "8-bit") || len(info.Warnings) != 0 {
				t.Errorf("info %+v", info)
			}
			if len(got.Samples) != len(ref.Samples) || len(got.Samples) != len(c.Samples) {
				t.Fatalf("%d samples, sox %d, source %d", len(got.Samples), len(ref.Samples), len(c.Samples))
			}
			for i := range got.Samples {
				if got.Samples[i] != ref.Samples[i] {
					t.Fatalf("sample %d: %v, sox %v", i, got.Samples[i], ref.Samples[i])
				}
				// G.711 keeps about 3 % of the amplitude at these levels.
				if d := math.Abs(float64(got.Samples[i] - c.Samples[i])); d > 0.04*math.Abs(float64(c.Samples[i]))+1e-3 {
					t.Fatalf("sample %d: %v, source %v", i, got.Samples[i], c.Samples[i])
				}
			}
		})
	}
}

// A file sox writes to a pipe (sizes it cannot fill in) and a copy cut
// short are read as sox reads them: the same samples.
func TestReadSoxStreamed(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil {
		t.Skip("sox not installed; TestReadTolerant covers the headers")
	}
	dir := t.TempDir()
	out, err := exec.Command(sox, "-n", "-r", "16000", "-b", "16", "-t", "wav", "-", "synth", "0.5", "sine", "300").Output()
	if err != nil {
		t.Fatalf("sox: %v", err)
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{{"pipe", out}, {"pipe, cut", out[:len(out)-1001]}} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "in.wav")
			if err := os.WriteFile(p, tc.b, 0o644); err != nil {
				t.Fatal(err)
			}
			raw, err := exec.Command(sox, p, "-t", "raw", "-e", "signed", "-b", "16", "-").Output()
			if err != nil {
				t.Fatalf("sox: %v", err)
			}
			c, info := readBoth(t, tc.b)
			if len(info.Warnings) == 0 {
				t.Error("no warning")
			}
			if len(c.Samples) != len(raw)/2 {
				t.Fatalf("%d samples, sox reads %d", len(c.Samples), len(raw)/2)
			}
			for i := range c.Samples {
				if want := float32(int16(binary.LittleEndian.Uint16(raw[2*i:]))) / 32768; c.Samples[i] != want {
					t.Fatalf("sample %d: %v, sox %v", i, c.Samples[i], want)
				}
			}
		})
	}
}
