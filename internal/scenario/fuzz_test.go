package scenario_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fallback/internal/scenario"
	"fallback/scenarios"
)

// FuzzParse feeds Parse arbitrary bytes. Seeds: testdata/seeds/*.toml and
// the bundled scenarios. Parse must not panic, must be deterministic, and
// must either return a scenario that holds the format's invariants or a
// Problems error whose entries all name the file and a line inside it.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "seeds", "*.toml"))
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	bundled, _ := fs.Glob(scenarios.FS, "*.toml")
	for _, p := range bundled {
		data, _ := fs.ReadFile(scenarios.FS, p)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse("f.toml", data)
		s2, err2 := scenario.Parse("f.toml", data)
		if !reflect.DeepEqual(s, s2) || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("Parse is not deterministic")
		}
		if err != nil {
			var ps scenario.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %T %v is not a non-empty Problems", err, err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, p := range ps {
				if p.File != "f.toml" || p.Line < 0 || p.Line > lines || p.Msg == "" {
					t.Fatalf("bad problem %+v (file has %d lines)", p, lines)
				}
			}
			return
		}
		checkInvariants(t, s)
	})
}

func checkInvariants(t *testing.T, s scenario.Scenario) {
	t.Helper()
	if s.ID == "" || s.Title == "" || s.Brief == "" || s.Persona.Name == "" {
		t.Fatalf("empty required field in %+v", s)
	}
	if s.Difficulty < 1 || s.Difficulty > 3 {
		t.Fatalf("difficulty %d", s.Difficulty)
	}
	if len(s.Turns) == 0 || len(s.Turns) > scenario.MaxTurns {
		t.Fatalf("%d turns", len(s.Turns))
	}
	ids := map[string]bool{}
	for i, turn := range s.Turns {
		if ids[turn.ID] {
			t.Fatalf("duplicate turn id %q", turn.ID)
		}
		ids[turn.ID] = true
		if !turn.Step.Valid() || turn.Model == "" || len(turn.Checks) == 0 {
			t.Fatalf("turn %d: %+v", i, turn)
		}
		if (i == 0) != (turn.Softened == nil) || (i == 0) != (turn.Escalated == nil) || i == 0 && turn.StillThere != nil {
			t.Fatalf("turn %d: variants wrong", i)
		}
		if turn.Targets.MinLatency < 0 || turn.Targets.MaxLatency > scenario.MaxLatency {
			t.Fatalf("turn %d: targets %+v", i, turn.Targets)
		}
		for _, l := range lines(turn) {
			if strings.TrimSpace(l.Text) == "" || !fs.ValidPath(l.Audio) {
				t.Fatalf("turn %d: line %+v", i, l)
			}
		}
	}
}

// TestSeedsParse pins what each seed gives, so the seeds stay meaningful.
func TestSeedsParse(t *testing.T) {
	for name, wantOK := range map[string]bool{
		"valid.toml":           true,
		"inline-variants.toml": true,
		"literal-strings.toml": true,
		"still-there.toml":     true,
		"unknown-keys.toml":    false,
		"syntax-error.toml":    false,
		"wrong-types.toml":     false,
		"nested-tables.toml":   false,
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		s, err := scenario.Parse(name, data)
		if (err == nil) != wantOK {
			t.Errorf("%s: err = %v, want ok %v", name, err, wantOK)
		}
		if err == nil {
			checkInvariants(t, s)
		}
	}
}
