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
	var attempts []TurnPoint // the attempt's fields of each point
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
		attempts = append(attempts, p)
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
	// The turns are kept compact (no strings, 80 bytes against a point's
	// 180) in the order they come, then placed by a counting sort on the
	// attempt: each point is written once, into its final place.
	type turnRow struct {
		attempt, packed                  int
		latency, longest                 float64
		artic, speech, change, trend, lv float64
		f0                               float64
	}
	var turns []turnRow
	start := make([]int, len(attempts)+1)
	for trows.Next() {
		var (
			r         turnRow
			attemptID sql.RawBytes
			packed    int64
		)
		if err := trows.Scan(&attemptID, fastInt{&packed}, fastReal{&r.latency}, fastReal{&r.longest},
			fastReal{&r.artic}, fastReal{&r.speech}, fastReal{&r.change},
			fastReal{&r.trend}, fastReal{&r.lv}, fastReal{&r.f0}); err != nil {
			return nil, db.fail(op, err)
		}
		i, ok := at[string(attemptID)]
		if !ok {
			// The snapshot and the foreign key make this impossible.
			return nil, db.fail(op, fmt.Errorf("turn %d of attempt %s: attempt not found", packed>>2, attemptID))
		}
		r.attempt, r.packed = i, int(packed)
		turns = append(turns, r)
		start[i+1]++
	}
	if err := trows.Err(); err != nil {
		return nil, db.fail(op, err)
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1] // start[i] is where attempt i's points begin
	}
	points := make([]TurnPoint, len(turns))
	next := slices.Clone(start[:len(attempts)])
	for _, r := range turns {
		p := &points[next[r.attempt]]
		next[r.attempt]++
		*p = attempts[r.attempt]
		p.Index, p.Recovered, p.NoSpeech = r.packed>>2, r.packed&2 != 0, r.packed&1 != 0
		p.Latency, p.LongestPause = fromMS(r.latency), fromMS(r.longest)
		p.ArticulationRate, p.SpeechRate, p.PaceChangePct = r.artic, r.speech, r.change
		p.TrendDB, p.MeanDBFS, p.F0MedianHz = r.trend, r.lv, r.f0
	}
	// Within an attempt, by index; the scan mostly gives that order
	// already (turns are written in order), so this rarely moves anything.
	for i := range attempts {
		if pts := points[start[i]:start[i+1]]; !slices.IsSortedFunc(pts, byIndex) {
			slices.SortFunc(pts, byIndex)
		}
	}
	if len(points) == 0 {
		return nil, nil
	}
	return points, nil
}

func byIndex(a, b TurnPoint) int { return a.Index - b.Index }

// fastReal scans a REAL column written by nullReal (NULL is NaN) into p.
// Unlike sql.NullFloat64 it takes the driver's value with a type switch
// rather than database/sql's reflection, which over the 400,000 values of
// all progress points took about a third of the time.
type fastReal struct{ p *float64 }

func (f fastReal) Scan(src any) error {
	switch v := src.(type) {
	case float64:
		*f.p = v
	case int64:
		*f.p = float64(v)
	case nil:
		*f.p = math.NaN()
	default:
		return fmt.Errorf("scan %T into a real", src)
	}
	return nil
}

// fastInt is fastReal for an INTEGER column (NOT NULL).
type fastInt struct{ p *int64 }

func (f fastInt) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("scan %T into an integer", src)
	}
	*f.p = v
	return nil
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
