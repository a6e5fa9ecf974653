-- Laboratory and radiology: the test catalogue, orders, samples, results and
-- their acknowledgement; imaging orders with a free-text report.
--
-- The catalogue (lab_test, lab_reference_range, lab_panel, lab_panel_test) is
-- reference data, loaded from hms/db/reference/lab_*.csv by `hms migrate`
-- when empty (hms.db.terminology.lab_catalogue_load). A test is named by its
-- LOINC code and carries its UCUM unit and specimen; its reference ranges are
-- rows by sex ('any', 'female', 'male') and age band (an interval from birth:
-- '0 days' to '1 year', '18 years' to open), each with the critical limits
-- where the laboratory has them.
--
-- The rules live here, for every writer:
--   * orders are placed, sampled and cancelled only by functions
--     (lab_order_place, lab_order_sample, lab_order_cancel,
--     radiology_order_place) that take who acts from the verified identity:
--     a doctor with the patient in care orders from one of their own units, a
--     nurse of the ordering unit takes the sample;
--   * an order's status only moves forward (ordered -> sampled -> partially
--     resulted -> resulted, or ordered -> cancelled): a trigger refuses any
--     other change, the owner's included;
--   * a result names its order line, patient and test, and a composite
--     foreign key (item_id, patient_id, loinc, care_unit_id) ties all four to
--     the line, so a result cannot land on another patient's order or test;
--   * the database computes the flag (low, high, critical low, critical high,
--     normal) from the range for the patient's sex and age on the day of
--     sampling; the app's role has no privilege on the flag's column;
--   * results, reports and acknowledgements are append-only: a correction is
--     a new result superseding the current one, and both are kept;
--   * a result (or report) is acknowledged once, by the doctor who ordered
--     it or a doctor of the ordering unit, in their own verified name.
-- Every patient table carries patient_id and care_unit_id and is read
-- through the clinical area of the access decision, blocks included.
-- depends: 0028_referrals

CREATE TYPE lab_specimen AS ENUM ('blood', 'serum_plasma', 'citrate_plasma', 'arterial_blood', 'urine');
CREATE TYPE lab_priority AS ENUM ('routine', 'urgent');
CREATE TYPE lab_order_status AS ENUM ('ordered', 'sampled', 'partially_resulted', 'resulted', 'cancelled');
CREATE TYPE lab_flag AS ENUM ('normal', 'low', 'high', 'critical_low', 'critical_high');
CREATE TYPE lab_result_source AS ENUM ('form', 'api');
CREATE TYPE radiology_modality AS ENUM ('xray', 'ct', 'mri', 'ultrasound');
CREATE TYPE radiology_status AS ENUM ('ordered', 'reported', 'cancelled');

-- ---------------------------------------------------------------------------
-- The catalogue (reference data).
-- ---------------------------------------------------------------------------

CREATE TABLE lab_test (
    loinc text PRIMARY KEY CONSTRAINT lab_test_loinc_format CHECK (loinc ~ '^[0-9]{1,7}-[0-9]$'),
    -- The short name on the ward (Hb, K, CRP), in both languages.
    short_name text NOT NULL CONSTRAINT lab_test_short_name_length CHECK (length(btrim(short_name)) BETWEEN 1 AND 30),
    name_en text NOT NULL CONSTRAINT lab_test_name_en_length CHECK (length(btrim(name_en)) BETWEEN 2 AND 120),
    name_sv text NOT NULL CONSTRAINT lab_test_name_sv_length CHECK (length(btrim(name_sv)) BETWEEN 2 AND 120),
    -- The UCUM unit results are reported in.
    unit text NOT NULL CONSTRAINT lab_test_unit_length CHECK (length(btrim(unit)) BETWEEN 1 AND 30),
    specimen lab_specimen NOT NULL,
    -- Decimals a result is shown with.
    decimals smallint NOT NULL DEFAULT 0 CONSTRAINT lab_test_decimals_range CHECK (decimals BETWEEN 0 AND 3),
    sort_order integer NOT NULL,
    retired_at timestamptz
);
COMMENT ON TABLE lab_test IS 'One laboratory test of the catalogue, by its LOINC code, with its UCUM unit and specimen.';

CREATE TABLE lab_reference_range (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    loinc text NOT NULL REFERENCES lab_test (loinc) ON DELETE RESTRICT,
    sex text NOT NULL CONSTRAINT lab_reference_range_sex_known CHECK (sex IN ('any', 'female', 'male')),
    -- The age band, from birth: age_from <= age < age_to (open above when NULL).
    age_from interval NOT NULL DEFAULT '0 days',
    age_to interval,
    low numeric,
    high numeric,
    -- At or beyond these the result is critical (phoned to the doctor).
    critical_low numeric,
    critical_high numeric,
    CONSTRAINT lab_reference_range_band_ordered CHECK (age_to > age_from),
    CONSTRAINT lab_reference_range_has_a_limit CHECK (coalesce(low, high, critical_low, critical_high) IS NOT NULL),
    CONSTRAINT lab_reference_range_ordered CHECK (
        low <= high AND critical_low < coalesce(low, high) AND critical_high > coalesce(high, low)
    ),
    CONSTRAINT lab_reference_range_one_per_band UNIQUE (loinc, sex, age_from)
);
COMMENT ON TABLE lab_reference_range IS
'The reference range (and critical limits) of a test for one sex and age band.';

CREATE TABLE lab_panel (
    code text PRIMARY KEY CONSTRAINT lab_panel_code_format CHECK (code ~ '^[A-Z][A-Z0-9_]{1,29}$'),
    name_en text NOT NULL CONSTRAINT lab_panel_name_en_length CHECK (length(btrim(name_en)) BETWEEN 2 AND 120),
    name_sv text NOT NULL CONSTRAINT lab_panel_name_sv_length CHECK (length(btrim(name_sv)) BETWEEN 2 AND 120),
    sort_order integer NOT NULL
);
COMMENT ON TABLE lab_panel IS 'A named group of tests ordered together (blood count, electrolytes, liver panel).';

CREATE TABLE lab_panel_test (
    panel_code text NOT NULL REFERENCES lab_panel (code) ON DELETE RESTRICT,
    loinc text NOT NULL REFERENCES lab_test (loinc) ON DELETE RESTRICT,
    position smallint NOT NULL,
    PRIMARY KEY (panel_code, loinc)
);
COMMENT ON TABLE lab_panel_test IS 'One test of a panel, in the order the panel shows it.';

-- The range that applies to a patient of this sex, born then, sampled then:
-- the band of the patient's own sex, else the band for any sex; a patient
-- whose sex is other or unknown, on a test ranged by sex only, gets the
-- widest normal range and the most cautious critical limits of the two.
CREATE FUNCTION lab_range_for(p_loinc text, p_sex patient_sex, p_born date, p_at timestamptz)
RETURNS TABLE (low numeric, high numeric, critical_low numeric, critical_high numeric)
LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp
BEGIN ATOMIC
    -- The function's parameters, not columns: -- noqa: disable=RF03
    WITH band AS (
        SELECT
            r.sex,
            r.low,
            r.high,
            r.critical_low,
            r.critical_high
        FROM lab_reference_range AS r
        WHERE
            r.loinc = p_loinc
            AND p_born + r.age_from <= (p_at AT TIME ZONE 'Europe/Stockholm')::date
            AND (r.age_to IS NULL OR (p_at AT TIME ZONE 'Europe/Stockholm')::date < p_born + r.age_to)
    ),

    chosen AS (
        SELECT
            b.low,
            b.high,
            b.critical_low,
            b.critical_high,
            CASE b.sex WHEN p_sex::text THEN 1 ELSE 2 END AS rank
        FROM band AS b
        WHERE b.sex IN (p_sex::text, 'any')
        UNION ALL
        SELECT
            min(b.low) AS low,
            max(b.high) AS high,
            max(b.critical_low) AS critical_low,
            min(b.critical_high) AS critical_high,
            3 AS rank
        FROM band AS b
        WHERE p_sex IN ('other', 'unknown')
        HAVING count(*) > 0
    )

    SELECT
        c.low,
        c.high,
        c.critical_low,
        c.critical_high
    FROM chosen AS c
    ORDER BY c.rank
    LIMIT 1;
    -- noqa: enable=RF03
END;
COMMENT ON FUNCTION lab_range_for IS
'The reference range and critical limits of a test for a patient''s sex and age on the day of sampling.';

-- The flag of a value against a range: critical at or beyond a critical
-- limit, low or high outside the range, normal within it; NULL when the test
-- has no range for the patient.
CREATE FUNCTION lab_flag_of(
    p_value numeric, p_low numeric, p_high numeric, p_critical_low numeric, p_critical_high numeric
) RETURNS lab_flag
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE
    WHEN p_value <= p_critical_low THEN 'critical_low'::lab_flag
    WHEN p_value >= p_critical_high THEN 'critical_high'::lab_flag
    WHEN p_value < p_low THEN 'low'::lab_flag
    WHEN p_value > p_high THEN 'high'::lab_flag
    WHEN coalesce(p_low, p_high, p_critical_low, p_critical_high) IS NOT NULL THEN 'normal'::lab_flag
END;
COMMENT ON FUNCTION lab_flag_of IS 'A result''s flag against its range and critical limits.';

-- ---------------------------------------------------------------------------
-- Orders, samples and results.
-- ---------------------------------------------------------------------------

CREATE TABLE lab_order (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    -- The ordering unit: its doctors acknowledge the results, its nurses take the sample.
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    ordered_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    ordered_at timestamptz NOT NULL DEFAULT now(),
    priority lab_priority NOT NULL DEFAULT 'routine',
    clinical_question text CONSTRAINT lab_order_question_length CHECK (length(btrim(clinical_question)) BETWEEN 3 AND 1000),
    status lab_order_status NOT NULL DEFAULT 'ordered',
    sampled_at timestamptz,
    sampled_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    cancelled_at timestamptz,
    cancelled_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    cancel_reason text CONSTRAINT lab_order_cancel_reason_length CHECK (length(btrim(cancel_reason)) BETWEEN 3 AND 500),
    CONSTRAINT lab_order_id_patient_unit_unique UNIQUE (id, patient_id, care_unit_id),
    CONSTRAINT lab_order_sampled_shape CHECK (
        (status IN ('ordered', 'cancelled')) = (sampled_at IS NULL) AND (sampled_at IS NULL) = (sampled_by IS NULL)
    ),
    CONSTRAINT lab_order_cancelled_shape CHECK (
        (status = 'cancelled') = (cancelled_at IS NOT NULL)
        AND (cancelled_at IS NULL) = (cancelled_by IS NULL)
        AND (cancelled_at IS NULL) = (cancel_reason IS NULL)
    ),
    CONSTRAINT lab_order_sampled_after_order CHECK (sampled_at >= ordered_at - interval '1 day')
);
COMMENT ON TABLE lab_order IS
'A laboratory order for one patient from one care unit: its tests are its lines; its status only moves forward.';
-- Used by the patient's lab page (newest first).
CREATE INDEX lab_order_patient_idx ON lab_order (patient_id, ordered_at DESC);
-- Used by the sampling worklist of a unit.
CREATE INDEX lab_order_waiting_idx ON lab_order (care_unit_id, ordered_at) WHERE status = 'ordered';

CREATE TABLE lab_order_item (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    care_unit_id bigint NOT NULL,
    loinc text NOT NULL REFERENCES lab_test (loinc) ON DELETE RESTRICT,
    -- The panel the test was ordered with, if any.
    panel_code text REFERENCES lab_panel (code) ON DELETE RESTRICT,
    CONSTRAINT lab_order_item_order_fk FOREIGN KEY (order_id, patient_id, care_unit_id)
    REFERENCES lab_order (id, patient_id, care_unit_id) ON DELETE RESTRICT,
    CONSTRAINT lab_order_item_once_per_order UNIQUE (order_id, loinc),
    -- What a result's composite foreign key names.
    CONSTRAINT lab_order_item_line_unique UNIQUE (id, patient_id, loinc, care_unit_id)
);
COMMENT ON TABLE lab_order_item IS 'One test of a laboratory order (a line), for the order''s patient.';

CREATE TABLE lab_result (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    loinc text NOT NULL,
    -- The ordering unit, filled from the line (blocks hide its rows).
    care_unit_id bigint NOT NULL,
    value numeric NOT NULL CONSTRAINT lab_result_value_plausible CHECK (value BETWEEN -1000000 AND 1000000),
    comment text CONSTRAINT lab_result_comment_length CHECK (length(btrim(comment)) BETWEEN 1 AND 1000),
    -- Filled by the database: the unit, the range applied and the flag.
    unit text NOT NULL,
    ref_low numeric,
    ref_high numeric,
    flag lab_flag,
    -- A correction names the result it replaces (of the same line).
    supersedes bigint,
    source lab_result_source NOT NULL DEFAULT 'form',
    entered_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    entered_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lab_result_line_fk FOREIGN KEY (item_id, patient_id, loinc, care_unit_id)
    REFERENCES lab_order_item (id, patient_id, loinc, care_unit_id) MATCH FULL ON DELETE RESTRICT,
    CONSTRAINT lab_result_id_patient_unique UNIQUE (id, patient_id),
    CONSTRAINT lab_result_id_item_unique UNIQUE (id, item_id),
    CONSTRAINT lab_result_supersedes_fk FOREIGN KEY (supersedes, item_id)
    REFERENCES lab_result (id, item_id) ON DELETE RESTRICT,
    -- A result is replaced at most once: the current one is the one not replaced.
    CONSTRAINT lab_result_superseded_once UNIQUE (supersedes)
);
COMMENT ON TABLE lab_result IS
'One result of an order line; never changed: a correction is a new result that supersedes it.';
-- Used by the trend of an analyte and the lab page.
CREATE INDEX lab_result_patient_idx ON lab_result (patient_id, loinc, entered_at);
CREATE INDEX lab_result_item_idx ON lab_result (item_id);
-- Used by the lists of unacknowledged critical results.
CREATE INDEX lab_result_critical_idx ON lab_result (patient_id) WHERE flag IN ('critical_low', 'critical_high');

CREATE TABLE lab_result_ack (
    result_id bigint PRIMARY KEY,
    patient_id bigint NOT NULL,
    care_unit_id bigint NOT NULL,
    acknowledged_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lab_result_ack_result_fk FOREIGN KEY (result_id, patient_id)
    REFERENCES lab_result (id, patient_id) ON DELETE RESTRICT
);
COMMENT ON TABLE lab_result_ack IS 'A doctor of the ordering unit has seen a result: once, in their own name.';

-- ---------------------------------------------------------------------------
-- Radiology.
-- ---------------------------------------------------------------------------

CREATE TABLE radiology_order (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    ordered_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    ordered_at timestamptz NOT NULL DEFAULT now(),
    modality radiology_modality NOT NULL,
    body_part text NOT NULL CONSTRAINT radiology_order_body_part_length CHECK (length(btrim(body_part)) BETWEEN 2 AND 100),
    question text NOT NULL CONSTRAINT radiology_order_question_length CHECK (length(btrim(question)) BETWEEN 3 AND 2000),
    priority lab_priority NOT NULL DEFAULT 'routine',
    status radiology_status NOT NULL DEFAULT 'ordered',
    CONSTRAINT radiology_order_id_patient_unit_unique UNIQUE (id, patient_id, care_unit_id)
);
COMMENT ON TABLE radiology_order IS 'An imaging examination ordered for a patient by a doctor of a care unit.';
CREATE INDEX radiology_order_patient_idx ON radiology_order (patient_id, ordered_at DESC);

CREATE TABLE radiology_report (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL CONSTRAINT radiology_report_once UNIQUE,
    patient_id bigint NOT NULL,
    care_unit_id bigint NOT NULL,
    body text NOT NULL CONSTRAINT radiology_report_body_length CHECK (length(btrim(body)) BETWEEN 5 AND 20000),
    written_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    signed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT radiology_report_order_fk FOREIGN KEY (order_id, patient_id, care_unit_id)
    REFERENCES radiology_order (id, patient_id, care_unit_id) MATCH FULL ON DELETE RESTRICT,
    CONSTRAINT radiology_report_id_patient_unique UNIQUE (id, patient_id)
);
COMMENT ON TABLE radiology_report IS 'The signed free-text report of an imaging examination; never changed.';

CREATE TABLE radiology_report_ack (
    report_id bigint PRIMARY KEY,
    patient_id bigint NOT NULL,
    care_unit_id bigint NOT NULL,
    acknowledged_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT radiology_report_ack_report_fk FOREIGN KEY (report_id, patient_id)
    REFERENCES radiology_report (id, patient_id) ON DELETE RESTRICT
);
COMMENT ON TABLE radiology_report_ack IS 'A doctor of the ordering unit has read a radiology report: once, in their own name.';

-- ---------------------------------------------------------------------------
-- Who acts: checks shared by the functions and triggers.
-- ---------------------------------------------------------------------------

-- A doctor placing an order from one of their own units for a patient in their care.
CREATE FUNCTION hms_private.lab_check_orderer(p_patient bigint, p_unit bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
BEGIN
    IF v_user IS NULL OR hms_current_role() IS DISTINCT FROM 'doctor' THEN
        RAISE EXCEPTION 'Only a doctor orders tests and examinations.'
            USING ERRCODE = 'HM260', CONSTRAINT = 'lab_order_by_doctor';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM staff_care_unit WHERE user_id = v_user AND care_unit_id = p_unit) THEN
        RAISE EXCEPTION 'Order from one of your own care units.'
            USING ERRCODE = 'HM261', CONSTRAINT = 'lab_order_own_unit';
    END IF;
    IF NOT coalesce(hms_may_write_clinical(p_patient), false) THEN
        RAISE EXCEPTION 'The patient is not in your care.'
            USING ERRCODE = 'HM262', CONSTRAINT = 'lab_order_patient_in_care';
    END IF;
    RETURN v_user;
END
$$;

-- A doctor who ordered, or a doctor of the ordering unit, who sees the row.
CREATE FUNCTION hms_private.lab_may_acknowledge(p_patient bigint, p_unit bigint, p_ordered_by bigint)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN hms_current_role() = 'doctor'
AND (
    p_ordered_by = hms_current_user_id()
    OR EXISTS (
        SELECT 1 FROM staff_care_unit AS s
        WHERE s.user_id = hms_current_user_id() AND s.care_unit_id = p_unit  -- a parameter -- noqa: RF03
    )
)
AND hms_row_visible(p_patient, p_unit, 'clinical');

-- ---------------------------------------------------------------------------
-- Laboratory orders.
-- ---------------------------------------------------------------------------

CREATE FUNCTION lab_order_place(
    p_patient bigint,
    p_care_unit bigint,
    p_priority lab_priority,
    p_question text,
    p_tests text[],
    p_panels text[]
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.lab_check_orderer(p_patient, p_care_unit);
    v_order bigint;
    v_lines integer;
BEGIN
    IF EXISTS (
        SELECT 1 FROM unnest(coalesce(p_tests, '{}')) AS t (loinc)
        WHERE NOT EXISTS (SELECT 1 FROM lab_test AS x WHERE x.loinc = t.loinc AND x.retired_at IS NULL)
    ) OR EXISTS (
        SELECT 1 FROM unnest(coalesce(p_panels, '{}')) AS p (code)
        WHERE NOT EXISTS (SELECT 1 FROM lab_panel AS x WHERE x.code = p.code)
    ) THEN
        RAISE EXCEPTION 'Choose tests and panels from the catalogue.'
            USING ERRCODE = 'HM263', CONSTRAINT = 'lab_order_has_tests';
    END IF;
    INSERT INTO lab_order (patient_id, care_unit_id, ordered_by, priority, clinical_question)
    VALUES (p_patient, p_care_unit, v_user, coalesce(p_priority, 'routine'), nullif(btrim(p_question), ''))
    RETURNING id INTO v_order;
    -- Each test once: as ordered by name, else with the first panel that has it.
    INSERT INTO lab_order_item (order_id, patient_id, care_unit_id, loinc, panel_code)
    SELECT DISTINCT ON (w.loinc) v_order, p_patient, p_care_unit, w.loinc, w.panel_code
    FROM (
        SELECT t.loinc, NULL::text AS panel_code, 0 AS rank
        FROM unnest(coalesce(p_tests, '{}')) AS t (loinc)
        UNION ALL
        SELECT pt.loinc, pt.panel_code, 1 + array_position(p_panels, pt.panel_code) AS rank
        FROM lab_panel_test AS pt
        INNER JOIN lab_test AS x ON pt.loinc = x.loinc AND x.retired_at IS NULL
        WHERE pt.panel_code = ANY (p_panels)
    ) AS w
    ORDER BY w.loinc, w.rank;
    GET DIAGNOSTICS v_lines = ROW_COUNT;
    IF v_lines = 0 THEN
        RAISE EXCEPTION 'Choose at least one test or panel.'
            USING ERRCODE = 'HM263', CONSTRAINT = 'lab_order_has_tests';
    END IF;
    RETURN v_order;
END
$$;
COMMENT ON FUNCTION lab_order_place IS
'A doctor with the patient in care orders tests and panels from one of their units; returns the order.';

-- The order for a change, locked, if the acting user may write the patient's
-- record and see the order; otherwise "no such order".
CREATE FUNCTION hms_private.lab_order_for_change(p_order bigint) RETURNS lab_order
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order lab_order;
BEGIN
    SELECT * INTO v_order FROM lab_order WHERE id = p_order;
    IF NOT FOUND OR NOT coalesce(hms_may_write_clinical(v_order.patient_id), false)
        OR NOT hms_row_visible(v_order.patient_id, v_order.care_unit_id, 'clinical') THEN
        RAISE EXCEPTION 'No such order.' USING ERRCODE = 'HM264', CONSTRAINT = 'lab_order_visible';
    END IF;
    SELECT * INTO v_order FROM lab_order WHERE id = p_order FOR UPDATE;
    RETURN v_order;
END
$$;

CREATE FUNCTION lab_order_sample(p_order bigint, p_at timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order lab_order := hms_private.lab_order_for_change(p_order);
BEGIN
    IF hms_current_role() IS DISTINCT FROM 'nurse' OR NOT EXISTS (
        SELECT 1 FROM staff_care_unit WHERE user_id = hms_current_user_id() AND care_unit_id = v_order.care_unit_id
    ) THEN
        RAISE EXCEPTION 'A nurse of the ordering unit takes the sample.'
            USING ERRCODE = 'HM265', CONSTRAINT = 'lab_order_sampled_by_unit_nurse';
    END IF;
    IF p_at IS NULL OR p_at > now() + interval '5 minutes' OR p_at < v_order.ordered_at - interval '1 day' THEN
        RAISE EXCEPTION 'The sample time must be after the order and not in the future.'
            USING ERRCODE = 'HM266', CONSTRAINT = 'lab_order_sampled_at_plausible';
    END IF;
    UPDATE lab_order SET status = 'sampled', sampled_at = p_at, sampled_by = hms_current_user_id()
    WHERE id = v_order.id;
END
$$;
COMMENT ON FUNCTION lab_order_sample IS 'A nurse of the ordering unit records that the sample is taken, when, in their own name.';

CREATE FUNCTION lab_order_cancel(p_order bigint, p_reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order lab_order := hms_private.lab_order_for_change(p_order);
BEGIN
    IF NOT hms_private.lab_may_acknowledge(v_order.patient_id, v_order.care_unit_id, v_order.ordered_by) THEN
        RAISE EXCEPTION 'The doctor who ordered, or a doctor of the ordering unit, cancels an order.'
            USING ERRCODE = 'HM267', CONSTRAINT = 'lab_order_cancelled_by_orderer';
    END IF;
    UPDATE lab_order SET
        status = 'cancelled', cancelled_at = now(), cancelled_by = hms_current_user_id(),
        cancel_reason = nullif(btrim(p_reason), '')
    WHERE id = v_order.id;
END
$$;
COMMENT ON FUNCTION lab_order_cancel IS 'The ordering doctor (or one of the unit) cancels an order not yet sampled.';

-- The status moves forward only, and what an order says never changes.
CREATE FUNCTION lab_order_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'A laboratory order is never deleted; cancel it.'
            USING ERRCODE = 'HM268', CONSTRAINT = 'lab_order_status_forward';
    END IF;
    IF (NEW.patient_id, NEW.care_unit_id, NEW.ordered_by, NEW.ordered_at, NEW.priority, NEW.clinical_question)
        IS DISTINCT FROM
        (OLD.patient_id, OLD.care_unit_id, OLD.ordered_by, OLD.ordered_at, OLD.priority, OLD.clinical_question)
        OR (OLD.sampled_at IS NOT NULL AND (NEW.sampled_at, NEW.sampled_by) IS DISTINCT FROM (OLD.sampled_at, OLD.sampled_by))
        OR NOT (
            NEW.status = OLD.status
            OR (OLD.status, NEW.status) IN (
                ('ordered', 'sampled'), ('ordered', 'cancelled'), ('sampled', 'partially_resulted'),
                ('sampled', 'resulted'), ('partially_resulted', 'resulted')
            )
        )
        OR (NEW.status = OLD.status AND NEW.status IN ('ordered', 'cancelled')
            AND (NEW.cancelled_at, NEW.cancel_reason) IS DISTINCT FROM (OLD.cancelled_at, OLD.cancel_reason)) THEN
        RAISE EXCEPTION 'An order that is % cannot become %.', OLD.status, NEW.status
            USING ERRCODE = 'HM268', CONSTRAINT = 'lab_order_status_forward';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER lab_order_guard BEFORE UPDATE OR DELETE ON lab_order
FOR EACH ROW EXECUTE FUNCTION lab_order_guard();

-- Results, reports, acknowledgements and order lines are never changed.
CREATE FUNCTION lab_history_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'Laboratory and radiology history is never changed; enter a correction.'
        USING ERRCODE = 'HM269', CONSTRAINT = TG_TABLE_NAME || '_never_changed';
END
$$;
CREATE TRIGGER lab_order_item_fixed BEFORE UPDATE OR DELETE ON lab_order_item
FOR EACH ROW EXECUTE FUNCTION lab_history_fixed();
CREATE TRIGGER lab_result_fixed BEFORE UPDATE OR DELETE ON lab_result
FOR EACH ROW EXECUTE FUNCTION lab_history_fixed();
CREATE TRIGGER lab_result_ack_fixed BEFORE UPDATE OR DELETE ON lab_result_ack
FOR EACH ROW EXECUTE FUNCTION lab_history_fixed();
CREATE TRIGGER radiology_report_fixed BEFORE UPDATE OR DELETE ON radiology_report
FOR EACH ROW EXECUTE FUNCTION lab_history_fixed();
CREATE TRIGGER radiology_report_ack_fixed BEFORE UPDATE OR DELETE ON radiology_report_ack
FOR EACH ROW EXECUTE FUNCTION lab_history_fixed();
CREATE TRIGGER radiology_order_fixed BEFORE DELETE ON radiology_order
FOR EACH ROW EXECUTE FUNCTION lab_history_fixed();

-- ---------------------------------------------------------------------------
-- Results.
-- ---------------------------------------------------------------------------

-- Makes a result whole: the writer, the unit, the line's order sampled, the
-- range for the patient on the day of sampling and the flag; a second result
-- of a line must supersede the current one. The patient and test are the
-- writer's, so the composite foreign key can refuse a mismatch.
CREATE FUNCTION lab_result_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_item lab_order_item;
    v_order lab_order;
    v_patient patient;
    v_current bigint;
    v_range record;
BEGIN
    IF hms_current_role() IS DISTINCT FROM 'doctor' AND hms_current_role() IS DISTINCT FROM 'nurse' THEN
        RAISE EXCEPTION 'Results are entered by doctors and nurses.'
            USING ERRCODE = 'HM270', CONSTRAINT = 'lab_result_by_clinician';
    END IF;
    SELECT * INTO v_item FROM lab_order_item WHERE id = NEW.item_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such order line.' USING ERRCODE = '23503', CONSTRAINT = 'lab_result_line_fk';
    END IF;
    -- The line's unit; the patient and test stay as written, for the foreign key.
    NEW.care_unit_id := v_item.care_unit_id;
    SELECT * INTO v_order FROM lab_order WHERE id = v_item.order_id FOR UPDATE;
    IF v_order.status NOT IN ('sampled', 'partially_resulted', 'resulted') THEN
        RAISE EXCEPTION 'Results come after the sample is taken.'
            USING ERRCODE = 'HM271', CONSTRAINT = 'lab_result_after_sampling';
    END IF;
    SELECT r.id INTO v_current FROM lab_result AS r
    WHERE r.item_id = NEW.item_id AND NOT EXISTS (SELECT 1 FROM lab_result AS n WHERE n.supersedes = r.id);
    IF NEW.supersedes IS DISTINCT FROM v_current THEN
        RAISE EXCEPTION 'The test has a newer result; a correction replaces the current one.'
            USING ERRCODE = 'HM272', CONSTRAINT = 'lab_result_supersedes_current';
    END IF;
    SELECT * INTO v_patient FROM patient WHERE id = v_item.patient_id;
    SELECT * INTO v_range FROM lab_range_for(v_item.loinc, v_patient.sex, v_patient.date_of_birth, v_order.sampled_at);
    NEW.unit := (SELECT t.unit FROM lab_test AS t WHERE t.loinc = v_item.loinc);
    NEW.ref_low := v_range.low;
    NEW.ref_high := v_range.high;
    NEW.flag := lab_flag_of(NEW.value, v_range.low, v_range.high, v_range.critical_low, v_range.critical_high);
    NEW.entered_by := hms_current_user_id();
    NEW.entered_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER lab_result_fill BEFORE INSERT ON lab_result
FOR EACH ROW EXECUTE FUNCTION lab_result_fill();

-- The order is resulted when every line has a result, partially before.
CREATE FUNCTION lab_result_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order bigint := (SELECT i.order_id FROM lab_order_item AS i WHERE i.id = NEW.item_id);
BEGIN
    UPDATE lab_order SET status = CASE
        WHEN EXISTS (
            SELECT 1 FROM lab_order_item AS i
            WHERE i.order_id = v_order AND NOT EXISTS (SELECT 1 FROM lab_result AS r WHERE r.item_id = i.id)
        ) THEN 'partially_resulted'::lab_order_status
        ELSE 'resulted'::lab_order_status
    END
    WHERE id = v_order;
    RETURN NULL;
END
$$;
CREATE TRIGGER lab_result_apply AFTER INSERT ON lab_result
FOR EACH ROW EXECUTE FUNCTION lab_result_apply();

CREATE FUNCTION lab_result_ack_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_result lab_result;
    v_order lab_order;
BEGIN
    SELECT * INTO v_result FROM lab_result WHERE id = NEW.result_id AND patient_id = NEW.patient_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such result.' USING ERRCODE = '23503', CONSTRAINT = 'lab_result_ack_result_fk';
    END IF;
    SELECT o.* INTO v_order FROM lab_order AS o
    INNER JOIN lab_order_item AS i ON o.id = i.order_id
    WHERE i.id = v_result.item_id;
    IF NOT hms_private.lab_may_acknowledge(v_order.patient_id, v_order.care_unit_id, v_order.ordered_by) THEN
        RAISE EXCEPTION 'The doctor who ordered, or a doctor of the ordering unit, acknowledges a result.'
            USING ERRCODE = 'HM273', CONSTRAINT = 'lab_result_ack_by_ordering_doctor';
    END IF;
    NEW.care_unit_id := v_order.care_unit_id;
    NEW.acknowledged_by := hms_current_user_id();
    NEW.acknowledged_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER lab_result_ack_fill BEFORE INSERT ON lab_result_ack
FOR EACH ROW EXECUTE FUNCTION lab_result_ack_fill();

-- ---------------------------------------------------------------------------
-- Radiology.
-- ---------------------------------------------------------------------------

CREATE FUNCTION radiology_order_place(
    p_patient bigint,
    p_care_unit bigint,
    p_modality radiology_modality,
    p_body_part text,
    p_question text,
    p_priority lab_priority
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.lab_check_orderer(p_patient, p_care_unit);
    v_order bigint;
BEGIN
    INSERT INTO radiology_order (patient_id, care_unit_id, ordered_by, modality, body_part, question, priority)
    VALUES (p_patient, p_care_unit, v_user, p_modality, btrim(p_body_part), btrim(p_question), coalesce(p_priority, 'routine'))
    RETURNING id INTO v_order;
    RETURN v_order;
END
$$;
COMMENT ON FUNCTION radiology_order_place IS
'A doctor with the patient in care orders an imaging examination from one of their units; returns the order.';

-- The report is written and signed at once by a doctor who may write the
-- patient's record, on an examination not yet reported or cancelled.
CREATE FUNCTION radiology_report_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order radiology_order;
BEGIN
    IF hms_current_role() IS DISTINCT FROM 'doctor' OR NOT coalesce(hms_may_write_clinical(NEW.patient_id), false) THEN
        RAISE EXCEPTION 'A doctor with the patient in care writes the report.'
            USING ERRCODE = 'HM274', CONSTRAINT = 'radiology_report_by_doctor';
    END IF;
    SELECT * INTO v_order FROM radiology_order WHERE id = NEW.order_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such examination.' USING ERRCODE = '23503', CONSTRAINT = 'radiology_report_order_fk';
    END IF;
    IF v_order.status <> 'ordered' THEN
        RAISE EXCEPTION 'The examination is already reported or cancelled.'
            USING ERRCODE = 'HM275', CONSTRAINT = 'radiology_report_once';
    END IF;
    NEW.care_unit_id := v_order.care_unit_id;
    NEW.written_by := hms_current_user_id();
    NEW.signed_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER radiology_report_fill BEFORE INSERT ON radiology_report
FOR EACH ROW EXECUTE FUNCTION radiology_report_fill();

CREATE FUNCTION radiology_report_apply() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE radiology_order SET status = 'reported' WHERE id = NEW.order_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER radiology_report_apply AFTER INSERT ON radiology_report
FOR EACH ROW EXECUTE FUNCTION radiology_report_apply();

-- What an examination says never changes; its status only moves forward.
CREATE FUNCTION radiology_order_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF (NEW.patient_id, NEW.care_unit_id, NEW.ordered_by, NEW.ordered_at, NEW.modality, NEW.body_part, NEW.question,
        NEW.priority) IS DISTINCT FROM (OLD.patient_id, OLD.care_unit_id, OLD.ordered_by, OLD.ordered_at, OLD.modality,
        OLD.body_part, OLD.question, OLD.priority)
        OR NOT (NEW.status = OLD.status OR (OLD.status = 'ordered' AND NEW.status IN ('reported', 'cancelled'))) THEN
        RAISE EXCEPTION 'An examination that is % cannot become %.', OLD.status, NEW.status
            USING ERRCODE = 'HM268', CONSTRAINT = 'radiology_order_status_forward';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER radiology_order_guard BEFORE UPDATE ON radiology_order
FOR EACH ROW EXECUTE FUNCTION radiology_order_guard();

CREATE FUNCTION radiology_report_ack_fill() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_order radiology_order;
BEGIN
    SELECT o.* INTO v_order FROM radiology_order AS o
    INNER JOIN radiology_report AS r ON o.id = r.order_id
    WHERE r.id = NEW.report_id AND r.patient_id = NEW.patient_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such report.' USING ERRCODE = '23503', CONSTRAINT = 'radiology_report_ack_report_fk';
    END IF;
    IF NOT hms_private.lab_may_acknowledge(v_order.patient_id, v_order.care_unit_id, v_order.ordered_by) THEN
        RAISE EXCEPTION 'The doctor who ordered, or a doctor of the ordering unit, acknowledges a report.'
            USING ERRCODE = 'HM273', CONSTRAINT = 'radiology_report_ack_by_ordering_doctor';
    END IF;
    NEW.care_unit_id := v_order.care_unit_id;
    NEW.acknowledged_by := hms_current_user_id();
    NEW.acknowledged_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER radiology_report_ack_fill BEFORE INSERT ON radiology_report_ack
FOR EACH ROW EXECUTE FUNCTION radiology_report_ack_fill();

-- ---------------------------------------------------------------------------
-- Row-level security and privileges.
-- ---------------------------------------------------------------------------

-- The catalogue: every verified user reads it.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lab_test', 'lab_reference_range', 'lab_panel', 'lab_panel_test'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR SELECT TO hms_app USING ((SELECT hms_current_user_id()) IS NOT NULL)',
            t || '_read', t);
    END LOOP;
END
$$;

-- Patient rows: the clinical area of the access decision, blocks per row.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'lab_order', 'lab_order_item', 'lab_result', 'lab_result_ack', 'radiology_order', 'radiology_report',
        'radiology_report_ack'
    ] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR SELECT TO hms_app USING ('
            '(patient_id = ANY ((SELECT hms_wholly_visible(''clinical''))::bigint[]) '
            'OR hms_row_visible(patient_id, care_unit_id, ''clinical'')))',
            t || '_read', t);
    END LOOP;
END
$$;
-- Results and reports are written by clinicians who may write the record;
-- acknowledgements by doctors (the triggers check which ones).
CREATE POLICY lab_result_write ON lab_result FOR INSERT TO hms_app
WITH CHECK (hms_may_write_clinical(patient_id));
CREATE POLICY lab_result_ack_write ON lab_result_ack FOR INSERT TO hms_app
WITH CHECK ((SELECT hms_current_role()) = 'doctor');
CREATE POLICY radiology_report_write ON radiology_report FOR INSERT TO hms_app
WITH CHECK (hms_may_write_clinical(patient_id));
CREATE POLICY radiology_report_ack_write ON radiology_report_ack FOR INSERT TO hms_app
WITH CHECK ((SELECT hms_current_role()) = 'doctor');

GRANT SELECT ON lab_test, lab_reference_range, lab_panel, lab_panel_test TO hms_app;
GRANT SELECT ON lab_order, lab_order_item, lab_result, lab_result_ack, radiology_order, radiology_report,
radiology_report_ack TO hms_app;
-- Not the flag, the range, the unit or the writer: the database fills them.
GRANT INSERT (item_id, patient_id, loinc, value, comment, supersedes, source) ON lab_result TO hms_app;
GRANT INSERT (result_id, patient_id) ON lab_result_ack TO hms_app;
GRANT INSERT (order_id, patient_id, body) ON radiology_report TO hms_app;
GRANT INSERT (report_id, patient_id) ON radiology_report_ack TO hms_app;

REVOKE EXECUTE ON FUNCTION
hms_private.lab_check_orderer, hms_private.lab_may_acknowledge, hms_private.lab_order_for_change,
lab_range_for, lab_flag_of, lab_order_place, lab_order_sample, lab_order_cancel, lab_order_guard,
lab_history_fixed, lab_result_fill, lab_result_apply, lab_result_ack_fill, radiology_order_place,
radiology_report_fill, radiology_report_apply, radiology_order_guard, radiology_report_ack_fill
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
lab_range_for, lab_flag_of, lab_order_place, lab_order_sample, lab_order_cancel, radiology_order_place
TO hms_app;
