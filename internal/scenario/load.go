package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Load reads every *.toml file at the root of scenarios, parses it and
// checks that each line's audio exists in audio. Valid scenarios are
// returned sorted by difficulty, then title. Each invalid file gives one
// error (a Problems listing everything wrong with it) and is left out; the
// others still load. A scenario whose id repeats one already loaded is an
// error too. audio may be nil to skip the audio check.
func Load(scenarios fs.FS, audio fs.FS) ([]Scenario, []error) {
	return load(scenarios, audio, "")
}

// load is Load with file names (in errors and Source) joined to dir.
func load(scenarios fs.FS, audio fs.FS, dir string) ([]Scenario, []error) {
	names, err := fs.Glob(scenarios, "*.toml")
	if err != nil {
		return nil, []error{fmt.Errorf("list scenarios: %w", err)}
	}
	sort.Strings(names)
	var (
		out  []Scenario
		errs []error
		ids  = map[string]string{} // scenario id -> file that defined it
	)
	for _, name := range names {
		label := name
		if dir != "" {
			label = filepath.Join(dir, filepath.FromSlash(name))
		}
		s, err := loadFile(scenarios, name, label, audio)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first, dup := ids[s.ID]; dup {
			idx := indexLines(readQuiet(scenarios, name))
			errs = append(errs, Problems{{File: label, Line: idx.find("id"), Field: "id",
				Msg: fmt.Sprintf("duplicate scenario id %q (also in %s)", s.ID, first)}})
			continue
		}
		ids[s.ID] = label
		out = append(out, s)
	}
	sortScenarios(out)
	return out, errs
}

// sortScenarios orders scenarios as the app lists them: easiest first,
// then by title.
func sortScenarios(out []Scenario) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Difficulty != out[j].Difficulty {
			return out[i].Difficulty < out[j].Difficulty
		}
		return out[i].Title < out[j].Title
	})
}

func loadFile(fsys fs.FS, name, label string, audio fs.FS) (Scenario, error) {
	data, err := readLimited(fsys, name)
	if err != nil {
		return Scenario{}, Problems{{File: label, Msg: err.Error()}}
	}
	s, err := Parse(label, data)
	if err != nil {
		return Scenario{}, err
	}
	if audio != nil {
		if ps := CheckAudio(s, data, audio); len(ps) > 0 {
			return Scenario{}, ps
		}
	}
	return s, nil
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return data, nil
}

func readQuiet(fsys fs.FS, name string) string {
	data, _ := readLimited(fsys, name)
	return string(data)
}

// CheckAudio reports every line of s whose audio is missing from audio, or
// is not a regular file. data is the scenario file, used to find line
// numbers; it may be nil.
func CheckAudio(s Scenario, data []byte, audio fs.FS) Problems {
	idx := indexLines(string(data))
	var ps Problems
	for _, r := range s.LineRefs() {
		l := r.Line
		if l.Audio == "" {
			continue
		}
		field := fmt.Sprintf("turn[%d]", r.Turn+1)
		if f := r.Variant.Field(); f != "" {
			field += "." + f
		}
		field += ".audio"
		fi, err := fs.Stat(audio, l.Audio)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			ps = append(ps, Problem{File: s.Source, Line: idx.find(field), Field: field, Msg: fmt.Sprintf("missing audio %q", l.Audio)})
		case err != nil:
			ps = append(ps, Problem{File: s.Source, Line: idx.find(field), Field: field, Msg: fmt.Sprintf("audio %q: %v", l.Audio, err)})
		case !fi.Mode().IsRegular():
			ps = append(ps, Problem{File: s.Source, Line: idx.find(field), Field: field, Msg: fmt.Sprintf("audio %q is not a file", l.Audio)})
		}
	}
	return ps
}

// Check loads every scenario in scenarios against audio and writes each
// problem to out, one per line as "file:line: field: message", then a
// summary line. It returns the number of problems (0 = all good), so a
// command can exit non-zero on any.
func Check(scenarios, audio fs.FS, out io.Writer) (problems int) {
	return check(scenarios, audio, "", out)
}

func check(scenarios, audio fs.FS, dir string, out io.Writer) (problems int) {
	ok, errs := load(scenarios, audio, dir)
	for _, err := range errs {
		var ps Problems
		if errors.As(err, &ps) {
			for _, p := range ps {
				fmt.Fprintln(out, p.Error())
			}
			problems += len(ps)
			continue
		}
		fmt.Fprintln(out, err)
		problems++
	}
	fmt.Fprintf(out, "%d scenario(s) valid, %d file(s) invalid, %d problem(s)\n", len(ok), len(errs), problems)
	return problems
}

// CheckDir checks the scenario files in dir, the way the app loads a user
// folder: audio paths are looked up in dir first (voices/<scenario>/… beside
// the files), then in each of fallbackAudio in order (pass the bundled
// assets so scenarios may reuse bundled lines). File names in the output
// are joined to dir.
func CheckDir(dir string, out io.Writer, fallbackAudio ...fs.FS) (problems int) {
	fi, err := os.Stat(dir)
	if err != nil {
		fmt.Fprintf(out, "%s: %v\n", dir, err)
		return 1
	}
	if !fi.IsDir() {
		fmt.Fprintf(out, "%s: not a folder\n", dir)
		return 1
	}
	root := os.DirFS(dir)
	var audio fs.FS = root
	for _, f := range fallbackAudio {
		audio = Overlay(audio, f)
	}
	return check(root, audio, dir, out)
}
