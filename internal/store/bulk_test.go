package store

import (
	"context"
	"fmt"
)

// SaveBulk stores n attempts made by gen, with their turns, in one
// transaction through the same insert statements SaveAttempt uses, so that
// scale tests can fill a database with 10,000 attempts in seconds rather
// than one synchronous commit each. Attempt and turn IDs are assigned.
func SaveBulk(ctx context.Context, db *DB, n int, gen func(i int) Attempt) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `
		INSERT INTO attempt (id, scenario_id, scenario_title, planned_turns, started_at, finished_at, saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	w, err := prepareTurnWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer w.close()
	for i := range n {
		a := gen(i)
		if err := validate(&a); err != nil {
			return fmt.Errorf("attempt %d: %w", i, err)
		}
		id, err := newID()
		if err != nil {
			return err
		}
		saved := a.FinishedAt
		if saved.IsZero() {
			saved = a.StartedAt
		}
		if _, err := ins.ExecContext(ctx, id, a.ScenarioID, a.ScenarioTitle, a.PlannedTurns,
			formatTime(a.StartedAt), nullTime(a.FinishedAt), formatTime(saved)); err != nil {
			return fmt.Errorf("attempt %d: %w", i, err)
		}
		for j := range a.Turns {
			tid, err := newID()
			if err != nil {
				return err
			}
			if err := w.insert(ctx, id, tid, &a.Turns[j]); err != nil {
				return fmt.Errorf("attempt %d turn %d: %w", i, j, err)
			}
		}
	}
	if err := packPoints(ctx, tx); err != nil { // as every write of turns does
		return err
	}
	return tx.Commit()
}
