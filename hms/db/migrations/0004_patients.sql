-- The patient registry: identity, contact, next of kin, protected identity,
-- and the link between a patient and their portal account.
-- depends: 0003_organization

CREATE TYPE patient_sex AS ENUM ('female', 'male', 'other', 'unknown');

CREATE TABLE patient (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Personnummer or samordningsnummer, 12 digits, no separator.
    personal_number text NOT NULL CONSTRAINT patient_personal_number_valid CHECK (pnr_is_valid(personal_number)),
    is_coordination_number boolean GENERATED ALWAYS AS (substr(personal_number, 7, 1) >= '6') STORED,
    given_name text NOT NULL CONSTRAINT patient_given_name_length CHECK (length(btrim(given_name)) BETWEEN 1 AND 100),
    family_name text NOT NULL CONSTRAINT patient_family_name_length CHECK (length(btrim(family_name)) BETWEEN 1 AND 100),
    date_of_birth date NOT NULL,
    sex patient_sex NOT NULL,
    phone text CONSTRAINT patient_phone_format CHECK (phone ~ '^\+?[0-9 ()-]{5,20}$'),
    email text CONSTRAINT patient_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    street_address text CONSTRAINT patient_street_address_length CHECK (length(street_address) <= 200),
    postal_code text CONSTRAINT patient_postal_code_format CHECK (postal_code ~ '^[0-9]{3} ?[0-9]{2}$'),
    city text CONSTRAINT patient_city_length CHECK (length(city) <= 100),
    -- Skyddade personuppgifter: address and phone are hidden from everyone
    -- without a care need (see patient_directory).
    protected_identity boolean NOT NULL DEFAULT false,
    -- Folded "given family" for name search; derived, so it cannot drift.
    search_name text GENERATED ALWAYS AS (hms_fold(given_name || ' ' || family_name)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    CONSTRAINT patient_personal_number_key UNIQUE (personal_number),
    CONSTRAINT patient_birth_date_matches_number CHECK (date_of_birth = pnr_birth_date(personal_number)),
    CONSTRAINT patient_birth_date_not_future CHECK (date_of_birth <= current_date + 1)
);
COMMENT ON TABLE patient IS 'One person registered for care, identified by personnummer or samordningsnummer.';
COMMENT ON COLUMN patient.search_name IS 'Generated: lower-case, unaccented given and family name, for trigram search.';

-- Used by the patient search: partial, typo-tolerant name matching (LIKE %q% and <%).
CREATE INDEX patient_search_name_trgm_idx ON patient USING gin (search_name gin_trgm_ops);
-- The name-search condition for one word of the query, kept in SQL (and out
-- of the query files, where psycopg would read the % of LIKE and <% as
-- placeholders). A one-expression SQL function is inlined by the planner, so
-- both arms still use patient_search_name_trgm_idx -- but only if it is not
-- declared more stable than what it calls: <% reads a setting
-- (pg_trgm.word_similarity_threshold), so it is STABLE, and so is this.
--   LIKE %w%  : substrings, "sven" in "sven svensson"
--   w <% name : word similarity, so "svenson" still finds "svensson"
CREATE FUNCTION patient_name_matches(search_name text, folded_word text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN search_name LIKE hms_like_contains(folded_word) OR folded_word <% search_name;

-- Used by the search when the user types the start of a personal identity number.
CREATE INDEX patient_personal_number_prefix_idx ON patient (personal_number text_pattern_ops);
-- Used by the family-name sort of the search results and reports by surname.
CREATE INDEX patient_family_name_idx ON patient (family_name, given_name);

CREATE TRIGGER patient_touch BEFORE UPDATE ON patient
FOR EACH ROW EXECUTE FUNCTION hms_touch_updated_at();

CREATE TYPE kin_relationship AS ENUM (
    'spouse', 'partner', 'parent', 'child', 'sibling', 'guardian', 'friend', 'other'
);

CREATE TABLE next_of_kin (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    full_name text NOT NULL CONSTRAINT next_of_kin_full_name_length CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    relationship kin_relationship NOT NULL,
    phone text CONSTRAINT next_of_kin_phone_format CHECK (phone ~ '^\+?[0-9 ()-]{5,20}$'),
    email text CONSTRAINT next_of_kin_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254),
    is_primary boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT next_of_kin_reachable CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
COMMENT ON TABLE next_of_kin IS 'A person to contact about a patient (anhörig); not a portal user.';

-- Used by the patient page, which lists a patient's next of kin.
CREATE INDEX next_of_kin_patient_id_idx ON next_of_kin (patient_id);
-- At most one primary contact per patient.
CREATE UNIQUE INDEX next_of_kin_one_primary ON next_of_kin (patient_id) WHERE is_primary;

CREATE TABLE patient_user (
    user_id bigint PRIMARY KEY,
    role user_role NOT NULL DEFAULT 'patient' CONSTRAINT patient_user_role_is_patient CHECK (role = 'patient'),
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    CONSTRAINT patient_user_user_fk FOREIGN KEY (user_id, role) REFERENCES app_user (id, role) ON UPDATE CASCADE ON DELETE RESTRICT,
    CONSTRAINT patient_user_patient_id_key UNIQUE (patient_id)
);
COMMENT ON TABLE patient_user IS 'Links a patient to the portal account they log in with (one each way).';

-- What anyone but those with a care need may see of a patient: address and
-- phone are blanked for protected identities. Lists and search read this view.
CREATE VIEW patient_directory AS
SELECT
    p.id,
    p.personal_number,
    p.is_coordination_number,
    p.given_name,
    p.family_name,
    p.date_of_birth,
    p.sex,
    p.protected_identity,
    CASE WHEN p.protected_identity THEN NULL ELSE p.phone END AS phone,
    CASE WHEN p.protected_identity THEN NULL ELSE p.email END AS email,
    CASE WHEN p.protected_identity THEN NULL ELSE p.street_address END AS street_address,
    CASE WHEN p.protected_identity THEN NULL ELSE p.postal_code END AS postal_code,
    CASE WHEN p.protected_identity THEN NULL ELSE p.city END AS city,
    p.search_name,
    p.created_at,
    p.updated_at
FROM patient AS p;
COMMENT ON VIEW patient_directory IS 'Patients as anyone without a care need may see them: protected contact details blanked.';

GRANT SELECT, INSERT, UPDATE ON patient TO hms_app;
GRANT SELECT ON patient_directory TO hms_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON next_of_kin TO hms_app;
GRANT SELECT, INSERT ON patient_user TO hms_app;
