-- 004_progress: indexes for the history list and the progress screen at
-- the scale they are built for (10,000 attempts of 4 turns; figures from
-- BenchmarkProgress on the 2-core test machine).

-- The history list is newest first with the id breaking ties; with the id
-- in the index the newest page comes from it without sorting the rest.
DROP INDEX attempt_started_at;
CREATE INDEX attempt_started_at ON attempt (started_at, id);

-- What the history list sums of each turn, so that it reads this index
-- rather than the turn rows, which carry the line text, self-checks,
-- composure sentence and recording path (hundreds of bytes a turn).
CREATE INDEX turn_summary ON turn (attempt_id, no_speech, latency_ms, mean_dbfs);
