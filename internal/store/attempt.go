package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"fallback/internal/analysis"
)

// Attempt is one run through a scenario: the turns the rep answered, with the
// analysis of each answer.
type Attempt struct {
	// ID is a UUID; SaveAttempt assigns a new one when it is empty.
	ID            string
	ScenarioID    string
	ScenarioTitle string
	StartedAt     time.Time
	// FinishedAt is zero when the attempt was not finished (e.g. recovered
	// after a crash).
	FinishedAt time.Time
	// SavedAt is set by SaveAttempt from DB.Now.
	SavedAt time.Time
	// Turns are in the order of Index when read back.
	Turns []Turn
}

// Variants of a customer line, chosen by how the rep sounded on the turn before.
const (
	VariantNormal    = ""
	VariantSoftened  = "softened"
	VariantEscalated = "escalated"
)

// Turn is one customer line and the rep's recorded answer to it.
type Turn struct {
	// Index is the position of the turn in the attempt, from 0; unique
	// within an attempt.
	Index    int
	LineID   string
	LineText string
	// Variant is VariantNormal, VariantSoftened or VariantEscalated.
	Variant string
	// Cue is the moment in the recording from which the rep could answer.
	Cue time.Duration
	// RecordingPath is the answer's WAV file, best relative to the data
	// folder so that the folder can be moved.
	RecordingPath string
	Report        analysis.Report
}

// AttemptSummary is one row of the history list.
type AttemptSummary struct {
	ID            string
	ScenarioID    string
	ScenarioTitle string
	StartedAt     time.Time
	FinishedAt    time.Time // zero if not finished
	TurnCount     int
	// SpokenTurns counts the turns in which speech was found; the means
	// below are over those turns only.
	SpokenTurns int
	// MeanLatency is the mean reply latency; 0 when SpokenTurns is 0.
	MeanLatency time.Duration
	// MeanDBFS is the mean of the turns' finite mean levels (an average of
	// dB values, good enough for a list); NaN when there is none.
	MeanDBFS float64
}

// timeLayout is RFC 3339 with a fixed-width fraction, so text order is time
// order.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q in database: %w", s, err)
	}
	return t.UTC(), nil
}

// nullTime maps the zero time to NULL.
func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func fromMS(v float64) time.Duration {
	return time.Duration(math.Round(v * float64(time.Millisecond)))
}

// nullReal maps NaN to NULL; SQLite has no NaN.
func nullReal(v float64) sql.NullFloat64 {
	return sql.NullFloat64{Float64: v, Valid: !math.IsNaN(v)}
}

// nanFloat reads a REAL column written by nullReal.
type nanFloat struct{ p *float64 }

func (n nanFloat) Scan(src any) error {
	var f sql.NullFloat64
	if err := f.Scan(src); err != nil {
		return err
	}
	if !f.Valid {
		*n.p = math.NaN()
		return nil
	}
	*n.p = f.Float64
	return nil
}

// canonicalID is the stored form of a UUID (lower case, hyphenated), so
// that an ID typed in upper case still finds its attempt.
func canonicalID(id string) string {
	if u, err := uuid.Parse(id); err == nil {
		return u.String()
	}
	return id
}

func validate(a *Attempt) error {
	if a.ScenarioID == "" {
		return errors.New("scenario id is empty")
	}
	if a.StartedAt.IsZero() {
		return errors.New("start time is not set")
	}
	if !a.FinishedAt.IsZero() && a.FinishedAt.Before(a.StartedAt) {
		return errors.New("finish time is before start time")
	}
	seen := make(map[int]bool, len(a.Turns))
	for i, t := range a.Turns {
		switch {
		case t.Index < 0:
			return fmt.Errorf("turn %d: negative index %d", i, t.Index)
		case seen[t.Index]:
			return fmt.Errorf("turn %d: index %d used twice", i, t.Index)
		}
		seen[t.Index] = true
		switch t.Variant {
		case VariantNormal, VariantSoftened, VariantEscalated:
		default:
			return fmt.Errorf("turn %d: unknown variant %q", t.Index, t.Variant)
		}
		switch t.Report.Trend {
		case "", analysis.TrendFlat, analysis.TrendRising, analysis.TrendFalling:
		default:
			return fmt.Errorf("turn %d: unknown trend %q", t.Index, t.Report.Trend)
		}
		for j, p := range t.Report.Pauses {
			if p.End < p.Start {
				return fmt.Errorf("turn %d: pause %d ends before it starts", t.Index, j)
			}
		}
	}
	return nil
}

// SaveAttempt stores a and all its turns in one transaction: either all of it
// is saved or nothing is. It assigns a new UUID to a.ID when it is empty and
// sets a.SavedAt; an ID that is already stored gives ErrExists.
func (db *DB) SaveAttempt(ctx context.Context, a *Attempt) error {
	const op = "save attempt"
	if a == nil {
		return fmt.Errorf("%s: nil attempt", op)
	}
	if err := validate(a); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	id := a.ID
	if id == "" {
		// Version 7 UUIDs start with the time, so new rows land at the end
		// of the primary key index.
		u, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("%s: new id: %w", op, err)
		}
		id = u.String()
	} else {
		u, err := uuid.Parse(id)
		if err != nil {
			return fmt.Errorf("%s: id %q is not a uuid", op, id)
		}
		id = u.String()
	}
	savedAt := db.Now().UTC()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()

	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM attempt WHERE id = ?)`, id).Scan(&exists); err != nil {
		return db.fail(op, err)
	}
	if exists {
		return fmt.Errorf("%s %s: %w", op, id, ErrExists)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO attempt (id, scenario_id, scenario_title, started_at, finished_at, saved_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		id, a.ScenarioID, a.ScenarioTitle, formatTime(a.StartedAt), nullTime(a.FinishedAt), formatTime(savedAt))
	if err != nil {
		return db.fail(op, err)
	}

	turnStmt, err := tx.PrepareContext(ctx, `
		INSERT INTO turn (
			id, attempt_id, idx, line_id, line_text, variant, cue_ms, recording_path,
			no_speech, onset_ms, offset_ms, latency_ms,
			pause_count, longest_pause_ms, pause_total_ms,
			syllables, speech_rate, articulation_rate, wpm, pace_change_pct,
			mean_dbfs, first_half_dbfs, second_half_dbfs, trend,
			f0_median_hz, f0_p5_hz, f0_p95_hz, f0_range_st)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return db.fail(op, err)
	}
	defer turnStmt.Close()
	pauseStmt, err := tx.PrepareContext(ctx, `INSERT INTO pause (turn_id, idx, start_ms, end_ms) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return db.fail(op, err)
	}
	defer pauseStmt.Close()

	for _, t := range a.Turns {
		u, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("%s: new id: %w", op, err)
		}
		turnID := u.String()
		r := &t.Report
		_, err = turnStmt.ExecContext(ctx,
			turnID, id, t.Index, t.LineID, t.LineText, t.Variant, ms(t.Cue), t.RecordingPath,
			r.NoSpeech, ms(r.Onset), ms(r.Offset), ms(r.Latency),
			len(r.Pauses), ms(r.LongestPause), ms(r.PauseTotal),
			r.Syllables, nullReal(r.SpeechRate), nullReal(r.ArticulationRate), nullReal(r.WordsPerMin), nullReal(r.PaceChangePct),
			nullReal(r.MeanDBFS), nullReal(r.FirstHalfDBFS), nullReal(r.SecondHalfDBFS), string(r.Trend),
			nullReal(r.F0MedianHz), nullReal(r.F0P5Hz), nullReal(r.F0P95Hz), nullReal(r.F0RangeST))
		if err != nil {
			return db.fail(fmt.Sprintf("%s: turn %d", op, t.Index), err)
		}
		for j, p := range r.Pauses {
			if _, err := pauseStmt.ExecContext(ctx, turnID, j, ms(p.Start), ms(p.End)); err != nil {
				return db.fail(fmt.Sprintf("%s: turn %d: pause %d", op, t.Index, j), err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	a.ID = id
	a.SavedAt = savedAt
	return nil
}

// ListAttempts returns summaries of the stored attempts, newest first (by
// start time). limit <= 0 means all of them.
func (db *DB) ListAttempts(ctx context.Context, limit int) ([]AttemptSummary, error) {
	const op = "list attempts"
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.db.QueryContext(ctx, `
		SELECT a.id, a.scenario_id, a.scenario_title, a.started_at, a.finished_at,
			count(t.id),
			count(CASE WHEN t.no_speech = 0 THEN 1 END),
			avg(CASE WHEN t.no_speech = 0 THEN t.latency_ms END),
			avg(CASE WHEN t.no_speech = 0 AND abs(t.mean_dbfs) <= 1.7976931348623157e308 THEN t.mean_dbfs END)
		FROM attempt a LEFT JOIN turn t ON t.attempt_id = a.id
		GROUP BY a.id
		ORDER BY a.started_at DESC, a.id DESC
		LIMIT ?`, limit)
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer rows.Close()

	var list []AttemptSummary
	for rows.Next() {
		var (
			s                  AttemptSummary
			started            string
			finished           sql.NullString
			latency, meanLevel sql.NullFloat64
		)
		if err := rows.Scan(&s.ID, &s.ScenarioID, &s.ScenarioTitle, &started, &finished,
			&s.TurnCount, &s.SpokenTurns, &latency, &meanLevel); err != nil {
			return nil, db.fail(op, err)
		}
		if s.StartedAt, err = parseTime(started); err != nil {
			return nil, db.fail(op, err)
		}
		if finished.Valid {
			if s.FinishedAt, err = parseTime(finished.String); err != nil {
				return nil, db.fail(op, err)
			}
		}
		if latency.Valid {
			s.MeanLatency = fromMS(latency.Float64)
		}
		s.MeanDBFS = math.NaN()
		if meanLevel.Valid {
			s.MeanDBFS = meanLevel.Float64
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	return list, nil
}

// Attempt returns the stored attempt with the given ID, its turns ordered by
// Index. A missing attempt gives ErrNotFound. Times are in UTC.
func (db *DB) Attempt(ctx context.Context, id string) (Attempt, error) {
	op := "read attempt " + id
	id = canonicalID(id)
	// A read-only transaction is a plain deferred BEGIN (the DSN's immediate
	// mode is for writes only), so it never waits for a writer, and the
	// attempt, its turns and their pauses come from one snapshot.
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Attempt{}, db.fail(op, err)
	}
	defer tx.Rollback()

	a, err := readAttempt(ctx, tx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Attempt{}, fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if err != nil {
		return Attempt{}, db.fail(op, err)
	}
	return a, nil
}

func readAttempt(ctx context.Context, tx *sql.Tx, id string) (Attempt, error) {
	var (
		a              Attempt
		started, saved string
		finished       sql.NullString
	)
	err := tx.QueryRowContext(ctx, `
		SELECT id, scenario_id, scenario_title, started_at, finished_at, saved_at
		FROM attempt WHERE id = ?`, id).
		Scan(&a.ID, &a.ScenarioID, &a.ScenarioTitle, &started, &finished, &saved)
	if err != nil {
		return Attempt{}, err
	}
	if a.StartedAt, err = parseTime(started); err != nil {
		return Attempt{}, err
	}
	if a.SavedAt, err = parseTime(saved); err != nil {
		return Attempt{}, err
	}
	if finished.Valid {
		if a.FinishedAt, err = parseTime(finished.String); err != nil {
			return Attempt{}, err
		}
	}

	rows, err := tx.QueryContext(ctx, `
		SELECT id, idx, line_id, line_text, variant, cue_ms, recording_path,
			no_speech, onset_ms, offset_ms, latency_ms,
			longest_pause_ms, pause_total_ms,
			syllables, speech_rate, articulation_rate, wpm, pace_change_pct,
			mean_dbfs, first_half_dbfs, second_half_dbfs, trend,
			f0_median_hz, f0_p5_hz, f0_p95_hz, f0_range_st
		FROM turn WHERE attempt_id = ? ORDER BY idx`, a.ID)
	if err != nil {
		return Attempt{}, err
	}
	defer rows.Close()
	turnAt := make(map[string]int) // turn id → index in a.Turns
	for rows.Next() {
		var (
			t                           Turn
			turnID, trend               string
			cue, onset, offset, latency float64
			longest, total              float64
		)
		r := &t.Report
		err := rows.Scan(&turnID, &t.Index, &t.LineID, &t.LineText, &t.Variant, &cue, &t.RecordingPath,
			&r.NoSpeech, &onset, &offset, &latency,
			&longest, &total,
			&r.Syllables, nanFloat{&r.SpeechRate}, nanFloat{&r.ArticulationRate}, nanFloat{&r.WordsPerMin}, nanFloat{&r.PaceChangePct},
			nanFloat{&r.MeanDBFS}, nanFloat{&r.FirstHalfDBFS}, nanFloat{&r.SecondHalfDBFS}, &trend,
			nanFloat{&r.F0MedianHz}, nanFloat{&r.F0P5Hz}, nanFloat{&r.F0P95Hz}, nanFloat{&r.F0RangeST})
		if err != nil {
			return Attempt{}, err
		}
		t.Cue = fromMS(cue)
		r.Onset, r.Offset, r.Latency = fromMS(onset), fromMS(offset), fromMS(latency)
		r.LongestPause, r.PauseTotal = fromMS(longest), fromMS(total)
		r.Trend = analysis.Trend(trend)
		turnAt[turnID] = len(a.Turns)
		a.Turns = append(a.Turns, t)
	}
	if err := rows.Err(); err != nil {
		return Attempt{}, err
	}
	rows.Close()

	prows, err := tx.QueryContext(ctx, `
		SELECT p.turn_id, p.start_ms, p.end_ms
		FROM pause p JOIN turn t ON t.id = p.turn_id
		WHERE t.attempt_id = ?
		ORDER BY t.idx, p.idx`, a.ID)
	if err != nil {
		return Attempt{}, err
	}
	defer prows.Close()
	for prows.Next() {
		var (
			turnID     string
			start, end float64
		)
		if err := prows.Scan(&turnID, &start, &end); err != nil {
			return Attempt{}, err
		}
		r := &a.Turns[turnAt[turnID]].Report
		r.Pauses = append(r.Pauses, analysis.Interval{Start: fromMS(start), End: fromMS(end)})
	}
	return a, prows.Err()
}

// DeleteAttempt removes the attempt with the given ID together with its turns
// and pauses (the foreign keys cascade). A missing attempt gives ErrNotFound.
// Recording files are not touched.
func (db *DB) DeleteAttempt(ctx context.Context, id string) error {
	op := "delete attempt " + id
	id = canonicalID(id)
	res, err := db.db.ExecContext(ctx, `DELETE FROM attempt WHERE id = ?`, id)
	if err != nil {
		return db.fail(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return db.fail(op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}
