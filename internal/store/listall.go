package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
)

// listAll is ListAttempts of every attempt: the attempts and the sums of
// their turns come from two plain scans in one snapshot, each packed into
// one value (see packFunc), and are joined here by a map. As ten columns
// of 10,000 rows through the driver it took 50–60 ms
// (BenchmarkProgress/ListAttempts/all).
func (db *DB) listAll(ctx context.Context, op string) ([]AttemptSummary, error) {
	if errPack != nil {
		return nil, db.fail(op, errPack)
	}
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, db.fail(op, err)
	}
	defer tx.Rollback()

	var list []AttemptSummary
	name := interner{}.get // one string per scenario ID and title
	readAttempts := func(u *unpacker) error {
		// At least 44 bytes an attempt (a 36-byte ID, an integer and a
		// NULL, each with a tag, the ID with its length, three repeats),
		// which bounds the count from above.
		list = make([]AttemptSummary, 0, len(u.b)/44+1)
		for u.more() {
			started := u.bytes()
			s := AttemptSummary{ID: string(u.bytes()), ScenarioID: name(u.bytes()), ScenarioTitle: name(u.bytes()),
				PlannedTurns: int(u.integer()), MeanDBFS: math.NaN()}
			finished := u.bytes()
			if u.err != nil {
				return u.err
			}
			var err error
			if s.StartedAt, err = parseStored(started); err != nil {
				return err
			}
			if finished != nil {
				if s.FinishedAt, err = parseStored(finished); err != nil {
					return err
				}
			}
			list = append(list, s)
		}
		return nil
	}
	if err := queryPacked(ctx, tx, 6, readAttempts, `
		SELECT `+packFunc+`(started_at, id, scenario_id, scenario_title, planned_turns, finished_at)
		FROM attempt`); err != nil {
		return nil, db.fail(op, err)
	}
	// Newest first, the ID breaking ties (as ListAttempts' query orders).
	// The scan gives the order of writing, mostly oldest first, which
	// the reverse makes mostly sorted.
	slices.Reverse(list)
	newest := func(a, b AttemptSummary) int {
		if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	}
	if !slices.IsSortedFunc(list, newest) {
		slices.SortFunc(list, newest)
	}
	at := make(map[string]int, len(list))
	for i, s := range list {
		at[s.ID] = i
	}

	// The same sums as the query of a page (listAttempts), from a scan
	// of turn_points.
	readSums := func(u *unpacker) error {
		for u.more() {
			id := u.bytes()
			turns, spoken := u.integer(), u.integer()
			latency, level := u.real(), u.real()
			if u.err != nil {
				return u.err
			}
			i, ok := at[string(id)]
			if !ok {
				// The snapshot and the foreign key make this impossible.
				return fmt.Errorf("turns of attempt %s: attempt not found", id)
			}
			s := &list[i]
			s.TurnCount, s.SpokenTurns = int(turns), int(spoken)
			if !math.IsNaN(latency) { // NULL: no spoken turn
				s.MeanLatency = fromMS(latency)
			}
			s.MeanDBFS = level
		}
		return nil
	}
	if err := queryPacked(ctx, tx, 5, readSums, `
		SELECT `+packFunc+`(attempt_id, turns, spoken, latency, level) FROM (
			SELECT attempt_id,
				count(*) AS turns,
				count(CASE WHEN no_speech = 0 THEN 1 END) AS spoken,
				avg(CASE WHEN no_speech = 0 THEN latency_ms END) AS latency,
				avg(CASE WHEN no_speech = 0 AND abs(mean_dbfs) <= 1.7976931348623157e308 THEN mean_dbfs END) AS level
			FROM turn GROUP BY attempt_id)`); err != nil {
		return nil, db.fail(op, err)
	}
	if len(list) == 0 {
		return nil, nil
	}
	return list, nil
}
