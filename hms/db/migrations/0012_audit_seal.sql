-- The database as the last wall, part 3: an audit log that does not
-- serialise the hospital.
--
-- Every request writes audit rows, reads included. Chaining each row to the
-- one before at INSERT time needed one lock held from the first row to the
-- commit, so concurrent requests queued behind each other. Now rows are
-- appended freely, unsealed; a sealing step (audit_log_seal, run by the app in
-- the background and by `hms audit seal` from cron, as the hms_worker role)
-- then chains committed rows in the order it finds them. Tamper evidence
-- holds from the moment a row is sealed, a second or two after its commit.
-- The hash also moves to an unambiguous encoding of the row.
-- depends: 0011_access_rules

-- The chain must be intact before it is rebuilt below: a migration must
-- never launder an altered log.
DO $$
BEGIN
    IF audit_log_verify() IS NOT NULL THEN
        RAISE EXCEPTION 'The audit log''s hash chain is broken at chain_seq %; run hms audit verify.',
            audit_log_verify();
    END IF;
END
$$;

ALTER TABLE audit_log ALTER COLUMN chain_seq DROP NOT NULL, ALTER COLUMN row_hash DROP NOT NULL;

-- A row's hash covers an unambiguous encoding of its content: a JSON array,
-- where NULL is null and text is quoted and escaped. (Fields joined with '|'
-- let two different rows, say a reason 'a|b' with detail 'c' and a reason
-- 'a' with detail 'b|c', hash alike.) Times are written in UTC, so the hash
-- does not depend on the session's time zone.
CREATE OR REPLACE FUNCTION audit_log_row_hash(a audit_log, prev bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE
RETURN sha256(coalesce(prev, '\x'::bytea) || convert_to(jsonb_build_array(
    a.chain_seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), a.user_id, a.user_role,
    a.care_unit_id, a.patient_id, a.action, a.object_type, a.object_id, host(a.client_addr), a.outcome,
    a.reason, a.detail
)::text, 'UTF8'));

-- The rows sealed so far are chained again under the new encoding, in their order.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row;
DO $$
DECLARE
    r audit_log%ROWTYPE;
    v_prev bytea;
BEGIN
    FOR r IN SELECT * FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq LOOP
        r.prev_hash := v_prev;
        v_prev := audit_log_row_hash(r, v_prev);
        UPDATE audit_log SET prev_hash = r.prev_hash, row_hash = v_prev WHERE id = r.id;
    END LOOP;
END
$$;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_row;

-- Used by audit_log_seal: the rows still waiting.
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE chain_seq IS NULL;

-- The writer fills in the care unit; the chain is never the writer's to set.
CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- The care unit the access was made from, when the app did not say: the
    -- reader's unit that has the patient in care, else their only unit.
    IF NEW.care_unit_id IS NULL AND NEW.user_id IS NOT NULL THEN
        NEW.care_unit_id := hms_access_unit(NEW.user_id, NEW.patient_id);
    END IF;
    NEW.chain_seq := NULL;
    NEW.prev_hash := NULL;
    NEW.row_hash := NULL;
    RETURN NEW;
END
$$;

-- Append-only still, with one exception: the seal may be written once on a
-- row that has none, and nothing else about the row may change with it.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL AND NEW.row_hash IS NOT NULL
        AND to_jsonb(OLD) - '{chain_seq,prev_hash,row_hash}'::text [] = to_jsonb(NEW) - '{chain_seq,prev_hash,row_hash}'::text []
        THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only'
        USING ERRCODE = 'HM001', CONSTRAINT = 'audit_log_append_only';
END
$$;

-- Seal the rows committed so far, oldest first, up to p_limit. Only one
-- sealer works at a time; another one that finds it busy returns 0 at once,
-- so running it twice, or from cron and the app together, is harmless.
CREATE FUNCTION audit_log_seal(p_limit integer DEFAULT 50000) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    r audit_log%ROWTYPE;
    v_seq bigint;
    v_prev bytea;
    v_sealed integer := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('audit_log_seal')) THEN
        RETURN 0;
    END IF;
    SELECT a.chain_seq, a.row_hash INTO v_seq, v_prev
    FROM audit_log AS a WHERE a.chain_seq IS NOT NULL ORDER BY a.chain_seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0);
    FOR r IN SELECT * FROM audit_log AS a WHERE a.chain_seq IS NULL ORDER BY a.id LIMIT p_limit LOOP
        v_seq := v_seq + 1;
        r.chain_seq := v_seq;
        r.prev_hash := v_prev;
        v_prev := audit_log_row_hash(r, v_prev);
        UPDATE audit_log SET chain_seq = v_seq, prev_hash = r.prev_hash, row_hash = v_prev WHERE id = r.id;
        v_sealed := v_sealed + 1;
    END LOOP;
    RETURN v_sealed;
END
$$;
COMMENT ON FUNCTION audit_log_seal IS 'Chains committed, unsealed audit rows into the hash chain, oldest first.';

-- The first sealed link whose hash does not follow from its content and its
-- predecessor's, or NULL when the sealed chain holds. A removed row shows as
-- a gap in chain_seq; rows still waiting for their seal are not judged here.
CREATE OR REPLACE FUNCTION audit_log_verify() RETURNS bigint
LANGUAGE sql STABLE
RETURN (
    SELECT min(chain_seq) FROM (
        SELECT
            a.chain_seq,
            a.row_hash,
            a.prev_hash,
            lag(a.row_hash) OVER (ORDER BY a.chain_seq) AS expected_prev,
            lag(a.chain_seq, 1, 0::bigint) OVER (ORDER BY a.chain_seq) AS previous_seq,
            audit_log_row_hash(a, a.prev_hash) AS expected_hash
        FROM audit_log AS a
        WHERE a.chain_seq IS NOT NULL
    ) AS chain
    WHERE
        row_hash IS DISTINCT FROM expected_hash
        OR prev_hash IS DISTINCT FROM expected_prev
        OR chain_seq <> previous_seq + 1
);

GRANT EXECUTE ON FUNCTION audit_log_seal(integer) TO hms_worker;
