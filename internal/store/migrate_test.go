package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestLoadMigrations(t *testing.T) {
	file := func(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int  // versions, in order
		wantErr string // part of the error, "" for none
	}{
		{"embedded", nil, nil, ""},
		{"in order", fstest.MapFS{
			"migrations/002_b.sql": file("B"),
			"migrations/001_a.sql": file("A"),
			"migrations/notes.txt": file("not a migration"),
		}, []int{1, 2}, ""},
		{"none", fstest.MapFS{}, nil, ""},
		{"gap", fstest.MapFS{
			"migrations/001_a.sql": file("A"),
			"migrations/003_c.sql": file("C"),
		}, nil, "expected version 2"},
		{"duplicate", fstest.MapFS{
			"migrations/001_a.sql":   file("A"),
			"migrations/1_again.sql": file("A"),
		}, nil, "expected version 2"},
		{"no number", fstest.MapFS{"migrations/init.sql": file("A")}, nil, "NNN_description.sql"},
		{"zero", fstest.MapFS{"migrations/000_a.sql": file("A")}, nil, "NNN_description.sql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				migs []migration
				err  error
			)
			if tt.fsys == nil {
				migs, err = loadMigrations(migrationFiles)
			} else {
				migs, err = loadMigrations(tt.fsys)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("loadMigrations: %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadMigrations: %v", err)
			}
			if tt.fsys == nil {
				if len(migs) == 0 || migs[0].name != "001_init.sql" {
					t.Fatalf("embedded migrations = %v, want 001_init.sql first", migs)
				}
				return
			}
			var got []int
			for _, m := range migs {
				got = append(got, m.version)
			}
			if len(got) != len(tt.want) || (len(got) > 0 && !equalInts(got, tt.want)) {
				t.Errorf("versions = %v, want %v", got, tt.want)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

// TestMigrateFailureRollsBack checks that a failing migration leaves the
// database at the previous version with none of its statements applied, and
// that the next run picks up from there.
func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	sdb, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db")))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()

	good := migration{version: 1, name: "001_a.sql", sql: "CREATE TABLE a (x INTEGER);"}
	bad := migration{version: 2, name: "002_b.sql", sql: "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"}
	fixed := migration{version: 2, name: "002_b.sql", sql: "CREATE TABLE b (x INTEGER);"}

	steps := []struct {
		name        string
		migs        []migration
		wantErr     string
		wantVersion int
		wantTables  string
	}{
		{"first applies", []migration{good}, "", 1, "a"},
		{"second fails", []migration{good, bad}, "002_b.sql", 1, "a"},
		{"fixed second applies", []migration{good, fixed}, "", 2, "a,b"},
		{"again is a no-op", []migration{good, fixed}, "", 2, "a,b"},
		{"older code refuses", []migration{good}, "newer version", 2, "a,b"},
	}
	for _, st := range steps {
		err := migrate(ctx, sdb, st.migs)
		switch {
		case st.wantErr == "" && err != nil:
			t.Fatalf("%s: migrate: %v", st.name, err)
		case st.wantErr != "" && (err == nil || !strings.Contains(err.Error(), st.wantErr)):
			t.Fatalf("%s: migrate: %v, want an error with %q", st.name, err, st.wantErr)
		}
		var version int
		var tables string
		if err := sdb.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if err := sdb.QueryRow(`SELECT group_concat(name, ',') FROM
			(SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name)`).Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if version != st.wantVersion || tables != st.wantTables {
			t.Errorf("%s: user_version %d, tables %q; want %d, %q", st.name, version, tables, st.wantVersion, st.wantTables)
		}
	}
}

// statements splits a migration into its statements. The migrations end
// each statement with ";" at the end of a line and use no ";\n" inside one.
func statements(sql string) []string {
	var out []string
	for _, part := range strings.SplitAfter(sql, ";\n") {
		body := part
		for _, line := range strings.Split(part, "\n") {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "--") {
				out = append(out, body)
				break
			}
		}
	}
	return out
}

// statementEnds counts the lines of sql whose code, comments removed, ends
// with ";". The migrations put no "--" inside a string literal.
func statementEnds(sql string) int {
	n := 0
	for _, line := range strings.Split(sql, "\n") {
		code, _, _ := strings.Cut(line, "--")
		if strings.HasSuffix(strings.TrimSpace(code), ";") {
			n++
		}
	}
	return n
}

// snapshot is everything a migration may change: the schema, the version
// and every row of every table, as text.
func snapshot(t *testing.T, sdb *sql.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	var version, appID int
	if err := sdb.QueryRowContext(ctx, "SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id)").Scan(&version, &appID); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "user_version %d application_id %d\n", version, appID)
	rows, err := sdb.QueryContext(ctx, "SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", typ, name, text)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		rows, err := sdb.QueryContext(ctx, "SELECT * FROM "+table+" ORDER BY 1, 2")
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "%s %v\n", table, cols)
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "  %v\n", vals)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// version1Rows are an attempt with two turns and three pauses as version 1
// of the schema stored them.
var version1Rows = []string{
	`INSERT INTO attempt (id, scenario_id, scenario_title, started_at, finished_at, saved_at) VALUES
		('0195a1b2-c3d4-7e5f-8a9b-000000000001', 'missed-delivery', 'Missed delivery',
		 '2025-03-14T09:26:53.589793238Z', NULL, '2025-03-14T09:30:00.000000000Z')`,
	`INSERT INTO turn (id, attempt_id, idx, line_id, line_text, variant, cue_ms, recording_path,
		no_speech, onset_ms, offset_ms, latency_ms, pause_count, longest_pause_ms, pause_total_ms,
		syllables, speech_rate, mean_dbfs, trend) VALUES
		('0195a1b2-c3d4-7e5f-8a9b-000000000011', '0195a1b2-c3d4-7e5f-8a9b-000000000001', 0, 'l0', 'Where is it?',
		 '', 1200.0625, 'recordings/a/turn-0.wav', 0, 2000, 9000, 800, 2, 400, 700, 23, 3.25, -23.5, 'flat'),
		('0195a1b2-c3d4-7e5f-8a9b-000000000012', '0195a1b2-c3d4-7e5f-8a9b-000000000001', 1, 'l1', 'Well?',
		 'escalated', 900, 'recordings/a/turn-1.wav', 0, 1500, 6000, 600, 1, 350, 350, 14, 2.5, NULL, 'rising')`,
	`INSERT INTO pause (turn_id, idx, start_ms, end_ms) VALUES
		('0195a1b2-c3d4-7e5f-8a9b-000000000011', 0, 3000, 3400),
		('0195a1b2-c3d4-7e5f-8a9b-000000000011', 1, 5000, 5300),
		('0195a1b2-c3d4-7e5f-8a9b-000000000012', 0, 2000, 2350)`,
}

// version1File makes a database at schema version 1 holding version1Rows
// and returns its path.
func version1File(t *testing.T, migs []migration) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v1.db")
	sdb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if err := migrate(context.Background(), sdb, migs[:1]); err != nil {
		t.Fatal(err)
	}
	for _, q := range version1Rows {
		if _, err := sdb.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := sdb.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// version2Rows are an attempt as version 2 of the schema stored it: planned
// turns, dropped audio and a rescued turn, written turn by turn.
var version2Rows = []string{
	`INSERT INTO attempt (id, scenario_id, scenario_title, planned_turns, started_at, finished_at, saved_at) VALUES
		('0195a1b2-c3d4-7e5f-8a9b-000000000002', 'wrong-quote', 'Wrong quote', 3,
		 '2025-03-15T10:00:00.000000000Z', '2025-03-15T10:04:00.000000000Z', '2025-03-15T10:04:00.500000000Z')`,
	`INSERT INTO turn (id, attempt_id, idx, line_id, line_text, variant, cue_ms, recording_path,
		no_speech, onset_ms, offset_ms, latency_ms, pause_count, longest_pause_ms, pause_total_ms,
		syllables, speech_rate, articulation_rate, wpm, pace_change_pct, mean_dbfs, first_half_dbfs,
		second_half_dbfs, trend, f0_median_hz, f0_p5_hz, f0_p95_hz, f0_range_st, dropped_ms, recovered) VALUES
		('0195a1b2-c3d4-7e5f-8a9b-000000000021', '0195a1b2-c3d4-7e5f-8a9b-000000000002', 0, 'q0', 'You charged me twice.',
		 'softened', 1000, 'recordings/b/turn-0.wav', 0, 1700, 8000, 700, 1, 450, 450, 30, 4.75, 5.0, 150, 3.5,
		 -20.0, -21.0, -19.0, 'rising', 190.0, 150.0, 250.0, 8.84, 125.5, 1),
		('0195a1b2-c3d4-7e5f-8a9b-000000000022', '0195a1b2-c3d4-7e5f-8a9b-000000000002', 1, 'q1', 'And?',
		 '', 800, 'recordings/b/turn-1.wav', 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL,
		 NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, 0, 0)`,
	`INSERT INTO pause (turn_id, idx, start_ms, end_ms) VALUES
		('0195a1b2-c3d4-7e5f-8a9b-000000000021', 0, 4000, 4450)`,
}

// versionFile makes a database at schema version v holding the rows of
// every version up to v (version1Rows, then version2Rows from version 2
// on) and returns its path.
func versionFile(t *testing.T, migs []migration, v int) string {
	t.Helper()
	path := version1File(t, migs)
	if v < 2 {
		return path
	}
	sdb, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if err := migrate(context.Background(), sdb, migs[:v]); err != nil {
		t.Fatal(err)
	}
	for _, q := range version2Rows {
		if _, err := sdb.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := sdb.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMigrationFailsMidway injects a failing statement at every point of
// every migration after the first (before its first statement, between any
// two, after the last) on a file holding the data of the version before, and checks the file is left
// exactly as it was (version, schema and rows), and that the real migration
// then applies.
func TestMigrationFailsMidway(t *testing.T) {
	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) < 2 {
		t.Fatalf("%d migrations embedded, want at least 2", len(migs))
	}
	const failing = "INSERT INTO no_such_table VALUES (1);\n"
	ctx := context.Background()
	for v := 2; v <= len(migs); v++ {
		stmts := statements(migs[v-1].sql)
		if len(stmts) < 2 {
			t.Fatalf("%s: %d statements found, want at least 2", migs[v-1].name, len(stmts))
		}
		for i, st := range stmts {
			// A ";" followed by a comment on its line would hide a
			// statement boundary from the split, and so from the test.
			if n := statementEnds(st); n != 1 {
				t.Fatalf("%s: part %d of the split holds %d statement ends, want 1 (a comment after a ';'?):\n%s", migs[v-1].name, i+1, n, st)
			}
		}
		for k := 0; k <= len(stmts); k++ {
			where := fmt.Sprintf("before statement %d of %d", k+1, len(stmts))
			if k == len(stmts) {
				where = "after the last statement"
			}
			t.Run(migs[v-1].name+" "+where, func(t *testing.T) {
				path := versionFile(t, migs, v-1)
				sdb, err := sql.Open("sqlite", dsn(path))
				if err != nil {
					t.Fatal(err)
				}
				defer sdb.Close()
				if err := migrate(ctx, sdb, migs[:v-1]); err != nil {
					t.Fatal(err)
				}
				before := snapshot(t, sdb)

				broken := append([]migration(nil), migs[:v]...)
				broken[v-1].sql = strings.Join(stmts[:k], "") + failing + strings.Join(stmts[k:], "")
				err = migrate(ctx, sdb, broken)
				if err == nil || !strings.Contains(err.Error(), migs[v-1].name) {
					t.Fatalf("migrate with an injected failure: %v, want an error naming %s", err, migs[v-1].name)
				}
				if after := snapshot(t, sdb); after != before {
					t.Errorf("the failed migration changed the file:\nbefore:\n%s\nafter:\n%s", before, after)
				}
				if err := migrate(ctx, sdb, migs[:v]); err != nil {
					t.Fatalf("the real migration after the failure: %v", err)
				}
				var version int
				if err := sdb.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
					t.Fatal(err)
				}
				if version != v {
					t.Errorf("user_version = %d after the real migration, want %d", version, v)
				}
			})
		}
	}
}

// TestMigrate002KeepsRows opens a version 1 file holding data with the
// current code and checks the rows read back with the new fields' defaults.
func TestMigrate002KeepsRows(t *testing.T) {
	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	path := version1File(t, migs)
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open of a version 1 file: %v", err)
	}
	defer db.Close()
	var version int
	if err := db.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migs) {
		t.Errorf("user_version = %d, want %d", version, len(migs))
	}
	ctx := context.Background()
	a, err := db.Attempt(ctx, "0195a1b2-c3d4-7e5f-8a9b-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if a.PlannedTurns != 0 || !a.FinishedAt.IsZero() || a.ScenarioID != "missed-delivery" || len(a.Turns) != 2 {
		t.Fatalf("attempt = %+v, want missed-delivery, unfinished, 0 planned, 2 turns", a)
	}
	wantTurns := []struct {
		id      string
		cue     time.Duration
		pauses  int
		latency time.Duration
	}{
		{"0195a1b2-c3d4-7e5f-8a9b-000000000011", 1200*time.Millisecond + 62500, 2, 800 * time.Millisecond},
		{"0195a1b2-c3d4-7e5f-8a9b-000000000012", 900 * time.Millisecond, 1, 600 * time.Millisecond},
	}
	for i, w := range wantTurns {
		got := a.Turns[i]
		if got.ID != w.id || got.Cue != w.cue || len(got.Report.Pauses) != w.pauses || got.Report.Latency != w.latency {
			t.Errorf("turn %d = id %s cue %v %d pauses latency %v; want %s %v %d %v", i,
				got.ID, got.Cue, len(got.Report.Pauses), got.Report.Latency, w.id, w.cue, w.pauses, w.latency)
		}
		if got.Dropped != 0 || got.Recovered {
			t.Errorf("turn %d: Dropped %v, Recovered %v; want the defaults 0, false", i, got.Dropped, got.Recovered)
		}
	}
	list, err := db.UnfinishedAttempts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].TurnCount != 2 || list[0].PlannedTurns != 0 {
		t.Errorf("UnfinishedAttempts = %+v, want the one attempt with 2 turns, 0 planned", list)
	}
}

// TestMigrate003KeepsRows opens a version 2 file holding data with the
// current code: every turn reads back as it was, with no self-checks, no
// composure sentence and NaN for the figures version 2 did not measure;
// there is no baseline yet, and the new writes work on the old rows.
func TestMigrate003KeepsRows(t *testing.T) {
	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) < 3 {
		t.Fatalf("%d migrations embedded, want at least 3", len(migs))
	}
	path := versionFile(t, migs, 2)
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open of a version 2 file: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	var version int
	if err := db.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migs) {
		t.Errorf("user_version = %d, want %d", version, len(migs))
	}

	type oldTurn struct {
		id        string
		variant   string
		dropped   time.Duration
		recovered bool
		noSpeech  bool
		pauses    int
		meanDBFS  float64 // NaN: stored NULL
	}
	tests := []struct {
		name    string
		attempt string
		planned int
		turns   []oldTurn
	}{
		{"version 1 attempt", "0195a1b2-c3d4-7e5f-8a9b-000000000001", 0, []oldTurn{
			{"0195a1b2-c3d4-7e5f-8a9b-000000000011", "", 0, false, false, 2, -23.5},
			{"0195a1b2-c3d4-7e5f-8a9b-000000000012", "escalated", 0, false, false, 1, math.NaN()},
		}},
		{"version 2 attempt", "0195a1b2-c3d4-7e5f-8a9b-000000000002", 3, []oldTurn{
			{"0195a1b2-c3d4-7e5f-8a9b-000000000021", "softened", 125500 * time.Microsecond, true, false, 1, -20},
			{"0195a1b2-c3d4-7e5f-8a9b-000000000022", "", 0, false, true, 0, math.NaN()},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := db.Attempt(ctx, tt.attempt)
			if err != nil {
				t.Fatal(err)
			}
			if a.PlannedTurns != tt.planned || len(a.Turns) != len(tt.turns) {
				t.Fatalf("attempt: %d planned, %d turns; want %d, %d", a.PlannedTurns, len(a.Turns), tt.planned, len(tt.turns))
			}
			for i, w := range tt.turns {
				got := a.Turns[i]
				if got.ID != w.id || got.Variant != w.variant || got.Dropped != w.dropped || got.Recovered != w.recovered ||
					got.Report.NoSpeech != w.noSpeech || len(got.Report.Pauses) != w.pauses ||
					!sameFloat(got.Report.MeanDBFS, w.meanDBFS) {
					t.Errorf("turn %d = id %s variant %q dropped %v recovered %v no speech %v %d pauses %v dBFS; want %+v",
						i, got.ID, got.Variant, got.Dropped, got.Recovered, got.Report.NoSpeech, len(got.Report.Pauses), got.Report.MeanDBFS, w)
				}
				if got.SelfChecks != nil || got.Composure != "" {
					t.Errorf("turn %d: SelfChecks %v, Composure %q; want none", i, got.SelfChecks, got.Composure)
				}
				c := got.Customer
				for name, v := range map[string]float64{
					"Customer.MeanDBFS": c.MeanDBFS, "Customer.TrendDB": c.TrendDB,
					"Customer.PaceChangePct": c.PaceChangePct, "Customer.F0MedianHz": c.F0MedianHz,
					"ClipShare": got.ClipShare, "NoiseFloorDBFS": got.NoiseFloorDBFS,
				} {
					if !math.IsNaN(v) {
						t.Errorf("turn %d: %s = %v, want NaN (not measured)", i, name, v)
					}
				}
			}
		})
	}

	var checks string
	if err := db.db.QueryRow(`SELECT group_concat(self_checks, ' ') FROM turn`).Scan(&checks); err != nil {
		t.Fatal(err)
	}
	if checks != "[] [] [] []" {
		t.Errorf("self_checks of the migrated turns = %q, want four '[]'", checks)
	}
	if _, err := db.LatestBaseline(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("LatestBaseline after the migration: %v, want ErrNotFound", err)
	}
	// The new writes work on old rows.
	ticks := []SelfCheck{{Text: "Apologised once", Done: true}}
	if err := db.SetSelfChecks(ctx, "0195a1b2-c3d4-7e5f-8a9b-000000000001", 1, ticks); err != nil {
		t.Fatalf("SetSelfChecks on a migrated turn: %v", err)
	}
	a, err := db.Attempt(ctx, "0195a1b2-c3d4-7e5f-8a9b-000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Turns[1].SelfChecks) != 1 || a.Turns[1].SelfChecks[0] != ticks[0] || a.Turns[0].SelfChecks != nil {
		t.Errorf("after SetSelfChecks: turn 0 %v, turn 1 %v; want none, %v", a.Turns[0].SelfChecks, a.Turns[1].SelfChecks, ticks)
	}
	b := Baseline{TakenAt: time.Date(2025, 3, 16, 8, 0, 0, 0, time.UTC), SpeechRate: 4.2, ArticulationRate: 5.1,
		MeanDBFS: -22, F0MedianHz: 180, F0RangeST: 7.5, RecordingPath: "baselines/1.wav", Passage: "rainbow"}
	if err := db.SaveBaseline(ctx, &b); err != nil {
		t.Fatalf("SaveBaseline on a migrated file: %v", err)
	}
}

// sameFloat is == with NaN equal to NaN.
func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// TestMigrate005KeepsRows opens a version 4 file holding data with the
// current code: turn_summary gives way to turn_points, the progress reads
// and the history list give the old rows, and the unfiltered progress
// scan reads the new index rather than the table.
func TestMigrate005KeepsRows(t *testing.T) {
	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(migs) < 5 {
		t.Fatalf("%d migrations embedded, want at least 5", len(migs))
	}
	db, err := Open(versionFile(t, migs, 4))
	if err != nil {
		t.Fatalf("Open of a version 4 file: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	var indexes string
	if err := db.db.QueryRow(`SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema
		WHERE type = 'index' AND tbl_name = 'turn' AND sql IS NOT NULL ORDER BY name)`).Scan(&indexes); err != nil {
		t.Fatal(err)
	}
	if indexes != "turn_points" {
		t.Errorf("indexes of turn = %q, want turn_points alone", indexes)
	}

	points, err := db.TurnPoints(ctx, ProgressFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		attempt string
		index   int
		latency time.Duration
	}
	var got []key
	for _, p := range points {
		got = append(got, key{p.AttemptID, p.Index, p.Latency})
	}
	const a1, a2 = "0195a1b2-c3d4-7e5f-8a9b-000000000001", "0195a1b2-c3d4-7e5f-8a9b-000000000002"
	want := []key{{a1, 0, 800 * time.Millisecond}, {a1, 1, 600 * time.Millisecond}, {a2, 0, 700 * time.Millisecond}, {a2, 1, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("TurnPoints of the migrated file = %v, want %v", got, want)
	}
	list, err := db.ListAttempts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != a2 || list[0].TurnCount != 2 || list[0].SpokenTurns != 1 ||
		list[1].ID != a1 || list[1].MeanLatency != 700*time.Millisecond {
		t.Errorf("ListAttempts of the migrated file = %+v, want %s (2 turns, 1 spoken), then %s (mean latency 700ms)", list, a2, a1)
	}

	rows, err := db.db.Query(`EXPLAIN QUERY PLAN SELECT ` + packFunc + `(attempt_id, idx * 4 + recovered * 2 + no_speech,
		latency_ms, longest_pause_ms, articulation_rate, speech_rate, pace_change_pct,
		second_half_dbfs - first_half_dbfs, mean_dbfs, f0_median_hz) FROM turn`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if len(plan) != 1 || plan[0] != "SCAN turn USING COVERING INDEX turn_points" {
		t.Errorf("plan of the progress scan = %q, want a scan of the covering index turn_points", plan)
	}
}
