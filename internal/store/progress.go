package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"
)

// ProgressFilter narrows the turns TurnPoints returns. Zero fields do not
// narrow.
type ProgressFilter struct {
	// ScenarioID keeps the turns of one scenario; "" keeps all.
	ScenarioID string
	// Since and Until bound the start time of the turn's attempt: Since
	// inclusive, Until exclusive. Zero means no bound.
	Since, Until time.Time
}

// TurnPoint is one stored turn as a progress chart plots it: the figures of
// the answer and the attempt it belongs to. Figures that were not measured
// are NaN (the durations are 0 when there was no speech; see NoSpeech).
type TurnPoint struct {
	AttemptID     string
	ScenarioID    string
	ScenarioTitle string
	// StartedAt is the attempt's start time, in UTC; turns carry no time
	// of their own.
	StartedAt time.Time
	// Finished is whether the attempt was finished.
	Finished bool
	// Index is the turn's position in its attempt, from 0.
	Index int
	// Recovered is set when the turn was rescued from a partial recording.
	Recovered bool
	// NoSpeech is set when no speech was found in the answer; the other
	// figures mean nothing then.
	NoSpeech bool
	// Latency is the pause before replying; LongestPause the longest
	// pause within the answer.
	Latency, LongestPause time.Duration
	// ArticulationRate and SpeechRate are in syllables per second.
	ArticulationRate, SpeechRate float64
	// PaceChangePct is the second half's rate against the first's, in
	// percent (positive: speeding up).
	PaceChangePct float64
	// TrendDB is the second half's level minus the first's, in dB
	// (positive: getting louder).
	TrendDB    float64
	MeanDBFS   float64
	F0MedianHz float64
}

// TurnPoints returns one point per stored turn that f keeps, oldest first
// (by the attempt's start time, then attempt ID, then turn index), finished
// attempts or not. None gives an empty list and no error.
func (db *DB) TurnPoints(ctx context.Context, f ProgressFilter) ([]TurnPoint, error) {
	const op = "read progress points"
	// The bounds are compared as text, which is time order for the stored
	// layout; an empty scenario or bound disables its clause.
	since, until := "", ""
	if !f.Since.IsZero() {
		since = formatTime(f.Since)
	}
	if !f.Until.IsZero() {
		until = formatTime(f.Until)
	}
	filtered := f.ScenarioID != "" || since != "" || until != ""
	const where = `WHERE (?1 = '' OR scenario_id = ?1)
			AND (?2 = '' OR started_at >= ?2)
			AND (?3 = '' OR started_at < ?3)`

	// One snapshot for both queries, so no turn is seen without its
	// attempt.
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer tx.Rollback()

	// The attempts first, in order, then their turns in any order, placed
	// by a map: joining the two tables on the UUID text costs a B-tree
	// search per turn, which over 40,000 turns took three times as long
	// as the two plain scans (see BenchmarkProgress).
	arows, err := tx.QueryContext(ctx, `
		SELECT id, scenario_id, scenario_title, started_at, finished_at IS NOT NULL
		FROM attempt `+where+`
		ORDER BY started_at, id`, f.ScenarioID, since, until)
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer arows.Close()
	type attemptPoints struct {
		head   TurnPoint // the attempt's fields
		points []TurnPoint
	}
	var attempts []attemptPoints
	at := make(map[string]int)
	for arows.Next() {
		var (
			p       TurnPoint
			started string
		)
		if err := arows.Scan(&p.AttemptID, &p.ScenarioID, &p.ScenarioTitle, &started, &p.Finished); err != nil {
			return nil, db.fail(op, err)
		}
		if p.StartedAt, err = parseTime(started); err != nil {
			return nil, db.fail(op, err)
		}
		at[p.AttemptID] = len(attempts)
		attempts = append(attempts, attemptPoints{head: p})
	}
	if err := arows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	arows.Close()

	// The driver's cost is per column of each row (about 2 µs per column
	// over 40,000 rows), so the index and the two flags come in one
	// integer, idx*4 + recovered*2 + no_speech.
	//
	// Unfiltered, every turn is wanted and a plain scan is cheapest;
	// filtered, the turn index finds the turns of the kept attempts.
	turnQuery := `
		SELECT attempt_id, idx * 4 + recovered * 2 + no_speech, latency_ms, longest_pause_ms,
			articulation_rate, speech_rate, pace_change_pct,
			second_half_dbfs - first_half_dbfs, mean_dbfs, f0_median_hz
		FROM turn`
	if filtered {
		turnQuery += ` WHERE attempt_id IN (SELECT id FROM attempt ` + where + `)`
	}
	trows, err := tx.QueryContext(ctx, turnQuery, f.ScenarioID, since, until)
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer trows.Close()
	total := 0
	for trows.Next() {
		var (
			p                     TurnPoint
			attemptID             sql.RawBytes
			packed                int
			latency, longest      float64
			artic, speech, change sql.NullFloat64
			trend, level, f0      sql.NullFloat64
		)
		if err := trows.Scan(&attemptID, &packed, &latency, &longest,
			&artic, &speech, &change, &trend, &level, &f0); err != nil {
			return nil, db.fail(op, err)
		}
		p.Index, p.Recovered, p.NoSpeech = packed>>2, packed&2 != 0, packed&1 != 0
		i, ok := at[string(attemptID)]
		if !ok {
			// The snapshot and the foreign key make this impossible.
			return nil, db.fail(op, fmt.Errorf("turn %d of attempt %s: attempt not found", p.Index, attemptID))
		}
		ap := &attempts[i]
		h := &ap.head
		p.AttemptID, p.ScenarioID, p.ScenarioTitle, p.StartedAt, p.Finished = h.AttemptID, h.ScenarioID, h.ScenarioTitle, h.StartedAt, h.Finished
		p.Latency, p.LongestPause = fromMS(latency), fromMS(longest)
		p.ArticulationRate, p.SpeechRate, p.PaceChangePct = orNaN(artic), orNaN(speech), orNaN(change)
		p.TrendDB, p.MeanDBFS, p.F0MedianHz = orNaN(trend), orNaN(level), orNaN(f0)
		ap.points = append(ap.points, p)
		total++
	}
	if err := trows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	points := make([]TurnPoint, 0, total)
	for _, ap := range attempts {
		slices.SortFunc(ap.points, func(a, b TurnPoint) int { return a.Index - b.Index })
		points = append(points, ap.points...)
	}
	if len(points) == 0 {
		return nil, nil
	}
	return points, nil
}

// orNaN reads a REAL column written by nullReal (NULL is NaN) without the
// interface call of nanFloat, which matters over tens of thousands of rows.
func orNaN(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

// ScenarioSummary is how much a scenario was practised.
type ScenarioSummary struct {
	ScenarioID string
	// ScenarioTitle is the title stored with its newest attempt.
	ScenarioTitle string
	// Attempts counts its attempts, finished or not; Finished the finished
	// ones.
	Attempts, Finished int
	// LastAttemptID and LastStartedAt are its newest attempt (by start
	// time; of two started at the same instant, the greater ID).
	LastAttemptID string
	LastStartedAt time.Time
}

// ScenarioSummaries returns one summary per scenario that has at least one
// stored attempt, ordered by scenario ID.
func (db *DB) ScenarioSummaries(ctx context.Context) ([]ScenarioSummary, error) {
	const op = "summarise scenarios"
	// SQLite takes the bare columns of a max() aggregate from the row
	// holding the maximum, so title and id are the newest attempt's. The
	// maximum of started_at || id breaks ties by id as the doc says;
	// attempt_scenario (scenario_id, started_at) gives the grouping order.
	rows, err := db.db.QueryContext(ctx, `
		SELECT scenario_id, scenario_title, count(*), count(finished_at),
			max(started_at || ' ' || id), started_at, id
		FROM attempt
		GROUP BY scenario_id
		ORDER BY scenario_id`)
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer rows.Close()
	var list []ScenarioSummary
	for rows.Next() {
		var (
			s            ScenarioSummary
			last, starts string
		)
		if err := rows.Scan(&s.ScenarioID, &s.ScenarioTitle, &s.Attempts, &s.Finished,
			&last, &starts, &s.LastAttemptID); err != nil {
			return nil, db.fail(op, err)
		}
		if s.LastStartedAt, err = parseTime(starts); err != nil {
			return nil, db.fail(op, err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	return list, nil
}

// PracticeDays returns the distinct days, in loc, on which at least one
// turn was stored, oldest first, each as midnight in loc. A turn counts on
// the day its attempt started (turns carry no time of their own). A nil
// loc is UTC.
func (db *DB) PracticeDays(ctx context.Context, loc *time.Location) ([]time.Time, error) {
	const op = "list practice days"
	if loc == nil {
		loc = time.UTC
	}
	// The local day depends on Go's time zone rules, so the days are
	// formed here; SQLite only hands over the start times in order.
	rows, err := db.db.QueryContext(ctx, `
		SELECT started_at FROM attempt a
		WHERE EXISTS (SELECT 1 FROM turn t WHERE t.attempt_id = a.id)
		ORDER BY started_at`)
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer rows.Close()
	var (
		days []time.Time
		last time.Time
	)
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, db.fail(op, err)
		}
		t, err := parseTime(s)
		if err != nil {
			return nil, db.fail(op, err)
		}
		y, m, d := t.In(loc).Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		// Start times ascend, so local days do too except around a
		// backward clock change, which cannot reorder whole days.
		if !day.Equal(last) {
			days = append(days, day)
			last = day
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	if days == nil {
		return nil, nil
	}
	return days, nil
}
