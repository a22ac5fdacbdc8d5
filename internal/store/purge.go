package store

import (
	"context"
	"fmt"
)

// Privacy controls: "delete all my practice data" (DeleteAll) and "keep
// metrics only" (ForgetRecordings, for the recordings kept before the
// setting was turned on).
//
// DeleteAll empties the tables in one transaction rather than closing and
// removing the file with its -wal and -shm:
//   - it is all or nothing: a crash, a full disk or a failure leaves every
//     row or none, where removing three files can stop after the first and
//     leave a WAL beside a database it does not belong to;
//   - the open DB stays valid for every part of the app that holds it (a
//     history read in flight gets an empty answer, not "database is
//     closed"), so nothing has to be re-wired and there is no moment with
//     no database;
//   - it works where an open file cannot be removed (Windows), and keeps
//     the schema version and application id, so the file is a fresh empty
//     Fallback database at once.
// Deleted rows would linger in free pages and in the WAL, so VACUUM
// rebuilds the file without them and a TRUNCATE checkpoint empties the WAL:
// afterwards no byte of the old practice is left in any of the three
// files.

// practiceTables are every table of practice data, children first (the
// foreign keys cascade anyway; the order makes the counts plain). A table
// added by a later migration must be added here: TestDeleteAllEmptiesEveryTable
// fails until it is.
var practiceTables = []string{"pause", "turn", "attempt", "baseline"}

// DeleteAll removes every attempt, turn, pause and baseline, in one
// transaction, and then compacts the file so that nothing of them stays on
// disk. On an error from the transaction nothing was deleted. An error
// after it (compacting) leaves the practice deleted but possibly still
// readable in the file's free pages; the error says so (it wraps
// ErrNotCompacted).
func (db *DB) DeleteAll(ctx context.Context) error {
	const op = "delete all practice data"
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()
	for _, table := range practiceTables {
		// The table names are the constants above, not input.
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table); err != nil {
			return db.fail(op, fmt.Errorf("empty %s: %w", table, err))
		}
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	if err := db.compact(ctx); err != nil {
		return fmt.Errorf("%s: %w: %w", op, ErrNotCompacted, err)
	}
	return nil
}

// ErrNotCompacted means the practice was deleted but the file could not be
// rebuilt without the deleted rows' old pages (a full disk, another
// program reading the file); compacting again later removes them.
var ErrNotCompacted = fmt.Errorf("deleted, but the database file still holds the old pages")

// compact rebuilds the file without free pages (VACUUM) and empties the
// WAL into it (a TRUNCATE checkpoint), so that deleted rows are gone from
// the disk and not only from the tables.
func (db *DB) compact(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, "VACUUM"); err != nil {
		return db.fail("vacuum", err)
	}
	var busy, logFrames, checkpointed int
	if err := db.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &checkpointed); err != nil {
		return db.fail("checkpoint", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: a reader kept %d of %d log frames in the WAL", logFrames-checkpointed, logFrames)
	}
	return nil
}

// ForgetRecordings empties the recording path of every turn and baseline
// (one transaction), for "keep metrics only": the figures stay, and an
// empty path is how a turn says its recording is not kept. It returns how
// many rows had a path. The files themselves are the caller's to remove,
// after this has succeeded, so that no stored path ever names a file that
// was deleted.
func (db *DB) ForgetRecordings(ctx context.Context) (int, error) {
	const op = "forget recordings"
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, db.fail(op, err)
	}
	defer tx.Rollback()
	n := 0
	for _, table := range []string{"turn", "baseline"} {
		res, err := tx.ExecContext(ctx, "UPDATE "+table+" SET recording_path = '' WHERE recording_path <> ''")
		if err != nil {
			return 0, db.fail(op, fmt.Errorf("%s: %w", table, err))
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, db.fail(op, err)
		}
		n += int(k)
	}
	if err := tx.Commit(); err != nil {
		return 0, db.fail(op, err)
	}
	return n, nil
}
