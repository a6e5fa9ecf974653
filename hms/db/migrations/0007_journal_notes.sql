-- The journal, part 2: notes that are written, signed and never silently changed.
-- depends: 0006_journal_encounters

CREATE TYPE note_kind AS ENUM ('admission', 'progress', 'nursing', 'phone', 'discharge_summary');
CREATE TYPE note_version_status AS ENUM ('draft', 'signed');

-- The note as one thing in the journal; its text lives in versions.
CREATE TABLE note (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    encounter_id bigint,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    kind note_kind NOT NULL,
    created_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- "Entered in error" marks, never removes: set once, with who, when and why.
    entered_in_error_at timestamptz,
    entered_in_error_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
    entered_in_error_reason text,
    CONSTRAINT note_encounter_fk FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT,
    -- Target of note_version's composite key: a version belongs to its note's patient.
    CONSTRAINT note_id_patient_key UNIQUE (id, patient_id),
    CONSTRAINT note_in_error_complete CHECK (
        (entered_in_error_at IS NULL AND entered_in_error_by IS NULL AND entered_in_error_reason IS NULL)
        OR (
            entered_in_error_at IS NOT NULL AND entered_in_error_by IS NOT NULL
            AND entered_in_error_reason IS NOT NULL
            AND length(btrim(entered_in_error_reason)) BETWEEN 5 AND 1000
        )
    )
);
COMMENT ON TABLE note IS 'One journal note (anteckning) of a kind; its text is in note_version rows.';

-- Used by the chart's note list and the timeline.
CREATE INDEX note_patient_idx ON note (patient_id, created_at DESC);
CREATE INDEX note_encounter_idx ON note (encounter_id);

CREATE TABLE note_version (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    note_id bigint NOT NULL,
    patient_id bigint NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    version integer NOT NULL CONSTRAINT note_version_version_positive CHECK (version >= 1),
    author_id bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    status note_version_status NOT NULL DEFAULT 'draft',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    signed_at timestamptz,
    -- An amendment points at the version it corrects and says why.
    amends_version_id bigint,
    amend_reason text,
    CONSTRAINT note_version_note_fk FOREIGN KEY (note_id, patient_id) REFERENCES note (id, patient_id) ON DELETE RESTRICT,
    -- An amendment corrects a version of the same note.
    CONSTRAINT note_version_id_note_key UNIQUE (id, note_id),
    CONSTRAINT note_version_amends_same_note_fk FOREIGN KEY (amends_version_id, note_id) REFERENCES note_version (id, note_id) ON DELETE RESTRICT,
    CONSTRAINT note_version_number_key UNIQUE (note_id, version),
    CONSTRAINT note_version_signed_has_time CHECK ((status = 'signed') = (signed_at IS NOT NULL)),
    CONSTRAINT note_version_amendment_has_reason CHECK (
        (version = 1 AND amends_version_id IS NULL AND amend_reason IS NULL)
        OR (
            version > 1 AND amends_version_id IS NOT NULL AND amend_reason IS NOT NULL
            AND length(btrim(amend_reason)) BETWEEN 5 AND 1000
        )
    )
);
COMMENT ON TABLE note_version IS 'One version of a note: a draft, or signed and frozen forever. Amendments add versions.';

-- History is linear: a version is corrected at most once, and a note has at
-- most one draft at a time.
CREATE UNIQUE INDEX note_version_amended_once ON note_version (amends_version_id);
CREATE UNIQUE INDEX note_version_one_draft ON note_version (note_id) WHERE status = 'draft';
-- Used by the timeline and the chart: a patient's signed versions, newest first.
CREATE INDEX note_version_patient_idx ON note_version (patient_id, signed_at DESC);

-- The text of a version under the keyword headings of Swedish journals
-- (sökord): Anamnes, Status, Bedömning, Åtgärd, …
CREATE TABLE note_section (
    version_id bigint NOT NULL REFERENCES note_version (id) ON DELETE RESTRICT,
    position smallint NOT NULL CONSTRAINT note_section_position_range CHECK (position BETWEEN 1 AND 50),
    heading text NOT NULL CONSTRAINT note_section_heading_length CHECK (length(btrim(heading)) BETWEEN 1 AND 60),
    body text NOT NULL CONSTRAINT note_section_body_length CHECK (length(body) <= 20000),
    PRIMARY KEY (version_id, position)
);
COMMENT ON TABLE note_section IS 'One keyword heading (sökord) of a note version and its text.';

CREATE TRIGGER note_version_touch BEFORE UPDATE ON note_version
FOR EACH ROW EXECUTE FUNCTION hms_touch_updated_at();

-- A signed version is frozen: no UPDATE or DELETE, from any role, and its
-- sections neither. A draft may be edited or discarded.
CREATE FUNCTION note_version_freeze() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Every version starts as a draft; only signing makes it part of the journal.
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'A note version is written as a draft and then signed.'
                USING ERRCODE = 'HM028', CONSTRAINT = 'note_version_starts_as_draft';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'A signed note version cannot be changed or deleted; amend it instead.'
            USING ERRCODE = 'HM020', CONSTRAINT = 'note_version_signed_is_frozen';
    END IF;
    -- Signing, however it is written (note_sign or a raw UPDATE), obeys
    -- note_sign's rules: by the author, and only with text.
    IF TG_OP = 'UPDATE' AND NEW.status = 'signed' THEN
        IF hms_current_user_id() IS NOT NULL AND hms_current_user_id() <> NEW.author_id THEN
            RAISE EXCEPTION 'Only the author of a note can sign it.' USING ERRCODE = 'HM024';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM note_section WHERE version_id = NEW.id AND body ~ '[^[:space:]]') THEN
            RAISE EXCEPTION 'An empty note cannot be signed.' USING ERRCODE = 'HM025';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER note_version_signed_is_frozen BEFORE INSERT OR UPDATE OR DELETE ON note_version
FOR EACH ROW EXECUTE FUNCTION note_version_freeze();

CREATE FUNCTION note_section_freeze() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_status note_version_status;
BEGIN
    -- FOR SHARE waits for a signing in progress (note_sign holds the version
    -- FOR UPDATE) and then sees its outcome: no section slips into a version
    -- as it is being frozen.
    SELECT status INTO v_status FROM note_version
    WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.version_id ELSE OLD.version_id END
    FOR SHARE;
    IF v_status = 'signed' OR (TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM note_version WHERE id = NEW.version_id AND status = 'signed')) THEN
        RAISE EXCEPTION 'A signed note version cannot be changed or deleted; amend it instead.'
            USING ERRCODE = 'HM020', CONSTRAINT = 'note_version_signed_is_frozen';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER note_section_signed_is_frozen BEFORE INSERT OR UPDATE OR DELETE ON note_section
FOR EACH ROW EXECUTE FUNCTION note_section_freeze();

-- The note row itself: only the entered-in-error mark may be set, once.
CREATE FUNCTION note_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Journal notes are never deleted; mark them entered in error.'
            USING ERRCODE = 'HM021', CONSTRAINT = 'note_never_deleted';
    END IF;
    IF OLD.entered_in_error_at IS NOT NULL
        OR (NEW.patient_id, NEW.encounter_id, NEW.care_unit_id, NEW.kind, NEW.created_by, NEW.created_at)
        IS DISTINCT FROM (OLD.patient_id, OLD.encounter_id, OLD.care_unit_id, OLD.kind, OLD.created_by, OLD.created_at)
    THEN
        RAISE EXCEPTION 'A note''s identity cannot change, and an error mark is final.'
            USING ERRCODE = 'HM021', CONSTRAINT = 'note_identity_fixed';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER note_guard BEFORE UPDATE OR DELETE ON note
FOR EACH ROW EXECUTE FUNCTION note_guard();

-- Sign a draft. Only its author may sign, and only a draft with text.
CREATE FUNCTION note_sign(p_version_id bigint, p_by bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v note_version%ROWTYPE;
BEGIN
    PERFORM hms_check_acting_as(p_by);
    SELECT * INTO v FROM note_version WHERE id = p_version_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such note version.' USING ERRCODE = 'HM022';
    END IF;
    IF v.status <> 'draft' THEN
        RAISE EXCEPTION 'The note version is already signed.' USING ERRCODE = 'HM023';
    END IF;
    IF v.author_id <> p_by THEN
        RAISE EXCEPTION 'Only the author of a note can sign it.' USING ERRCODE = 'HM024';
    END IF;
    IF EXISTS (SELECT 1 FROM note WHERE id = v.note_id AND entered_in_error_at IS NOT NULL) THEN
        RAISE EXCEPTION 'The note is marked entered in error; it is not signed any more.' USING ERRCODE = 'HM029';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM note_section WHERE version_id = p_version_id AND body ~ '[^[:space:]]') THEN
        RAISE EXCEPTION 'An empty note cannot be signed.' USING ERRCODE = 'HM025';
    END IF;
    UPDATE note_version SET status = 'signed', signed_at = now() WHERE id = p_version_id;
END
$$;

-- The latest version of a note, read past row-level security (for note_amend).
CREATE FUNCTION note_version_latest(p_note_id bigint) RETURNS note_version
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
RETURN (
    SELECT v FROM note_version AS v
    WHERE v.note_id = p_note_id  -- a parameter, not a column -- noqa: RF03
    ORDER BY v.version DESC LIMIT 1
);

-- Start an amendment: a new draft version that copies the latest signed one,
-- points at it and records why. The author then edits and signs it.
CREATE FUNCTION note_amend(p_note_id bigint, p_by bigint, p_care_unit_id bigint, p_reason text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    latest note_version%ROWTYPE;
    v_new bigint;
BEGIN
    PERFORM hms_check_acting_as(p_by);
    PERFORM 1 FROM note WHERE id = p_note_id AND entered_in_error_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The note does not exist or is marked entered in error.' USING ERRCODE = 'HM022';
    END IF;
    -- The latest version, whoever wrote it: a colleague's draft (hidden from
    -- the caller by row-level security) still blocks a second amendment.
    latest := note_version_latest(p_note_id);
    IF latest.status <> 'signed' THEN
        RAISE EXCEPTION 'The note has an unsigned draft; sign or discard it first.' USING ERRCODE = 'HM026';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) < 5 THEN
        RAISE EXCEPTION 'An amendment needs a reason (at least 5 characters).' USING ERRCODE = 'HM027';
    END IF;
    INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id, amends_version_id, amend_reason)
    VALUES (p_note_id, latest.patient_id, latest.version + 1, p_by, p_care_unit_id, latest.id, btrim(p_reason))
    RETURNING id INTO v_new;
    INSERT INTO note_section (version_id, position, heading, body)
    SELECT v_new, position, heading, body FROM note_section WHERE version_id = latest.id;
    RETURN v_new;
END
$$;

-- Mark a note entered in error: it stays readable, struck through, with the reason.
CREATE FUNCTION note_mark_in_error(p_note_id bigint, p_by bigint, p_reason text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hms_check_acting_as(p_by);
    IF p_reason IS NULL OR length(btrim(p_reason)) < 5 THEN
        RAISE EXCEPTION 'Say why the note is in error (at least 5 characters).' USING ERRCODE = 'HM027';
    END IF;
    UPDATE note SET entered_in_error_at = now(), entered_in_error_by = p_by,
        entered_in_error_reason = btrim(p_reason)
    WHERE id = p_note_id AND entered_in_error_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The note does not exist or is already marked.' USING ERRCODE = 'HM022';
    END IF;
END
$$;

-- Each note's current version: the latest signed one (drafts are the
-- author's work in progress, shown to them separately). Written with NOT
-- EXISTS rather than DISTINCT ON so that a filter on patient_id reaches the
-- index instead of being applied after every note in the hospital is ranked.
CREATE VIEW note_current AS
SELECT
    v.note_id,
    v.id AS version_id,
    v.version,
    v.patient_id,
    v.author_id,
    v.care_unit_id,
    v.signed_at,
    v.amends_version_id IS NOT NULL AS is_amended
FROM note_version AS v
WHERE
    v.status = 'signed'
    AND NOT EXISTS (
        SELECT 1 FROM note_version AS later
        WHERE
            later.note_id = v.note_id AND later.patient_id = v.patient_id
            AND later.status = 'signed' AND later.version > v.version
    );
COMMENT ON VIEW note_current IS 'The latest signed version of every note.';

GRANT SELECT, INSERT, UPDATE ON note TO hms_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON note_version, note_section TO hms_app;
GRANT SELECT ON note_current TO hms_app;
