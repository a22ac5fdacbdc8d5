package main

// Recordings carried with an export (--with-audio DIR). The store never
// opens a recording; these hooks do the file work for Export and
// ImportWith, with the data folder's layout from internal/practice.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"fallback/internal/practice"
)

// recordingsFolder is the data folder's folder of recordings, the only
// place an import writes audio to.
const recordingsFolder = "recordings"

// audioName is where a turn's recording goes in an export's audio folder,
// and where an import puts it in the data folder: the same relative name
// in both, made from the stable UUIDs only ("recordings/ATTEMPT/TURN.wav"),
// so that exporting the same history twice names every file the same.
// The extension is the stored file's.
func audioName(attemptID, turnID, stored string) string {
	return path.Join(recordingsFolder, attemptID, turnID+path.Ext(filepath.ToSlash(stored)))
}

// audioExport copies the recordings of exported turns into an audio
// folder (Export's Recording hook).
type audioExport struct {
	dataDir, dir string
	// missing counts the turns whose recording was not on disk (deleted,
	// or never kept under the metrics-only setting); they are exported
	// with no recording path.
	missing int
	first   string // the first missing file, for the message
}

// recording copies the turn's recording to dir/audioName and returns the
// name; a turn with no recording on disk gets "".
func (e *audioExport) recording(attemptID, turnID, stored string) (string, error) {
	if stored == "" {
		return "", nil
	}
	src := practice.RecordingFile(e.dataDir, stored)
	name := audioName(attemptID, turnID, stored)
	err := copyFileAtomic(src, filepath.Join(e.dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		if e.missing == 0 {
			e.first = src
		}
		e.missing++
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return name, nil
}

// copyFileAtomic copies src to dst through a temporary file beside dst,
// synced and renamed over it, creating dst's folder. An error that src
// does not exist matches fs.ErrNotExist.
func copyFileAtomic(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	tmp, err := copyToTemp(in, dst)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// copyToTemp copies r into a new temporary file beside dst (in dst's
// folder, which must exist), synced, and returns its name.
func copyToTemp(r io.Reader, dst string) (string, error) {
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return "", err
	}
	tmp := dst + ".import-" + hex.EncodeToString(rnd[:]) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// audioImport copies the recordings of imported turns from an audio
// folder into the data folder (ImportWith's Recording hook). Each is
// copied to a temporary name first; commit renames them into place once
// the database has committed, and discard removes them (and the folders
// made for them) when it has not.
type audioImport struct {
	dir, dataDir string
	pending      []pendingFile
	made         []string // folders created, innermost last
}

type pendingFile struct{ tmp, final string }

// recording checks that the file's recording path names a file under the
// recordings folder, that the audio folder has it, and copies it.
func (m *audioImport) recording(attemptID, turnID, name string) error {
	rel := filepath.FromSlash(name)
	if !filepath.IsLocal(rel) || strings.Contains(name, `\`) ||
		!strings.HasPrefix(filepath.ToSlash(filepath.Clean(rel)), recordingsFolder+"/") {
		return fmt.Errorf("recording %q is not a file under %s/", name, recordingsFolder)
	}
	src := filepath.Join(m.dir, rel)
	final := filepath.Join(m.dataDir, rel)
	in, err := os.Open(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("recording %s is not in %s: %w", name, m.dir, fs.ErrNotExist)
		}
		return err
	}
	defer in.Close()
	if have, err := os.ReadFile(final); err == nil {
		// A file already at that name (copied by hand, say) is left
		// alone when it holds the same audio and refuses the import
		// otherwise: an import never replaces a recording.
		want, err := io.ReadAll(in)
		if err != nil {
			return err
		}
		if !bytes.Equal(have, want) {
			return fmt.Errorf("recording %s: %s exists already with other audio", name, final)
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := m.mkdirAll(filepath.Dir(final)); err != nil {
		return err
	}
	tmp, err := copyToTemp(in, final)
	if err != nil {
		return fmt.Errorf("copy recording %s: %w", name, err)
	}
	m.pending = append(m.pending, pendingFile{tmp: tmp, final: final})
	return nil
}

// mkdirAll creates dir and the folders above it that are missing,
// remembering them for discard.
func (m *audioImport) mkdirAll(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := m.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	m.made = append(m.made, dir)
	return nil
}

// commit renames the copied recordings into place. One that cannot be
// is removed rather than left under its temporary name, and named in
// the error.
func (m *audioImport) commit() error {
	var errs []error
	for _, p := range m.pending {
		if err := os.Rename(p.tmp, p.final); err != nil {
			os.Remove(p.tmp)
			errs = append(errs, err)
		}
	}
	m.pending = nil
	return errors.Join(errs...)
}

// discard removes the copied recordings and the folders made for them.
func (m *audioImport) discard() {
	for _, p := range m.pending {
		os.Remove(p.tmp)
	}
	m.pending = nil
	for i := len(m.made) - 1; i >= 0; i-- {
		os.Remove(m.made[i]) // only if empty
	}
	m.made = nil
}
