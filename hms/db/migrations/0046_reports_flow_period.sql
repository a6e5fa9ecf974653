-- Bed occupancy per ward and day for a period reads that period's stays,
-- and the database compiles none of HMS's queries to machine code.
--
-- The figure numbered each admission's occupancies with row_number() over
-- every bed occupancy there is, so a period's filter could not reach below
-- the window: a 90-day read (reporting.flow_ward_day_live WHERE day >= …)
-- computed eight years of wards and days first (3.1 s at 500,000 stays).
-- Now an occupancy is its admission's first (or last) when no other of the
-- same admission starts before (after) it, a probe of
-- bed_occupancy_encounter_idx; admissions and discharges reach their rows
-- through an index on the Stockholm day they happened; and the census walks
-- the days, from the first admission on, finding the beds taken at each
-- day's noon through the GiST index of bed_occupancy_no_double_booking, so
-- a filter on the day keeps the walk to the period. Every cell is the same
-- as before (12,942 cells compared on the benchmark's history).
--
-- Discharges per unit and month found each admission's next with lead()
-- over every admission of every patient, for the same reason unable to
-- keep to a period (187 ms for 90 days). A readmission is now an EXISTS
-- probe of encounter_patient_started_idx: another admission of the patient
-- that started after this one and within 30 days of its end, which is what
-- "the next admission started within 30 days" says; the period reaches the
-- rows through an index on the month of discharge (13 ms). Every cell is
-- the same as before (458 cells compared).
--
-- JIT: PostgreSQL compiles a query to machine code when its estimated cost
-- passes jit_above_cost. HMS's queries are short, and the few that pass are
-- reports whose whole run is under a second: the 90-day ward read spent
-- 667 ms compiling to save nothing, and NEWS2's cold read 367 ms. So JIT is
-- off for the database. A role that cannot alter the database gets a notice
-- instead, and docs/QUERIES.md says to set it by hand.
-- depends: 0045_reports_critical_corrections

CREATE INDEX bed_occupancy_start_day_idx ON bed_occupancy (((lower(during) AT TIME ZONE 'Europe/Stockholm')::date));
CREATE INDEX encounter_end_day_idx ON encounter (((ended_at AT TIME ZONE 'Europe/Stockholm')::date))
WHERE ended_at IS NOT NULL;
CREATE INDEX encounter_discharge_month_idx ON encounter ((date_trunc('month', ended_at AT TIME ZONE 'Europe/Stockholm')::date))
WHERE kind = 'admission' AND ended_at IS NOT NULL;

CREATE OR REPLACE VIEW reporting.flow_ward_day_live AS
WITH stay AS NOT MATERIALIZED (
    -- Each bed occupancy, and whether it is its admission's first and last.
    SELECT
        o.encounter_id,
        r.ward_id,
        o.during,
        NOT EXISTS (
            SELECT FROM bed_occupancy AS p
            WHERE p.encounter_id = o.encounter_id AND lower(p.during) < lower(o.during)
        ) AS is_first,
        NOT EXISTS (
            SELECT FROM bed_occupancy AS p
            WHERE p.encounter_id = o.encounter_id AND lower(p.during) > lower(o.during)
        ) AS is_last
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
    WHERE s.is_first
    UNION ALL
    SELECT
        s.ward_id,
        (e.ended_at AT TIME ZONE 'Europe/Stockholm')::date AS day,
        0 AS admitted,
        1 AS discharged,
        0 AS occupied
    FROM stay AS s
    INNER JOIN encounter AS e ON s.encounter_id = e.id
    WHERE s.is_last AND e.ended_at IS NOT NULL
    UNION ALL
    -- The census: in a bed of the ward at noon, the hospital's time. Day by
    -- day from the first admission on, so that a period keeps to its days.
    SELECT
        s.ward_id,
        d.day::date AS day,
        0 AS admitted,
        0 AS discharged,
        1 AS occupied
    FROM
        generate_series(
            (SELECT min((lower(o.during) AT TIME ZONE 'Europe/Stockholm')::date) FROM bed_occupancy AS o)::timestamp,
            hms_today()::timestamp,
            interval '1 day'
        ) AS d (day)
    INNER JOIN stay AS s ON s.during @> ((d.day + interval '12 hours') AT TIME ZONE 'Europe/Stockholm')
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

CREATE OR REPLACE VIEW reporting.flow_unit_month_live AS
SELECT
    e.care_unit_id,
    date_trunc('month', e.ended_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS discharges,
    round(avg(extract(EPOCH FROM e.ended_at - e.started_at) / 86400), 1) AS mean_stay_days,
    count(*) FILTER (
        WHERE EXISTS (
            SELECT FROM encounter AS n
            WHERE
                n.patient_id = e.patient_id
                AND n.kind = 'admission'
                AND n.started_at > e.started_at
                AND n.started_at < e.ended_at + interval '30 days'
        )
    )::integer AS readmissions
FROM encounter AS e
WHERE e.kind = 'admission' AND e.ended_at IS NOT NULL
GROUP BY e.care_unit_id, date_trunc('month', e.ended_at AT TIME ZONE 'Europe/Stockholm');

DO $$
BEGIN
    IF pg_has_role(current_user, (SELECT d.datdba FROM pg_database AS d WHERE d.datname = current_database()), 'USAGE')
        OR (SELECT r.rolsuper FROM pg_roles AS r WHERE r.rolname = current_user) THEN
        EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
    ELSE
        RAISE NOTICE 'jit stays as the server sets it: % may not alter database %', current_user, current_database();
    END IF;
END
$$;
