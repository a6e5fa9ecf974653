-- name: organization_counts^
-- How big the organisation is, for the administrator's home page.
SELECT
    (SELECT count(*) FROM department) AS departments,
    (SELECT count(*) FROM care_unit WHERE is_active) AS care_units,
    (SELECT count(*) FROM ward WHERE is_active) AS wards,
    (SELECT count(*) FROM bed WHERE is_active) AS beds;

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
