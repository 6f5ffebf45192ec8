-- One writer per manifest version: an update claims (organization, manifest, version it builds on)
-- before it stores any KOS, so concurrent losers fail before they touch the PACS. The claim is
-- cleared when the intent is committed, abandoned or settled; NULLs do not collide in the index.
ALTER TABLE write_intent ADD COLUMN claim VARCHAR(200);
CREATE UNIQUE INDEX write_intent_claim ON write_intent (claim);
