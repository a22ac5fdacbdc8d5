package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
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
	const where = `WHERE (?1 = '' OR scenario_id = ?1)
			AND (?2 = '' OR started_at >= ?2)
			AND (?3 = '' OR started_at < ?3)`

	if errPack != nil {
		return nil, db.fail(op, errPack)
	}

	// One snapshot for both queries, so no turn is seen without its
	// attempt.
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer tx.Rollback()

	// The attempts first, then their turns, placed by a map: joining the
	// two tables on the UUID text costs a B-tree search per turn, which
	// over 40,000 turns took three times as long as the two plain scans
	// (see BenchmarkProgress). Each query's rows come packed into one
	// value (see packFunc).
	// The attempts first, with the packed points that 006 keeps for each
	// (NULL: not packed, read from the turn rows below).
	type attemptRow struct {
		TurnPoint     // the attempt's fields of each point
		off, n    int // its packed points in cache; n < 0: none
	}
	var attempts []attemptRow
	var cache []byte       // every attempt's packed points, one after another
	name := interner{}.get // one string per scenario ID and title
	unpacked := 0
	readAttempts := func(u *unpacker) error {
		// A packed attempt takes at least 44 bytes (its 36-byte ID,
		// finish flag and points, each with a tag and the ID with its
		// length, and three repeats), which bounds the count from above.
		attempts = make([]attemptRow, 0, len(u.b)/44+1)
		cache = make([]byte, 0, len(u.b)) // the packed points are part of u.b
		for u.more() {
			started := u.bytes()
			a := attemptRow{TurnPoint: TurnPoint{AttemptID: string(u.bytes()), ScenarioID: name(u.bytes()), ScenarioTitle: name(u.bytes()),
				Finished: u.integer() != 0}}
			pts := u.bytes()
			if u.err != nil {
				return u.err
			}
			a.off, a.n = len(cache), -1
			if pts != nil {
				a.n = len(pts)
				cache = append(cache, pts...) // pts is the driver's memory
			} else {
				unpacked++
			}
			var err error
			if a.StartedAt, err = parseStored(started); err != nil {
				return err
			}
			attempts = append(attempts, a)
		}
		return nil
	}
	if err := queryPacked(ctx, tx, 6, readAttempts, `
		SELECT `+packFunc+`(started_at, id, scenario_id, scenario_title, finished_at IS NOT NULL, points)
		FROM attempt `+where, f.ScenarioID, since, until); err != nil {
		return nil, db.fail(op, err)
	}
	// By start time (the stored text's order), then ID. The scan gives
	// the order the rows were written in, which is that order unless an
	// import added older attempts later, so this rarely moves anything;
	// it is cheaper than SQLite's sorter (6 ms over 10,000 attempts).
	byStart := func(a, b attemptRow) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(a.AttemptID, b.AttemptID)
	}
	if !slices.IsSortedFunc(attempts, byStart) {
		slices.SortFunc(attempts, byStart)
	}

	// The turns are kept compact (no strings, 88 bytes against a point's
	// 152) in the order they come, then placed by a counting sort on the
	// attempt: each point is written once, into its final place.
	type turnRow struct {
		attempt, packed                  int
		latency, longest                 float64
		artic, speech, change, trend, lv float64
		f0                               float64
	}
	var turns []turnRow
	start := make([]int, len(attempts)+1)
	// turn reads one turn's values (pointColumns) for attempt i.
	turn := func(u *unpacker, i int) error {
		r := turnRow{attempt: i, packed: int(u.integer()), latency: u.real(), longest: u.real(),
			artic: u.real(), speech: u.real(), change: u.real(), trend: u.real(), lv: u.real(), f0: u.real()}
		if u.err != nil {
			return u.err
		}
		turns = append(turns, r)
		start[i+1]++
		return nil
	}
	// A packed turn takes at least 74 bytes (an integer and eight
	// reals, each with a tag), which bounds the count from above.
	turns = make([]turnRow, 0, len(cache)/74+1)
	for i, a := range attempts {
		if a.n < 0 {
			continue
		}
		u := unpacker{b: cache[a.off : a.off+a.n], cols: pointCount, prev: make([][]byte, pointCount)}
		for u.more() {
			if err := turn(&u, i); err != nil {
				return nil, db.fail(op, fmt.Errorf("packed points of attempt %s: %w", a.AttemptID, err))
			}
		}
		if u.err != nil {
			return nil, db.fail(op, fmt.Errorf("packed points of attempt %s: %w", a.AttemptID, u.err))
		}
	}

	// The attempts not packed (a file migrated to 006 and not yet opened
	// for writing, or written by another tool) from their turn rows, placed
	// by a map: joining the two tables on the UUID text costs a B-tree
	// search per turn (see BenchmarkProgress).
	if unpacked > 0 {
		at := make(map[string]int, unpacked)
		for i, a := range attempts {
			if a.n < 0 {
				at[a.AttemptID] = i
			}
		}
		readTurns := func(u *unpacker) error {
			var lastID []byte
			last := -1
			for u.more() {
				attemptID := u.bytes()
				if u.err != nil {
					return u.err
				}
				// An attempt's turns come together, so the map is asked
				// once per attempt.
				if last < 0 || !bytes.Equal(attemptID, lastID) {
					i, ok := at[string(attemptID)]
					if !ok {
						// The snapshot and the foreign key make this impossible.
						return fmt.Errorf("a turn of attempt %s: attempt not found", attemptID)
					}
					last, lastID = i, attemptID
				}
				if err := turn(u, last); err != nil {
					return err
				}
			}
			return nil
		}
		// Every column is in the covering index turn_points (005), which
		// gives the turns of an attempt together, in index order; the
		// partial index attempt_unpacked (006) finds the attempts.
		turnQuery := `SELECT ` + packFunc + `(attempt_id, ` + pointColumns + `) FROM turn
			WHERE attempt_id IN (SELECT id FROM attempt ` + where + ` AND points IS NULL)`
		if err := queryPacked(ctx, tx, 1+pointCount, readTurns, turnQuery, f.ScenarioID, since, until); err != nil {
			return nil, db.fail(op, err)
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1] // start[i] is where attempt i's points begin
	}
	points := make([]TurnPoint, len(turns))
	next := slices.Clone(start[:len(attempts)])
	for _, r := range turns {
		p := &points[next[r.attempt]]
		next[r.attempt]++
		*p = attempts[r.attempt].TurnPoint
		p.Index, p.Recovered, p.NoSpeech = r.packed>>2, r.packed&2 != 0, r.packed&1 != 0
		p.Latency, p.LongestPause = fromMS(r.latency), fromMS(r.longest)
		p.ArticulationRate, p.SpeechRate, p.PaceChangePct = r.artic, r.speech, r.change
		p.TrendDB, p.MeanDBFS, p.F0MedianHz = r.trend, r.lv, r.f0
	}
	// Within an attempt, by index: turn_points gives that order, which
	// this checks rather than trusts (the plan is SQLite's choice).
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
