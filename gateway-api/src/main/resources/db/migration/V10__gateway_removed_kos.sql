-- A KOS the gateway removed itself (a write that was never acknowledged) is recorded in rejected_kos
-- even when the PACS deleted it and no rejection note exists: note_sop_uid is then NULL. The row
-- is written before the write's intent closes, so that a poller that met the KOS before it went
-- away never takes it for a KOS of another system.
ALTER TABLE rejected_kos ALTER COLUMN note_sop_uid DROP NOT NULL;
