-- A clinician's access to a patient's record and to the patient's
-- medication is one decision, made once per transaction.
--
-- For a doctor or a nurse, hms_decide_basis answers 'clinical' and
-- 'medication' by the same rule (in the patient's care, or under emergency
-- access; 0049), and whether every row is visible depends on the basis and
-- the patient's blocks, not on the area. Yet each area was decided on its
-- own: a chart decides 'clinical' at its gate, and its summary (latest vital
-- signs, medication) then decided 'medication' again at its first row, with
-- the same queries and a second row in hms_private.access_decision. Under
-- row-level security the second decision also came late: the policies let
-- through without a call per row only the patients decided before the
-- statement began (hms_wholly_visible), so the medication rows each asked
-- hms_row_visible.
--
-- hms_access_basis now remembers a clinician's decision for both areas.
-- tests/wall/test_access_decision_areas.py holds the premise: for doctors and
-- nurses, in care, under emergency access and neither, with and without a
-- block, the two areas are decided alike; if the rule for one of them
-- changes, that test fails and this shortcut must go.
-- depends: 0049_proxy_grant_in_force

CREATE OR REPLACE FUNCTION hms_access_basis(p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint;
    v_role text;
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
    v_role := hms_current_role();
    v_basis := hms_decide_basis(v_user, v_role, p_patient, p_area);
    -- Every row visible: no block binds this basis, or none hides anything.
    v_whole := v_basis IS NOT NULL AND (v_basis IN ('own', 'emergency')
        OR hms_emergency_active(v_user, p_patient)
        OR NOT EXISTS (SELECT 1 FROM journal_block AS b
                       WHERE b.patient_id = p_patient AND b.revoked_at IS NULL
                           AND hms_private.unit_blocked_for(v_user, p_patient, b.care_unit_id)));
    PERFORM hms_private.remember(p_area, p_patient, 0, v_basis, v_whole);
    -- A clinician's record and medication are decided alike (see above).
    IF v_role IN ('doctor', 'nurse') AND p_area IN ('clinical', 'medication') THEN
        PERFORM hms_private.remember(
            CASE p_area WHEN 'clinical' THEN 'medication' ELSE 'clinical' END, p_patient, 0, v_basis, v_whole
        );
    END IF;
    RETURN v_basis;
END
$$;
