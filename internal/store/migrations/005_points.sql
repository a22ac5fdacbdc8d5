-- 005_points: one covering index of the turn columns that the progress
-- points and the history list read, in place of 004's turn_summary.
--
-- TurnPoints reads ten columns of every turn; from the table rows, which
-- carry the line text, self-checks, composure sentence and recording path
-- (hundreds of bytes a turn), the scan read most of the 40 MB file of the
-- 10,000-attempt history; from this index it reads about 5 MB. Ordered by
-- attempt and index, it gives each attempt's turns in the order the
-- points list them. The history list sums its turns from here as it did
-- from turn_summary (attempt_id, no_speech, latency_ms, mean_dbfs), which
-- would now be a subset of this index, so it goes rather than being kept
-- as a second copy of the same figures.
DROP INDEX turn_summary;
CREATE INDEX turn_points ON turn (attempt_id, idx, recovered, no_speech,
	latency_ms, longest_pause_ms, articulation_rate, speech_rate,
	pace_change_pct, first_half_dbfs, second_half_dbfs, mean_dbfs, f0_median_hz);
