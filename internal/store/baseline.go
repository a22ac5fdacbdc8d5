package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Baseline is one calibration: the rep reading a neutral passage aloud, and
// the figures of their calm voice taken from it. Pace and pitch are judged
// against the newest one; all are kept, for progress.
type Baseline struct {
	// ID is a UUID; SaveBaseline assigns a new one when it is empty.
	ID string
	// TakenAt is when the passage was read; UTC when read back.
	TakenAt time.Time
	// SpeechRate and ArticulationRate are in syllables per second (the
	// second with pauses excluded), MeanDBFS the speech level, F0MedianHz
	// and F0RangeST the pitch. NaN when unknown.
	SpeechRate, ArticulationRate, MeanDBFS, F0MedianHz, F0RangeST float64
	// LivePaceSPS is the live analyser's pace on the same reading, the
	// yardstick of the live "slow down" nudge (its figures run on a scale
	// of their own). NaN when unknown.
	LivePaceSPS float64
	// RecordingPath is the reading's WAV file, kept as given (the app
	// gives it relative to its data folder) and never opened here.
	RecordingPath string
	// Passage names the passage that was read.
	Passage string
}

// SaveBaseline stores b. It assigns a new UUID to b.ID when it is empty
// and sets a zero b.TakenAt to DB.Now; both change only when the save
// succeeds. An ID that is already stored gives ErrExists.
func (db *DB) SaveBaseline(ctx context.Context, b *Baseline) error {
	const op = "save baseline"
	if b == nil {
		return fmt.Errorf("%s: nil baseline", op)
	}
	id, err := idOrNew(b.ID)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	taken := b.TakenAt
	if taken.IsZero() {
		taken = db.Now()
	}
	taken = taken.UTC()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()

	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM baseline WHERE id = ?)`, id).Scan(&exists); err != nil {
		return db.fail(op, err)
	}
	if exists {
		return fmt.Errorf("%s %s: %w", op, id, ErrExists)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO baseline (id, taken_at, speech_rate, articulation_rate, mean_dbfs,
			f0_median_hz, f0_range_st, live_pace_sps, recording_path, passage)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, formatTime(taken), nullReal(b.SpeechRate), nullReal(b.ArticulationRate), nullReal(b.MeanDBFS),
		nullReal(b.F0MedianHz), nullReal(b.F0RangeST), nullReal(b.LivePaceSPS), b.RecordingPath, b.Passage)
	if err != nil {
		return db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	b.ID = id
	b.TakenAt = taken
	return nil
}

// baselineColumns are the columns scanBaseline reads, in its order.
const baselineColumns = `id, taken_at, speech_rate, articulation_rate, mean_dbfs,
	f0_median_hz, f0_range_st, live_pace_sps, recording_path, passage`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanBaseline(s scanner) (Baseline, error) {
	var (
		b     Baseline
		taken string
	)
	err := s.Scan(&b.ID, &taken, nanFloat{&b.SpeechRate}, nanFloat{&b.ArticulationRate}, nanFloat{&b.MeanDBFS},
		nanFloat{&b.F0MedianHz}, nanFloat{&b.F0RangeST}, nanFloat{&b.LivePaceSPS}, &b.RecordingPath, &b.Passage)
	if err != nil {
		return Baseline{}, err
	}
	if b.TakenAt, err = parseTime(taken); err != nil {
		return Baseline{}, err
	}
	return b, nil
}

// LatestBaseline returns the newest stored baseline (by TakenAt; of two
// taken at the same instant, the one with the greater ID). None stored
// gives ErrNotFound: the app then judges pace and pitch on defaults.
func (db *DB) LatestBaseline(ctx context.Context) (Baseline, error) {
	const op = "read latest baseline"
	b, err := scanBaseline(db.db.QueryRowContext(ctx,
		`SELECT `+baselineColumns+` FROM baseline ORDER BY taken_at DESC, id DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return Baseline{}, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if err != nil {
		return Baseline{}, db.fail(op, err)
	}
	return b, nil
}

// Baselines returns every stored baseline, oldest first (the order
// LatestBaseline picks the last of); none gives an empty list and no error.
func (db *DB) Baselines(ctx context.Context) ([]Baseline, error) {
	const op = "list baselines"
	rows, err := db.db.QueryContext(ctx, `SELECT `+baselineColumns+` FROM baseline ORDER BY taken_at, id`)
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer rows.Close()
	var list []Baseline
	for rows.Next() {
		b, err := scanBaseline(rows)
		if err != nil {
			return nil, db.fail(op, err)
		}
		list = append(list, b)
	}
	if err := rows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	return list, nil
}
