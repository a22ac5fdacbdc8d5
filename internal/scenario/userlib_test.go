package scenario_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"fallback/assets"
	"fallback/internal/scenario"
	"fallback/scenarios"
)

func TestLoadLibraryWithUserFolder(t *testing.T) {
	dup := strings.Replace(string(scenarios.Template), `id = "my-scenario"`, `id = "missed-delivery"`, 1)
	user := fstest.MapFS{
		"mine.toml":                          {Data: scenarios.Template},
		"dup.toml":                           {Data: []byte(dup)},
		"broken.toml":                        {Data: []byte("id = \n")},
		"voices/my-scenario/attack-line.wav": {Data: mustRead(t, "voices/missed-delivery/attack-line.wav")},
	}
	audio := scenario.Overlay(user, assets.FS)
	bundled, _ := scenario.Load(scenarios.FS, assets.FS)
	got, errs := scenario.LoadLibrary(scenarios.FS, user, "/data/scenarios", audio)
	if len(got) != len(bundled)+1 {
		t.Fatalf("loaded %d scenarios, want the %d bundled plus mine", len(got), len(bundled))
	}
	var mine *scenario.Scenario
	for i := range got {
		if got[i].ID == "my-scenario" {
			mine = &got[i]
		}
	}
	if mine == nil {
		t.Fatal("the user's scenario (no audio yet) did not load")
	}
	if !strings.HasPrefix(mine.Source, "/data/scenarios/") {
		t.Errorf("user scenario source = %q, want it under the user folder", mine.Source)
	}
	joined := ""
	for _, e := range errs {
		joined += e.Error() + "\n"
	}
	for _, want := range []string{"dup.toml", "already used by a bundled scenario", "broken.toml"} {
		if !strings.Contains(joined, want) {
			t.Errorf("errors lack %q:\n%s", want, joined)
		}
	}
	missing := scenario.MissingAudio(*mine, audio)
	if len(missing) != len(mine.Lines())-1 {
		t.Errorf("missing audio = %v, want every line but the recorded attack line (%d lines)", missing, len(mine.Lines()))
	}
	for _, m := range missing {
		if m == "voices/my-scenario/attack-line.wav" {
			t.Errorf("the recorded line is listed as missing")
		}
	}
}

func TestLinesOrder(t *testing.T) {
	scs, _ := scenario.Load(scenarios.FS, assets.FS)
	for _, s := range scs {
		refs := s.LineRefs()
		if len(refs) == 0 || refs[0].Variant != scenario.VariantLine || refs[0].Turn != 0 {
			t.Fatalf("%s: first line ref = %+v, want turn 0's line", s.ID, refs[0])
		}
		n := 0
		for _, tr := range s.Turns {
			n++
			if tr.Softened != nil {
				n++
			}
			if tr.Escalated != nil {
				n++
			}
			if tr.StillThere != nil {
				n++
			}
		}
		if len(refs) != n {
			t.Errorf("%s: %d line refs, want %d", s.ID, len(refs), n)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := assets.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
