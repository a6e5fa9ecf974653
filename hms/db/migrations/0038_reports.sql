-- Reports for the people who run the hospital, without reading any patient's
-- record. Four layers, each with its own rights:
--
--   * reporting.<figure>_live: plain views that aggregate the patient tables.
--     They live in the schema `reporting`, which neither hms_app nor anyone
--     else but the owner may name, and run with the owner's rights (the
--     owner is exempt from row-level security, as for maintenance).
--   * reporting.<figure>: the same, materialised, one row per cell (a unit
--     and a day or month, and the figure's own dimension), with a unique
--     index so they are refreshed CONCURRENTLY: readers are never blocked.
--   * public.report_<figure>: security-barrier views over them, the only
--     thing hms_app may SELECT. Each keeps to the units the acting user may
--     report on (hms_report_units: all for administrators, their
--     department's for a department head, none for anyone else) and applies
--     the small-count suppression: a count below 5 comes out NULL ("<5"),
--     and so does every average, median or share computed from fewer than 5.
--     The small number never leaves the database.
--   * report_refresh(): the one function the reporting job's own role
--     (hms_reporter) may run; it refreshes every view and stamps the time.
--
-- No report view has a column that holds a patient's id, name or number:
-- every row is a count over a unit and a period. Each figure has one grain
-- (a unit and a day, or a unit and a month), fixed by the view, so no two
-- published figures overlap in a way that lets one be subtracted from the
-- other to recover a suppressed cell; the period a page asks for only
-- chooses which cells it shows. The one total published beside its parts,
-- diagnoses by chapter beside diagnoses by code, follows the rule in
-- report_total_shown below.
--
-- A department head (verksamhetschef) is a member of staff an administrator
-- appoints for a department; it gives the department's reports and nothing
-- else (no patient record).
-- depends: 0037_access_decision_cost

-- ---------------------------------------------------------------------------
-- Department heads
-- ---------------------------------------------------------------------------

CREATE TABLE department_head (
    department_id bigint NOT NULL REFERENCES department (id) ON DELETE RESTRICT,
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    appointed_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    appointed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT department_head_pkey PRIMARY KEY (department_id, user_id)
);
COMMENT ON TABLE department_head IS
'A member of staff who heads a department (verksamhetschef) and so reads its reports. Appointed by administrators.';

CREATE INDEX department_head_user_idx ON department_head (user_id);

ALTER TABLE department_head ENABLE ROW LEVEL SECURITY;
CREATE POLICY department_head_read ON department_head FOR SELECT TO hms_app
USING ((SELECT hms_current_role()) = 'administrator' OR user_id = (SELECT hms_current_user_id()));
GRANT SELECT ON department_head TO hms_app;

-- An administrator appoints a member of staff (a doctor, nurse or
-- administrator) to head a department; the audit log names who and whom.
CREATE FUNCTION department_head_appoint(p_department bigint, p_user bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    IF NOT EXISTS (
        SELECT 1 FROM app_user AS u
        WHERE u.id = p_user AND u.is_active AND u.role IN ('doctor', 'nurse', 'administrator')
    ) THEN
        RAISE EXCEPTION 'A department is headed by an active doctor, nurse or administrator.'
            USING ERRCODE = 'HM380', CONSTRAINT = 'department_head_is_staff';
    END IF;
    INSERT INTO department_head (department_id, user_id, appointed_by)
    VALUES (p_department, p_user, hms_current_user_id())
    ON CONFLICT (department_id, user_id) DO NOTHING;
    PERFORM hms_private.audit_account(p_user, 'department_head.appoint', format('department %s', p_department));
END
$$;

CREATE FUNCTION department_head_remove(p_department bigint, p_user bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM hms_private.require_role(ARRAY['administrator']);
    DELETE FROM department_head WHERE department_id = p_department AND user_id = p_user;
    PERFORM hms_private.audit_account(p_user, 'department_head.remove', format('department %s', p_department));
END
$$;

REVOKE EXECUTE ON FUNCTION department_head_appoint, department_head_remove FROM PUBLIC;
GRANT EXECUTE ON FUNCTION department_head_appoint, department_head_remove TO hms_app;

-- The care units the acting user may report on: every unit for an
-- administrator, the units of the departments they head for a department
-- head, none for anyone else (and none without a verified user).
CREATE FUNCTION hms_report_units() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}')
    FROM care_unit AS u
    WHERE
        hms_current_role() = 'administrator'
        OR u.department_id IN (
            SELECT h.department_id FROM department_head AS h WHERE h.user_id = hms_current_user_id()
        )
$$;
COMMENT ON FUNCTION hms_report_units IS
'The care units the verified user may report on: all for administrators, their departments'' for a department head.';
REVOKE EXECUTE ON FUNCTION hms_report_units FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hms_report_units TO hms_app;

-- ---------------------------------------------------------------------------
-- The reporting job's role and the freshness of the figures
-- ---------------------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hms_reporter') THEN
        CREATE ROLE hms_reporter LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO hms_reporter;

-- The reporter never acts as a user and is no maintenance either.
CREATE OR REPLACE FUNCTION hms_private.is_maintenance() RETURNS boolean
LANGUAGE sql STABLE
RETURN session_user NOT IN ('hms_app', 'hms_worker', 'hms_reporter') AND hms_current_user_id() IS NULL;

CREATE TABLE report_refresh (
    figure text PRIMARY KEY,
    refreshed_at timestamptz NOT NULL,
    took_ms numeric(12, 1) NOT NULL,
    CONSTRAINT report_refresh_took_nonnegative CHECK (took_ms >= 0)
);
COMMENT ON TABLE report_refresh IS
'When each materialised report figure was last refreshed, and how long it took. Written only by report_refresh().';
GRANT SELECT ON report_refresh TO hms_app;

CREATE SCHEMA reporting;
REVOKE ALL ON SCHEMA reporting FROM PUBLIC;
COMMENT ON SCHEMA reporting IS
'Aggregates of patient data for the reports, read only through the public report_* views.';

-- ---------------------------------------------------------------------------
-- Flow: admissions, discharges and the noon census per ward and day
-- ---------------------------------------------------------------------------

CREATE VIEW reporting.flow_ward_day_live AS
WITH stay AS (
    -- Each admission's bed occupancies, numbered first and last in time.
    SELECT
        o.encounter_id,
        r.ward_id,
        o.during,
        row_number() OVER (PARTITION BY o.encounter_id ORDER BY lower(o.during)) AS from_first,
        row_number() OVER (PARTITION BY o.encounter_id ORDER BY lower(o.during) DESC) AS from_last
    FROM bed_occupancy AS o
    INNER JOIN bed AS b ON o.bed_id = b.id
    INNER JOIN room AS r ON b.room_id = r.id
),

event AS (
    SELECT
        s.ward_id,
        (lower(s.during) AT TIME ZONE 'Europe/Stockholm')::date AS day,
        1 AS admitted,
        0 AS discharged,
        0 AS occupied
    FROM stay AS s
    WHERE s.from_first = 1
    UNION ALL
    SELECT
        s.ward_id,
        (e.ended_at AT TIME ZONE 'Europe/Stockholm')::date AS day,
        0 AS admitted,
        1 AS discharged,
        0 AS occupied
    FROM stay AS s
    INNER JOIN encounter AS e ON s.encounter_id = e.id
    WHERE s.from_last = 1 AND e.ended_at IS NOT NULL
    UNION ALL
    -- The census: in a bed of the ward at noon, the hospital's time.
    SELECT
        s.ward_id,
        d.day::date AS day,
        0 AS admitted,
        0 AS discharged,
        1 AS occupied
    FROM stay AS s
    CROSS JOIN
        LATERAL generate_series(
            date_trunc('day', lower(s.during) AT TIME ZONE 'Europe/Stockholm'),
            coalesce(upper(s.during) AT TIME ZONE 'Europe/Stockholm', hms_today()::timestamp),
            interval '1 day'
        ) AS d (day)
    WHERE s.during @> ((d.day + interval '12 hours') AT TIME ZONE 'Europe/Stockholm')
)

SELECT
    w.care_unit_id,
    ev.ward_id,
    ev.day,
    sum(ev.admitted)::integer AS admitted,
    sum(ev.discharged)::integer AS discharged,
    sum(ev.occupied)::integer AS occupied,
    (
        SELECT count(*)::integer FROM bed AS b INNER JOIN room AS r ON b.room_id = r.id
        WHERE r.ward_id = ev.ward_id AND b.is_active
    ) AS beds
FROM event AS ev
INNER JOIN ward AS w ON ev.ward_id = w.id
GROUP BY w.care_unit_id, ev.ward_id, ev.day;

CREATE MATERIALIZED VIEW reporting.flow_ward_day AS
SELECT
    care_unit_id,
    ward_id,
    day,
    admitted,
    discharged,
    occupied,
    beds
FROM reporting.flow_ward_day_live;
CREATE UNIQUE INDEX flow_ward_day_key ON reporting.flow_ward_day (ward_id, day);
-- The report's query: a unit's cells between two days.
CREATE INDEX flow_ward_day_unit_idx ON reporting.flow_ward_day (care_unit_id, day);

-- Discharges per unit and month: the average length of stay and the
-- readmissions (the same patient admitted again, anywhere, within 30 days).
CREATE VIEW reporting.flow_unit_month_live AS
WITH admission AS (
    SELECT
        e.care_unit_id,
        e.started_at,
        e.ended_at,
        lead(e.started_at) OVER (PARTITION BY e.patient_id ORDER BY e.started_at) AS next_started_at
    FROM encounter AS e
    WHERE e.kind = 'admission'
)

SELECT
    a.care_unit_id,
    date_trunc('month', a.ended_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS discharges,
    round(avg(extract(EPOCH FROM a.ended_at - a.started_at) / 86400), 1) AS mean_stay_days,
    count(*) FILTER (WHERE a.next_started_at < a.ended_at + interval '30 days')::integer AS readmissions
FROM admission AS a
WHERE a.ended_at IS NOT NULL
GROUP BY a.care_unit_id, date_trunc('month', a.ended_at AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.flow_unit_month AS
SELECT
    care_unit_id,
    month,
    discharges,
    mean_stay_days,
    readmissions
FROM reporting.flow_unit_month_live;
CREATE UNIQUE INDEX flow_unit_month_key ON reporting.flow_unit_month (care_unit_id, month);

-- ---------------------------------------------------------------------------
-- Clinical activity
-- ---------------------------------------------------------------------------

-- Diagnoses recorded per unit, month and ICD-10 code (entries in error left out).
CREATE VIEW reporting.clinical_diagnosis_month_live AS
SELECT
    d.care_unit_id,
    date_trunc('month', d.recorded_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    c.chapter,
    d.code,
    count(*)::integer AS diagnoses
FROM diagnosis AS d
INNER JOIN icd10_code AS c ON d.code = c.code
WHERE d.entered_in_error_at IS NULL
GROUP BY d.care_unit_id, date_trunc('month', d.recorded_at AT TIME ZONE 'Europe/Stockholm'), c.chapter, d.code;

CREATE MATERIALIZED VIEW reporting.clinical_diagnosis_month AS
SELECT
    care_unit_id,
    month,
    chapter,
    code,
    diagnoses
FROM reporting.clinical_diagnosis_month_live;
CREATE UNIQUE INDEX clinical_diagnosis_month_key ON reporting.clinical_diagnosis_month (
    care_unit_id, month, code
);
-- The report of every unit over a period: thousands of cells of many units,
-- which the month alone finds faster than the key's unit list (EXPLAIN,
-- docs/QUERIES.md).
CREATE INDEX clinical_diagnosis_month_month_idx ON reporting.clinical_diagnosis_month (month);

-- Procedures per unit, month and code (the free-text name is never shown:
-- it is written by hand and may say anything).
CREATE VIEW reporting.clinical_procedure_month_live AS
SELECT
    p.care_unit_id,
    date_trunc('month', p.performed_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    coalesce(p.code, '') AS code,
    p.is_surgery,
    count(*)::integer AS procedures
FROM procedure_record AS p
WHERE p.entered_in_error_at IS NULL
GROUP BY
    p.care_unit_id, date_trunc('month', p.performed_at AT TIME ZONE 'Europe/Stockholm'), coalesce(p.code, ''),
    p.is_surgery;

CREATE MATERIALIZED VIEW reporting.clinical_procedure_month AS
SELECT
    care_unit_id,
    month,
    code,
    is_surgery,
    procedures
FROM reporting.clinical_procedure_month_live;
CREATE UNIQUE INDEX clinical_procedure_month_key ON reporting.clinical_procedure_month (
    care_unit_id, month, code, is_surgery
);

-- NEWS2 per unit and month: scored sets, red sets (5 or more, or one
-- parameter at 3: every band but low), and the median minutes from a red
-- set to the patient's next set. The journal records no answer to an
-- escalation as such; the next observation is what the NEWS2 chart asks for.
CREATE VIEW reporting.clinical_news2_month_live AS
WITH scored AS (
    SELECT
        v.care_unit_id,
        v.measured_at,
        v.news2_band,
        lead(v.measured_at) OVER (PARTITION BY v.patient_id ORDER BY v.measured_at) AS next_at
    FROM vital_signs AS v
    WHERE v.news2 IS NOT NULL AND v.entered_in_error_at IS NULL
)

SELECT
    s.care_unit_id,
    date_trunc('month', s.measured_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS scored_sets,
    count(*) FILTER (WHERE s.news2_band <> 'low')::integer AS red_sets,
    round(
        (
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM s.next_at - s.measured_at) / 60)
            FILTER (WHERE s.news2_band <> 'low' AND s.next_at IS NOT NULL)
        )::numeric,
        0
    ) AS median_minutes_to_next,
    count(*) FILTER (WHERE s.news2_band <> 'low' AND s.next_at IS NOT NULL)::integer AS red_followed
FROM scored AS s
GROUP BY s.care_unit_id, date_trunc('month', s.measured_at AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.clinical_news2_month AS
SELECT
    care_unit_id,
    month,
    scored_sets,
    red_sets,
    median_minutes_to_next,
    red_followed
FROM reporting.clinical_news2_month_live;
CREATE UNIQUE INDEX clinical_news2_month_key ON reporting.clinical_news2_month (care_unit_id, month);

-- Critical laboratory results per ordering unit and month, and the median
-- minutes until a doctor acknowledged them.
CREATE VIEW reporting.clinical_critical_month_live AS
SELECT
    r.care_unit_id,
    date_trunc('month', r.entered_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS critical_results,
    count(a.result_id)::integer AS acknowledged,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM a.acknowledged_at - r.entered_at) / 60))::numeric,
        0
    ) AS median_minutes_to_ack
FROM lab_result AS r
LEFT JOIN lab_result_ack AS a ON r.id = a.result_id
WHERE r.flag IN ('critical_low', 'critical_high')
GROUP BY r.care_unit_id, date_trunc('month', r.entered_at AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.clinical_critical_month AS
SELECT
    care_unit_id,
    month,
    critical_results,
    acknowledged,
    median_minutes_to_ack
FROM reporting.clinical_critical_month_live;
CREATE UNIQUE INDEX clinical_critical_month_key ON reporting.clinical_critical_month (care_unit_id, month);

-- ---------------------------------------------------------------------------
-- Suppression, and the views hms_app reads
-- ---------------------------------------------------------------------------

-- A total published beside its parts: shown when none of its parts is
-- suppressed, or when at least two are and their sum leaves each of them
-- open (k suppressed parts, each 1 to 4, summing to more than k and less
-- than 4k: then every part could still be any of at least two values).
-- Otherwise the total is withheld (NULL), since it with the shown parts
-- would give the suppressed one away.
CREATE FUNCTION report_total_shown(p_total bigint, p_hidden_parts bigint, p_hidden_sum bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN p_total < 5 THEN NULL
    WHEN p_hidden_parts = 0 THEN p_total
    WHEN p_hidden_parts >= 2 AND p_hidden_sum > p_hidden_parts AND p_hidden_sum < 4 * p_hidden_parts THEN p_total
END;
COMMENT ON FUNCTION report_total_shown IS
'A report total, or NULL when it would reveal a suppressed part (see 0038).';
REVOKE EXECUTE ON FUNCTION report_total_shown FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_total_shown TO hms_app;

CREATE VIEW report_flow_ward_day WITH (security_barrier) AS
SELECT
    f.care_unit_id,
    u.name AS care_unit,
    f.ward_id,
    w.name AS ward,
    f.day,
    CASE WHEN f.admitted >= 5 THEN f.admitted END AS admitted,
    CASE WHEN f.discharged >= 5 THEN f.discharged END AS discharged,
    CASE WHEN f.occupied >= 5 THEN f.occupied END AS occupied,
    f.beds,
    CASE WHEN f.occupied >= 5 AND f.beds > 0 THEN round(100.0 * f.occupied / f.beds, 1) END AS occupancy_pct
FROM reporting.flow_ward_day AS f
INNER JOIN care_unit AS u ON f.care_unit_id = u.id
INNER JOIN ward AS w ON f.ward_id = w.id
WHERE f.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_flow_unit_month WITH (security_barrier) AS
SELECT
    f.care_unit_id,
    u.name AS care_unit,
    f.month,
    CASE WHEN f.discharges >= 5 THEN f.discharges END AS discharges,
    CASE WHEN f.discharges >= 5 THEN f.mean_stay_days END AS mean_stay_days,
    CASE WHEN f.readmissions >= 5 THEN f.readmissions END AS readmissions
FROM reporting.flow_unit_month AS f
INNER JOIN care_unit AS u ON f.care_unit_id = u.id
WHERE f.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_clinical_diagnosis_month WITH (security_barrier) AS
SELECT
    d.care_unit_id,
    u.name AS care_unit,
    d.month,
    d.chapter,
    d.code,
    c.title,
    c.title_sv,
    CASE WHEN d.diagnoses >= 5 THEN d.diagnoses END AS diagnoses
FROM reporting.clinical_diagnosis_month AS d
INNER JOIN care_unit AS u ON d.care_unit_id = u.id
INNER JOIN icd10_code AS c ON d.code = c.code
WHERE d.care_unit_id = any((SELECT hms_report_units())::bigint[]);

-- Chapters are totals of the codes beside them: report_total_shown decides.
CREATE VIEW report_clinical_chapter_month WITH (security_barrier) AS
SELECT
    d.care_unit_id,
    u.name AS care_unit,
    d.month,
    d.chapter,
    report_total_shown(
        sum(d.diagnoses), count(*) FILTER (WHERE d.diagnoses < 5), coalesce(sum(d.diagnoses) FILTER (
            WHERE d.diagnoses < 5
        ), 0)
    ) AS diagnoses
FROM reporting.clinical_diagnosis_month AS d
INNER JOIN care_unit AS u ON d.care_unit_id = u.id
WHERE d.care_unit_id = any((SELECT hms_report_units())::bigint[])
GROUP BY d.care_unit_id, u.name, d.month, d.chapter;

CREATE VIEW report_clinical_procedure_month WITH (security_barrier) AS
SELECT
    p.care_unit_id,
    u.name AS care_unit,
    p.month,
    p.code,
    p.is_surgery,
    CASE WHEN p.procedures >= 5 THEN p.procedures END AS procedures
FROM reporting.clinical_procedure_month AS p
INNER JOIN care_unit AS u ON p.care_unit_id = u.id
WHERE p.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_clinical_news2_month WITH (security_barrier) AS
SELECT
    n.care_unit_id,
    u.name AS care_unit,
    n.month,
    CASE WHEN n.scored_sets >= 5 THEN n.scored_sets END AS scored_sets,
    CASE WHEN n.red_sets >= 5 THEN n.red_sets END AS red_sets,
    CASE WHEN n.red_followed >= 5 THEN n.median_minutes_to_next END AS median_minutes_to_next
FROM reporting.clinical_news2_month AS n
INNER JOIN care_unit AS u ON n.care_unit_id = u.id
WHERE n.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_clinical_critical_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    c.month,
    CASE WHEN c.critical_results >= 5 THEN c.critical_results END AS critical_results,
    CASE WHEN c.acknowledged >= 5 THEN c.acknowledged END AS acknowledged,
    CASE WHEN c.acknowledged >= 5 THEN c.median_minutes_to_ack END AS median_minutes_to_ack
FROM reporting.clinical_critical_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
WHERE c.care_unit_id = any((SELECT hms_report_units())::bigint[]);

GRANT SELECT ON
report_flow_ward_day, report_flow_unit_month, report_clinical_diagnosis_month, report_clinical_chapter_month,
report_clinical_procedure_month, report_clinical_news2_month, report_clinical_critical_month
TO hms_app;

-- ---------------------------------------------------------------------------
-- The refresh
-- ---------------------------------------------------------------------------

-- Refreshes every materialised figure of the schema reporting, CONCURRENTLY
-- (readers keep the old rows until the new ones are in), and stamps each
-- one's time (and its statistics). Run by `hms jobs run` as hms_reporter, which may execute this
-- and nothing else. A figure added by a later migration is refreshed too.
CREATE FUNCTION report_refresh() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_figure text;
    v_started timestamptz;
    v_done integer := 0;
BEGIN
    FOR v_figure IN SELECT m.matviewname FROM pg_matviews AS m WHERE m.schemaname = 'reporting' ORDER BY 1 LOOP
        v_started := clock_timestamp();
        EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.%I', v_figure);
        -- Fresh statistics, so the reports' plans see the new cells at once.
        EXECUTE format('ANALYZE reporting.%I', v_figure);
        INSERT INTO report_refresh (figure, refreshed_at, took_ms)
        VALUES (v_figure, clock_timestamp(), extract(EPOCH FROM clock_timestamp() - v_started) * 1000)
        ON CONFLICT (figure) DO UPDATE SET refreshed_at = excluded.refreshed_at, took_ms = excluded.took_ms;
        v_done := v_done + 1;
    END LOOP;
    RETURN v_done;
END
$$;
REVOKE EXECUTE ON FUNCTION report_refresh FROM PUBLIC;
GRANT EXECUTE ON FUNCTION report_refresh TO hms_reporter;
