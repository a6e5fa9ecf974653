-- The discharge summary (epikris). An admission ends with one: the course of
-- care, the diagnoses at discharge, the medication changes and the
-- follow-up, signed by a doctor. The database holds both halves of the rule,
-- whichever way a discharge is written (encounter_discharge or a raw UPDATE):
-- an admission is not discharged until a signed discharge summary of that
-- encounter exists, and only a doctor signs a discharge summary.
-- Maintenance (the schema owner loading history, such as the demo seed,
-- which writes its stays before their notes) is not a request and passes.
-- depends: 0033_access_round_two

CREATE FUNCTION encounter_discharge_needs_summary() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF session_user NOT IN ('hms_app', 'hms_worker') AND hms_current_user_id() IS NULL THEN
        RETURN NEW;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM note AS n
        INNER JOIN note_version AS v ON n.id = v.note_id AND n.patient_id = v.patient_id
        WHERE
            n.encounter_id = NEW.id AND n.patient_id = NEW.patient_id
            AND n.kind = 'discharge_summary' AND n.entered_in_error_at IS NULL
            AND v.status = 'signed'
    ) THEN
        RAISE EXCEPTION 'An admission is discharged with a signed discharge summary.'
            USING ERRCODE = 'HM290', CONSTRAINT = 'encounter_discharge_has_summary';
    END IF;
    RETURN NEW;
END
$$;

-- Fires after encounter_guard (triggers run in name order: a raw UPDATE of an
-- admission still in its bed hears HM015 first); it looks only at admissions
-- as they end.
CREATE TRIGGER encounter_summary_before_discharge BEFORE UPDATE OF ended_at ON encounter
FOR EACH ROW WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL AND NEW.kind = 'admission')  -- noqa: CP02
EXECUTE FUNCTION encounter_discharge_needs_summary();

CREATE FUNCTION discharge_summary_signed_by_doctor() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF session_user NOT IN ('hms_app', 'hms_worker') AND hms_current_user_id() IS NULL THEN
        RETURN NEW;
    END IF;
    -- The signer is the author (note_version_freeze); a doctor, here.
    IF hms_current_role() IS DISTINCT FROM 'doctor'
        AND EXISTS (SELECT 1 FROM note WHERE id = NEW.note_id AND kind = 'discharge_summary') THEN
        RAISE EXCEPTION 'Only a doctor signs a discharge summary.'
            USING ERRCODE = 'HM291', CONSTRAINT = 'discharge_summary_signed_by_doctor';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER discharge_summary_signed_by_doctor BEFORE UPDATE OF status ON note_version
FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status = 'signed')  -- OLD, NEW: the trigger's rows -- noqa: CP02
EXECUTE FUNCTION discharge_summary_signed_by_doctor();
