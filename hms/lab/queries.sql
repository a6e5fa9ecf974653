-- name: catalogue_tests
-- The tests that may be ordered, in the catalogue's order (the order form).
SELECT
    t.loinc,
    t.short_name,
    t.name_en,
    t.name_sv,
    t.unit,
    t.specimen,
    t.decimals
FROM lab_test AS t
WHERE t.retired_at IS NULL
ORDER BY t.sort_order;

-- name: catalogue_panels
-- The panels, each with the short names of its tests (the order form).
SELECT
    p.code,
    p.name_en,
    p.name_sv,
    array_agg(t.short_name ORDER BY pt.position) AS tests
FROM lab_panel AS p
INNER JOIN lab_panel_test AS pt ON p.code = pt.panel_code
INNER JOIN lab_test AS t ON pt.loinc = t.loinc
GROUP BY p.code
ORDER BY p.sort_order;

-- name: test_get^
-- One test of the catalogue (the trend page's title and unit).
SELECT
    t.loinc,
    t.short_name,
    t.name_en,
    t.name_sv,
    t.unit,
    t.specimen,
    t.decimals
FROM lab_test AS t
WHERE t.loinc = :loinc;

-- name: test_ranges
-- A test's reference ranges, by sex and age band (the trend page's legend).
SELECT
    r.sex,
    r.age_from::text AS age_from,
    r.age_to::text AS age_to,
    r.low,
    r.high,
    r.critical_low,
    r.critical_high
FROM lab_reference_range AS r
WHERE r.loinc = :loinc
ORDER BY r.age_from, r.sex;

-- name: order_place^
-- A doctor orders tests and panels (lab_order_place checks who and for whom).
SELECT
    lab_order_place(
        :patient_id, :care_unit_id, cast(:priority AS lab_priority), :question,
        cast(:tests AS text[]), cast(:panels AS text[])
    ) AS id;

-- name: order_sample^
-- A nurse of the ordering unit records the sample taken.
SELECT lab_order_sample(:order_id, :sampled_at) IS NULL AS done;

-- name: order_cancel^
-- The ordering doctor, or a doctor of the unit, cancels an order not yet sampled.
SELECT lab_order_cancel(:order_id, :reason) IS NULL AS done;

-- name: orders_for_patient
-- A patient's laboratory orders, newest first, with who ordered and sampled.
SELECT
    o.id,
    o.patient_id,
    o.care_unit_id,
    cu.name AS care_unit_name,
    o.ordered_by,
    ob.full_name AS ordered_by_name,
    o.ordered_at,
    o.priority,
    o.clinical_question,
    o.status,
    o.sampled_at,
    sb.full_name AS sampled_by_name,
    o.cancelled_at,
    o.cancel_reason
FROM lab_order AS o
INNER JOIN care_unit AS cu ON o.care_unit_id = cu.id
INNER JOIN app_user AS ob ON o.ordered_by = ob.id
LEFT JOIN app_user AS sb ON o.sampled_by = sb.id
WHERE o.patient_id = :patient_id
ORDER BY o.ordered_at DESC, o.id DESC
LIMIT :limit;

-- name: order_get^
-- One order of a patient, with who ordered and sampled.
SELECT
    o.id,
    o.patient_id,
    o.care_unit_id,
    cu.name AS care_unit_name,
    o.ordered_by,
    ob.full_name AS ordered_by_name,
    o.ordered_at,
    o.priority,
    o.clinical_question,
    o.status,
    o.sampled_at,
    sb.full_name AS sampled_by_name
FROM lab_order AS o
INNER JOIN care_unit AS cu ON o.care_unit_id = cu.id
INNER JOIN app_user AS ob ON o.ordered_by = ob.id
LEFT JOIN app_user AS sb ON o.sampled_by = sb.id
WHERE o.id = :order_id AND o.patient_id = :patient_id;

-- name: lines_for_patient
-- Every line of a patient's orders with its current result (the one no
-- correction replaced), how many it replaced, and who acknowledged it.
SELECT
    i.id AS item_id,
    i.order_id,
    i.loinc,
    i.panel_code,
    t.short_name,
    t.name_en,
    t.name_sv,
    t.unit,
    t.decimals,
    r.id AS result_id,
    r.value,
    r.flag,
    r.ref_low,
    r.ref_high,
    r.comment,
    r.entered_at,
    eb.full_name AS entered_by_name,
    r.supersedes IS NOT NULL AS corrected,
    a.acknowledged_at,
    ab.full_name AS acknowledged_by_name
FROM lab_order_item AS i
INNER JOIN lab_test AS t ON i.loinc = t.loinc
LEFT JOIN lab_result AS r
    ON
        i.id = r.item_id
        AND NOT EXISTS (
            SELECT 1 FROM lab_result AS n
            WHERE n.supersedes = r.id
        )
LEFT JOIN app_user AS eb ON r.entered_by = eb.id
LEFT JOIN lab_result_ack AS a ON r.id = a.result_id
LEFT JOIN app_user AS ab ON a.acknowledged_by = ab.id
WHERE i.patient_id = :patient_id AND i.order_id = any(:order_ids)
ORDER BY i.order_id, t.sort_order;

-- name: result_history
-- Every result of one order line, corrections included, newest first.
SELECT
    r.id,
    r.value,
    r.unit,
    r.flag,
    r.comment,
    r.supersedes,
    r.source,
    r.entered_at,
    eb.full_name AS entered_by_name
FROM lab_result AS r
INNER JOIN app_user AS eb ON r.entered_by = eb.id
WHERE r.patient_id = :patient_id AND r.item_id = any(:item_ids)
ORDER BY r.item_id ASC, r.id DESC;

-- name: result_insert^
-- A result of an order line; the database fills unit, range, flag and writer.
INSERT INTO lab_result (item_id, patient_id, loinc, value, comment, supersedes, source)
VALUES (:item_id, :patient_id, :loinc, :value, :comment, :supersedes, :source)
RETURNING id, flag;

-- name: result_get^
-- One current or past result of a patient, with its order's doctor and unit.
SELECT
    r.id,
    r.patient_id,
    r.loinc,
    r.flag,
    o.id AS order_id,
    o.ordered_by,
    o.care_unit_id,
    a.acknowledged_at
FROM lab_result AS r
INNER JOIN lab_order_item AS i ON r.item_id = i.id
INNER JOIN lab_order AS o ON i.order_id = o.id
LEFT JOIN lab_result_ack AS a ON r.id = a.result_id
WHERE r.id = :result_id AND r.patient_id = :patient_id;

-- name: result_acknowledge!
-- A doctor acknowledges a result (the database checks which doctors may).
INSERT INTO lab_result_ack (result_id, patient_id)
VALUES (:result_id, :patient_id);

-- name: trend
-- A patient's current results of one test over time, by sampling time.
SELECT
    r.id,
    o.sampled_at,
    r.value,
    r.unit,
    r.flag,
    r.ref_low,
    r.ref_high,
    r.supersedes IS NOT NULL AS corrected,
    o.id AS order_id
FROM lab_result AS r
INNER JOIN lab_order_item AS i ON r.item_id = i.id
INNER JOIN lab_order AS o ON i.order_id = o.id
WHERE
    r.patient_id = :patient_id AND r.loinc = :loinc
    AND NOT EXISTS (
        SELECT 1 FROM lab_result AS n
        WHERE n.supersedes = r.id
    )
ORDER BY o.sampled_at, r.id
LIMIT :limit;

-- name: analytes_for_patient
-- The tests a patient has results of, with the latest sampling time (trend links).
SELECT
    t.loinc,
    t.short_name,
    t.name_en,
    t.name_sv,
    count(*) AS results,
    max(r.entered_at) AS latest
FROM lab_result AS r
INNER JOIN lab_test AS t ON r.loinc = t.loinc
WHERE r.patient_id = :patient_id
GROUP BY t.loinc
ORDER BY min(t.sort_order);

-- name: critical_unacknowledged_mine
-- Current critical results no one has acknowledged, of orders this doctor
-- placed or from one of their units (the doctor's home page).
SELECT
    r.id AS result_id,
    r.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    t.short_name,
    t.name_en,
    t.name_sv,
    r.value,
    r.unit,
    r.flag,
    r.entered_at,
    o.id AS order_id,
    o.ordered_by
FROM lab_result AS r
INNER JOIN lab_order_item AS i ON r.item_id = i.id
INNER JOIN lab_order AS o ON i.order_id = o.id
INNER JOIN lab_test AS t ON r.loinc = t.loinc
INNER JOIN patient AS p ON r.patient_id = p.id
WHERE
    r.flag IN ('critical_low', 'critical_high')
    AND NOT EXISTS (
        SELECT 1 FROM lab_result_ack AS a
        WHERE a.result_id = r.id
    )
    AND NOT EXISTS (
        SELECT 1 FROM lab_result AS n
        WHERE n.supersedes = r.id
    )
    AND (
        o.ordered_by = :user_id
        OR o.care_unit_id IN (
            SELECT s.care_unit_id FROM staff_care_unit AS s
            WHERE s.user_id = :user_id
        )
    )
ORDER BY r.entered_at
LIMIT :limit;

-- name: critical_unacknowledged_for_patients
-- Current critical results no one has acknowledged, of the given patients
-- (a ward board asks it once for all the patients it shows).
SELECT
    r.id AS result_id,
    r.patient_id,
    t.loinc,
    t.short_name,
    t.name_en,
    t.name_sv,
    r.value,
    r.unit,
    r.flag,
    r.entered_at,
    o.id AS order_id,
    o.care_unit_id,
    o.ordered_by
FROM lab_result AS r
INNER JOIN lab_order_item AS i ON r.item_id = i.id
INNER JOIN lab_order AS o ON i.order_id = o.id
INNER JOIN lab_test AS t ON r.loinc = t.loinc
WHERE
    r.patient_id = any(:patient_ids)
    AND r.flag IN ('critical_low', 'critical_high')
    AND NOT EXISTS (
        SELECT 1 FROM lab_result_ack AS a
        WHERE a.result_id = r.id
    )
    AND NOT EXISTS (
        SELECT 1 FROM lab_result AS n
        WHERE n.supersedes = r.id
    )
ORDER BY r.patient_id, r.entered_at;

-- name: sampling_worklist
-- Orders waiting for their sample in the given units, urgent first, oldest first.
SELECT
    o.id AS order_id,
    o.patient_id,
    p.given_name,
    p.family_name,
    p.personal_number,
    o.care_unit_id,
    cu.name AS care_unit_name,
    o.priority,
    o.ordered_at,
    ob.full_name AS ordered_by_name,
    (
        SELECT string_agg(t.short_name, ', ' ORDER BY t.sort_order)
        FROM lab_order_item AS i
        INNER JOIN lab_test AS t ON i.loinc = t.loinc
        WHERE i.order_id = o.id
    ) AS tests
FROM lab_order AS o
INNER JOIN patient AS p ON o.patient_id = p.id
INNER JOIN care_unit AS cu ON o.care_unit_id = cu.id
INNER JOIN app_user AS ob ON o.ordered_by = ob.id
WHERE o.status = 'ordered' AND o.care_unit_id = any(:care_unit_ids)
ORDER BY o.priority DESC, o.ordered_at ASC
LIMIT :limit;

-- name: radiology_place^
-- A doctor orders an imaging examination (radiology_order_place checks who and for whom).
SELECT
    radiology_order_place(
        :patient_id, :care_unit_id, cast(:modality AS radiology_modality), :body_part, :question,
        cast(:priority AS lab_priority)
    ) AS id;

-- name: radiology_for_patient
-- A patient's imaging examinations, newest first, with the report and its acknowledgement.
SELECT
    o.id,
    o.patient_id,
    o.care_unit_id,
    cu.name AS care_unit_name,
    o.ordered_by,
    ob.full_name AS ordered_by_name,
    o.ordered_at,
    o.modality,
    o.body_part,
    o.question,
    o.priority,
    o.status,
    r.id AS report_id,
    r.body AS report,
    r.signed_at,
    wb.full_name AS written_by_name,
    a.acknowledged_at,
    ab.full_name AS acknowledged_by_name
FROM radiology_order AS o
INNER JOIN care_unit AS cu ON o.care_unit_id = cu.id
INNER JOIN app_user AS ob ON o.ordered_by = ob.id
LEFT JOIN radiology_report AS r ON o.id = r.order_id
LEFT JOIN app_user AS wb ON r.written_by = wb.id
LEFT JOIN radiology_report_ack AS a ON r.id = a.report_id
LEFT JOIN app_user AS ab ON a.acknowledged_by = ab.id
WHERE o.patient_id = :patient_id AND (cast(:order_id AS bigint) IS NULL OR o.id = :order_id)
ORDER BY o.ordered_at DESC, o.id DESC
LIMIT :limit;

-- name: radiology_report_insert^
-- A doctor writes and signs the report of an examination.
INSERT INTO radiology_report (order_id, patient_id, body)
VALUES (:order_id, :patient_id, :body)
RETURNING id;

-- name: radiology_acknowledge!
-- A doctor acknowledges a report (the database checks which doctors may).
INSERT INTO radiology_report_ack (report_id, patient_id)
VALUES (:report_id, :patient_id);
