package store

import (
	"context"
	"database/sql"
	"fmt"
)

// pointColumns are the figures of one turn that a progress point carries,
// in the order TurnPoints reads them: the index and the two flags in one
// integer (idx*4 + recovered*2 + no_speech), then eight reals. Every
// column is in the covering index turn_points (005).
const pointColumns = `idx * 4 + recovered * 2 + no_speech, latency_ms, longest_pause_ms,
	articulation_rate, speech_rate, pace_change_pct,
	second_half_dbfs - first_half_dbfs, mean_dbfs, f0_median_hz`

// pointCount is the number of values in pointColumns.
const pointCount = 9

// packPoints packs the progress points of every attempt whose cache
// (attempt.points, 006) is empty: the ones whose turns tx has just
// written, which the triggers of 006 emptied, and any another tool wrote.
// It runs in the transaction that wrote the turns, so the cache is never
// seen stale; the partial index attempt_unpacked finds the empty ones
// without a scan. An attempt with no turns packs to an empty value.
//
// Without fallback_pack (its registration failed, which the reads report)
// nothing is packed and the writes go on.
func packPoints(ctx context.Context, tx *sql.Tx) error {
	if errPack != nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE attempt SET points = coalesce((SELECT `+packFunc+`(`+pointColumns+`)
		FROM (SELECT idx, recovered, no_speech, latency_ms, longest_pause_ms, articulation_rate, speech_rate,
			pace_change_pct, first_half_dbfs, second_half_dbfs, mean_dbfs, f0_median_hz
			FROM turn WHERE turn.attempt_id = attempt.id ORDER BY idx)), x'')
		WHERE points IS NULL`)
	if err != nil {
		return fmt.Errorf("pack progress points: %w", err)
	}
	return nil
}

// packAllPoints packs the empty caches in a transaction of its own: at
// open, for a file just migrated to 006 or written by another tool. A
// failure (a full disk) leaves them empty, which the reads handle.
func (db *DB) packAllPoints(ctx context.Context) error {
	// Asked first, so that an open with nothing to pack takes no write
	// lock (the partial index answers it at once).
	var empty bool
	if err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attempt WHERE points IS NULL)`).Scan(&empty); err != nil || !empty {
		return err
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := packPoints(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
