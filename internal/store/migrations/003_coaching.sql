-- 003_coaching: the rep's calibrated baselines, and what a turn's report
-- shows besides the analysis: the self-check ticks, how the customer's line
-- measured and the composure sentence, the answer's clipping and noise floor.
--
-- Existing turns get the defaults: no self-checks ('[]'), no composure
-- sentence (''), and NULL (NaN, unknown) for the customer, clipping and
-- noise-floor figures, since none of them was measured then.

-- One calibration: the rep reading a neutral passage aloud. Every one is
-- kept (the newest is the one used) so that progress can show how the calm
-- voice itself changes.
CREATE TABLE baseline (
	id                TEXT NOT NULL PRIMARY KEY CHECK (length(id) = 36),
	taken_at          TEXT NOT NULL,
	speech_rate       REAL,  -- syllables per second
	articulation_rate REAL,  -- syllables per second, pauses excluded
	mean_dbfs         REAL,
	f0_median_hz      REAL,
	f0_range_st       REAL,
	live_pace_sps     REAL,  -- the live meter's pace on the reading (the live nudge's yardstick)
	recording_path    TEXT NOT NULL,  -- as given (relative to the data folder)
	passage           TEXT NOT NULL   -- which passage was read
) STRICT;

-- The newest baseline is read at every run; progress lists them in order.
-- The id breaks ties, so both orders come from the index without a sort.
CREATE INDEX baseline_taken_at ON baseline (taken_at, id);

-- The rep's ticks of the turn's self-check, in order, as a JSON array of
-- {"text": …, "done": true|false}. JSON rather than a table: the list is
-- short, always read and written whole with its turn, and never queried
-- by item; the CHECK keeps anything but an array out.
ALTER TABLE turn ADD COLUMN self_checks TEXT NOT NULL DEFAULT '[]'
	CHECK (json_valid(self_checks) AND json_type(self_checks) = 'array');

-- How the customer's line measured, for "composure against the customer";
-- the trend is the level of the line's second half minus its first, in dB.
ALTER TABLE turn ADD COLUMN customer_mean_dbfs REAL;
ALTER TABLE turn ADD COLUMN customer_trend_db REAL;
ALTER TABLE turn ADD COLUMN customer_pace_change_pct REAL;
ALTER TABLE turn ADD COLUMN customer_f0_median_hz REAL;

-- The composure sentence shown on the report ("Frank got 6 dB louder; you
-- stayed level"), kept as shown so History says what the rep read.
ALTER TABLE turn ADD COLUMN composure TEXT NOT NULL DEFAULT '';

-- The share (0…1) of the answer's samples that clipped, and the room's
-- noise floor, so a report can say when a figure is not to be trusted.
ALTER TABLE turn ADD COLUMN clip_share REAL CHECK (clip_share BETWEEN 0 AND 1);
ALTER TABLE turn ADD COLUMN noise_floor_dbfs REAL;
