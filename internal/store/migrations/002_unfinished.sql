-- 002_unfinished: attempts written turn by turn, so that leaving, a crash or
-- a lost device keeps every finished turn.
--
-- Existing rows get the defaults: their planned length is unknown (0), no
-- audio was counted as lost and no turn was rescued.

-- How many turns the scenario has, so that an unfinished attempt can be
-- shown as "2 of 3 turns"; 0 when unknown.
ALTER TABLE attempt ADD COLUMN planned_turns INTEGER NOT NULL DEFAULT 0 CHECK (planned_turns >= 0);

-- Milliseconds of the answer's audio lost while recording (input overflows,
-- a slow disk).
ALTER TABLE turn ADD COLUMN dropped_ms REAL NOT NULL DEFAULT 0 CHECK (dropped_ms >= 0);

-- 1 when the turn was rescued from a partial recording after a crash.
ALTER TABLE turn ADD COLUMN recovered INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1));

-- Unfinished attempts are looked up at start-up and in History.
CREATE INDEX attempt_unfinished ON attempt (started_at) WHERE finished_at IS NULL;
