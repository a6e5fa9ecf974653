-- Relatives need a legal basis. Every proxy grant now says on what ground a
-- relative may act for the patient:
--
--   * patient_portal: the patient granted it in the portal, in their own name;
--   * guardian: staff registered a guardian (vårdnadshavare) of a patient under
--     18 on the grant's start date, and the grant ends at the latest the day
--     before the patient turns 18;
--   * recorded_consent: staff registered it on the patient's consent, and the
--     grant records who took that consent (a member of staff), when and how.
--
-- Constraints and triggers hold these rules for every writer, the owner
-- included. Row-level security lets hms_app register a grant only on a basis
-- its verified user may use, in that user's own name; and lets the patient
-- revoke every grant of theirs (the old policy refused the patient a grant
-- staff had registered, since it asked that the one revoking be the one who
-- granted). A grant is a record: after it is made, only its revocation is
-- written, once.
-- depends: 0013_function_grants

CREATE TYPE proxy_basis AS ENUM ('patient_portal', 'guardian', 'recorded_consent');
CREATE TYPE proxy_consent_method AS ENUM ('in_person', 'phone', 'written');

ALTER TABLE proxy_grant
ADD COLUMN basis proxy_basis,
ADD COLUMN consent_taken_by bigint REFERENCES app_user (id) ON DELETE RESTRICT,
ADD COLUMN consent_taken_at timestamptz,
ADD COLUMN consent_method proxy_consent_method;

-- Grants made before the basis was recorded:
--   * one that the patient's own portal account gave is a portal grant;
--   * one that staff gave for a patient under 18 on its start date is a
--     guardian's, and now ends the day before the 18th birthday at the latest
--     (a guardian's right ends there, whatever the grant said);
--   * one that staff gave for an adult can only have rested on the patient's
--     consent: it counts as consent taken in person by the one who registered
--     it, when it was registered.
UPDATE proxy_grant AS g SET
    basis = CASE
        WHEN EXISTS (
            SELECT 1 FROM patient_user AS pu
            WHERE pu.user_id = g.granted_by AND pu.patient_id = g.patient_id
        ) THEN 'patient_portal'
        WHEN g.starts_on < (pnr_birth_date(p.personal_number) + interval '18 years')::date THEN 'guardian'
        ELSE 'recorded_consent'
    END::proxy_basis
FROM patient AS p
WHERE p.id = g.patient_id;

UPDATE proxy_grant AS g
SET ends_on = least(g.ends_on, (pnr_birth_date(p.personal_number) + interval '18 years')::date - 1)
FROM patient AS p
WHERE p.id = g.patient_id AND g.basis = 'guardian';

UPDATE proxy_grant
SET consent_taken_by = granted_by, consent_taken_at = created_at, consent_method = 'in_person'
WHERE basis = 'recorded_consent';

-- The default is the one basis the database can check without being told
-- more: that the one granting is the patient. Staff name theirs.
ALTER TABLE proxy_grant
ALTER COLUMN basis SET DEFAULT 'patient_portal',
ALTER COLUMN basis SET NOT NULL,
ADD CONSTRAINT proxy_grant_consent_recorded CHECK (
    basis <> 'recorded_consent'
    OR (consent_taken_by IS NOT NULL AND consent_taken_at IS NOT NULL AND consent_method IS NOT NULL)
),
ADD CONSTRAINT proxy_grant_consent_only_with_consent CHECK (
    basis = 'recorded_consent'
    OR (consent_taken_by IS NULL AND consent_taken_at IS NULL AND consent_method IS NULL)
),
ADD CONSTRAINT proxy_grant_consent_before_grant CHECK (consent_taken_at <= created_at),
-- Consent is registered when it is given, not dug up later: at most 30 days
-- before the grant.
ADD CONSTRAINT proxy_grant_consent_recent CHECK (consent_taken_at >= created_at - interval '30 days'),
ADD CONSTRAINT proxy_grant_guardian_has_end CHECK (basis <> 'guardian' OR ends_on IS NOT NULL);

COMMENT ON TABLE proxy_grant IS
'A relative may act for a patient within scopes and a period, until revoked, on a recorded legal basis.';
COMMENT ON COLUMN proxy_grant.basis IS
'Why the relative may act: the patient granted it in the portal, a guardian of a minor, or the patient''s recorded consent.';
COMMENT ON COLUMN proxy_grant.consent_taken_by IS 'For recorded_consent: the member of staff who took the patient''s consent.';
COMMENT ON COLUMN proxy_grant.consent_taken_at IS 'For recorded_consent: when the patient consented.';
COMMENT ON COLUMN proxy_grant.consent_method IS 'For recorded_consent: how the patient consented.';

-- The rules a new grant's basis must meet, beyond its own columns. Not
-- SECURITY DEFINER: it reads the patient and the accounts with the writer's
-- rights, so it tells a writer nothing about a patient they cannot see (a
-- guardian's grant for an unseen patient is refused as for an adult). Its
-- search_path is pinned all the same, so a temporary table named patient
-- cannot stand in for the real one and make an adult a minor.
CREATE FUNCTION proxy_grant_check_basis() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_adult_on date;
BEGIN
    IF NEW.basis = 'patient_portal' THEN
        IF NOT EXISTS (
            SELECT 1 FROM patient_user WHERE user_id = NEW.granted_by AND patient_id = NEW.patient_id
        ) THEN
            RAISE EXCEPTION 'Only the patient grants access in the portal, in their own name.'
                USING ERRCODE = 'HM062', CONSTRAINT = 'proxy_grant_portal_by_patient';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM app_user
        WHERE id = NEW.granted_by AND role IN ('doctor', 'nurse', 'receptionist', 'administrator')
    ) THEN
        RAISE EXCEPTION 'Only staff register a guardian''s access or access on the patient''s recorded consent.'
            USING ERRCODE = 'HM063', CONSTRAINT = 'proxy_grant_registered_by_staff';
    END IF;
    IF NEW.basis = 'recorded_consent' THEN
        -- A missing taker is proxy_grant_consent_recorded's to refuse.
        IF NEW.consent_taken_by IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM app_user WHERE id = NEW.consent_taken_by AND user_role_is_staff(role)
        ) THEN
            RAISE EXCEPTION 'The patient''s consent is taken by a member of staff.'
                USING ERRCODE = 'HM064', CONSTRAINT = 'proxy_grant_consent_taken_by_staff';
        END IF;
        RETURN NEW;
    END IF;
    -- A guardian: the patient is under 18 on the start date, and the grant
    -- ends the day before the 18th birthday at the latest (by default, then).
    SELECT (pnr_birth_date(p.personal_number) + interval '18 years')::date INTO v_adult_on
    FROM patient AS p WHERE p.id = NEW.patient_id;
    IF v_adult_on IS NULL OR NEW.starts_on >= v_adult_on THEN
        RAISE EXCEPTION 'Only a patient under 18 has a guardian; an adult''s relative needs the patient''s consent.'
            USING ERRCODE = 'HM060', CONSTRAINT = 'proxy_grant_guardian_of_minor';
    END IF;
    NEW.ends_on := coalesce(NEW.ends_on, v_adult_on - 1);
    IF NEW.ends_on >= v_adult_on THEN
        RAISE EXCEPTION 'A guardian''s access ends at the latest the day before the patient turns 18.'
            USING ERRCODE = 'HM061', CONSTRAINT = 'proxy_grant_guardian_until_adult';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION proxy_grant_check_basis IS
'Refuses a new proxy grant whose basis does not hold: portal by the patient, guardian of a minor, consent taken by staff.';
CREATE TRIGGER proxy_grant_check_basis BEFORE INSERT ON proxy_grant
FOR EACH ROW EXECUTE FUNCTION proxy_grant_check_basis();

-- A grant is a record of what was granted, to whom, by whom and on what
-- basis: only its revocation is written afterwards, once. Every column but
-- revoked_at is compared, so a column added later is frozen too unless said
-- otherwise here.
CREATE FUNCTION proxy_grant_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL
        OR to_jsonb(NEW) - 'revoked_at' IS DISTINCT FROM to_jsonb(OLD) - 'revoked_at' THEN
        RAISE EXCEPTION 'A proxy grant cannot be changed; it can only be revoked, once.'
            USING ERRCODE = 'HM065', CONSTRAINT = 'proxy_grant_is_a_record';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION proxy_grant_guard IS 'A proxy grant is a record: only its revocation is written, once.';
CREATE TRIGGER proxy_grant_guard BEFORE UPDATE OR DELETE ON proxy_grant
FOR EACH ROW EXECUTE FUNCTION proxy_grant_guard();

-- hms_app writes a grant only along these rules, in its verified user's own
-- name: the patient on the portal basis, staff (who may reach every
-- patient's demographics) as a guardian's or on recorded consent. Relatives,
-- pharmacists and outside specialists register none.
DROP POLICY proxy_grant_write ON proxy_grant;
CREATE POLICY proxy_grant_register ON proxy_grant FOR INSERT TO hms_app
WITH CHECK (
    granted_by = hms_current_user_id()
    AND (
        (basis = 'patient_portal' AND hms_access_basis(patient_id, 'demographics') = 'own')
        OR (
            basis IN ('guardian', 'recorded_consent')
            AND hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
        )
    )
);

-- Revoking (proxy_grant_guard lets nothing else change): the patient every
-- grant of theirs, whoever registered it; staff any grant.
CREATE POLICY proxy_grant_revoke ON proxy_grant FOR UPDATE TO hms_app
USING (
    hms_access_basis(patient_id, 'demographics') = 'own'
    OR hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
)
WITH CHECK (
    hms_access_basis(patient_id, 'demographics') = 'own'
    OR hms_current_role() IN ('doctor', 'nurse', 'receptionist', 'administrator')
);
