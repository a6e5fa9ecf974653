-- The clinical report at the size of a real journal (10 million rows: EXPLAIN
-- and the figures in docs/QUERIES.md). Every figure keeps its value; what
-- changes is how the database finds it.
--
-- NEWS2: the time from a red set to the patient's next set was a lead()
-- window over every scored set of every patient, so no period could be
-- pushed below it and the whole table was sorted, for a page and for each
-- refresh. The window is now partitioned by the month as well as the
-- patient, so a period is applied below it, and reads a month's sets in
-- order from an index; only a red set that is its patient's last of the
-- month looks its next set up, in an index of each patient's sets.
--
-- Diagnoses: the chapter figure regrouped every code cell of the period on
-- each read, to decide whether its total gives a hidden code away. The
-- chapter's total, its hidden codes and their sum are now materialised from
-- the code cells, in the same refresh, and the report view applies the same
-- rule to them.
--
-- A period reaches the vital signs, diagnoses and procedures through the
-- month they were recorded in (Stockholm time: the expression the views
-- group by, which is immutable), from indexes that hold what the figures
-- read, and statistics on that month tell the planner how many rows a
-- period holds (a partial index's own statistics are not used for that).
-- depends: 0041_reports_small_differences

-- ---------------------------------------------------------------------------
-- NEWS2
-- ---------------------------------------------------------------------------

-- The scored sets of a month (Stockholm time, the expression the view
-- groups by: immutable), each patient's in time order, with what the figure
-- reads of them, so a period is read from the index alone, already in the
-- order of the window below.
CREATE INDEX vital_signs_scored_month_idx ON vital_signs (
    (date_trunc('month', measured_at AT TIME ZONE 'Europe/Stockholm')::date), patient_id, measured_at, id
)
INCLUDE (care_unit_id, news2_band)
WHERE news2 IS NOT NULL AND entered_in_error_at IS NULL;
-- How many sets a period holds, for the planner.
CREATE STATISTICS vital_signs_month_stat ON (
    date_trunc('month', measured_at AT TIME ZONE 'Europe/Stockholm')::date
) FROM vital_signs;
-- Each patient's scored sets in time order: the next set in a later month.
CREATE INDEX vital_signs_scored_next_idx ON vital_signs (patient_id, measured_at, id)
WHERE news2 IS NOT NULL AND entered_in_error_at IS NULL;

-- A set's next set is the next of the patient's sets in the same month
-- (a window partitioned by the month, so a period is applied below it),
-- and for the last set of a month, if it was red, the patient's first set
-- after it, looked up in the index (a one-time filter: no lookup for the
-- rest). Sets of the same time are taken in the order of their ids.
CREATE OR REPLACE VIEW reporting.clinical_news2_month_live AS
WITH scored AS (
    SELECT
        v.care_unit_id,
        date_trunc('month', v.measured_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
        v.patient_id,
        v.id,
        v.measured_at,
        v.news2_band,
        lead(v.measured_at) OVER (
            PARTITION BY date_trunc('month', v.measured_at AT TIME ZONE 'Europe/Stockholm')::date, v.patient_id
            ORDER BY v.measured_at, v.id
        ) AS next_in_month
    FROM vital_signs AS v
    WHERE v.news2 IS NOT NULL AND v.entered_in_error_at IS NULL
),

followed AS (
    SELECT
        s.care_unit_id,
        s.month,
        s.news2_band,
        s.measured_at,
        coalesce(s.next_in_month, later.next_at) AS next_at
    FROM scored AS s
    LEFT JOIN LATERAL (
        SELECT x.measured_at AS next_at
        FROM vital_signs AS x
        WHERE
            s.news2_band <> 'low'
            AND s.next_in_month IS NULL
            AND x.patient_id = s.patient_id
            AND x.news2 IS NOT NULL
            AND x.entered_in_error_at IS NULL
            AND (x.measured_at, x.id) > (s.measured_at, s.id)
        ORDER BY x.measured_at, x.id
        LIMIT 1
    ) AS later ON true
)

SELECT
    f.care_unit_id,
    f.month,
    count(*)::integer AS scored_sets,
    count(*) FILTER (WHERE f.news2_band <> 'low')::integer AS red_sets,
    round(
        (
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM f.next_at - f.measured_at) / 60)
            FILTER (WHERE f.news2_band <> 'low' AND f.next_at IS NOT NULL)
        )::numeric,
        0
    ) AS median_minutes_to_next,
    count(*) FILTER (WHERE f.news2_band <> 'low' AND f.next_at IS NOT NULL)::integer AS red_followed
FROM followed AS f
-- The month first: the sets arrive by month, so each month is sorted alone.
GROUP BY f.month, f.care_unit_id;

-- ---------------------------------------------------------------------------
-- Diagnoses and procedures
-- ---------------------------------------------------------------------------

-- The diagnoses and procedures of a month (Stockholm time), with what the
-- figures read of them, so a period is read from the index alone.
CREATE INDEX diagnosis_month_idx ON diagnosis (
    (date_trunc('month', recorded_at AT TIME ZONE 'Europe/Stockholm')::date)
)
INCLUDE (care_unit_id, code, recorded_at)
WHERE entered_in_error_at IS NULL;
CREATE INDEX procedure_record_month_idx ON procedure_record (
    (date_trunc('month', performed_at AT TIME ZONE 'Europe/Stockholm')::date)
)
INCLUDE (care_unit_id, code, is_surgery, performed_at)
WHERE entered_in_error_at IS NULL;
CREATE STATISTICS diagnosis_month_stat ON (
    date_trunc('month', recorded_at AT TIME ZONE 'Europe/Stockholm')::date
) FROM diagnosis;
CREATE STATISTICS procedure_record_month_stat ON (
    date_trunc('month', performed_at AT TIME ZONE 'Europe/Stockholm')::date
) FROM procedure_record;

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
-- transaction of the refresh they see the new cells. The job sorts millions
-- of rows (the NEWS2 sets of every month): it may use memory enough to sort
-- a month's in place rather than on disk.
CREATE OR REPLACE FUNCTION report_refresh() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp SET work_mem = '64MB' AS $$
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
