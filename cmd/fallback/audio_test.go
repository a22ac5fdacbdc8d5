package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/store"
)

// audioHistoryFolder makes a data folder whose turns have recordings of
// their own: relative paths as the app stores them, one absolute path (as
// older versions stored), and one turn whose recording is gone. It returns
// the folder and the number of turns with a recording on disk.
func audioHistoryFolder(t *testing.T) (string, int) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(databasePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	outside := t.TempDir()
	start := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	onDisk := 0
	for i := range 2 {
		a := store.Attempt{ScenarioID: "missed-delivery", ScenarioTitle: "Missed delivery", PlannedTurns: 3,
			StartedAt: start.Add(time.Duration(i) * 72 * time.Hour)}
		if err := db.BeginAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		for j := range 3 {
			rel := fmt.Sprintf("recordings/%s/turn-%d.wav", a.ID, j)
			file := filepath.Join(dir, filepath.FromSlash(rel))
			stored := rel
			if i == 1 && j == 2 {
				file = filepath.Join(outside, "old.wav")
				stored = file
			}
			if !(i == 0 && j == 1) { // this one's recording is gone
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(fmt.Sprintf("RIFF audio of attempt %d turn %d", i, j)), 0o644); err != nil {
					t.Fatal(err)
				}
				onDisk++
			}
			tr := store.Turn{Index: j, LineID: "l1", LineText: "Where is my parcel?", RecordingPath: stored,
				Report: analysis.Report{Latency: 650 * time.Millisecond, Onset: time.Second, Offset: 4 * time.Second,
					Syllables: 12, SpeechRate: 4, ArticulationRate: 4.5, MeanDBFS: -20.5, F0MedianHz: math.NaN()},
				Customer: store.UnknownCustomer(), NoiseFloorDBFS: -60}
			if err := db.SaveTurn(ctx, a.ID, &tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir, onDisk
}

// tree is every file under dir by its slash-separated relative name, with
// its content; the database files are left out.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := make(map[string]string)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), "fallback.db") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestExportImportWithAudio: the recordings travel beside the export,
// named by UUID; an import into an empty data folder puts them under the
// same names and stores those; importing again changes nothing; the
// folder exports to the same bytes and the same audio.
func TestExportImportWithAudio(t *testing.T) {
	src, onDisk := audioHistoryFolder(t)
	work := t.TempDir()
	file, audio := filepath.Join(work, "practice.json"), filepath.Join(work, "audio")
	code, _, stderr := runCmd("export", "--format", "json", "--out", file, "--with-audio", audio, "--data", src)
	if code != 0 || !strings.Contains(stderr, "1 turns have no recording on disk") {
		t.Fatalf("export: exit %d, %q; want 0 and a note of the missing recording", code, stderr)
	}
	exported, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Attempts []struct {
			ID    string `json:"id"`
			Turns []struct {
				ID            string `json:"id"`
				RecordingPath string `json:"recording_path"`
			} `json:"turns"`
		} `json:"attempts"`
	}
	if err := json.Unmarshal(exported, &parsed); err != nil {
		t.Fatal(err)
	}
	sent := tree(t, audio)
	names := 0
	for _, a := range parsed.Attempts {
		for _, tr := range a.Turns {
			if tr.RecordingPath == "" {
				continue
			}
			names++
			if want := "recordings/" + a.ID + "/" + tr.ID + ".wav"; tr.RecordingPath != want {
				t.Errorf("turn %s: recording_path %q, want %q", tr.ID, tr.RecordingPath, want)
			}
			if _, ok := sent[tr.RecordingPath]; !ok {
				t.Errorf("turn %s: %s is not in the audio folder", tr.ID, tr.RecordingPath)
			}
		}
	}
	if names != onDisk || len(sent) != onDisk {
		t.Fatalf("%d recording names in the export, %d files in the audio folder; want %d", names, len(sent), onDisk)
	}

	dst := filepath.Join(t.TempDir(), "second-laptop")
	code, stdout, stderr := runCmd("import", file, "--with-audio", audio, "--data", dst)
	if code != 0 || !strings.Contains(stdout, fmt.Sprintf("recordings: %d copied", onDisk)) {
		t.Fatalf("import: exit %d, %q, %q; want %d recordings copied", code, stdout, stderr, onDisk)
	}
	got := tree(t, dst)
	if !sameTree(got, sent) {
		t.Errorf("the data folder holds %v, want the audio folder's %v (and no temporary files)", got, sent)
	}
	code, stdout, _ = runCmd("import", file, "--with-audio", audio, "--data", dst)
	if code != 0 || !strings.Contains(stdout, "turns: 0 added") || !strings.Contains(stdout, "recordings: 0 copied") {
		t.Errorf("second import: exit %d, %q; want nothing added or copied", code, stdout)
	}
	if again := tree(t, dst); !sameTree(again, got) {
		t.Errorf("the second import changed the files: %v, was %v", again, got)
	}

	file2, audio2 := filepath.Join(work, "again.json"), filepath.Join(work, "audio2")
	if code, _, stderr := runCmd("export", "--format", "json", "--out", file2, "--with-audio", audio2, "--data", dst); code != 0 || stderr != "" {
		t.Fatalf("export of the imported folder: exit %d, %q", code, stderr)
	}
	if again, _ := os.ReadFile(file2); string(again) != string(exported) {
		t.Errorf("the imported folder exports to other bytes")
	}
	if back := tree(t, audio2); !sameTree(back, sent) {
		t.Errorf("the imported folder exports other audio: %v, want %v", back, sent)
	}
}

// TestImportWithAudioRefused: a recording missing from the audio folder,
// or a recording path outside the recordings folder, refuses the import
// with a message naming it, and leaves the data folder with no history
// and no file.
func TestImportWithAudioRefused(t *testing.T) {
	src, _ := audioHistoryFolder(t)
	work := t.TempDir()
	file, audio := filepath.Join(work, "practice.json"), filepath.Join(work, "audio")
	if code, _, stderr := runCmd("export", "--format", "json", "--out", file, "--with-audio", audio, "--data", src); code != 0 {
		t.Fatalf("export: exit %d, %s", code, stderr)
	}
	exported, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sent := tree(t, audio)
	var last string // the last recording of the file, so that others are copied before it fails
	for name := range sent {
		if strings.Index(string(exported), name) > strings.Index(string(exported), last) {
			last = name
		}
	}
	tests := []struct {
		name    string
		edit    func(t *testing.T, file, audio string)
		message string
	}{
		{"missing recording", func(t *testing.T, _, audio string) {
			if err := os.Remove(filepath.Join(audio, filepath.FromSlash(last))); err != nil {
				t.Fatal(err)
			}
		}, "recording " + last + " is not in "},
		{"path outside the data folder", func(t *testing.T, file, _ string) {
			rewrite(t, file, last, "../../evil.wav")
		}, `recording "../../evil.wav" is not a file under recordings/`},
		{"path onto the database", func(t *testing.T, file, _ string) {
			rewrite(t, file, last, "fallback.db")
		}, `recording "fallback.db" is not a file under recordings/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, a := filepath.Join(t.TempDir(), "practice.json"), filepath.Join(t.TempDir(), "audio")
			if err := os.WriteFile(f, exported, 0o644); err != nil {
				t.Fatal(err)
			}
			for name, content := range sent {
				p := filepath.Join(a, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tt.edit(t, f, a)
			dst := t.TempDir()
			code, _, stderr := runCmd("import", f, "--with-audio", a, "--data", dst)
			if code != 1 || !strings.Contains(stderr, tt.message) || !strings.Contains(stderr, "(nothing was imported)") {
				t.Errorf("import: exit %d, %q; want 1 and %q, nothing imported", code, stderr, tt.message)
			}
			if files := tree(t, dst); len(files) != 0 {
				t.Errorf("the refused import left files: %v", files)
			}
			if entries, _ := os.ReadDir(filepath.Join(dst, "recordings")); len(entries) != 0 {
				t.Errorf("the refused import left %d folders in recordings", len(entries))
			}
			_, out, _ := runCmd("export", "--format", "csv", "--data", dst)
			if strings.Count(out, "\n") != 1 {
				t.Errorf("after the refused import the folder holds %q, want the header only", out)
			}
		})
	}
}

// rewrite replaces old by new in file, once.
func rewrite(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not hold %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
