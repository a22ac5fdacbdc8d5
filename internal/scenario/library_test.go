package scenario_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math"
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
	if len(lib) == 0 {
		t.Fatal("no bundled scenarios")
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
	out := []scenario.Line{t.Line}
	if t.Softened != nil {
		out = append(out, *t.Softened)
	}
	if t.Escalated != nil {
		out = append(out, *t.Escalated)
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

// levels measures a line the simple way: 20 ms frames, a frame is speech
// when its RMS is above -40 dBFS (the generated lines have digital silence
// between phrases); it returns the level of the first and second half of
// the speech frames and the pauses (>= 0.3 s) between the first and last
// speech frame.
func levels(x []float64) (firstDB, secondDB float64, pauses []float64) {
	const frame = 320
	thr := math.Pow(10, -40.0/20)
	var speech []float64 // energy of each speech frame
	gap := 0
	for i := 0; i+frame <= len(x); i += frame {
		e := 0.0
		for _, s := range x[i : i+frame] {
			e += s * s
		}
		if math.Sqrt(e/frame) <= thr {
			gap++
			continue
		}
		if len(speech) > 0 && float64(gap)*0.02 >= 0.3 {
			pauses = append(pauses, float64(gap)*0.02)
		}
		gap = 0
		speech = append(speech, e)
	}
	db := func(es []float64) float64 {
		sum := 0.0
		for _, e := range es {
			sum += e
		}
		return 10 * math.Log10(sum/float64(len(es)*frame)+1e-20)
	}
	half := len(speech) / 2
	return db(speech[:half]), db(speech[half:]), pauses
}

// TestBundledDelivery measures every bundled line and checks its tags hold:
// escalating = second half >= 2 dB louder, hesitant = a pause, calm = halves
// within 2 dB.
func TestBundledDelivery(t *testing.T) {
	lib, _ := scenario.Load(scenarios.FS, assets.FS)
	for _, s := range lib {
		for _, turn := range s.Turns {
			for _, l := range lines(turn) {
				data, err := fs.ReadFile(assets.FS, l.Audio)
				if err != nil {
					t.Errorf("%s: %v", l.Audio, err)
					continue
				}
				x, err := readWAV16(data)
				if err != nil {
					t.Errorf("%s: %v", l.Audio, err)
					continue
				}
				first, second, pauses := levels(x)
				t.Logf("%-48s %-22v first %6.1f dBFS second %6.1f dBFS (%+5.1f dB) pauses %v", l.Audio, l.Tags, first, second, second-first, pauses)
				if l.HasTag(scenario.TagEscalating) && second-first < 2 {
					t.Errorf("%s: escalating but second half only %+.1f dB", l.Audio, second-first)
				}
				if l.HasTag(scenario.TagCalm) && math.Abs(second-first) >= 2 {
					t.Errorf("%s: calm but halves differ by %+.1f dB", l.Audio, second-first)
				}
				if l.HasTag(scenario.TagHesitant) && len(pauses) == 0 {
					t.Errorf("%s: hesitant but no pause", l.Audio)
				}
			}
		}
	}
}
