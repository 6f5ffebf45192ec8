-- Width (high - low, ms) of each manifest's authoring-time range, indexed per organization so that
-- the widest one is found without a scan. A search "authoring-time=ge X" matches authoring_high >= X,
-- which an index on authoring_low cannot bound; knowing the widest span W turns it into
-- authoring_low >= X - W as well, so the (org_id, authoring_low, ...) index is scanned over a
-- bounded range instead of from the start of time.
ALTER TABLE manifest_resource ADD COLUMN authoring_span BIGINT;
UPDATE manifest_resource SET authoring_span = authoring_high - authoring_low WHERE authoring_low IS NOT NULL;
CREATE INDEX manifest_resource_span ON manifest_resource (org_id, authoring_span);
