package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"modernc.org/sqlite"
)

// packFunc is an aggregate SQL function registered with the driver:
// fallback_pack(v1, v2, … [ORDER BY …]) packs the values of every row it
// aggregates into one blob, row after row, which unpacker reads back.
//
// It exists for the progress reads, which return tens of thousands of rows
// of ten numbers. The modernc driver's cost is per column of each row
// (two calls into SQLite, each taking the connection's mutex, and a boxed
// value), about 0.15 µs a value, so 40,000 turns of ten values took 65 ms
// as rows and take about 30 ms as one packed value, on the 2-core test
// machine. The values are exact: reals travel as their IEEE 754 bits.
const packFunc = "fallback_pack"

// Tags of a packed value; each is followed by its payload.
const (
	packNull  = 0 // no payload
	packInt   = 1 // a varint (zigzag, encoding/binary): flags and counts take a byte
	packReal  = 2 // 8 bytes, the little-endian IEEE 754 bits
	packText  = 3 // uvarint length, then the bytes
	packBlob  = 4 // uvarint length, then the bytes
	packSame  = 5 // no payload: the same text as this argument's in the row before
	packWidth = 8 // payload bytes of a real
)

// packChunk is the size of the pieces a packed blob is built in: large
// enough that a 5 MB result takes a few dozen, small enough that a
// handful of rows wastes little. Building in pieces rather than one
// growing slice copies each byte once: grown by doubling, the 5 MB of
// 40,000 turns were copied and cleared twice over and took 8 of the 58 ms.
const packChunk = 256 << 10

// packSlack is the room a row needs in the current piece before it is
// appended: more than a row of the progress reads takes (a UUID, dates,
// titles and a dozen numbers). A longer row still fits, by growing its
// piece.
const packSlack = 4 << 10

// chunks keeps the pieces of finished blobs for the next one, so that
// each read does not fault in fresh pages for them.
var chunks = sync.Pool{New: func() any { b := make([]byte, 0, packChunk); return &b }}

// errPack is registerPack's outcome; the reads that use fallback_pack
// report it, since a missing function would otherwise surface as an SQL
// error naming a function the caller never heard of.
var errPack = registerPack()

func registerPack() error {
	err := sqlite.RegisterFunction(packFunc, &sqlite.FunctionImpl{
		NArgs:         -1,
		Deterministic: true,
		// Step copies every text and blob into its buffer at once and
		// keeps no argument, so the driver may pass views into SQLite's
		// memory rather than a Go copy of each.
		VolatileArgs: true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) {
			return &packer{}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("register %s: %w", packFunc, err)
	}
	return nil
}

// packer is one evaluation of fallback_pack: the full pieces, then the
// one being filled.
type packer struct {
	full [][]byte
	cur  []byte
	n    int // bytes in full
	// prev holds each argument's text in the row before (nil: not a
	// text). The turns of an attempt come together, so a turn's 36-byte
	// attempt ID is mostly its predecessor's; sent once, it takes a
	// quarter off the 5 MB that the driver copies four times.
	prev [][]byte
}

// Step appends the row's values.
func (p *packer) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	if cap(p.cur)-len(p.cur) < packSlack {
		if p.cur != nil {
			p.full = append(p.full, p.cur)
			p.n += len(p.cur)
		}
		p.cur = (*chunks.Get().(*[]byte))[:0]
	}
	b := p.cur
	if len(p.prev) < len(args) {
		p.prev = append(p.prev, make([][]byte, len(args)-len(p.prev))...)
	}
	for i, a := range args {
		if _, text := a.(string); !text {
			p.prev[i] = p.prev[i][:0:0] // nil-capacity: no text to repeat
		}
		switch v := a.(type) {
		case nil:
			b = append(b, packNull)
		case int64:
			b = binary.AppendVarint(append(b, packInt), v)
		case float64:
			b = binary.LittleEndian.AppendUint64(append(b, packReal), math.Float64bits(v))
		case string:
			if prev := p.prev[i]; cap(prev) > 0 && string(prev) == v {
				b = append(b, packSame)
				continue
			}
			b = append(binary.AppendUvarint(append(b, packText), uint64(len(v))), v...)
			// A copy: v is SQLite's memory (VolatileArgs); one extra
			// byte keeps the capacity of an empty text above 0.
			p.prev[i] = append(append(p.prev[i][:0], v...), 0)[:len(v)]
		case []byte:
			b = append(binary.AppendUvarint(append(b, packBlob), uint64(len(v))), v...)
		default:
			return fmt.Errorf("%s: argument %d: cannot pack %T", packFunc, i+1, a)
		}
	}
	p.cur = b
	return nil
}

// WindowInverse refuses: fallback_pack is not meant as a window function.
func (p *packer) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("%s is not a window function", packFunc)
}

// WindowValue is the blob packed so far, in one piece; none packed is an
// empty blob.
func (p *packer) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	out := make([]byte, 0, p.n+len(p.cur))
	for _, c := range p.full {
		out = append(out, c...)
	}
	return append(out, p.cur...), nil
}

// Final gives the pieces back for the next blob.
func (p *packer) Final(*sqlite.FunctionContext) {
	for _, c := range append(p.full, p.cur) {
		// A piece that a long row grew is left to the collector,
		// so that the pool holds only pieces of the usual size.
		if c != nil && cap(c) == packChunk {
			c = c[:0]
			chunks.Put(&c)
		}
	}
	*p = packer{}
}

// queryPacked runs query, which selects one fallback_pack value of cols
// (at least 1) arguments, and hands the blob to read while the result is
// open: the blob is the driver's memory (sql.RawBytes), valid until the
// rows are closed, so read must not keep any of it (strings made from it
// are copies).
func queryPacked(ctx context.Context, tx *sql.Tx, cols int, read func(*unpacker) error, query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return errors.New(packFunc + " gave no row")
	}
	// RawBytes saves the copy that a Scan into a []byte makes.
	var blob sql.RawBytes
	if err := rows.Scan(&blob); err != nil {
		return err
	}
	u := unpacker{b: blob, cols: cols, prev: make([][]byte, cols)}
	if err := read(&u); err != nil {
		return err
	}
	return rows.Close()
}

// errUnpack is the error of a blob that fallback_pack did not write or
// that is read with other columns than it was packed with.
var errUnpack = errors.New("packed rows are malformed")

// unpacker reads the values of a fallback_pack blob in order, for rows of
// cols values. The first error sticks: later reads return zero values,
// and err reports it.
type unpacker struct {
	b    []byte
	err  error
	cols int
	pos  int      // the next value's argument, 0…cols-1
	prev [][]byte // each argument's text in the row before, for packSame
}

// more reports whether values are left.
func (u *unpacker) more() bool { return u.err == nil && len(u.b) > 0 }

func (u *unpacker) fail(what string) {
	if u.err == nil {
		u.err = fmt.Errorf("%w: %s", errUnpack, what)
		u.b = nil
	}
}

// tag takes the next value's tag.
func (u *unpacker) tag() byte {
	if u.err != nil {
		return packNull
	}
	if len(u.b) == 0 {
		u.fail("value missing")
		return packNull
	}
	t := u.b[0]
	u.b = u.b[1:]
	return t
}

// next moves on to the next value's argument and returns the one just
// read.
func (u *unpacker) next() int {
	i := u.pos
	if u.pos++; u.pos == u.cols {
		u.pos = 0
	}
	return i
}

func (u *unpacker) varint() int64 {
	v, k := binary.Varint(u.b)
	if k <= 0 {
		u.fail("integer cut short")
		return 0
	}
	u.b = u.b[k:]
	return v
}

func (u *unpacker) fixed() uint64 {
	if len(u.b) < packWidth {
		u.fail("number cut short")
		return 0
	}
	v := binary.LittleEndian.Uint64(u.b)
	u.b = u.b[packWidth:]
	return v
}

// bytes takes a text or blob value; the slice aliases the packed blob.
// NULL gives nil.
func (u *unpacker) bytes() []byte {
	t, i := u.tag(), u.next()
	if u.err != nil {
		return nil
	}
	switch t {
	case packNull:
		u.prev[i] = nil
		return nil
	case packSame:
		if u.prev[i] == nil {
			u.fail("repeat of no text")
		}
		return u.prev[i]
	case packText, packBlob:
		n, k := binary.Uvarint(u.b)
		if k <= 0 || n > uint64(len(u.b)-k) {
			u.fail("text cut short")
			return nil
		}
		v := u.b[k : k+int(n) : k+int(n)]
		u.b = u.b[k+int(n):]
		u.prev[i] = nil
		if t == packText {
			u.prev[i] = v
		}
		return v
	default:
		u.fail("text expected")
		return nil
	}
}

// integer takes an integer value (NOT NULL).
func (u *unpacker) integer() int64 {
	t := u.tag()
	u.prev[u.next()] = nil
	if t != packInt {
		u.fail("integer expected")
		return 0
	}
	return u.varint()
}

// real takes a real value: NULL is NaN (see nullReal), an integer is
// converted.
func (u *unpacker) real() float64 {
	t := u.tag()
	u.prev[u.next()] = nil
	switch t {
	case packNull:
		if u.err != nil {
			return 0
		}
		return math.NaN()
	case packReal:
		return math.Float64frombits(u.fixed())
	case packInt:
		return float64(u.varint())
	default:
		u.fail("real expected")
		return 0
	}
}

// interner gives one string for each distinct text it is handed: scenario
// IDs and titles repeat across thousands of attempts, and one copy of each
// is enough.
type interner map[string]string

// get is b as a string, the same one for equal texts.
func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok { // no allocation: the compiler's map lookup by []byte
		return s
	}
	s := string(b)
	in[s] = s
	return s
}
