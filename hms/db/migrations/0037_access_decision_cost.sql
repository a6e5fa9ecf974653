-- What a request costs: the access functions keep their plans.
--
-- A function in LANGUAGE sql that cannot be inlined into its caller (every
-- SECURITY DEFINER one, and every one with a SET clause) is parsed and
-- planned again each time a statement first calls it: PostgreSQL 15 keeps a
-- SQL function's plan only for the statement that called it. The access
-- functions are called from the policies of every journal table and from the
-- audit log's trigger, so a chart paid for some twenty such plans, and a
-- search one per patient listed (hms_access_unit, from the audit trigger).
-- Every function a policy calls is now either inlined into the statement
-- (plain SQL, no SECURITY DEFINER, no SET) or PL/pgSQL
-- (tests/wall/test_policy_shape.py holds it there).
-- PL/pgSQL keeps its plans for the life of the connection, so the same
-- queries, written as PL/pgSQL, are planned once per connection instead of
-- once per statement. The rules are unchanged: the queries are the same,
-- word for word.
--
-- And who acts is read in one step: hms_current_user_id() and
-- hms_current_role() read the verified identity's row themselves instead of
-- through hms_private.identity(), a second function call (and a second
-- change of search_path) on every call.
-- depends: 0036_patient_search_ranked

CREATE OR REPLACE FUNCTION hms_current_user_id() RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint;
BEGIN
    SELECT v.user_id INTO v_user
    FROM hms_private.verified_identity AS v
    WHERE v.backend_pid = pg_backend_pid() AND v.xact = pg_current_xact_id_if_assigned();
    RETURN v_user;
END
$$;

CREATE OR REPLACE FUNCTION hms_current_role() RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_role text;
BEGIN
    SELECT v.role::text INTO v_role
    FROM hms_private.verified_identity AS v
    WHERE v.backend_pid = pg_backend_pid() AND v.xact = pg_current_xact_id_if_assigned();
    RETURN v_role;
END
$$;

CREATE OR REPLACE FUNCTION hms_in_care(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
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
END
$$;

CREATE OR REPLACE FUNCTION hms_emergency_active(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN EXISTS (
        SELECT 1 FROM emergency_access AS x
        WHERE x.user_id = p_user AND x.patient_id = p_patient AND now() >= x.starts_at AND now() < x.expires_at
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_patient_exists(p_patient bigint) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN hms_current_user_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM patient AS p
        WHERE p.id = p_patient
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_wholly_visible(p_area text) RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce((
        SELECT array_agg(d.patient_id) FROM hms_private.access_decision AS d
        WHERE
            d.backend_pid = pg_backend_pid() AND d.area = p_area AND d.care_unit_id = 0 AND d.visible
            AND d.xact = pg_current_xact_id_if_assigned()
    ), '{}');
END
$$;

CREATE OR REPLACE FUNCTION hms_access_unit(p_user bigint, p_patient bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce(
        (
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
        ),
        (
            SELECT min(s.care_unit_id) FROM staff_care_unit AS s
            WHERE s.user_id = p_user
            HAVING count(*) = 1
        )
    );
END
$$;

CREATE OR REPLACE FUNCTION hms_private.remember(
    p_area text, p_patient bigint, p_care_unit bigint, p_basis text, p_visible boolean
) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    INSERT INTO hms_private.access_decision AS d (backend_pid, xact, area, patient_id, care_unit_id, basis, visible)
    VALUES (pg_backend_pid(), pg_current_xact_id(), p_area, p_patient, p_care_unit, p_basis, p_visible)
    ON CONFLICT (backend_pid, area, patient_id, care_unit_id)
    DO UPDATE SET xact = excluded.xact, basis = excluded.basis, visible = excluded.visible;
END
$$;

CREATE OR REPLACE FUNCTION pharmacy_my_locations() RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce((
        SELECT array_agg(l.id ORDER BY l.id) FROM stock_location AS l
        WHERE
            hms_current_role() IN ('pharmacist', 'administrator')
            OR (
                hms_current_role() IN ('nurse', 'doctor')
                AND l.care_unit_id IN (
                    SELECT s.care_unit_id FROM staff_care_unit AS s
                    WHERE s.user_id = hms_current_user_id()
                )
            )
    ), '{}');
END
$$;

CREATE OR REPLACE FUNCTION hms_consultation_patients(p_part consultation_part) RETURNS bigint[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN coalesce((
        SELECT array_agg(DISTINCT c.patient_id) FROM consultation AS c
        WHERE c.specialist_id = hms_current_user_id() AND c.status = 'open' AND p_part = any(c.parts)
    ), '{}');
END
$$;

-- A backend's verified identity is one row, written over in place by each
-- transaction that proves a session, instead of deleted and inserted again:
-- the update touches no indexed column, so it stays on its page (a HOT
-- update) and the old version is pruned there, and the table and its index
-- stay the size of the pool, without waiting for a vacuum. Every path that
-- proves nothing still removes the row, so an earlier proof never stands in
-- this transaction (and the row's xact ties it to this transaction anyway).
ALTER TABLE hms_private.verified_identity SET (fillfactor = 50);

CREATE OR REPLACE FUNCTION hms_authenticate(p_token text)
RETURNS TABLE (
    user_id bigint, username text, role user_role, full_name text, locale text, csrf_token text, is_idle boolean
)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_session user_session%ROWTYPE;
    v_user app_user%ROWTYPE;
BEGIN
    -- Whatever this backend decided before no longer counts.
    DELETE FROM hms_private.access_decision AS d WHERE d.backend_pid = pg_backend_pid();
    IF p_token IS NULL OR p_token = '' THEN
        DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
        RETURN;
    END IF;
    SELECT * INTO v_session FROM user_session AS s WHERE s.token_hash = sha256(convert_to(p_token, 'UTF8'));
    IF NOT FOUND THEN
        DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
        RETURN;
    END IF;
    SELECT * INTO v_user FROM app_user AS u WHERE u.id = v_session.user_id AND u.is_active;
    IF NOT FOUND OR v_session.expires_at <= now() OR v_session.last_seen_at < now() - v_session.idle_limit THEN
        DELETE FROM hms_private.verified_identity AS v WHERE v.backend_pid = pg_backend_pid();
        DELETE FROM user_session AS s WHERE s.token_hash = v_session.token_hash;
        RETURN QUERY SELECT NULL::bigint, NULL::text, NULL::user_role, NULL::text, NULL::text, NULL::text, true;
        RETURN;
    END IF;
    -- Activity is written at most once a minute per session, to spare the WAL.
    IF v_session.last_seen_at < now() - interval '60 seconds' THEN
        UPDATE user_session AS s SET last_seen_at = now() WHERE s.token_hash = v_session.token_hash;
    END IF;
    -- pg_current_xact_id() gives the transaction its id now, so the row
    -- names this transaction and no other.
    INSERT INTO hms_private.verified_identity AS v (backend_pid, xact, user_id, role)
    VALUES (pg_backend_pid(), pg_current_xact_id(), v_user.id, v_user.role)
    ON CONFLICT (backend_pid) DO UPDATE SET xact = excluded.xact, user_id = excluded.user_id, role = excluded.role;
    RETURN QUERY SELECT v_user.id, v_user.username, v_user.role, v_user.full_name, v_user.locale,
        v_session.csrf_token, false;
END
$$;

-- The journal's timeline, one keyset page (see the timeline query in
-- hms/journal/queries.sql, which calls it). As a statement of its own it was
-- planned at every request: with its filters unset, each plan the planner
-- makes for the values at hand looks cheaper than the one plan for any
-- values, so it never kept one, and planning its eight branches under
-- row-level security cost more than running them. The keyset's bound is an
-- index condition whatever the page, so one plan serves every page and
-- filter; here it is kept for the connection (plan_cache_mode), and the
-- rows are still read with the caller's rights, under row-level security.
-- One plan for every patient cannot know how long this patient's history
-- is, and would read and sort all of a long one; without bitmap scans and
-- sorts it reads each kind newest-first from its (patient_id, time) index
-- and stops at the page's end, whatever the history's length.
CREATE OR REPLACE FUNCTION journal_timeline_page(
    p_patient_id bigint, p_limit integer, p_kind text, p_from_date date, p_to_date date, p_author_id bigint,
    p_care_unit_id bigint, p_code text, p_text text, p_before_at timestamptz, p_before_kind text,
    p_before_id bigint
) RETURNS TABLE (
    kind text, id bigint, at timestamptz, subtype text, title text, code text, in_error boolean,
    care_unit_id bigint, care_unit text, author text
)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, pg_temp
SET plan_cache_mode = force_generic_plan
SET enable_bitmapscan = off
SET enable_sort = off AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT
        t.kind::text,
        t.id::bigint,
        t.at::timestamptz,
        t.subtype::text,
        t.title::text,
        t.code::text,
        t.in_error::boolean,
        t.care_unit_id::bigint,
        cu.name::text AS care_unit,
        u.full_name::text AS author
    FROM (
        (
            SELECT
                'encounter'::text AS kind,
                e.id AS id,
                e.started_at AS at,
                e.created_by AS author_id,
                e.care_unit_id AS care_unit_id,
                e.kind::text AS subtype,
                e.reason AS title,
                NULL::text AS code,
                false AS in_error
            FROM encounter AS e
            WHERE
                e.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'encounter')
                AND e.started_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (e.started_at, 'encounter'::text, e.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR e.started_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR e.started_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR e.created_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR e.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR NULL::text LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(e.reason) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY e.started_at DESC, e.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'note'::text AS kind,
                n.id AS id,
                v.signed_at AS at,
                v.author_id AS author_id,
                v.care_unit_id AS care_unit_id,
                n.kind::text AS subtype,
                (
                    SELECT string_agg(s.heading || ': ' || left(s.body, 200), ' · ' ORDER BY s.position)
                    FROM note_section AS s WHERE s.version_id = v.version_id
                ) AS title,
                NULL::text AS code,
                n.entered_in_error_at IS NOT NULL AS in_error
            FROM note_current AS v INNER JOIN note AS n ON v.note_id = n.id
            WHERE
                v.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'note')
                AND v.signed_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (v.signed_at, 'note'::text, n.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR v.signed_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR v.signed_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR v.author_id = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR v.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR NULL::text LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold((
                    SELECT string_agg(s.heading || ': ' || left(s.body, 200), ' · ' ORDER BY s.position)
                    FROM note_section AS s
                    WHERE s.version_id = v.version_id
                )) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY v.signed_at DESC, n.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'diagnosis'::text AS kind,
                d.id AS id,
                d.recorded_at AS at,
                d.recorded_by AS author_id,
                d.care_unit_id AS care_unit_id,
                d.rank::text AS subtype,
                c.title AS title,
                d.code AS code,
                d.entered_in_error_at IS NOT NULL AS in_error
            FROM diagnosis AS d INNER JOIN icd10_code AS c ON d.code = c.code
            WHERE
                d.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'diagnosis')
                AND d.recorded_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (d.recorded_at, 'diagnosis'::text, d.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR d.recorded_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR d.recorded_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR d.recorded_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR d.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR d.code LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(c.title) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY d.recorded_at DESC, d.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'procedure'::text AS kind,
                p.id AS id,
                p.performed_at AS at,
                p.performed_by AS author_id,
                p.care_unit_id AS care_unit_id,
                CASE WHEN p.is_surgery THEN 'surgery' ELSE 'procedure' END AS subtype,
                p.name AS title,
                p.code AS code,
                p.entered_in_error_at IS NOT NULL AS in_error
            FROM procedure_record AS p
            WHERE
                p.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'procedure')
                AND p.performed_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (p.performed_at, 'procedure'::text, p.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR p.performed_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR p.performed_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR p.performed_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR p.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR p.code LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(p.name) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY p.performed_at DESC, p.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'allergy'::text AS kind,
                a.id AS id,
                a.recorded_at AS at,
                a.recorded_by AS author_id,
                a.care_unit_id AS care_unit_id,
                a.severity::text AS subtype,
                a.substance || coalesce(' (' || a.reaction || ')', '') AS title,
                NULL::text AS code,
                a.entered_in_error_at IS NOT NULL AS in_error
            FROM allergy AS a
            WHERE
                a.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'allergy')
                AND a.recorded_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (a.recorded_at, 'allergy'::text, a.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR a.recorded_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR a.recorded_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR a.recorded_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR a.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR NULL::text LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(a.substance || coalesce(' (' || a.reaction || ')', '')) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY a.recorded_at DESC, a.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'history'::text AS kind,
                h.id AS id,
                h.recorded_at AS at,
                h.recorded_by AS author_id,
                h.care_unit_id AS care_unit_id,
                h.kind::text AS subtype,
                h.description AS title,
                NULL::text AS code,
                h.entered_in_error_at IS NOT NULL AS in_error
            FROM history_entry AS h
            WHERE
                h.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'history')
                AND h.recorded_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (h.recorded_at, 'history'::text, h.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR h.recorded_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR h.recorded_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR h.recorded_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR h.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR NULL::text LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(h.description) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY h.recorded_at DESC, h.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'care_plan'::text AS kind,
                cp.id AS id,
                cp.recorded_at AS at,
                cp.recorded_by AS author_id,
                cp.care_unit_id AS care_unit_id,
                cp.status::text AS subtype,
                cp.title AS title,
                NULL::text AS code,
                cp.entered_in_error_at IS NOT NULL AS in_error
            FROM care_plan AS cp
            WHERE
                cp.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'care_plan')
                AND cp.recorded_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (cp.recorded_at, 'care_plan'::text, cp.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR cp.recorded_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR cp.recorded_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR cp.recorded_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR cp.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR NULL::text LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(cp.title) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY cp.recorded_at DESC, cp.id DESC
            LIMIT p_limit
        )
        UNION ALL
        (
            SELECT
                'vitals'::text AS kind,
                vs.id AS id,
                vs.measured_at AS at,
                vs.recorded_by AS author_id,
                vs.care_unit_id AS care_unit_id,
                vs.news2_band AS subtype,
                concat_ws(
                    ', ', 'BP ' || vs.systolic || '/' || vs.diastolic, 'P ' || vs.pulse, 'T ' || vs.temperature,
                    'RR ' || vs.respiratory_rate, 'SpO2 ' || vs.spo2, 'NEWS2 ' || vs.news2
                ) AS title,
                NULL::text AS code,
                vs.entered_in_error_at IS NOT NULL AS in_error
            FROM vital_signs AS vs
            WHERE
                vs.patient_id = p_patient_id
                AND (p_kind::text IS NULL OR p_kind = 'vitals')
                AND vs.measured_at <= coalesce(p_before_at::timestamptz, 'infinity')
                AND (
                    p_before_at::timestamptz IS NULL
                    OR (vs.measured_at, 'vitals'::text, vs.id) < (p_before_at::timestamptz, p_before_kind::text, p_before_id::bigint)
                )
                AND (p_from_date::date IS NULL OR vs.measured_at >= hms_day_start(p_from_date::date))
                AND (p_to_date::date IS NULL OR vs.measured_at < hms_day_start(p_to_date::date + 1))
                AND (p_author_id::bigint IS NULL OR vs.recorded_by = p_author_id)
                AND (p_care_unit_id::bigint IS NULL OR vs.care_unit_id = p_care_unit_id)
                AND (p_code::text IS NULL OR NULL::text LIKE hms_like_prefix(upper(p_code)))
                AND (p_text::text IS NULL OR hms_fold(concat_ws(
                    ', ', 'BP ' || vs.systolic || '/' || vs.diastolic, 'P ' || vs.pulse, 'T ' || vs.temperature,
                    'RR ' || vs.respiratory_rate, 'SpO2 ' || vs.spo2, 'NEWS2 ' || vs.news2
                )) LIKE hms_like_contains(hms_fold(p_text)))
            ORDER BY vs.measured_at DESC, vs.id DESC
            LIMIT p_limit
        )
    ) AS t
    INNER JOIN care_unit AS cu ON t.care_unit_id = cu.id
    INNER JOIN app_user AS u ON t.author_id = u.id
    ORDER BY t.at DESC, t.kind DESC, t.id DESC
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION journal_timeline_page IS
'One keyset page of a patient''s journal timeline, newest first, as row-level security lets the caller see it.';
GRANT EXECUTE ON FUNCTION journal_timeline_page TO hms_app;
