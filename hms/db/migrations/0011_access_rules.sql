-- The database as the last wall, part 2: the access rules complete on every path.
--
--   * access decisions are cached per transaction in rows hms_app cannot
--     write, tied to the verified identity's transaction: hms_app can neither
--     plant a decision nor reuse another transaction's;
--   * a block (spärr) binds every basis but the patient's own and emergency
--     access: pharmacists, outside specialists and relatives included;
--   * care relationships are made only in one's own units, and an encounter
--     opened under emergency access gives care only while that access lasts;
--   * without a verified user no journal function acts in anyone's name.
-- depends: 0010_identity

CREATE FUNCTION hms_private.remember(
    p_area text, p_patient bigint, p_care_unit bigint, p_basis text, p_visible boolean
) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO hms_private.access_decision (backend_pid, xact, area, patient_id, care_unit_id, basis, visible)
    VALUES (pg_backend_pid(), pg_current_xact_id(), p_area, p_patient, p_care_unit, p_basis, p_visible)
    ON CONFLICT (backend_pid, area, patient_id, care_unit_id)
    DO UPDATE SET xact = excluded.xact, basis = excluded.basis, visible = excluded.visible;
$$;

-- Is a care unit's entry about a patient hidden from a user by a block? Staff
-- of the blocked unit itself still see what their unit wrote.
CREATE FUNCTION hms_private.unit_blocked_for(p_user bigint, p_patient bigint, p_care_unit bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN EXISTS (
    SELECT 1 FROM public.journal_block AS b
    WHERE
        b.patient_id = p_patient AND b.care_unit_id = p_care_unit AND b.revoked_at IS NULL  -- parameters, not columns -- noqa: RF03
        AND NOT EXISTS (
            SELECT 1 FROM public.staff_care_unit AS s
            WHERE s.user_id = p_user AND s.care_unit_id = p_care_unit  -- parameters, not columns -- noqa: RF03
        )
);

-- The access decision, made once per patient and area in a transaction.
-- VOLATILE because it remembers what it decided: a STABLE function would not
-- see, later in the same statement, the row it wrote for an earlier one.
CREATE OR REPLACE FUNCTION hms_access_basis(p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint;
    v_basis text;
    v_whole boolean;
BEGIN
    SELECT d.basis INTO v_basis FROM hms_private.access_decision AS d
    WHERE d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.patient_id = p_patient
        AND d.care_unit_id = 0 AND d.xact = pg_current_xact_id_if_assigned();
    IF FOUND THEN
        RETURN v_basis;
    END IF;
    v_user := hms_current_user_id();
    IF v_user IS NULL OR p_patient IS NULL THEN
        RETURN NULL;
    END IF;
    v_basis := hms_decide_basis(v_user, hms_current_role(), p_patient, p_area);
    -- Every row visible: no block binds this basis, or none hides anything.
    v_whole := v_basis IS NOT NULL AND (v_basis IN ('own', 'emergency')
        OR hms_emergency_active(v_user, p_patient)
        OR NOT EXISTS (SELECT 1 FROM journal_block AS b
                       WHERE b.patient_id = p_patient AND b.revoked_at IS NULL
                           AND hms_private.unit_blocked_for(v_user, p_patient, b.care_unit_id)));
    PERFORM hms_private.remember(p_area, p_patient, 0, v_basis, v_whole);
    RETURN v_basis;
END
$$;

-- One clinical row visible? The patient's basis, then blocks, which bind every
-- basis except the patient's own and emergency access (logged and reviewed).
CREATE OR REPLACE FUNCTION hms_row_visible(p_patient bigint, p_care_unit bigint, p_area text DEFAULT 'clinical')
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_unit bigint := coalesce(p_care_unit, -1);
    v_visible boolean;
    v_basis text;
BEGIN
    SELECT d.visible INTO v_visible FROM hms_private.access_decision AS d
    WHERE d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.patient_id = p_patient
        AND d.care_unit_id = v_unit AND d.xact = pg_current_xact_id_if_assigned();
    IF FOUND THEN
        RETURN v_visible;
    END IF;
    v_basis := hms_access_basis(p_patient, p_area);
    IF v_basis IS NULL THEN
        RETURN false;
    END IF;
    SELECT d.visible INTO v_visible FROM hms_private.access_decision AS d
    WHERE d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.patient_id = p_patient AND d.care_unit_id = 0;
    v_visible := v_visible
        OR NOT hms_private.unit_blocked_for(hms_current_user_id(), p_patient, p_care_unit);
    PERFORM hms_private.remember(p_area, p_patient, v_unit, NULL, v_visible);
    RETURN v_visible;
END
$$;

-- The patients whose every row in an area the current user may see, as
-- decided so far in this transaction. Policies ask it once per statement,
-- (SELECT hms_wholly_visible('clinical')), and let those patients' rows
-- through without a call per row; the rest go to hms_row_visible. It only
-- repeats decisions already made, so it adds no rule of its own.
CREATE FUNCTION hms_wholly_visible(p_area text) RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN coalesce((
    SELECT array_agg(d.patient_id) FROM hms_private.access_decision AS d
    WHERE
        d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.care_unit_id = 0 AND d.visible  -- a parameter, not a column -- noqa: RF03
        AND d.xact = pg_current_xact_id_if_assigned()
), '{}');
COMMENT ON FUNCTION hms_wholly_visible IS 'Patients whose every row in an area the current user sees (decided in this transaction).';

-- For the chart's notice: does a block hide some of this patient's entries
-- from the current user? (Only asked about a patient the user may reach.)
CREATE FUNCTION hms_blocked_for_me(p_patient bigint, p_area text DEFAULT 'clinical') RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF p_area NOT IN ('clinical', 'medication') OR hms_access_basis(p_patient, p_area) IS NULL THEN
        RETURN false;
    END IF;
    RETURN NOT (SELECT d.visible FROM hms_private.access_decision AS d
                WHERE d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.patient_id = p_patient
                    AND d.care_unit_id = 0);
END
$$;
COMMENT ON FUNCTION hms_blocked_for_me IS 'Whether a patient''s block hides some entries from the current user.';

-- Writing needs the decision too, so it is no more stable than the decision.
ALTER FUNCTION hms_may_write_clinical(bigint) VOLATILE;

-- ---------------------------------------------------------------------------
-- Care relationships.
-- ---------------------------------------------------------------------------

-- An encounter opened by someone who reached the patient only through
-- emergency access remembers that access, and gives care only while it lasts.
ALTER TABLE encounter ADD COLUMN emergency_access_id bigint REFERENCES emergency_access (id) ON DELETE RESTRICT;
COMMENT ON COLUMN encounter.emergency_access_id IS
'The emergency access the encounter was opened under; it then gives care only while that access lasts.';

CREATE FUNCTION encounter_mark_emergency() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    -- Set here, never taken from the writer.
    NEW.emergency_access_id := NULL;
    IF hms_current_user_id() IS NOT NULL AND NOT hms_in_care(hms_current_user_id(), NEW.patient_id) THEN
        NEW.emergency_access_id := (
            SELECT x.id FROM emergency_access AS x
            WHERE x.user_id = hms_current_user_id() AND x.patient_id = NEW.patient_id
                AND now() >= x.starts_at AND now() < x.expires_at
            ORDER BY x.expires_at DESC LIMIT 1);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER encounter_mark_emergency BEFORE INSERT ON encounter
FOR EACH ROW EXECUTE FUNCTION encounter_mark_emergency();

CREATE OR REPLACE FUNCTION hms_in_care(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN EXISTS (
    SELECT 1 FROM encounter AS e
    INNER JOIN staff_care_unit AS s ON e.care_unit_id = s.care_unit_id
    LEFT JOIN emergency_access AS x ON e.emergency_access_id = x.id
    WHERE
        s.user_id = p_user AND e.patient_id = p_patient
        AND (e.ended_at IS NULL OR e.ended_at > now() - interval '30 days')
        AND (x.id IS NULL OR now() < x.expires_at)
) OR EXISTS (
    SELECT 1 FROM care_assignment AS a
    INNER JOIN staff_care_unit AS s ON a.care_unit_id = s.care_unit_id
    WHERE s.user_id = p_user AND a.patient_id = p_patient AND a.during @> now()
);

-- The audit reports ask about other users: only administrators get an answer.
CREATE OR REPLACE FUNCTION hms_was_in_care(p_user bigint, p_patient bigint, p_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN CASE WHEN hms_current_role() = 'administrator' THEN EXISTS (
    SELECT 1 FROM encounter AS e
    INNER JOIN staff_care_unit AS s ON e.care_unit_id = s.care_unit_id
    LEFT JOIN emergency_access AS x ON e.emergency_access_id = x.id
    WHERE
        s.user_id = p_user AND e.patient_id = p_patient AND e.started_at <= p_at
        AND (e.ended_at IS NULL OR e.ended_at > p_at - interval '30 days')
        AND (x.id IS NULL OR p_at < x.expires_at)
) OR EXISTS (
    SELECT 1 FROM care_assignment AS a
    INNER JOIN staff_care_unit AS s ON a.care_unit_id = s.care_unit_id
    WHERE s.user_id = p_user AND a.patient_id = p_patient AND a.during @> p_at
) END;

-- Whether a patient id exists, for the audit row of a refusal; asked only by
-- a verified user.
CREATE OR REPLACE FUNCTION hms_patient_exists(p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN hms_current_user_id() IS NOT NULL AND EXISTS (
    SELECT 1 FROM patient
    WHERE id = p_patient
);

-- Encounters and care assignments open in the user's own units only, and an
-- encounter needs the patient within reach (care, or emergency access).
DROP POLICY encounter_write ON encounter;
CREATE POLICY encounter_write ON encounter FOR INSERT TO hms_app
WITH CHECK (
    hms_may_write_clinical(patient_id) AND created_by = hms_current_user_id()
    AND care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = hms_current_user_id()
    )
);

-- A care assignment starts now: a backdated one would make earlier reads look
-- justified in the audit reports (hms_was_in_care).
DROP POLICY care_assignment_write ON care_assignment;
CREATE POLICY care_assignment_write ON care_assignment FOR INSERT TO hms_app
WITH CHECK (
    hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
    AND created_by = hms_current_user_id()
    AND lower(during) >= now() - interval '5 minutes'
    AND care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = hms_current_user_id()
    )
);

-- A bed is taken and given back only for a patient within reach.
DROP POLICY bed_occupancy_write ON bed_occupancy;
CREATE POLICY bed_occupancy_write ON bed_occupancy FOR INSERT TO hms_app
WITH CHECK (hms_may_write_clinical(patient_id));
DROP POLICY bed_occupancy_update ON bed_occupancy;
CREATE POLICY bed_occupancy_update ON bed_occupancy FOR UPDATE TO hms_app
USING (hms_may_write_clinical(patient_id));

-- ---------------------------------------------------------------------------
-- Acting in one's own name. A NULL user used to mean "not in a request"
-- (seeding, migrations) and let the check pass; for the app's role it now
-- means "not verified", and nothing is done in anyone's name.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION hms_check_acting_as(p_by bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_by IS DISTINCT FROM hms_current_user_id()
        AND (hms_current_user_id() IS NOT NULL OR current_user = 'hms_app') THEN
        RAISE EXCEPTION 'You can act only in your own name.' USING ERRCODE = 'HM042';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION note_version_freeze() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Every version starts as a draft; only signing makes it part of the journal.
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'A note version is written as a draft and then signed.'
                USING ERRCODE = 'HM028', CONSTRAINT = 'note_version_starts_as_draft';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'A signed note version cannot be changed or deleted; amend it instead.'
            USING ERRCODE = 'HM020', CONSTRAINT = 'note_version_signed_is_frozen';
    END IF;
    -- Signing, however it is written (note_sign or a raw UPDATE), obeys
    -- note_sign's rules: by the author, and only with text.
    IF TG_OP = 'UPDATE' AND NEW.status = 'signed' THEN
        IF hms_current_user_id() IS DISTINCT FROM NEW.author_id
            AND (hms_current_user_id() IS NOT NULL OR current_user = 'hms_app') THEN
            RAISE EXCEPTION 'Only the author of a note can sign it.' USING ERRCODE = 'HM024';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM note_section WHERE version_id = NEW.id AND body ~ '[^[:space:]]') THEN
            RAISE EXCEPTION 'An empty note cannot be signed.' USING ERRCODE = 'HM025';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

-- An audit row names its writer as verified, user and role both; without a
-- verified user the app writes none (a row "by nobody" could be made to say
-- anything).
DROP POLICY audit_log_write ON audit_log;
CREATE POLICY audit_log_write ON audit_log FOR INSERT TO hms_app
WITH CHECK (user_id = hms_current_user_id() AND user_role::text = hms_current_role());

-- The latest version of a note, read past row-level security for
-- note_amend, and only for a caller who may write that patient's journal
-- (or for the schema owner's own maintenance, such as seeding).
CREATE OR REPLACE FUNCTION note_version_latest(p_note_id bigint) RETURNS note_version
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN (
    SELECT v FROM note_version AS v
    WHERE
        v.note_id = p_note_id  -- a parameter, not a column -- noqa: RF03
        AND (hms_may_write_clinical(v.patient_id) OR hms_private.is_maintenance())
    ORDER BY v.version DESC LIMIT 1
);
