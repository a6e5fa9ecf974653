-- name: chart_summary^
-- Everything the chart shows above the timeline, in one round trip: allergy
-- banner, problem list, latest vitals, active care plans, open encounters,
-- the reader's own unsigned drafts, and whether a block hides some entries
-- from the reader.
SELECT
    (
        SELECT
            coalesce(jsonb_agg(jsonb_build_object(
                'id', a.id, 'substance', a.substance, 'reaction', a.reaction, 'severity', a.severity,
                'category', a.category, 'is_verified', a.is_verified, 'is_intolerance', a.is_intolerance
            ) ORDER BY a.severity DESC, a.substance ASC), '[]'::jsonb)
        FROM allergy AS a
        WHERE a.patient_id = :patient_id AND a.entered_in_error_at IS NULL
    ) AS allergies,
    (
        SELECT
            coalesce(jsonb_agg(jsonb_build_object(
                'id', d.id, 'code', d.code, 'title', c.title, 'rank', d.rank, 'onset_date', d.onset_date
            ) ORDER BY d.rank ASC, d.onset_date DESC NULLS LAST), '[]'::jsonb)
        FROM diagnosis AS d INNER JOIN icd10_code AS c ON d.code = c.code
        WHERE d.patient_id = :patient_id AND d.resolved_date IS NULL AND d.entered_in_error_at IS NULL
    ) AS problems,
    (
        SELECT to_jsonb(v)
        FROM (
            SELECT
                vs.id,
                vs.measured_at,
                vs.systolic,
                vs.diastolic,
                vs.pulse,
                vs.temperature,
                vs.respiratory_rate,
                vs.spo2,
                vs.on_oxygen,
                vs.consciousness,
                vs.weight_kg,
                vs.height_cm,
                vs.bmi,
                vs.news2,
                vs.news2_band
            FROM vital_signs AS vs
            WHERE vs.patient_id = :patient_id AND vs.entered_in_error_at IS NULL
            ORDER BY vs.measured_at DESC
            LIMIT 1
        ) AS v
    ) AS latest_vitals,
    (
        SELECT
            coalesce(jsonb_agg(jsonb_build_object(
                'id', cp.id, 'title', cp.title, 'goals', cp.goals, 'review_date', cp.review_date,
                'responsible', u.full_name
            ) ORDER BY cp.review_date), '[]'::jsonb)
        FROM care_plan AS cp INNER JOIN app_user AS u ON cp.responsible_id = u.id
        WHERE cp.patient_id = :patient_id AND cp.status = 'active' AND cp.entered_in_error_at IS NULL
    ) AS care_plans,
    (
        SELECT
            coalesce(jsonb_agg(jsonb_build_object(
                'id', e.id, 'kind', e.kind, 'reason', e.reason, 'started_at', e.started_at,
                'care_unit', cu.name, 'bed', bs.ward_name || ' ' || bs.room_name || bs.bed_label
            ) ORDER BY e.started_at DESC), '[]'::jsonb)
        FROM encounter AS e
        INNER JOIN care_unit AS cu ON e.care_unit_id = cu.id
        LEFT JOIN bed_status AS bs ON e.id = bs.encounter_id
        WHERE e.patient_id = :patient_id AND e.ended_at IS NULL
    ) AS open_encounters,
    (
        SELECT
            coalesce(jsonb_agg(jsonb_build_object(
                'note_id', n.id, 'kind', n.kind, 'version_id', v.id, 'version', v.version,
                'updated_at', v.updated_at
            ) ORDER BY v.updated_at DESC), '[]'::jsonb)
        FROM note_version AS v
        INNER JOIN note AS n ON v.note_id = n.id
        WHERE v.patient_id = :patient_id AND v.author_id = (SELECT hms_current_user_id()) AND v.status = 'draft'
    ) AS drafts,
    hms_blocked_for_me(:patient_id) AS blocked;

-- name: timeline
-- One page of the timeline, newest first, keyset-paginated: the page after
-- (before_at, before_kind, before_id) costs about what the first does. Each
-- kind of entry is its own branch with its own filters, keyset and LIMIT,
-- read newest-first from its (patient_id, time) index; the branches are then
-- merged. The query lives in journal_timeline_page (migration 0037), which
-- keeps one plan for it per connection instead of planning it at every request.
SELECT
    kind,
    id,
    at,
    subtype,
    title,
    code,
    in_error,
    care_unit_id,
    care_unit,
    author
FROM journal_timeline_page(
    :patient_id::bigint, :limit::integer, :kind::text, :from_date::date, :to_date::date, :author_id::bigint,
    :care_unit_id::bigint, :code::text, :text::text, :before_at::timestamptz, :before_kind::text,
    :before_id::bigint
);

-- name: encounter_open^
-- Open a visit that holds no bed (outpatient, emergency, phone, consultation).
INSERT INTO encounter (patient_id, care_unit_id, kind, reason, responsible_id, created_by)
VALUES (:patient_id, :care_unit_id, :kind, :reason, :by, :by)
RETURNING id;

-- name: encounter_admit$
-- Admit to a free bed (atomic, see migration 0006).
SELECT encounter_admit(:patient_id, :care_unit_id, :bed_id, :reason, :by);

-- name: encounter_discharge!
-- Discharge and free the bed at the same instant.
SELECT encounter_discharge(:encounter_id, :by);

-- name: encounter_close!
-- Close a visit without a bed.
SELECT encounter_close(:encounter_id, :by);

-- name: encounter_get^
-- One encounter with its unit and bed.
SELECT
    e.id,
    e.patient_id,
    e.kind,
    e.reason,
    e.started_at,
    e.ended_at,
    e.care_unit_id,
    cu.name AS care_unit,
    u.full_name AS responsible,
    (
        SELECT bs.ward_name || ', room ' || bs.room_name || ', bed ' || bs.bed_label
        FROM bed_status AS bs WHERE bs.encounter_id = e.id
    ) AS bed
FROM encounter AS e
INNER JOIN care_unit AS cu ON e.care_unit_id = cu.id
LEFT JOIN app_user AS u ON e.responsible_id = u.id
WHERE e.id = :encounter_id AND e.patient_id = :patient_id;

-- name: encounters_for_patient
-- A patient's encounters, newest first (for linking notes and the encounter list).
SELECT
    e.id,
    e.kind,
    e.reason,
    e.started_at,
    e.ended_at,
    cu.name AS care_unit
FROM encounter AS e
INNER JOIN care_unit AS cu ON e.care_unit_id = cu.id
WHERE e.patient_id = :patient_id
ORDER BY e.started_at DESC
LIMIT 50;

-- name: free_beds
-- Free, active beds of a care unit, for the admission form.
SELECT
    bed_id,
    ward_name || ', room ' || room_name || ', bed ' || bed_label AS label
FROM bed_status
WHERE care_unit_id = :care_unit_id AND is_active AND patient_id IS NULL
ORDER BY ward_name, room_name, bed_label;

-- name: unit_patients
-- Patients with an open encounter in the user's care units (clinician's home page).
SELECT
    p.id AS patient_id,
    p.personal_number,
    p.given_name,
    p.family_name,
    e.id AS encounter_id,
    e.kind,
    e.started_at,
    cu.name AS care_unit,
    bs.ward_name || ' ' || bs.room_name || bs.bed_label AS place
FROM staff_care_unit AS scu
INNER JOIN encounter AS e ON scu.care_unit_id = e.care_unit_id AND e.ended_at IS NULL
INNER JOIN patient AS p ON e.patient_id = p.id
INNER JOIN care_unit AS cu ON e.care_unit_id = cu.id
LEFT JOIN bed_status AS bs ON e.id = bs.encounter_id
WHERE scu.user_id = :user_id
ORDER BY cu.name, bs.ward_name NULLS LAST, place, p.family_name
LIMIT 200;

-- name: note_create^
-- A new note (its first version is a draft, created next).
INSERT INTO note (patient_id, encounter_id, care_unit_id, kind, created_by)
VALUES (:patient_id, :encounter_id, :care_unit_id, :kind, :by)
RETURNING id;

-- name: note_version_create^
-- Version 1 of a new note, a draft by its author.
INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id)
VALUES (:note_id, :patient_id, 1, :by, :care_unit_id)
RETURNING id;

-- name: note_sections_clear!
-- Remove a draft's sections before writing the edited ones (refused once signed).
DELETE FROM note_section
WHERE version_id = :version_id;

-- name: note_section_add!
-- One keyword heading of a draft.
INSERT INTO note_section (version_id, position, heading, body)
VALUES (:version_id, :position, :heading, :body);

-- name: note_sign!
-- Sign a draft (only its author; see migration 0007).
SELECT note_sign(:version_id, :by);

-- name: note_amend$
-- Start an amendment of a signed note; returns the new draft version's id.
SELECT note_amend(:note_id, :by, :care_unit_id, :reason);

-- name: note_mark_in_error!
-- Mark a note entered in error (kept, struck through).
SELECT note_mark_in_error(:note_id, :by, :reason);

-- name: note_discard_draft!
-- Throw away an unsigned draft version (sections first).
DELETE FROM note_version
WHERE id = :version_id AND status = 'draft' AND author_id = :by;

-- name: note_get^
-- A note's header (kind, unit, encounter, error mark).
SELECT
    n.id,
    n.patient_id,
    n.encounter_id,
    n.kind,
    n.care_unit_id,
    cu.name AS care_unit,
    n.created_at,
    n.entered_in_error_at,
    n.entered_in_error_reason,
    eu.full_name AS entered_in_error_by
FROM note AS n
INNER JOIN care_unit AS cu ON n.care_unit_id = cu.id
LEFT JOIN app_user AS eu ON n.entered_in_error_by = eu.id
WHERE n.id = :note_id AND n.patient_id = :patient_id;

-- name: note_versions
-- Every version of a note, oldest first, with its sections (the note's history).
SELECT
    v.id,
    v.version,
    v.status,
    v.author_id,
    u.full_name AS author,
    v.created_at,
    v.updated_at,
    v.signed_at,
    v.amends_version_id,
    v.amend_reason,
    coalesce((
        SELECT jsonb_agg(jsonb_build_object('heading', s.heading, 'body', s.body) ORDER BY s.position)
        FROM note_section AS s WHERE s.version_id = v.id
    ), '[]'::jsonb) AS sections
FROM note_version AS v
INNER JOIN app_user AS u ON v.author_id = u.id
WHERE v.note_id = :note_id
ORDER BY v.version;

-- name: icd10_search
-- Diagnosis picker: codes whose code or titles (English, and Swedish where
-- there is one) hold every word typed, best first: codes starting with what
-- was typed, then the common diagnoses by tier (so "pneumoni" offers J18.9
-- Pneumoni, ospecificerad before A20.2 Pneumonic plague), then titles
-- starting with it, then the rest in code order. The caller asks for one row
-- more than it shows, to know whether there are more.
SELECT
    c.code,
    c.title,
    c.title_sv,
    c.common_tier
FROM icd10_code AS c
WHERE
    -- the first word narrows cheaply; then every word must be there
    c.search_text LIKE hms_like_contains(substring(hms_fold(:q) FROM '[[:alnum:].]+'))
    AND NOT EXISTS (
        SELECT 1
        FROM regexp_split_to_table(hms_fold(:q), '[^[:alnum:].]+') AS w (word)
        WHERE w.word <> '' AND c.search_text NOT LIKE hms_like_contains(w.word)
    )
ORDER BY
    (c.code LIKE hms_like_prefix(upper(:q))) DESC,
    c.common_tier ASC NULLS LAST,
    (hms_fold(coalesce(c.title_sv, c.title)) LIKE hms_like_prefix(hms_fold(:q))) DESC,
    c.code ASC
LIMIT :limit;

-- name: icd10_exists$
-- Whether a code is a known ICD-10 code.
SELECT exists(SELECT 1 FROM icd10_code WHERE code = upper(:code));

-- name: diagnosis_active_with_code$
-- Whether the patient already has this code on the active problem list (as
-- the reader sees it): recording it again asks first.
SELECT exists(
    SELECT 1 FROM diagnosis
    WHERE
        patient_id = :patient_id AND code = upper(:code)
        AND resolved_date IS NULL AND entered_in_error_at IS NULL
);

-- name: diagnosis_add^
-- Record a diagnosis.
INSERT INTO diagnosis (patient_id, encounter_id, care_unit_id, code, rank, onset_date, resolved_date, comment, recorded_by)
VALUES (:patient_id, :encounter_id, :care_unit_id, upper(:code), :rank, :onset_date, :resolved_date, :comment, :by)
RETURNING id;

-- name: diagnosis_resolve!
-- Mark a diagnosis resolved on a date (it leaves the problem list).
UPDATE diagnosis SET resolved_date = :resolved_date
WHERE id = :diagnosis_id AND patient_id = :patient_id AND resolved_date IS NULL;

-- name: diagnoses_for_patient
-- Every diagnosis of a patient (active and resolved).
SELECT
    d.id,
    d.code,
    c.title,
    d.rank,
    d.onset_date,
    d.resolved_date,
    d.comment,
    d.recorded_at,
    d.entered_in_error_at,
    u.full_name AS recorded_by
FROM diagnosis AS d
INNER JOIN icd10_code AS c ON d.code = c.code
INNER JOIN app_user AS u ON d.recorded_by = u.id
WHERE d.patient_id = :patient_id
ORDER BY d.resolved_date IS NULL DESC, d.recorded_at DESC;

-- name: allergy_add^
-- Record an allergy or intolerance.
INSERT INTO allergy (
    patient_id, care_unit_id, substance, category, reaction, severity, is_verified, is_intolerance, atc_code, recorded_by
)
VALUES (
    :patient_id, :care_unit_id, :substance, :category, :reaction, :severity, :is_verified, :is_intolerance, :atc_code, :by
)
RETURNING id;

-- name: procedure_add^
-- Record a procedure or surgery.
INSERT INTO procedure_record (
    patient_id, encounter_id, care_unit_id, name, code, is_surgery, performed_at, performed_by, anaesthesia, outcome, recorded_by
)
VALUES (
    :patient_id, :encounter_id, :care_unit_id, :name, :code, :is_surgery, :performed_at, :performed_by, :anaesthesia, :outcome, :by
)
RETURNING id;

-- name: history_add^
-- Record a fact of past, family or social history.
INSERT INTO history_entry (patient_id, care_unit_id, kind, description, recorded_by)
VALUES (:patient_id, :care_unit_id, :kind, :description, :by)
RETURNING id;

-- name: care_plan_add^
-- Record a care or treatment plan.
INSERT INTO care_plan (patient_id, care_unit_id, title, goals, actions, responsible_id, review_date, recorded_by)
VALUES (:patient_id, :care_unit_id, :title, :goals, :actions, :responsible_id, :review_date, :by)
RETURNING id;

-- name: care_plan_set_status!
-- Complete or cancel a plan.
UPDATE care_plan SET status = :status::care_plan_status
WHERE id = :care_plan_id AND patient_id = :patient_id AND status = 'active';

-- name: vitals_add^
-- Record one set of vital signs (BMI and NEWS2 are derived by the table).
INSERT INTO vital_signs (
    patient_id, encounter_id, care_unit_id, measured_at, systolic, diastolic, pulse, temperature,
    respiratory_rate, spo2, on_oxygen, consciousness, weight_kg, height_cm, recorded_by
)
VALUES (
    :patient_id, :encounter_id, :care_unit_id, :measured_at, :systolic, :diastolic, :pulse, :temperature,
    :respiratory_rate, :spo2, :on_oxygen, :consciousness, :weight_kg, :height_cm, :by
)
RETURNING id, news2, news2_band;

-- name: vitals_series
-- A patient's vital signs over time, oldest first (trend charts).
SELECT
    measured_at,
    systolic,
    diastolic,
    pulse,
    temperature,
    respiratory_rate,
    spo2,
    news2,
    news2_band
FROM vital_signs
WHERE patient_id = :patient_id AND entered_in_error_at IS NULL
ORDER BY measured_at DESC
LIMIT :limit;

-- name: entry_mark_in_error_diagnosis!
-- Mark a diagnosis entered in error.
UPDATE diagnosis SET entered_in_error_at = now(), entered_in_error_reason = :reason
WHERE id = :entry_id AND patient_id = :patient_id AND entered_in_error_at IS NULL;

-- name: entry_mark_in_error_allergy!
-- Mark an allergy entered in error.
UPDATE allergy SET entered_in_error_at = now(), entered_in_error_reason = :reason
WHERE id = :entry_id AND patient_id = :patient_id AND entered_in_error_at IS NULL;

-- name: entry_mark_in_error_vitals!
-- Mark a set of vital signs entered in error.
UPDATE vital_signs SET entered_in_error_at = now(), entered_in_error_reason = :reason
WHERE id = :entry_id AND patient_id = :patient_id AND entered_in_error_at IS NULL;

-- name: signed_notes
-- A patient's notes at their current signed version, with sections, newest
-- first. Read from the tables, not the note_current view, so row-level
-- security applies (patients and proxies see signed versions only).
SELECT
    n.id,
    n.kind,
    cu.name AS care_unit,
    v.version,
    v.signed_at,
    u.full_name AS author,
    n.entered_in_error_at IS NOT NULL AS in_error,
    coalesce((
        SELECT jsonb_agg(jsonb_build_object('heading', s.heading, 'body', s.body) ORDER BY s.position)
        FROM note_section AS s WHERE s.version_id = v.id
    ), '[]'::jsonb) AS sections
FROM note_version AS v
INNER JOIN note AS n ON v.note_id = n.id
INNER JOIN care_unit AS cu ON n.care_unit_id = cu.id
INNER JOIN app_user AS u ON v.author_id = u.id
WHERE
    v.patient_id = :patient_id
    AND v.status = 'signed'
    AND NOT EXISTS (
        SELECT 1 FROM note_version AS later
        WHERE later.note_id = v.note_id AND later.status = 'signed' AND later.version > v.version
    )
ORDER BY v.signed_at DESC
LIMIT :limit;

-- name: units_with_entries
-- Care units that have written in a patient's journal (what a block can name).
SELECT
    cu.id,
    cu.name
FROM care_unit AS cu
WHERE
    cu.id IN (
        SELECT t.care_unit_id FROM journal_timeline AS t
        WHERE t.patient_id = :patient_id
    )
ORDER BY cu.name;

-- name: allergy_banner^
-- The banner on every page about a patient: the reader's basis on the
-- patient's clinical record, the allergies it shows (row-level security
-- leaves out what a block hides), and whether a block hides anything.
SELECT
    hms_access_basis(:patient_id, 'clinical') AS basis,
    (
        SELECT
            coalesce(jsonb_agg(jsonb_build_object(
                'substance', a.substance, 'reaction', a.reaction, 'severity', a.severity,
                'is_verified', a.is_verified, 'is_intolerance', a.is_intolerance
            ) ORDER BY a.severity DESC, a.substance ASC), '[]'::jsonb)
        FROM allergy AS a
        WHERE a.patient_id = :patient_id AND a.entered_in_error_at IS NULL
    ) AS allergies,
    hms_blocked_for_me(:patient_id) AS blocked;
