package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	file := func(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int  // versions, in order
		wantErr string // part of the error, "" for none
	}{
		{"embedded", nil, nil, ""},
		{"in order", fstest.MapFS{
			"migrations/002_b.sql": file("B"),
			"migrations/001_a.sql": file("A"),
			"migrations/notes.txt": file("not a migration"),
		}, []int{1, 2}, ""},
		{"none", fstest.MapFS{}, nil, ""},
		{"gap", fstest.MapFS{
			"migrations/001_a.sql": file("A"),
			"migrations/003_c.sql": file("C"),
		}, nil, "expected version 2"},
		{"duplicate", fstest.MapFS{
			"migrations/001_a.sql":   file("A"),
			"migrations/1_again.sql": file("A"),
		}, nil, "expected version 2"},
		{"no number", fstest.MapFS{"migrations/init.sql": file("A")}, nil, "NNN_description.sql"},
		{"zero", fstest.MapFS{"migrations/000_a.sql": file("A")}, nil, "NNN_description.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				migs []migration
				err  error
			)
			if tt.fsys == nil {
				migs, err = loadMigrations(migrationFiles)
			} else {
				migs, err = loadMigrations(tt.fsys)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadMigrations: %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadMigrations: %v", err)
			}
			if tt.fsys == nil {
				if len(migs) == 0 || migs[0].name != "001_init.sql" {
					t.Fatalf("embedded migrations = %v, want 001_init.sql first", migs)
				}
				return
			}
			var got []int
			for _, m := range migs {
				got = append(got, m.version)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !equalInts(got, tt.want)) {
				t.Errorf("versions = %v, want %v", got, tt.want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// TestMigrateFailureRollsBack checks that a failing migration leaves the
// database at the previous version with none of its statements applied, and
// that the next run picks up from there.
func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	sdb, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()

	good := migration{version: 1, name: "001_a.sql", sql: "CREATE TABLE a (x INTEGER);"}
	bad := migration{version: 2, name: "002_b.sql", sql: "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"}
	fixed := migration{version: 2, name: "002_b.sql", sql: "CREATE TABLE b (x INTEGER);"}

	steps := []struct {
		name        string
		migs        []migration
		wantErr     string
		wantVersion int
		wantTables  string
	}{
		{"first applies", []migration{good}, "", 1, "a"},
		{"second fails", []migration{good, bad}, "002_b.sql", 1, "a"},
		{"fixed second applies", []migration{good, fixed}, "", 2, "a,b"},
		{"again is a no-op", []migration{good, fixed}, "", 2, "a,b"},
		{"older code refuses", []migration{good}, "newer version", 2, "a,b"},
	}
	for _, st := range steps {
		err := migrate(ctx, sdb, st.migs)
		switch {
		case st.wantErr == "" && err != nil:
			t.Fatalf("%s: migrate: %v", st.name, err)
		case st.wantErr != "" && (err == nil || !strings.Contains(err.Error(), st.wantErr)):
			t.Fatalf("%s: migrate: %v, want an error with %q", st.name, err, st.wantErr)
		}
		var version int
		var tables string
		if err := sdb.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if err := sdb.QueryRow(`SELECT group_concat(name, ',') FROM
			(SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if version != st.wantVersion || tables != st.wantTables {
			t.Errorf("%s: user_version %d, tables %q; want %d, %q", st.name, version, tables, st.wantVersion, st.wantTables)
		}
	}
}
