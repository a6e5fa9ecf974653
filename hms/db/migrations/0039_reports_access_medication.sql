-- Reports, continued: access to care (waiting times, the 90-day care
-- guarantee, no-shows, appointments per clinician) and medication (new
-- prescriptions by ATC group, overridden safety warnings, and the stock:
-- its value, batches about to expire, drugs run out). The same layers and
-- the same rules as 0038: aggregates in the schema reporting, read through
-- security-barrier views kept to the user's units, counts below 5 and
-- everything computed from them suppressed. report_refresh() refreshes
-- every materialised view of the schema, these included.
-- depends: 0038_reports

-- ---------------------------------------------------------------------------
-- Access
-- ---------------------------------------------------------------------------

-- The wait from a referral the unit accepted, or a patient's booking request
-- to it, until the patient's first visit there (the first appointment they
-- arrived at, after the request), per unit and month of that visit.
CREATE VIEW reporting.access_wait_month_live AS
WITH request AS (
    SELECT
        r.patient_id,
        r.to_unit_id AS care_unit_id,
        r.sent_at AS asked_at
    FROM referral AS r
    WHERE r.status = 'accepted'
    UNION ALL
    SELECT
        c.patient_id,
        c.care_unit_id,
        c.filed_at AS asked_at
    FROM care_request AS c
    WHERE c.kind = 'booking' AND c.care_unit_id IS NOT NULL
),

first_visit AS (
    SELECT
        q.care_unit_id,
        q.asked_at,
        (
            SELECT min(lower(a.during)) FROM appointment AS a
            WHERE
                a.patient_id = q.patient_id AND a.care_unit_id = q.care_unit_id
                AND a.status = 'arrived' AND lower(a.during) >= q.asked_at
        ) AS seen_at
    FROM request AS q
)

SELECT
    f.care_unit_id,
    date_trunc('month', f.seen_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS first_visits,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM f.seen_at - f.asked_at) / 86400))::numeric, 1
    ) AS median_wait_days,
    count(*) FILTER (WHERE f.seen_at < f.asked_at + interval '90 days')::integer AS within_90_days
FROM first_visit AS f
WHERE f.seen_at IS NOT NULL
GROUP BY f.care_unit_id, date_trunc('month', f.seen_at AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.access_wait_month AS
SELECT
    care_unit_id,
    month,
    first_visits,
    median_wait_days,
    within_90_days
FROM reporting.access_wait_month_live;
CREATE UNIQUE INDEX access_wait_month_key ON reporting.access_wait_month (care_unit_id, month);

-- Appointments attended and missed per unit and month.
CREATE VIEW reporting.access_attendance_month_live AS
SELECT
    a.care_unit_id,
    date_trunc('month', lower(a.during) AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*) FILTER (WHERE a.status = 'arrived')::integer AS attended,
    count(*) FILTER (WHERE a.status = 'no_show')::integer AS no_shows
FROM appointment AS a
WHERE a.status IN ('arrived', 'no_show')
GROUP BY a.care_unit_id, date_trunc('month', lower(a.during) AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.access_attendance_month AS
SELECT
    care_unit_id,
    month,
    attended,
    no_shows
FROM reporting.access_attendance_month_live;
CREATE UNIQUE INDEX access_attendance_month_key ON reporting.access_attendance_month (care_unit_id, month);

-- Appointments (not cancelled) per clinician, unit and month.
CREATE VIEW reporting.access_clinician_month_live AS
SELECT
    a.care_unit_id,
    a.clinician_id,
    date_trunc('month', lower(a.during) AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS appointments
FROM appointment AS a
WHERE a.status IN ('booked', 'arrived', 'no_show')
GROUP BY a.care_unit_id, a.clinician_id, date_trunc('month', lower(a.during) AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.access_clinician_month AS
SELECT
    care_unit_id,
    clinician_id,
    month,
    appointments
FROM reporting.access_clinician_month_live;
CREATE UNIQUE INDEX access_clinician_month_key ON reporting.access_clinician_month (
    care_unit_id, clinician_id, month
);

-- ---------------------------------------------------------------------------
-- Medication and pharmacy
-- ---------------------------------------------------------------------------

-- New prescriptions per unit, month and ATC therapeutic group (level 2).
CREATE VIEW reporting.medication_atc_month_live AS
SELECT
    p.care_unit_id,
    date_trunc('month', p.created_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    left(d.atc_code, 3) AS atc_group,
    count(*)::integer AS prescriptions
FROM prescription AS p
INNER JOIN drug AS d ON p.drug_id = d.id
GROUP BY p.care_unit_id, date_trunc('month', p.created_at AT TIME ZONE 'Europe/Stockholm'), left(d.atc_code, 3);

CREATE MATERIALIZED VIEW reporting.medication_atc_month AS
SELECT
    care_unit_id,
    month,
    atc_group,
    prescriptions
FROM reporting.medication_atc_month_live;
CREATE UNIQUE INDEX medication_atc_month_key ON reporting.medication_atc_month (care_unit_id, month, atc_group);

-- Safety warnings the prescriber overrode, per prescribing unit, month and kind.
CREATE VIEW reporting.medication_override_month_live AS
SELECT
    p.care_unit_id,
    date_trunc('month', w.overridden_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    w.kind,
    count(*)::integer AS overrides
FROM prescription_warning AS w
INNER JOIN prescription AS p ON w.prescription_id = p.id
GROUP BY p.care_unit_id, date_trunc('month', w.overridden_at AT TIME ZONE 'Europe/Stockholm'), w.kind;

CREATE MATERIALIZED VIEW reporting.medication_override_month AS
SELECT
    care_unit_id,
    month,
    kind,
    overrides
FROM reporting.medication_override_month_live;
CREATE UNIQUE INDEX medication_override_month_key ON reporting.medication_override_month (care_unit_id, month, kind);

-- The stock of each location as of the refresh: its value at cost, the
-- batches in stock that expire within 90 days, and the drugs it has held
-- that are now out. Stock names no patient; which patient a dispense was
-- for is not read.
CREATE VIEW reporting.medication_stock_live AS
SELECT
    l.id AS location_id,
    l.care_unit_id,
    coalesce(sum(b.quantity * b.unit_cost), 0)::numeric(14, 2) AS stock_value,
    (count(*) FILTER (WHERE b.quantity > 0 AND b.expires_on < hms_today() + 90))::integer AS expiring_batches,
    (
        SELECT count(*)::integer FROM (
            SELECT o.drug_id FROM stock_batch AS o
            WHERE o.location_id = l.id
            GROUP BY o.drug_id
            HAVING sum(o.quantity) = 0
        ) AS gone
    ) AS stock_outs,
    hms_today() AS as_of
FROM stock_location AS l
LEFT JOIN stock_batch AS b ON l.id = b.location_id
GROUP BY l.id, l.care_unit_id;

CREATE MATERIALIZED VIEW reporting.medication_stock AS
SELECT
    location_id,
    care_unit_id,
    stock_value,
    expiring_batches,
    stock_outs,
    as_of
FROM reporting.medication_stock_live;
CREATE UNIQUE INDEX medication_stock_key ON reporting.medication_stock (location_id);

-- ---------------------------------------------------------------------------
-- The views hms_app reads
-- ---------------------------------------------------------------------------

CREATE VIEW report_access_wait_month WITH (security_barrier) AS
SELECT
    w.care_unit_id,
    u.name AS care_unit,
    w.month,
    CASE WHEN w.first_visits >= 5 THEN w.first_visits END AS first_visits,
    CASE WHEN w.first_visits >= 5 THEN w.median_wait_days END AS median_wait_days,
    CASE
        WHEN w.within_90_days >= 5 AND w.first_visits - w.within_90_days >= 5
            THEN round(100.0 * w.within_90_days / w.first_visits, 1)
    END AS within_90_days_pct
FROM reporting.access_wait_month AS w
INNER JOIN care_unit AS u ON w.care_unit_id = u.id
WHERE w.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_access_attendance_month WITH (security_barrier) AS
SELECT
    a.care_unit_id,
    u.name AS care_unit,
    a.month,
    CASE WHEN a.attended >= 5 THEN a.attended END AS attended,
    CASE WHEN a.no_shows >= 5 THEN a.no_shows END AS no_shows,
    CASE
        WHEN a.attended >= 5 AND a.no_shows >= 5 THEN round(100.0 * a.no_shows / (a.attended + a.no_shows), 1)
    END AS no_show_pct
FROM reporting.access_attendance_month AS a
INNER JOIN care_unit AS u ON a.care_unit_id = u.id
WHERE a.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_access_clinician_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    s.full_name AS clinician,
    c.month,
    CASE WHEN c.appointments >= 5 THEN c.appointments END AS appointments
FROM reporting.access_clinician_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
INNER JOIN app_user AS s ON c.clinician_id = s.id
WHERE c.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_medication_atc_month WITH (security_barrier) AS
SELECT
    m.care_unit_id,
    u.name AS care_unit,
    m.month,
    m.atc_group,
    g.name_en AS atc_name,
    g.name_sv AS atc_name_sv,
    CASE WHEN m.prescriptions >= 5 THEN m.prescriptions END AS prescriptions
FROM reporting.medication_atc_month AS m
INNER JOIN care_unit AS u ON m.care_unit_id = u.id
LEFT JOIN atc_group AS g ON m.atc_group = g.code
WHERE m.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_medication_override_month WITH (security_barrier) AS
SELECT
    o.care_unit_id,
    u.name AS care_unit,
    o.month,
    o.kind,
    CASE WHEN o.overrides >= 5 THEN o.overrides END AS overrides
FROM reporting.medication_override_month AS o
INNER JOIN care_unit AS u ON o.care_unit_id = u.id
WHERE o.care_unit_id = any((SELECT hms_report_units())::bigint[]);

-- A ward's medicine room belongs to its unit; the pharmacy's own stores to
-- no unit, and only administrators report on them.
CREATE VIEW report_medication_stock WITH (security_barrier) AS
SELECT
    s.care_unit_id,
    u.name AS care_unit,
    l.name AS location,
    s.as_of,
    s.stock_value,
    CASE WHEN s.expiring_batches >= 5 THEN s.expiring_batches END AS expiring_batches,
    CASE WHEN s.stock_outs >= 5 THEN s.stock_outs END AS stock_outs
FROM reporting.medication_stock AS s
INNER JOIN stock_location AS l ON s.location_id = l.id
LEFT JOIN care_unit AS u ON s.care_unit_id = u.id
WHERE
    s.care_unit_id = any((SELECT hms_report_units())::bigint[])
    OR (s.care_unit_id IS NULL AND (SELECT hms_current_role()) = 'administrator');

GRANT SELECT ON
report_access_wait_month, report_access_attendance_month, report_access_clinician_month,
report_medication_atc_month, report_medication_override_month, report_medication_stock
TO hms_app;
