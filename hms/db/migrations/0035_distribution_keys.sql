-- Keys that carry the patient. Every primary key and unique rule of a
-- patient-owned table includes patient_id (the id first, so a lookup by id
-- still runs on the key's index), and every foreign key from one patient's
-- row to another patient-owned row names patient_id on both sides. Two things
-- follow. The database refuses a row that points at another patient's row
-- (a note version at another patient's note, an offer at another patient's
-- appointment), which only the functions' care kept out before. And the
-- schema meets the rules a distributed PostgreSQL (Citus) sets for tables
-- distributed by patient_id and co-located, so the journal can later be
-- spread over several servers without a rewrite (docs/SCALING.md).
-- A unique rule gains patient_id only where patient_id follows from the rule's
-- own columns through a composite foreign key (one amendment per version, one
-- report per order): the rule then allows nothing it refused before.
-- The rules that bind across patients stay as they are, and docs/SCALING.md
-- says why: the audit log's hash chain, a portal account's one patient, a
-- bed, a clinician or a room used once at a time, and the pharmacy ledger's
-- reference to a dispense (tests/db/test_distribution_ready.py holds the list).
-- depends: 0034_journal_discharge_summary

-- A note's sections belong to the patient through the note version: the
-- column is added, filled from the version, and tied to it by the composite
-- key below. Signed sections are frozen by their trigger, which the fill
-- (the same sections, a column added) steps around.
ALTER TABLE note_section ADD COLUMN patient_id bigint;
ALTER TABLE note_section DISABLE TRIGGER note_section_signed_is_frozen;
UPDATE note_section AS s SET patient_id = v.patient_id
FROM note_version AS v
WHERE v.id = s.version_id;
ALTER TABLE note_section ENABLE TRIGGER note_section_signed_is_frozen;
ALTER TABLE note_section ALTER COLUMN patient_id SET NOT NULL;
COMMENT ON COLUMN note_section.patient_id IS
'The patient of the note version (filled from it when an insert leaves it out; the composite key refuses another).';

-- The statements that write sections name the version only; the patient is
-- the version's. Runs with the writer's rights: a version the writer cannot
-- read leaves the column empty, and the write policy refuses the row anyway.
CREATE FUNCTION note_section_patient_of_version() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF NEW.patient_id IS NULL THEN
        SELECT v.patient_id INTO NEW.patient_id FROM note_version AS v WHERE v.id = NEW.version_id;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION note_section_patient_of_version IS
'Fills a new note section''s patient_id from its note version.';
CREATE TRIGGER note_section_patient_from_version BEFORE INSERT ON note_section
FOR EACH ROW EXECUTE FUNCTION note_section_patient_of_version();

-- The foreign keys that rest on a key rebuilt below are dropped first and
-- made again, composite, at the end.
ALTER TABLE appointment DROP CONSTRAINT appointment_encounter_fk;
ALTER TABLE appointment_event DROP CONSTRAINT appointment_event_appointment_id_fkey;
ALTER TABLE bed_occupancy DROP CONSTRAINT bed_occupancy_encounter_fk;
ALTER TABLE care_request DROP CONSTRAINT care_request_amended_version_id_fkey;
ALTER TABLE care_request DROP CONSTRAINT care_request_appointment_id_fkey;
ALTER TABLE care_request DROP CONSTRAINT care_request_note_fk;
ALTER TABLE care_request DROP CONSTRAINT care_request_note_version_id_fkey;
ALTER TABLE care_request DROP CONSTRAINT care_request_prescription_fk;
ALTER TABLE care_request DROP CONSTRAINT care_request_prescription_version_id_fkey;
ALTER TABLE consultation DROP CONSTRAINT consultation_answer_note_fk;
ALTER TABLE diagnosis DROP CONSTRAINT diagnosis_encounter_fk;
ALTER TABLE encounter DROP CONSTRAINT encounter_emergency_access_id_fkey;
ALTER TABLE lab_result DROP CONSTRAINT lab_result_supersedes_fk;
ALTER TABLE lab_result_ack DROP CONSTRAINT lab_result_ack_result_fk;
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_notice_id_fkey;
ALTER TABLE medication_administration DROP CONSTRAINT medication_administration_prescription_fk;
ALTER TABLE medication_administration DROP CONSTRAINT medication_administration_version_id_fkey;
ALTER TABLE message_attachment DROP CONSTRAINT message_attachment_message_fk;
ALTER TABLE message_filing DROP CONSTRAINT message_filing_message_fk;
ALTER TABLE message_filing DROP CONSTRAINT message_filing_note_fk;
ALTER TABLE note DROP CONSTRAINT note_encounter_fk;
ALTER TABLE note_section DROP CONSTRAINT note_section_version_id_fkey;
ALTER TABLE note_version DROP CONSTRAINT note_version_amends_same_note_fk;
ALTER TABLE note_version DROP CONSTRAINT note_version_note_fk;
ALTER TABLE patient_notice DROP CONSTRAINT patient_notice_appointment_id_fkey;
ALTER TABLE prescription DROP CONSTRAINT prescription_current_version_fk;
ALTER TABLE prescription_review DROP CONSTRAINT prescription_review_prescription_fk;
ALTER TABLE prescription_review DROP CONSTRAINT prescription_review_version_id_fkey;
ALTER TABLE prescription_version DROP CONSTRAINT prescription_version_based_on_fkey;
ALTER TABLE prescription_version DROP CONSTRAINT prescription_version_indication_fk;
ALTER TABLE prescription_version DROP CONSTRAINT prescription_version_prescription_fk;
ALTER TABLE prescription_warning DROP CONSTRAINT prescription_warning_prescription_fk;
ALTER TABLE prescription_warning DROP CONSTRAINT prescription_warning_version_id_fkey;
ALTER TABLE procedure_record DROP CONSTRAINT procedure_record_encounter_fk;
ALTER TABLE radiology_report_ack DROP CONSTRAINT radiology_report_ack_report_fk;
ALTER TABLE referral DROP CONSTRAINT referral_care_assignment_id_fkey;
ALTER TABLE referral_diagnosis DROP CONSTRAINT referral_diagnosis_referral_fk;
ALTER TABLE referral_diagnosis DROP CONSTRAINT referral_diagnosis_same_patient_fk;
ALTER TABLE stock_dispense DROP CONSTRAINT stock_dispense_prescription_fk;
ALTER TABLE thread_message DROP CONSTRAINT thread_message_thread_fk;
ALTER TABLE vital_signs DROP CONSTRAINT vital_signs_encounter_fk;
ALTER TABLE waitlist_offer DROP CONSTRAINT waitlist_offer_appointment_id_fkey;
ALTER TABLE waitlist_offer DROP CONSTRAINT waitlist_offer_entry_id_fkey;

-- Primary keys become (id, patient_id). Where a table already had a unique
-- (id, patient_id) for its children's composite keys, the primary key takes
-- its place. The unique rules gain patient_id, their names kept (the error
-- map in hms/db/errors.py knows them).
ALTER TABLE note_section DROP CONSTRAINT note_section_pkey;
CREATE UNIQUE INDEX note_section_pkey ON note_section (version_id, position, patient_id);
ALTER TABLE note_section ADD CONSTRAINT note_section_pkey PRIMARY KEY USING INDEX note_section_pkey;
ALTER TABLE diagnosis DROP CONSTRAINT diagnosis_id_patient_unique;
ALTER TABLE encounter DROP CONSTRAINT encounter_id_patient_key;
ALTER TABLE lab_result DROP CONSTRAINT lab_result_id_patient_unique;
ALTER TABLE message_thread DROP CONSTRAINT message_thread_id_patient_key;
ALTER TABLE note DROP CONSTRAINT note_id_patient_key;
ALTER TABLE prescription DROP CONSTRAINT prescription_id_patient_unique;
ALTER TABLE radiology_report DROP CONSTRAINT radiology_report_id_patient_unique;
ALTER TABLE referral DROP CONSTRAINT referral_id_patient_key;
ALTER TABLE thread_message DROP CONSTRAINT thread_message_id_patient_key;
ALTER TABLE allergy DROP CONSTRAINT allergy_pkey;
CREATE UNIQUE INDEX allergy_pkey ON allergy (id, patient_id);
ALTER TABLE allergy ADD CONSTRAINT allergy_pkey PRIMARY KEY USING INDEX allergy_pkey;
ALTER TABLE appointment DROP CONSTRAINT appointment_pkey;
CREATE UNIQUE INDEX appointment_pkey ON appointment (id, patient_id);
ALTER TABLE appointment ADD CONSTRAINT appointment_pkey PRIMARY KEY USING INDEX appointment_pkey;
ALTER TABLE appointment_event DROP CONSTRAINT appointment_event_pkey;
CREATE UNIQUE INDEX appointment_event_pkey ON appointment_event (id, patient_id);
ALTER TABLE appointment_event ADD CONSTRAINT appointment_event_pkey PRIMARY KEY USING INDEX appointment_event_pkey;
ALTER TABLE bed_occupancy DROP CONSTRAINT bed_occupancy_pkey;
CREATE UNIQUE INDEX bed_occupancy_pkey ON bed_occupancy (id, patient_id);
ALTER TABLE bed_occupancy ADD CONSTRAINT bed_occupancy_pkey PRIMARY KEY USING INDEX bed_occupancy_pkey;
ALTER TABLE care_assignment DROP CONSTRAINT care_assignment_pkey;
CREATE UNIQUE INDEX care_assignment_pkey ON care_assignment (id, patient_id);
ALTER TABLE care_assignment ADD CONSTRAINT care_assignment_pkey PRIMARY KEY USING INDEX care_assignment_pkey;
ALTER TABLE care_plan DROP CONSTRAINT care_plan_pkey;
CREATE UNIQUE INDEX care_plan_pkey ON care_plan (id, patient_id);
ALTER TABLE care_plan ADD CONSTRAINT care_plan_pkey PRIMARY KEY USING INDEX care_plan_pkey;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX care_request_amended_version_once;
CREATE UNIQUE INDEX care_request_amended_version_once ON care_request (amended_version_id, patient_id)
WHERE amended_version_id IS NOT NULL;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX care_request_one_pending_renewal;
CREATE UNIQUE INDEX care_request_one_pending_renewal ON care_request (prescription_id, patient_id)
WHERE kind = 'renewal' AND status IN ('open', 'in_progress');
ALTER TABLE care_request DROP CONSTRAINT care_request_pkey;
CREATE UNIQUE INDEX care_request_pkey ON care_request (id, patient_id);
ALTER TABLE care_request ADD CONSTRAINT care_request_pkey PRIMARY KEY USING INDEX care_request_pkey;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX care_request_prescription_version_once;
CREATE UNIQUE INDEX care_request_prescription_version_once ON care_request (prescription_version_id, patient_id)
WHERE prescription_version_id IS NOT NULL;
ALTER TABLE consultation DROP CONSTRAINT consultation_pkey;
CREATE UNIQUE INDEX consultation_pkey ON consultation (id, patient_id);
ALTER TABLE consultation ADD CONSTRAINT consultation_pkey PRIMARY KEY USING INDEX consultation_pkey;
ALTER TABLE diagnosis DROP CONSTRAINT diagnosis_pkey;
CREATE UNIQUE INDEX diagnosis_pkey ON diagnosis (id, patient_id);
ALTER TABLE diagnosis ADD CONSTRAINT diagnosis_pkey PRIMARY KEY USING INDEX diagnosis_pkey;
ALTER TABLE emergency_access DROP CONSTRAINT emergency_access_pkey;
CREATE UNIQUE INDEX emergency_access_pkey ON emergency_access (id, patient_id);
ALTER TABLE emergency_access ADD CONSTRAINT emergency_access_pkey PRIMARY KEY USING INDEX emergency_access_pkey;
ALTER TABLE encounter DROP CONSTRAINT encounter_pkey;
CREATE UNIQUE INDEX encounter_pkey ON encounter (id, patient_id);
ALTER TABLE encounter ADD CONSTRAINT encounter_pkey PRIMARY KEY USING INDEX encounter_pkey;
ALTER TABLE history_entry DROP CONSTRAINT history_entry_pkey;
CREATE UNIQUE INDEX history_entry_pkey ON history_entry (id, patient_id);
ALTER TABLE history_entry ADD CONSTRAINT history_entry_pkey PRIMARY KEY USING INDEX history_entry_pkey;
ALTER TABLE journal_block DROP CONSTRAINT journal_block_pkey;
CREATE UNIQUE INDEX journal_block_pkey ON journal_block (id, patient_id);
ALTER TABLE journal_block ADD CONSTRAINT journal_block_pkey PRIMARY KEY USING INDEX journal_block_pkey;
ALTER TABLE lab_order DROP CONSTRAINT lab_order_pkey;
CREATE UNIQUE INDEX lab_order_pkey ON lab_order (id, patient_id);
ALTER TABLE lab_order ADD CONSTRAINT lab_order_pkey PRIMARY KEY USING INDEX lab_order_pkey;
ALTER TABLE lab_order_item DROP CONSTRAINT lab_order_item_once_per_order;
CREATE UNIQUE INDEX lab_order_item_once_per_order ON lab_order_item (order_id, loinc, patient_id);
ALTER TABLE lab_order_item ADD CONSTRAINT lab_order_item_once_per_order UNIQUE USING INDEX lab_order_item_once_per_order;
ALTER TABLE lab_order_item DROP CONSTRAINT lab_order_item_pkey;
CREATE UNIQUE INDEX lab_order_item_pkey ON lab_order_item (id, patient_id);
ALTER TABLE lab_order_item ADD CONSTRAINT lab_order_item_pkey PRIMARY KEY USING INDEX lab_order_item_pkey;
ALTER TABLE lab_result DROP CONSTRAINT lab_result_id_item_unique;
CREATE UNIQUE INDEX lab_result_id_item_unique ON lab_result (id, item_id, patient_id);
ALTER TABLE lab_result ADD CONSTRAINT lab_result_id_item_unique UNIQUE USING INDEX lab_result_id_item_unique;
ALTER TABLE lab_result DROP CONSTRAINT lab_result_pkey;
CREATE UNIQUE INDEX lab_result_pkey ON lab_result (id, patient_id);
ALTER TABLE lab_result ADD CONSTRAINT lab_result_pkey PRIMARY KEY USING INDEX lab_result_pkey;
ALTER TABLE lab_result DROP CONSTRAINT lab_result_superseded_once;
CREATE UNIQUE INDEX lab_result_superseded_once ON lab_result (supersedes, patient_id);
ALTER TABLE lab_result ADD CONSTRAINT lab_result_superseded_once UNIQUE USING INDEX lab_result_superseded_once;
ALTER TABLE lab_result_ack DROP CONSTRAINT lab_result_ack_pkey;
CREATE UNIQUE INDEX lab_result_ack_pkey ON lab_result_ack (result_id, patient_id);
ALTER TABLE lab_result_ack ADD CONSTRAINT lab_result_ack_pkey PRIMARY KEY USING INDEX lab_result_ack_pkey;
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_one_per_notice;
CREATE UNIQUE INDEX mail_outbox_one_per_notice ON mail_outbox (notice_id, patient_id);
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_one_per_notice UNIQUE USING INDEX mail_outbox_one_per_notice;
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_pkey;
CREATE UNIQUE INDEX mail_outbox_pkey ON mail_outbox (id, patient_id);
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_pkey PRIMARY KEY USING INDEX mail_outbox_pkey;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX medication_administration_once_per_dose;
CREATE UNIQUE INDEX medication_administration_once_per_dose ON medication_administration (prescription_id, scheduled_for, patient_id)
WHERE scheduled_for IS NOT NULL AND entered_in_error_at IS NULL;
ALTER TABLE medication_administration DROP CONSTRAINT medication_administration_pkey;
CREATE UNIQUE INDEX medication_administration_pkey ON medication_administration (id, patient_id);
ALTER TABLE medication_administration ADD CONSTRAINT medication_administration_pkey PRIMARY KEY USING INDEX medication_administration_pkey;
ALTER TABLE message_attachment DROP CONSTRAINT message_attachment_pkey;
CREATE UNIQUE INDEX message_attachment_pkey ON message_attachment (id, patient_id);
ALTER TABLE message_attachment ADD CONSTRAINT message_attachment_pkey PRIMARY KEY USING INDEX message_attachment_pkey;
ALTER TABLE message_filing DROP CONSTRAINT message_filing_once;
CREATE UNIQUE INDEX message_filing_once ON message_filing (message_id, patient_id);
ALTER TABLE message_filing ADD CONSTRAINT message_filing_once UNIQUE USING INDEX message_filing_once;
ALTER TABLE message_filing DROP CONSTRAINT message_filing_pkey;
CREATE UNIQUE INDEX message_filing_pkey ON message_filing (id, patient_id);
ALTER TABLE message_filing ADD CONSTRAINT message_filing_pkey PRIMARY KEY USING INDEX message_filing_pkey;
ALTER TABLE message_thread DROP CONSTRAINT message_thread_pkey;
CREATE UNIQUE INDEX message_thread_pkey ON message_thread (id, patient_id);
ALTER TABLE message_thread ADD CONSTRAINT message_thread_pkey PRIMARY KEY USING INDEX message_thread_pkey;
ALTER TABLE next_of_kin DROP CONSTRAINT next_of_kin_pkey;
CREATE UNIQUE INDEX next_of_kin_pkey ON next_of_kin (id, patient_id);
ALTER TABLE next_of_kin ADD CONSTRAINT next_of_kin_pkey PRIMARY KEY USING INDEX next_of_kin_pkey;
ALTER TABLE note DROP CONSTRAINT note_pkey;
CREATE UNIQUE INDEX note_pkey ON note (id, patient_id);
ALTER TABLE note ADD CONSTRAINT note_pkey PRIMARY KEY USING INDEX note_pkey;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX note_version_amended_once;
CREATE UNIQUE INDEX note_version_amended_once ON note_version (amends_version_id, patient_id);
ALTER TABLE note_version DROP CONSTRAINT note_version_id_note_key;
CREATE UNIQUE INDEX note_version_id_note_key ON note_version (id, note_id, patient_id);
ALTER TABLE note_version ADD CONSTRAINT note_version_id_note_key UNIQUE USING INDEX note_version_id_note_key;
ALTER TABLE note_version DROP CONSTRAINT note_version_number_key;
CREATE UNIQUE INDEX note_version_number_key ON note_version (note_id, version, patient_id);
ALTER TABLE note_version ADD CONSTRAINT note_version_number_key UNIQUE USING INDEX note_version_number_key;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX note_version_one_draft;
CREATE UNIQUE INDEX note_version_one_draft ON note_version (note_id, patient_id)
WHERE status = 'draft';
ALTER TABLE note_version DROP CONSTRAINT note_version_pkey;
CREATE UNIQUE INDEX note_version_pkey ON note_version (id, patient_id);
ALTER TABLE note_version ADD CONSTRAINT note_version_pkey PRIMARY KEY USING INDEX note_version_pkey;
ALTER TABLE patient_notice DROP CONSTRAINT patient_notice_pkey;
CREATE UNIQUE INDEX patient_notice_pkey ON patient_notice (id, patient_id);
ALTER TABLE patient_notice ADD CONSTRAINT patient_notice_pkey PRIMARY KEY USING INDEX patient_notice_pkey;
-- squawk-ignore require-concurrent-index-deletion
DROP INDEX patient_notice_reminder_once;
CREATE UNIQUE INDEX patient_notice_reminder_once ON patient_notice (appointment_id, about_start, patient_id)
WHERE kind = 'reminder';
ALTER TABLE prescription DROP CONSTRAINT prescription_pkey;
CREATE UNIQUE INDEX prescription_pkey ON prescription (id, patient_id);
ALTER TABLE prescription ADD CONSTRAINT prescription_pkey PRIMARY KEY USING INDEX prescription_pkey;
ALTER TABLE prescription_review DROP CONSTRAINT prescription_review_pkey;
CREATE UNIQUE INDEX prescription_review_pkey ON prescription_review (id, patient_id);
ALTER TABLE prescription_review ADD CONSTRAINT prescription_review_pkey PRIMARY KEY USING INDEX prescription_review_pkey;
ALTER TABLE prescription_version DROP CONSTRAINT prescription_version_number_unique;
CREATE UNIQUE INDEX prescription_version_number_unique ON prescription_version (prescription_id, version_no, patient_id);
ALTER TABLE prescription_version ADD CONSTRAINT prescription_version_number_unique UNIQUE USING INDEX prescription_version_number_unique;
ALTER TABLE prescription_version DROP CONSTRAINT prescription_version_pkey;
CREATE UNIQUE INDEX prescription_version_pkey ON prescription_version (id, patient_id);
ALTER TABLE prescription_version ADD CONSTRAINT prescription_version_pkey PRIMARY KEY USING INDEX prescription_version_pkey;
ALTER TABLE prescription_warning DROP CONSTRAINT prescription_warning_pkey;
CREATE UNIQUE INDEX prescription_warning_pkey ON prescription_warning (id, patient_id);
ALTER TABLE prescription_warning ADD CONSTRAINT prescription_warning_pkey PRIMARY KEY USING INDEX prescription_warning_pkey;
ALTER TABLE procedure_record DROP CONSTRAINT procedure_record_pkey;
CREATE UNIQUE INDEX procedure_record_pkey ON procedure_record (id, patient_id);
ALTER TABLE procedure_record ADD CONSTRAINT procedure_record_pkey PRIMARY KEY USING INDEX procedure_record_pkey;
ALTER TABLE proxy_grant DROP CONSTRAINT proxy_grant_pkey;
CREATE UNIQUE INDEX proxy_grant_pkey ON proxy_grant (id, patient_id);
ALTER TABLE proxy_grant ADD CONSTRAINT proxy_grant_pkey PRIMARY KEY USING INDEX proxy_grant_pkey;
ALTER TABLE radiology_order DROP CONSTRAINT radiology_order_pkey;
CREATE UNIQUE INDEX radiology_order_pkey ON radiology_order (id, patient_id);
ALTER TABLE radiology_order ADD CONSTRAINT radiology_order_pkey PRIMARY KEY USING INDEX radiology_order_pkey;
ALTER TABLE radiology_report DROP CONSTRAINT radiology_report_once;
CREATE UNIQUE INDEX radiology_report_once ON radiology_report (order_id, patient_id);
ALTER TABLE radiology_report ADD CONSTRAINT radiology_report_once UNIQUE USING INDEX radiology_report_once;
ALTER TABLE radiology_report DROP CONSTRAINT radiology_report_pkey;
CREATE UNIQUE INDEX radiology_report_pkey ON radiology_report (id, patient_id);
ALTER TABLE radiology_report ADD CONSTRAINT radiology_report_pkey PRIMARY KEY USING INDEX radiology_report_pkey;
ALTER TABLE radiology_report_ack DROP CONSTRAINT radiology_report_ack_pkey;
CREATE UNIQUE INDEX radiology_report_ack_pkey ON radiology_report_ack (report_id, patient_id);
ALTER TABLE radiology_report_ack ADD CONSTRAINT radiology_report_ack_pkey PRIMARY KEY USING INDEX radiology_report_ack_pkey;
ALTER TABLE referral DROP CONSTRAINT referral_pkey;
CREATE UNIQUE INDEX referral_pkey ON referral (id, patient_id);
ALTER TABLE referral ADD CONSTRAINT referral_pkey PRIMARY KEY USING INDEX referral_pkey;
ALTER TABLE referral_diagnosis DROP CONSTRAINT referral_diagnosis_pkey;
CREATE UNIQUE INDEX referral_diagnosis_pkey ON referral_diagnosis (referral_id, diagnosis_id, patient_id);
ALTER TABLE referral_diagnosis ADD CONSTRAINT referral_diagnosis_pkey PRIMARY KEY USING INDEX referral_diagnosis_pkey;
ALTER TABLE renal_function DROP CONSTRAINT renal_function_pkey;
CREATE UNIQUE INDEX renal_function_pkey ON renal_function (id, patient_id);
ALTER TABLE renal_function ADD CONSTRAINT renal_function_pkey PRIMARY KEY USING INDEX renal_function_pkey;
ALTER TABLE thread_message DROP CONSTRAINT thread_message_pkey;
CREATE UNIQUE INDEX thread_message_pkey ON thread_message (id, patient_id);
ALTER TABLE thread_message ADD CONSTRAINT thread_message_pkey PRIMARY KEY USING INDEX thread_message_pkey;
ALTER TABLE vital_signs DROP CONSTRAINT vital_signs_pkey;
CREATE UNIQUE INDEX vital_signs_pkey ON vital_signs (id, patient_id);
ALTER TABLE vital_signs ADD CONSTRAINT vital_signs_pkey PRIMARY KEY USING INDEX vital_signs_pkey;
ALTER TABLE waitlist_entry DROP CONSTRAINT waitlist_entry_pkey;
CREATE UNIQUE INDEX waitlist_entry_pkey ON waitlist_entry (id, patient_id);
ALTER TABLE waitlist_entry ADD CONSTRAINT waitlist_entry_pkey PRIMARY KEY USING INDEX waitlist_entry_pkey;
ALTER TABLE waitlist_offer DROP CONSTRAINT waitlist_offer_pkey;
CREATE UNIQUE INDEX waitlist_offer_pkey ON waitlist_offer (id, patient_id);
ALTER TABLE waitlist_offer ADD CONSTRAINT waitlist_offer_pkey PRIMARY KEY USING INDEX waitlist_offer_pkey;

-- The foreign keys, each naming patient_id on both sides.
ALTER TABLE appointment ADD CONSTRAINT appointment_encounter_fk
FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE appointment_event ADD CONSTRAINT appointment_event_appointment_id_fkey
FOREIGN KEY (appointment_id, patient_id) REFERENCES appointment (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE bed_occupancy ADD CONSTRAINT bed_occupancy_encounter_fk
FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE care_request ADD CONSTRAINT care_request_amended_version_id_fkey
FOREIGN KEY (amended_version_id, patient_id) REFERENCES note_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE care_request ADD CONSTRAINT care_request_appointment_id_fkey
FOREIGN KEY (appointment_id, patient_id) REFERENCES appointment (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE care_request ADD CONSTRAINT care_request_note_fk
FOREIGN KEY (note_id, patient_id) REFERENCES note (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE care_request ADD CONSTRAINT care_request_note_version_id_fkey
FOREIGN KEY (note_version_id, patient_id) REFERENCES note_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE care_request ADD CONSTRAINT care_request_prescription_fk
FOREIGN KEY (prescription_id, patient_id) REFERENCES prescription (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE care_request ADD CONSTRAINT care_request_prescription_version_id_fkey
FOREIGN KEY (prescription_version_id, patient_id) REFERENCES prescription_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE consultation ADD CONSTRAINT consultation_answer_note_fk
FOREIGN KEY (answer_note_id, patient_id) REFERENCES note (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE diagnosis ADD CONSTRAINT diagnosis_encounter_fk
FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE encounter ADD CONSTRAINT encounter_emergency_access_id_fkey
FOREIGN KEY (emergency_access_id, patient_id) REFERENCES emergency_access (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE lab_result ADD CONSTRAINT lab_result_supersedes_fk
FOREIGN KEY (supersedes, item_id, patient_id) REFERENCES lab_result (id, item_id, patient_id) ON DELETE RESTRICT;
ALTER TABLE lab_result_ack ADD CONSTRAINT lab_result_ack_result_fk
FOREIGN KEY (result_id, patient_id) REFERENCES lab_result (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_notice_id_fkey
FOREIGN KEY (notice_id, patient_id) REFERENCES patient_notice (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE medication_administration ADD CONSTRAINT medication_administration_prescription_fk
FOREIGN KEY (prescription_id, patient_id) REFERENCES prescription (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE medication_administration ADD CONSTRAINT medication_administration_version_id_fkey
FOREIGN KEY (version_id, patient_id) REFERENCES prescription_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE message_attachment ADD CONSTRAINT message_attachment_message_fk
FOREIGN KEY (message_id, patient_id) REFERENCES thread_message (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE message_filing ADD CONSTRAINT message_filing_message_fk
FOREIGN KEY (message_id, patient_id) REFERENCES thread_message (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE message_filing ADD CONSTRAINT message_filing_note_fk
FOREIGN KEY (note_id, patient_id) REFERENCES note (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE note ADD CONSTRAINT note_encounter_fk
FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE note_section ADD CONSTRAINT note_section_version_id_fkey
FOREIGN KEY (version_id, patient_id) REFERENCES note_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE note_version ADD CONSTRAINT note_version_amends_same_note_fk
FOREIGN KEY (amends_version_id, note_id, patient_id) REFERENCES note_version (id, note_id, patient_id) ON DELETE RESTRICT;
ALTER TABLE note_version ADD CONSTRAINT note_version_note_fk
FOREIGN KEY (note_id, patient_id) REFERENCES note (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE patient_notice ADD CONSTRAINT patient_notice_appointment_id_fkey
FOREIGN KEY (appointment_id, patient_id) REFERENCES appointment (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription ADD CONSTRAINT prescription_current_version_fk
FOREIGN KEY (current_version_id, patient_id) REFERENCES prescription_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_review ADD CONSTRAINT prescription_review_prescription_fk
FOREIGN KEY (prescription_id, patient_id) REFERENCES prescription (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_review ADD CONSTRAINT prescription_review_version_id_fkey
FOREIGN KEY (version_id, patient_id) REFERENCES prescription_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_version ADD CONSTRAINT prescription_version_based_on_fkey
FOREIGN KEY (based_on, patient_id) REFERENCES prescription_version (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_version ADD CONSTRAINT prescription_version_indication_fk
FOREIGN KEY (indication_id, patient_id) REFERENCES diagnosis (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_version ADD CONSTRAINT prescription_version_prescription_fk
FOREIGN KEY (prescription_id, patient_id) REFERENCES prescription (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_warning ADD CONSTRAINT prescription_warning_prescription_fk
FOREIGN KEY (prescription_id, patient_id) REFERENCES prescription (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE prescription_warning ADD CONSTRAINT prescription_warning_version_id_fkey
FOREIGN KEY (version_id, patient_id) REFERENCES prescription_version (id, patient_id) ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE procedure_record ADD CONSTRAINT procedure_record_encounter_fk
FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE radiology_report_ack ADD CONSTRAINT radiology_report_ack_report_fk
FOREIGN KEY (report_id, patient_id) REFERENCES radiology_report (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE referral ADD CONSTRAINT referral_care_assignment_id_fkey
FOREIGN KEY (care_assignment_id, patient_id) REFERENCES care_assignment (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE referral_diagnosis ADD CONSTRAINT referral_diagnosis_referral_fk
FOREIGN KEY (referral_id, patient_id) REFERENCES referral (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE referral_diagnosis ADD CONSTRAINT referral_diagnosis_same_patient_fk
FOREIGN KEY (diagnosis_id, patient_id) REFERENCES diagnosis (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE stock_dispense ADD CONSTRAINT stock_dispense_prescription_fk
FOREIGN KEY (prescription_id, patient_id) REFERENCES prescription (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE thread_message ADD CONSTRAINT thread_message_thread_fk
FOREIGN KEY (thread_id, patient_id) REFERENCES message_thread (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE vital_signs ADD CONSTRAINT vital_signs_encounter_fk
FOREIGN KEY (encounter_id, patient_id) REFERENCES encounter (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE waitlist_offer ADD CONSTRAINT waitlist_offer_appointment_id_fkey
FOREIGN KEY (appointment_id, patient_id) REFERENCES appointment (id, patient_id) ON DELETE RESTRICT;
ALTER TABLE waitlist_offer ADD CONSTRAINT waitlist_offer_entry_id_fkey
FOREIGN KEY (entry_id, patient_id) REFERENCES waitlist_entry (id, patient_id) ON DELETE RESTRICT;
