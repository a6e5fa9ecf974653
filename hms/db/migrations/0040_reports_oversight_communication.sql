-- Reports, continued: oversight (emergency accesses and their review,
-- consultations and how soon they were answered) and communication (how
-- soon a unit answers a patient's message and a care request, and how soon
-- a referral is decided). The same layers and rules as 0038.
-- depends: 0039_reports_access_medication

-- ---------------------------------------------------------------------------
-- Oversight
-- ---------------------------------------------------------------------------

-- Emergency accesses per month and review state, with the median hours
-- until the review. An access belongs to the person who opened it, not to
-- a unit, so this figure is the hospital's and only administrators read it.
CREATE VIEW reporting.oversight_emergency_month_live AS
SELECT
    date_trunc('month', e.starts_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    coalesce(e.review::text, 'unreviewed') AS review,
    count(*)::integer AS accesses,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM e.reviewed_at - e.starts_at) / 3600))::numeric,
        1
    ) AS median_hours_to_review
FROM emergency_access AS e
GROUP BY date_trunc('month', e.starts_at AT TIME ZONE 'Europe/Stockholm'), coalesce(e.review::text, 'unreviewed');

CREATE MATERIALIZED VIEW reporting.oversight_emergency_month AS
SELECT
    month,
    review,
    accesses,
    median_hours_to_review
FROM reporting.oversight_emergency_month_live;
CREATE UNIQUE INDEX oversight_emergency_month_key ON reporting.oversight_emergency_month (month, review);

-- Consultations asked by each unit per month, answered, and the median
-- hours from the question to the answer.
CREATE VIEW reporting.oversight_consultation_month_live AS
SELECT
    c.care_unit_id,
    date_trunc('month', c.created_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS consultations,
    count(c.answered_at)::integer AS answered,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM c.answered_at - c.created_at) / 3600))::numeric,
        1
    ) AS median_hours_to_answer
FROM consultation AS c
GROUP BY c.care_unit_id, date_trunc('month', c.created_at AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.oversight_consultation_month AS
SELECT
    care_unit_id,
    month,
    consultations,
    answered,
    median_hours_to_answer
FROM reporting.oversight_consultation_month_live;
CREATE UNIQUE INDEX oversight_consultation_month_key ON reporting.oversight_consultation_month (care_unit_id, month);

-- ---------------------------------------------------------------------------
-- Communication
-- ---------------------------------------------------------------------------

-- Conversations patients started with each unit per month, those the unit
-- answered, and the median hours until its first answer.
CREATE VIEW reporting.communication_message_month_live AS
WITH thread AS (
    SELECT
        t.care_unit_id,
        t.started_at,
        (
            SELECT min(m.posted_at) FROM thread_message AS m
            WHERE m.thread_id = t.id AND m.side = 'staff'
        ) AS answered_at
    FROM message_thread AS t
)

SELECT
    h.care_unit_id,
    date_trunc('month', h.started_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    count(*)::integer AS threads,
    count(h.answered_at)::integer AS answered,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM h.answered_at - h.started_at) / 3600))::numeric,
        1
    ) AS median_hours_to_answer
FROM thread AS h
GROUP BY h.care_unit_id, date_trunc('month', h.started_at AT TIME ZONE 'Europe/Stockholm');

CREATE MATERIALIZED VIEW reporting.communication_message_month AS
SELECT
    care_unit_id,
    month,
    threads,
    answered,
    median_hours_to_answer
FROM reporting.communication_message_month_live;
CREATE UNIQUE INDEX communication_message_month_key ON reporting.communication_message_month (care_unit_id, month);

-- Care requests per unit (a renewal: its prescription's unit), month and
-- kind, those answered, and the median hours until the answer.
CREATE VIEW reporting.communication_request_month_live AS
SELECT
    coalesce(r.care_unit_id, p.care_unit_id) AS care_unit_id,
    date_trunc('month', r.filed_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    r.kind::text AS kind,
    count(*)::integer AS requests,
    count(r.answered_at)::integer AS answered,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM r.answered_at - r.filed_at) / 3600))::numeric,
        1
    ) AS median_hours_to_answer
FROM care_request AS r
LEFT JOIN prescription AS p ON r.prescription_id = p.id
WHERE coalesce(r.care_unit_id, p.care_unit_id) IS NOT NULL
GROUP BY
    coalesce(r.care_unit_id, p.care_unit_id), date_trunc('month', r.filed_at AT TIME ZONE 'Europe/Stockholm'),
    r.kind;

CREATE MATERIALIZED VIEW reporting.communication_request_month AS
SELECT
    care_unit_id,
    month,
    kind,
    requests,
    answered,
    median_hours_to_answer
FROM reporting.communication_request_month_live;
CREATE UNIQUE INDEX communication_request_month_key ON reporting.communication_request_month (
    care_unit_id, month, kind
);

-- Referrals each unit received per month and urgency, those decided, the
-- median hours to the decision, and those decided within the urgency's
-- target (referral_urgency_target).
CREATE VIEW reporting.communication_referral_month_live AS
SELECT
    r.to_unit_id AS care_unit_id,
    date_trunc('month', r.sent_at AT TIME ZONE 'Europe/Stockholm')::date AS month,
    r.urgency::text AS urgency,
    count(*)::integer AS referrals,
    count(r.decided_at)::integer AS decided,
    round(
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(EPOCH FROM r.decided_at - r.sent_at) / 3600))::numeric,
        1
    ) AS median_hours_to_decision,
    count(*) FILTER (
        WHERE r.decided_at <= r.sent_at + make_interval(days => t.target_days)
    )::integer AS within_target
FROM referral AS r
LEFT JOIN referral_urgency_target AS t ON r.urgency = t.urgency
GROUP BY r.to_unit_id, date_trunc('month', r.sent_at AT TIME ZONE 'Europe/Stockholm'), r.urgency;

CREATE MATERIALIZED VIEW reporting.communication_referral_month AS
SELECT
    care_unit_id,
    month,
    urgency,
    referrals,
    decided,
    median_hours_to_decision,
    within_target
FROM reporting.communication_referral_month_live;
CREATE UNIQUE INDEX communication_referral_month_key ON reporting.communication_referral_month (
    care_unit_id, month, urgency
);

-- ---------------------------------------------------------------------------
-- The views hms_app reads
-- ---------------------------------------------------------------------------

CREATE VIEW report_oversight_emergency_month WITH (security_barrier) AS
SELECT
    e.month,
    e.review,
    CASE WHEN e.accesses >= 5 THEN e.accesses END AS accesses,
    CASE WHEN e.accesses >= 5 THEN e.median_hours_to_review END AS median_hours_to_review
FROM reporting.oversight_emergency_month AS e
WHERE (SELECT hms_current_role()) = 'administrator';

CREATE VIEW report_oversight_consultation_month WITH (security_barrier) AS
SELECT
    c.care_unit_id,
    u.name AS care_unit,
    c.month,
    CASE WHEN c.consultations >= 5 THEN c.consultations END AS consultations,
    CASE WHEN c.answered >= 5 THEN c.answered END AS answered,
    CASE WHEN c.answered >= 5 THEN c.median_hours_to_answer END AS median_hours_to_answer
FROM reporting.oversight_consultation_month AS c
INNER JOIN care_unit AS u ON c.care_unit_id = u.id
WHERE c.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_communication_message_month WITH (security_barrier) AS
SELECT
    m.care_unit_id,
    u.name AS care_unit,
    m.month,
    CASE WHEN m.threads >= 5 THEN m.threads END AS threads,
    CASE WHEN m.answered >= 5 THEN m.answered END AS answered,
    CASE WHEN m.answered >= 5 THEN m.median_hours_to_answer END AS median_hours_to_answer
FROM reporting.communication_message_month AS m
INNER JOIN care_unit AS u ON m.care_unit_id = u.id
WHERE m.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_communication_request_month WITH (security_barrier) AS
SELECT
    r.care_unit_id,
    u.name AS care_unit,
    r.month,
    r.kind,
    CASE WHEN r.requests >= 5 THEN r.requests END AS requests,
    CASE WHEN r.answered >= 5 THEN r.answered END AS answered,
    CASE WHEN r.answered >= 5 THEN r.median_hours_to_answer END AS median_hours_to_answer
FROM reporting.communication_request_month AS r
INNER JOIN care_unit AS u ON r.care_unit_id = u.id
WHERE r.care_unit_id = any((SELECT hms_report_units())::bigint[]);

CREATE VIEW report_communication_referral_month WITH (security_barrier) AS
SELECT
    r.care_unit_id,
    u.name AS care_unit,
    r.month,
    r.urgency,
    CASE WHEN r.referrals >= 5 THEN r.referrals END AS referrals,
    CASE WHEN r.decided >= 5 THEN r.decided END AS decided,
    CASE WHEN r.decided >= 5 THEN r.median_hours_to_decision END AS median_hours_to_decision,
    CASE
        WHEN r.within_target >= 5 AND r.decided - r.within_target >= 5
            THEN round(100.0 * r.within_target / r.decided, 1)
    END AS within_target_pct
FROM reporting.communication_referral_month AS r
INNER JOIN care_unit AS u ON r.care_unit_id = u.id
WHERE r.care_unit_id = any((SELECT hms_report_units())::bigint[]);

GRANT SELECT ON
report_oversight_emergency_month, report_oversight_consultation_month, report_communication_message_month,
report_communication_request_month, report_communication_referral_month
TO hms_app;
