package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// selfCheckJSON is the stored form of a SelfCheck: one object of the JSON
// array in turn.self_checks. It is separate from SelfCheck so that the
// file format does not change when the Go type does.
type selfCheckJSON struct {
	Text string `json:"text"`
	Done bool   `json:"done"`
}

// validateSelfChecks refuses what would not come back as it was given:
// json.Marshal replaces invalid UTF-8 with U+FFFD.
func validateSelfChecks(checks []SelfCheck) error {
	for i, c := range checks {
		if !utf8.ValidString(c.Text) {
			return fmt.Errorf("self-check %d: text is not valid UTF-8", i)
		}
	}
	return nil
}

// encodeSelfChecks gives the JSON array stored for checks; none is "[]",
// never "null", which the column's CHECK refuses.
func encodeSelfChecks(checks []SelfCheck) (string, error) {
	items := make([]selfCheckJSON, len(checks))
	for i, c := range checks {
		items[i] = selfCheckJSON(c)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// "<" and "&" stay as they are, readable in an SQLite shell.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(items); err != nil {
		return "", fmt.Errorf("encode self-checks: %w", err)
	}
	return string(bytes.TrimRight(b.Bytes(), "\n")), nil
}

// decodeSelfChecks reads the column written by encodeSelfChecks; an empty
// array is nil.
func decodeSelfChecks(s string) ([]SelfCheck, error) {
	var items []selfCheckJSON
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return nil, fmt.Errorf("bad self-checks %q in database: %w", s, err)
	}
	if len(items) == 0 {
		return nil, nil
	}
	checks := make([]SelfCheck, len(items))
	for i, it := range items {
		checks[i] = SelfCheck(it)
	}
	return checks, nil
}

// SetSelfChecks replaces the self-check ticks of the turn at index of the
// stored attempt attemptID with checks (nil or empty: none), and stamps
// the attempt's SavedAt, in one transaction. Nothing else of the turn
// changes. A missing attempt or a turn not stored at index gives
// ErrNotFound.
func (db *DB) SetSelfChecks(ctx context.Context, attemptID string, index int, checks []SelfCheck) error {
	op := fmt.Sprintf("set self-checks of turn %d of attempt %s", index, attemptID)
	if err := validateSelfChecks(checks); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	text, err := encodeSelfChecks(checks)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	aid := canonicalID(attemptID)
	savedAt := db.Now().UTC()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `UPDATE turn SET self_checks = ? WHERE attempt_id = ? AND idx = ?`, text, aid, index)
	if err != nil {
		return db.fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.fail(op, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	res, err = tx.ExecContext(ctx, `UPDATE attempt SET saved_at = ? WHERE id = ?`, formatTime(savedAt), aid)
	if err != nil {
		return db.fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.fail(op, err)
	} else if n != 1 {
		// The turn's foreign key makes this impossible; say so rather
		// than commit a turn without its attempt stamped.
		return fmt.Errorf("%s: turn found but not its attempt", op)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	return nil
}
