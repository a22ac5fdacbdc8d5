// Package store keeps the rep's practice history in a local SQLite file. It is
// the only package that imports database/sql and the (pure Go) SQLite driver.
//
// The schema is a list of numbered SQL files embedded from migrations/. Each
// is applied in its own transaction together with the bump of
// PRAGMA user_version, so a crash leaves the file at one version or the next,
// never between. Primary keys are UUIDs and times are UTC so that files from
// several machines can be merged later.
//
// Storage conventions:
//   - times are TEXT in UTC, RFC 3339 with exactly nine fraction digits
//     (2006-01-02T15:04:05.000000000Z): exact, readable in any SQLite shell,
//     understood by SQLite's date functions, and ordered as text;
//   - durations are REAL milliseconds, which round-trip a time.Duration
//     to the nanosecond for anything shorter than about ten days;
//   - a NULL in a REAL metric column stands for NaN (SQLite turns NaN into
//     NULL anyway); infinities are stored as they are;
//   - recording paths are stored as the caller gives them and never opened
//     or resolved here (the app gives them relative to its data folder).
//
// A run is written as it happens, so that leaving, a crash or a lost device
// keeps every finished turn: BeginAttempt stores the attempt with no finish
// time, SaveTurn commits each turn when it is measured (a retried turn
// replaces the one at its index), FinishAttempt sets the finish time. Each
// call is one transaction with synchronous=FULL, so a turn is on disk when
// SaveTurn returns; an attempt that was never finished is listed with a
// zero FinishedAt. SaveAttempt stores a whole attempt at once.
// SetSelfChecks changes only the self-check ticks of a stored turn (the rep
// ticks them on the report after the turn was committed); a retried turn
// saved with SaveTurn keeps nothing of the take before, ticks included.
//
// Baselines are the rep's calibrations (a neutral passage read aloud):
// SaveBaseline adds one, LatestBaseline gives the one pace and pitch are
// judged against, and Baselines all of them, oldest first, for progress.
// None stored is ErrNotFound from LatestBaseline: the app then uses
// defaults.
//
// Progress reads are TurnPoints (one point per turn, for the charts),
// ScenarioSummaries (per scenario: attempts, finished, the last one) and
// PracticeDays (the local days with practice, for streaks). They and
// ListAttempts are measured over 10,000 attempts of 4 turns by
// BenchmarkProgress.
//
// Export writes the history as CSV (one row per turn) or JSON (whole
// attempts and the baselines, with a format version), byte for byte the
// same for the same data. Import merges such a JSON file from another
// machine by UUID in one transaction; importing a file twice changes
// nothing, and a refused file (ErrImport, an *ImportError naming the line
// and field) leaves the database as it was.
//
// A turn's self-checks are a JSON array of {"text", "done"} objects in one
// TEXT column, since they are short, always read and written whole and
// never queried by item; the schema refuses anything but an array there.
//
// Concurrency: DB holds no Go locks. SQLite's write lock, taken at BEGIN
// (the DSN's _txlock=immediate), orders the writers, and busy_timeout makes
// a second writer wait for it instead of failing; readers work on a WAL
// snapshot and never wait for a writer.
//
// Errors the app shows are sentinels for errors.Is: ErrNotFound, ErrExists,
// ErrDamaged, ErrTooNew and ErrForeign (found by Open, before anything is
// written), ErrDiskFull and ErrIO, and ErrImport for a refused import
// file. A failed write leaves the database as it
// was before the call.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors the caller can test for with errors.Is.
var (
	// ErrNotFound means the requested attempt, turn or baseline does not
	// exist.
	ErrNotFound = errors.New("not found")
	// ErrExists means an attempt, turn or baseline with the same ID is
	// already stored.
	ErrExists = errors.New("already exists")
	// ErrDamaged means the database file is not a readable SQLite database
	// (random bytes, truncated, corrupt pages). The file is left as it was.
	ErrDamaged = errors.New("database file is damaged")
	// ErrTooNew means the file was written by a newer version of the program
	// (its schema version is higher than the newest known migration).
	ErrTooNew = errors.New("database was written by a newer version of the program")
	// ErrForeign means the file is a healthy SQLite database that belongs to
	// some other program; it is not touched.
	ErrForeign = errors.New("not a fallback database")
	// ErrDiskFull means a write failed because the disk is full or the
	// file reached the largest size the system allows (SQLITE_FULL,
	// ENOSPC, EFBIG). SQLite rolled the transaction back: the database
	// holds what it held before the call.
	ErrDiskFull = errors.New("the disk is full")
	// ErrIO means the disk reported an error reading or writing the
	// database (SQLITE_IOERR other than a full disk, such as EIO).
	ErrIO = errors.New("disk input/output error")
)

// applicationID is stored in the SQLite header by 001_init.sql ('FBCK').
const applicationID = 0x4642434B

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is the practice history: a pool of connections to one SQLite file.
// It is safe for concurrent use.
type DB struct {
	db   *sql.DB
	path string

	// Now returns the current time; SaveAttempt stamps SavedAt with it.
	// Tests replace it to get fixed times. It must not be changed while
	// other goroutines use the DB.
	Now func() time.Time
}

// dsn builds the data source name for path. Every connection of the pool gets
// the pragmas from it, so none of them needs a per-connection Exec. The path
// is a URI path to SQLite: '%', '?' and '#' are escaped so that any file name
// works.
func dsn(path string) string {
	return "file:" + escapePath(path) +
		"?_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(5000)" +
		"&_txlock=immediate"
}

// Open opens the history database at path, creating it if it does not exist,
// checks that it is intact and brings its schema up to date. The directory of
// path must exist.
//
// Open never writes to a file it does not recognise: a file that is not an
// SQLite database or is corrupt gives ErrDamaged, another program's database
// ErrForeign, and a database from a newer version of the program ErrTooNew.
// An existing file is inspected through a query-only connection before the
// pool (which switches the file to WAL) touches it. The integrity check
// (PRAGMA quick_check) reads the whole file, which is cheap for a history that
// holds metrics only, not audio.
func Open(path string) (*DB, error) {
	ctx := context.Background()
	op := "open " + path

	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	isNew, err := checkHeader(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if !isNew {
		if err := inspect(ctx, path, len(migs)); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}

	sdb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := migrate(ctx, sdb, migs); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("%s: %w", op, classify(path, err))
	}
	db := &DB{
		db:   sdb,
		path: path,
		Now:  func() time.Time { return time.Now().UTC() },
	}
	// Attempts whose progress points are not packed yet (a file just
	// migrated to 006, or turns another tool wrote) are packed now, once;
	// if that fails they are read from their turns, as before 006.
	_ = db.packAllPoints(ctx)
	return db, nil
}

// inspect checks an existing file through a single query-only connection
// that sets no persistent pragma, so nothing is written to a file that turns
// out not to be ours.
func inspect(ctx context.Context, path string, known int) error {
	sdb, err := sql.Open("sqlite", checkDSN(path))
	if err != nil {
		return err
	}
	defer sdb.Close()
	sdb.SetMaxOpenConns(1)

	// The first statement opens the connection; a file that is not a
	// database fails here.
	problems, err := quickCheck(ctx, sdb)
	if err != nil {
		return classify(path, fmt.Errorf("check integrity: %w", err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: check integrity: %s", ErrDamaged, strings.Join(problems, "; "))
	}
	var appID, version, objects int
	err = sdb.QueryRowContext(ctx, `SELECT
		(SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version),
		(SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &objects)
	if err != nil {
		return classify(path, fmt.Errorf("read schema version: %w", err))
	}
	switch {
	case appID == applicationID:
	case appID != 0:
		return fmt.Errorf("%w (application id %#x)", ErrForeign, appID)
	case version != 0 || objects != 0:
		// Ours is empty until 001 sets the id together with the tables.
		return fmt.Errorf("%w (no application id, schema version %d, %d tables or indexes)", ErrForeign, version, objects)
	}
	if version > known {
		return tooNew(version, known)
	}
	if err := sdb.Close(); err != nil {
		return fmt.Errorf("close check connection: %w", err)
	}
	return nil
}

// quickCheck runs PRAGMA quick_check and returns the first few problems it
// names; none means the file is sound.
func quickCheck(ctx context.Context, sdb *sql.DB) ([]string, error) {
	rows, err := sdb.QueryContext(ctx, "PRAGMA quick_check(4)")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	header := false
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		switch {
		case line == "ok":
		case strings.HasPrefix(line, "*** "): // "*** in database main ***"
			// SQLite writes it only above problems, and it counts
			// against the limit: a damaged interior page of a table
			// gave this line alone.
			header = true
		default:
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if header && len(problems) == 0 {
		problems = append(problems, "problems found in the main database")
	}
	return problems, nil
}

func tooNew(version, known int) error {
	return fmt.Errorf("%w: schema version %d, this build knows up to %d", ErrTooNew, version, known)
}

// checkDSN is the DSN of the connection that inspects a file before Open
// trusts it: the file must exist (mode=rw) and query_only refuses writes.
func checkDSN(path string) string {
	return "file:" + escapePath(path) + "?mode=rw&_pragma=busy_timeout(5000)&_pragma=query_only(1)"
}

// escapePath makes path a URI path for SQLite.
func escapePath(path string) string {
	p := filepath.ToSlash(path)
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Close closes the database. In-flight calls finish first.
func (db *DB) Close() error {
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.path, err)
	}
	return nil
}

// Path is the file the database was opened from.
func (db *DB) Path() string { return db.path }

// SchemaVersion is the number of migrations the code knows; after a
// successful Open the file is at this version.
func SchemaVersion() int {
	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		return 0
	}
	return len(migs)
}

// fail wraps err with op, and with the path and ErrDamaged, ErrDiskFull or
// ErrIO when SQLite's error is one of those.
func (db *DB) fail(op string, err error) error {
	if kind := kindOf(db.path, err); kind != nil && !errors.Is(err, kind) {
		return fmt.Errorf("%s: %s: %w: %w", op, db.path, kind, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// classify marks err with ErrDamaged, ErrDiskFull or ErrIO when it is one
// of those (for errors that do not come through DB.fail).
func classify(path string, err error) error {
	if err == nil {
		return nil
	}
	if kind := kindOf(path, err); kind != nil && !errors.Is(err, kind) {
		return fmt.Errorf("%w: %w", kind, err)
	}
	return err
}

// kindOf returns the sentinel (ErrDamaged, ErrDiskFull, ErrIO) that err
// stands for, or nil. path is the database file, whose directory and
// companion files (-wal, -shm) are looked at for an I/O error.
//
// SQLite's unix VFS reports ENOSPC on a write as SQLITE_FULL, but folds
// EFBIG (and ENOSPC when extending the -shm file) into SQLITE_IOERR_WRITE,
// _SHMSIZE, _SHMOPEN and the like, and the driver does not expose errno. So an I/O
// error from a call that grows a file counts as a full disk when one of
// the two conditions that cause ENOSPC and EFBIG holds now (see
// outOfSpace).
func kindOf(path string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) {
		return ErrDiskFull
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() & 0xff { // primary result code
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return ErrDamaged
	case sqlite3.SQLITE_FULL:
		return ErrDiskFull
	case sqlite3.SQLITE_CANTOPEN:
		// Creating the -wal or -shm file fails with ENOSPC when the
		// disk has no room for it; anything else stays as it is.
		if outOfSpace(path) {
			return ErrDiskFull
		}
	case sqlite3.SQLITE_IOERR:
		switch se.Code() {
		case sqlite3.SQLITE_IOERR_WRITE, sqlite3.SQLITE_IOERR_TRUNCATE,
			sqlite3.SQLITE_IOERR_FSYNC, sqlite3.SQLITE_IOERR_SHMSIZE,
			sqlite3.SQLITE_IOERR_SHMOPEN: // opening -shm sets its size to 3 bytes

			if outOfSpace(path) {
				return ErrDiskFull
			}
		}
		return ErrIO
	}
	return nil
}

// checkHeader looks at the first bytes of an existing file before SQLite
// does. It catches files that are obviously not an SQLite database or belong
// to another program without handing them to the driver. A missing or empty
// file is a new database (isNew).
func checkHeader(path string) (isNew bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	if fi.IsDir() {
		return false, errors.New("is a directory")
	}
	if fi.Size() == 0 {
		return true, nil
	}
	// https://www.sqlite.org/fileformat2.html#the_database_header
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return false, fmt.Errorf("%w: file is shorter than a database header (%d bytes)", ErrDamaged, fi.Size())
		}
		return false, err
	}
	if string(h[:16]) != "SQLite format 3\x00" {
		return false, fmt.Errorf("%w: not an sqlite database (bad header)", ErrDamaged)
	}
	pageSize := int(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 || h[21] != 64 || h[22] != 32 || h[23] != 32 {
		return false, fmt.Errorf("%w: invalid database header", ErrDamaged)
	}
	// In WAL mode this copy of the header can be older than the database,
	// but an application id, once set, never changes.
	if id := binary.BigEndian.Uint32(h[68:72]); id != 0 && id != applicationID {
		return false, fmt.Errorf("%w (application id %#x)", ErrForeign, id)
	}
	return false, nil
}

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads migrations/NNN_name.sql from fsys. Versions must run
// 1, 2, 3… without gaps or duplicates so that user_version N means "the
// first N files have been applied".
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var migs []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNN_description.sql", base)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		migs = append(migs, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(migs, func(i, j int) bool { return migs[i].version < migs[j].version })
	for i, m := range migs {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return migs, nil
}

// migrate applies the migrations the database has not seen yet, each in its
// own transaction with the user_version bump. The version is read again
// inside each write transaction, so two programs opening the same new file
// at once do not apply a migration twice.
func migrate(ctx context.Context, db *sql.DB, migs []migration) error {
	for _, m := range migs {
		if err := migrateOne(ctx, db, m, len(migs)); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func migrateOne(ctx context.Context, db *sql.DB, m migration, known int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > known {
		return tooNew(version, known)
	}
	if version >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	// PRAGMA takes no bound parameters; the version is an integer we made.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
		return err
	}
	return tx.Commit()
}
