-- Medication, part 1: the formulary. The drugs the hospital uses, their ATC
-- classification, the units doses are written in, and the table of known
-- interactions. Reference data: loaded from hms/db/reference/*.csv by
-- `hms migrate` when empty (hms.db.terminology), then kept by administrators.
-- depends: 0018_narrow_reads

-- The units a dose or a strength is written in: a fixed list, so "5 mgs" or
-- "5 tabs" cannot be prescribed.
CREATE TYPE dose_unit AS ENUM (
    'mg', 'g', 'microgram', 'mmol', 'ml', 'unit', 'tablet', 'capsule', 'dose', 'drop', 'puff', 'application'
);
CREATE TYPE medication_route AS ENUM (
    'oral', 'sublingual', 'iv', 'im', 'sc', 'rectal', 'inhalation', 'nasal', 'topical', 'transdermal', 'eye', 'ear',
    'vaginal'
);
CREATE TYPE drug_form AS ENUM (
    'tablet', 'capsule', 'oral_solution', 'injection', 'infusion', 'inhaler', 'nebuliser', 'suppository', 'patch',
    'cream', 'ointment', 'eye_drops', 'ear_drops', 'nasal_spray', 'gel'
);
-- What the pharmacy counts: a tablet, an ampoule, a bag.
CREATE TYPE stock_unit AS ENUM (
    'tablet', 'capsule', 'ampoule', 'vial', 'bag', 'bottle', 'inhaler', 'suppository', 'patch', 'tube', 'pen',
    'cartridge'
);

-- Mass and amount convert; the rest only to themselves. NULL: not convertible.
CREATE FUNCTION dose_convert(p_value numeric, p_from dose_unit, p_to dose_unit) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN CASE
    WHEN p_from = p_to THEN p_value
    WHEN p_from IN ('g', 'mg', 'microgram') AND p_to IN ('g', 'mg', 'microgram') THEN
        p_value
        * CASE p_from WHEN 'g' THEN 1000000 WHEN 'mg' THEN 1000 ELSE 1 END
        / CASE p_to WHEN 'g' THEN 1000000 WHEN 'mg' THEN 1000 ELSE 1 END
END;
COMMENT ON FUNCTION dose_convert IS 'A dose in another unit (g, mg and microgram convert; other units only to themselves); NULL when they do not.';

-- The ATC classification (WHO), levels 1 to 4: anatomical group (A), therapeutic
-- group (A10), pharmacological group (A10B) and chemical group (A10BA). A
-- drug's own ATC code is level 5 (A10BA02) and lives on the drug.
CREATE TABLE atc_group (
    code text PRIMARY KEY CONSTRAINT atc_group_code_format CHECK (code ~ '^[A-Z]([0-9]{2}([A-Z]([A-Z])?)?)?$'),
    level smallint GENERATED ALWAYS AS (
        CASE length(code) WHEN 1 THEN 1 WHEN 3 THEN 2 WHEN 4 THEN 3 ELSE 4 END
    ) STORED,
    name_sv text NOT NULL CONSTRAINT atc_group_name_sv_length CHECK (length(btrim(name_sv)) BETWEEN 1 AND 200),
    name_en text NOT NULL CONSTRAINT atc_group_name_en_length CHECK (length(btrim(name_en)) BETWEEN 1 AND 200)
);
COMMENT ON TABLE atc_group IS 'One group of the ATC classification, levels 1-4 (the drug carries its level-5 code).';

CREATE TABLE drug (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The Swedish generic name (substance), e.g. Paracetamol, Bensylpenicillin.
    generic_name text NOT NULL CONSTRAINT drug_generic_name_length CHECK (length(btrim(generic_name)) BETWEEN 2 AND 120),
    atc_code text NOT NULL CONSTRAINT drug_atc_code_format CHECK (atc_code ~ '^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$'),
    -- The chemical group (ATC level 4): two drugs in one group are duplicate therapy.
    atc_group text GENERATED ALWAYS AS (left(atc_code, 5)) STORED NOT NULL REFERENCES atc_group (code) ON DELETE RESTRICT,
    form drug_form NOT NULL,
    strength numeric NOT NULL CONSTRAINT drug_strength_positive CHECK (strength > 0),
    strength_unit dose_unit NOT NULL,
    -- Per ml for solutions, per dose for inhalers; NULL: per item (tablet, ampoule).
    strength_per text CONSTRAINT drug_strength_per_known CHECK (strength_per IN ('ml', 'dose', 'g')),
    -- The unit doses are prescribed in, and the maximum a day in that unit
    -- (NULL where no maximum applies, e.g. fluids given to balance).
    dose_unit dose_unit NOT NULL,
    max_daily_dose numeric CONSTRAINT drug_max_daily_dose_positive CHECK (max_daily_dose > 0),
    routes medication_route[] NOT NULL CONSTRAINT drug_routes_nonempty CHECK (cardinality(routes) > 0),
    stock_unit stock_unit NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz,
    CONSTRAINT drug_one_product UNIQUE (generic_name, form, strength, strength_unit)
);
COMMENT ON TABLE drug IS 'One product of the formulary: a substance in a form and strength; retired drugs stay for the record but cannot be prescribed.';
-- Used by the prescribing search (by name) and the duplicate-therapy check.
CREATE INDEX drug_name_idx ON drug (lower(generic_name));
CREATE INDEX drug_atc_idx ON drug (atc_code text_pattern_ops);

CREATE TYPE interaction_severity AS ENUM ('minor', 'moderate', 'major', 'contraindicated');

-- A known interaction between two ATC codes or classes (any level): a drug
-- falls under a side when its code begins with that side's code, so 'M01A'
-- (NSAIDs) covers ibuprofen and naproxen alike.
CREATE TABLE drug_interaction (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    atc_a text NOT NULL CONSTRAINT drug_interaction_atc_a_format CHECK (atc_a ~ '^[A-Z][0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?$'),
    atc_b text NOT NULL CONSTRAINT drug_interaction_atc_b_format CHECK (atc_b ~ '^[A-Z][0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?$'),
    severity interaction_severity NOT NULL,
    effect_en text NOT NULL CONSTRAINT drug_interaction_effect_en_length CHECK (length(btrim(effect_en)) BETWEEN 5 AND 500),
    advice_en text NOT NULL CONSTRAINT drug_interaction_advice_en_length CHECK (length(btrim(advice_en)) BETWEEN 5 AND 500),
    effect_sv text NOT NULL CONSTRAINT drug_interaction_effect_sv_length CHECK (length(btrim(effect_sv)) BETWEEN 5 AND 500),
    advice_sv text NOT NULL CONSTRAINT drug_interaction_advice_sv_length CHECK (length(btrim(advice_sv)) BETWEEN 5 AND 500),
    -- One row per pair, written in order, so a lookup need not try both ways round twice.
    CONSTRAINT drug_interaction_ordered CHECK (atc_a < atc_b),
    CONSTRAINT drug_interaction_one_per_pair UNIQUE (atc_a, atc_b)
);
COMMENT ON TABLE drug_interaction IS 'A known interaction between two ATC codes or classes, with its severity and advice.';

-- An allergy can name the drug or class it is to, so prescribing can check it
-- (an allergy to J01C, the penicillins, warns for every penicillin).
ALTER TABLE allergy ADD COLUMN atc_code text
CONSTRAINT allergy_atc_code_format CHECK (atc_code ~ '^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$');
COMMENT ON COLUMN allergy.atc_code IS 'The ATC code or class the allergy is to, when it is to a drug; prescribing warns for every drug under it.';

-- Reference data: every user reads it, administrators keep the formulary.
-- Drugs are retired, never deleted (prescriptions refer to them).
ALTER TABLE atc_group ENABLE ROW LEVEL SECURITY;
ALTER TABLE drug ENABLE ROW LEVEL SECURITY;
ALTER TABLE drug_interaction ENABLE ROW LEVEL SECURITY;
CREATE POLICY atc_group_read ON atc_group FOR SELECT TO hms_app USING ((SELECT hms_current_user_id()) IS NOT NULL);
CREATE POLICY drug_read ON drug FOR SELECT TO hms_app USING ((SELECT hms_current_user_id()) IS NOT NULL);
CREATE POLICY drug_add ON drug FOR INSERT TO hms_app WITH CHECK ((SELECT hms_current_role()) = 'administrator');
CREATE POLICY drug_retire ON drug FOR UPDATE TO hms_app
USING ((SELECT hms_current_role()) = 'administrator')
WITH CHECK ((SELECT hms_current_role()) = 'administrator');
CREATE POLICY drug_interaction_read ON drug_interaction FOR SELECT TO hms_app
USING ((SELECT hms_current_user_id()) IS NOT NULL);

-- An administrator retires a drug (or brings it back); what it is never changes,
-- since prescriptions and stock refer to it.
GRANT SELECT ON atc_group, drug, drug_interaction TO hms_app;
GRANT INSERT (generic_name, atc_code, form, strength, strength_unit, strength_per, dose_unit, max_daily_dose, routes, stock_unit)
ON drug TO hms_app;
GRANT UPDATE (retired_at) ON drug TO hms_app;
GRANT EXECUTE ON FUNCTION dose_convert TO hms_app;
