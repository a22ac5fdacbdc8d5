-- 001_init: practice attempts, their turns and the pauses of each turn.
--
-- Conventions (see package store):
--   * primary keys are UUID text, so files from several machines can be merged;
--   * times are UTC text, RFC 3339 with exactly nine fraction digits
--     ("2006-01-02T15:04:05.000000000Z"): readable, exact to the nanosecond,
--     accepted by SQLite's date functions, and text order is time order;
--   * durations are REAL milliseconds (exact for the nanosecond values the
--     analyser produces);
--   * a NULL in a REAL metric column means NaN (SQLite cannot store NaN);
--     infinities are stored as they are.

-- Marks the file as Fallback's ('FBCK') so that another program's SQLite
-- file is never migrated by mistake.
PRAGMA application_id = 1178747723;

CREATE TABLE attempt (
	id             TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
	scenario_id    TEXT NOT NULL CHECK (scenario_id <> ''),
	scenario_title TEXT NOT NULL,
	started_at     TEXT NOT NULL,
	finished_at    TEXT,          -- NULL when the attempt was not finished
	saved_at       TEXT NOT NULL  -- when this row was committed
) STRICT;

CREATE INDEX attempt_started_at ON attempt (started_at);
CREATE INDEX attempt_scenario ON attempt (scenario_id, started_at);

CREATE TABLE turn (
	id                TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
	attempt_id        TEXT NOT NULL REFERENCES attempt (id) ON DELETE CASCADE,
	idx               INTEGER NOT NULL CHECK (idx >= 0),
	line_id           TEXT NOT NULL,
	line_text         TEXT NOT NULL,
	variant           TEXT NOT NULL CHECK (variant IN ('', 'softened', 'escalated')),
	cue_ms            REAL NOT NULL,
	recording_path    TEXT NOT NULL,

	no_speech         INTEGER NOT NULL CHECK (no_speech IN (0, 1)),
	onset_ms          REAL NOT NULL,
	offset_ms         REAL NOT NULL,
	latency_ms        REAL NOT NULL,
	pause_count       INTEGER NOT NULL CHECK (pause_count >= 0),
	longest_pause_ms  REAL NOT NULL,
	pause_total_ms    REAL NOT NULL,
	syllables         INTEGER NOT NULL,
	speech_rate       REAL,  -- syllables per second
	articulation_rate REAL,  -- syllables per second, pauses excluded
	wpm               REAL,  -- estimated words per minute
	pace_change_pct   REAL,
	mean_dbfs         REAL,
	first_half_dbfs   REAL,
	second_half_dbfs  REAL,
	trend             TEXT NOT NULL CHECK (trend IN ('', 'flat', 'rising', 'falling')),
	f0_median_hz      REAL,
	f0_p5_hz          REAL,
	f0_p95_hz         REAL,
	f0_range_st       REAL,

	UNIQUE (attempt_id, idx)
) STRICT;

-- Pauses live in their own table rather than as JSON so that they are typed,
-- checked, removed by the same cascade, and can be queried for progress
-- ("pauses over 2 s per week") without decoding text.
CREATE TABLE pause (
	turn_id  TEXT NOT NULL REFERENCES turn (id) ON DELETE CASCADE,
	idx      INTEGER NOT NULL CHECK (idx >= 0),
	start_ms REAL NOT NULL,
	end_ms   REAL NOT NULL CHECK (end_ms >= start_ms),
	PRIMARY KEY (turn_id, idx)
) STRICT, WITHOUT ROWID;
