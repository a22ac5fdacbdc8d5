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

	db := MustOpenDB(f)
	mustImport(f, db, seed)

	f.Fuzz(func(t *testing.T, data []byte) {
		before := mustExport(t, db, jsonOpt)
		res, err := db.Import(ctx, bytes.NewReader(data))
		if err != nil {
			var ie *store.ImportError
			if !errors.As(err, &ie) || !errors.Is(err, store.ErrImport) {
				t.Fatalf("Import = %v, want an *ImportError", err)
			}
			if ie.Line < 1 || ie.Line > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("Import = %v: line %d is outside the file", err, ie.Line)
			}
			if after := mustExport(t, db, jsonOpt); !bytes.Equal(before, after) {
				t.Fatalf("refused import (%v) changed the database:\n%s", err, firstDiff(before, after))
			}
			return
		}
		mid := mustExport(t, db, jsonOpt)
		if !res.Changed() && !bytes.Equal(before, mid) {
			t.Fatalf("Import = %+v (no change) but the database changed:\n%s", res, firstDiff(before, mid))
		}
		again, err := db.Import(ctx, bytes.NewReader(data))
		if err != nil {
			t.Fatalf("importing an accepted file again: %v", err)
		}
		if again.Changed() {
			t.Fatalf("importing an accepted file again = %+v, want no change", again)
		}
		if after := mustExport(t, db, jsonOpt); !bytes.Equal(mid, after) {
			t.Fatalf("importing an accepted file again changed the database:\n%s", firstDiff(mid, after))
		}
	})
}
