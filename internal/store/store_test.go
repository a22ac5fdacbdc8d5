package store_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fallback/internal/store"
)

// MustOpenDB opens a new database in a temporary directory and closes it at
// the end of the test.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "history.db"))
}

// MustOpenPath opens the database at path and closes it at the end of the
// test.
func MustOpenPath(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func pragmaInt(t *testing.T, db *store.DB, name string) int {
	t.Helper()
	var v int
	if err := store.RawDB(db).QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenMigratesFromEmpty(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string) // prepares the file before Open
	}{
		{"no file", func(*testing.T, string) {}},
		{"empty file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			tt.setup(t, path)
			db, err := store.Open(path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if got, want := pragmaInt(t, db, "user_version"), store.SchemaVersion(); got != want {
				t.Errorf("user_version = %d, want %d", got, want)
			}
			if store.SchemaVersion() < 1 {
				t.Errorf("SchemaVersion() = %d, want >= 1", store.SchemaVersion())
			}
			if got, want := pragmaInt(t, db, "foreign_keys"), 1; got != want {
				t.Errorf("foreign_keys = %d, want %d", got, want)
			}
			if got, want := pragmaInt(t, db, "synchronous"), 2; got != want { // FULL
				t.Errorf("synchronous = %d, want %d", got, want)
			}
			if got, want := pragmaInt(t, db, "busy_timeout"), 5000; got != want {
				t.Errorf("busy_timeout = %d, want %d", got, want)
			}
			var mode string
			if err := store.RawDB(db).QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != "wal" {
				t.Errorf("journal_mode = %q, want wal", mode)
			}
			a := newAttempt("s1", at(0), 2)
			if err := db.SaveAttempt(context.Background(), &a); err != nil {
				t.Fatalf("SaveAttempt: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}

			// Reopening is a no-op: same version, data kept.
			db = MustOpenPath(t, path)
			if got, want := pragmaInt(t, db, "user_version"), store.SchemaVersion(); got != want {
				t.Errorf("after reopen: user_version = %d, want %d", got, want)
			}
			list, err := db.ListAttempts(context.Background(), 0)
			if err != nil {
				t.Fatalf("ListAttempts: %v", err)
			}
			if len(list) != 1 || list[0].ID != a.ID {
				t.Errorf("after reopen: ListAttempts = %+v, want the one saved attempt %s", list, a.ID)
			}
		})
	}
}

func TestOpenOddPath(t *testing.T) {
	for _, name := range []string{
		"plain.db",
		"with space.db",
		"query?mode=memory.db",
		"hash#frag.db",
		"percent%20sign.db",
		"ünïcode.db",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			db := MustOpenPath(t, path)
			a := newAttempt("s1", at(0), 1)
			if err := db.SaveAttempt(context.Background(), &a); err != nil {
				t.Fatalf("SaveAttempt: %v", err)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Fatalf("database not written at %q: %v", path, err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !strings.HasPrefix(e.Name(), name) {
					t.Errorf("unexpected file %q beside %q", e.Name(), name)
				}
			}
		})
	}
}

func TestOpenTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.RawDB(db).Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, path)

	db, err = store.Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open of a newer database succeeded, want ErrTooNew")
	}
	t.Logf("Open: %v", err)
	if !errors.Is(err, store.ErrTooNew) {
		t.Errorf("Open: %v, want ErrTooNew", err)
	}
	for _, want := range []string{path, "99", "newer"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("Open changed the newer database file")
	}
}

func TestOpenDamaged(t *testing.T) {
	// validDB returns the bytes of a closed database holding a few attempts.
	validDB := func(t *testing.T) []byte {
		t.Helper()
		path := filepath.Join(t.TempDir(), "valid.db")
		db, err := store.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			a := newAttempt("s1", at(i), 4)
			if err := db.SaveAttempt(context.Background(), &a); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		return readFile(t, path)
	}
	pageSize := func(b []byte) int { return int(b[16])<<8 | int(b[17]) }

	tests := []struct {
		name  string
		bytes func(t *testing.T) []byte
	}{
		{"random bytes", func(*testing.T) []byte {
			r := rand.New(rand.NewPCG(1, 2))
			b := make([]byte, 8192)
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return b
		}},
		{"text file", func(*testing.T) []byte { return []byte(strings.Repeat("attempt,latency\n1,0.8\n", 20)) }},
		{"shorter than header", func(*testing.T) []byte { return []byte("SQLite format 3\x00\x10\x00") }},
		{"bad page size", func(t *testing.T) []byte {
			b := validDB(t)
			b[16], b[17] = 0x03, 0x00
			return b
		}},
		{"truncated to half", func(t *testing.T) []byte {
			b := validDB(t)
			return b[:len(b)/2]
		}},
		{"truncated mid page", func(t *testing.T) []byte {
			b := validDB(t)
			return b[:pageSize(b)*2+100]
		}},
		{"corrupt page", func(t *testing.T) []byte {
			b := validDB(t)
			ps := pageSize(b)
			for i := ps; i < 2*ps; i++ { // page 2: the first table's root
				b[i] = 0xff
			}
			return b
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			want := tt.bytes(t)
			if err := os.WriteFile(path, want, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := store.Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open of a damaged file succeeded, want ErrDamaged")
			}
			t.Logf("Open: %v", err)
			if !errors.Is(err, store.ErrDamaged) {
				t.Errorf("Open: %v, want ErrDamaged", err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "damaged") {
				t.Errorf("error %q should name %s and say the file is damaged", msg, path)
			}
			if got := readFile(t, path); !bytes.Equal(got, want) {
				t.Errorf("Open changed the damaged file (%d bytes, want %d)", len(got), len(want))
			}
		})
	}
}

func TestOpenForeign(t *testing.T) {
	tests := []struct {
		name string
		sql  string
	}{
		{"other application id", "PRAGMA application_id = 42"},
		{"other tables", "CREATE TABLE notes (body TEXT)"},
		{"other user_version", "PRAGMA user_version = 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Make another program's database with a bare connection.
			path := filepath.Join(t.TempDir(), "other.db")
			db, err := store.Open(filepath.Join(t.TempDir(), "ours.db"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = store.RawDB(db).Exec("VACUUM INTO ?", path) // an empty copy of ours ...
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			other := mustRawOpen(t, path)
			// ... turned into a blank foreign file.
			for _, q := range []string{
				"PRAGMA application_id = 0", "PRAGMA user_version = 0",
				"DROP TABLE pause", "DROP TABLE turn", "DROP TABLE attempt", tt.sql,
			} {
				if _, err := other.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if err := other.Close(); err != nil {
				t.Fatal(err)
			}
			before := readFile(t, path)

			db, err = store.Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open of a foreign database succeeded, want ErrForeign")
			}
			t.Logf("Open: %v", err)
			if !errors.Is(err, store.ErrForeign) {
				t.Errorf("Open: %v, want ErrForeign", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("Open changed the foreign database file")
			}
		})
	}
}

func TestOpenDirectoryMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "history.db")
	db, err := store.Open(path)
	if err == nil {
		db.Close()
		t.Fatal("Open in a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	if errors.Is(err, store.ErrDamaged) {
		t.Errorf("Open: %v, must not claim the file is damaged", err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// integrityOK fails the test unless PRAGMA integrity_check finds the file
// sound.
func integrityOK(t *testing.T, db *store.DB) {
	t.Helper()
	rows, err := store.RawDB(db).Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0] != "ok" {
		t.Errorf("integrity_check: %q", lines)
	}
}
