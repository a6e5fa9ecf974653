-- The clinical report at the size of a real journal (10 million rows: EXPLAIN
-- and the figures in docs/QUERIES.md). Every figure keeps its value; what
-- changes is how the database finds it.
--
-- NEWS2: the time from a red set to the patient's next set was a lead()
-- window over every scored set of every patient, so no period could be
-- pushed below it and the whole table was sorted, for a page and for each
-- refresh. The next set is now looked up for each red set alone, in an
-- index of each patient's scored sets in time order (the next by time, and
-- by id among sets of the same minute, as the window numbered them), and a
-- period reaches the sets through an index on the month they were measured
-- in (in Stockholm time: the expression the views group by, immutable).
--
-- Diagnoses: the chapter figure regrouped every code cell of the period on
-- each read, to decide whether its total gives a hidden code away. The
-- chapter's total, its hidden codes and their sum are now materialised with
-- the codes (a figure of their own, computed from the same diagnoses), and
-- the report view applies the same rule to them. A period reaches the
-- diagnoses and procedures of the journal through the month they were
-- recorded in, as it does the vital signs.
-- depends: 0041_reports_small_differences

-- ---------------------------------------------------------------------------
-- NEWS2
-- ---------------------------------------------------------------------------

-- Each patient's scored sets in time order: the next set after a red one.
CREATE INDEX vital_signs_scored_next_idx ON vital_signs (patient_id, measured_at, id)
WHERE news2 IS NOT NULL AND entered_in_error_at IS NULL;
-- The scored sets of a month (Stockholm time), for a report's period.
CREATE INDEX vital_signs_scored_month_idx ON vital_signs (
    (date_trunc('month', measured_at AT TIME ZONE 'Europe/Stockholm')::date)
)
WHERE news2 IS NOT NULL AND entered_in_error_at IS NULL;

CREATE OR REPLACE VIEW reporting.clinical_news2_month_live AS
SELECT
    v.care_unit_id,
    date_trunc('month', v.measured_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS scored_sets,
    count(*) FILTER (WHERE v.news2_band <> 'low')::integer AS red_sets,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM n.next_at - v.measured_at) / 60))::numeric,
        0
    ) AS median_minutes_to_next,
    count(n.next_at)::integer AS red_followed
FROM vital_signs AS v
LEFT JOIN LATERAL (
    -- Asked for red sets only (a one-time filter: no lookup for the rest).
    SELECT x.measured_at AS next_at
    FROM vital_signs AS x
    WHERE
        v.news2_band <> 'low'
        AND x.patient_id = v.patient_id
        AND x.news2 IS NOT NULL
        AND x.entered_in_error_at IS NULL
        AND (x.measured_at, x.id) > (v.measured_at, v.id)
    ORDER BY x.measured_at, x.id
    LIMIT 1
) AS n ON true
WHERE v.news2 IS NOT NULL AND v.entered_in_error_at IS NULL
GROUP BY v.care_unit_id, date_trunc('month', v.measured_at AT TIME ZONE 'Europe/Stockholm');

-- ---------------------------------------------------------------------------
-- Diagnoses and procedures
-- ---------------------------------------------------------------------------

-- The diagnoses and procedures of a month (Stockholm time), for a period.
CREATE INDEX diagnosis_month_idx ON diagnosis (
    (date_trunc('month', recorded_at AT TIME ZONE 'Europe/Stockholm')::date)
)
WHERE entered_in_error_at IS NULL;
CREATE INDEX procedure_record_month_idx ON procedure_record (
    (date_trunc('month', performed_at AT TIME ZONE 'Europe/Stockholm')::date)
)
WHERE entered_in_error_at IS NULL;

-- Each chapter's total beside the codes it holds: how many of its code
-- cells are suppressed and what they add up to, so that the report view
-- decides with report_total_shown (0038) without regrouping the codes. It
-- is computed from the materialised code cells themselves, in the same
-- refresh (report_refresh below refreshes it after them, in one
-- transaction), so a chapter never disagrees with the codes shown beside it.
CREATE MATERIALIZED VIEW reporting.clinical_chapter_month AS
SELECT
    d.care_unit_id,
    d.month,
    d.chapter,
    sum(d.diagnoses)::integer AS diagnoses,
    (count(*) FILTER (WHERE d.diagnoses < 5))::integer AS hidden_codes,
    coalesce(sum(d.diagnoses) FILTER (WHERE d.diagnoses < 5), 0)::integer AS hidden_sum
FROM reporting.clinical_diagnosis_month AS d
GROUP BY d.care_unit_id, d.month, d.chapter;
CREATE UNIQUE INDEX clinical_chapter_month_key ON reporting.clinical_chapter_month (care_unit_id, month, chapter);

CREATE OR REPLACE VIEW report_clinical_chapter_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    c.month,
    c.chapter,
    report_total_shown(c.diagnoses, c.hidden_codes, c.hidden_sum) AS diagnoses
FROM reporting.clinical_chapter_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
WHERE c.care_unit_id = any((SELECT hms_report_units())::bigint[]);

-- ---------------------------------------------------------------------------
-- The refresh: a figure computed from other figures comes after them
-- ---------------------------------------------------------------------------

-- As in 0038, every materialised figure of the schema reporting, each
-- CONCURRENTLY and stamped; now those that read another figure (the
-- chapters read the codes) after those they read, so that within the one
-- transaction of the refresh they see the new cells.
CREATE OR REPLACE FUNCTION report_refresh() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_figure text;
    v_started timestamptz;
    v_done integer := 0;
BEGIN
    FOR v_figure IN
        SELECT m.matviewname
        FROM pg_matviews AS m
        WHERE m.schemaname = 'reporting'
        ORDER BY
            EXISTS (
                SELECT FROM pg_rewrite AS r
                INNER JOIN pg_depend AS d ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
                INNER JOIN pg_class AS t ON d.refobjid = t.oid
                WHERE
                    r.ev_class = format('reporting.%I', m.matviewname)::regclass
                    AND t.relkind = 'm' AND t.oid <> r.ev_class
            ),
            m.matviewname
    LOOP
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
