-- The audit log: one row for every read and write of patient data, written in
-- the same transaction as the work it records. Append-only.
-- depends: 0004_patients

CREATE TYPE audit_outcome AS ENUM ('allowed', 'refused');

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    user_id bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    user_role user_role,
    care_unit_id bigint REFERENCES care_unit (id) ON DELETE RESTRICT,
    patient_id bigint REFERENCES patient (id) ON DELETE RESTRICT,
    action text NOT NULL CONSTRAINT audit_log_action_format CHECK (action ~ '^[a-z_]+\.[a-z_]+$'),
    object_type text,
    object_id bigint,
    client_addr inet,
    outcome audit_outcome NOT NULL DEFAULT 'allowed',
    reason text CONSTRAINT audit_log_reason_length CHECK (length(reason) <= 1000),
    detail text CONSTRAINT audit_log_detail_length CHECK (length(detail) <= 1000)
);
COMMENT ON TABLE audit_log IS 'One access to patient data (read or write, allowed or refused). Never updated or deleted.';

-- Used by the review pages: a patient's accesses, newest first, and a user's.
CREATE INDEX audit_log_patient_at_idx ON audit_log (patient_id, at DESC);
CREATE INDEX audit_log_user_at_idx ON audit_log (user_id, at DESC);

-- Append-only, enforced here rather than trusted to the app: even the table
-- owner's UPDATE, DELETE or TRUNCATE is refused.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only'
        USING ERRCODE = 'HM001', CONSTRAINT = 'audit_log_append_only';
END
$$;

CREATE TRIGGER audit_log_append_only_row BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

GRANT SELECT, INSERT ON audit_log TO hms_app;
