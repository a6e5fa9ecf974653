-- The ward board (nurses and doctors): every bed of one ward with its patient.

-- name: wards_mine
-- The active wards of the user's care units, with how many active beds each has.
SELECT
    w.id AS ward_id,
    w.name AS ward_name,
    cu.name AS care_unit,
    count(b.id) AS beds
FROM staff_care_unit AS s
INNER JOIN ward AS w ON s.care_unit_id = w.care_unit_id AND w.is_active
INNER JOIN care_unit AS cu ON w.care_unit_id = cu.id
LEFT JOIN room AS rm ON w.id = rm.ward_id
LEFT JOIN bed AS b ON rm.id = b.room_id AND b.is_active
WHERE s.user_id = :user_id
GROUP BY w.id, w.name, cu.name
ORDER BY cu.name, w.name;

-- name: ward_board
-- One ward of the user's care units, one row per room and active bed (a ward
-- without beds gives one row, so an empty board is told from a refused one):
-- the patient whose open encounter holds the bed now, the attending doctor,
-- the allergy flag, the latest NEWS2, active care plans and current critical
-- results no one has acknowledged. One statement, so the board refreshes
-- cheaply; row-level security leaves the patient's columns empty where the
-- user may not see the encounter.
SELECT
    w.id AS ward_id,
    w.name AS ward_name,
    cu.name AS care_unit,
    rm.name AS room_name,
    b.id AS bed_id,
    b.label AS bed_label,
    e.patient_id,
    e.id AS encounter_id,
    e.started_at,
    p.given_name,
    p.family_name,
    p.personal_number,
    doc.full_name AS attending,
    al.allergies,
    al.severe_allergy,
    vs.news2,
    vs.news2_band,
    vs.measured_at,
    cp.care_plans,
    lab.critical_results
FROM ward AS w
INNER JOIN care_unit AS cu ON w.care_unit_id = cu.id
LEFT JOIN room AS rm ON w.id = rm.ward_id
LEFT JOIN bed AS b ON rm.id = b.room_id AND b.is_active
LEFT JOIN bed_occupancy AS o ON b.id = o.bed_id AND o.during @> now()
LEFT JOIN encounter AS e ON o.encounter_id = e.id AND e.ended_at IS NULL
LEFT JOIN patient AS p ON e.patient_id = p.id
LEFT JOIN app_user AS doc ON e.responsible_id = doc.id
LEFT JOIN LATERAL (
    SELECT
        count(*) AS allergies,
        coalesce(bool_or(a.severity IN ('severe', 'life_threatening')), false) AS severe_allergy
    FROM allergy AS a
    WHERE a.patient_id = e.patient_id AND a.entered_in_error_at IS NULL
) AS al ON e.id IS NOT NULL
LEFT JOIN LATERAL (
    SELECT
        v.news2,
        v.news2_band,
        v.measured_at
    FROM vital_signs AS v
    WHERE
        v.patient_id = e.patient_id
        AND v.news2 IS NOT NULL
        AND v.entered_in_error_at IS NULL
    ORDER BY v.measured_at DESC
    LIMIT 1
) AS vs ON e.id IS NOT NULL
LEFT JOIN LATERAL (
    SELECT
        json_agg(
            json_build_object(
                'id', c.id, 'title', c.title, 'actions', c.actions, 'review_date', c.review_date
            )
            ORDER BY c.review_date, c.id
        ) AS care_plans
    FROM care_plan AS c
    WHERE
        c.patient_id = e.patient_id
        AND c.status = 'active'
        AND c.entered_in_error_at IS NULL
) AS cp ON e.id IS NOT NULL
LEFT JOIN LATERAL (
    SELECT
        json_agg(
            json_build_object(
                'result_id', r.id, 'short_name', t.short_name, 'name_en', t.name_en,
                'name_sv', t.name_sv, 'value', r.value, 'unit', r.unit, 'flag', r.flag,
                'entered_at', r.entered_at
            )
            ORDER BY r.entered_at
        ) AS critical_results
    FROM lab_result AS r
    INNER JOIN lab_test AS t ON r.loinc = t.loinc
    WHERE
        r.patient_id = e.patient_id
        AND r.flag IN ('critical_low', 'critical_high')
        AND NOT EXISTS (
            SELECT 1 FROM lab_result_ack AS k
            WHERE k.result_id = r.id
        )
        AND NOT EXISTS (
            SELECT 1 FROM lab_result AS n
            WHERE n.supersedes = r.id
        )
) AS lab ON e.id IS NOT NULL
WHERE
    w.id = :ward_id
    AND w.is_active
    AND w.care_unit_id IN (
        SELECT s.care_unit_id FROM staff_care_unit AS s
        WHERE s.user_id = (SELECT hms_current_user_id())
    )
ORDER BY rm.name NULLS LAST, b.label NULLS LAST;

-- name: red_flags_mine
-- Patients with an open encounter in the user's care units whose latest NEWS2
-- is red: 5 or more, or one parameter scoring 3 (every band but 'low').
SELECT
    e.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    cu.name AS care_unit,
    vs.news2,
    vs.news2_band,
    vs.measured_at,
    bs.ward_id,
    bs.ward_name || ' ' || bs.room_name || bs.bed_label AS place
FROM staff_care_unit AS s
INNER JOIN encounter AS e ON s.care_unit_id = e.care_unit_id AND e.ended_at IS NULL
INNER JOIN patient AS p ON e.patient_id = p.id
INNER JOIN care_unit AS cu ON e.care_unit_id = cu.id
INNER JOIN LATERAL (
    SELECT
        v.news2,
        v.news2_band,
        v.measured_at
    FROM vital_signs AS v
    WHERE
        v.patient_id = e.patient_id
        AND v.news2 IS NOT NULL
        AND v.entered_in_error_at IS NULL
    ORDER BY v.measured_at DESC
    LIMIT 1
) AS vs ON vs.news2_band <> 'low'
LEFT JOIN bed_status AS bs ON e.id = bs.encounter_id
WHERE s.user_id = :user_id
ORDER BY vs.news2 DESC, vs.measured_at ASC
LIMIT 50;
