-- 006_points_cache: each attempt keeps its turns' progress figures packed
-- in one value (fallback_pack's format, the columns of pointColumns), so
-- that the progress points over the whole history read one value per
-- attempt instead of ten per turn: the driver's cost is per value read,
-- and over 10,000 attempts of 4 turns the ten-a-turn scan of 005 took
-- 45-80 ms against a 50 ms goal.
--
-- The column is a cache, never the truth: NULL means "not packed", and a
-- NULL attempt's points are read from its turn rows. These triggers set it
-- back to NULL whenever a turn of the attempt is added or removed or one
-- of the packed figures changes, whoever writes the file (they use plain
-- SQL only); the app packs the NULL ones again in the transaction that
-- wrote the turns, and at open. Existing attempts start NULL; the partial
-- index finds them without a scan.
ALTER TABLE attempt ADD COLUMN points BLOB;
CREATE INDEX attempt_unpacked ON attempt (id) WHERE points IS NULL;
CREATE TRIGGER turn_points_insert AFTER INSERT ON turn BEGIN UPDATE attempt SET points = NULL WHERE id = NEW.attempt_id; END;
CREATE TRIGGER turn_points_update AFTER UPDATE OF attempt_id, idx, recovered, no_speech, latency_ms, longest_pause_ms, articulation_rate, speech_rate, pace_change_pct, first_half_dbfs, second_half_dbfs, mean_dbfs, f0_median_hz ON turn BEGIN UPDATE attempt SET points = NULL WHERE id IN (OLD.attempt_id, NEW.attempt_id); END;
CREATE TRIGGER turn_points_delete AFTER DELETE ON turn BEGIN UPDATE attempt SET points = NULL WHERE id = OLD.attempt_id; END;
