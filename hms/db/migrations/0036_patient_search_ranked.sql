-- Patient search ranked by word, so that its cost does not grow with the
-- matches: a search for "Andersson" (tens of thousands of patients in a
-- region) gets its first page as fast as one for "Zetterqvist".
--
-- A name is a few words, and a registry of a million patients has only some
-- tens of thousands of different ones. The search ranks those words against
-- what was typed (trigram distance: the same word first, then words that
-- start with it, contain it or are spelt nearly like it) and then fetches,
-- for each of the best few words (or pair of words), at most one page of
-- patients through an index of every patient's name words. The work is
-- bounded by the vocabulary and the page, never by how many patients share
-- a name. hms/patients/queries.sql (search_ranked_1, search_ranked_2) holds
-- the statements; docs/ARCHITECTURE.md ("Patient search") their plans.
-- depends: 0034_journal_discharge_summary

-- The words of a folded name (patient.search_name): split where pg_trgm
-- splits words, so "anna-karin" is "anna" and "karin". A pure helper, kept
-- inlinable (no search_path of its own) like hms_fold: it reaches no table.
CREATE FUNCTION hms_name_words(folded_name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN array_remove(regexp_split_to_array(folded_name, '[^[:alnum:]]+'), '');
GRANT EXECUTE ON FUNCTION hms_name_words TO hms_app;

-- Used by the name search: the patients one word (or two) names, a page at a time.
CREATE INDEX patient_name_words_idx ON patient USING gin (hms_name_words(search_name));

CREATE TABLE patient_name_word (
    word text PRIMARY KEY CONSTRAINT patient_name_word_not_empty CHECK (word <> '')
);
COMMENT ON TABLE patient_name_word IS
'One word that occurs in some patient''s folded name: the vocabulary the name search ranks.';

-- Used by the name search: the words like the one typed (LIKE %w% and <%), nearest first.
CREATE INDEX patient_name_word_trgm_idx ON patient_name_word USING gin (word gin_trgm_ops);

INSERT INTO patient_name_word (word)
SELECT DISTINCT unnest(hms_name_words(search_name)) AS word
FROM patient;

-- Every name registered or changed adds its words. Words are never taken
-- away: a word no patient has any more finds no one, and the vocabulary of
-- a region stays small. Per statement, so that loading a registry (COPY) adds
-- each word once. The app may not write the table itself.
CREATE FUNCTION patient_name_words_add() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    INSERT INTO patient_name_word (word)
    SELECT DISTINCT unnest(hms_name_words(n.search_name)) FROM named AS n
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER patient_name_words_on_insert AFTER INSERT ON patient
REFERENCING NEW TABLE AS named
FOR EACH STATEMENT EXECUTE FUNCTION patient_name_words_add();

CREATE TRIGGER patient_name_words_on_update AFTER UPDATE ON patient
REFERENCING NEW TABLE AS named
FOR EACH STATEMENT EXECUTE FUNCTION patient_name_words_add();

-- The vocabulary as the search reads it: with its owner's rights (so the
-- trigram index serves LIKE and <%, as for patient_search_directory) and the
-- same rule, so only the roles that may search the registry get a word.
CREATE VIEW patient_search_word AS
SELECT w.word
FROM patient_name_word AS w
WHERE hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator');
COMMENT ON VIEW patient_search_word IS 'The words of patients'' names, to the roles that may search the registry.';
GRANT SELECT ON patient_search_word TO hms_app;
