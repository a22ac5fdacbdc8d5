package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/store"
)

// historyFolder makes a data folder holding a real database with two
// attempts (one unfinished) of two turns and a baseline, as the app writes
// them, and returns the folder.
func historyFolder(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(databasePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	for i, finished := range []bool{true, false} {
		a := store.Attempt{ScenarioID: "missed-delivery", ScenarioTitle: "Missed delivery", PlannedTurns: 3,
			StartedAt: start.Add(time.Duration(i) * 72 * time.Hour)}
		if err := db.BeginAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			tr := store.Turn{Index: j, LineID: "l1", LineText: "Where is my parcel?", RecordingPath: "recordings/x.wav",
				Report: analysis.Report{Latency: 650 * time.Millisecond, Onset: time.Second, Offset: 4 * time.Second,
					Syllables: 12, SpeechRate: 4, ArticulationRate: 4.5, MeanDBFS: -20.5, F0MedianHz: math.NaN(),
					Pauses: []analysis.Interval{{Start: 2 * time.Second, End: 2500 * time.Millisecond}}},
				SelfChecks: []store.SelfCheck{{Text: "Acknowledged the feeling", Done: j == 0}},
				Customer:   store.UnknownCustomer(), ClipShare: 0, NoiseFloorDBFS: -60}
			if err := db.SaveTurn(ctx, a.ID, &tr); err != nil {
				t.Fatal(err)
			}
		}
		if finished {
			if err := db.FinishAttempt(ctx, a.ID, a.StartedAt.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	b := store.Baseline{TakenAt: start.Add(-time.Hour), SpeechRate: 4.2, ArticulationRate: 4.8, MeanDBFS: -21,
		F0MedianHz: 170, F0RangeST: 8, LivePaceSPS: 5, RecordingPath: "baseline.wav", Passage: "rainbow"}
	if err := db.SaveBaseline(ctx, &b); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runCmd runs the command line through run, as main does.
func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExportImportCommands(t *testing.T) {
	src := historyFolder(t)
	file := filepath.Join(t.TempDir(), "practice.json")
	if code, _, stderr := runCmd("export", "--format", "json", "--out", file, "--data", src); code != 0 {
		t.Fatalf("export: exit %d, %s", code, stderr)
	}
	exported, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		AppVersion string `json:"app_version"`
		Attempts   []struct {
			Turns []json.RawMessage `json:"turns"`
		} `json:"attempts"`
		Baselines []json.RawMessage `json:"baselines"`
	}
	if err := json.Unmarshal(exported, &parsed); err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	if parsed.AppVersion != version || len(parsed.Attempts) != 2 || len(parsed.Attempts[1].Turns) != 2 || len(parsed.Baselines) != 1 {
		t.Errorf("export holds version %q, %d attempts, %d baselines; want %q, 2 of 2 turns, 1", parsed.AppVersion, len(parsed.Attempts), len(parsed.Baselines), version)
	}

	// Into an empty data folder, with the flag after the file.
	dst := filepath.Join(t.TempDir(), "second-laptop")
	code, stdout, stderr := runCmd("import", file, "--data", dst)
	if code != 0 {
		t.Fatalf("import: exit %d, %s", code, stderr)
	}
	for _, want := range []string{"attempts: 2 added, 0 updated", "turns: 4 added, 0 already here", "baselines: 1 added"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import said %q, want %q in it", stdout, want)
		}
	}
	code, stdout, _ = runCmd("import", "--data", dst, file)
	if code != 0 || !strings.Contains(stdout, "attempts: 0 added, 0 updated (gained turns or a finish time), 2 already here") ||
		!strings.Contains(stdout, "turns: 0 added, 4 already here") {
		t.Errorf("second import: exit %d, %q; want nothing added", code, stdout)
	}
	// Exported again from the second folder, to stdout: the same bytes.
	code, again, stderr := runCmd("export", "--data", dst, "--format", "json")
	if code != 0 || again != string(exported) {
		t.Errorf("export of the imported folder: exit %d (%s), same bytes %v", code, stderr, again == string(exported))
	}
}

func TestExportCSVCommand(t *testing.T) {
	src := historyFolder(t)
	tests := []struct {
		name  string
		since string
		rows  int // turns expected
	}{
		{"all", "", 4},
		{"since the second attempt's day", "2026-11-23", 2},
		{"since after both", "2026-12-01", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"export", "--format", "csv", "--data", src}
			if tt.since != "" {
				args = append(args, "--since", tt.since)
			}
			code, stdout, stderr := runCmd(args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			recs, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
			if err != nil {
				t.Fatalf("the CSV does not parse: %v", err)
			}
			if len(recs) != 1+tt.rows || recs[0][0] != "attempt_id" {
				t.Errorf("%d records, header %v; want a header and %d rows", len(recs), recs[0], tt.rows)
			}
		})
	}
}

func TestExportUsesFallbackData(t *testing.T) {
	src := historyFolder(t)
	t.Setenv("FALLBACK_DATA", src)
	code, stdout, stderr := runCmd("export", "--format", "csv")
	if code != 0 || strings.Count(stdout, "\n") != 5 {
		t.Errorf("export with FALLBACK_DATA: exit %d, %d lines, %s; want 0 and 5 lines", code, strings.Count(stdout, "\n"), stderr)
	}
}

func TestImportRefusedCommand(t *testing.T) {
	src := historyFolder(t)
	_, good, _ := runCmd("export", "--format", "json", "--data", src)
	// The first latency of the file made text.
	damaged := strings.Replace(good, `"latency_ms": 650`, `"latency_ms": "fast"`, 1)
	line := 1 + strings.Count(damaged[:strings.Index(damaged, `"fast"`)], "\n")
	file := filepath.Join(t.TempDir(), "damaged.json")
	if err := os.WriteFile(file, []byte(damaged), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	code, _, stderr := runCmd("import", file, "--data", dst)
	want := "fallback import: " + file + ": line " + strconv.Itoa(line) + ": attempts[0].turns[0].latency_ms: not a number (nothing was imported)\n"
	if code != 1 || stderr != want {
		t.Errorf("import of a damaged file: exit %d, %q\nwant exit 1, %q", code, stderr, want)
	}
	_, out, _ := runCmd("export", "--format", "csv", "--data", dst)
	if strings.Count(out, "\n") != 1 {
		t.Errorf("after the refused import the folder holds %q, want the header only", out)
	}
}

func TestExportImportUsageAndFailures(t *testing.T) {
	src := historyFolder(t)
	empty := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"export without format", []string{"export", "--data", src}, 2, "--format must be csv or json"},
		{"export unknown format", []string{"export", "--format", "xml", "--data", src}, 2, "--format must be csv or json"},
		{"export bad date", []string{"export", "--format", "csv", "--since", "14/03/2025", "--data", src}, 2, "is not a date YYYY-MM-DD"},
		{"export extra argument", []string{"export", "--format", "csv", "now", "--data", src}, 2, `unexpected argument "now"`},
		{"export unknown flag", []string{"export", "--colour"}, 2, "flag provided but not defined"},
		{"export with no history", []string{"export", "--format", "csv", "--data", empty}, 1, "no practice history in " + empty},
		{"export into a missing folder", []string{"export", "--format", "csv", "--data", src, "--out", filepath.Join(empty, "no", "such.csv")}, 1, "such.csv"},
		{"import without file", []string{"import", "--data", src}, 2, "usage: fallback import FILE"},
		{"import two files", []string{"import", "a.json", "b.json"}, 2, "usage: fallback import FILE"},
		{"import missing file", []string{"import", filepath.Join(empty, "none.json"), "--data", src}, 1, "none.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.message) {
				t.Errorf("exit %d, %q; want %d and %q", code, stderr, tt.code, tt.message)
			}
		})
	}
	if entries, _ := os.ReadDir(empty); len(entries) != 0 {
		t.Errorf("the failed commands left %d files in the empty folder (export must not create a database)", len(entries))
	}
}
