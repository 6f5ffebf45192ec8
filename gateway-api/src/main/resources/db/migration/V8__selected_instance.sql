-- The selection-scoped DICOMweb (docs/viewers.md) serves an instance only while a current, not deleted
-- manifest of the organization selects it: one row per selected instance of the current version, or
-- per selected frame when the selection names frames (frame NULL: the whole instance). Rows are
-- rewritten with every version like the search index, and a deleted version has none. The look-up
-- "is this instance (frame) selected in organization X" is one range of selected_instance_sop.
-- Runs unchanged on H2 and PostgreSQL; V9 fills it for the manifests stored before it existed.
CREATE TABLE selected_instance (
    org_id          VARCHAR(64)  NOT NULL,
    res_id          VARCHAR(64)  NOT NULL,
    study_uid       VARCHAR(64)  NOT NULL,
    series_uid      VARCHAR(64)  NOT NULL,
    sop_uid         VARCHAR(64)  NOT NULL,
    frame           INTEGER
);
CREATE INDEX selected_instance_sop ON selected_instance (org_id, sop_uid, frame);
CREATE INDEX selected_instance_resource ON selected_instance (org_id, res_id);
