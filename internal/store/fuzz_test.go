package store_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"fallback/internal/store"
)

// FuzzImport feeds Import mutations of a real export. Import must never
// panic; a refused file must leave the database exactly as it was (no half
// import) and name a line; an accepted one, imported again, must change
// nothing. The database is the fixture's data imported once, so that the
// mutants also merge into attempts, turns and baselines stored already.
//
// Every run starts from that same state: the database lives in memory and
// is reset to its saved image before each run (store.Reset), so a failure
// does not depend on what earlier mutants left behind, and the state's
// export is made once rather than at every run. On a file, carrying every
// accepted mutant into the next, a run took three exports of a growing
// history and a synchronous commit.
func FuzzImport(f *testing.F) {
	ctx := context.Background()
	src := MustOpenDB(f)
	transferFixture(f, src)
	seed := mustExport(f, src, jsonOpt)
	f.Add(seed)
	var since bytes.Buffer
	if err := src.Export(ctx, &since, store.ExportOptions{Format: store.FormatJSON, Since: at(25)}); err != nil {
		f.Fatal(err)
	}
	f.Add(since.Bytes())
	f.Add([]byte(`{"format": "fallback-export", "format_version": 1, "attempts": [], "baselines": []}`))

	db, err := store.OpenMemory()
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	mustImport(f, db, seed)
	image, err := store.Image(db)
	if err != nil {
		f.Fatal(err)
	}
	before := mustExport(f, db, jsonOpt)

	// unchanged reports whether db still holds what img (an Image) and
	// exp (its export) hold. Equal bytes answer at once; a rolled-back or
	// empty transaction leaves every page as it was, so they are the
	// common case. Otherwise the exports decide, as they did before, and
	// the current one is returned for the message.
	unchanged := func(t *testing.T, img, exp []byte) (bool, []byte) {
		now, err := store.Image(db)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(now, img) {
			return true, exp
		}
		got := mustExport(t, db, jsonOpt)
		return bytes.Equal(got, exp), got
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		if err := store.Reset(db, image); err != nil {
			t.Fatal(err)
		}
		res, err := db.Import(ctx, bytes.NewReader(data))
		if err != nil {
			var ie *store.ImportError
			if !errors.As(err, &ie) || !errors.Is(err, store.ErrImport) {
				t.Fatalf("Import = %v, want an *ImportError", err)
			}
			if ie.Line < 1 || ie.Line > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("Import = %v: line %d is outside the file", err, ie.Line)
			}
			if ok, after := unchanged(t, image, before); !ok {
				t.Fatalf("refused import (%v) changed the database:\n%s", err, firstDiff(before, after))
			}
			return
		}
		if !res.Changed() {
			if ok, mid := unchanged(t, image, before); !ok {
				t.Fatalf("Import = %+v (no change) but the database changed:\n%s", res, firstDiff(before, mid))
			}
		}
		midImage, err := store.Image(db)
		if err != nil {
			t.Fatal(err)
		}
		again, err := db.Import(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("importing an accepted file again: %v", err)
		}
		if again.Changed() {
			t.Fatalf("importing an accepted file again = %+v, want no change", again)
		}
		if now, err := store.Image(db); err != nil || !bytes.Equal(now, midImage) {
			// The bytes moved: compare what the two states export.
			after := mustExport(t, db, jsonOpt)
			if err := store.Reset(db, midImage); err != nil {
				t.Fatal(err)
			}
			if mid := mustExport(t, db, jsonOpt); !bytes.Equal(mid, after) {
				t.Fatalf("importing an accepted file again changed the database:\n%s", firstDiff(mid, after))
			}
		}
	})
}
