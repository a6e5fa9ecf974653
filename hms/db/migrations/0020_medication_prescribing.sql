-- Medication, part 2: prescriptions, the safety checks, the pharmacist's
-- review and the administration record (MAR).
--
-- A prescription is a header (whose, which drug) and its versions. Every
-- change (a new dose, a pause, a resumption, a renewal, the end) is a new
-- version row; nothing is overwritten. The app writes versions only: the
-- database makes the header, numbers the versions, fills what a pause copies
-- from the version before, records who wrote it, runs the safety checks and
-- refuses a version whose warnings are not overridden with a reason.
-- depends: 0019_medication_formulary

-- A relative may be given the medication list without the whole record.
ALTER TYPE proxy_scope ADD VALUE IF NOT EXISTS 'medication' AFTER 'messages';

-- An indication names one of the patient's diagnoses.
CREATE UNIQUE INDEX diagnosis_id_patient_unique ON diagnosis (id, patient_id);
ALTER TABLE diagnosis ADD CONSTRAINT diagnosis_id_patient_unique UNIQUE USING INDEX diagnosis_id_patient_unique;

CREATE TYPE prescription_status AS ENUM ('active', 'paused', 'discontinued');
CREATE TYPE prescription_change AS ENUM ('prescribed', 'changed', 'paused', 'resumed', 'discontinued', 'renewed');
CREATE TYPE dose_schedule AS ENUM ('times', 'interval', 'as_needed');
CREATE TYPE prescription_review_state AS ENUM ('pending', 'approved', 'queried', 'answered');

-- How many doses a day a schedule gives (for as-needed doses, the most).
CREATE FUNCTION dose_schedule_per_day(
    p_schedule dose_schedule, p_times time[], p_interval_hours smallint, p_max_doses smallint
) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE p_schedule
    WHEN 'times' THEN cardinality(p_times)::numeric
    WHEN 'interval' THEN round(24.0 / p_interval_hours, 3)
    ELSE p_max_doses::numeric
END;

CREATE TABLE prescription (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    drug_id bigint NOT NULL REFERENCES drug (id) ON DELETE RESTRICT,
    -- The unit that prescribed it (blocks hide its rows like any journal row).
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    prescribed_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Kept by the database from the versions: the latest, its status and
    -- where the pharmacist's review of it stands.
    current_version_id bigint,
    status prescription_status NOT NULL DEFAULT 'active',
    review_state prescription_review_state NOT NULL DEFAULT 'pending',
    -- Doses recorded on it; the count's update makes recorders take turns.
    doses_recorded bigint NOT NULL DEFAULT 0,
    CONSTRAINT prescription_id_patient_unique UNIQUE (id, patient_id)
);
COMMENT ON TABLE prescription IS
'One drug prescribed to a patient; what it says is its latest version (prescription_version), kept here by the database.';
-- Used by the medication list and the checks (the patient's other active drugs).
CREATE INDEX prescription_patient_idx ON prescription (patient_id, status);
-- Used by the pharmacist's queue.
CREATE INDEX prescription_review_idx ON prescription (review_state, status) WHERE status = 'active';

CREATE TABLE prescription_version (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL on the first version: the database makes the header.
    prescription_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    -- The header's drug, repeated so the checks need no join; never differs.
    drug_id bigint NOT NULL REFERENCES drug (id) ON DELETE RESTRICT,
    version_no integer NOT NULL,
    change prescription_change NOT NULL,
    status prescription_status NOT NULL,
    -- The version the writer saw; a change against an older one is refused.
    based_on bigint REFERENCES prescription_version (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    dose numeric NOT NULL CONSTRAINT prescription_version_dose_positive CHECK (dose > 0),
    dose_unit dose_unit NOT NULL,
    route medication_route NOT NULL,
    schedule dose_schedule NOT NULL,
    -- Local (Stockholm) times of day, for schedule 'times'.
    times_of_day time[] CONSTRAINT prescription_version_times_count CHECK (cardinality(times_of_day) BETWEEN 1 AND 12),
    interval_hours smallint CONSTRAINT prescription_version_interval_range CHECK (interval_hours BETWEEN 1 AND 168),
    -- For as-needed doses: at most this many a day.
    max_doses_per_day smallint CONSTRAINT prescription_version_prn_max_range CHECK (max_doses_per_day BETWEEN 1 AND 24),
    doses_per_day numeric GENERATED ALWAYS AS (
        dose_schedule_per_day(schedule, times_of_day, interval_hours, max_doses_per_day)
    ) STORED,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz,
    indication_id bigint,
    instructions text CONSTRAINT prescription_version_instructions_length CHECK (length(instructions) <= 1000),
    reason text CONSTRAINT prescription_version_reason_length CHECK (length(btrim(reason)) BETWEEN 3 AND 1000),
    override_reason text CONSTRAINT prescription_version_override_reason_length CHECK (
        length(btrim(override_reason)) BETWEEN 5 AND 1000
    ),
    written_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    written_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT prescription_version_prescription_fk FOREIGN KEY (prescription_id, patient_id)
    REFERENCES prescription (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT prescription_version_indication_fk FOREIGN KEY (indication_id, patient_id)
    REFERENCES diagnosis (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT prescription_version_number_unique UNIQUE (prescription_id, version_no),
    CONSTRAINT prescription_version_period_ordered CHECK (ends_at > starts_at),
    CONSTRAINT prescription_version_schedule_shape CHECK (
        (schedule = 'times') = (times_of_day IS NOT NULL)
        AND (schedule = 'interval') = (interval_hours IS NOT NULL)
        AND (schedule = 'as_needed') = (max_doses_per_day IS NOT NULL)
    ),
    CONSTRAINT prescription_version_stop_has_reason CHECK (
        change NOT IN ('paused', 'discontinued') OR reason IS NOT NULL
    ),
    CONSTRAINT prescription_version_status_follows_change CHECK (
        status = CASE change
            WHEN 'paused' THEN 'paused'::prescription_status
            WHEN 'discontinued' THEN 'discontinued'::prescription_status
            ELSE 'active'::prescription_status
        END
    )
);
COMMENT ON TABLE prescription_version IS
'One version of a prescription: the first, or a change, pause, resumption, renewal or end; never updated.';
CREATE INDEX prescription_version_prescription_idx ON prescription_version (prescription_id, version_no DESC);

ALTER TABLE prescription ADD CONSTRAINT prescription_current_version_fk
FOREIGN KEY (current_version_id) REFERENCES prescription_version (id) ON DELETE RESTRICT;

-- A warning the prescriber overrode, with the reason, one row per warning.
CREATE TABLE prescription_warning (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    -- Deferred: the row is written while its version is being inserted.
    version_id bigint NOT NULL REFERENCES prescription_version (id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED,
    kind text NOT NULL CONSTRAINT prescription_warning_kind_known CHECK (kind IN ('allergy', 'interaction', 'duplicate', 'dose')),
    severity interaction_severity NOT NULL,
    subject text NOT NULL,
    -- The unit that wrote what the warning is about (the allergy, the other
    -- prescription): a block on it hides the warning as it hides the row.
    subject_care_unit_id bigint REFERENCES care_unit (id) ON DELETE RESTRICT,
    detail_en text NOT NULL,
    detail_sv text NOT NULL,
    override_reason text NOT NULL,
    overridden_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    overridden_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT prescription_warning_prescription_fk FOREIGN KEY (prescription_id, patient_id)
    REFERENCES prescription (id, patient_id) ON DELETE RESTRICT
);
COMMENT ON TABLE prescription_warning IS 'A safety warning shown when a prescription version was written, and the reason it was overridden.';
CREATE INDEX prescription_warning_prescription_idx ON prescription_warning (prescription_id);

-- The pharmacist approves a version or queries the prescriber, who answers.
CREATE TABLE prescription_review (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    version_id bigint NOT NULL REFERENCES prescription_version (id) ON DELETE RESTRICT,
    outcome prescription_review_state NOT NULL CONSTRAINT prescription_review_outcome_known CHECK (outcome <> 'pending'),
    message text CONSTRAINT prescription_review_message_length CHECK (length(btrim(message)) BETWEEN 3 AND 2000),
    reviewed_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    reviewed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT prescription_review_prescription_fk FOREIGN KEY (prescription_id, patient_id)
    REFERENCES prescription (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT prescription_review_query_has_message CHECK (outcome = 'approved' OR message IS NOT NULL)
);
COMMENT ON TABLE prescription_review IS
'A pharmacist''s approval or query of a prescription version, or the prescriber''s answer to a query.';
CREATE INDEX prescription_review_prescription_idx ON prescription_review (prescription_id, reviewed_at DESC);

CREATE TYPE administration_outcome AS ENUM ('given', 'not_given', 'refused');

CREATE TABLE medication_administration (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    version_id bigint NOT NULL REFERENCES prescription_version (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    -- The scheduled dose this answers; NULL for an as-needed dose.
    scheduled_for timestamptz,
    outcome administration_outcome NOT NULL,
    administered_at timestamptz NOT NULL,
    dose numeric CONSTRAINT medication_administration_dose_positive CHECK (dose > 0),
    dose_unit dose_unit,
    note text CONSTRAINT medication_administration_note_length CHECK (length(btrim(note)) BETWEEN 1 AND 1000),
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT medication_administration_prescription_fk FOREIGN KEY (prescription_id, patient_id)
    REFERENCES prescription (id, patient_id) ON DELETE RESTRICT,
    CONSTRAINT medication_administration_given_has_dose CHECK (
        (outcome = 'given') = (dose IS NOT NULL AND dose_unit IS NOT NULL)
    ),
    CONSTRAINT medication_administration_not_given_has_note CHECK (outcome = 'given' OR note IS NOT NULL),
    CONSTRAINT medication_administration_not_future CHECK (administered_at <= recorded_at + interval '5 minutes'),
    CONSTRAINT medication_administration_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE medication_administration IS
'One dose on the administration record: given, not given or refused, by whom and when.';
-- One record per scheduled dose (a wrong one is marked in error, then recorded again).
CREATE UNIQUE INDEX medication_administration_once_per_dose ON medication_administration (prescription_id, scheduled_for)
WHERE scheduled_for IS NOT NULL AND entered_in_error_at IS NULL;
-- Used by the MAR and the as-needed count.
CREATE INDEX medication_administration_prescription_idx ON medication_administration (prescription_id, administered_at);

-- Kidney function, for dosing: many drugs are dosed down or stopped when it
-- falls. (A result, not a vital sign; recorded until orders and results
-- bring it from the laboratory.)
CREATE TABLE renal_function (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    measured_at timestamptz NOT NULL,
    -- eGFR in mL/min/1.73 m², creatinine in µmol/L: plausible ranges only.
    egfr numeric(4, 1) CONSTRAINT renal_function_egfr_plausible CHECK (egfr BETWEEN 1 AND 200),
    creatinine integer CONSTRAINT renal_function_creatinine_plausible CHECK (creatinine BETWEEN 10 AND 3000),
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    entered_in_error_at timestamptz,
    entered_in_error_reason text,
    CONSTRAINT renal_function_has_a_value CHECK (egfr IS NOT NULL OR creatinine IS NOT NULL),
    CONSTRAINT renal_function_not_future CHECK (measured_at <= recorded_at + interval '5 minutes'),
    CONSTRAINT renal_function_in_error_has_reason CHECK (
        (entered_in_error_at IS NULL) = (entered_in_error_reason IS NULL)
        AND (entered_in_error_reason IS NULL OR length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000)
    )
);
COMMENT ON TABLE renal_function IS 'One measurement of kidney function (eGFR, creatinine), for dosing.';
-- Used by the latest value shown when dosing.
CREATE INDEX renal_function_patient_idx ON renal_function (patient_id, measured_at DESC);
CREATE TRIGGER renal_function_guard BEFORE UPDATE OR DELETE ON renal_function
FOR EACH ROW EXECUTE FUNCTION clinical_row_guard();

-- ---------------------------------------------------------------------------
-- The safety checks: every warning for one proposed dose of one drug, in one
-- query. Rows the caller may not see (a blocked unit's allergy) are left out
-- even when the checks run inside the database's own trigger, so the trigger
-- demands overrides for exactly the warnings the prescriber was shown.
-- ---------------------------------------------------------------------------
CREATE FUNCTION medication_check(
    p_patient bigint,
    p_drug bigint,
    p_dose numeric,
    p_dose_unit dose_unit,
    p_doses_per_day numeric,
    p_prescription bigint DEFAULT NULL
) RETURNS TABLE (
    kind text, severity interaction_severity, subject text, detail_en text, detail_sv text, care_unit_id bigint
)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    WITH
    this AS (
        SELECT
            d.id,
            d.generic_name,
            d.atc_code,
            d.atc_group,
            d.dose_unit,
            d.max_daily_dose
        FROM drug AS d
        WHERE d.id = p_drug  -- a parameter, not a column -- noqa: RF03
    ),

    others AS (
        SELECT
            p.id,
            p.care_unit_id,
            d.generic_name,
            d.atc_code,
            d.atc_group,
            d.dose_unit,
            v.dose,
            v.dose_unit AS written_unit,
            v.doses_per_day
        FROM prescription AS p
        INNER JOIN prescription_version AS v ON p.current_version_id = v.id
        INNER JOIN drug AS d ON p.drug_id = d.id
        WHERE
            p.patient_id = p_patient AND p.status = 'active'
            AND p.id IS DISTINCT FROM p_prescription
            AND hms_row_visible(p.patient_id, p.care_unit_id, 'medication')
    ),

    -- The whole day's amount of the substance: this dose and the patient's
    -- other active prescriptions of it (tablets and an infusion, say).
    same_substance AS (
        SELECT
            round(
                dose_convert(p_dose, p_dose_unit, t.dose_unit) * p_doses_per_day
                + coalesce(sum(dose_convert(o.dose, o.written_unit, t.dose_unit) * o.doses_per_day), 0),
                3
            ) AS total
        FROM this AS t
        LEFT JOIN others AS o ON t.generic_name = o.generic_name
        GROUP BY t.dose_unit
    )

    SELECT
        'allergy' AS kind,
        (CASE
            WHEN a.severity IN ('severe', 'life_threatening') THEN 'contraindicated'
            WHEN a.is_intolerance THEN 'moderate' ELSE 'major'
        END)::interaction_severity AS severity,
        a.substance AS subject,
        'Recorded ' || CASE WHEN a.is_intolerance THEN 'intolerance' ELSE 'allergy' END || ' ('
        || a.severity::text || ')' || coalesce(': ' || a.reaction, '') AS detail_en,
        'Registrerad ' || CASE WHEN a.is_intolerance THEN 'intolerans' ELSE 'allergi' END || ' ('
        || CASE a.severity
            WHEN 'mild' THEN 'lindrig' WHEN 'moderate' THEN 'måttlig' WHEN 'severe' THEN 'svår'
            ELSE 'livshotande'
        END || ')' || coalesce(': ' || a.reaction, '') AS detail_sv,
        a.care_unit_id
    FROM this AS t
    INNER JOIN allergy AS a
        ON
            a.patient_id = p_patient AND a.entered_in_error_at IS NULL AND a.category = 'medication'
            AND (
                t.atc_code LIKE a.atc_code || '%'
                OR lower(btrim(a.substance)) = lower(t.generic_name)
                OR EXISTS (
                    SELECT 1 FROM atc_group AS g
                    WHERE t.atc_code LIKE g.code || '%' AND lower(btrim(a.substance)) IN (lower(g.name_sv), lower(g.name_en))
                )
            )
    WHERE hms_row_visible(a.patient_id, a.care_unit_id, 'medication')
    UNION ALL
    SELECT
        'interaction' AS kind,
        i.severity,
        o.generic_name AS subject,
        i.effect_en || ' ' || i.advice_en AS detail_en,
        i.effect_sv || ' ' || i.advice_sv AS detail_sv,
        o.care_unit_id
    FROM this AS t
    INNER JOIN others AS o ON true
    INNER JOIN drug_interaction AS i
        ON
            (t.atc_code LIKE i.atc_a || '%' AND o.atc_code LIKE i.atc_b || '%')
            OR (t.atc_code LIKE i.atc_b || '%' AND o.atc_code LIKE i.atc_a || '%')
    UNION ALL
    SELECT
        'duplicate' AS kind,
        'moderate'::interaction_severity AS severity,
        o.generic_name AS subject,
        'Same chemical group (' || g.code || ', ' || g.name_en || ') as an active prescription.' AS detail_en,
        'Samma kemiska grupp (' || g.code || ', ' || g.name_sv || ') som en aktiv ordination.' AS detail_sv,
        o.care_unit_id
    FROM this AS t
    INNER JOIN others AS o ON t.atc_group = o.atc_group
    INNER JOIN atc_group AS g ON t.atc_group = g.code
    UNION ALL
    SELECT
        'dose' AS kind,
        'major'::interaction_severity AS severity,
        t.generic_name AS subject,
        'Total ' || trim_scale(s.total) || ' ' || t.dose_unit::text || ' a day; the maximum is '
        || trim_scale(t.max_daily_dose) || ' ' || t.dose_unit::text || '.' AS detail_en,
        'Totalt ' || trim_scale(s.total) || ' ' || t.dose_unit::text || ' per dygn; maxdos är '
        || trim_scale(t.max_daily_dose) || ' ' || t.dose_unit::text || '.' AS detail_sv,
        NULL::bigint AS care_unit_id
    FROM this AS t
    INNER JOIN same_substance AS s ON true
    WHERE s.total > t.max_daily_dose;
END;
COMMENT ON FUNCTION medication_check IS
'Every safety warning for a proposed dose of a drug: allergy, interaction, duplicate therapy and maximum daily dose, in one query.';

-- ---------------------------------------------------------------------------
-- Reach and serialization, asked by the triggers below before anything else.
-- The triggers run as the owner, before row-level security checks the row,
-- so each first asks whether the user may see the prescription at all (its
-- unit may be blocked) and otherwise answers "No such prescription", telling
-- nothing of its drug, status or doses.
-- ---------------------------------------------------------------------------
CREATE FUNCTION hms_private.may_see_prescription(p_head prescription) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN hms_row_visible(p_head.patient_id, p_head.care_unit_id, 'medication');

CREATE FUNCTION hms_private.may_write_prescription(p_head prescription) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN hms_may_write_clinical(p_head.patient_id) AND hms_private.may_see_prescription(p_head);

-- One row per patient, updated by every write the safety checks depend on (a
-- prescription version, a drug allergy). Two doctors prescribing for one
-- patient at once take turns here, so the second's checks see the first's
-- drug; a transaction that reads an old snapshot (REPEATABLE READ) fails to
-- serialize rather than check against it.
CREATE TABLE hms_private.medication_serial (
    patient_id bigint PRIMARY KEY REFERENCES patient (id) ON DELETE CASCADE,
    changes bigint NOT NULL DEFAULT 1
);
COMMENT ON TABLE hms_private.medication_serial IS
'A patient''s medication writes taken in turn: the row each write updates first.';

CREATE FUNCTION hms_private.medication_serialize(p_patient bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    INSERT INTO hms_private.medication_serial AS s (patient_id) VALUES (p_patient)
    ON CONFLICT (patient_id) DO UPDATE SET changes = s.changes + 1;
END;

-- A drug allergy recorded changes what the checks answer, so it takes its turn too.
CREATE FUNCTION allergy_serialize_medication() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM hms_private.medication_serialize(NEW.patient_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER allergy_serialize_medication AFTER INSERT ON allergy
FOR EACH ROW WHEN (NEW.category = 'medication')  -- NEW is the trigger's row -- noqa: CP02
EXECUTE FUNCTION allergy_serialize_medication();

-- ---------------------------------------------------------------------------
-- Writing a version. SECURITY DEFINER: it makes the header and reads the
-- current version whole; the row-level security on prescription_version then
-- decides whether the writer may write for this patient at all.
-- ---------------------------------------------------------------------------
CREATE FUNCTION prescription_version_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_head prescription;
    v_prev prescription_version;
    v_drug drug;
    v_reason text := NEW.override_reason;
BEGIN
    IF v_user IS NULL OR hms_current_role() <> 'doctor' THEN
        RAISE EXCEPTION 'Only a doctor prescribes.' USING ERRCODE = 'HM070', CONSTRAINT = 'prescription_version_by_doctor';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM staff_care_unit WHERE user_id = v_user AND care_unit_id = NEW.care_unit_id) THEN
        RAISE EXCEPTION 'Prescribe from one of your own care units.'
            USING ERRCODE = 'HM071', CONSTRAINT = 'prescription_version_own_unit';
    END IF;
    NEW.written_by := v_user;
    NEW.written_at := now();

    IF NEW.change = 'prescribed' THEN
        IF NEW.prescription_id IS NOT NULL OR NEW.based_on IS NOT NULL THEN
            RAISE EXCEPTION 'A new prescription starts its own history.'
                USING ERRCODE = 'HM072', CONSTRAINT = 'prescription_version_first_is_new';
        END IF;
        INSERT INTO prescription (patient_id, drug_id, care_unit_id, prescribed_by)
        VALUES (NEW.patient_id, NEW.drug_id, NEW.care_unit_id, v_user)
        RETURNING * INTO v_head;
        NEW.prescription_id := v_head.id;
        NEW.version_no := 1;
    ELSE
        -- Reach first, so a refusal tells nothing of a prescription one may not
        -- see (a block hides it, or the patient is not in one's care).
        SELECT * INTO v_head FROM prescription WHERE id = NEW.prescription_id;
        IF NOT FOUND OR NOT hms_private.may_write_prescription(v_head) THEN
            RAISE EXCEPTION 'No such prescription.' USING ERRCODE = 'HM072', CONSTRAINT = 'prescription_version_prescription_fk';
        END IF;
        SELECT * INTO v_head FROM prescription WHERE id = NEW.prescription_id FOR UPDATE;
        SELECT * INTO v_prev FROM prescription_version WHERE id = v_head.current_version_id;
        IF NEW.based_on IS DISTINCT FROM v_prev.id THEN
            RAISE EXCEPTION 'The prescription was changed by someone else meanwhile; open it again.'
                USING ERRCODE = 'HM073', CONSTRAINT = 'prescription_version_based_on_current';
        END IF;
        IF NOT (
            (NEW.change IN ('changed', 'renewed') AND v_prev.status IN ('active', 'paused'))
            OR (NEW.change = 'paused' AND v_prev.status = 'active')
            OR (NEW.change = 'resumed' AND v_prev.status = 'paused')
            OR (NEW.change = 'discontinued' AND v_prev.status IN ('active', 'paused'))
        ) THEN
            RAISE EXCEPTION 'A % prescription cannot be %.', v_prev.status, NEW.change
                USING ERRCODE = 'HM074', CONSTRAINT = 'prescription_version_transition';
        END IF;
        NEW.patient_id := v_head.patient_id;
        NEW.drug_id := v_head.drug_id;
        NEW.version_no := v_prev.version_no + 1;
        -- A pause, resumption or end changes nothing of the dosing; a renewal
        -- only its end.
        IF NEW.change IN ('paused', 'resumed', 'discontinued', 'renewed') THEN
            NEW.dose := v_prev.dose;
            NEW.dose_unit := v_prev.dose_unit;
            NEW.route := v_prev.route;
            NEW.schedule := v_prev.schedule;
            NEW.times_of_day := v_prev.times_of_day;
            NEW.interval_hours := v_prev.interval_hours;
            NEW.max_doses_per_day := v_prev.max_doses_per_day;
            NEW.starts_at := v_prev.starts_at;
            NEW.indication_id := v_prev.indication_id;
            NEW.instructions := coalesce(NEW.instructions, v_prev.instructions);
            IF NEW.change <> 'renewed' THEN
                NEW.ends_at := v_prev.ends_at;
            END IF;
        END IF;
    END IF;
    NEW.status := CASE NEW.change WHEN 'paused' THEN 'paused' WHEN 'discontinued' THEN 'discontinued' ELSE 'active' END;

    SELECT * INTO v_drug FROM drug WHERE id = NEW.drug_id;
    IF v_drug.retired_at IS NOT NULL AND NEW.change IN ('prescribed', 'renewed') THEN
        RAISE EXCEPTION '% is retired from the formulary.', v_drug.generic_name
            USING ERRCODE = 'HM075', CONSTRAINT = 'prescription_version_drug_current';
    END IF;
    IF NOT NEW.route = ANY (v_drug.routes) THEN
        RAISE EXCEPTION '% is not given by that route.', v_drug.generic_name
            USING ERRCODE = 'HM075', CONSTRAINT = 'prescription_version_route_of_drug';
    END IF;
    IF dose_convert(NEW.dose, NEW.dose_unit, v_drug.dose_unit) IS NULL THEN
        RAISE EXCEPTION '% is dosed in %.', v_drug.generic_name, v_drug.dose_unit
            USING ERRCODE = 'HM075', CONSTRAINT = 'prescription_version_unit_of_drug';
    END IF;

    -- One writer of a patient's medication at a time: a second waits here and
    -- then checks against the first's drugs (under REPEATABLE READ it fails
    -- to serialize instead of checking an old snapshot).
    PERFORM hms_private.medication_serialize(NEW.patient_id);
    -- The safety checks, for every version that sets a dose to be given.
    IF NEW.change IN ('prescribed', 'changed', 'resumed', 'renewed') THEN
        PERFORM hms_private.prescription_warnings_record(NEW, v_reason);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION prescription_version_fill IS
'Makes a version whole: header, number, writer, what a pause copies; refuses wrong transitions and unoverridden warnings.';

-- Runs the checks for a version being written: with warnings and no reason
-- the version is refused (the message lists them); with a reason each warning
-- becomes a prescription_warning row. Called by the trigger above only.
CREATE FUNCTION hms_private.prescription_warnings_record(p_new prescription_version, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_list text;
BEGIN
    -- One run of the checks either way: without a reason they may only list
    -- what refuses the version; with one, each warning is kept.
    IF p_reason IS NULL THEN
        SELECT string_agg(w.kind || ': ' || w.subject || ' (' || w.severity::text || ')', '; ')
        INTO v_list
        FROM medication_check(
            p_new.patient_id, p_new.drug_id, p_new.dose, p_new.dose_unit,
            dose_schedule_per_day(p_new.schedule, p_new.times_of_day, p_new.interval_hours, p_new.max_doses_per_day),
            p_new.prescription_id
        ) AS w;
        IF v_list IS NOT NULL THEN
            RAISE EXCEPTION 'Warnings must be overridden with a reason: %', v_list
                USING ERRCODE = 'HM076', CONSTRAINT = 'prescription_version_warnings_overridden';
        END IF;
        RETURN;
    END IF;
    INSERT INTO prescription_warning (
        prescription_id, patient_id, version_id, kind, severity, subject, subject_care_unit_id, detail_en,
        detail_sv, override_reason, overridden_by
    )
    SELECT
        p_new.prescription_id, p_new.patient_id, p_new.id, w.kind, w.severity, w.subject, w.care_unit_id,
        w.detail_en, w.detail_sv, p_reason, p_new.written_by
    FROM medication_check(
        p_new.patient_id, p_new.drug_id, p_new.dose, p_new.dose_unit,
        dose_schedule_per_day(p_new.schedule, p_new.times_of_day, p_new.interval_hours, p_new.max_doses_per_day),
        p_new.prescription_id
    ) AS w;
END
$$;

CREATE TRIGGER prescription_version_fill BEFORE INSERT ON prescription_version
FOR EACH ROW EXECUTE FUNCTION prescription_version_fill();

-- The header follows its latest version.
CREATE FUNCTION prescription_version_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE prescription SET
        current_version_id = NEW.id,
        status = NEW.status,
        review_state = CASE
            WHEN NEW.change IN ('prescribed', 'changed', 'renewed', 'resumed') THEN 'pending'
            ELSE review_state END
    WHERE id = NEW.prescription_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER prescription_version_apply AFTER INSERT ON prescription_version
FOR EACH ROW EXECUTE FUNCTION prescription_version_apply();

-- Versions, warnings and reviews are history: never changed, never deleted
-- (the app's role has no such privilege; this stops the owner's mistakes too).
CREATE FUNCTION medication_history_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'Medication history is never changed; write a new version.'
        USING ERRCODE = 'HM077', CONSTRAINT = TG_TABLE_NAME || '_never_changed';
END
$$;
CREATE TRIGGER prescription_version_fixed BEFORE UPDATE OR DELETE ON prescription_version
FOR EACH ROW EXECUTE FUNCTION medication_history_fixed();
CREATE TRIGGER prescription_warning_fixed BEFORE UPDATE OR DELETE ON prescription_warning
FOR EACH ROW EXECUTE FUNCTION medication_history_fixed();
CREATE TRIGGER prescription_review_fixed BEFORE UPDATE OR DELETE ON prescription_review
FOR EACH ROW EXECUTE FUNCTION medication_history_fixed();

-- ---------------------------------------------------------------------------
-- The pharmacist's review, and the prescriber's answer to a query.
-- ---------------------------------------------------------------------------
CREATE FUNCTION prescription_review_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_role text := hms_current_role();
    v_head prescription;
BEGIN
    SELECT * INTO v_head FROM prescription WHERE id = NEW.prescription_id;
    IF NOT FOUND OR NOT (
        CASE v_role
            WHEN 'pharmacist' THEN hms_private.may_see_prescription(v_head)
            ELSE hms_private.may_write_prescription(v_head)
        END
    ) THEN
        RAISE EXCEPTION 'No such prescription.' USING ERRCODE = 'HM078', CONSTRAINT = 'prescription_review_prescription_fk';
    END IF;
    SELECT * INTO v_head FROM prescription WHERE id = NEW.prescription_id FOR UPDATE;
    IF NEW.version_id IS DISTINCT FROM v_head.current_version_id THEN
        RAISE EXCEPTION 'The prescription has changed since; review its latest version.'
            USING ERRCODE = 'HM078', CONSTRAINT = 'prescription_review_of_current';
    END IF;
    IF NOT (
        (v_role = 'pharmacist' AND NEW.outcome IN ('approved', 'queried') AND v_head.review_state IN ('pending', 'answered'))
        OR (v_role = 'doctor' AND NEW.outcome = 'answered' AND v_head.review_state = 'queried')
    ) THEN
        RAISE EXCEPTION 'A % cannot mark a % prescription %.', v_role, v_head.review_state, NEW.outcome
            USING ERRCODE = 'HM078', CONSTRAINT = 'prescription_review_transition';
    END IF;
    NEW.patient_id := v_head.patient_id;
    NEW.reviewed_by := hms_current_user_id();
    NEW.reviewed_at := now();
    UPDATE prescription SET review_state = NEW.outcome WHERE id = v_head.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER prescription_review_fill BEFORE INSERT ON prescription_review
FOR EACH ROW EXECUTE FUNCTION prescription_review_fill();

-- ---------------------------------------------------------------------------
-- The administration record.
-- ---------------------------------------------------------------------------
CREATE FUNCTION medication_administration_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_head prescription;
    v_version prescription_version;
    v_given integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.entered_in_error_at IS NOT NULL
            OR (NEW.outcome, NEW.administered_at, NEW.dose, NEW.dose_unit, NEW.note, NEW.scheduled_for,
                NEW.recorded_by, NEW.recorded_at, NEW.prescription_id, NEW.version_id)
            IS DISTINCT FROM (OLD.outcome, OLD.administered_at, OLD.dose, OLD.dose_unit, OLD.note, OLD.scheduled_for,
                OLD.recorded_by, OLD.recorded_at, OLD.prescription_id, OLD.version_id) THEN
            RAISE EXCEPTION 'A recorded dose is only ever marked entered in error.'
                USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_fixed';
        END IF;
        RETURN NEW;
    END IF;
    SELECT * INTO v_head FROM prescription WHERE id = NEW.prescription_id;
    IF NOT FOUND OR NOT hms_private.may_write_prescription(v_head) THEN
        RAISE EXCEPTION 'No such prescription.' USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_prescription_fk';
    END IF;
    -- Updates the prescription, so two nurses take turns: the second counts
    -- the first's dose (and under REPEATABLE READ fails to serialize rather
    -- than count in an old snapshot) before giving the day's last as-needed dose.
    UPDATE prescription SET doses_recorded = doses_recorded + 1 WHERE id = NEW.prescription_id
    RETURNING * INTO v_head;
    SELECT * INTO v_version FROM prescription_version WHERE id = v_head.current_version_id;
    IF v_head.status <> 'active' THEN
        RAISE EXCEPTION 'The prescription is %.', v_head.status
            USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_prescription_active';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM staff_care_unit WHERE user_id = v_user AND care_unit_id = NEW.care_unit_id) THEN
        RAISE EXCEPTION 'Record from one of your own care units.'
            USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_own_unit';
    END IF;
    IF (NEW.scheduled_for IS NULL) <> (v_version.schedule = 'as_needed') THEN
        RAISE EXCEPTION 'A scheduled dose names its time; an as-needed dose does not.'
            USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_schedule_matches';
    END IF;
    -- A scheduled dose is one the schedule has: at one of its times of day
    -- (Stockholm time), or a whole number of intervals from the start, within
    -- the prescription's period.
    IF NEW.scheduled_for IS NOT NULL AND NOT (
        NEW.scheduled_for >= v_version.starts_at
        AND (v_version.ends_at IS NULL OR NEW.scheduled_for < v_version.ends_at)
        AND CASE v_version.schedule
            WHEN 'times' THEN (NEW.scheduled_for AT TIME ZONE 'Europe/Stockholm')::time = ANY (v_version.times_of_day)
            ELSE mod(extract(EPOCH FROM NEW.scheduled_for - v_version.starts_at)::numeric,
                v_version.interval_hours * 3600) = 0
        END
    ) THEN
        RAISE EXCEPTION 'The prescription schedules no dose at that time.'
            USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_time_scheduled';
    END IF;
    IF NEW.outcome = 'given' AND dose_convert(NEW.dose, NEW.dose_unit, v_version.dose_unit) IS NULL THEN
        RAISE EXCEPTION 'The dose is written in %.', v_version.dose_unit
            USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_unit_matches';
    END IF;
    IF v_version.schedule = 'as_needed' AND NEW.outcome = 'given' THEN
        SELECT count(*) INTO v_given FROM medication_administration
        WHERE
            prescription_id = NEW.prescription_id AND outcome = 'given' AND entered_in_error_at IS NULL
            AND administered_at >= hms_day_start((NEW.administered_at AT TIME ZONE 'Europe/Stockholm')::date)
            AND administered_at < hms_day_start((NEW.administered_at AT TIME ZONE 'Europe/Stockholm')::date + 1);
        IF v_given >= v_version.max_doses_per_day THEN
            RAISE EXCEPTION 'All % as-needed doses of the day are given.', v_version.max_doses_per_day
                USING ERRCODE = 'HM079', CONSTRAINT = 'medication_administration_prn_max';
        END IF;
    END IF;
    NEW.patient_id := v_head.patient_id;
    NEW.version_id := v_version.id;
    NEW.recorded_by := v_user;
    NEW.recorded_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER medication_administration_fill BEFORE INSERT OR UPDATE ON medication_administration
FOR EACH ROW EXECUTE FUNCTION medication_administration_fill();
CREATE TRIGGER medication_administration_never_deleted BEFORE DELETE ON medication_administration
FOR EACH ROW EXECUTE FUNCTION medication_history_fixed();

-- The doses due on a ward between two instants, from the current versions'
-- schedules, with what was recorded for each. A ward's patients are those
-- with an open encounter there. Runs as the caller: row-level security
-- decides which patients' doses they see.
CREATE FUNCTION mar_doses(p_care_unit bigint, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (
    prescription_id bigint, patient_id bigint, version_id bigint, scheduled_for timestamptz,
    administration_id bigint, outcome administration_outcome, administered_at timestamptz
)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    WITH
    ward AS (
        SELECT DISTINCT e.patient_id FROM encounter AS e
        WHERE e.care_unit_id = p_care_unit AND e.ended_at IS NULL  -- a parameter, not a column -- noqa: RF03
    ),

    due AS (
        SELECT
            p.id AS prescription_id,
            p.patient_id,
            v.id AS version_id,
            t.at AS scheduled_for
        FROM ward AS w
        INNER JOIN prescription AS p ON w.patient_id = p.patient_id AND p.status = 'active'
        INNER JOIN prescription_version AS v ON p.current_version_id = v.id
        CROSS JOIN
            LATERAL (
                SELECT (d::date + tod) AT TIME ZONE 'Europe/Stockholm' AS at
                FROM
                    generate_series(
                        (p_from AT TIME ZONE 'Europe/Stockholm')::date, (p_to AT TIME ZONE 'Europe/Stockholm')::date,
                        interval '1 day'
                    ) AS d
                CROSS JOIN unnest(v.times_of_day) AS tod
                WHERE v.schedule = 'times'
                UNION ALL
                SELECT g.at
                FROM generate_series(v.starts_at, p_to, make_interval(hours => v.interval_hours)) AS g (at)
                WHERE v.schedule = 'interval'
            ) AS t
        WHERE
            t.at >= p_from AND t.at < p_to AND t.at >= v.starts_at
            AND (v.ends_at IS NULL OR t.at < v.ends_at)
    )

    SELECT
        due.prescription_id,
        due.patient_id,
        due.version_id,
        due.scheduled_for,
        a.id,
        a.outcome,
        a.administered_at
    FROM due
    LEFT JOIN medication_administration AS a
        ON
            due.prescription_id = a.prescription_id AND due.scheduled_for = a.scheduled_for
            AND a.entered_in_error_at IS NULL
    ORDER BY due.scheduled_for, due.patient_id, due.prescription_id;
END;
COMMENT ON FUNCTION mar_doses IS 'The scheduled doses of a ward''s patients between two instants, each with its record if one was made.';

-- ---------------------------------------------------------------------------
-- Who reaches medication data: the medication area of the access decision.
-- A relative reaches it with the record or the medication scope.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION hms_decide_basis(v_user bigint, v_role text, p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF v_role IN ('patient') THEN
        RETURN CASE WHEN EXISTS (SELECT 1 FROM patient_user WHERE user_id = v_user AND patient_id = p_patient)
            THEN 'own' END;
    END IF;
    IF v_role = 'relative' THEN
        RETURN CASE WHEN EXISTS (
            SELECT 1 FROM proxy_grant
            WHERE relative_user_id = v_user AND patient_id = p_patient AND revoked_at IS NULL
                AND current_date >= starts_on AND (ends_on IS NULL OR current_date <= ends_on)
                AND (
                    p_area = 'demographics' OR 'record' = ANY (scopes)
                    OR (p_area = 'medication' AND 'medication' = ANY (scopes::text []))
                )
        ) THEN 'proxy' END;
    END IF;
    IF v_role = 'external_specialist' THEN
        RETURN CASE WHEN EXISTS (
            SELECT 1 FROM consultation WHERE specialist_id = v_user AND patient_id = p_patient AND status = 'open'
        ) THEN 'consultation' END;
    END IF;
    IF p_area = 'demographics' AND v_role IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator') THEN
        RETURN 'role';
    END IF;
    IF p_area = 'medication' AND v_role = 'pharmacist' THEN
        RETURN 'role';
    END IF;
    IF p_area IN ('clinical', 'medication') AND v_role IN ('doctor', 'nurse') THEN
        IF hms_in_care(v_user, p_patient) THEN
            RETURN 'care';
        END IF;
        IF hms_emergency_active(v_user, p_patient) THEN
            RETURN 'emergency';
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- Row-level security.
-- ---------------------------------------------------------------------------
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prescription', 'prescription_version', 'medication_administration', 'renal_function'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR SELECT TO hms_app USING ('
            '(patient_id = ANY ((SELECT hms_wholly_visible(''medication''))::bigint[])'
            ' OR hms_row_visible(patient_id, care_unit_id, ''medication'')))', t || '_read', t);
    END LOOP;
    -- Warnings and reviews carry no unit of their own: they follow their prescription.
    FOREACH t IN ARRAY ARRAY['prescription_warning', 'prescription_review'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR SELECT TO hms_app USING (EXISTS ('
            'SELECT 1 FROM prescription AS p WHERE p.id = prescription_id AND p.patient_id = %I.patient_id)%s)',
            t || '_read', t, t,
            -- A warning names what it is about: hidden where that is hidden.
            CASE t WHEN 'prescription_warning' THEN
                ' AND (subject_care_unit_id IS NULL'
                ' OR patient_id = ANY ((SELECT hms_wholly_visible(''medication''))::bigint[])'
                ' OR hms_row_visible(patient_id, subject_care_unit_id, ''medication''))'
            ELSE '' END);
    END LOOP;
END
$$;

-- Kidney function is read in the medication area and written like vital signs.
CREATE POLICY renal_function_insert ON renal_function FOR INSERT TO hms_app
WITH CHECK (hms_may_write_clinical(patient_id) AND recorded_by = (SELECT hms_current_user_id()));
CREATE POLICY renal_function_update ON renal_function FOR UPDATE TO hms_app
USING (hms_may_write_clinical(patient_id));

-- Doctors write versions for patients in their care (or under emergency access).
CREATE POLICY prescription_version_write ON prescription_version FOR INSERT TO hms_app
WITH CHECK ((SELECT hms_current_role()) = 'doctor' AND hms_may_write_clinical(patient_id));
-- Pharmacists review any patient's; the prescriber's side answers for patients in their care.
CREATE POLICY prescription_review_write ON prescription_review FOR INSERT TO hms_app
WITH CHECK (
    ((SELECT hms_current_role()) = 'pharmacist' AND hms_access_basis(patient_id, 'medication') IS NOT NULL)
    OR ((SELECT hms_current_role()) = 'doctor' AND hms_may_write_clinical(patient_id))
);
-- Nurses and doctors record doses for patients in their care, and mark their own in error.
CREATE POLICY medication_administration_write ON medication_administration FOR INSERT TO hms_app
WITH CHECK ((SELECT hms_current_role()) IN ('nurse', 'doctor') AND hms_may_write_clinical(patient_id));
CREATE POLICY medication_administration_mark ON medication_administration FOR UPDATE TO hms_app
USING (recorded_by = (SELECT hms_current_user_id()) AND hms_may_write_clinical(patient_id));

GRANT SELECT ON prescription, prescription_version, prescription_warning, prescription_review, medication_administration
TO hms_app;
GRANT SELECT, INSERT (patient_id, care_unit_id, measured_at, egfr, creatinine, recorded_by) ON renal_function TO hms_app;
GRANT UPDATE (entered_in_error_at, entered_in_error_reason) ON renal_function TO hms_app;
GRANT INSERT (
    prescription_id, patient_id, drug_id, change, based_on, care_unit_id, dose, dose_unit, route, schedule,
    times_of_day, interval_hours, max_doses_per_day, starts_at, ends_at, indication_id, instructions, reason,
    override_reason
) ON prescription_version TO hms_app;
GRANT INSERT (prescription_id, version_id, outcome, message) ON prescription_review TO hms_app;
GRANT INSERT (
    prescription_id, care_unit_id, scheduled_for, outcome, administered_at, dose, dose_unit, note
) ON medication_administration TO hms_app;
GRANT UPDATE (entered_in_error_at, entered_in_error_reason) ON medication_administration TO hms_app;

REVOKE EXECUTE ON FUNCTION
hms_private.may_see_prescription, hms_private.may_write_prescription, hms_private.medication_serialize,
allergy_serialize_medication,
dose_schedule_per_day, medication_check, prescription_version_fill, hms_private.prescription_warnings_record,
prescription_version_apply, medication_history_fixed, prescription_review_fill, medication_administration_fill,
mar_doses
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dose_schedule_per_day, medication_check, mar_doses TO hms_app;
