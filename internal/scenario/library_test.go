package scenario_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fallback/assets"
	"fallback/internal/scenario"
	"fallback/scenarios"
)

// TestBundledLibrary loads the embedded scenarios against the embedded audio:
// no file may have a problem, and the library has the shape issue 5 asks for.
func TestBundledLibrary(t *testing.T) {
	lib, errs := scenario.Load(scenarios.FS, assets.FS)
	for _, err := range errs {
		t.Errorf("bundled scenario: %v", err)
	}
	if len(lib) < 8 {
		t.Errorf("%d bundled scenarios, want at least 8", len(lib))
	}
	voices := map[string]bool{}
	for _, s := range lib {
		voices[s.Persona.Voice] = true
	}
	if len(voices) < 4 {
		t.Errorf("only %d distinct voices", len(voices))
	}
	for _, s := range lib {
		if n := len(s.Turns); n < 3 || n > 5 {
			t.Errorf("%s: %d turns, want 3..5", s.ID, n)
		}
		if s.Persona.Voice == "" {
			t.Errorf("%s: persona has no voice for tools/voices", s.ID)
		}
		for _, turn := range s.Turns {
			if n := len(turn.Checks); n < 2 || n > 4 {
				t.Errorf("%s/%s: %d checks, want 2..4", s.ID, turn.ID, n)
			}
			for _, l := range lines(turn) {
				if len(l.Tags) == 0 {
					t.Errorf("%s/%s: line %q has no delivery tag", s.ID, turn.ID, l.Text)
				}
			}
		}
	}
}

// TestBundledAudioFormat checks every bundled file is 16 kHz mono 16-bit PCM
// and that no file is left over from a removed line.
func TestBundledAudioFormat(t *testing.T) {
	lib, _ := scenario.Load(scenarios.FS, assets.FS)
	used := map[string]bool{}
	for _, s := range lib {
		for _, turn := range s.Turns {
			for _, l := range lines(turn) {
				used[l.Audio] = true
			}
		}
	}
	total := 0
	err := fs.WalkDir(assets.FS, "voices", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.FS, p)
		if err != nil {
			return err
		}
		total += len(data)
		if !used[p] {
			t.Errorf("%s: no scenario line uses it", p)
		}
		if _, err := readWAV16(data); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bundled audio: %d files, %.1f MiB", len(used), float64(total)/(1<<20))
}

func lines(t scenario.Turn) []scenario.Line {
	var out []scenario.Line
	for _, v := range scenario.Variants {
		if l := t.Variant(v); l != nil {
			out = append(out, *l)
		}
	}
	return out
}

// readWAV16 reads the 16 kHz mono 16-bit PCM files tools/voices writes.
func readWAV16(b []byte) ([]float64, error) {
	if len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " {
		return nil, errors.New("not a RIFF WAVE file")
	}
	le := binary.LittleEndian
	format, channels, rate, bits := le.Uint16(b[20:]), le.Uint16(b[22:]), le.Uint32(b[24:]), le.Uint16(b[34:])
	if format != 1 || channels != 1 || rate != 16000 || bits != 16 {
		return nil, fmt.Errorf("format %d, %d channel(s), %d Hz, %d bit; want PCM mono 16 kHz 16 bit", format, channels, rate, bits)
	}
	if string(b[36:40]) != "data" || int(le.Uint32(b[40:])) != len(b)-44 {
		return nil, errors.New("data chunk does not end the file")
	}
	x := make([]float64, (len(b)-44)/2)
	for i := range x {
		x[i] = float64(int16(le.Uint16(b[44+2*i:]))) / 32768
	}
	return x, nil
}

// TestTemplate: the new-scenario template parses; only its audio is missing.
func TestTemplate(t *testing.T) {
	s, err := scenario.Parse("new-scenario.toml", scenarios.Template)
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	if ps := scenario.CheckAudio(s, scenarios.Template, assets.FS); len(ps) != 7 {
		t.Errorf("template: %d audio problems, want 7 (every line): %v", len(ps), ps)
	}
}

// TestReadmeExample: the annotated example in scenarios/README.md parses.
func TestReadmeExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "```toml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("no toml example in README.md")
	}
	s, err := scenario.Parse("README.md", []byte(example))
	if err != nil {
		t.Fatalf("README example: %v", err)
	}
	if len(s.Turns) != 3 || s.Turns[2].Softened == nil {
		t.Errorf("README example: %d turns, want 3 with variants", len(s.Turns))
	}
}
