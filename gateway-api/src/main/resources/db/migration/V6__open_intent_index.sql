-- Write intents are never deleted (settled ones record what became of each write), so the table grows
-- by one row per write. "Open" means settled IS NULL or outcome = 'recovering'; the first half had an
-- index (write_intent_open) but the second had none, so every look-up of open intents (ingestion,
-- for each KOS: "did the gateway write this one?"; the recovery pass) read the whole table: 25 ms at
-- 200,000 rows on PostgreSQL. With this index the planner ORs the two index scans.
-- Runs unchanged on H2 and PostgreSQL.
CREATE INDEX write_intent_outcome ON write_intent (outcome);
