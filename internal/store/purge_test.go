package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"fallback/internal/store"
)

// tableCounts is the row count of every table of the schema, read from
// sqlite_schema so that a table added later is counted too.
func tableCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	raw := store.RawDB(db)
	rows, err := raw.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	counts := map[string]int{}
	for _, n := range names {
		var c int
		if err := raw.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		counts[n] = c
	}
	return counts
}

// fillPractice stores three attempts of two turns and two baselines, with
// marker in a line text so a test can look for it in the files.
func fillPractice(t *testing.T, db *store.DB, marker string) {
	t.Helper()
	for i := range 3 {
		a := newAttempt("late", at(i), 2)
		a.Turns[0].LineText = marker
		mustSave(t, db, &a)
	}
	for i, p := range []string{"depot", "harbour"} {
		b := newBaseline(at(10+i), p)
		if err := db.SaveBaseline(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDeleteAllEmptiesEveryTable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fallback.db")
	db := MustOpenPath(t, path)
	const marker = "zebra-marker-5f1c: where is my parcel"
	fillPractice(t, db, marker)
	before := tableCounts(t, db)
	for _, table := range []string{"attempt", "turn", "pause", "baseline"} {
		if before[table] == 0 {
			t.Fatalf("setup: table %s is empty before DeleteAll (%v)", table, before)
		}
	}

	if err := db.DeleteAll(ctx); err != nil {
		t.Fatalf("DeleteAll: %v", err)
	}
	for table, n := range tableCounts(t, db) {
		if n != 0 {
			t.Errorf("table %s holds %d rows after DeleteAll, want 0", table, n)
		}
	}
	if list, err := db.ListAttempts(ctx, 100); err != nil || len(list) != 0 {
		t.Errorf("ListAttempts after DeleteAll = %d attempts, %v; want none", len(list), err)
	}
	if _, err := db.LatestBaseline(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestBaseline after DeleteAll: %v, want ErrNotFound (first start again)", err)
	}
	// Nothing of the old practice is left on disk: not in free pages of the
	// file, not in the WAL.
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s still holds the deleted line text", filepath.Base(f))
		}
	}
	// The same DB goes on working, and the file reopens as a healthy
	// Fallback database.
	a := newAttempt("bill", at(20), 1)
	mustSave(t, db, &a)
	if got := tableCounts(t, db)["attempt"]; got != 1 {
		t.Errorf("%d attempts after saving one into the emptied database, want 1", got)
	}
	again := MustOpenPath(t, path)
	if list, err := again.ListAttempts(ctx, 10); err != nil || len(list) != 1 {
		t.Errorf("reopened: %d attempts, %v; want the one saved after DeleteAll", len(list), err)
	}
}

func TestDeleteAllRefusedDeletesNothing(t *testing.T) {
	db := MustOpenDB(t)
	fillPractice(t, db, "line")
	before := tableCounts(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.DeleteAll(ctx); err == nil {
		t.Fatal("DeleteAll with a cancelled context succeeded")
	}
	after := tableCounts(t, db)
	for table, n := range before {
		if after[table] != n {
			t.Errorf("table %s: %d rows after a refused DeleteAll, want %d", table, after[table], n)
		}
	}
}

func TestForgetRecordingsKeepsTheFigures(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	fillPractice(t, db, "line")
	n, err := db.ForgetRecordings(ctx)
	if err != nil {
		t.Fatalf("ForgetRecordings: %v", err)
	}
	if want := 3*2 + 2; n != want {
		t.Errorf("ForgetRecordings = %d paths, want %d (6 turns, 2 baselines)", n, want)
	}
	list, err := db.ListAttempts(ctx, 10)
	if err != nil || len(list) != 3 {
		t.Fatalf("ListAttempts: %d, %v", len(list), err)
	}
	for _, s := range list {
		a, err := db.Attempt(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := newAttempt("late", a.StartedAt, 2)
		for i, tu := range a.Turns {
			if tu.RecordingPath != "" {
				t.Errorf("attempt %s turn %d keeps path %q", a.ID, i, tu.RecordingPath)
			}
			if tu.Report.MeanDBFS != want.Turns[i].Report.MeanDBFS || len(tu.Report.Pauses) != len(want.Turns[i].Report.Pauses) {
				t.Errorf("attempt %s turn %d lost its figures: %+v", a.ID, i, tu.Report)
			}
		}
	}
	bs, err := db.Baselines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.RecordingPath != "" || b.MeanDBFS != -22.125 {
			t.Errorf("baseline %s: path %q, level %v; want no path and the level kept", b.ID, b.RecordingPath, b.MeanDBFS)
		}
	}
	if n, err := db.ForgetRecordings(ctx); err != nil || n != 0 {
		t.Errorf("ForgetRecordings again = %d, %v; want 0 (nothing left to forget)", n, err)
	}
}

// BenchmarkDeleteAll times DeleteAll (the transaction, VACUUM and the
// checkpoint) over the generated history of 10,000 attempts, refilled
// before each run, and reports the file's size before and after. Run with
// go test -run '^$' -bench DeleteAll ./internal/store
func BenchmarkDeleteAll(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	size := func() int64 {
		var n int64
		for _, f := range []string{db.Path(), db.Path() + "-wal"} {
			if fi, err := os.Stat(f); err == nil {
				n += fi.Size()
			}
		}
		return n
	}
	var full, empty int64
	for b.Loop() {
		b.StopTimer()
		if err := store.SaveBulk(ctx, db, scaleAttempts, scaleAttempt); err != nil {
			b.Fatal(err)
		}
		full = size()
		b.StartTimer()
		if err := db.DeleteAll(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		empty = size()
		b.StartTimer()
	}
	b.Logf("database and WAL: %d bytes with %d attempts, %d bytes after DeleteAll", full, scaleAttempts, empty)
}
