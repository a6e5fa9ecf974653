-- The care unit of an access, asked first of the user's units.
--
-- Each audit row names the care unit the access was made from: the reader's
-- unit that has the patient in care, else the reader's only unit
-- (hms_access_unit, from the audit trigger; last in 0037). The answer for a
-- member of one unit is that unit whatever the patient's care, since a unit
-- in care must be one of theirs; for a member of none it is none. So the
-- units are counted first, and only a member of several units has the
-- patient's encounters and assignments searched. Most staff belong to one
-- unit, and a page of a name search writes 25 audit rows, each of which
-- asked the whole question (some 35 µs a row).
-- depends: 0052_header_counts

CREATE OR REPLACE FUNCTION hms_access_unit(p_user bigint, p_patient bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_units bigint;
    v_unit bigint;
BEGIN
    SELECT count(*), min(s.care_unit_id) INTO v_units, v_unit
    FROM staff_care_unit AS s WHERE s.user_id = p_user;
    IF v_units <= 1 THEN
        RETURN v_unit;
    END IF;
    RETURN (
        SELECT min(s.care_unit_id) FROM staff_care_unit AS s
        WHERE
            s.user_id = p_user AND p_patient IS NOT NULL
            AND (
                EXISTS (
                    SELECT 1 FROM encounter AS e
                    WHERE
                        e.patient_id = p_patient
                        AND e.care_unit_id = s.care_unit_id
                        AND (e.ended_at IS NULL OR e.ended_at > now() - interval '30 days')
                )
                OR EXISTS (
                    SELECT 1 FROM care_assignment AS a
                    WHERE
                        a.patient_id = p_patient
                        AND a.care_unit_id = s.care_unit_id AND a.during @> now()
                )
            )
    );
END
$$;
