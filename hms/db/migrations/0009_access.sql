-- Access control: care relationships, emergency access, blocks, proxies,
-- consultations, the one access decision, row-level security on every
-- patient-owned table, and a hash chain on the audit log.
-- depends: 0008_journal_clinical

-- The role the current transaction acts as, declared by the app next to
-- hms.user_id. NULL outside a request: then RLS shows the app nothing.
CREATE FUNCTION hms_current_role() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN nullif(current_setting('hms.user_role', true), '');

-- A patient placed in a care unit's care without an encounter (e.g. on its
-- waiting list or shared care): it creates a care relationship like one.
CREATE TABLE care_assignment (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    during tstzrange NOT NULL CONSTRAINT care_assignment_during_starts CHECK (NOT lower_inf(during) AND NOT isempty(during)),
    reason text NOT NULL CONSTRAINT care_assignment_reason_length CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    created_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE care_assignment IS 'A patient in a care unit''s care for a period, without an encounter.';
-- Used by hms_in_care.
CREATE INDEX care_assignment_patient_idx ON care_assignment (patient_id, care_unit_id);

-- Emergency access (nödåtkomst): one clinician, one patient, a reason,
-- four hours, and a review afterwards.
CREATE TYPE emergency_review AS ENUM ('justified', 'unjustified');

CREATE TABLE emergency_access (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    reason text NOT NULL CONSTRAINT emergency_access_reason_length CHECK (length(btrim(reason)) BETWEEN 20 AND 1000),
    starts_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL DEFAULT now() + interval '4 hours',
    reviewed_at timestamptz,
    reviewed_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    review emergency_review,
    review_comment text CONSTRAINT emergency_access_review_comment_length CHECK (length(review_comment) <= 2000),
    CONSTRAINT emergency_access_four_hours CHECK (expires_at > starts_at AND expires_at <= starts_at + interval '4 hours'),
    CONSTRAINT emergency_access_review_complete CHECK (
        (reviewed_at IS NULL AND reviewed_by IS NULL AND review IS NULL)
        OR (reviewed_at IS NOT NULL AND reviewed_by IS NOT NULL AND review IS NOT NULL)
    ),
    CONSTRAINT emergency_access_not_self_reviewed CHECK (reviewed_by <> user_id)
);
COMMENT ON TABLE emergency_access IS 'One emergency access (break the glass): who, which patient, why, for how long, and its review.';
-- Used by hms_emergency_active and the review queue.
CREATE INDEX emergency_access_user_patient_idx ON emergency_access (user_id, patient_id, expires_at DESC);
CREATE INDEX emergency_access_unreviewed_idx ON emergency_access (starts_at) WHERE reviewed_at IS NULL;

-- Only the review may be written after the fact, once.
CREATE FUNCTION emergency_access_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.reviewed_at IS NOT NULL
        OR (NEW.user_id, NEW.patient_id, NEW.reason, NEW.starts_at, NEW.expires_at)
        IS DISTINCT FROM (OLD.user_id, OLD.patient_id, OLD.reason, OLD.starts_at, OLD.expires_at) THEN
        RAISE EXCEPTION 'An emergency access is a record: only its review may be added, once.'
            USING ERRCODE = 'HM040', CONSTRAINT = 'emergency_access_is_a_record';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER emergency_access_guard BEFORE UPDATE OR DELETE ON emergency_access
FOR EACH ROW EXECUTE FUNCTION emergency_access_guard();

-- A patient's block (spärr): notes and entries written by one care unit are
-- hidden from staff of other units. Emergency access is the only way past.
CREATE TABLE journal_block (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    revoked_at timestamptz,
    CONSTRAINT journal_block_revoked_after CHECK (revoked_at >= created_at)
);
COMMENT ON TABLE journal_block IS 'A patient blocks the journal entries of one care unit from staff of other units.';
CREATE UNIQUE INDEX journal_block_one_active ON journal_block (patient_id, care_unit_id) WHERE revoked_at IS NULL;

-- Proxy consent: a patient (or staff, e.g. for a guardian) grants a relative
-- access within a scope and a period, until revoked.
CREATE TYPE proxy_scope AS ENUM ('record', 'appointments', 'messages');

CREATE TABLE proxy_grant (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    relative_user_id bigint NOT NULL,
    relative_role user_role NOT NULL DEFAULT 'relative' CONSTRAINT proxy_grant_to_relative CHECK (relative_role = 'relative'),
    scopes proxy_scope[] NOT NULL CONSTRAINT proxy_grant_scopes_nonempty CHECK (cardinality(scopes) > 0),
    starts_on date NOT NULL DEFAULT current_date,
    ends_on date,
    revoked_at timestamptz,
    granted_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT proxy_grant_relative_fk FOREIGN KEY (relative_user_id, relative_role) REFERENCES app_user (id, role) ON UPDATE CASCADE ON DELETE RESTRICT,
    CONSTRAINT proxy_grant_period_ordered CHECK (ends_on >= starts_on)
);
COMMENT ON TABLE proxy_grant IS 'A relative may act for a patient within scopes and a period, until revoked.';
CREATE INDEX proxy_grant_relative_idx ON proxy_grant (relative_user_id, patient_id);
CREATE INDEX proxy_grant_patient_idx ON proxy_grant (patient_id);

-- A consultation: a question about a patient to an external specialist, who
-- sees that patient only while it is open.
CREATE TYPE consultation_status AS ENUM ('open', 'answered', 'closed');

CREATE TABLE consultation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    requested_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    specialist_id bigint NOT NULL,
    specialist_role user_role NOT NULL DEFAULT 'external_specialist' CONSTRAINT consultation_to_specialist CHECK (specialist_role = 'external_specialist'),
    question text NOT NULL CONSTRAINT consultation_question_length CHECK (length(btrim(question)) BETWEEN 10 AND 4000),
    answer text CONSTRAINT consultation_answer_length CHECK (length(answer) <= 8000),
    status consultation_status NOT NULL DEFAULT 'open',
    created_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    closed_at timestamptz,
    CONSTRAINT consultation_specialist_fk FOREIGN KEY (specialist_id, specialist_role) REFERENCES app_user (id, role) ON UPDATE CASCADE ON DELETE RESTRICT,
    CONSTRAINT consultation_answered_has_answer CHECK ((status = 'open') OR (answer IS NOT NULL AND answered_at IS NOT NULL)),
    CONSTRAINT consultation_closed_has_time CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
COMMENT ON TABLE consultation IS 'A question about a patient to an external specialist; grants access while open.';
CREATE INDEX consultation_specialist_idx ON consultation (specialist_id, status);
CREATE INDEX consultation_patient_idx ON consultation (patient_id);

-- Used by hms_in_care: encounters by patient and unit.
CREATE INDEX encounter_patient_unit_idx ON encounter (patient_id, care_unit_id, ended_at);

-- ---------------------------------------------------------------------------
-- The access decision. One place answers "on what basis may the current user
-- reach this patient's data in this area?"; the app asks it (hms.access) and
-- the row-level security policies below use it, so they cannot disagree.
-- Areas: demographics, clinical (the journal), medication.
-- Bases: role, care, emergency, own, proxy, consultation; NULL = refused.
-- SECURITY DEFINER: the helper tables are themselves behind RLS, and the
-- decision must see them whole. search_path is pinned for that reason.
-- ---------------------------------------------------------------------------

CREATE FUNCTION hms_in_care(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
RETURN EXISTS (
    SELECT 1 FROM encounter AS e
    INNER JOIN staff_care_unit AS s ON e.care_unit_id = s.care_unit_id
    WHERE
        s.user_id = p_user AND e.patient_id = p_patient
        AND (e.ended_at IS NULL OR e.ended_at > now() - interval '30 days')
) OR EXISTS (
    SELECT 1 FROM care_assignment AS a
    INNER JOIN staff_care_unit AS s ON a.care_unit_id = s.care_unit_id
    WHERE s.user_id = p_user AND a.patient_id = p_patient AND a.during @> now()
);
COMMENT ON FUNCTION hms_in_care IS 'Care relationship: an open or recent (30 days) encounter, or an active assignment, in one of the user''s units.';

-- The same relationship at a past moment, for the audit reports (an
-- administrator reviewing reads cannot see encounters under RLS).
CREATE FUNCTION hms_was_in_care(p_user bigint, p_patient bigint, p_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
RETURN EXISTS (
    SELECT 1 FROM encounter AS e
    INNER JOIN staff_care_unit AS s ON e.care_unit_id = s.care_unit_id
    WHERE
        s.user_id = p_user AND e.patient_id = p_patient AND e.started_at <= p_at
        AND (e.ended_at IS NULL OR e.ended_at > p_at - interval '30 days')
) OR EXISTS (
    SELECT 1 FROM care_assignment AS a
    INNER JOIN staff_care_unit AS s ON a.care_unit_id = s.care_unit_id
    WHERE s.user_id = p_user AND a.patient_id = p_patient AND a.during @> p_at
);

CREATE FUNCTION hms_emergency_active(p_user bigint, p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
RETURN EXISTS (
    SELECT 1 FROM emergency_access
    WHERE user_id = p_user AND patient_id = p_patient AND now() >= starts_at AND now() < expires_at
);

CREATE FUNCTION hms_decide_basis(v_user bigint, v_role text, p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
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
                AND (p_area = 'demographics' OR 'record' = ANY (scopes))
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
COMMENT ON FUNCTION hms_decide_basis IS 'The rules of the access decision, uncached (see hms_access_basis).';

CREATE FUNCTION hms_access_basis(p_patient bigint, p_area text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_role text := hms_current_role();
    -- Row-level security asks once per row; the answer for a patient and area
    -- is kept for the rest of the transaction in a transaction-local setting.
    v_key text := 'hms.basis_' || p_area || '_' || p_patient;
    v_cached text := current_setting(v_key, true);
    v_basis text;
BEGIN
    IF v_user IS NULL OR v_role IS NULL OR p_patient IS NULL THEN
        RETURN NULL;
    END IF;
    IF v_cached IS NOT NULL AND v_cached <> '' THEN
        RETURN nullif(v_cached, '-');
    END IF;
    v_basis := hms_decide_basis(v_user, v_role, p_patient, p_area);
    PERFORM set_config(v_key, coalesce(v_basis, '-'), true);
    RETURN v_basis;
END
$$;
COMMENT ON FUNCTION hms_access_basis IS 'The access decision: on what basis the current user may reach a patient''s data in an area (NULL = refused).';

-- Whether a patient id exists, for the audit row of a refusal (the refused
-- user is told nothing either way).
CREATE FUNCTION hms_patient_exists(p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
RETURN EXISTS (
    SELECT 1 FROM patient
    WHERE id = p_patient
);

-- Is one clinical row visible? The patient's access basis, and then blocks:
-- a row written by a blocked unit is hidden from a clinician outside that
-- unit who reaches the patient through an ordinary care relationship.
CREATE FUNCTION hms_row_visible(p_patient bigint, p_care_unit bigint, p_area text DEFAULT 'clinical')
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
    v_key text := 'hms.visible_' || p_area || '_' || p_patient || '_' || p_care_unit;
    v_cached text := current_setting(v_key, true);
    v_basis text;
    v_visible boolean;
BEGIN
    IF v_cached IS NOT NULL AND v_cached <> '' AND hms_current_user_id() IS NOT NULL THEN
        RETURN v_cached = 't';
    END IF;
    v_basis := hms_access_basis(p_patient, p_area);
    -- A block binds an ordinary care relationship; emergency access passes it
    -- (and is logged and reviewed as such).
    v_visible := v_basis IS NOT NULL AND NOT (v_basis = 'care' AND EXISTS (
        SELECT 1 FROM journal_block AS b
        WHERE b.patient_id = p_patient AND b.care_unit_id = p_care_unit AND b.revoked_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM staff_care_unit AS s
                            WHERE s.user_id = hms_current_user_id() AND s.care_unit_id = p_care_unit)
    ) AND NOT hms_emergency_active(hms_current_user_id(), p_patient));
    IF hms_current_user_id() IS NOT NULL THEN
        PERFORM set_config(v_key, CASE WHEN v_visible THEN 't' ELSE 'f' END, true);
    END IF;
    RETURN v_visible;
END
$$;

-- Writing clinical rows: doctors and nurses with a care relationship or
-- emergency access (the role-level split, e.g. diagnoses for doctors only,
-- is the app's permission table).
CREATE FUNCTION hms_may_write_clinical(p_patient bigint) RETURNS boolean
LANGUAGE sql STABLE
RETURN hms_current_role() IN ('doctor', 'nurse') AND hms_access_basis(p_patient, 'clinical') IN ('care', 'emergency');

-- ---------------------------------------------------------------------------
-- Row-level security. The app's role owns nothing, so these apply to it;
-- the owner (migrations, seeding) is exempt as owners are.
-- ---------------------------------------------------------------------------

ALTER TABLE patient ENABLE ROW LEVEL SECURITY;
CREATE POLICY patient_read ON patient FOR SELECT TO hms_app
USING (
    hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator')
    OR hms_access_basis(id, 'demographics') IS NOT NULL
);
CREATE POLICY patient_register ON patient FOR INSERT TO hms_app
WITH CHECK (hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator'));
CREATE POLICY patient_edit ON patient FOR UPDATE TO hms_app
USING (hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator'));

ALTER TABLE next_of_kin ENABLE ROW LEVEL SECURITY;
CREATE POLICY next_of_kin_read ON next_of_kin FOR SELECT TO hms_app
USING (
    hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator')
    OR hms_access_basis(patient_id, 'demographics') IS NOT NULL
);
CREATE POLICY next_of_kin_write ON next_of_kin FOR ALL TO hms_app
USING (hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator'))
WITH CHECK (hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator'));

ALTER TABLE patient_user ENABLE ROW LEVEL SECURITY;
CREATE POLICY patient_user_read ON patient_user FOR SELECT TO hms_app
USING (
    user_id = hms_current_user_id()
    OR hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
);
CREATE POLICY patient_user_link ON patient_user FOR INSERT TO hms_app
WITH CHECK (hms_current_role() IN ('receptionist', 'administrator'));

ALTER TABLE encounter ENABLE ROW LEVEL SECURITY;
CREATE POLICY encounter_read ON encounter FOR SELECT TO hms_app
USING (hms_row_visible(patient_id, care_unit_id));
CREATE POLICY encounter_write ON encounter FOR INSERT TO hms_app
WITH CHECK (
    hms_current_role() IN ('doctor', 'nurse')
    AND care_unit_id IN (
        SELECT care_unit_id FROM staff_care_unit
        WHERE user_id = hms_current_user_id()
    )
);
CREATE POLICY encounter_update ON encounter FOR UPDATE TO hms_app
USING (hms_may_write_clinical(patient_id));

ALTER TABLE bed_occupancy ENABLE ROW LEVEL SECURITY;
CREATE POLICY bed_occupancy_read ON bed_occupancy FOR SELECT TO hms_app
USING (hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator'));
CREATE POLICY bed_occupancy_write ON bed_occupancy FOR INSERT TO hms_app
WITH CHECK (hms_current_role() IN ('doctor', 'nurse'));
CREATE POLICY bed_occupancy_update ON bed_occupancy FOR UPDATE TO hms_app
USING (hms_current_role() IN ('doctor', 'nurse'));

-- Journal entries: one shape of policy per table.
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_read ON note FOR SELECT TO hms_app USING (hms_row_visible(patient_id, care_unit_id));
CREATE POLICY note_insert ON note FOR INSERT TO hms_app
WITH CHECK (hms_may_write_clinical(patient_id) AND created_by = hms_current_user_id());
CREATE POLICY note_update ON note FOR UPDATE TO hms_app USING (hms_may_write_clinical(patient_id));

-- Patients and proxies see signed versions only; clinicians also their own drafts.
ALTER TABLE note_version ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_version_read ON note_version FOR SELECT TO hms_app
USING (hms_row_visible(patient_id, care_unit_id) AND (status = 'signed' OR author_id = hms_current_user_id()));
CREATE POLICY note_version_insert ON note_version FOR INSERT TO hms_app
WITH CHECK (hms_may_write_clinical(patient_id) AND author_id = hms_current_user_id());
CREATE POLICY note_version_update ON note_version FOR UPDATE TO hms_app
USING (author_id = hms_current_user_id() AND hms_may_write_clinical(patient_id));
CREATE POLICY note_version_discard ON note_version FOR DELETE TO hms_app
USING (author_id = hms_current_user_id() AND status = 'draft');

ALTER TABLE note_section ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_section_read ON note_section FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM note_version AS v
    WHERE v.id = note_section.version_id
));
CREATE POLICY note_section_write ON note_section FOR ALL TO hms_app
USING (EXISTS (
    SELECT 1 FROM note_version AS v
    WHERE v.id = note_section.version_id AND v.author_id = hms_current_user_id()
))
WITH CHECK (EXISTS (
    SELECT 1 FROM note_version AS v
    WHERE v.id = note_section.version_id AND v.author_id = hms_current_user_id()
));

-- A clinical row is recorded in one's own name (recorded_by is the declared user).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['diagnosis', 'procedure_record', 'history_entry', 'care_plan'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO hms_app USING (hms_row_visible(patient_id, care_unit_id))', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO hms_app WITH CHECK (hms_may_write_clinical(patient_id) AND recorded_by = hms_current_user_id())', t || '_insert', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO hms_app USING (hms_may_write_clinical(patient_id))', t || '_update', t);
    END LOOP;
    -- Allergies and vital signs (weight, for dosing) are medication data too:
    -- pharmacists read them for every patient.
    FOREACH t IN ARRAY ARRAY['allergy', 'vital_signs'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO hms_app USING (hms_row_visible(patient_id, care_unit_id, ''medication''))', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO hms_app WITH CHECK (hms_may_write_clinical(patient_id) AND recorded_by = hms_current_user_id())', t || '_insert', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO hms_app USING (hms_may_write_clinical(patient_id))', t || '_update', t);
    END LOOP;
END
$$;

ALTER TABLE care_assignment ENABLE ROW LEVEL SECURITY;
CREATE POLICY care_assignment_read ON care_assignment FOR SELECT TO hms_app
USING (hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator'));
CREATE POLICY care_assignment_write ON care_assignment FOR INSERT TO hms_app
WITH CHECK (
    hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
    AND created_by = hms_current_user_id()
);

ALTER TABLE emergency_access ENABLE ROW LEVEL SECURITY;
CREATE POLICY emergency_access_read ON emergency_access FOR SELECT TO hms_app
USING (user_id = hms_current_user_id() OR hms_current_role() = 'administrator');
CREATE POLICY emergency_access_open ON emergency_access FOR INSERT TO hms_app
WITH CHECK (user_id = hms_current_user_id() AND hms_current_role() IN ('doctor', 'nurse'));
CREATE POLICY emergency_access_review ON emergency_access FOR UPDATE TO hms_app
USING (hms_current_role() = 'administrator')
WITH CHECK (reviewed_by = hms_current_user_id());

ALTER TABLE journal_block ENABLE ROW LEVEL SECURITY;
CREATE POLICY journal_block_read ON journal_block FOR SELECT TO hms_app
USING (hms_current_role() IN ('doctor', 'nurse', 'administrator') OR hms_access_basis(patient_id, 'demographics') = 'own');
CREATE POLICY journal_block_write ON journal_block FOR ALL TO hms_app
USING (hms_access_basis(patient_id, 'demographics') = 'own' OR hms_current_role() = 'administrator')
WITH CHECK (hms_access_basis(patient_id, 'demographics') = 'own' OR hms_current_role() = 'administrator');

ALTER TABLE proxy_grant ENABLE ROW LEVEL SECURITY;
CREATE POLICY proxy_grant_read ON proxy_grant FOR SELECT TO hms_app
USING (
    relative_user_id = hms_current_user_id()
    OR hms_access_basis(patient_id, 'demographics') = 'own'
    OR hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
);
CREATE POLICY proxy_grant_write ON proxy_grant FOR ALL TO hms_app
USING (
    hms_access_basis(patient_id, 'demographics') = 'own'
    OR hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
)
WITH CHECK (granted_by = hms_current_user_id() AND (
    hms_access_basis(patient_id, 'demographics') = 'own'
    OR hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
));

ALTER TABLE consultation ENABLE ROW LEVEL SECURITY;
CREATE POLICY consultation_read ON consultation FOR SELECT TO hms_app
USING (specialist_id = hms_current_user_id() OR hms_row_visible(patient_id, care_unit_id));
CREATE POLICY consultation_request ON consultation FOR INSERT TO hms_app
WITH CHECK (requested_by = hms_current_user_id() AND hms_may_write_clinical(patient_id));
CREATE POLICY consultation_update ON consultation FOR UPDATE TO hms_app
USING (specialist_id = hms_current_user_id() OR requested_by = hms_current_user_id());

-- A view runs with its owner's rights unless told otherwise, and the owner is
-- exempt from RLS: every view over patient data reads as the caller instead.
ALTER VIEW patient_directory SET (security_invoker = true);
ALTER VIEW bed_status SET (security_invoker = true);
ALTER VIEW note_current SET (security_invoker = true);
ALTER VIEW journal_timeline SET (security_invoker = true);

-- Searching the registry. Under RLS the planner must apply a policy before
-- any predicate that is not leakproof, and LIKE and <% are not: a search
-- through patient_directory would read all 100,000 patients to find twenty.
-- This view runs with its owner's rights (no RLS) and carries the access
-- rule itself in its WHERE clause, so the trigram index serves the search and
-- only the roles that may search the registry get a row. (The app's queries
-- are fixed SQL, so no untrusted function can peek at rows ahead of the rule.)
CREATE VIEW patient_search_directory AS
SELECT
    p.id,
    p.personal_number,
    p.given_name,
    p.family_name,
    p.date_of_birth,
    p.sex,
    p.protected_identity,
    CASE WHEN p.protected_identity THEN NULL ELSE p.city END AS city,
    p.search_name
FROM patient AS p
WHERE hms_current_role() IN ('doctor', 'nurse', 'pharmacist', 'receptionist', 'administrator');
COMMENT ON VIEW patient_search_directory IS 'Patients as the registry search shows them, to the roles that may search.';
GRANT SELECT ON patient_search_directory TO hms_app;

-- A consultation moves forward only: open -> answered -> closed; what was
-- asked, of whom and about whom never changes. (Reopening would hand the
-- specialist access again.)
CREATE FUNCTION consultation_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Consultations are never deleted.' USING ERRCODE = 'HM041',
            CONSTRAINT = 'consultation_moves_forward';
    END IF;
    IF (NEW.patient_id, NEW.care_unit_id, NEW.requested_by, NEW.specialist_id, NEW.question, NEW.created_at)
        IS DISTINCT FROM (OLD.patient_id, OLD.care_unit_id, OLD.requested_by, OLD.specialist_id, OLD.question,
            OLD.created_at)
        OR NOT (
            (OLD.status = NEW.status AND NEW.answer IS NOT DISTINCT FROM OLD.answer)
            OR (OLD.status = 'open' AND NEW.status = 'answered')
            OR (OLD.status = 'answered' AND NEW.status = 'closed' AND NEW.answer = OLD.answer)
        ) THEN
        RAISE EXCEPTION 'A consultation only moves forward: open, answered, closed.' USING ERRCODE = 'HM041',
            CONSTRAINT = 'consultation_moves_forward';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER consultation_guard BEFORE UPDATE OR DELETE ON consultation
FOR EACH ROW EXECUTE FUNCTION consultation_guard();

-- An encounter ends once, and an admission ends only by discharge (which
-- frees the bed in the same breath); whose and where it was never change.
CREATE FUNCTION encounter_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Encounters are never deleted.' USING ERRCODE = 'HM017', CONSTRAINT = 'encounter_is_a_record';
    END IF;
    IF (NEW.patient_id, NEW.care_unit_id, NEW.kind, NEW.started_at, NEW.created_by, NEW.created_at)
        IS DISTINCT FROM (OLD.patient_id, OLD.care_unit_id, OLD.kind, OLD.started_at, OLD.created_by, OLD.created_at)
        OR (OLD.ended_at IS NOT NULL AND NEW.ended_at IS DISTINCT FROM OLD.ended_at) THEN
        RAISE EXCEPTION 'An encounter''s patient, unit, kind and start are fixed, and it ends once.'
            USING ERRCODE = 'HM017', CONSTRAINT = 'encounter_is_a_record';
    END IF;
    IF NEW.ended_at IS NOT NULL AND EXISTS (
        SELECT 1 FROM bed_occupancy WHERE encounter_id = NEW.id AND upper_inf(during)) THEN
        RAISE EXCEPTION 'An admission is closed by discharging the patient.' USING ERRCODE = 'HM015';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER encounter_guard BEFORE UPDATE OR DELETE ON encounter
FOR EACH ROW EXECUTE FUNCTION encounter_guard();

-- TRUNCATE fires no row trigger: the journal refuses it outright, as the
-- audit log does.
CREATE FUNCTION journal_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Journal tables are never emptied.' USING ERRCODE = 'HM031';
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['encounter', 'bed_occupancy', 'note', 'note_version', 'note_section', 'diagnosis',
        'procedure_record', 'allergy', 'history_entry', 'care_plan', 'vital_signs', 'emergency_access'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
            'EXECUTE FUNCTION journal_refuse_truncate()', t || '_never_truncated', t);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- The audit log: readable by administrators (review) and by a patient for
-- their own record (loggutdrag); a row is always written as oneself; and
-- every row is chained to the one before by a SHA-256 hash, so an altered or
-- removed row breaks the chain (hms audit verify).
-- ---------------------------------------------------------------------------

-- chain_seq is the order of the chain: assigned under the chain's lock, so
-- it follows commit order even where identity values (taken earlier, outside
-- the lock) do not.
ALTER TABLE audit_log
ADD COLUMN chain_seq bigint,
ADD COLUMN prev_hash bytea,
ADD COLUMN row_hash bytea;
CREATE UNIQUE INDEX audit_log_chain_seq_key ON audit_log (chain_seq);

CREATE FUNCTION audit_log_row_hash(a audit_log, prev bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE
RETURN sha256(coalesce(prev, '\x'::bytea) || convert_to(concat_ws(
    '|',
    a.chain_seq, a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), a.user_id, a.user_role,
    a.care_unit_id, a.patient_id, a.action, a.object_type, a.object_id, host(a.client_addr), a.outcome,
    a.reason, a.detail
), 'UTF8'));

-- Rows written before the chain existed join it in id order.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row;
DO $$
DECLARE
    r audit_log%ROWTYPE;
    prev bytea;
    seq bigint := 0;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        seq := seq + 1;
        r.chain_seq := seq;
        r.prev_hash := prev;
        prev := audit_log_row_hash(r, prev);
        UPDATE audit_log SET chain_seq = seq, prev_hash = r.prev_hash, row_hash = prev WHERE id = r.id;
    END LOOP;
END
$$;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_row;
ALTER TABLE audit_log ALTER COLUMN chain_seq SET NOT NULL, ALTER COLUMN row_hash SET NOT NULL;

CREATE FUNCTION hms_access_unit(p_user bigint, p_patient bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
RETURN coalesce(
    (
        SELECT min(s.care_unit_id) FROM staff_care_unit AS s
        WHERE
            s.user_id = p_user AND p_patient IS NOT NULL  -- parameters, not columns -- noqa: RF03
            AND (
                EXISTS (
                    SELECT 1 FROM encounter AS e
                    WHERE
                        e.patient_id = p_patient  -- a parameter, not a column -- noqa: RF03
                        AND e.care_unit_id = s.care_unit_id
                        AND (e.ended_at IS NULL OR e.ended_at > now() - interval '30 days')
                )
                OR EXISTS (
                    SELECT 1 FROM care_assignment AS a
                    WHERE
                        a.patient_id = p_patient  -- a parameter, not a column -- noqa: RF03
                        AND a.care_unit_id = s.care_unit_id AND a.during @> now()
                )
            )
    ),
    (
        SELECT min(care_unit_id) FROM staff_care_unit
        WHERE user_id = p_user
        HAVING count(*) = 1
    )
);
COMMENT ON FUNCTION hms_access_unit IS 'The care unit an access to a patient was made from (for the audit log).';

-- Chains each new row to the previous one. The advisory lock serialises
-- writers from here to their commit, so the chain never forks.
CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    last audit_log%ROWTYPE;
BEGIN
    -- The care unit the access was made from, when the app did not say: the
    -- reader's unit that has the patient in care, else their only unit.
    IF NEW.care_unit_id IS NULL AND NEW.user_id IS NOT NULL THEN
        NEW.care_unit_id := hms_access_unit(NEW.user_id, NEW.patient_id);
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('audit_log_chain'));
    SELECT * INTO last FROM audit_log ORDER BY chain_seq DESC LIMIT 1;
    NEW.chain_seq := coalesce(last.chain_seq, 0) + 1;
    NEW.prev_hash := last.row_hash;
    NEW.row_hash := audit_log_row_hash(NEW, NEW.prev_hash);
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- The first link (chain_seq) whose hash does not follow from its content and
-- its predecessor's hash, or NULL when the whole chain holds. A removed row
-- shows as a gap in chain_seq.
CREATE FUNCTION audit_log_verify() RETURNS bigint
LANGUAGE sql STABLE
RETURN (
    SELECT min(chain_seq) FROM (
        SELECT
            a.chain_seq,
            a.row_hash,
            a.prev_hash,
            lag(a.row_hash) OVER (ORDER BY a.chain_seq) AS expected_prev,
            lag(a.chain_seq, 1, 0::bigint) OVER (ORDER BY a.chain_seq) AS previous_seq,
            audit_log_row_hash(a, a.prev_hash) AS expected_hash
        FROM audit_log AS a
    ) AS chain
    WHERE
        row_hash IS DISTINCT FROM expected_hash
        OR prev_hash IS DISTINCT FROM expected_prev
        OR chain_seq <> previous_seq + 1
);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_write ON audit_log FOR INSERT TO hms_app
WITH CHECK (user_id IS NOT DISTINCT FROM hms_current_user_id());
CREATE POLICY audit_log_review ON audit_log FOR SELECT TO hms_app
USING (
    hms_current_role() = 'administrator'
    OR (patient_id IS NOT NULL AND hms_access_basis(patient_id, 'demographics') = 'own')
);

GRANT SELECT, INSERT ON care_assignment TO hms_app;
GRANT SELECT, INSERT, UPDATE ON emergency_access, consultation TO hms_app;
GRANT SELECT, INSERT, UPDATE ON journal_block, proxy_grant TO hms_app;
