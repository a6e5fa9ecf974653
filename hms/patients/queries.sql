-- name: search_by_name
-- Name search: partial, case- and accent-insensitive, tolerant of small typos.
-- patient_name_matches (see migration 0004) is inlined, so the trigram index
-- patient_search_name_trgm_idx serves both its substring and similarity arms.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_directory
WHERE patient_name_matches(search_name, hms_fold(:q))
ORDER BY
    (search_name LIKE hms_like_contains(hms_fold(:q))) DESC,
    word_similarity(hms_fold(:q), search_name) DESC,
    family_name ASC,
    given_name ASC,
    id ASC
LIMIT :limit;

-- name: search_by_number_prefix
-- Identity-number search while the user has typed only its start (YYYYMMDD…).
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_directory
WHERE personal_number LIKE hms_like_prefix(:prefix)
ORDER BY personal_number
LIMIT :limit;

-- name: get_by_number^
-- Exact lookup by personal identity number (patient_personal_number_key).
SELECT id
FROM patient
WHERE personal_number = :personal_number;

-- name: get_directory^
-- One patient as seen without a care need (protected contact details blanked).
SELECT
    id,
    personal_number,
    is_coordination_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    phone,
    email,
    street_address,
    postal_code,
    city,
    created_at,
    updated_at
FROM patient_directory
WHERE id = :patient_id;

-- name: get_full^
-- One patient with every contact detail, for those the policy lets see them.
SELECT
    id,
    personal_number,
    is_coordination_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    phone,
    email,
    street_address,
    postal_code,
    city,
    created_at,
    updated_at
FROM patient
WHERE id = :patient_id;

-- name: next_of_kin_list
-- A patient's next of kin, primary contact first.
SELECT
    id,
    full_name,
    relationship,
    phone,
    email,
    is_primary
FROM next_of_kin
WHERE patient_id = :patient_id
ORDER BY is_primary DESC, full_name ASC;

-- name: patient_insert^
-- Register a new patient.
INSERT INTO patient (
    personal_number, given_name, family_name, date_of_birth, sex,
    phone, email, street_address, postal_code, city, protected_identity, created_by
)
VALUES (
    :personal_number, :given_name, :family_name, :date_of_birth, :sex,
    :phone, :email, :street_address, :postal_code, :city, :protected_identity, :created_by
)
RETURNING id;

-- name: patient_update_identity!
-- Change a patient's names, sex and protected-identity flag.
UPDATE patient SET
    given_name = :given_name,
    family_name = :family_name,
    sex = :sex,
    protected_identity = :protected_identity
WHERE id = :patient_id;

-- name: patient_update_contact!
-- Change a patient's phone, e-mail and address.
UPDATE patient SET
    phone = :phone,
    email = :email,
    street_address = :street_address,
    postal_code = :postal_code,
    city = :city
WHERE id = :patient_id;

-- name: next_of_kin_insert^
-- Add a next of kin.
INSERT INTO next_of_kin (patient_id, full_name, relationship, phone, email, is_primary)
VALUES (:patient_id, :full_name, :relationship, :phone, :email, :is_primary)
RETURNING id;

-- name: next_of_kin_clear_primary!
-- Make room for a new primary contact.
UPDATE next_of_kin SET is_primary = false
WHERE patient_id = :patient_id AND is_primary;

-- name: next_of_kin_delete^
-- Remove a next of kin (contacts are not clinical records, so they may go).
DELETE FROM next_of_kin
WHERE id = :kin_id AND patient_id = :patient_id
RETURNING id;

-- name: recently_registered
-- The newest registrations, for the front desk's home page.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    created_at
FROM patient_directory
ORDER BY created_at DESC, id DESC
LIMIT :limit;

-- name: registry_counts^
-- Sizes of the registry for the front desk and administrators.
SELECT
    count(*) AS patients,
    count(*) FILTER (WHERE created_at >= date_trunc('day', now())) AS registered_today,
    count(*) FILTER (WHERE protected_identity) AS protected
FROM patient;

-- name: portal_patient_id$
-- The patient a portal user is (patient role).
SELECT patient_id
FROM patient_user
WHERE user_id = :user_id;
