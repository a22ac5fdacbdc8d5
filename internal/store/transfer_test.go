package store_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"fallback/internal/analysis"
	"fallback/internal/store"
)

// transferFixture stores what an export must carry: finished attempts, one
// with infinite and unknown figures and a silent turn, an unfinished one,
// one without turns, and two baselines, one with unknown figures. It
// returns the IDs of the attempts in start order.
func transferFixture(t testing.TB, db *store.DB) []string {
	ctx := context.Background()
	var ids []string
	for i, s := range []struct {
		scenario string
		turns    int
	}{{"missed-delivery", 3}, {"billing", 2}, {"wrong-quote", 0}, {"billing", 3}} {
		a := newAttempt(s.scenario, at(10*i), s.turns)
		switch i {
		case 1:
			r := &a.Turns[0].Report
			r.FirstHalfDBFS, r.SecondHalfDBFS, r.MeanDBFS = math.Inf(-1), math.Inf(1), math.NaN()
			a.Turns[1].Report = analysis.Report{NoSpeech: true, MeanDBFS: math.NaN()}
			a.Turns[1].Customer = store.UnknownCustomer()
			a.Turns[1].ClipShare = math.NaN()
		case 3:
			a.FinishedAt = time.Time{}
			if err := db.BeginAttempt(ctx, &a); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID)
			continue
		}
		if err := db.SaveAttempt(ctx, &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	b1 := newBaseline(at(-5), "rainbow")
	b2 := newBaseline(at(25), "north-wind")
	b2.LivePaceSPS, b2.F0RangeST = math.NaN(), math.NaN()
	for _, b := range []*store.Baseline{&b1, &b2} {
		if err := db.SaveBaseline(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func mustExport(t testing.TB, db *store.DB, opt store.ExportOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := db.Export(context.Background(), &b, opt); err != nil {
		t.Fatalf("Export(%+v): %v", opt, err)
	}
	return b.Bytes()
}

func mustImport(t testing.TB, db *store.DB, data []byte) store.ImportResult {
	t.Helper()
	res, err := db.Import(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return res
}

var jsonOpt = store.ExportOptions{Format: store.FormatJSON, AppVersion: "0.1.0-test"}

// TestExportImportRoundTrip exports, imports into an empty database and
// exports again: the bytes and every attempt read back must be the same,
// and importing the file a second time must change nothing.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	ids := transferFixture(t, src)
	first := mustExport(t, src, jsonOpt)
	if again := mustExport(t, src, jsonOpt); !bytes.Equal(first, again) {
		t.Fatal("two exports of the same database differ")
	}

	dst := MustOpenDB(t)
	res := mustImport(t, dst, first)
	want := store.ImportResult{AttemptsAdded: 4, TurnsAdded: 8, BaselinesAdded: 2}
	if res != want {
		t.Errorf("first import = %+v, want %+v", res, want)
	}
	second := mustExport(t, dst, jsonOpt)
	if !bytes.Equal(first, second) {
		t.Errorf("export after import differs from the original:\n%s", firstDiff(first, second))
	}
	for _, id := range ids {
		got, want := mustRead(t, dst, id), mustRead(t, src, id)
		for _, d := range diff("", reflect.ValueOf(got), reflect.ValueOf(want)) {
			t.Errorf("attempt %s: %s", id, d)
		}
	}
	gotB, err := dst.Baselines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantB, err := src.Baselines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diff("", reflect.ValueOf(gotB), reflect.ValueOf(wantB)) {
		t.Errorf("baselines: %s", d)
	}

	res = mustImport(t, dst, first)
	want = store.ImportResult{AttemptsPresent: 4, TurnsPresent: 8, BaselinesPresent: 2}
	if res != want || res.Changed() {
		t.Errorf("second import = %+v (changed %v), want %+v", res, res.Changed(), want)
	}
	if third := mustExport(t, dst, jsonOpt); !bytes.Equal(third, first) {
		t.Errorf("the second import changed the database:\n%s", firstDiff(first, third))
	}
}

// firstDiff shows the first line where a and b differ.
func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}

func TestExportJSONContent(t *testing.T) {
	db := MustOpenDB(t)
	ids := transferFixture(t, db)
	out := string(mustExport(t, db, jsonOpt))
	for _, want := range []string{
		`"format": "fallback-export"`,
		`"format_version": 1`,
		`"app_version": "0.1.0-test"`,
		`"id": "` + ids[0] + `"`,
		`"started_at": "2025-03-14T09:26:53.589793238Z"`,
		`"finished_at": null`,                                          // the unfinished attempt
		`"first_half_dbfs": "-Inf"`,                                    // infinities are strings
		`"second_half_dbfs": "+Inf"`,                                   //
		`"mean_dbfs": null`,                                            // NaN
		`"latency_ms": 799.958333`,                                     // 800 ms − 41667 ns, as stored
		`"cue_ms": 1200.0625`,                                          //
		`"text": "Said what happens next (\"we'll call <by> 5 & 0\")"`, // no HTML escaping
		`"start_ms": 5000.000001`,                                      // a pause
		`"passage": "north-wind"`,                                      // a baseline
		`"live_pace_sps": null`,                                        //
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON export lacks %s", want)
		}
	}
	// The attempt without turns has an empty list, not null.
	if !strings.Contains(out, `"turns": []`) {
		t.Error(`JSON export lacks "turns": [] for the attempt without turns`)
	}
}

func TestExportSince(t *testing.T) {
	db := MustOpenDB(t)
	ids := transferFixture(t, db)
	opt := jsonOpt
	opt.Since = at(10)
	out := string(mustExport(t, db, opt))
	if strings.Contains(out, ids[0]) || !strings.Contains(out, ids[1]) || !strings.Contains(out, ids[3]) {
		t.Errorf("export since %v: want attempts 1…3 and not 0", opt.Since)
	}
	// Baselines are exported whole, whatever Since.
	if strings.Count(out, `"passage"`) != 2 {
		t.Errorf("export since %v has %d baselines, want 2", opt.Since, strings.Count(out, `"passage"`))
	}
}

func TestExportCSV(t *testing.T) {
	db := MustOpenDB(t)
	ids := transferFixture(t, db)
	opt := store.ExportOptions{Format: store.FormatCSV}
	data := mustExport(t, db, opt)
	if again := mustExport(t, db, opt); !bytes.Equal(data, again) {
		t.Fatal("two CSV exports differ")
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("the CSV export does not parse: %v", err)
	}
	if len(recs) != 1+8 {
		t.Fatalf("%d records, want a header and 8 turns", len(recs))
	}
	col := make(map[string]int)
	for i, name := range recs[0] {
		col[name] = i
	}
	for _, name := range []string{"attempt_id", "turn_index", "latency_ms", "mean_dbfs", "trend_db", "self_checks", "finished_at", "first_half_dbfs"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("no column %q in %v", name, recs[0])
		}
	}
	src := mustRead(t, db, ids[0])
	tests := []struct {
		name   string
		row    int
		column string
		want   string
	}{
		{"attempt id", 1, "attempt_id", ids[0]},
		{"second turn", 2, "turn_index", "1"},
		{"latency in ms", 1, "latency_ms", strconv.FormatFloat(float64(src.Turns[0].Report.Latency)/1e6, 'g', -1, 64)},
		{"trend in dB", 1, "trend_db", strconv.FormatFloat(src.Turns[0].Report.TrendDB(), 'g', -1, 64)},
		{"self-checks as text", 2, "self_checks", `[x] Acknowledged the feeling; [x] Said what happens next ("we'll call <by> 5 & 1"); [ ] Kept my pace — ça va`},
		{"no self-checks", 3, "self_checks", ""},
		{"NaN is empty", 4, "mean_dbfs", ""},
		{"minus infinity", 4, "first_half_dbfs", "-Inf"},
		{"infinite trend", 4, "trend_db", "+Inf"},
		{"finished at", 1, "finished_at", "2025-03-14T09:29:53.713250027Z"},
		{"unfinished", 8, "finished_at", ""},
		{"silent turn", 5, "no_speech", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := recs[tt.row][col[tt.column]]; got != tt.want {
				t.Errorf("row %d %s = %q, want %q", tt.row, tt.column, got, tt.want)
			}
		})
	}
}

func TestExportUnknownFormat(t *testing.T) {
	err := MustOpenDB(t).Export(context.Background(), &bytes.Buffer{}, store.ExportOptions{Format: "xml"})
	if err == nil || !strings.Contains(err.Error(), "xml") {
		t.Errorf("Export(xml) = %v, want an error naming the format", err)
	}
}

// TestImportMerge imports an unfinished attempt, then the same attempt
// finished with more turns: it gains the turns and the finish time, and a
// take stored here at an index the file also has is kept.
func TestImportMerge(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	full := newAttempt("merge", base, 4)
	a := full
	a.Turns = nil
	a.FinishedAt = time.Time{}
	mustBegin(t, src, &a)
	for i := range 2 {
		tr := full.Turns[i]
		mustSaveTurn(t, src, a.ID, &tr)
	}
	early := mustExport(t, src, jsonOpt)
	for i := 2; i < 4; i++ {
		tr := full.Turns[i]
		mustSaveTurn(t, src, a.ID, &tr)
	}
	if err := src.FinishAttempt(ctx, a.ID, full.FinishedAt); err != nil {
		t.Fatal(err)
	}
	late := mustExport(t, src, jsonOpt)

	dst := MustOpenDB(t)
	if res := mustImport(t, dst, early); res != (store.ImportResult{AttemptsAdded: 1, TurnsAdded: 2}) {
		t.Errorf("early import = %+v", res)
	}
	// A take of turn 3 made here before the late file arrives.
	local := full.Turns[3]
	local.ID = ""
	local.LineText = "taken on this machine"
	mustSaveTurn(t, dst, a.ID, &local)

	res := mustImport(t, dst, late)
	if want := (store.ImportResult{AttemptsUpdated: 1, TurnsAdded: 1, TurnsPresent: 3}); res != want {
		t.Errorf("late import = %+v, want %+v", res, want)
	}
	got := mustRead(t, dst, a.ID)
	if got.FinishedAt.IsZero() || !got.FinishedAt.Equal(full.FinishedAt) {
		t.Errorf("finished at %v, want %v", got.FinishedAt, full.FinishedAt)
	}
	if len(got.Turns) != 4 || got.Turns[3].LineText != "taken on this machine" || got.Turns[2].LineText != full.Turns[2].LineText {
		t.Errorf("turns after merge: %d, turn 3 %q; want 4 with the local take of turn 3", len(got.Turns), got.Turns[3].LineText)
	}
	if res := mustImport(t, dst, late); res.Changed() {
		t.Errorf("importing the late file again = %+v, want no change", res)
	}
}

// TestImportRefused damages a real export in one place at a time and
// checks the error names the line and field, and that nothing at all was
// imported, including the attempts before the damage.
func TestImportRefused(t *testing.T) {
	src := MustOpenDB(t)
	transferFixture(t, src)
	good := string(mustExport(t, src, jsonOpt))
	lines := strings.Split(good, "\n")
	// lineWith is the number of the n-th line (from 0) holding s.
	lineWith := func(s string, n int) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				if n == 0 {
					return i + 1
				}
				n--
			}
		}
		t.Fatalf("no line %d with %q", n, s)
		return 0
	}
	// replaceNth replaces the n-th occurrence (from 0) of old.
	replaceNth := func(s, old, new string, n int) string {
		i := 0
		for ; n >= 0; n-- {
			j := strings.Index(s[i:], old)
			if j < 0 {
				t.Fatalf("no occurrence %d of %q", n, old)
			}
			i += j + len(old)
		}
		return s[:i-len(old)] + new + s[i:]
	}
	tests := []struct {
		name   string
		file   string
		line   int
		field  string // "*": any
		reason string
	}{
		{"text for a number", replaceNth(good, `"latency_ms": 799.958333`, `"latency_ms": "abc"`, 2),
			lineWith(`"latency_ms"`, 2), "attempts[0].turns[2].latency_ms", "not a number"},
		{"null for a required number", replaceNth(good, `"cue_ms": 1200.0625`, `"cue_ms": null`, 4),
			lineWith(`"cue_ms"`, 4), "attempts[1].turns[1].cue_ms", "null where a number is needed"},
		{"text for an index", replaceNth(good, `"index": 1`, `"index": "1"`, 0),
			lineWith(`"index": 1`, 0), "attempts[0].turns[1].index", "string where a whole number is needed"},
		{"bad uuid", replaceNth(good, `"id": "`, `"id": "x`, 0), lineWith(`"id": "`, 0), "attempts[0].id", "is not a uuid"},
		{"bad time", strings.Replace(good, `"started_at": "2025-03-14T09:26:53.589793238Z"`, `"started_at": "yesterday"`, 1),
			lineWith(`"started_at"`, 0), "attempts[0].started_at", "not an RFC 3339 time"},
		{"unknown variant", replaceNth(good, `"variant": "softened"`, `"variant": "angry"`, 1),
			lineWith(`"variant": "softened"`, 1), "attempts[1].turns[1].variant", `unknown variant "angry"`},
		{"pause ends first", replaceNth(good, `"end_ms": 7250`, `"end_ms": 1`, 0),
			lineWith(`"end_ms": 7250`, 0), "attempts[0].turns[0].pauses[1].end_ms", "before start_ms"},
		{"clip share above 1", replaceNth(good, `"clip_share": 0`, `"clip_share": 2`, 0),
			lineWith(`"clip_share": 0`, 0), "attempts[0].turns[0].clip_share", "not between 0 and 1"},
		{"turn id twice", strings.Replace(good, lines[lineWith(`"id": "`, 3)-1], lines[lineWith(`"id": "`, 2)-1], 1),
			lineWith(`"id": "`, 3), "attempts[0].turns[2].id", "appears twice"},
		{"missing field", strings.Replace(good, lines[lineWith(`"mean_dbfs"`, 0)-1]+"\n", "", 1),
			lineWith(`"turns": [`, 0) + 1, "attempts[0].turns[0].mean_dbfs", "missing"},
		{"truncated", good[:len(good)/2], strings.Count(good[:len(good)/2], "\n") + 1, "*", "not valid JSON"},
		{"not json", "hello\n", 1, "", "not valid JSON"},
		{"foreign json", `{"name": "something else", "version": 3}`, 1, "format", "not a Fallback export"},
		{"empty", "", 1, "", "not valid JSON"},
		{"newer format", strings.Replace(good, `"format_version": 1`, `"format_version": 2`, 1),
			lineWith(`"format_version"`, 0), "format_version", "2 is newer than this build reads (1)"},
		{"not utf-8", strings.Replace(good, "ça va", "\xe7a va", 1), lineWith("ça va", 0), "attempts[0].turns[0].self_checks[2].text", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := MustOpenDB(t)
			before := mustExport(t, dst, jsonOpt)
			_, err := dst.Import(context.Background(), strings.NewReader(tt.file))
			var ie *store.ImportError
			if !errors.As(err, &ie) || !errors.Is(err, store.ErrImport) {
				t.Fatalf("Import = %v, want an *ImportError matching ErrImport", err)
			}
			if ie.Line != tt.line || tt.field != "*" && ie.Field != tt.field || !strings.Contains(ie.Reason, tt.reason) {
				t.Errorf("Import = %q\nwant line %d, field %q, reason with %q", err, tt.line, tt.field, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("import: line %d: ", ie.Line)) {
				t.Errorf("message %q does not start with the line", err)
			}
			if after := mustExport(t, dst, jsonOpt); !bytes.Equal(before, after) {
				t.Errorf("a refused import changed the database:\n%s", firstDiff(before, after))
			}
		})
	}
}

// TestImportConflictRollsBack imports a file whose last attempt reuses the
// ID of an attempt stored here for another scenario: the earlier attempts
// of the file, already written in the transaction, must be gone too.
func TestImportConflictRollsBack(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	ids := transferFixture(t, src)
	file := mustExport(t, src, jsonOpt)

	dst := MustOpenDB(t)
	clash := newAttempt("another-scenario", base, 1)
	clash.ID = ids[3]
	mustSave(t, dst, &clash)
	before := mustExport(t, dst, jsonOpt)

	_, err := dst.Import(ctx, bytes.NewReader(file))
	var ie *store.ImportError
	if !errors.As(err, &ie) || ie.Field != "attempts[3].scenario_id" || !strings.Contains(ie.Reason, "another-scenario") {
		t.Fatalf("Import = %v, want a refusal at attempts[3].scenario_id", err)
	}
	if after := mustExport(t, dst, jsonOpt); !bytes.Equal(before, after) {
		t.Errorf("the refused import left something behind:\n%s", firstDiff(before, after))
	}
	if _, err := dst.Attempt(ctx, ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("attempt 0 of the refused file: %v, want ErrNotFound", err)
	}
}

// TestImportTurnIDConflict imports a file one of whose turns has the ID of
// a turn stored here under another attempt: refused, nothing imported.
func TestImportTurnIDConflict(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	ids := transferFixture(t, src)
	file := mustExport(t, src, jsonOpt)
	taken := mustRead(t, src, ids[1]).Turns[1].ID

	dst := MustOpenDB(t)
	other := newAttempt("other", at(500), 1)
	other.Turns[0].ID = taken
	mustSave(t, dst, &other)
	before := mustExport(t, dst, jsonOpt)

	_, err := dst.Import(ctx, bytes.NewReader(file))
	var ie *store.ImportError
	if !errors.As(err, &ie) || ie.Field != "attempts[1].turns[1].id" || !strings.Contains(ie.Reason, other.ID) {
		t.Fatalf("Import = %v, want a refusal at attempts[1].turns[1].id naming attempt %s", err, other.ID)
	}
	if after := mustExport(t, dst, jsonOpt); !bytes.Equal(before, after) {
		t.Errorf("the refused import left something behind:\n%s", firstDiff(before, after))
	}
}

// TestExportCSVFormulaInjection stores text fields that a spreadsheet
// would run as formulas and checks the CSV export: each such cell has one
// quote in front (OWASP), one that begins with a quote too, others are
// as stored, numbers (negative ones included) stay numbers, and dropping
// one leading quote from every text cell gives back the stored text.
func TestExportCSVFormulaInjection(t *testing.T) {
	tests := []struct {
		name, text string
		quoted     bool
	}{
		{"equals", `=HYPERLINK("http://x.invalid","click")`, true},
		{"plus", "+1 555 0100", true},
		{"minus", "-2+3", true},
		{"at", "@SUM(A1:A9)", true},
		{"tab", "\t=1+1", true},
		{"carriage return", "\r=1+1", true},
		{"quote", "'=1+1", true},
		{"plain", "Where is my parcel?", false},
		{"equals inside", "a=b", false},
		{"space before", " =1+1", false},
		{"empty", "", false},
	}
	db := MustOpenDB(t)
	// One attempt per case, the text in every text column a user can
	// fill: the scenario's ID and title, the line's ID and text, the
	// composure sentence, the recording path.
	for i, tt := range tests {
		a := newAttempt("s", at(i), 1)
		a.ScenarioID = "scenario" + strconv.Itoa(i)
		if tt.text != "" {
			a.ScenarioID = tt.text
		}
		a.ScenarioTitle, a.Turns[0].LineText, a.Turns[0].Composure = tt.text, tt.text, tt.text
		a.Turns[0].LineID, a.Turns[0].RecordingPath = tt.text, tt.text
		a.Turns[0].Report.MeanDBFS = -23.5
		a.Turns[0].SelfChecks = nil
		mustSave(t, db, &a)
	}
	recs, err := csv.NewReader(bytes.NewReader(mustExport(t, db, store.ExportOptions{Format: store.FormatCSV}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+len(tests) {
		t.Fatalf("%d records, want a header and %d turns", len(recs), len(tests))
	}
	col := make(map[string]int)
	for i, name := range recs[0] {
		col[name] = i
	}
	textCols := []string{"scenario_title", "line_id", "line_text", "composure", "recording_path"}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := recs[1+i] // attempts are exported in start order
			want := tt.text
			if tt.quoted {
				want = "'" + tt.text
			}
			for _, c := range append(textCols, "scenario_id") {
				got := rec[col[c]]
				if c == "scenario_id" && tt.text == "" {
					continue // an empty scenario ID is not stored
				}
				if got != want {
					t.Errorf("%s = %q, want %q", c, got, want)
				}
				if back := strings.TrimPrefix(got, "'"); back != tt.text {
					t.Errorf("%s with one leading quote dropped = %q, want the stored %q", c, back, tt.text)
				}
			}
			for c, w := range map[string]string{"mean_dbfs": "-23.5", "pace_change_pct": "-7.25"} {
				if got := rec[col[c]]; got != w {
					t.Errorf("%s = %q, want the number %s as it is", c, got, w)
				}
			}
		})
	}
}

// TestMemoryReset checks the fuzz target's reset: a memory database reset
// to its image holds exactly what it held when the image was taken, after
// an import that added to it, and still enforces foreign keys.
func TestMemoryReset(t *testing.T) {
	src := MustOpenDB(t)
	transferFixture(t, src)
	seed := mustExport(t, src, jsonOpt)
	db, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	empty := mustExport(t, db, jsonOpt)
	image, err := store.Image(db)
	if err != nil {
		t.Fatal(err)
	}
	mustImport(t, db, seed)
	if got := mustExport(t, db, jsonOpt); !bytes.Equal(got, seed) {
		t.Fatalf("export after importing into the memory database:\n%s", firstDiff(seed, got))
	}
	if err := store.Reset(db, image); err != nil {
		t.Fatal(err)
	}
	if got := mustExport(t, db, jsonOpt); !bytes.Equal(got, empty) {
		t.Errorf("after Reset:\n%s", firstDiff(empty, got))
	}
	var fk int
	if err := store.RawDB(db).QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("PRAGMA foreign_keys after Reset = %d, %v; want 1", fk, err)
	}
}

// TestTransferRecordingHooks: Export writes the path its Recording hook
// gives; ImportWith calls its hook for each added turn with a recording,
// never for one stored already, and a hook's error refuses the whole file.
func TestTransferRecordingHooks(t *testing.T) {
	ctx := context.Background()
	src := MustOpenDB(t)
	transferFixture(t, src)
	var b bytes.Buffer
	renamed := 0
	opt := jsonOpt
	opt.Recording = func(attemptID, turnID, stored string) (string, error) {
		renamed++
		return "audio/" + turnID, nil
	}
	if err := src.Export(ctx, &b, opt); err != nil {
		t.Fatal(err)
	}
	file := b.Bytes()
	if n := bytes.Count(file, []byte(`"recording_path": "audio/`)); n != renamed || n != 8 {
		t.Fatalf("%d renamed paths in the export, hook called %d times; want 8 (one per turn)", n, renamed)
	}
	opt.Recording = func(string, string, string) (string, error) { return "", errors.New("disk gone") }
	if err := src.Export(ctx, &bytes.Buffer{}, opt); err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("Export with a failing hook: %v, want its error", err)
	}

	dst := MustOpenDB(t)
	empty := mustExport(t, dst, jsonOpt)
	calls := 0
	fail := store.ImportOptions{Recording: func(_, turnID, path string) error {
		if calls++; calls == 3 {
			return fmt.Errorf("recording %s: %w", path, os.ErrNotExist)
		}
		return nil
	}}
	_, err := dst.ImportWith(ctx, bytes.NewReader(file), fail)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "recording_path") {
		t.Fatalf("ImportWith, the third recording failing: %v; want its error, naming the field", err)
	}
	if got := mustExport(t, dst, jsonOpt); !bytes.Equal(got, empty) {
		t.Errorf("the refused import changed the database:\n%s", firstDiff(empty, got))
	}
	seen := make(map[string]string)
	record := store.ImportOptions{Recording: func(_, turnID, path string) error { seen[turnID] = path; return nil }}
	res, err := dst.ImportWith(ctx, bytes.NewReader(file), record)
	if err != nil || len(seen) != res.TurnsAdded || res.TurnsAdded != 8 {
		t.Fatalf("ImportWith = %+v, %v, hook saw %d turns; want 8 added and seen", res, err, len(seen))
	}
	for id, p := range seen {
		if p != "audio/"+id {
			t.Errorf("turn %s: hook got %q, want audio/%s", id, p, id)
		}
	}
	clear(seen)
	if _, err := dst.ImportWith(ctx, bytes.NewReader(file), record); err != nil || len(seen) != 0 {
		t.Errorf("importing again: %v, hook saw %v; want no call", err, seen)
	}
}
