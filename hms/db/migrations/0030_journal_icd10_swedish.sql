-- The diagnosis picker in Swedish, with the common diagnoses first.
--
--   * title_sv: the Swedish title of a code, typed from the Swedish edition
--     (ICD-10-SE) for the codes used most in hospital care, loaded by
--     `hms migrate` from hms/db/reference/icd10_se_common.csv. The WHO English
--     title stays; a code with no Swedish title is shown in English.
--   * common_tier: how common a diagnosis is in hospital care (1 = among the
--     most recorded, 2 = common, 3 = regularly seen); NULL = rare. The picker
--     ranks by it, so "pneumoni" offers J18.9 Pneumoni, ospecificerad before
--     A20.2 Pneumonic plague.
--   * search_text now holds both titles, folded (lower case, no accents), so
--     a code is found by its English or its Swedish words through the same
--     trigram index. A generated column cannot change its expression, so it
--     is made anew: a rewrite of a reference table of some 12,000 rows, under
--     the lock `hms migrate` takes before the app starts.
-- depends: 0029_lab_orders

ALTER TABLE icd10_code
ADD COLUMN title_sv text CONSTRAINT icd10_code_title_sv_length CHECK (length(title_sv) BETWEEN 1 AND 300);
ALTER TABLE icd10_code
ADD COLUMN common_tier smallint CONSTRAINT icd10_code_common_tier_range CHECK (common_tier BETWEEN 1 AND 3);
COMMENT ON COLUMN icd10_code.title_sv IS 'The Swedish (ICD-10-SE) title, where the reference list has one.';
COMMENT ON COLUMN icd10_code.common_tier IS '1 = among the most recorded in hospital care, 2 = common, 3 = regularly seen; NULL = rare.';

-- squawk-ignore require-concurrent-index-deletion
DROP INDEX icd10_code_search_trgm_idx;
-- squawk-ignore ban-drop-column
ALTER TABLE icd10_code DROP COLUMN search_text;
-- squawk-ignore adding-field-with-default
ALTER TABLE icd10_code ADD COLUMN search_text text GENERATED ALWAYS AS (
    hms_fold(code || ' ' || title || coalesce(' ' || title_sv, ''))
) STORED;
CREATE INDEX icd10_code_search_trgm_idx ON icd10_code USING gin (search_text gin_trgm_ops);
