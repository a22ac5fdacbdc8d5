package scenario_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fallback/internal/scenario"
)

// valid is a small complete scenario; cases below break one thing at a time.
const valid = `id = "demo"
title = "Demo"
difficulty = 2
brief = "A short brief."

[persona]
name = "Ann"
company = "Acme"
role = "Buyer"
mood = "Cross"

[[turn]]
id = "one"
step = "fall-back"
text = "You let me down."
tags = ["angry"]
model = "I know you must be upset. Would that be a fair statement?"
checks = ["Owned it"]
min_latency = "800ms"
max_latency = "2s"

[[turn]]
id = "two"
step = "explain"
text = "What happened?"
model = "Briefly: we missed it, and here's what changed."
checks = ["Blamed no one", "Said what changed"]

[turn.softened]
text = "Okay, tell me what happened."
tags = ["calm"]

[turn.escalated]
text = "Well? What happened?!"
tags = ["escalating"]
`

func TestParseValid(t *testing.T) {
	s, err := scenario.Parse("demo.toml", []byte(valid))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if s.ID != "demo" || s.Title != "Demo" || s.Difficulty != 2 || s.Source != "demo.toml" {
		t.Errorf("header = %q %q %d %q", s.ID, s.Title, s.Difficulty, s.Source)
	}
	if s.Persona.Name != "Ann" || s.Persona.Mood != "Cross" {
		t.Errorf("persona = %+v", s.Persona)
	}
	if len(s.Turns) != 2 {
		t.Fatalf("got %d turns, want 2", len(s.Turns))
	}
	t1, t2 := s.Turns[0], s.Turns[1]
	if t1.Softened != nil || t1.Escalated != nil {
		t.Errorf("first turn has variants")
	}
	if t1.Step != scenario.StepFallBack || t1.Targets.MinLatency != 800*time.Millisecond || t1.Targets.MaxLatency != 2*time.Second {
		t.Errorf("turn 1 = %+v", t1)
	}
	if got, want := t1.Line.Audio, "voices/demo/one-line.wav"; got != want {
		t.Errorf("default audio = %q, want %q", got, want)
	}
	if t2.Softened == nil || t2.Escalated == nil {
		t.Fatalf("second turn lacks variants")
	}
	if got, want := t2.Escalated.Audio, "voices/demo/two-escalated.wav"; got != want {
		t.Errorf("escalated audio = %q, want %q", got, want)
	}
	if !t2.Escalated.HasTag(scenario.TagEscalating) || t2.Line.Tags != nil {
		t.Errorf("tags: escalated %v, line %v", t2.Escalated.Tags, t2.Line.Tags)
	}
	if len(t2.Checks) != 2 {
		t.Errorf("checks = %v", t2.Checks)
	}
}

// want is one expected problem: line, field and a piece of the message.
type want struct {
	line  int
	field string
	msg   string
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace old by new in valid
		want     []want
	}{
		{"empty text", `text = "You let me down."`, `text = "  "`,
			[]want{{15, "turn[1].text", "empty text"}}},
		{"unknown step", `step = "explain"`, `step = "argue"`,
			[]want{{24, "turn[2].step", `unknown step "argue"`}}},
		{"duplicate turn id", `id = "two"`, `id = "one"`,
			[]want{{23, "turn[2].id", `duplicate id "one"`}}},
		{"unknown field", `mood = "Cross"`, "mood = \"Cross\"\ncolour = \"red\"",
			[]want{{11, "persona.colour", "unknown field"}}},
		{"unknown field in variant", `tags = ["calm"]`, "tags = [\"calm\"]\nvolume = 3",
			[]want{{32, "turn[2].softened.volume", "unknown field"}}},
		{"unknown tag", `tags = ["angry"]`, `tags = ["shouty"]`,
			[]want{{16, "turn[1].tags", `unknown tag "shouty"`}}},
		{"bad latency", `min_latency = "800ms"`, `min_latency = "soon"`,
			[]want{{19, "turn[1].min_latency", "not a duration"}}},
		{"min above max", `min_latency = "800ms"`, `min_latency = "3s"`,
			[]want{{20, "turn[1].max_latency", "below min_latency"}}},
		{"difficulty", `difficulty = 2`, `difficulty = 5`,
			[]want{{3, "difficulty", "1, 2 or 3"}}},
		{"bad id", `id = "demo"`, `id = "Demo Scenario"`,
			[]want{{1, "id", "lower-case"}}},
		{"missing escalated", "[turn.escalated]\ntext = \"Well? What happened?!\"\ntags = [\"escalating\"]\n", "",
			[]want{{22, "turn[2]", "missing escalated line"}}},
		{"variant on first turn", "[[turn]]\nid = \"two\"", "[turn.softened]\ntext = \"x\"\n\n[[turn]]\nid = \"two\"",
			[]want{{22, "turn[1].softened", "first turn has no softened"}}},
		{"bad audio path", `text = "What happened?"`, "text = \"What happened?\"\naudio = \"../x.wav\"",
			[]want{{26, "turn[2].audio", "not a relative"}}},
		{"wrong type", `difficulty = 2`, `difficulty = "hard"`,
			[]want{{3, "difficulty", "want an integer, not a string"}}},
		{"wrong element type", `checks = ["Owned it"]`, `checks = ["Owned it", 3]`,
			[]want{{18, "turn[1].checks[2]", "want a string, not an integer"}}},
		{"table for string", `title = "Demo"`, `title = { a = 1 }`,
			[]want{{2, "title", "want a string, not a table"}}},
		{"syntax error", `title = "Demo"`, `title = "Demo`,
			[]want{{2, "", ""}}},
		{"several at once", `text = "You let me down."`, "text = \"\"\nstep = \"x\"",
			[]want{{16, "turn[1].step", "already been defined"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(valid, tc.old, tc.new, 1)
			if src == valid {
				t.Fatalf("replacement %q not found", tc.old)
			}
			_, err := scenario.Parse("demo.toml", []byte(src))
			if err == nil {
				t.Fatalf("Parse succeeded, want problems")
			}
			var ps scenario.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %T is not Problems: %v", err, err)
			}
			for _, w := range tc.want {
				if !hasProblem(ps, w) {
					t.Errorf("missing problem %+v in:\n%v", w, err)
				}
			}
			for _, p := range ps {
				if p.File != "demo.toml" {
					t.Errorf("problem %v: file = %q", p, p.File)
				}
			}
		})
	}
}

func hasProblem(ps scenario.Problems, w want) bool {
	for _, p := range ps {
		if p.Line == w.line && (w.field == "" || p.Field == w.field) && strings.Contains(p.Msg, w.msg) {
			return true
		}
	}
	return false
}

// TestParseReportsAll checks that one file with many faults yields one
// problem per fault, in line order.
func TestParseReportsAll(t *testing.T) {
	src := strings.NewReplacer(
		`title = "Demo"`, `title = ""`,
		`step = "explain"`, `step = "shout"`,
		`text = "Okay, tell me what happened."`, `text = ""`,
		`tags = ["escalating"]`, `tags = ["loud"]`,
	).Replace(valid)
	_, err := scenario.Parse("demo.toml", []byte(src))
	var ps scenario.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v", err)
	}
	wants := []want{
		{2, "title", "empty text"},
		{24, "turn[2].step", "unknown step"},
		{30, "turn[2].softened.text", "empty text"},
		{35, "turn[2].escalated.tags", "unknown tag"},
	}
	if len(ps) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(wants), err)
	}
	for i, w := range wants {
		if p := ps[i]; p.Line != w.line || p.Field != w.field || !strings.Contains(p.Msg, w.msg) {
			t.Errorf("problem %d = %v, want %+v", i, p, w)
		}
	}
	if got := ps[0].Error(); got != "demo.toml:2: title: empty text" {
		t.Errorf("Error() = %q", got)
	}
}

func TestLoad(t *testing.T) {
	other := strings.Replace(valid, `id = "demo"`, `id = "other"`, 1)
	fsys := fstest.MapFS{
		"a.toml":      {Data: []byte(valid)},
		"b.toml":      {Data: []byte(strings.Replace(valid, `step = "explain"`, `step = "x"`, 1))},
		"c.toml":      {Data: []byte(valid)}, // duplicate id
		"d.toml":      {Data: []byte(other)}, // audio missing
		"notes.txt":   {Data: []byte("not a scenario")},
		"sub/e.toml":  {Data: []byte(valid)}, // not at the root: ignored
		"empty.toml":  {Data: nil},
		"binary.toml": {Data: []byte{0xff, 0xfe, 0}},
	}
	audio := fstest.MapFS{}
	for _, v := range []string{"one-line", "two-line", "two-softened", "two-escalated"} {
		audio["voices/demo/"+v+".wav"] = &fstest.MapFile{Data: []byte("RIFF")}
	}
	got, errs := scenario.Load(fsys, audio)
	if len(got) != 1 || got[0].ID != "demo" || got[0].Source != "a.toml" {
		t.Errorf("loaded %+v, want demo from a.toml", got)
	}
	files := map[string]string{}
	for _, err := range errs {
		var ps scenario.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("error %T: %v", err, err)
		}
		files[ps[0].File] += err.Error()
	}
	for file, msg := range map[string]string{
		"b.toml":      "unknown step",
		"c.toml":      `duplicate scenario id "demo" (also in a.toml)`,
		"d.toml":      `missing audio "voices/other/one-line.wav"`,
		"empty.toml":  "missing id",
		"binary.toml": "not UTF-8",
	} {
		if !strings.Contains(files[file], msg) {
			t.Errorf("%s: errors %q lack %q", file, files[file], msg)
		}
	}
	if len(errs) != 5 {
		t.Errorf("got %d errors, want 5: %v", len(errs), errs)
	}
}

func TestMissingAudioHasLine(t *testing.T) {
	fsys := fstest.MapFS{"a.toml": {Data: []byte(valid)}}
	audio := fstest.MapFS{
		"voices/demo/one-line.wav":     {},
		"voices/demo/two-line.wav":     {},
		"voices/demo/two-softened.wav": {},
	}
	_, errs := scenario.Load(fsys, audio)
	if len(errs) != 1 {
		t.Fatalf("errs = %v", errs)
	}
	var ps scenario.Problems
	errors.As(errs[0], &ps)
	if len(ps) != 1 || ps[0].Line != 33 || ps[0].Field != "turn[2].escalated.audio" {
		t.Errorf("problem = %v, want line 33 turn[2].escalated.audio", errs[0])
	}
}

func TestCheckDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("demo.toml", valid)
	for _, v := range []string{"one-line", "two-line", "two-softened"} {
		write("voices/demo/"+v+".wav", "RIFF")
	}
	var out strings.Builder
	if n := scenario.CheckDir(dir, &out); n != 1 {
		t.Errorf("CheckDir = %d problems, want 1:\n%s", n, out.String())
	}
	wantLine := filepath.Join(dir, "demo.toml") + ":33: turn[2].escalated.audio: missing audio"
	if !strings.Contains(out.String(), wantLine) {
		t.Errorf("output lacks %q:\n%s", wantLine, out.String())
	}
	// The missing line is found in the fallback audio.
	fallback := fstest.MapFS{"voices/demo/two-escalated.wav": {}}
	out.Reset()
	if n := scenario.CheckDir(dir, &out, fallback); n != 0 {
		t.Errorf("with fallback: %d problems:\n%s", n, out.String())
	}
	if n := scenario.CheckDir(filepath.Join(dir, "nope"), &out); n == 0 {
		t.Errorf("missing folder gave no problem")
	}
}

func TestOverlay(t *testing.T) {
	user := fstest.MapFS{"voices/demo/one-line.wav": {Data: []byte("mine")}}
	bundled := fstest.MapFS{
		"voices/demo/one-line.wav": {Data: []byte("bundled")},
		"voices/demo/two-line.wav": {Data: []byte("bundled two")},
	}
	o := scenario.Overlay(user, bundled)
	for name, want := range map[string]string{
		"voices/demo/one-line.wav": "mine",
		"voices/demo/two-line.wav": "bundled two",
	} {
		got, err := fs.ReadFile(o, name)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	if !scenario.IsUser(o, "voices/demo/one-line.wav") || scenario.IsUser(o, "voices/demo/two-line.wav") {
		t.Errorf("IsUser wrong")
	}
	l := scenario.Line{Audio: "voices/demo/one-line.wav"}
	if got, want := scenario.UserAudioPath("/data/scenarios", l), filepath.FromSlash("/data/scenarios/voices/demo/one-line.wav"); got != want {
		t.Errorf("UserAudioPath = %q, want %q", got, want)
	}
}

func TestHints(t *testing.T) {
	for _, s := range scenario.Steps {
		if scenario.Hint(s) == "" || !s.Valid() {
			t.Errorf("step %q has no hint", s)
		}
	}
	if scenario.Hint("nope") != "" || scenario.Step("nope").Valid() {
		t.Errorf("unknown step has a hint")
	}
}

// stillThere is valid with an "are you still there?" line on its second turn.
var stillThere = valid + `
[turn.still_there]
text = "Hello? ... Are you still there?"
tags = ["hesitant"]
`

// stillThereLine is the line of the still_there table in stillThere.
const stillThereLine = 37

func TestParseStillThere(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantText  string // "" = no still-there line
		wantAudio string
	}{
		{"absent: the escalated line plays after dead air", valid, "", ""},
		{"table", stillThere, "Hello? ... Are you still there?", "voices/demo/two-still-there.wav"},
		{"inline table with its own audio",
			valid + "\n[turn.still_there]\ntext = \"Anyone there?\"\naudio = \"mine/anyone.wav\"\n",
			"Anyone there?", "mine/anyone.wav"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.Parse("demo.toml", []byte(tc.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Turns[0].StillThere != nil {
				t.Errorf("first turn has a still-there line")
			}
			st := s.Turns[1].StillThere
			if tc.wantText == "" {
				if st != nil {
					t.Errorf("still-there = %+v, want none", st)
				}
				return
			}
			if st == nil {
				t.Fatalf("no still-there line")
			}
			if st.Text != tc.wantText || st.Audio != tc.wantAudio {
				t.Errorf("still-there = %q %q, want %q %q", st.Text, st.Audio, tc.wantText, tc.wantAudio)
			}
			if got := s.Turns[1].Variant(scenario.VariantStillThere); got != st {
				t.Errorf("Variant(still-there) = %p, want the still-there line %p", got, st)
			}
			var refs []scenario.Variant
			for _, r := range s.LineRefs() {
				if r.Turn == 1 {
					refs = append(refs, r.Variant)
				}
			}
			if want := []scenario.Variant{scenario.VariantLine, scenario.VariantSoftened, scenario.VariantEscalated, scenario.VariantStillThere}; !slices.Equal(refs, want) {
				t.Errorf("LineRefs of turn 2 = %v, want %v", refs, want)
			}
		})
	}
}

func TestParseStillThereProblems(t *testing.T) {
	tests := []struct {
		name  string
		edits []string // old, new pairs, each old replaced once in stillThere
		want  want
	}{
		{"empty text", []string{`text = "Hello? ... Are you still there?"`, `text = " "`},
			want{stillThereLine + 1, "turn[2].still_there.text", "empty text"}},
		{"unknown field", []string{`tags = ["hesitant"]`, "tags = [\"hesitant\"]\nvolume = 3"},
			want{stillThereLine + 3, "turn[2].still_there.volume", "unknown field"}},
		{"field name in the wrong case", []string{`tags = ["hesitant"]`, "tags = [\"hesitant\"]\nTags = [\"calm\"]"},
			want{stillThereLine + 3, "turn[2].still_there.Tags", "field names are lower case: tags"}},
		{"table name in the wrong case", []string{`[turn.still_there]`, `[turn.Still_There]`},
			want{stillThereLine, "turn[2].Still_There", "field names are lower case: still_there"}},
		{"unknown tag", []string{`tags = ["hesitant"]`, `tags = ["mumbled"]`},
			want{stillThereLine + 2, "turn[2].still_there.tags", `unknown tag "mumbled"`}},
		{"wrong type", []string{
			"\n[turn.still_there]\ntext = \"Hello? ... Are you still there?\"\ntags = [\"hesitant\"]\n", "",
			`checks = ["Blamed no one", "Said what changed"]`, "checks = [\"Blamed no one\", \"Said what changed\"]\nstill_there = \"Hello?\""},
			want{28, "turn[2].still_there", "want a table, not a string"}},
		{"bad audio path", []string{`tags = ["hesitant"]`, "tags = [\"hesitant\"]\naudio = \"/abs.wav\""},
			want{stillThereLine + 3, "turn[2].still_there.audio", "not a relative"}},
		{"on the first turn", []string{"[[turn]]\nid = \"two\"", "[turn.still_there]\ntext = \"x\"\n\n[[turn]]\nid = \"two\""},
			want{22, "turn[1].still_there", "first turn has no still_there"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := stillThere
			for i := 0; i+1 < len(tc.edits); i += 2 {
				edited := strings.Replace(src, tc.edits[i], tc.edits[i+1], 1)
				if edited == src {
					t.Fatalf("replacement %q not found", tc.edits[i])
				}
				src = edited
			}
			_, err := scenario.Parse("demo.toml", []byte(src))
			var ps scenario.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse error = %v, want Problems", err)
			}
			if !hasProblem(ps, tc.want) {
				t.Errorf("missing problem %+v in:\n%v", tc.want, err)
			}
			for _, p := range ps {
				if p.File != "demo.toml" {
					t.Errorf("problem %v: file = %q", p, p.File)
				}
			}
		})
	}
}

// TestStillThereAudioMissing: a still-there line's audio is checked like the
// others, and the problem names its field and line.
func TestStillThereAudioMissing(t *testing.T) {
	s, err := scenario.Parse("demo.toml", []byte(stillThere))
	if err != nil {
		t.Fatal(err)
	}
	audio := fstest.MapFS{}
	for _, v := range []string{"one-line", "two-line", "two-softened", "two-escalated"} {
		audio["voices/demo/"+v+".wav"] = &fstest.MapFile{Data: []byte("RIFF")}
	}
	ps := scenario.CheckAudio(s, []byte(stillThere), audio)
	if len(ps) != 1 || ps[0].Field != "turn[2].still_there.audio" || ps[0].Line != stillThereLine || !strings.Contains(ps[0].Msg, "two-still-there.wav") {
		t.Errorf("CheckAudio = %v, want one missing turn[2].still_there.audio on line %d", ps, stillThereLine)
	}
}
