-- name: locations_mine
-- The stock locations the user sees (row-level security: pharmacy and
-- administration every one, a clinician their own units' medicine rooms).
SELECT
    l.id,
    l.kind::text AS kind,
    l.name,
    l.care_unit_id
FROM stock_location AS l
ORDER BY l.kind, l.name;

-- name: stock_by_batch
-- The stock overview: batches by drug and expiry, filtered by location and
-- by name or ATC code; empty batches only when asked for.
SELECT
    s.batch_id,
    s.location_id,
    s.location,
    s.location_kind::text AS location_kind,
    s.drug_id,
    s.generic_name,
    s.form::text AS form,
    s.strength,
    s.strength_unit::text AS strength_unit,
    s.stock_unit::text AS stock_unit,
    s.atc_code,
    s.lot,
    s.expires_on,
    s.unit_cost,
    s.quantity,
    s.value,
    s.expired
FROM stock_on_hand AS s
WHERE
    (:location_id::bigint IS NULL OR s.location_id = :location_id)
    AND (
        :q::text IS NULL OR lower(s.generic_name) LIKE hms_like_prefix(lower(:q))
        OR s.atc_code LIKE hms_like_prefix(upper(:q))
    )
    AND (:show_empty OR s.quantity > 0)
ORDER BY lower(s.generic_name), s.location, s.expires_on, s.batch_id
LIMIT :limit;

-- name: batch_get^
-- One batch the user sees, for its adjustment page.
SELECT
    s.batch_id,
    s.location_id,
    s.location,
    s.generic_name,
    s.form::text AS form,
    s.strength,
    s.strength_unit::text AS strength_unit,
    s.stock_unit::text AS stock_unit,
    s.lot,
    s.expires_on,
    s.unit_cost,
    s.quantity,
    s.value,
    s.expired
FROM stock_on_hand AS s
WHERE s.batch_id = :batch_id;

-- name: batch_ledger
-- A batch's movements, newest first. A dispense shows as a movement only:
-- which patient got it is in stock_dispense, behind the medication area.
SELECT
    l.id,
    l.movement::text AS movement,
    l.quantity,
    l.reason,
    l.ward_order_id,
    l.recorded_at,
    u.full_name AS recorded_by
FROM stock_ledger AS l
INNER JOIN app_user AS u ON l.recorded_by = u.id
WHERE l.batch_id = :batch_id
ORDER BY l.id DESC
LIMIT :limit;

-- name: stock_low_list
-- Drugs below their reorder level (unexpired stock), per location.
SELECT
    s.location_id,
    l.name AS location,
    s.drug_id,
    d.generic_name,
    d.form::text AS form,
    d.strength,
    d.strength_unit::text AS strength_unit,
    d.stock_unit::text AS stock_unit,
    s.reorder_level,
    s.on_hand
FROM stock_low AS s
INNER JOIN stock_location AS l ON s.location_id = l.id
INNER JOIN drug AS d ON s.drug_id = d.id
ORDER BY l.name, lower(d.generic_name), d.strength;

-- name: stock_level_set!
-- A pharmacist sets the reorder level of a drug at a location.
INSERT INTO stock_level (location_id, drug_id, reorder_level)
VALUES (:location_id, :drug_id, :reorder_level)
ON CONFLICT (location_id, drug_id) DO UPDATE SET reorder_level = excluded.reorder_level;

-- name: stock_expiring
-- Batches holding stock that expire within :days days (or have expired),
-- soonest first. Uses stock_batch_expiry_idx.
SELECT
    s.batch_id,
    s.location,
    s.generic_name,
    s.form::text AS form,
    s.strength,
    s.strength_unit::text AS strength_unit,
    s.stock_unit::text AS stock_unit,
    s.lot,
    s.expires_on,
    s.quantity,
    s.value,
    s.expired,
    s.expires_on - hms_today() AS days_left
FROM stock_on_hand AS s
WHERE s.quantity > 0 AND s.expires_on < hms_today() + :days::integer
ORDER BY s.expires_on, lower(s.generic_name), s.batch_id
LIMIT :limit;

-- name: stock_value
-- The value of the stock on hand per location (quantity times unit cost),
-- usable and expired apart.
SELECT
    s.location_id,
    s.location,
    count(*) FILTER (WHERE s.quantity > 0) AS batches,
    coalesce(sum(s.quantity) FILTER (WHERE NOT s.expired), 0) AS units,
    coalesce(sum(s.value) FILTER (WHERE NOT s.expired), 0) AS value,
    coalesce(sum(s.value) FILTER (WHERE s.expired), 0) AS expired_value
FROM stock_on_hand AS s
GROUP BY s.location_id, s.location
ORDER BY s.location;

-- name: receive^
-- A supplier's delivery into the central pharmacy (pharmacy_receive).
SELECT pharmacy_receive(:supplier, :reference, :lines::jsonb) AS id;

-- name: dispense^
-- Dispense against a prescription, first expiry first out (pharmacy_dispense).
SELECT pharmacy_dispense(:prescription_id, :quantity) AS id;

-- name: stock_adjust^
-- A count corrected, with a reason (stock_adjust).
SELECT stock_adjust(:batch_id, :change, :reason) AS id;

-- name: stock_waste^
-- Units wasted, with a reason (stock_waste).
SELECT stock_waste(:batch_id, :quantity, :reason) AS id;

-- name: dispense_queue
-- Active prescriptions a pharmacist has approved and nobody has dispensed
-- against yet, oldest first. Row-level security keeps to the medication area.
SELECT
    p.id,
    p.patient_id,
    p.created_at,
    d.generic_name,
    d.form::text AS form,
    d.strength,
    d.strength_unit::text AS strength_unit,
    pt.given_name,
    pt.family_name,
    pt.personal_number
FROM prescription AS p
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN patient AS pt ON p.patient_id = pt.id
WHERE
    p.status = 'active' AND p.review_state = 'approved'
    AND NOT EXISTS (
        SELECT 1 FROM stock_dispense AS s
        WHERE s.prescription_id = p.id
    )
ORDER BY p.created_at, p.id
LIMIT :limit;

-- name: prescriptions_to_dispense
-- A patient's active prescriptions with their current dose, where the
-- pharmacist's review stands, what has been dispensed and what the pharmacy
-- holds of the drug that has not expired.
SELECT
    p.id,
    p.status::text AS status,
    p.review_state::text AS review_state,
    d.id AS drug_id,
    d.generic_name,
    d.form::text AS form,
    d.strength,
    d.strength_unit::text AS strength_unit,
    d.stock_unit::text AS stock_unit,
    v.dose,
    v.dose_unit::text AS dose_unit,
    v.route::text AS route,
    v.doses_per_day,
    coalesce((SELECT sum(s.quantity) FROM stock_dispense AS s WHERE s.prescription_id = p.id), 0) AS dispensed,
    coalesce((
        SELECT sum(b.quantity) FROM stock_batch AS b
        INNER JOIN stock_location AS l ON b.location_id = l.id
        WHERE b.drug_id = d.id AND l.kind = 'pharmacy' AND b.expires_on >= hms_today()
    ), 0) AS in_stock
FROM prescription AS p
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN prescription_version AS v ON p.current_version_id = v.id
WHERE p.patient_id = :patient_id AND p.status = 'active'
ORDER BY lower(d.generic_name), p.id;

-- name: dispenses_of_patient
-- What has been dispensed to a patient, newest first.
SELECT
    s.id,
    s.prescription_id,
    s.quantity,
    s.dispensed_at,
    d.generic_name,
    d.strength,
    d.strength_unit::text AS strength_unit,
    d.stock_unit::text AS stock_unit,
    u.full_name AS dispensed_by
FROM stock_dispense AS s
INNER JOIN prescription AS p ON s.prescription_id = p.id
INNER JOIN drug AS d ON p.drug_id = d.id
INNER JOIN app_user AS u ON s.dispensed_by = u.id
WHERE s.patient_id = :patient_id
ORDER BY s.dispensed_at DESC, s.id DESC
LIMIT :limit;

-- name: dispense_taken
-- The batches one dispense took, for the notice after dispensing.
SELECT
    b.lot,
    b.expires_on,
    -l.quantity AS quantity
FROM stock_ledger AS l
INNER JOIN stock_batch AS b ON l.batch_id = b.id
WHERE l.dispense_id = :dispense_id
ORDER BY l.id;

-- name: ward_orders
-- Ward orders the user sees, open ones first, newest first.
SELECT
    o.id,
    o.status::text AS status,
    o.requested_at,
    l.name AS location,
    u.full_name AS requested_by,
    (SELECT count(*) FROM ward_order_line AS w WHERE w.order_id = o.id) AS lines
FROM ward_order AS o
INNER JOIN stock_location AS l ON o.location_id = l.id
INNER JOIN app_user AS u ON o.requested_by = u.id
WHERE :status::text IS NULL OR o.status::text = :status
ORDER BY o.status IN ('delivered', 'cancelled'), o.requested_at DESC, o.id DESC
LIMIT :limit;

-- name: ward_order_get^
-- One ward order the user sees.
SELECT
    o.id,
    o.status::text AS status,
    o.note,
    o.location_id,
    o.requested_at,
    l.name AS location,
    u.full_name AS requested_by
FROM ward_order AS o
INNER JOIN stock_location AS l ON o.location_id = l.id
INNER JOIN app_user AS u ON o.requested_by = u.id
WHERE o.id = :order_id;

-- name: ward_order_lines
-- The drugs of a ward order, with the unexpired stock the pharmacy holds of
-- each (as far as the user sees the pharmacy).
SELECT
    w.id,
    w.drug_id,
    w.quantity,
    d.generic_name,
    d.form::text AS form,
    d.strength,
    d.strength_unit::text AS strength_unit,
    d.stock_unit::text AS stock_unit,
    coalesce((
        SELECT sum(b.quantity) FROM stock_batch AS b
        INNER JOIN stock_location AS l ON b.location_id = l.id
        WHERE b.drug_id = w.drug_id AND l.kind = 'pharmacy' AND b.expires_on >= hms_today()
    ), 0) AS in_pharmacy
FROM ward_order_line AS w
INNER JOIN drug AS d ON w.drug_id = d.id
WHERE w.order_id = :order_id
ORDER BY lower(d.generic_name), w.id;

-- name: ward_order_events
-- The steps of a ward order, in order.
SELECT
    e.status::text AS status,
    e.reason,
    e.at,
    u.full_name AS by_user
FROM ward_order_event AS e
INNER JOIN app_user AS u ON e.by_user = u.id
WHERE e.order_id = :order_id
ORDER BY e.at, e.id;

-- name: ward_order_request^
-- A ward's nurse or doctor orders for their own medicine room (ward_order_request).
SELECT ward_order_request(:location_id, :lines::jsonb, :note) AS id;

-- name: ward_order_move^
-- One step of a ward order (ward_order_move): approve, pick, deliver, cancel.
SELECT ward_order_move(:order_id, :to::ward_order_status, :reason) IS NULL AS done;

-- name: work_summary^
-- The pharmacist's counts: ward orders waiting per state, drugs below their
-- reorder level, batches expiring within 90 days, and approved prescriptions
-- not yet dispensed against. Counts only: no patient is named.
SELECT
    (SELECT count(*) FROM ward_order WHERE status = 'requested') AS orders_requested,
    (SELECT count(*) FROM ward_order WHERE status = 'approved') AS orders_approved,
    (SELECT count(*) FROM ward_order WHERE status = 'picked') AS orders_picked,
    (SELECT count(*) FROM stock_low) AS low_stock,
    (
        SELECT count(*) FROM stock_batch
        WHERE quantity > 0 AND expires_on < hms_today() + 90
    ) AS expiring,
    (
        SELECT count(*) FROM prescription AS p
        WHERE
            p.status = 'active' AND p.review_state = 'approved'
            AND NOT EXISTS (SELECT 1 FROM stock_dispense AS s WHERE s.prescription_id = p.id)
    ) AS to_dispense;
