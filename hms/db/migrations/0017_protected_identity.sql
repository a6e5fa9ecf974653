-- Protected identity (skyddade personuppgifter) hidden by the database itself.
--
-- Until now the pages read a protected patient's contact details through a
-- view that blanked them, but the app's role could read them straight from
-- the patient table. Now the contact columns of patient are not the app's to
-- read at all: patient_directory is the only way to them, and it shows them
-- only where there is a care need (a clinician with the patient in care or
-- under emergency access) or to the patient themself.
-- depends: 0016_local_days

-- A care need for a patient's contact details: their own, or a clinician's
-- care relationship or emergency access.
CREATE FUNCTION hms_contact_visible(p_patient bigint) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RETURN hms_access_basis(p_patient, 'demographics') = 'own'
        OR (hms_current_role() IN ('doctor', 'nurse')
            AND hms_access_basis(p_patient, 'clinical') IN ('care', 'emergency'));
END
$$;
COMMENT ON FUNCTION hms_contact_visible IS 'Whether the current user may see a protected patient''s contact details.';

-- The view now reads the table with its owner's rights, so it carries the
-- patient table's read rule itself (as patient_search_directory does), and
-- blanks a protected patient's contact details unless hms_contact_visible.
-- (Dropped and made again here, and the app ships with its migrations: no
-- client is left reading the old view.)
-- squawk-ignore ban-drop-view
DROP VIEW patient_directory;
CREATE VIEW patient_directory WITH (security_barrier = true) AS
SELECT
    p.id,
    p.personal_number,
    p.is_coordination_number,
    p.given_name,
    p.family_name,
    p.date_of_birth,
    p.sex,
    p.protected_identity,
    CASE WHEN NOT p.protected_identity OR hms_contact_visible(p.id) THEN p.phone END AS phone,
    CASE WHEN NOT p.protected_identity OR hms_contact_visible(p.id) THEN p.email END AS email,
    CASE WHEN NOT p.protected_identity OR hms_contact_visible(p.id) THEN p.street_address END AS street_address,
    CASE WHEN NOT p.protected_identity OR hms_contact_visible(p.id) THEN p.postal_code END AS postal_code,
    CASE WHEN NOT p.protected_identity OR hms_contact_visible(p.id) THEN p.city END AS city,
    p.search_name,
    p.created_at,
    p.updated_at
FROM patient AS p
WHERE
    (SELECT hms_current_role()) IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator')
    OR hms_access_basis(p.id, 'demographics') IS NOT NULL;
COMMENT ON VIEW patient_directory IS
'Patients as the current user may see them: protected contact details only where there is a care need.';

-- The app reads patient's other columns directly, its contact columns only
-- through the view. (Writing them is unchanged: an UPDATE needs no SELECT
-- right on the columns it sets.)
REVOKE SELECT ON patient FROM hms_app;
GRANT SELECT (
    id, personal_number, is_coordination_number, given_name, family_name, date_of_birth, sex,
    protected_identity, search_name, created_at, updated_at, created_by
) ON patient TO hms_app;
GRANT SELECT ON patient_directory TO hms_app;
GRANT EXECUTE ON FUNCTION hms_contact_visible TO hms_app;
