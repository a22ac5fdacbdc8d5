package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Problem is one thing wrong with a scenario file.
type Problem struct {
	File  string // file name as given to Parse or Load
	Line  int    // 1-based line in the file; 0 if unknown
	Field string // dotted field path, e.g. "turn[2].softened.text"; empty for the whole file
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in one file, in line order. It is the
// error Parse and Load return for an invalid file.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.Error()
	}
	return strings.Join(s, "\n")
}

// Limits on a scenario file. They keep a hand-written file sane and bound
// what a hostile file can make the app hold.
const (
	MaxFileSize = 256 << 10
	MaxTurns    = 8
	MaxChecks   = 6
	MaxText     = 2000 // bytes in one text field
	MaxLatency  = 10 * time.Second
)

// The file format; see scenarios/README.md. Field names are the TOML keys.
type fileScenario struct {
	ID         string      `toml:"id"`
	Title      string      `toml:"title"`
	Brief      string      `toml:"brief"`
	Difficulty int         `toml:"difficulty"`
	Persona    filePersona `toml:"persona"`
	Turns      []fileTurn  `toml:"turn"`
}

type filePersona struct {
	Name    string `toml:"name"`
	Company string `toml:"company"`
	Role    string `toml:"role"`
	Mood    string `toml:"mood"`
	Voice   string `toml:"voice"`
}

type fileTurn struct {
	ID         string    `toml:"id"`
	Step       string    `toml:"step"`
	Text       string    `toml:"text"`
	Audio      string    `toml:"audio"`
	Tags       []string  `toml:"tags"`
	Softened   *fileLine `toml:"softened"`
	Escalated  *fileLine `toml:"escalated"`
	StillThere *fileLine `toml:"still_there"`
	Model      string    `toml:"model"`
	Checks     []string  `toml:"checks"`
	MinLatency string    `toml:"min_latency"`
	MaxLatency string    `toml:"max_latency"`
}

type fileLine struct {
	Text  string   `toml:"text"`
	Audio string   `toml:"audio"`
	Tags  []string `toml:"tags"`
}

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Parse decodes and validates one scenario file. name is used in errors and
// as Scenario.Source. On any problem it returns a Problems error listing
// every problem found, each with file, line and field. Audio paths are
// filled in (DefaultAudio when the file names none) but not checked; Load
// and Check do that against an audio fs.FS.
func Parse(name string, data []byte) (Scenario, error) {
	if len(data) > MaxFileSize {
		return Scenario{}, Problems{{File: name, Msg: fmt.Sprintf("file is larger than %d KiB", MaxFileSize>>10)}}
	}
	if !utf8.Valid(data) {
		return Scenario{}, Problems{{File: name, Msg: "file is not UTF-8 text"}}
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return Scenario{}, Problems{decodeProblem(name, string(data), err)}
	}
	v := validator{file: name, lines: indexLines(string(data))}
	if v.checkTypes("", raw, fileSchema); len(v.problems) > 0 {
		v.sort()
		return Scenario{}, v.problems
	}
	var f fileScenario
	md, err := toml.Decode(string(data), &f)
	if err != nil { // not expected once the types are checked
		return Scenario{}, Problems{decodeProblem(name, string(data), err)}
	}
	for _, k := range md.Undecoded() {
		v.undecoded(k)
	}
	s := v.scenario(&f)
	if len(v.problems) > 0 {
		v.sort()
		return Scenario{}, v.problems
	}
	s.Source = name
	return s, nil
}

// typeErr matches the decoder's type-mismatch errors, which carry no
// position other than in their text.
var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

func decodeProblem(name, src string, err error) Problem {
	p := Problem{File: name, Msg: firstLine(err.Error())}
	var pe toml.ParseError
	if errors.As(err, &pe) {
		p.Line, p.Field = pe.Position.Line, pe.LastKey
		if pe.Message != "" {
			p.Msg = firstLine(pe.Message)
		}
	} else if m := typeErr.FindStringSubmatch(p.Msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Field, p.Msg = m[2], m[3]
	}
	// The decoder names array elements without their index: find the
	// indexed path defined on that line.
	if p.Line > 0 && p.Field != "" {
		for _, kl := range indexLines(src).order {
			if kl.line == p.Line && stripIndexes(kl.path) == p.Field {
				p.Field = kl.path
			}
		}
	}
	p.Msg = strings.TrimSpace(p.Msg)
	return p
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

type validator struct {
	file     string
	lines    lineIndex
	problems Problems
}

func (v *validator) add(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{File: v.file, Line: v.lines.find(field), Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) sort() {
	ps := v.problems
	// Insertion sort: small, and stable so same-line problems keep their order.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Line < ps[j-1].Line; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func (v *validator) undecoded(k toml.Key) {
	field := k.String()
	lines := v.lines.findAll(field)
	if len(lines) == 0 {
		v.problems = append(v.problems, Problem{File: v.file, Field: field, Msg: "unknown field"})
		return
	}
	for _, l := range lines {
		v.problems = append(v.problems, Problem{File: v.file, Line: l.line, Field: l.path, Msg: "unknown field"})
	}
}

func (v *validator) text(field, s string, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		v.add(field, "empty text")
	case len(s) > MaxText:
		v.add(field, "text longer than %d bytes", MaxText)
	}
	return s
}

func (v *validator) scenario(f *fileScenario) Scenario {
	s := Scenario{
		ID:         f.ID,
		Title:      v.text("title", f.Title, true),
		Brief:      v.text("brief", f.Brief, true),
		Difficulty: f.Difficulty,
		Persona: Persona{
			Name:    v.text("persona.name", f.Persona.Name, true),
			Company: v.text("persona.company", f.Persona.Company, false),
			Role:    v.text("persona.role", f.Persona.Role, false),
			Mood:    v.text("persona.mood", f.Persona.Mood, false),
			Voice:   strings.TrimSpace(f.Persona.Voice),
		},
	}
	if f.ID == "" {
		v.add("id", "missing id")
	} else if !slug.MatchString(f.ID) || len(f.ID) > 64 {
		v.add("id", "id %q must be lower-case letters, digits and single dashes (at most 64)", f.ID)
	}
	if f.Difficulty < 1 || f.Difficulty > 3 {
		v.add("difficulty", "difficulty must be 1, 2 or 3, not %d", f.Difficulty)
	}
	switch {
	case len(f.Turns) == 0:
		v.add("turn", "no turns: add at least one [[turn]]")
	case len(f.Turns) > MaxTurns:
		v.add("turn", "%d turns; at most %d", len(f.Turns), MaxTurns)
		f.Turns = f.Turns[:MaxTurns]
	}
	seen := map[string]int{}
	for i := range f.Turns {
		ft := &f.Turns[i]
		p := fmt.Sprintf("turn[%d]", i+1)
		t := Turn{
			ID:    ft.ID,
			Step:  Step(ft.Step),
			Model: v.text(p+".model", ft.Model, true),
		}
		if ft.ID == "" {
			v.add(p+".id", "missing id")
		} else if !slug.MatchString(ft.ID) || len(ft.ID) > 64 {
			v.add(p+".id", "id %q must be lower-case letters, digits and single dashes (at most 64)", ft.ID)
		} else if j, dup := seen[ft.ID]; dup {
			v.add(p+".id", "duplicate id %q (also turn[%d])", ft.ID, j)
		} else {
			seen[ft.ID] = i + 1
		}
		if ft.Step == "" {
			v.add(p+".step", "missing step")
		} else if !t.Step.Valid() {
			v.add(p+".step", "unknown step %q (known: %s)", ft.Step, stepList())
		}
		t.Line = v.line(p, s.ID, ft.ID, VariantLine, fileLine{Text: ft.Text, Audio: ft.Audio, Tags: ft.Tags})
		if i == 0 {
			if ft.Softened != nil {
				v.add(p+".softened", "the first turn has no softened line: nothing came before it")
			}
			if ft.Escalated != nil {
				v.add(p+".escalated", "the first turn has no escalated line: nothing came before it")
			}
			if ft.StillThere != nil {
				v.add(p+".still_there", "the first turn has no still_there line: nothing came before it")
			}
		} else {
			if ft.Softened == nil {
				v.add(p, "missing softened line (played after a calm answer)")
			} else {
				l := v.line(p+".softened", s.ID, ft.ID, VariantSoftened, *ft.Softened)
				t.Softened = &l
			}
			if ft.Escalated == nil {
				v.add(p, "missing escalated line (played after a hair-trigger or rising answer)")
			} else {
				l := v.line(p+".escalated", s.ID, ft.ID, VariantEscalated, *ft.Escalated)
				t.Escalated = &l
			}
			if ft.StillThere != nil { // optional: Escalated plays after dead air without it
				l := v.line(p+".still_there", s.ID, ft.ID, VariantStillThere, *ft.StillThere)
				t.StillThere = &l
			}
		}
		switch {
		case len(ft.Checks) == 0:
			v.add(p+".checks", "no self-check items")
		case len(ft.Checks) > MaxChecks:
			v.add(p+".checks", "%d self-check items; at most %d", len(ft.Checks), MaxChecks)
		}
		for j, c := range ft.Checks {
			t.Checks = append(t.Checks, v.text(fmt.Sprintf("%s.checks[%d]", p, j+1), c, true))
		}
		t.Targets.MinLatency = v.duration(p+".min_latency", ft.MinLatency)
		t.Targets.MaxLatency = v.duration(p+".max_latency", ft.MaxLatency)
		if t.Targets.MinLatency > 0 && t.Targets.MaxLatency > 0 && t.Targets.MinLatency > t.Targets.MaxLatency {
			v.add(p+".max_latency", "max_latency %v is below min_latency %v", t.Targets.MaxLatency, t.Targets.MinLatency)
		}
		s.Turns = append(s.Turns, t)
	}
	return s
}

func (v *validator) line(p, scenarioID, turnID string, variant Variant, f fileLine) Line {
	l := Line{Text: v.text(p+".text", f.Text, true), Audio: f.Audio}
	field := p + ".tags"
	for _, t := range f.Tags {
		if !knownTag(t) {
			v.add(field, "unknown tag %q (known: %s)", t, strings.Join(Tags, ", "))
			continue
		}
		if l.HasTag(t) {
			v.add(field, "tag %q given twice", t)
			continue
		}
		l.Tags = append(l.Tags, t)
	}
	for _, t := range []string{TagAngry, TagEscalating} {
		if l.HasTag(TagCalm) && l.HasTag(t) {
			v.add(field, "a line cannot be both calm and %s", t)
		}
	}
	if l.Audio == "" {
		if scenarioID != "" && turnID != "" {
			l.Audio = DefaultAudio(scenarioID, turnID, variant)
		}
	} else if !fs.ValidPath(l.Audio) || l.Audio == "." {
		v.add(p+".audio", "audio %q is not a relative slash-separated path", l.Audio)
	} else if !strings.HasSuffix(strings.ToLower(l.Audio), ".wav") {
		v.add(p+".audio", "audio %q is not a .wav file", l.Audio)
	}
	return l
}

func (v *validator) duration(field, s string) time.Duration {
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		v.add(field, "%q is not a duration like \"1.2s\" or \"800ms\"", s)
	case d < 0 || d > MaxLatency:
		v.add(field, "%v is outside 0s..%v", d, MaxLatency)
	default:
		return d
	}
	return 0
}

func stepList() string {
	s := make([]string, len(Steps))
	for i, st := range Steps {
		s[i] = string(st)
	}
	return strings.Join(s, ", ")
}
