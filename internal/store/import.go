package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"fallback/internal/analysis"
)

// ErrImport is what every refused import file matches with errors.Is; the
// error itself is an *ImportError naming the line and field.
var ErrImport = errors.New("import refused")

// ImportError says why an import file was refused and where: the line of
// the file (from 1) and the field, as a path such as
// "attempts[3].turns[2].latency_ms". Nothing of the file was imported.
type ImportError struct {
	Line   int
	Field  string // "" when the problem is not in one field
	Reason string
}

func (e *ImportError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("import: line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("import: line %d: %s: %s", e.Line, e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrImport) true.
func (e *ImportError) Is(target error) bool { return target == ErrImport }

// ImportResult counts what Import merged. Every attempt, turn and baseline
// of the file is counted once, as added or as already present.
type ImportResult struct {
	// AttemptsAdded were not stored; AttemptsUpdated were, and gained
	// turns, a finish time or their planned length; AttemptsPresent were
	// stored with nothing to gain.
	AttemptsAdded, AttemptsUpdated, AttemptsPresent int
	// TurnsAdded were stored now; TurnsPresent were stored already (by
	// ID, or another take at the same index of the attempt, which is
	// kept).
	TurnsAdded, TurnsPresent int
	// BaselinesAdded were stored now; BaselinesPresent already were.
	BaselinesAdded, BaselinesPresent int
}

// Changed reports whether the import stored anything.
func (r ImportResult) Changed() bool {
	return r.AttemptsAdded+r.AttemptsUpdated+r.TurnsAdded+r.BaselinesAdded > 0
}

// maxImportBytes bounds what Import reads. The JSON export of 10,000
// attempts of 4 turns (the scale the app is built for) is 79 MB
// (BenchmarkTransfer), so 1 GiB leaves room for thirteen times that while
// keeping a wrong file (a disk image picked by mistake) from filling
// memory.
const maxImportBytes = 1 << 30

// Import merges a JSON export (from Export, on this or another machine)
// into the database, in one transaction: either all of it is merged or,
// on any error, nothing is.
//
// Merging is by UUID. An attempt, turn or baseline that is not stored is
// added as it is in the file, its saved_at included. For an attempt that
// is stored already:
//   - its turns that are missing here are added; a turn stored here is
//     kept as it is, and so is a turn stored at the same index under
//     another ID (the take this machine has wins);
//   - an unfinished attempt gains the file's finish time, and an unknown
//     planned length (0) the file's;
//   - when it gained anything, its saved_at becomes the later of the two;
//   - a different scenario ID refuses the file (the same UUID cannot be
//     two attempts).
//
// A turn ID stored under another attempt, or at another index, refuses the
// file too. So importing the same file twice changes nothing the second
// time, and an export imported into an empty database exports to the same
// bytes.
//
// A file that is not JSON, not a Fallback export, of a newer format
// version, or holds a bad value is refused with an *ImportError (matching
// ErrImport) naming the line and field. Errors of the database itself
// (ErrDiskFull, ErrIO) are returned as the other writes return them.
func (db *DB) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	return db.ImportWith(ctx, r, ImportOptions{})
}

// ImportOptions say what ImportWith does besides merging.
type ImportOptions struct {
	// Recording, when set, is called for every turn the import adds
	// (not for one stored already) whose recording path is not empty,
	// with the path as the file gives it, before the transaction
	// commits: the app copies the recording into its data folder there.
	// An error refuses the file: nothing is merged, and the error is
	// returned wrapped, naming the turn's field.
	Recording func(attemptID, turnID, path string) error
}

// ImportWith is Import with opt.
func (db *DB) ImportWith(ctx context.Context, r io.Reader, opt ImportOptions) (ImportResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return ImportResult{}, fmt.Errorf("import: read: %w", err)
	}
	if len(data) > maxImportBytes {
		return ImportResult{}, &ImportError{Line: 1, Reason: fmt.Sprintf("file is larger than %d bytes", maxImportBytes)}
	}
	f, err := parseImport(data)
	if err != nil {
		return ImportResult{}, err
	}
	res, err := db.merge(ctx, data, f, opt)
	if err != nil {
		var ie *ImportError
		if errors.As(err, &ie) {
			return ImportResult{}, err
		}
		return ImportResult{}, db.fail("import", err)
	}
	return res, nil
}

// parseImport decodes and checks the file; the returned file holds only
// valid values.
func parseImport(data []byte) (*exportFile, error) {
	if !utf8.Valid(data) {
		// encoding/json would replace bad bytes with U+FFFD, and the
		// texts would not come back as they were.
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return nil, &ImportError{Line: lineAt(data, int64(off)), Field: pathAt(data, int64(off)), Reason: "not valid UTF-8"}
	}
	// The marker first, so that another program's JSON is refused as
	// foreign rather than for its first odd field.
	var head struct {
		Format        *string         `json:"format"`
		FormatVersion json.RawMessage `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, decodeError(data, err)
	}
	if head.Format == nil || *head.Format != exportFormat {
		return nil, fieldError(data, "format", "not a Fallback export (want \""+exportFormat+"\")")
	}
	var version int
	if err := json.Unmarshal(head.FormatVersion, &version); err != nil || version < 1 {
		return nil, fieldError(data, "format_version", "not a format version")
	}
	if version > ExportFormatVersion {
		return nil, fieldError(data, "format_version",
			fmt.Sprintf("%d is newer than this build reads (%d): update Fallback", version, ExportFormatVersion))
	}

	var f exportFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, decodeError(data, err)
	}
	if err := checkImport(&f); err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			return nil, fieldError(data, pe.path, pe.reason)
		}
		return nil, err
	}
	return &f, nil
}

// pathError is a bad value found by checkImport, at a path of the file.
type pathError struct{ path, reason string }

func (e *pathError) Error() string { return e.path + ": " + e.reason }

func bad(path, format string, args ...any) error {
	return &pathError{path: path, reason: fmt.Sprintf(format, args...)}
}

// checkImport refuses what the schema would refuse or what would not read
// back as it is, naming the field.
func checkImport(f *exportFile) error {
	attemptIDs := make(map[string]bool)
	turnIDs := make(map[string]bool)
	for i := range f.Attempts {
		a := &f.Attempts[i]
		p := fmt.Sprintf("attempts[%d]", i)
		if err := checkID(p+".id", &a.ID); err != nil {
			return err
		}
		if attemptIDs[a.ID] {
			return bad(p+".id", "attempt %s appears twice", a.ID)
		}
		attemptIDs[a.ID] = true
		if a.ScenarioID == "" {
			return bad(p+".scenario_id", "empty")
		}
		if a.PlannedTurns < 0 {
			return bad(p+".planned_turns", "negative")
		}
		started, err := checkTime(p+".started_at", &a.StartedAt)
		if err != nil {
			return err
		}
		if _, err := checkTime(p+".saved_at", &a.SavedAt); err != nil {
			return err
		}
		if a.FinishedAt != nil {
			finished, err := checkTime(p+".finished_at", a.FinishedAt)
			if err != nil {
				return err
			}
			if finished.Before(started) {
				return bad(p+".finished_at", "before started_at")
			}
		}
		indexes := make(map[int]bool)
		for j := range a.Turns {
			t := &a.Turns[j]
			tp := fmt.Sprintf("%s.turns[%d]", p, j)
			if err := checkID(tp+".id", &t.ID); err != nil {
				return err
			}
			if turnIDs[t.ID] {
				return bad(tp+".id", "turn %s appears twice", t.ID)
			}
			turnIDs[t.ID] = true
			if t.Index < 0 {
				return bad(tp+".index", "negative")
			}
			if indexes[t.Index] {
				return bad(tp+".index", "index %d appears twice in the attempt", t.Index)
			}
			indexes[t.Index] = true
			if err := checkTurn(tp, t); err != nil {
				return err
			}
		}
	}
	baselineIDs := make(map[string]bool)
	for i := range f.Baselines {
		b := &f.Baselines[i]
		p := fmt.Sprintf("baselines[%d]", i)
		if err := checkID(p+".id", &b.ID); err != nil {
			return err
		}
		if baselineIDs[b.ID] {
			return bad(p+".id", "baseline %s appears twice", b.ID)
		}
		baselineIDs[b.ID] = true
		if _, err := checkTime(p+".taken_at", &b.TakenAt); err != nil {
			return err
		}
		for _, n := range []struct {
			name string
			v    num
		}{
			{"speech_rate", b.SpeechRate}, {"articulation_rate", b.ArticulationRate}, {"mean_dbfs", b.MeanDBFS},
			{"f0_median_hz", b.F0MedianHz}, {"f0_range_st", b.F0RangeST}, {"live_pace_sps", b.LivePaceSPS},
		} {
			if err := checkNum(p+"."+n.name, n.v, true); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkTurn(p string, t *exportTurn) error {
	switch t.Variant {
	case VariantNormal, VariantSoftened, VariantEscalated:
	default:
		return bad(p+".variant", "unknown variant %q", t.Variant)
	}
	switch analysis.Trend(t.Trend) {
	case "", analysis.TrendFlat, analysis.TrendRising, analysis.TrendFalling:
	default:
		return bad(p+".trend", "unknown trend %q", t.Trend)
	}
	nums := []struct {
		name     string
		v        num
		nullable bool
	}{
		{"cue_ms", t.CueMS, false}, {"dropped_ms", t.DroppedMS, false},
		{"onset_ms", t.OnsetMS, false}, {"offset_ms", t.OffsetMS, false}, {"latency_ms", t.LatencyMS, false},
		{"longest_pause_ms", t.LongestPauseMS, false}, {"pause_total_ms", t.PauseTotalMS, false},
		{"speech_rate", t.SpeechRate, true}, {"articulation_rate", t.ArticRate, true},
		{"wpm", t.WPM, true}, {"pace_change_pct", t.PaceChangePct, true},
		{"mean_dbfs", t.MeanDBFS, true}, {"first_half_dbfs", t.FirstHalfDBFS, true}, {"second_half_dbfs", t.SecondHalfDBFS, true},
		{"f0_median_hz", t.F0MedianHz, true}, {"f0_p5_hz", t.F0P5Hz, true}, {"f0_p95_hz", t.F0P95Hz, true}, {"f0_range_st", t.F0RangeST, true},
		{"clip_share", t.ClipShare, true}, {"noise_floor_dbfs", t.NoiseFloorDBFS, true},
		{"customer.mean_dbfs", t.Customer.MeanDBFS, true}, {"customer.trend_db", t.Customer.TrendDB, true},
		{"customer.pace_change_pct", t.Customer.PaceChangePct, true}, {"customer.f0_median_hz", t.Customer.F0MedianHz, true},
	}
	for _, n := range nums {
		if err := checkNum(p+"."+n.name, n.v, n.nullable); err != nil {
			return err
		}
	}
	if t.DroppedMS.v < 0 {
		return bad(p+".dropped_ms", "negative")
	}
	if c := t.ClipShare.v; !math.IsNaN(c) && (c < 0 || c > 1) {
		return bad(p+".clip_share", "%v is not between 0 and 1", c)
	}
	for k, pa := range t.Pauses {
		pp := fmt.Sprintf("%s.pauses[%d]", p, k)
		if err := checkNum(pp+".start_ms", pa.StartMS, false); err != nil {
			return err
		}
		if err := checkNum(pp+".end_ms", pa.EndMS, false); err != nil {
			return err
		}
		if pa.EndMS.v < pa.StartMS.v {
			return bad(pp+".end_ms", "before start_ms")
		}
	}
	if t.SelfChecks == nil {
		t.SelfChecks = []selfCheckJSON{}
	}
	return nil
}

// checkNum refuses a value that is not a number, an absent one, and null
// (NaN) where the column is NOT NULL.
func checkNum(path string, n num, nullable bool) error {
	switch {
	case !n.set:
		return bad(path, "missing")
	case n.bad != "":
		return bad(path, "%s", n.bad)
	case !nullable && math.IsNaN(n.v):
		return bad(path, "null where a number is needed")
	}
	return nil
}

// checkID requires a UUID and rewrites it in the stored form.
func checkID(path string, id *string) error {
	if *id == "" {
		return bad(path, "missing")
	}
	u, err := uuid.Parse(*id)
	if err != nil || len(*id) != 36 {
		return bad(path, "%q is not a uuid", *id)
	}
	*id = u.String()
	return nil
}

// checkTime requires an RFC 3339 time and rewrites it in the stored form.
func checkTime(path string, s *string) (time.Time, error) {
	if *s == "" {
		return time.Time{}, bad(path, "missing")
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}, bad(path, "%q is not an RFC 3339 time", *s)
	}
	*s = formatTime(t)
	return t, nil
}

// merge applies f in one transaction. data is the file, to name lines.
func (db *DB) merge(ctx context.Context, data []byte, f *exportFile, opt ImportOptions) (ImportResult, error) {
	var res ImportResult
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()

	w, err := prepareImportWriter(ctx, tx)
	if err != nil {
		return res, err
	}
	defer w.close()

	for i := range f.Baselines {
		b := &f.Baselines[i]
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM baseline WHERE id = ?)`, b.ID).Scan(&exists); err != nil {
			return res, err
		}
		if exists {
			res.BaselinesPresent++
			continue
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO baseline (id, taken_at, speech_rate, articulation_rate, mean_dbfs,
				f0_median_hz, f0_range_st, live_pace_sps, recording_path, passage)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.TakenAt, nullReal(b.SpeechRate.v), nullReal(b.ArticulationRate.v), nullReal(b.MeanDBFS.v),
			nullReal(b.F0MedianHz.v), nullReal(b.F0RangeST.v), nullReal(b.LivePaceSPS.v), b.RecordingPath, b.Passage); err != nil {
			return res, err
		}
		res.BaselinesAdded++
	}

	for i := range f.Attempts {
		a := &f.Attempts[i]
		p := fmt.Sprintf("attempts[%d]", i)
		var (
			scenario, saved string
			finished        sql.NullString
			planned         int
		)
		err := tx.QueryRowContext(ctx, `SELECT scenario_id, finished_at, planned_turns, saved_at FROM attempt WHERE id = ?`, a.ID).
			Scan(&scenario, &finished, &planned, &saved)
		isNew := errors.Is(err, sql.ErrNoRows)
		if err != nil && !isNew {
			return res, err
		}
		if isNew {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO attempt (id, scenario_id, scenario_title, planned_turns, started_at, finished_at, saved_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
				a.ID, a.ScenarioID, a.ScenarioTitle, a.PlannedTurns, a.StartedAt, a.FinishedAt, a.SavedAt); err != nil {
				return res, err
			}
		} else if scenario != a.ScenarioID {
			return res, fieldError(data, p+".scenario_id",
				fmt.Sprintf("attempt %s is stored here for scenario %q", a.ID, scenario))
		}

		gained := false
		for j := range a.Turns {
			t := &a.Turns[j]
			tp := fmt.Sprintf("%s.turns[%d]", p, j)
			var (
				owner string
				idx   int
			)
			err := tx.QueryRowContext(ctx, `SELECT attempt_id, idx FROM turn WHERE id = ?`, t.ID).Scan(&owner, &idx)
			switch {
			case err == nil && owner == a.ID && idx == t.Index:
				res.TurnsPresent++
				continue
			case err == nil:
				return res, fieldError(data, tp+".id",
					fmt.Sprintf("turn %s is stored here as turn %d of attempt %s", t.ID, idx, owner))
			case !errors.Is(err, sql.ErrNoRows):
				return res, err
			}
			if !isNew {
				var taken bool
				if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM turn WHERE attempt_id = ? AND idx = ?)`,
					a.ID, t.Index).Scan(&taken); err != nil {
					return res, err
				}
				if taken {
					res.TurnsPresent++ // the take stored here wins
					continue
				}
			}
			if err := w.insert(ctx, a.ID, t); err != nil {
				return res, fmt.Errorf("%s: %w", tp, err)
			}
			if opt.Recording != nil && t.RecordingPath != "" {
				if err := opt.Recording(a.ID, t.ID, t.RecordingPath); err != nil {
					return res, fmt.Errorf("%s.recording_path: %w", tp, err)
				}
			}
			res.TurnsAdded++
			gained = true
		}

		if isNew {
			res.AttemptsAdded++
			continue
		}
		if !finished.Valid && a.FinishedAt != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE attempt SET finished_at = ? WHERE id = ?`, *a.FinishedAt, a.ID); err != nil {
				return res, err
			}
			gained = true
		}
		if planned == 0 && a.PlannedTurns > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE attempt SET planned_turns = ? WHERE id = ?`, a.PlannedTurns, a.ID); err != nil {
				return res, err
			}
			gained = true
		}
		if !gained {
			res.AttemptsPresent++
			continue
		}
		if a.SavedAt > saved { // same layout: text order is time order
			if _, err := tx.ExecContext(ctx, `UPDATE attempt SET saved_at = ? WHERE id = ?`, a.SavedAt, a.ID); err != nil {
				return res, err
			}
		}
		res.AttemptsUpdated++
	}
	if err := packPoints(ctx, tx); err != nil {
		return ImportResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importWriter inserts turns of an import with their values exactly as in
// the file (the milliseconds are not rounded through time.Duration).
type importWriter struct{ turn, pause *sql.Stmt }

func prepareImportWriter(ctx context.Context, tx *sql.Tx) (*importWriter, error) {
	w, err := prepareTurnWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &importWriter{turn: w.turn, pause: w.pause}, nil
}

func (w *importWriter) close() {
	w.turn.Close()
	w.pause.Close()
}

// insert writes t with the column order of prepareTurnWriter.
func (w *importWriter) insert(ctx context.Context, attemptID string, t *exportTurn) error {
	checks := make([]SelfCheck, len(t.SelfChecks))
	for i, c := range t.SelfChecks {
		checks[i] = SelfCheck(c)
	}
	text, err := encodeSelfChecks(checks)
	if err != nil {
		return err
	}
	c := &t.Customer
	_, err = w.turn.ExecContext(ctx,
		t.ID, attemptID, t.Index, t.LineID, t.LineText, t.Variant, t.CueMS.v, t.RecordingPath,
		t.DroppedMS.v, t.Recovered,
		t.NoSpeech, t.OnsetMS.v, t.OffsetMS.v, t.LatencyMS.v,
		len(t.Pauses), t.LongestPauseMS.v, t.PauseTotalMS.v,
		t.Syllables, nullReal(t.SpeechRate.v), nullReal(t.ArticRate.v), nullReal(t.WPM.v), nullReal(t.PaceChangePct.v),
		nullReal(t.MeanDBFS.v), nullReal(t.FirstHalfDBFS.v), nullReal(t.SecondHalfDBFS.v), t.Trend,
		nullReal(t.F0MedianHz.v), nullReal(t.F0P5Hz.v), nullReal(t.F0P95Hz.v), nullReal(t.F0RangeST.v),
		text,
		nullReal(c.MeanDBFS.v), nullReal(c.TrendDB.v), nullReal(c.PaceChangePct.v), nullReal(c.F0MedianHz.v),
		t.Composure, nullReal(t.ClipShare.v), nullReal(t.NoiseFloorDBFS.v))
	if err != nil {
		return err
	}
	for k, p := range t.Pauses {
		if _, err := w.pause.ExecContext(ctx, t.ID, k, p.StartMS.v, p.EndMS.v); err != nil {
			return fmt.Errorf("pause %d: %w", k, err)
		}
	}
	return nil
}

// decodeError turns an encoding/json error into an ImportError at its
// offset.
func decodeError(data []byte, err error) error {
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &se):
		msg := strings.TrimPrefix(se.Error(), "json: ")
		return &ImportError{Line: lineAt(data, se.Offset), Field: pathAt(data, se.Offset), Reason: "not valid JSON: " + msg}
	case errors.As(err, &te):
		return &ImportError{Line: lineAt(data, te.Offset), Field: pathAt(data, te.Offset),
			Reason: fmt.Sprintf("%s where %s is needed", te.Value, kindName(te.Type.String()))}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &ImportError{Line: lineAt(data, int64(len(data))), Reason: "file ends early (truncated)"}
	}
	return &ImportError{Line: 1, Reason: "not valid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// kindName says in words what a Go type of the export needs.
func kindName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"):
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case goType == "string", goType == "*string":
		return "a text"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	}
	return "an object"
}

// fieldError is an ImportError for the field at path, on the line where
// the field (or, when it is absent, the nearest enclosing one) is written.
func fieldError(data []byte, path, reason string) error {
	return &ImportError{Line: lineOf(data, path), Field: path, Reason: reason}
}

// lineAt is the line (from 1) of byte offset off of data.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// walkJSON calls visit with the path and end offset of every key and value
// token of data, in order, until visit returns true or the tokens end.
// Paths are written like "attempts[3].turns[2].latency_ms"; a key token
// has the path of its value.
func walkJSON(data []byte, visit func(path string, end int64) bool) {
	type frame struct {
		array   bool
		index   int
		key     string
		wantKey bool
	}
	var st []frame
	path := func() string {
		var b strings.Builder
		for _, f := range st {
			if f.array {
				fmt.Fprintf(&b, "[%d]", f.index)
			} else if f.key != "" {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	done := func() { // a value of the top container is complete
		if n := len(st); n > 0 {
			if st[n-1].array {
				st[n-1].index++
			} else {
				st[n-1].wantKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			// A syntax error: the position reached is the best guess.
			visit(path(), math.MaxInt64)
			return
		}
		end := dec.InputOffset()
		n := len(st)
		if n > 0 && !st[n-1].array && st[n-1].wantKey {
			if tok == json.Delim('}') {
				st = st[:n-1]
				if visit(path(), end) {
					return
				}
				done()
				continue
			}
			key, _ := tok.(string)
			st[n-1].key, st[n-1].wantKey = key, false
			if visit(path(), end) {
				return
			}
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if visit(path(), end) {
				return
			}
			st = append(st, frame{array: tok == json.Delim('['), wantKey: tok == json.Delim('{')})
		case json.Delim(']'):
			st = st[:n-1]
			if visit(path(), end) {
				return
			}
			done()
		default:
			if visit(path(), end) {
				return
			}
			done()
		}
		if len(st) == 0 && !dec.More() {
			return
		}
	}
}

// pathAt is the path of the token that ends at or after offset off.
func pathAt(data []byte, off int64) string {
	found := ""
	walkJSON(data, func(p string, end int64) bool {
		found = p
		return end >= off
	})
	return found
}

// lineOf is the line where the field at path is written; for an absent
// field, that of its nearest enclosing field; 1 when there is none.
func lineOf(data []byte, path string) int {
	for p := path; ; {
		var at int64 = -1
		walkJSON(data, func(q string, end int64) bool {
			if q == p {
				at = end
				return true
			}
			return false
		})
		if at >= 0 {
			return lineAt(data, at)
		}
		cut := strings.LastIndexAny(p, ".[")
		if cut <= 0 {
			return 1
		}
		p = p[:cut]
	}
}
