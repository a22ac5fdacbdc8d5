package layers_test

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const mod = "fallback/"

// pkg is what `go list -json` tells of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func list(t *testing.T, env []string, patterns ...string) map[string]pkg {
	t.Helper()
	args := append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

func hasPrefix(path string, prefixes ...string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

const (
	fyne      = "fyne.io/fyne/v2"
	fyneApp   = "fyne.io/fyne/v2/app"
	portaudio = "github.com/gordonklaus/portaudio"
	sqlPkg    = "database/sql"
	sqlite    = "modernc.org/sqlite"
)

// TestDirectImports checks that each technology is imported by exactly the
// package that owns it.
func TestDirectImports(t *testing.T) {
	owners := map[string][]string{ // import → packages allowed to import it directly
		portaudio: {mod + "internal/audio"},
		sqlPkg:    {mod + "internal/store"},
		sqlite:    {mod + "internal/store"},
		fyneApp:   {mod + "cmd/fallback"},
		fyne:      {mod + "internal/ui", mod + "cmd/fallback"},
	}
	for path, p := range list(t, nil, "./...") {
		for _, imp := range p.Imports {
			tech := ""
			for _, k := range []string{fyneApp, fyne, portaudio, sqlPkg, sqlite} { // most specific first
				if hasPrefix(imp, k) {
					tech = k
					break
				}
			}
			if tech == "" {
				continue
			}
			ok := false
			for _, a := range owners[tech] {
				ok = ok || path == a
			}
			if !ok {
				t.Errorf("%s imports %s; only %v may", path, imp, owners[tech])
			}
		}
	}
}

// TestLayers checks the transitive rules: a lower layer never reaches a
// higher one, and the cgo-free layers never reach cgo technology.
func TestLayers(t *testing.T) {
	forbidden := map[string][]string{
		"internal/pcm":      {mod + "internal", fyne, portaudio, sqlPkg, sqlite},
		"internal/analysis": {mod + "internal/scenario", mod + "internal/audio", mod + "internal/store", mod + "internal/coach", mod + "internal/practice", mod + "internal/ui", fyne, portaudio, sqlPkg, sqlite},
		"internal/scenario": {mod + "internal/audio", mod + "internal/store", mod + "internal/coach", mod + "internal/practice", mod + "internal/ui", fyne, portaudio, sqlPkg, sqlite},
		"internal/audio":    {mod + "internal/analysis", mod + "internal/scenario", mod + "internal/store", mod + "internal/coach", mod + "internal/practice", mod + "internal/ui", fyne, sqlPkg, sqlite},
		"internal/store":    {mod + "internal/audio", mod + "internal/coach", mod + "internal/practice", mod + "internal/ui", fyne, portaudio},
		"internal/coach":    {mod + "internal/audio", mod + "internal/store", mod + "internal/practice", mod + "internal/ui", fyne, portaudio, sqlPkg, sqlite},
		// practice and ui use store's types, so SQLite is linked into them;
		// TestDirectImports still keeps SQL itself inside store.
		"internal/practice":    {mod + "internal/audio", mod + "internal/ui", fyne, portaudio},
		"internal/ui":          {mod + "internal/audio", fyneApp, portaudio},
		"cmd/fallback-analyze": {mod + "internal/audio", mod + "internal/store", mod + "internal/ui", fyne, portaudio, sqlPkg, sqlite},
	}
	pkgs := list(t, nil, "./...")
	for short, bad := range forbidden {
		p, ok := pkgs[mod+short]
		if !ok {
			t.Errorf("package %s not found", short)
			continue
		}
		for _, dep := range p.Deps {
			for _, b := range bad {
				// The pcm rule forbids other internal packages, not itself.
				if hasPrefix(dep, b) && !hasPrefix(dep, mod+short) {
					t.Errorf("%s depends on %s (forbidden: %s)", short, dep, b)
				}
			}
		}
	}
}

// TestCgoFree builds the layers that must not need cgo with CGO_ENABLED=0,
// so they test without a C toolchain, GL or a sound card.
func TestCgoFree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds packages; skipped in -short mode")
	}
	cmd := exec.Command("go", "build", "./internal/pcm", "./internal/analysis", "./internal/scenario",
		"./internal/coach", "./internal/practice", "./internal/store", "./internal/ui", "./cmd/fallback-analyze")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
}
