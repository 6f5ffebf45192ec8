-- Searches and history page in the database (keyset paging): each page is one index range scan that
-- stops after the page, whatever the organization's size. Runs unchanged on H2 and PostgreSQL.
--
-- A search by a token or reference (patient, patient.identifier, identifier, selected-study, ...) is
-- driven from that parameter's index rows; for them to come out in the default order (newest first)
-- without sorting every match, the rows carry their manifest's last_updated. Index rows are rewritten
-- with every version, so the copy never lags.
ALTER TABLE search_token ADD COLUMN last_updated BIGINT;
UPDATE search_token SET last_updated = (SELECT r.last_updated FROM manifest_resource r
    WHERE r.org_id = search_token.org_id AND r.res_id = search_token.res_id);
ALTER TABLE search_reference ADD COLUMN last_updated BIGINT;
UPDATE search_reference SET last_updated = (SELECT r.last_updated FROM manifest_resource r
    WHERE r.org_id = search_reference.org_id AND r.res_id = search_reference.res_id);

-- The order of a page is the index's: (value, last_updated, res_id) after the equality columns.
DROP INDEX search_token_match;
CREATE INDEX search_token_match ON search_token (org_id, param, token_value, last_updated DESC, res_id DESC);
DROP INDEX search_reference_match;
CREATE INDEX search_reference_match ON search_reference (org_id, param, reference, last_updated DESC,
    res_id DESC);
-- Searches without a token or reference: newest first straight from the index (res_id breaks ties).
DROP INDEX manifest_resource_updated;
CREATE INDEX manifest_resource_updated ON manifest_resource (org_id, deleted, last_updated DESC, res_id DESC);
-- _sort=_id: in id order from the index, deleted manifests skipped by the index's range.
CREATE INDEX manifest_resource_id ON manifest_resource (org_id, deleted, res_id);
-- Type history: newest first; res_id and version_id make the order total, so a page can resume after a key.
DROP INDEX manifest_version_history;
CREATE INDEX manifest_version_history ON manifest_version (org_id, last_updated DESC, res_id DESC,
    version_id DESC);

-- The key that signs page links (HMAC-SHA256), shared by every instance on this database so that a
-- next link made by one is followed on another. Made by the first instance that needs it.
CREATE TABLE signing_key (
    key_name        VARCHAR(32)   NOT NULL PRIMARY KEY,
    secret          VARCHAR(128)  NOT NULL,
    created         BIGINT        NOT NULL
);
