package scenario

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
)

// Overlay returns an fs.FS that opens each name from user if it exists
// there and from bundled otherwise. Give it the user's own folder (e.g.
// os.DirFS(<data>/scenarios)) and the embedded assets: a recording saved at
// UserAudioPath replaces the bundled line of the same relative path for that
// user, and removing the file brings the bundled line back. A user file that
// exists but cannot be opened is an error, not a silent fallback.
func Overlay(user, bundled fs.FS) fs.FS { return overlay{user, bundled} }

type overlay struct{ user, bundled fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.user.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return o.bundled.Open(name)
}

// ReadDir merges both folders, user entries winning, so fs.Glob sees the
// union (user scenario files beside bundled ones, if both are overlaid).
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	u, uerr := fs.ReadDir(o.user, name)
	b, berr := fs.ReadDir(o.bundled, name)
	if uerr != nil && berr != nil {
		return nil, uerr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range u {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range b {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// IsUser reports whether name is served from the user folder of an Overlay
// (a user recording replaces the bundled one). It is false for any other
// fs.FS.
func IsUser(fsys fs.FS, name string) bool {
	o, ok := fsys.(overlay)
	if !ok {
		return false
	}
	fi, err := fs.Stat(o.user, name)
	return err == nil && fi.Mode().IsRegular()
}

// UserAudioPath is where, under the user's folder dir, a recorded or
// imported WAV for line l is saved so that it replaces the bundled audio
// (same relative path, e.g. dir/voices/missed-delivery/attack-line.wav).
// Write to a temporary name in the same folder and rename, so a half-written
// file never replaces a good line.
func UserAudioPath(dir string, l Line) string {
	return filepath.Join(dir, filepath.FromSlash(l.Audio))
}
