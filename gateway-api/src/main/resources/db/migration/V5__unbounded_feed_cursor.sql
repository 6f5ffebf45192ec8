-- The cursor of the QIDO-RS and C-FIND pollers (KosWatermark) names every SOP Instance UID already
-- reported at its watermark second, so its length grows with the KOS that share one Content
-- Date/Time second. VARCHAR(512) held about eleven UIDs: the poller re-read the ones cut off forever.
-- TEXT is unbounded on PostgreSQL and a character large object on H2; this statement runs on both.
ALTER TABLE ingest_cursor ALTER COLUMN feed_cursor SET DATA TYPE TEXT;
