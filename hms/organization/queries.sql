-- name: organization_counts^
-- How big the organisation is, for the administrator's home page.
SELECT
    (SELECT count(*) FROM department) AS departments,
    (
        SELECT count(*) FROM care_unit
        WHERE is_active
    ) AS care_units,
    (
        SELECT count(*) FROM ward
        WHERE is_active
    ) AS wards,
    (
        SELECT count(*) FROM bed
        WHERE is_active
    ) AS beds;

-- name: care_units_all
-- Every care unit with its department, for pickers (staff form, filters).
SELECT
    cu.id,
    cu.code,
    cu.name,
    cu.kind,
    cu.is_active,
    d.name AS department_name
FROM care_unit AS cu
INNER JOIN department AS d ON cu.department_id = d.id
ORDER BY d.name, cu.name;

-- name: department_tree
-- Departments with the size of what they hold (active units and wards, usable beds).
SELECT
    d.id,
    d.code,
    d.name,
    count(DISTINCT cu.id) FILTER (WHERE cu.is_active) AS care_units,
    count(DISTINCT w.id) FILTER (WHERE cu.is_active AND w.is_active) AS wards,
    count(b.id) FILTER (WHERE cu.is_active AND w.is_active AND b.is_active) AS beds
FROM department AS d
LEFT JOIN care_unit AS cu ON d.id = cu.department_id
LEFT JOIN ward AS w ON cu.id = w.care_unit_id
LEFT JOIN room AS r ON w.id = r.ward_id
LEFT JOIN bed AS b ON r.id = b.room_id
GROUP BY d.id
ORDER BY d.name;

-- name: care_unit_tree
-- Care units with their active wards and usable beds (the beds of active wards).
SELECT
    cu.id,
    cu.department_id,
    cu.code,
    cu.name,
    cu.kind,
    cu.is_active,
    count(DISTINCT w.id) FILTER (WHERE w.is_active) AS wards,
    count(b.id) FILTER (WHERE w.is_active AND b.is_active) AS beds
FROM care_unit AS cu
LEFT JOIN ward AS w ON cu.id = w.care_unit_id
LEFT JOIN room AS r ON w.id = r.ward_id
LEFT JOIN bed AS b ON r.id = b.room_id
GROUP BY cu.id
ORDER BY cu.name;

-- name: ward_tree
-- Wards with their rooms and beds, active and all.
SELECT
    w.id,
    w.care_unit_id,
    w.name,
    w.is_active,
    count(DISTINCT r.id) AS rooms,
    count(b.id) FILTER (WHERE b.is_active) AS beds,
    count(b.id) AS beds_all
FROM ward AS w
LEFT JOIN room AS r ON w.id = r.ward_id
LEFT JOIN bed AS b ON r.id = b.room_id
GROUP BY w.id
ORDER BY w.name;

-- name: room_tree
-- Rooms with their bed counts.
SELECT
    r.id,
    r.ward_id,
    r.name,
    count(b.id) FILTER (WHERE b.is_active) AS beds,
    count(b.id) AS beds_all
FROM room AS r
LEFT JOIN bed AS b ON r.id = b.room_id
GROUP BY r.id
ORDER BY r.name;

-- name: bed_tree
-- Every bed, for the organisation page.
SELECT
    id,
    room_id,
    label,
    is_active
FROM bed
ORDER BY label;

-- name: department_insert^
-- Create a department.
INSERT INTO department (code, name)
VALUES (:code, :name)
RETURNING id;

-- name: care_unit_insert^
-- Create a care unit in a department.
INSERT INTO care_unit (department_id, code, name, kind)
VALUES (:department_id, :code, :name, :kind)
RETURNING id;

-- name: ward_insert^
-- Create a ward run by a care unit.
INSERT INTO ward (care_unit_id, name)
VALUES (:care_unit_id, :name)
RETURNING id;

-- name: room_insert^
-- Create a room on a ward.
INSERT INTO room (ward_id, name)
VALUES (:ward_id, :name)
RETURNING id;

-- name: bed_insert^
-- Create a bed in a room.
INSERT INTO bed (room_id, label)
VALUES (:room_id, :label)
RETURNING id;

-- name: care_unit_set_active^
-- Close or reopen a care unit (never deleted: staff, visits and the audit log point at it).
UPDATE care_unit SET is_active = :is_active
WHERE id = :care_unit_id
RETURNING id;

-- name: ward_set_active^
-- Close or reopen a ward.
UPDATE ward SET is_active = :is_active
WHERE id = :ward_id
RETURNING id;

-- name: bed_set_active^
-- Take a bed out of use or back into it.
UPDATE bed SET is_active = :is_active
WHERE id = :bed_id
RETURNING id;
