-- Name search runs in two steps (hms/patients/read.py):
--   1. exact: every word is a substring of the name (cheap LIKE on the
--      trigram index), in alphabetical order;
--   2. only if that leaves room in the page: fuzzy matches (word similarity,
--      so "svenson" finds "svensson"), most similar first.
-- Word similarity is costly per row; running it only when the exact step
-- comes up short keeps a search for "Andersson" as fast as one for "Zetterqvist".

-- name: search_exact_1
-- Step 1 for a one-word query.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_search_directory
WHERE search_name LIKE hms_like_contains(hms_fold(:w1))
ORDER BY family_name ASC, given_name ASC, id ASC
LIMIT :limit;

-- name: search_exact_2
-- Step 1 for a query of two (or more; the two longest) words: both must match.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_search_directory
WHERE
    search_name LIKE hms_like_contains(hms_fold(:w1))
    AND search_name LIKE hms_like_contains(hms_fold(:w2))
ORDER BY family_name ASC, given_name ASC, id ASC
LIMIT :limit;

-- name: search_fuzzy_1
-- Step 2 for a one-word query: similar names that step 1 did not find.
-- patient_name_matches (migration 0004) is inlined, so the index serves it.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_search_directory
WHERE
    patient_name_matches(search_name, hms_fold(:w1))
    AND search_name NOT LIKE hms_like_contains(hms_fold(:w1))
ORDER BY word_similarity(hms_fold(:w1), search_name) DESC, family_name ASC, given_name ASC, id ASC
LIMIT :limit;

-- name: search_fuzzy_2
-- Step 2 for two words: each word matches exactly or by similarity, and not both exactly.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_search_directory
WHERE
    patient_name_matches(search_name, hms_fold(:w1))
    AND patient_name_matches(search_name, hms_fold(:w2))
    AND NOT (
        search_name LIKE hms_like_contains(hms_fold(:w1))
        AND search_name LIKE hms_like_contains(hms_fold(:w2))
    )
ORDER BY
    word_similarity(hms_fold(:w1), search_name) + word_similarity(hms_fold(:w2), search_name) DESC,
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
FROM patient_search_directory
WHERE personal_number LIKE hms_like_prefix(:prefix)
ORDER BY personal_number
LIMIT :limit;

-- name: get_by_number^
-- Exact lookup by personal identity number (patient_personal_number_key).
SELECT id
FROM patient
WHERE personal_number = :personal_number;

-- name: get_directory^
-- One patient as the user may see them: a protected patient's contact
-- details only with a care need (the view decides, hms_contact_visible).
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
    count(*) FILTER (WHERE created_at >= hms_day_start(hms_today())) AS registered_today,
    count(*) FILTER (WHERE protected_identity) AS protected
FROM patient;

-- name: portal_patient_id$
-- The patient a portal user is (patient role).
SELECT patient_id
FROM patient_user
WHERE user_id = :user_id;

-- name: patient_by_number_or_id^
-- The patient a filter names, by personal identity number or id (the audit
-- review's patient filter).
SELECT
    id,
    personal_number,
    given_name,
    family_name
FROM patient
WHERE personal_number = :personal_number OR id = :patient_id;
