-- The journal, part 3: diagnoses, procedures, allergies, past history, care
-- plans, vital signs with NEWS2, and the timeline that unites them.
-- depends: 0007_journal_notes

-- Every clinical row below carries patient_id, author, care unit and UTC
-- timestamps, and is never deleted: mistakes are marked entered in error.
CREATE FUNCTION clinical_row_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Journal entries are never deleted; mark them entered in error.'
            USING ERRCODE = 'HM030', CONSTRAINT = TG_TABLE_NAME || '_never_deleted';
    END IF;
    IF OLD.entered_in_error_at IS NOT NULL THEN
        RAISE EXCEPTION 'An entry marked entered in error is final.'
            USING ERRCODE = 'HM030', CONSTRAINT = TG_TABLE_NAME || '_error_mark_final';
    END IF;
    IF NEW.patient_id <> OLD.patient_id OR NEW.recorded_by <> OLD.recorded_by
        OR NEW.recorded_at <> OLD.recorded_at THEN
        RAISE EXCEPTION 'Who, whose and when of a journal entry cannot change.'
            USING ERRCODE = 'HM030', CONSTRAINT = TG_TABLE_NAME || '_provenance_fixed';
    END IF;
    RETURN NEW;
END
$$;

CREATE TYPE diagnosis_rank AS ENUM ('primary', 'secondary');

CREATE TABLE diagnosis (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    encounter_id bigint,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    code text NOT NULL REFERENCES icd10_code (code) ON DELETE RESTRICT,
    rank diagnosis_rank NOT NULL DEFAULT 'secondary',
    onset_date date,
    resolved_date date,
    comment text CONSTRAINT diagnosis_comment_length CHECK (length(comment) <= 2000),
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT diagnosis_encounter_fk FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT diagnosis_resolved_after_onset CHECK (resolved_date >= onset_date),
    CONSTRAINT diagnosis_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE diagnosis IS 'One ICD-10 diagnosis of a patient; active (on the problem list) until resolved.';
-- Used by the problem list and the timeline.
CREATE INDEX diagnosis_patient_idx ON diagnosis (patient_id, recorded_at DESC);

CREATE TYPE anaesthesia_kind AS ENUM ('none', 'local', 'regional', 'sedation', 'general');

CREATE TABLE procedure_record (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    encounter_id bigint,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    name text NOT NULL CONSTRAINT procedure_record_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- Swedish procedure code (KVÅ), optional.
    code text CONSTRAINT procedure_record_code_format CHECK (code ~ '^[A-Z]{2,5}[0-9]{2,3}$'),
    is_surgery boolean NOT NULL DEFAULT false,
    performed_at timestamptz NOT NULL,
    performed_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    anaesthesia anaesthesia_kind NOT NULL DEFAULT 'none',
    outcome text CONSTRAINT procedure_record_outcome_length CHECK (length(outcome) <= 2000),
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT procedure_record_encounter_fk FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT procedure_record_not_future CHECK (performed_at <= recorded_at + interval '1 hour'),
    CONSTRAINT procedure_record_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE procedure_record IS 'One procedure or surgery performed on a patient.';
CREATE INDEX procedure_record_patient_idx ON procedure_record (patient_id, performed_at DESC);

CREATE TYPE allergy_severity AS ENUM ('mild', 'moderate', 'severe', 'life_threatening');
CREATE TYPE allergy_category AS ENUM ('medication', 'food', 'environment', 'other');

CREATE TABLE allergy (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    substance text NOT NULL CONSTRAINT allergy_substance_length CHECK (length(btrim(substance)) BETWEEN 1 AND 200),
    category allergy_category NOT NULL,
    reaction text CONSTRAINT allergy_reaction_length CHECK (length(reaction) <= 500),
    severity allergy_severity NOT NULL,
    is_verified boolean NOT NULL DEFAULT false,
    is_intolerance boolean NOT NULL DEFAULT false,
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT allergy_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE allergy IS 'One allergy or intolerance; drives the warning banner on the chart.';
CREATE INDEX allergy_patient_idx ON allergy (patient_id, recorded_at DESC);

CREATE TYPE history_kind AS ENUM ('past_illness', 'family', 'social');

CREATE TABLE history_entry (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    kind history_kind NOT NULL,
    description text NOT NULL CONSTRAINT history_entry_description_length CHECK (length(btrim(description)) BETWEEN 1 AND 2000),
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT history_entry_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE history_entry IS 'One fact of past history: earlier illness, family history, or social history (e.g. smoking).';
CREATE INDEX history_entry_patient_idx ON history_entry (patient_id, recorded_at DESC);

CREATE TYPE care_plan_status AS ENUM ('active', 'completed', 'cancelled');

CREATE TABLE care_plan (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    title text NOT NULL CONSTRAINT care_plan_title_length CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    goals text NOT NULL CONSTRAINT care_plan_goals_length CHECK (length(btrim(goals)) BETWEEN 1 AND 4000),
    actions text NOT NULL CONSTRAINT care_plan_actions_length CHECK (length(btrim(actions)) BETWEEN 1 AND 4000),
    responsible_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    review_date date NOT NULL,
    status care_plan_status NOT NULL DEFAULT 'active',
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT care_plan_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE care_plan IS 'One care or treatment plan: goals, actions, who is responsible, when to review.';
CREATE INDEX care_plan_patient_idx ON care_plan (patient_id, recorded_at DESC);

-- Which LOINC code each measured quantity carries (for exchange, e.g. FHIR).
CREATE TABLE vital_sign_code (
    measure text PRIMARY KEY,
    loinc text NOT NULL CONSTRAINT vital_sign_code_loinc_format CHECK (loinc ~ '^[0-9]{1,7}-[0-9]$'),
    display text NOT NULL,
    unit text NOT NULL
);
COMMENT ON TABLE vital_sign_code IS 'Reference: the LOINC code and unit of one vital-sign measure.';
INSERT INTO vital_sign_code (measure, loinc, display, unit) VALUES
('systolic', '8480-6', 'Systolic blood pressure', 'mm[Hg]'),
('diastolic', '8462-4', 'Diastolic blood pressure', 'mm[Hg]'),
('pulse', '8867-4', 'Heart rate', '/min'),
('temperature', '8310-5', 'Body temperature', 'Cel'),
('respiratory_rate', '9279-1', 'Respiratory rate', '/min'),
('spo2', '59408-5', 'Oxygen saturation by pulse oximetry', '%'),
('consciousness', '67775-7', 'Level of responsiveness (ACVPU)', '{ACVPU}'),
('weight', '29463-7', 'Body weight', 'kg'),
('height', '8302-2', 'Body height', 'cm'),
('bmi', '39156-5', 'Body mass index', 'kg/m2'),
('news2', '88330-6', 'NEWS2 total score', '{score}');

-- NEWS2 (Royal College of Physicians 2017, SpO2 scale 1), computed in SQL so
-- every reader gets the same score. NULL when a parameter is missing: a
-- partial set (say blood pressure and weight at a clinic visit) has no score.
CREATE FUNCTION news2_score(
    rr integer, spo2 integer, on_oxygen boolean, systolic integer, pulse integer,
    consciousness text, temperature numeric
) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (
    CASE WHEN num_nulls(rr, spo2, on_oxygen, systolic, pulse, consciousness, temperature) > 0 THEN NULL::integer ELSE 0 END
    + CASE WHEN rr <= 8 THEN 3 WHEN rr <= 11 THEN 1 WHEN rr <= 20 THEN 0 WHEN rr <= 24 THEN 2 ELSE 3 END
    + CASE WHEN spo2 <= 91 THEN 3 WHEN spo2 <= 93 THEN 2 WHEN spo2 <= 95 THEN 1 ELSE 0 END
    + CASE WHEN on_oxygen THEN 2 ELSE 0 END
    + CASE
        WHEN systolic <= 90 THEN 3 WHEN systolic <= 100 THEN 2 WHEN systolic <= 110 THEN 1
        WHEN systolic <= 219 THEN 0 ELSE 3
    END
    + CASE
        WHEN pulse <= 40 THEN 3 WHEN pulse <= 50 THEN 1 WHEN pulse <= 90 THEN 0
        WHEN pulse <= 110 THEN 1 WHEN pulse <= 130 THEN 2 ELSE 3
    END
    + CASE WHEN consciousness = 'A' THEN 0 ELSE 3 END
    + CASE
        WHEN temperature <= 35.0 THEN 3 WHEN temperature <= 36.0 THEN 1 WHEN temperature <= 38.0 THEN 0
        WHEN temperature <= 39.0 THEN 1 ELSE 2
    END
);

-- Clinical risk band: high (>= 7), medium (5-6), low-medium (a single
-- parameter scoring 3), low.
CREATE FUNCTION news2_band(
    rr integer, spo2 integer, on_oxygen boolean, systolic integer, pulse integer,
    consciousness text, temperature numeric
) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN news2_score(rr, spo2, on_oxygen, systolic, pulse, consciousness, temperature) IS NULL THEN NULL
    WHEN news2_score(rr, spo2, on_oxygen, systolic, pulse, consciousness, temperature) >= 7 THEN 'high'
    WHEN news2_score(rr, spo2, on_oxygen, systolic, pulse, consciousness, temperature) >= 5 THEN 'medium'
    WHEN
        rr <= 8 OR rr >= 25 OR spo2 <= 91 OR systolic <= 90 OR systolic >= 220
        OR pulse <= 40 OR pulse >= 131 OR consciousness <> 'A' OR temperature <= 35.0 THEN 'low_medium'
    ELSE 'low'
END;

CREATE TABLE vital_signs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    encounter_id bigint,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    measured_at timestamptz NOT NULL,
    -- Physiological limits: a value outside them is a typing error, refused.
    systolic integer CONSTRAINT vital_signs_systolic_plausible CHECK (systolic BETWEEN 40 AND 300),
    diastolic integer CONSTRAINT vital_signs_diastolic_plausible CHECK (diastolic BETWEEN 20 AND 200),
    pulse integer CONSTRAINT vital_signs_pulse_plausible CHECK (pulse BETWEEN 20 AND 300),
    temperature numeric(3, 1) CONSTRAINT vital_signs_temperature_plausible CHECK (temperature BETWEEN 25.0 AND 45.0),
    respiratory_rate integer CONSTRAINT vital_signs_respiratory_rate_plausible CHECK (respiratory_rate BETWEEN 3 AND 80),
    spo2 integer CONSTRAINT vital_signs_spo2_plausible CHECK (spo2 BETWEEN 50 AND 100),
    on_oxygen boolean NOT NULL DEFAULT false,
    consciousness text CONSTRAINT vital_signs_consciousness_acvpu CHECK (consciousness IN ('A', 'C', 'V', 'P', 'U')),
    weight_kg numeric(5, 2) CONSTRAINT vital_signs_weight_plausible CHECK (weight_kg BETWEEN 0.3 AND 500),
    height_cm numeric(4, 1) CONSTRAINT vital_signs_height_plausible CHECK (height_cm BETWEEN 20 AND 260),
    -- Derived, so they can never disagree with the measurements.
    bmi numeric(6, 1) GENERATED ALWAYS AS (round(weight_kg / ((height_cm / 100) ^ 2), 1)) STORED,
    news2 integer GENERATED ALWAYS AS (
        news2_score(respiratory_rate, spo2, on_oxygen, systolic, pulse, consciousness, temperature)
    ) STORED,
    news2_band text GENERATED ALWAYS AS (
        news2_band(respiratory_rate, spo2, on_oxygen, systolic, pulse, consciousness, temperature)
    ) STORED,
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT vital_signs_encounter_fk FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT vital_signs_pressure_ordered CHECK (systolic > diastolic),
    -- Each of weight and height may be plausible alone and not together.
    CONSTRAINT vital_signs_bmi_plausible CHECK (bmi BETWEEN 5 AND 200),
    CONSTRAINT vital_signs_something_measured CHECK (num_nonnulls(
        systolic, diastolic, pulse, temperature, respiratory_rate, spo2, consciousness, weight_kg, height_cm
    ) > 0),
    CONSTRAINT vital_signs_not_future CHECK (measured_at <= recorded_at + interval '5 minutes'),
    CONSTRAINT vital_signs_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE vital_signs IS 'One set of vital signs measured at one time; BMI and NEWS2 derived by the database.';
-- Used by the chart (latest vitals), the trend charts and the timeline.
CREATE INDEX vital_signs_patient_idx ON vital_signs (patient_id, measured_at DESC);

CREATE TRIGGER diagnosis_guard BEFORE UPDATE OR DELETE ON diagnosis
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();
CREATE TRIGGER allergy_guard BEFORE UPDATE OR DELETE ON allergy
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();
CREATE TRIGGER history_entry_guard BEFORE UPDATE OR DELETE ON history_entry
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();
CREATE TRIGGER care_plan_guard BEFORE UPDATE OR DELETE ON care_plan
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();
CREATE TRIGGER vital_signs_guard BEFORE UPDATE OR DELETE ON vital_signs
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();
CREATE TRIGGER procedure_record_guard BEFORE UPDATE OR DELETE ON procedure_record
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();

-- The timeline: every journal entry of every kind as one row shape, so one
-- keyset-paginated query (ORDER BY at DESC, kind, id) pages through a whole
-- history. Each branch is served by its table's (patient_id, time) index.
-- A UNION's columns are named by its first branch alone: names given in the
-- other branches would be ignored, so they are left unnamed.
-- noqa: disable=AL03
CREATE VIEW journal_timeline AS
SELECT
    e.patient_id,
    'encounter'::text AS kind,
    e.id,
    e.started_at AS at,
    e.created_by AS author_id,
    e.care_unit_id,
    e.kind::text AS subtype,
    e.reason AS title,
    NULL::text AS code,
    false AS in_error
FROM encounter AS e
UNION ALL
SELECT
    v.patient_id,
    'note',
    n.id,
    v.signed_at,
    v.author_id,
    v.care_unit_id,
    n.kind::text,
    (
        SELECT string_agg(s.heading || ': ' || left(s.body, 200), ' · ' ORDER BY s.position)
        FROM note_section AS s
        WHERE s.version_id = v.version_id
    ),
    NULL,
    n.entered_in_error_at IS NOT NULL
FROM note_current AS v INNER JOIN note AS n ON v.note_id = n.id
UNION ALL
SELECT
    d.patient_id,
    'diagnosis',
    d.id,
    d.recorded_at,
    d.recorded_by,
    d.care_unit_id,
    d.rank::text,
    c.title,
    d.code,
    d.entered_in_error_at IS NOT NULL
FROM diagnosis AS d INNER JOIN icd10_code AS c ON d.code = c.code
UNION ALL
SELECT
    p.patient_id,
    'procedure',
    p.id,
    p.performed_at,
    p.performed_by,
    p.care_unit_id,
    CASE WHEN p.is_surgery THEN 'surgery' ELSE 'procedure' END,
    p.name,
    p.code,
    p.entered_in_error_at IS NOT NULL
FROM procedure_record AS p
UNION ALL
SELECT
    a.patient_id,
    'allergy',
    a.id,
    a.recorded_at,
    a.recorded_by,
    a.care_unit_id,
    a.severity::text,
    a.substance || coalesce(' (' || a.reaction || ')', ''),
    NULL,
    a.entered_in_error_at IS NOT NULL
FROM allergy AS a
UNION ALL
SELECT
    h.patient_id,
    'history',
    h.id,
    h.recorded_at,
    h.recorded_by,
    h.care_unit_id,
    h.kind::text,
    h.description,
    NULL,
    h.entered_in_error_at IS NOT NULL
FROM history_entry AS h
UNION ALL
SELECT
    cp.patient_id,
    'care_plan',
    cp.id,
    cp.recorded_at,
    cp.recorded_by,
    cp.care_unit_id,
    cp.status::text,
    cp.title,
    NULL,
    cp.entered_in_error_at IS NOT NULL
FROM care_plan AS cp
UNION ALL
SELECT
    vs.patient_id,
    'vitals',
    vs.id,
    vs.measured_at,
    vs.recorded_by,
    vs.care_unit_id,
    vs.news2_band,
    concat_ws(
        ', ',
        'BP ' || vs.systolic || '/' || vs.diastolic, 'P ' || vs.pulse, 'T ' || vs.temperature,
        'RR ' || vs.respiratory_rate, 'SpO2 ' || vs.spo2, 'NEWS2 ' || vs.news2
    ),
    NULL,
    vs.entered_in_error_at IS NOT NULL
FROM vital_signs AS vs;
-- noqa: enable=AL03
COMMENT ON VIEW journal_timeline IS 'Every journal entry of a patient as one row: the chart''s timeline.';

GRANT SELECT, INSERT, UPDATE ON diagnosis, procedure_record, allergy, history_entry, care_plan, vital_signs TO hms_app;
GRANT SELECT ON vital_sign_code, journal_timeline TO hms_app;
