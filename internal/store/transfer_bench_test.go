package store_test

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"fallback/internal/store"
)

// BenchmarkTransfer times Export and Import over the generated history of
// 10,000 attempts (MustScaleDB) and reports the file sizes. Run with
// go test -run '^$' -bench Transfer -benchmem ./internal/store
func BenchmarkTransfer(b *testing.B) {
	ctx := context.Background()
	db := MustScaleDB(b)
	file := mustExport(b, db, jsonOpt)
	csvFile := mustExport(b, db, store.ExportOptions{Format: store.FormatCSV})
	b.Logf("JSON export %d bytes (%d per attempt), CSV %d bytes", len(file), len(file)/scaleAttempts, len(csvFile))
	for _, format := range []string{store.FormatJSON, store.FormatCSV} {
		b.Run("Export/"+format, func(b *testing.B) {
			for b.Loop() {
				if err := db.Export(ctx, io.Discard, store.ExportOptions{Format: format}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("Import/empty", func(b *testing.B) {
		dir := b.TempDir()
		n := 0
		for b.Loop() {
			b.StopTimer()
			n++
			dst, err := store.Open(filepath.Join(dir, "db"+string(rune('a'+n%26))+string(rune('0'+n/26))))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			res, err := dst.Import(ctx, bytes.NewReader(file))
			b.StopTimer()
			if err != nil || res.AttemptsAdded != scaleAttempts {
				b.Fatalf("Import = %+v, %v", res, err)
			}
			dst.Close()
			b.StartTimer()
		}
	})
	b.Run("Import/again", func(b *testing.B) {
		for b.Loop() {
			res, err := db.Import(ctx, bytes.NewReader(file))
			if err != nil || res.Changed() {
				b.Fatalf("Import = %+v, %v", res, err)
			}
		}
	})
}
