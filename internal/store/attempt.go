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
	// ID is a UUID; SaveAttempt and BeginAttempt assign a new one when it
	// is empty.
	ID            string
	ScenarioID    string
	ScenarioTitle string
	// PlannedTurns is how many turns the scenario has (0 when unknown), so
	// that an unfinished attempt can be shown as "2 of 3 turns".
	PlannedTurns int
	StartedAt    time.Time
	// FinishedAt is zero while the attempt is unfinished: begun with
	// BeginAttempt and not yet finished with FinishAttempt (the rep left,
	// the app crashed or the device was lost).
	FinishedAt time.Time
	// SavedAt is the time of the last write to the attempt (SaveAttempt,
	// BeginAttempt, SaveTurn, SetSelfChecks, FinishAttempt), from DB.Now.
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
	// ID is a UUID. The store assigns one when it is empty and keeps the
	// one it is given, so saving the same turn again is stable.
	ID string
	// Index is the position of the turn in the attempt, from 0; unique
	// within an attempt.
	Index    int
	LineID   string
	LineText string
	// Variant is VariantNormal, VariantSoftened or VariantEscalated.
	Variant string
	// Cue is the moment in the recording from which the rep could answer.
	Cue time.Duration
	// RecordingPath is the answer's WAV file. The store keeps the text it
	// is given and never opens the file; the app stores it relative to its
	// data folder so that the folder can be moved.
	RecordingPath string
	// Dropped is how much of the answer's audio was lost while recording.
	Dropped time.Duration
	// Recovered is set when the turn was rescued from a partial recording
	// after a crash.
	Recovered bool
	Report    analysis.Report

	// SelfChecks are the rep's ticks of the turn's self-check, in order.
	// The rep ticks them on the report after the turn was saved, so
	// SetSelfChecks changes just them. None is read back as nil.
	SelfChecks []SelfCheck
	// Customer is how the customer's line measured; Composure is the
	// sentence the report showed about it ("Frank got 6 dB louder; you
	// stayed level"), "" when there was none.
	Customer  CustomerLine
	Composure string
	// ClipShare is the share (0…1) of the answer's samples that clipped
	// and NoiseFloorDBFS the room's noise floor; NaN when unknown (turns
	// saved before these were measured read back as NaN). The zero value
	// 0 means "measured, no clipping" and a 0 dBFS floor: set NaN when the
	// figure was not measured.
	ClipShare      float64
	NoiseFloorDBFS float64
}

// SelfCheck is one item of a turn's self-check and whether the rep ticked
// it.
type SelfCheck struct {
	Text string
	Done bool
}

// CustomerLine is how the customer's line of a turn measured, to judge the
// rep's composure against it. Each figure is NaN when unknown.
type CustomerLine struct {
	MeanDBFS float64
	// TrendDB is the level of the line's second half minus its first, in
	// dB (positive: the customer got louder).
	TrendDB       float64
	PaceChangePct float64
	F0MedianHz    float64
}

// UnknownCustomer is a CustomerLine with every figure unknown (NaN), for a
// turn whose customer line was not measured.
func UnknownCustomer() CustomerLine {
	nan := math.NaN()
	return CustomerLine{MeanDBFS: nan, TrendDB: nan, PaceChangePct: nan, F0MedianHz: nan}
}

// AttemptSummary is one row of the history list.
type AttemptSummary struct {
	ID            string
	ScenarioID    string
	ScenarioTitle string
	StartedAt     time.Time
	FinishedAt    time.Time // zero if not finished
	// PlannedTurns is how many turns the scenario has (0 when unknown);
	// TurnCount is how many are stored.
	PlannedTurns int
	TurnCount    int
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
	if a.PlannedTurns < 0 {
		return fmt.Errorf("negative number of planned turns %d", a.PlannedTurns)
	}
	seen := make(map[int]bool, len(a.Turns))
	seenID := make(map[string]bool, len(a.Turns))
	for i := range a.Turns {
		t := &a.Turns[i]
		if t.Index < 0 {
			return fmt.Errorf("turn %d: negative index %d", i, t.Index)
		}
		if seen[t.Index] {
			return fmt.Errorf("turn %d: index %d used twice", i, t.Index)
		}
		seen[t.Index] = true
		if err := validateTurn(t); err != nil {
			return err
		}
		if t.ID != "" {
			id := canonicalID(t.ID)
			if seenID[id] {
				return fmt.Errorf("turn %d: id %s used twice", t.Index, id)
			}
			seenID[id] = true
		}
	}
	return nil
}

// validateTurn checks what the schema would refuse, to give a clearer
// error than a constraint name.
func validateTurn(t *Turn) error {
	if t.Index < 0 {
		return fmt.Errorf("turn %d: negative index", t.Index)
	}
	if t.ID != "" {
		if _, err := uuid.Parse(t.ID); err != nil {
			return fmt.Errorf("turn %d: id %q is not a uuid", t.Index, t.ID)
		}
	}
	switch t.Variant {
	case VariantNormal, VariantSoftened, VariantEscalated:
	default:
		return fmt.Errorf("turn %d: unknown variant %q", t.Index, t.Variant)
	}
	if t.Dropped < 0 {
		return fmt.Errorf("turn %d: negative dropped audio %v", t.Index, t.Dropped)
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
	if !math.IsNaN(t.ClipShare) && (t.ClipShare < 0 || t.ClipShare > 1) {
		return fmt.Errorf("turn %d: clip share %v is not between 0 and 1", t.Index, t.ClipShare)
	}
	if err := validateSelfChecks(t.SelfChecks); err != nil {
		return fmt.Errorf("turn %d: %w", t.Index, err)
	}
	return nil
}

// newID returns a new version 7 UUID. Those start with the time, so new
// rows land at the end of the primary key index.
func newID() (string, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return u.String(), nil
}

// idOrNew returns the canonical form of the UUID id, or a new one when id
// is empty.
func idOrNew(id string) (string, error) {
	if id == "" {
		return newID()
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return "", fmt.Errorf("id %q is not a uuid", id)
	}
	return u.String(), nil
}

// SaveAttempt stores a and all its turns in one transaction: either all of it
// is saved or nothing is. It assigns a new UUID to a.ID and to each turn
// whose ID is empty, and sets a.SavedAt; these fields change only when the
// save succeeds. An attempt or turn ID that is already stored gives
// ErrExists.
func (db *DB) SaveAttempt(ctx context.Context, a *Attempt) error {
	return db.insertAttempt(ctx, "save attempt", a)
}

// BeginAttempt stores the row of an attempt that is under way, with no
// finish time, together with any turns already in a.Turns, in one
// transaction. Turns then follow one by one with SaveTurn and the attempt
// ends with FinishAttempt; until then it is listed as unfinished. Like
// SaveAttempt it assigns a.ID and the turn IDs when empty, sets a.SavedAt,
// and gives ErrExists for an ID that is already stored. a.FinishedAt must be
// zero.
func (db *DB) BeginAttempt(ctx context.Context, a *Attempt) error {
	const op = "begin attempt"
	if a != nil && !a.FinishedAt.IsZero() {
		return fmt.Errorf("%s: finish time is set (use SaveAttempt for a finished attempt)", op)
	}
	return db.insertAttempt(ctx, op, a)
}

func (db *DB) insertAttempt(ctx context.Context, op string, a *Attempt) error {
	if a == nil {
		return fmt.Errorf("%s: nil attempt", op)
	}
	if err := validate(a); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	id, err := idOrNew(a.ID)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	turnIDs := make([]string, len(a.Turns))
	for i, t := range a.Turns {
		if turnIDs[i], err = idOrNew(t.ID); err != nil {
			return fmt.Errorf("%s: turn %d: %w", op, t.Index, err)
		}
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
		INSERT INTO attempt (id, scenario_id, scenario_title, planned_turns, started_at, finished_at, saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, a.ScenarioID, a.ScenarioTitle, a.PlannedTurns, formatTime(a.StartedAt), nullTime(a.FinishedAt), formatTime(savedAt))
	if err != nil {
		return db.fail(op, err)
	}
	if len(a.Turns) > 0 {
		w, err := prepareTurnWriter(ctx, tx)
		if err != nil {
			return db.fail(op, err)
		}
		defer w.close()
		for i := range a.Turns {
			t := &a.Turns[i]
			if err := turnIDFree(ctx, tx, turnIDs[i]); err != nil {
				return db.fail(fmt.Sprintf("%s: turn %d", op, t.Index), err)
			}
			if err := w.insert(ctx, id, turnIDs[i], t); err != nil {
				return db.fail(fmt.Sprintf("%s: turn %d", op, t.Index), err)
			}
		}
	}
	if err := packPoints(ctx, tx); err != nil {
		return db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	a.ID = id
	a.SavedAt = savedAt
	for i := range a.Turns {
		a.Turns[i].ID = turnIDs[i]
	}
	return nil
}

// turnIDFree gives ErrExists when a turn with the given ID is stored.
func turnIDFree(ctx context.Context, tx *sql.Tx, turnID string) error {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM turn WHERE id = ?)`, turnID).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return fmt.Errorf("turn id %s: %w", turnID, ErrExists)
	}
	return nil
}

// turnWriter inserts turns and their pauses inside one transaction.
type turnWriter struct {
	turn, pause *sql.Stmt
}

func prepareTurnWriter(ctx context.Context, tx *sql.Tx) (*turnWriter, error) {
	turn, err := tx.PrepareContext(ctx, `
		INSERT INTO turn (
			id, attempt_id, idx, line_id, line_text, variant, cue_ms, recording_path,
			dropped_ms, recovered,
			no_speech, onset_ms, offset_ms, latency_ms,
			pause_count, longest_pause_ms, pause_total_ms,
			syllables, speech_rate, articulation_rate, wpm, pace_change_pct,
			mean_dbfs, first_half_dbfs, second_half_dbfs, trend,
			f0_median_hz, f0_p5_hz, f0_p95_hz, f0_range_st,
			self_checks,
			customer_mean_dbfs, customer_trend_db, customer_pace_change_pct, customer_f0_median_hz,
			composure, clip_share, noise_floor_dbfs)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
			?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, err
	}
	pause, err := tx.PrepareContext(ctx, `INSERT INTO pause (turn_id, idx, start_ms, end_ms) VALUES (?, ?, ?, ?)`)
	if err != nil {
		turn.Close()
		return nil, err
	}
	return &turnWriter{turn: turn, pause: pause}, nil
}

func (w *turnWriter) close() {
	w.turn.Close()
	w.pause.Close()
}

func (w *turnWriter) insert(ctx context.Context, attemptID, turnID string, t *Turn) error {
	r := &t.Report
	checks, err := encodeSelfChecks(t.SelfChecks)
	if err != nil {
		return err
	}
	c := &t.Customer
	_, err = w.turn.ExecContext(ctx,
		turnID, attemptID, t.Index, t.LineID, t.LineText, t.Variant, ms(t.Cue), t.RecordingPath,
		ms(t.Dropped), t.Recovered,
		r.NoSpeech, ms(r.Onset), ms(r.Offset), ms(r.Latency),
		len(r.Pauses), ms(r.LongestPause), ms(r.PauseTotal),
		r.Syllables, nullReal(r.SpeechRate), nullReal(r.ArticulationRate), nullReal(r.WordsPerMin), nullReal(r.PaceChangePct),
		nullReal(r.MeanDBFS), nullReal(r.FirstHalfDBFS), nullReal(r.SecondHalfDBFS), string(r.Trend),
		nullReal(r.F0MedianHz), nullReal(r.F0P5Hz), nullReal(r.F0P95Hz), nullReal(r.F0RangeST),
		checks,
		nullReal(c.MeanDBFS), nullReal(c.TrendDB), nullReal(c.PaceChangePct), nullReal(c.F0MedianHz),
		t.Composure, nullReal(t.ClipShare), nullReal(t.NoiseFloorDBFS))
	if err != nil {
		return err
	}
	for j, p := range r.Pauses {
		if _, err := w.pause.ExecContext(ctx, turnID, j, ms(p.Start), ms(p.End)); err != nil {
			return fmt.Errorf("pause %d: %w", j, err)
		}
	}
	return nil
}

// SaveTurn commits one turn of a stored attempt, with its pauses, in one
// transaction, and stamps the attempt's SavedAt. A turn already stored at
// the same Index is replaced (a retried turn replaces the metrics of the
// take before; its recording file is the caller's business). The attempt
// may be finished or not; a missing attempt gives ErrNotFound.
//
// t.ID is kept when given and otherwise set: to the ID of the turn it
// replaces, or to a new UUID, so the turn at an index keeps one identity
// through retries. A given ID that belongs to another turn (another
// attempt or index) gives ErrExists. t is changed only when the save
// succeeds.
func (db *DB) SaveTurn(ctx context.Context, attemptID string, t *Turn) error {
	if t == nil {
		return fmt.Errorf("save turn of attempt %s: nil turn", attemptID)
	}
	op := fmt.Sprintf("save turn %d of attempt %s", t.Index, attemptID)
	if err := validateTurn(t); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	aid := canonicalID(attemptID)
	savedAt := db.Now().UTC()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `UPDATE attempt SET saved_at = ? WHERE id = ?`, formatTime(savedAt), aid)
	if err != nil {
		return db.fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return db.fail(op, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}

	var oldID string
	err = tx.QueryRowContext(ctx, `SELECT id FROM turn WHERE attempt_id = ? AND idx = ?`, aid, t.Index).Scan(&oldID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return db.fail(op, err)
	}
	turnID := oldID
	if t.ID != "" {
		turnID = canonicalID(t.ID)
		if turnID != oldID {
			if err := turnIDFree(ctx, tx, turnID); err != nil {
				return db.fail(op, err)
			}
		}
	} else if turnID == "" {
		if turnID, err = newID(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	if oldID != "" {
		// The pauses of the replaced take go with it (ON DELETE CASCADE).
		if _, err := tx.ExecContext(ctx, `DELETE FROM turn WHERE id = ?`, oldID); err != nil {
			return db.fail(op, err)
		}
	}
	w, err := prepareTurnWriter(ctx, tx)
	if err != nil {
		return db.fail(op, err)
	}
	defer w.close()
	if err := w.insert(ctx, aid, turnID, t); err != nil {
		return db.fail(op, err)
	}
	if err := packPoints(ctx, tx); err != nil {
		return db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	t.ID = turnID
	return nil
}

// FinishAttempt sets the finish time of a stored attempt (again, if it was
// finished before) and stamps its SavedAt. A missing attempt gives
// ErrNotFound; a finish time before the start is refused.
func (db *DB) FinishAttempt(ctx context.Context, id string, finished time.Time) error {
	op := "finish attempt " + id
	if finished.IsZero() {
		return fmt.Errorf("%s: finish time is not set", op)
	}
	id = canonicalID(id)
	savedAt := db.Now().UTC()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return db.fail(op, err)
	}
	defer tx.Rollback()

	var startedText string
	err = tx.QueryRowContext(ctx, `SELECT started_at FROM attempt WHERE id = ?`, id).Scan(&startedText)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	if err != nil {
		return db.fail(op, err)
	}
	started, err := parseTime(startedText)
	if err != nil {
		return db.fail(op, err)
	}
	if finished.Before(started) {
		return fmt.Errorf("%s: finish time %s is before start time %s", op, formatTime(finished), startedText)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempt SET finished_at = ?, saved_at = ? WHERE id = ?`,
		formatTime(finished), formatTime(savedAt), id); err != nil {
		return db.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return db.fail(op, err)
	}
	return nil
}

// ListAttempts returns summaries of the stored attempts, finished or not,
// newest first (by start time). limit <= 0 means all of them.
func (db *DB) ListAttempts(ctx context.Context, limit int) ([]AttemptSummary, error) {
	return db.listAttempts(ctx, "list attempts", "", limit)
}

// UnfinishedAttempts returns summaries of the attempts that were begun and
// not finished, newest first.
func (db *DB) UnfinishedAttempts(ctx context.Context) ([]AttemptSummary, error) {
	return db.listAttempts(ctx, "list unfinished attempts", "WHERE finished_at IS NULL", 0)
}

// listAttempts runs the summary query with where, a fixed clause written
// in this file (never user input).
func (db *DB) listAttempts(ctx context.Context, op, where string, limit int) ([]AttemptSummary, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	// The attempts are picked (and limited) first, from attempt_started_at,
	// and only then summed, from the covering index turn_points (005). A
	// page of the list sums the turns of its attempts one attempt at a
	// time; the whole list is listAll.
	if limit < 0 && where == "" {
		return db.listAll(ctx, op)
	}
	const attempts = `(SELECT id, scenario_id, scenario_title, planned_turns, started_at, finished_at
		FROM attempt ` + "%s" + ` ORDER BY started_at DESC, id DESC LIMIT ?) a`
	query := `
		SELECT a.id, a.scenario_id, a.scenario_title, a.planned_turns, a.started_at, a.finished_at,
			count(t.attempt_id),
			count(CASE WHEN t.no_speech = 0 THEN 1 END),
			avg(CASE WHEN t.no_speech = 0 THEN t.latency_ms END),
			avg(CASE WHEN t.no_speech = 0 AND abs(t.mean_dbfs) <= 1.7976931348623157e308 THEN t.mean_dbfs END)
		FROM ` + fmt.Sprintf(attempts, where) + ` LEFT JOIN turn t ON t.attempt_id = a.id
		GROUP BY a.id
		ORDER BY a.started_at DESC, a.id DESC`
	rows, err := db.db.QueryContext(ctx, query, limit)
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
		if err := rows.Scan(&s.ID, &s.ScenarioID, &s.ScenarioTitle, &s.PlannedTurns, &started, &finished,
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
		SELECT id, scenario_id, scenario_title, planned_turns, started_at, finished_at, saved_at
		FROM attempt WHERE id = ?`, id).
		Scan(&a.ID, &a.ScenarioID, &a.ScenarioTitle, &a.PlannedTurns, &started, &finished, &saved)
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
			dropped_ms, recovered,
			no_speech, onset_ms, offset_ms, latency_ms,
			longest_pause_ms, pause_total_ms,
			syllables, speech_rate, articulation_rate, wpm, pace_change_pct,
			mean_dbfs, first_half_dbfs, second_half_dbfs, trend,
			f0_median_hz, f0_p5_hz, f0_p95_hz, f0_range_st,
			self_checks,
			customer_mean_dbfs, customer_trend_db, customer_pace_change_pct, customer_f0_median_hz,
			composure, clip_share, noise_floor_dbfs
		FROM turn WHERE attempt_id = ? ORDER BY idx`, a.ID)
	if err != nil {
		return Attempt{}, err
	}
	defer rows.Close()
	turnAt := make(map[string]int) // turn id → index in a.Turns
	for rows.Next() {
		var (
			t                                    Turn
			trend                                string
			cue, dropped, onset, offset, latency float64
			longest, total                       float64
			checks                               string
		)
		r := &t.Report
		c := &t.Customer
		err := rows.Scan(&t.ID, &t.Index, &t.LineID, &t.LineText, &t.Variant, &cue, &t.RecordingPath,
			&dropped, &t.Recovered,
			&r.NoSpeech, &onset, &offset, &latency,
			&longest, &total,
			&r.Syllables, nanFloat{&r.SpeechRate}, nanFloat{&r.ArticulationRate}, nanFloat{&r.WordsPerMin}, nanFloat{&r.PaceChangePct},
			nanFloat{&r.MeanDBFS}, nanFloat{&r.FirstHalfDBFS}, nanFloat{&r.SecondHalfDBFS}, &trend,
			nanFloat{&r.F0MedianHz}, nanFloat{&r.F0P5Hz}, nanFloat{&r.F0P95Hz}, nanFloat{&r.F0RangeST},
			&checks,
			nanFloat{&c.MeanDBFS}, nanFloat{&c.TrendDB}, nanFloat{&c.PaceChangePct}, nanFloat{&c.F0MedianHz},
			&t.Composure, nanFloat{&t.ClipShare}, nanFloat{&t.NoiseFloorDBFS})
		if err != nil {
			return Attempt{}, err
		}
		if t.SelfChecks, err = decodeSelfChecks(checks); err != nil {
			return Attempt{}, fmt.Errorf("turn %d: %w", t.Index, err)
		}
		t.Cue, t.Dropped = fromMS(cue), fromMS(dropped)
		r.Onset, r.Offset, r.Latency = fromMS(onset), fromMS(offset), fromMS(latency)
		r.LongestPause, r.PauseTotal = fromMS(longest), fromMS(total)
		r.Trend = analysis.Trend(trend)
		turnAt[t.ID] = len(a.Turns)
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
