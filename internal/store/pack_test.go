package store

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"testing"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "pack.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// packedRows runs fallback_pack over query's rows (cols columns) and reads
// every value back as text (a []byte), integer or real, as kinds says
// ('t', 'i', 'r').
func packedRows(t *testing.T, db *DB, query string, kinds string) ([][]any, error) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var rows [][]any
	err = queryPacked(ctx, tx, len(kinds), func(u *unpacker) error {
		for u.more() {
			var row []any
			for _, k := range kinds {
				switch k {
				case 't':
					b := u.bytes()
					if b == nil {
						row = append(row, nil)
					} else {
						row = append(row, string(b))
					}
				case 'i':
					row = append(row, u.integer())
				case 'r':
					row = append(row, u.real())
				}
			}
			if u.err != nil {
				return u.err
			}
			rows = append(rows, row)
		}
		return nil
	}, query)
	return rows, err
}

// TestPackRoundTrip packs rows through SQLite and reads them back: every
// value as it went in, reals to the bit (negative zero, infinities, the
// smallest subnormal), NULL as nil or NaN, texts repeated from the row
// before, after a NULL, and empty.
func TestPackRoundTrip(t *testing.T) {
	db := openTemp(t)
	const query = `SELECT fallback_pack(a, b, c, d) FROM (
		SELECT 1 AS n, 'x' AS a, 0 AS b, 0.0 AS c, 'same' AS d
		UNION ALL SELECT 2, 'x', -1, -0.0, 'same'
		UNION ALL SELECT 3, NULL, 9223372036854775807, 1e308 * 10, 'same'
		UNION ALL SELECT 4, 'x', -9223372036854775808, -1e308 * 10, ''
		UNION ALL SELECT 5, '', 255, 4.9406564584124654e-324, ''
		UNION ALL SELECT 6, '', 256, NULL, 'ünïcode'
		UNION ALL SELECT 7, 'y', 7, 7, 'ünïcode'
		ORDER BY n)`
	got, err := packedRows(t, db, query, "tirt")
	if err != nil {
		t.Fatal(err)
	}
	inf := math.Inf(1)
	want := [][]any{
		{"x", int64(0), 0.0, "same"},
		{"x", int64(-1), math.Copysign(0, -1), "same"},
		{nil, int64(math.MaxInt64), inf, "same"},
		{"x", int64(math.MinInt64), -inf, ""},
		{"", int64(255), math.SmallestNonzeroFloat64, ""},
		{"", int64(256), math.NaN(), "ünïcode"},
		{"y", int64(7), 7.0, "ünïcode"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		for j := range want[i] {
			g, w := got[i][j], want[i][j]
			if gf, ok := g.(float64); ok {
				wf := w.(float64)
				if math.Float64bits(gf) != math.Float64bits(wf) && !(math.IsNaN(gf) && math.IsNaN(wf)) {
					t.Errorf("row %d value %d = %v (bits %#x), want %v (bits %#x)", i, j, gf, math.Float64bits(gf), wf, math.Float64bits(wf))
				}
				continue
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("row %d value %d = %#v, want %#v", i, j, g, w)
			}
		}
	}

	// No rows: an empty blob, no values.
	none, err := packedRows(t, db, `SELECT fallback_pack(x) FROM (SELECT 1 AS x) WHERE x = 0`, "i")
	if err != nil || len(none) != 0 {
		t.Errorf("no rows: %v, %v; want none", none, err)
	}
}

// TestUnpackMalformed reads a valid blob cut at every length, and with
// each byte changed: the reader never panics, and a blob cut inside a row
// is an error.
func TestUnpackMalformed(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	var blob []byte
	if err := db.db.QueryRowContext(ctx, `SELECT fallback_pack(a, b, c) FROM (
		SELECT 'attempt' AS a, 3 AS b, 1.5 AS c UNION ALL SELECT 'attempt', 4, NULL)`).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	read := func(b []byte) (rows int, err error) {
		u := unpacker{b: b, cols: 3, prev: make([][]byte, 3)}
		for u.more() {
			u.bytes()
			u.integer()
			u.real()
			if u.err != nil {
				return rows, u.err
			}
			rows++
		}
		return rows, nil
	}
	if n, err := read(blob); n != 2 || err != nil {
		t.Fatalf("the whole blob: %d rows, %v; want 2, none", n, err)
	}
	firstRow := 1 + 1 + len("attempt") + 2 + 9 // text tag, length, bytes; an integer, a real
	for cut := range len(blob) {
		n, err := read(blob[:cut])
		atRow := cut == 0 || cut == firstRow
		if atRow && err != nil || !atRow && !errors.Is(err, errUnpack) {
			t.Errorf("cut at %d of %d: %d rows, %v; want errUnpack unless at a row's end", cut, len(blob), n, err)
		}
	}
	for i := range blob {
		for _, v := range []byte{0, 1, 2, 3, 4, 5, 6, 0x7f, 0xff} {
			b := append([]byte(nil), blob...)
			b[i] = v
			read(b) // must not panic; the result may be anything
		}
	}
}
