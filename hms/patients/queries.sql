-- Name search ranks words, not patients (migration 0036, hms/patients/read.py;
-- the queries live in patient_search_by_name, migration 0051, which keeps one
-- plan for every name):
--   1. candidates: the words of the registry's names (patient_search_word)
--      like each word typed -- a substring of it, or spelt nearly like it
--      (patient_name_matches) -- nearest first by trigram word distance
--      (<<->: 0 for the same word or one it starts, more the more it
--      differs), then by whole-word distance (<->); the best :words of them,
--      and with two words typed every pair of different candidates, one of
--      each, by the sum of their distances;
--   2. best candidate first, the patients whose name has it: one range of
--      the btree patient_name_key_pkey (a word, or a pair of words in order),
--      in patient order, leaving out those a better candidate already gave;
--      the nested loop stops as soon as the page is full;
--   3. the page, sorted by rank and name.
-- So "Andersson" reads one page of patients from the top of its range of
-- the btree, as "Zetterqvist" does, however many share the name.

-- name: search_by_name
-- One or two typed words (:w2 NULL for one); the function holds the two
-- queries and folds the words before them, so one plan serves every name.
SELECT
    id,
    personal_number,
    given_name,
    family_name,
    date_of_birth,
    sex,
    protected_identity,
    city
FROM patient_search_by_name(:w1::text, :w2::text, :words::integer, :limit::integer);

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

-- name: search_by_number
-- Exact lookup by personal identity number (patient_personal_number_key):
-- the patient as the search shows them, in one statement.
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
