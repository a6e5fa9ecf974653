-- Patient search ranked by word, so that its cost does not grow with the
-- matches: a search for "Andersson" (tens of thousands of patients in a
-- region) gets its first page as fast as one for "Zetterqvist".
--
-- A name is a few words, and a registry of a million patients has only some
-- tens of thousands of different ones. The search ranks those words against
-- what was typed (trigram distance: the same word first, then words that
-- start with it, contain it or are spelt nearly like it), and then reads,
-- best first, the patients each word -- or, for two words typed, each pair
-- of words -- names, from a btree of (key, patient), until the page is full.
-- The work is bounded by the vocabulary and the page, never by how many
-- patients share a name. hms/patients/queries.sql (search_ranked_1,
-- search_ranked_2) holds the statements; docs/ARCHITECTURE.md ("Patient
-- search") their plans.
-- depends: 0035_distribution_keys

-- The words of a folded name (patient.search_name): split where pg_trgm
-- splits words, so "anna-karin" is "anna" and "karin". A pure helper, kept
-- inlinable (no search_path of its own) like hms_fold: it reaches no table.
CREATE FUNCTION hms_name_words(folded_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN array_remove(regexp_split_to_array(folded_name, '[^[:alnum:]]+'), '');
GRANT EXECUTE ON FUNCTION hms_name_words TO hms_app;

-- The search keys of a folded name: each word, and each pair of different
-- words in order, joined by a space ("anna", "andersson", "andersson anna").
-- A pair of words is then one range of the btree, as a word is.
CREATE FUNCTION hms_name_keys(folded_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
BEGIN ATOMIC
    SELECT coalesce(array_agg(DISTINCT k.key), '{}')
    FROM (
        SELECT w.word AS key
        FROM unnest(hms_name_words(folded_name)) AS w (word)
        UNION
        SELECT a.word || ' ' || b.word AS key
        FROM unnest(hms_name_words(folded_name)) AS a (word)
        CROSS JOIN unnest(hms_name_words(folded_name)) AS b (word)
        WHERE a.word < b.word
    ) AS k;
END;

CREATE TABLE patient_name_word (
    word text PRIMARY KEY CONSTRAINT patient_name_word_not_empty CHECK (word <> '')
);
COMMENT ON TABLE patient_name_word IS
'One word that occurs in some patient''s folded name: the vocabulary the name search ranks.';

-- Used by the name search: the words like the one typed (LIKE %w% and <%).
-- GiST rather than GIN: with GIN the planner reckoned a scan of every word,
-- computing word similarity for each, the cheaper (2 ms against 0.4 ms at
-- 1,400 words), and the GiST index can also hand out words nearest first.
CREATE INDEX patient_name_word_trgm_idx ON patient_name_word USING gist (word gist_trgm_ops);

CREATE TABLE patient_name_key (
    key text NOT NULL,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT
);
COMMENT ON TABLE patient_name_key IS
'One search key of one patient''s folded name (a word, or two in order), kept by the database.';

INSERT INTO patient_name_key (key, patient_id)
SELECT
    unnest(hms_name_keys(search_name)) AS key,
    id AS patient_id
FROM patient;

-- Used by the name search: the patients a word or a pair of words names, a page at a time.
ALTER TABLE patient_name_key ADD CONSTRAINT patient_name_key_pkey PRIMARY KEY (key, patient_id);

INSERT INTO patient_name_word (word)
SELECT DISTINCT unnest(hms_name_words(search_name)) AS word
FROM patient;

-- The search's plan reads a key's range and each patient by id only when
-- the planner knows a key names few patients: give it the statistics now,
-- not when autovacuum comes by (without them it scanned the whole registry).
ANALYZE patient_name_key, patient_name_word;

-- The words follow the names: a registered patient adds theirs, a renamed
-- one swaps the old for the new. The vocabulary only grows: a word no
-- patient has any more finds no one, and a region's vocabulary stays small.
-- Per statement, so that loading a registry (COPY) writes each word once.
-- The app may write neither table itself.
CREATE FUNCTION patient_name_keys_keep() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM patient_name_key AS k
        USING named_before AS o
        INNER JOIN named AS n ON o.id = n.id
        WHERE
            n.search_name IS DISTINCT FROM o.search_name
            AND k.patient_id = o.id AND k.key = ANY(hms_name_keys(o.search_name));
    END IF;
    INSERT INTO patient_name_key (key, patient_id)
    SELECT unnest(hms_name_keys(n.search_name)), n.id FROM named AS n
    ON CONFLICT (key, patient_id) DO NOTHING;
    INSERT INTO patient_name_word (word)
    SELECT DISTINCT unnest(hms_name_words(n.search_name)) FROM named AS n
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER patient_name_keys_on_insert AFTER INSERT ON patient
REFERENCING NEW TABLE AS named
FOR EACH STATEMENT EXECUTE FUNCTION patient_name_keys_keep();

CREATE TRIGGER patient_name_keys_on_update AFTER UPDATE ON patient
REFERENCING OLD TABLE AS named_before NEW TABLE AS named
FOR EACH STATEMENT EXECUTE FUNCTION patient_name_keys_keep();

-- Both as the search reads them: with their owner's rights (so the indexes
-- serve LIKE and <%, as for patient_search_directory) and the same rule, so
-- only the roles that may search the registry get a row.
CREATE VIEW patient_search_word AS
SELECT w.word
FROM patient_name_word AS w
WHERE hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator');
COMMENT ON VIEW patient_search_word IS 'The words of patients'' names, to the roles that may search the registry.';
GRANT SELECT ON patient_search_word TO hms_app;

CREATE VIEW patient_search_key AS
SELECT
    k.key,
    k.patient_id
FROM patient_name_key AS k
WHERE hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator');
COMMENT ON VIEW patient_search_key IS
'Which patient''s name has which word or pair of words, to the roles that may search the registry.';
GRANT SELECT ON patient_search_key TO hms_app;
