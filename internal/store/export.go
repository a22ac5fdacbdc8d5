package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Export formats.
const (
	FormatCSV  = "csv"
	FormatJSON = "json"
)

// exportFormat marks a JSON export as Fallback's, so that Import refuses
// any other JSON file before reading further.
const exportFormat = "fallback-export"

// ExportFormatVersion is the version of the JSON export's layout that this
// build writes and the newest Import reads. It changes only when a field
// changes meaning or is removed; Import refuses a newer one.
const ExportFormatVersion = 1

// ExportOptions say what Export writes.
type ExportOptions struct {
	// Format is FormatCSV (one row per turn, for a spreadsheet) or
	// FormatJSON (whole attempts and the baselines, which Import reads).
	Format string
	// Since keeps the attempts started at or after it; zero keeps all.
	// Baselines are exported whole: there are few, and a second machine
	// needs them to judge the imported turns.
	Since time.Time
	// AppVersion is written into the JSON export.
	AppVersion string
	// Recording, when set, gives the recording path to write for each
	// exported turn in place of the stored one (stored, as the caller gave
	// it when saving): the app copies the recordings beside the export
	// and names them there. It is called once per turn, in the order of
	// the export, after the history was read; an error stops the export.
	Recording func(attemptID, turnID, stored string) (string, error)
}

// Export writes the stored practice to w, read from one snapshot.
//
// The bytes depend only on what is stored: attempts are ordered by start
// time then ID, turns by index, pauses by position, baselines by time then
// ID; times are the stored UTC RFC 3339 text with nine fraction digits;
// numbers are the shortest decimal that reads back as the same float64
// (strconv 'g', -1). An unknown figure (NaN) is null in JSON and empty in
// CSV, an infinite one "+Inf" or "-Inf" (a JSON string, since JSON has no
// infinity). Durations are milliseconds, as stored.
//
// CSV has one row per turn under a header row; an attempt without turns has
// no row. Booleans are 0 or 1 and the self-checks one text ("[x] item;
// [ ] item"). A text cell that begins with =, +, -, @, a tab, a carriage
// return or a single quote has a single quote put in front, so that no
// spreadsheet runs it as a formula; dropping one leading quote from a
// text cell gives the stored text. Numbers (negative ones, "-Inf") are
// left as they are. CSV is for reading; Import takes JSON only.
//
// JSON is one indented object: format, format_version, app_version, the
// attempts with their turns, pauses, self-checks, customer-line figures
// and composure sentences, and the baselines. Recordings are not
// exported; their paths are, as stored or as opt.Recording gives them.
func (db *DB) Export(ctx context.Context, w io.Writer, opt ExportOptions) error {
	op := "export " + opt.Format
	if opt.Format != FormatCSV && opt.Format != FormatJSON {
		return fmt.Errorf("export: unknown format %q (want %s or %s)", opt.Format, FormatCSV, FormatJSON)
	}
	f, err := db.readExport(ctx, opt)
	if err != nil {
		return db.fail(op, err)
	}
	if opt.Recording != nil {
		for i := range f.Attempts {
			a := &f.Attempts[i]
			for j := range a.Turns {
				t := &a.Turns[j]
				if t.RecordingPath, err = opt.Recording(a.ID, t.ID, t.RecordingPath); err != nil {
					return fmt.Errorf("%s: recording of turn %s: %w", op, t.ID, err)
				}
			}
		}
	}
	if opt.Format == FormatCSV {
		err = writeCSV(w, f)
	} else {
		err = writeJSON(w, f)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// num is a float64 in the JSON export: null for NaN, "+Inf" or "-Inf" for
// the infinities. Decoding never fails: a value that is none of those is
// kept in bad for Import to report with its line and field. set is false
// when the field was absent.
type num struct {
	v   float64
	set bool
	bad string
}

func number(v float64) num { return num{v: v, set: true} }

// nullable reads a nullable REAL column.
func nullable(v sql.NullFloat64) num {
	if !v.Valid {
		return number(math.NaN())
	}
	return number(v.Float64)
}

// text is the number as the export writes it; "" for NaN.
func (n num) text() string {
	switch {
	case math.IsNaN(n.v):
		return ""
	case math.IsInf(n.v, 1):
		return "+Inf"
	case math.IsInf(n.v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(n.v, 'g', -1, 64)
}

// MarshalJSON writes n as the export does.
func (n num) MarshalJSON() ([]byte, error) {
	switch t := n.text(); {
	case t == "":
		return []byte("null"), nil
	case math.IsInf(n.v, 0):
		return []byte(`"` + t + `"`), nil
	default:
		return []byte(t), nil
	}
}

// UnmarshalJSON reads what MarshalJSON writes and records anything else
// in n.bad.
func (n *num) UnmarshalJSON(b []byte) error {
	n.set = true
	s := string(b)
	switch s {
	case "null":
		n.v = math.NaN()
		return nil
	case `"+Inf"`:
		n.v = math.Inf(1)
		return nil
	case `"-Inf"`:
		n.v = math.Inf(-1)
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || s == "" || s[0] == '"' || math.IsInf(v, 0) {
		n.bad = "not a number"
		return nil
	}
	n.v = v
	return nil
}

// exportFile is the JSON export. Field order is the file's order.
type exportFile struct {
	Format        string           `json:"format"`
	FormatVersion int              `json:"format_version"`
	AppVersion    string           `json:"app_version"`
	Since         string           `json:"since,omitempty"`
	Attempts      []exportAttempt  `json:"attempts"`
	Baselines     []exportBaseline `json:"baselines"`
}

type exportAttempt struct {
	ID            string       `json:"id"`
	ScenarioID    string       `json:"scenario_id"`
	ScenarioTitle string       `json:"scenario_title"`
	PlannedTurns  int          `json:"planned_turns"`
	StartedAt     string       `json:"started_at"`
	FinishedAt    *string      `json:"finished_at"` // null: unfinished
	SavedAt       string       `json:"saved_at"`
	Turns         []exportTurn `json:"turns"`
}

type exportTurn struct {
	ID             string          `json:"id"`
	Index          int             `json:"index"`
	LineID         string          `json:"line_id"`
	LineText       string          `json:"line_text"`
	Variant        string          `json:"variant"`
	CueMS          num             `json:"cue_ms"`
	RecordingPath  string          `json:"recording_path"`
	DroppedMS      num             `json:"dropped_ms"`
	Recovered      bool            `json:"recovered"`
	NoSpeech       bool            `json:"no_speech"`
	OnsetMS        num             `json:"onset_ms"`
	OffsetMS       num             `json:"offset_ms"`
	LatencyMS      num             `json:"latency_ms"`
	LongestPauseMS num             `json:"longest_pause_ms"`
	PauseTotalMS   num             `json:"pause_total_ms"`
	Syllables      int             `json:"syllables"`
	SpeechRate     num             `json:"speech_rate"`
	ArticRate      num             `json:"articulation_rate"`
	WPM            num             `json:"wpm"`
	PaceChangePct  num             `json:"pace_change_pct"`
	MeanDBFS       num             `json:"mean_dbfs"`
	FirstHalfDBFS  num             `json:"first_half_dbfs"`
	SecondHalfDBFS num             `json:"second_half_dbfs"`
	Trend          string          `json:"trend"`
	F0MedianHz     num             `json:"f0_median_hz"`
	F0P5Hz         num             `json:"f0_p5_hz"`
	F0P95Hz        num             `json:"f0_p95_hz"`
	F0RangeST      num             `json:"f0_range_st"`
	ClipShare      num             `json:"clip_share"`
	NoiseFloorDBFS num             `json:"noise_floor_dbfs"`
	Customer       exportCustomer  `json:"customer"`
	Composure      string          `json:"composure"`
	SelfChecks     []selfCheckJSON `json:"self_checks"`
	Pauses         []exportPause   `json:"pauses"`
	pauseCount     int             // the stored count, for CSV
	selfChecksText string          // the stored JSON, read into SelfChecks
}

type exportCustomer struct {
	MeanDBFS      num `json:"mean_dbfs"`
	TrendDB       num `json:"trend_db"`
	PaceChangePct num `json:"pace_change_pct"`
	F0MedianHz    num `json:"f0_median_hz"`
}

type exportPause struct {
	StartMS num `json:"start_ms"`
	EndMS   num `json:"end_ms"`
}

type exportBaseline struct {
	ID               string `json:"id"`
	TakenAt          string `json:"taken_at"`
	SpeechRate       num    `json:"speech_rate"`
	ArticulationRate num    `json:"articulation_rate"`
	MeanDBFS         num    `json:"mean_dbfs"`
	F0MedianHz       num    `json:"f0_median_hz"`
	F0RangeST        num    `json:"f0_range_st"`
	LivePaceSPS      num    `json:"live_pace_sps"`
	RecordingPath    string `json:"recording_path"`
	Passage          string `json:"passage"`
}

// readExport reads what Export writes, in its order, from one read-only
// snapshot. The stored texts and REAL values are copied as they are, so
// that an import writes back exactly what was read.
func (db *DB) readExport(ctx context.Context, opt ExportOptions) (*exportFile, error) {
	f := &exportFile{
		Format:        exportFormat,
		FormatVersion: ExportFormatVersion,
		AppVersion:    opt.AppVersion,
		Attempts:      []exportAttempt{},
		Baselines:     []exportBaseline{},
	}
	since := ""
	if !opt.Since.IsZero() {
		since = formatTime(opt.Since)
		f.Since = since
	}
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `
		SELECT id, scenario_id, scenario_title, planned_turns, started_at, finished_at, saved_at
		FROM attempt WHERE started_at >= ?1
		ORDER BY started_at, id`, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	attemptAt := make(map[string]int)
	for rows.Next() {
		var (
			a        exportAttempt
			finished sql.NullString
		)
		if err := rows.Scan(&a.ID, &a.ScenarioID, &a.ScenarioTitle, &a.PlannedTurns, &a.StartedAt, &finished, &a.SavedAt); err != nil {
			return nil, err
		}
		if finished.Valid {
			a.FinishedAt = &finished.String
		}
		a.Turns = []exportTurn{}
		attemptAt[a.ID] = len(f.Attempts)
		f.Attempts = append(f.Attempts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	trows, err := tx.QueryContext(ctx, `
		SELECT attempt_id, id, idx, line_id, line_text, variant, cue_ms, recording_path,
			dropped_ms, recovered, no_speech, onset_ms, offset_ms, latency_ms,
			pause_count, longest_pause_ms, pause_total_ms,
			syllables, speech_rate, articulation_rate, wpm, pace_change_pct,
			mean_dbfs, first_half_dbfs, second_half_dbfs, trend,
			f0_median_hz, f0_p5_hz, f0_p95_hz, f0_range_st,
			clip_share, noise_floor_dbfs,
			customer_mean_dbfs, customer_trend_db, customer_pace_change_pct, customer_f0_median_hz,
			composure, self_checks
		FROM turn
		WHERE attempt_id IN (SELECT id FROM attempt WHERE started_at >= ?1)
		ORDER BY attempt_id, idx`, since)
	if err != nil {
		return nil, err
	}
	defer trows.Close()
	type turnRef struct{ attempt, turn int }
	turnAt := make(map[string]turnRef)
	for trows.Next() {
		var (
			t                                    exportTurn
			attemptID                            string
			cue, dropped, onset, offset, latency float64
			longest, total                       float64
			speech, artic, wpm, change           sql.NullFloat64
			mean, first, second                  sql.NullFloat64
			f0, p5, p95, rng, clip, floor        sql.NullFloat64
			cMean, cTrend, cChange, cF0          sql.NullFloat64
		)
		if err := trows.Scan(&attemptID, &t.ID, &t.Index, &t.LineID, &t.LineText, &t.Variant, &cue, &t.RecordingPath,
			&dropped, &t.Recovered, &t.NoSpeech, &onset, &offset, &latency,
			&t.pauseCount, &longest, &total,
			&t.Syllables, &speech, &artic, &wpm, &change,
			&mean, &first, &second, &t.Trend,
			&f0, &p5, &p95, &rng,
			&clip, &floor,
			&cMean, &cTrend, &cChange, &cF0,
			&t.Composure, &t.selfChecksText); err != nil {
			return nil, err
		}
		t.CueMS, t.DroppedMS = number(cue), number(dropped)
		t.OnsetMS, t.OffsetMS, t.LatencyMS = number(onset), number(offset), number(latency)
		t.LongestPauseMS, t.PauseTotalMS = number(longest), number(total)
		t.SpeechRate, t.ArticRate, t.WPM, t.PaceChangePct = nullable(speech), nullable(artic), nullable(wpm), nullable(change)
		t.MeanDBFS, t.FirstHalfDBFS, t.SecondHalfDBFS = nullable(mean), nullable(first), nullable(second)
		t.F0MedianHz, t.F0P5Hz, t.F0P95Hz, t.F0RangeST = nullable(f0), nullable(p5), nullable(p95), nullable(rng)
		t.ClipShare, t.NoiseFloorDBFS = nullable(clip), nullable(floor)
		t.Customer = exportCustomer{nullable(cMean), nullable(cTrend), nullable(cChange), nullable(cF0)}
		t.SelfChecks = []selfCheckJSON{}
		if err := json.Unmarshal([]byte(t.selfChecksText), &t.SelfChecks); err != nil {
			return nil, fmt.Errorf("turn %s: bad self-checks in database: %w", t.ID, err)
		}
		t.Pauses = []exportPause{}
		ai, ok := attemptAt[attemptID]
		if !ok {
			return nil, fmt.Errorf("turn %s: attempt %s not found", t.ID, attemptID)
		}
		turnAt[t.ID] = turnRef{ai, len(f.Attempts[ai].Turns)}
		f.Attempts[ai].Turns = append(f.Attempts[ai].Turns, t)
	}
	if err := trows.Err(); err != nil {
		return nil, err
	}
	trows.Close()

	prows, err := tx.QueryContext(ctx, `
		SELECT p.turn_id, p.start_ms, p.end_ms
		FROM pause p JOIN turn t ON t.id = p.turn_id
		WHERE t.attempt_id IN (SELECT id FROM attempt WHERE started_at >= ?1)
		ORDER BY p.turn_id, p.idx`, since)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var (
			turnID     string
			start, end float64
		)
		if err := prows.Scan(&turnID, &start, &end); err != nil {
			return nil, err
		}
		ref, ok := turnAt[turnID]
		if !ok {
			return nil, fmt.Errorf("pause of turn %s: turn not found", turnID)
		}
		t := &f.Attempts[ref.attempt].Turns[ref.turn]
		t.Pauses = append(t.Pauses, exportPause{number(start), number(end)})
	}
	if err := prows.Err(); err != nil {
		return nil, err
	}
	prows.Close()

	brows, err := tx.QueryContext(ctx, `
		SELECT id, taken_at, speech_rate, articulation_rate, mean_dbfs, f0_median_hz, f0_range_st,
			live_pace_sps, recording_path, passage
		FROM baseline ORDER BY taken_at, id`)
	if err != nil {
		return nil, err
	}
	defer brows.Close()
	for brows.Next() {
		var (
			b                               exportBaseline
			speech, artic, mean, f0, rng, l sql.NullFloat64
		)
		if err := brows.Scan(&b.ID, &b.TakenAt, &speech, &artic, &mean, &f0, &rng, &l, &b.RecordingPath, &b.Passage); err != nil {
			return nil, err
		}
		b.SpeechRate, b.ArticulationRate, b.MeanDBFS = nullable(speech), nullable(artic), nullable(mean)
		b.F0MedianHz, b.F0RangeST, b.LivePaceSPS = nullable(f0), nullable(rng), nullable(l)
		f.Baselines = append(f.Baselines, b)
	}
	if err := brows.Err(); err != nil {
		return nil, err
	}
	return f, nil
}

// writeJSON writes f indented, one field a line so that Import can name
// the line of a bad field. It writes attempt by attempt (the bytes are
// those of encoding the whole file with SetIndent("", "  ")), so that an
// export of 10,000 attempts does not hold its 79 MB text, and several
// copies of it, in memory at once.
func writeJSON(w io.Writer, f *exportFile) error {
	bw := bufio.NewWriter(w)
	head := *f
	head.Attempts, head.Baselines = nil, nil
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Line texts and self-checks keep "<", ">" and "&" as written.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(head); err != nil {
		return err
	}
	// head ends with `"baselines": null` + "\n}\n"; the lists replace
	// the two nulls.
	text := buf.Bytes()
	cut := bytes.LastIndex(text, []byte(`  "attempts": null`))
	if cut < 0 {
		return errors.New("export: unexpected layout of the file header")
	}
	bw.Write(text[:cut])
	enc.SetIndent("    ", "  ")
	writeList := func(name string, n int, item func(i int) any, last bool) error {
		if n == 0 {
			fmt.Fprintf(bw, "  %q: []", name)
		} else {
			fmt.Fprintf(bw, "  %q: [\n", name)
			for i := range n {
				buf.Reset()
				if err := enc.Encode(item(i)); err != nil {
					return err
				}
				bw.WriteString("    ")
				bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
				if i < n-1 {
					bw.WriteString(",")
				}
				bw.WriteString("\n")
			}
			bw.WriteString("  ]")
		}
		if !last {
			bw.WriteString(",")
		}
		bw.WriteString("\n")
		return nil
	}
	if err := writeList("attempts", len(f.Attempts), func(i int) any { return &f.Attempts[i] }, false); err != nil {
		return err
	}
	if err := writeList("baselines", len(f.Baselines), func(i int) any { return &f.Baselines[i] }, true); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// csvHeader is the CSV export's column order, which stays stable: new
// columns are added at the end.
var csvHeader = []string{
	"attempt_id", "scenario_id", "scenario_title", "planned_turns", "started_at", "finished_at",
	"turn_id", "turn_index", "line_id", "line_text", "variant", "recovered", "dropped_ms", "cue_ms",
	"no_speech", "onset_ms", "offset_ms", "latency_ms",
	"pause_count", "longest_pause_ms", "pause_total_ms",
	"syllables", "speech_rate", "articulation_rate", "wpm", "pace_change_pct",
	"mean_dbfs", "first_half_dbfs", "second_half_dbfs", "trend_db", "trend",
	"f0_median_hz", "f0_p5_hz", "f0_p95_hz", "f0_range_st",
	"clip_share", "noise_floor_dbfs",
	"customer_mean_dbfs", "customer_trend_db", "customer_pace_change_pct", "customer_f0_median_hz",
	"composure", "self_checks", "recording_path",
}

// textCell is a text field as the CSV export writes it: one that a
// spreadsheet would take for a formula, since it begins with =, +, -, @,
// a tab or a carriage return, gets a single quote in front (OWASP's rule
// for CSV injection). So does one that begins with a quote itself, so
// that removing one leading quote from any text cell gives the text back
// exactly. Numbers are written by strconv and never pass through here: a
// negative figure stays a number.
func textCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}

func writeCSV(w io.Writer, f *exportFile) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	bit := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	row := make([]string, 0, len(csvHeader))
	for _, a := range f.Attempts {
		finished := ""
		if a.FinishedAt != nil {
			finished = *a.FinishedAt
		}
		for _, t := range a.Turns {
			checks := make([]string, len(t.SelfChecks))
			for i, c := range t.SelfChecks {
				mark := "[ ] "
				if c.Done {
					mark = "[x] "
				}
				checks[i] = mark + c.Text
			}
			c := t.Customer
			cell := textCell
			row = append(row[:0],
				cell(a.ID), cell(a.ScenarioID), cell(a.ScenarioTitle), strconv.Itoa(a.PlannedTurns), cell(a.StartedAt), cell(finished),
				cell(t.ID), strconv.Itoa(t.Index), cell(t.LineID), cell(t.LineText), cell(t.Variant), bit(t.Recovered), t.DroppedMS.text(), t.CueMS.text(),
				bit(t.NoSpeech), t.OnsetMS.text(), t.OffsetMS.text(), t.LatencyMS.text(),
				strconv.Itoa(t.pauseCount), t.LongestPauseMS.text(), t.PauseTotalMS.text(),
				strconv.Itoa(t.Syllables), t.SpeechRate.text(), t.ArticRate.text(), t.WPM.text(), t.PaceChangePct.text(),
				t.MeanDBFS.text(), t.FirstHalfDBFS.text(), t.SecondHalfDBFS.text(),
				number(t.SecondHalfDBFS.v-t.FirstHalfDBFS.v).text(), cell(t.Trend),
				t.F0MedianHz.text(), t.F0P5Hz.text(), t.F0P95Hz.text(), t.F0RangeST.text(),
				t.ClipShare.text(), t.NoiseFloorDBFS.text(),
				c.MeanDBFS.text(), c.TrendDB.text(), c.PaceChangePct.text(), c.F0MedianHz.text(),
				cell(t.Composure), cell(strings.Join(checks, "; ")), cell(t.RecordingPath))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
