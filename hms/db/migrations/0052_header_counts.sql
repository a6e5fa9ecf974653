-- The header's counts are one call, and a failure of theirs costs them alone.
--
-- Every page a member of staff or a patient opens shows, in its header, what
-- waits for them in each module. That was one statement of accounts'
-- queries.sql, sent in a savepoint (SAVEPOINT, the counts, RELEASE), so that
-- a failure cost the counts and not the page: three round trips of every
-- page, where a round trip costs the app some 60 µs of CPU and the database
-- some 40 µs besides its work.
--
-- Here the statement is the body of hms_header_counts(), whose exception
-- block is that savepoint, taken inside the database: one round trip. It
-- counts for the verified user (hms_current_user_id(), hms_current_role()),
-- so nobody can ask it about anyone else, and it is SECURITY INVOKER: the
-- rows are read under the caller's row-level security, as before, so it
-- never counts what the user could not open. A failure returns no row and
-- the page draws its header without counts; a cancelled statement (a
-- statement timeout) is not caught, as no PL/pgSQL handler catches one.
--   messages: for doctors and nurses, their units' new threads
--     (message_thread_unit_new_idx) and the threads assigned to them that
--     they have not read since the patient wrote (message_thread_assigned_idx);
--     for patients and relatives, threads the unit has answered since they
--     last looked (message_thread_patient_unread_idx).
--   requests: open care requests routed to the user, as a renewal's
--     prescriber (care_request_prescriber_idx) or as the routed role of the
--     request's unit (care_request_unit_queue_idx).
--   consultations: for the doctor who asked, answers not yet read
--     (consultation_unseen_answer_idx); for the outside specialist, the open
--     questions put to them (consultation_specialist_idx).
--   referrals: referrals sent to the user's units and not yet decided
--     (referral_incoming_sent_idx), for doctors.
-- Each part is a scan of a partial index. The user's units are an array (an
-- InitPlan), so they are the index scan's condition and the row-level
-- policy is asked only of the rows that match, not of every new thread of
-- the hospital.
-- depends: 0051_patient_search_one_plan

CREATE FUNCTION hms_header_counts()
RETURNS TABLE (messages bigint, requests bigint, consultations bigint, referrals bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_role text := hms_current_role();
BEGIN
    IF v_user IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT
        (
            SELECT count(*) FROM message_thread AS t
            WHERE
                v_role IN ('doctor', 'nurse') AND t.status = 'new'
                AND t.care_unit_id = any(array(SELECT s.care_unit_id FROM staff_care_unit AS s WHERE s.user_id = v_user))
        )
        + (
            SELECT count(*) FROM message_thread AS t
            WHERE t.status = 'assigned' AND t.assigned_to = v_user AND t.unit_read_at IS NULL
        )
        + (
            SELECT count(*) FROM message_thread AS t
            WHERE
                v_role IN ('patient', 'relative') AND t.patient_unread
                AND t.patient_id IN (
                    SELECT pu.patient_id FROM patient_user AS pu WHERE pu.user_id = v_user
                    UNION ALL
                    SELECT g.patient_id FROM proxy_grant AS g
                    WHERE g.relative_user_id = v_user AND hms_proxy_grant_in_force(g.starts_on, g.ends_on, g.revoked_at)
                )
        ),
        (
            SELECT count(*) FROM care_request AS r
            WHERE
                r.status = 'open'
                AND (
                    (r.kind = 'renewal' AND r.prescriber_id = v_user AND v_role = 'doctor')
                    OR (
                        r.care_unit_id = any(array(
                            SELECT s.care_unit_id FROM staff_care_unit AS s WHERE s.user_id = v_user
                        ))
                        AND care_request_routes_to(r.kind, v_role)
                    )
                )
        ),
        (
            SELECT count(*) FROM consultation AS c
            WHERE c.status = 'answered' AND c.requested_by = v_user AND c.answer_seen_at IS NULL
        )
        + (
            SELECT count(*) FROM consultation AS c
            WHERE c.status = 'open' AND c.specialist_id = v_user
        ),
        (
            SELECT count(*) FROM referral AS f
            WHERE
                v_role = 'doctor' AND f.status = 'sent'
                AND f.to_unit_id = any(array(SELECT s.care_unit_id FROM staff_care_unit AS s WHERE s.user_id = v_user))
        );
EXCEPTION WHEN OTHERS THEN
    -- The counts are an aside of the page: without them it is still the page.
    RETURN;
END
$$;
COMMENT ON FUNCTION hms_header_counts IS
'What waits for the verified user in each module, for the page header: read under the caller''s row-level security; no row when the user is not verified or the counting failed.';

REVOKE ALL ON FUNCTION hms_header_counts FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hms_header_counts TO hms_app;
