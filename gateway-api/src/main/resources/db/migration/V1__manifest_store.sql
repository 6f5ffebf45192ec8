-- The gateway's FHIR store (DESIGN.md section 5). Runs unchanged on H2 and PostgreSQL.
-- Times are epoch milliseconds (UTC): portable, exact, and cheap to compare.

-- The current state of each manifest: one row per (organization, id).
CREATE TABLE manifest_resource (
    org_id          VARCHAR(64)  NOT NULL,
    res_id          VARCHAR(64)  NOT NULL,
    version_id      BIGINT       NOT NULL,
    deleted         BOOLEAN      NOT NULL,
    last_updated    BIGINT       NOT NULL,
    language        VARCHAR(64),
    authoring_low   BIGINT,
    authoring_high  BIGINT,
    PRIMARY KEY (org_id, res_id)
);
CREATE INDEX manifest_resource_updated ON manifest_resource (org_id, deleted, last_updated);
CREATE INDEX manifest_resource_authoring ON manifest_resource (org_id, authoring_low, authoring_high);
CREATE INDEX manifest_resource_language ON manifest_resource (org_id, language);

-- Every version, deletes included (resource_json is null for a delete).
CREATE TABLE manifest_version (
    org_id          VARCHAR(64)  NOT NULL,
    res_id          VARCHAR(64)  NOT NULL,
    version_id      BIGINT       NOT NULL,
    last_updated    BIGINT       NOT NULL,
    deleted         BOOLEAN      NOT NULL,
    resource_json   TEXT,
    PRIMARY KEY (org_id, res_id, version_id)
);
CREATE INDEX manifest_version_history ON manifest_version (org_id, last_updated);

-- The KOS documents on the PACS that back each version.
CREATE TABLE manifest_kos (
    org_id          VARCHAR(64)  NOT NULL,
    res_id          VARCHAR(64)  NOT NULL,
    version_id      BIGINT       NOT NULL,
    study_uid       VARCHAR(64)  NOT NULL,
    series_uid      VARCHAR(64)  NOT NULL,
    sop_uid         VARCHAR(64)  NOT NULL,
    sop_class_uid   VARCHAR(64)  NOT NULL,
    PRIMARY KEY (org_id, res_id, version_id, sop_uid)
);
CREATE INDEX manifest_kos_sop ON manifest_kos (sop_uid);

-- Search index of the current version: token and reference parameters.
CREATE TABLE search_token (
    org_id          VARCHAR(64)  NOT NULL,
    res_id          VARCHAR(64)  NOT NULL,
    param           VARCHAR(32)  NOT NULL,
    token_system    VARCHAR(512) NOT NULL,
    token_value     VARCHAR(512) NOT NULL
);
CREATE INDEX search_token_match ON search_token (org_id, param, token_value);
CREATE INDEX search_token_resource ON search_token (org_id, res_id);

CREATE TABLE search_reference (
    org_id          VARCHAR(64)   NOT NULL,
    res_id          VARCHAR(64)   NOT NULL,
    param           VARCHAR(32)   NOT NULL,
    reference       VARCHAR(1024) NOT NULL
);
CREATE INDEX search_reference_match ON search_reference (org_id, param, reference);
CREATE INDEX search_reference_resource ON search_reference (org_id, res_id);

-- Write intents (DESIGN.md section 5): recorded and committed before any KOS is stored, closed in
-- the transaction that commits the version. An intent still open after a crash names the KOS
-- that may be on the PACS without a committed version; recovery removes them.
-- purpose 'retire': superseded KOS the binding's policy could not yet delete or reject; recovery retries.
CREATE TABLE write_intent (
    intent_id       VARCHAR(64)   NOT NULL PRIMARY KEY,
    purpose         VARCHAR(16)   NOT NULL,
    org_id          VARCHAR(64)   NOT NULL,
    res_id          VARCHAR(64)   NOT NULL,
    created         BIGINT        NOT NULL,
    kos             TEXT          NOT NULL,
    settled         BIGINT,
    outcome         VARCHAR(512)
);
CREATE INDEX write_intent_open ON write_intent (settled, created);
