"""Database errors turned into messages a user can act on.

Every rule a form checks is also a constraint; when the database refuses a
write, its constraint name (or our own SQLSTATE) says which field is wrong.
Messages are English msgids, translated when the page is rendered.
"""

import psycopg

# constraint name -> (form field, message)
CONSTRAINT_MESSAGES: dict[str, tuple[str, str]] = {
    "patient_personal_number_key": (
        "personal_number",
        "A patient with this personal identity number is already registered.",
    ),
    "patient_personal_number_valid": ("personal_number", "Not a valid personal identity number."),
    "patient_birth_date_matches_number": (
        "personal_number",
        "The date of birth does not match the personal identity number.",
    ),
    "patient_phone_format": ("phone", "Enter a phone number of digits, spaces, + and -."),
    "patient_email_format": ("email", "Enter a valid e-mail address."),
    "patient_postal_code_format": ("postal_code", "A postal code is five digits, e.g. 123 45."),
    "patient_given_name_length": ("given_name", "Enter 1 to 100 characters."),
    "patient_family_name_length": ("family_name", "Enter 1 to 100 characters."),
    "next_of_kin_reachable": ("phone", "Give a phone number or an e-mail address."),
    "next_of_kin_one_primary": ("is_primary", "The patient already has a primary contact."),
    "app_user_username_key": ("username", "This username is taken."),
    "app_user_username_format": (
        "username",
        "Use 3 to 64 lower-case letters, digits, dots, dashes or underscores.",
    ),
    "app_user_email_format": ("email", "Enter a valid e-mail address."),
    "staff_profile_licence_number_key": (
        "licence_number",
        "Another staff member has this licence number.",
    ),
    "staff_profile_licence_number_format": (
        "licence_number",
        "Use 4 to 20 capital letters, digits or dashes.",
    ),
    "staff_profile_role_is_staff": ("role", "A staff account needs a staff role."),
    "staff_profile_phone_format": ("phone", "Enter a phone number of digits, spaces, + and -."),
    "department_code_key": ("code", "Another department has this code."),
    "department_name_key": ("name", "Another department has this name."),
    "department_code_format": ("code", "Use 2 to 12 capital letters, digits or dashes."),
    "care_unit_code_key": ("code", "Another care unit has this code."),
    "care_unit_code_format": ("code", "Use 2 to 16 capital letters, digits or dashes."),
    "care_unit_name_per_department_key": ("name", "The department already has a unit of this name."),
    "ward_name_per_unit_key": ("name", "The care unit already has a ward of this name."),
    "room_name_per_ward_key": ("name", "The ward already has a room of this name."),
    "bed_label_per_room_key": ("label", "The room already has a bed with this label."),
    "care_unit_department_id_fkey": ("department_id", "Choose a department from the list."),
    "ward_care_unit_id_fkey": ("care_unit_id", "Choose a care unit from the list."),
    "room_ward_id_fkey": ("ward_id", "Choose a ward from the list."),
    "bed_room_id_fkey": ("room_id", "Choose a room from the list."),
    "staff_care_unit_care_unit_id_fkey": ("care_unit_ids", "Choose care units from the list."),
}

# SQLSTATE class 23 (integrity) without a known constraint still deserves a plain answer.
FALLBACK = ("_form", "The database refused the change. Nothing was saved.")


def field_error(exc: psycopg.Error) -> tuple[str, str]:
    """(field, message) for a refused write."""
    name = exc.diag.constraint_name
    if name and name in CONSTRAINT_MESSAGES:
        return CONSTRAINT_MESSAGES[name]
    if exc.diag.message_primary and (exc.sqlstate or "").startswith("HM"):
        # Our own PL/pgSQL errors carry a message meant for the user.
        return ("_form", exc.diag.message_primary)
    return FALLBACK


def is_refusal(exc: psycopg.Error) -> bool:
    """A write the rules refused (as opposed to a broken connection)."""
    state = exc.sqlstate or ""
    return state.startswith(("23", "22", "HM", "P0"))


# The journal's constraints, by the field the form shows them on.
CONSTRAINT_MESSAGES.update(
    {
        "encounter_reason_length": ("reason", "Enter 1 to 500 characters."),
        "bed_occupancy_no_double_booking": ("bed_id", "The bed is occupied."),
        "bed_occupancy_one_bed_per_patient": ("bed_id", "The patient already occupies a bed."),
        "note_version_amendment_has_reason": (
            "reason",
            "An amendment needs a reason (at least 5 characters).",
        ),
        "diagnosis_resolved_after_onset": ("resolved_date", "The resolution date is before the onset."),
        "diagnosis_code_fkey": ("code", "Unknown ICD-10 code. Search by code or words and pick one."),
        "procedure_record_not_future": ("performed_at", "A procedure cannot be recorded ahead of time."),
        "vital_signs_systolic_plausible": ("systolic", "The value is outside physiological limits."),
        "vital_signs_diastolic_plausible": ("diastolic", "The value is outside physiological limits."),
        "vital_signs_pulse_plausible": ("pulse", "The value is outside physiological limits."),
        "vital_signs_temperature_plausible": ("temperature", "The value is outside physiological limits."),
        "vital_signs_respiratory_rate_plausible": (
            "respiratory_rate",
            "The value is outside physiological limits.",
        ),
        "vital_signs_spo2_plausible": ("spo2", "The value is outside physiological limits."),
        "vital_signs_weight_plausible": ("weight_kg", "The value is outside physiological limits."),
        "vital_signs_height_plausible": ("height_cm", "The value is outside physiological limits."),
        "vital_signs_pressure_ordered": ("diastolic", "The diastolic pressure must be below the systolic."),
        "vital_signs_not_future": ("measured_at", "A measurement cannot be in the future."),
    }
)

# The review of an emergency access (hms.access.service).
CONSTRAINT_MESSAGES.update(
    {
        "emergency_access_not_self_reviewed": (
            "_form",
            "An emergency access cannot be reviewed by the one who used it.",
        ),
        # HM040 from emergency_access_guard: the review is written once.
        "emergency_access_is_a_record": (
            "_form",
            "This emergency access is already reviewed; a review cannot be changed.",
        ),
        "emergency_access_review_comment_length": ("comment", "Too long."),
    }
)

CONSTRAINT_MESSAGES["vital_signs_bmi_plausible"] = (
    "height_cm",
    "Weight and height together give an impossible BMI; check both.",
)

# Blocks (hms.portal): one active block per care unit (a unique index).
CONSTRAINT_MESSAGES["journal_block_one_active"] = (
    "care_unit_id",
    "Entries of this care unit are already blocked.",
)

# Proxy grants and their legal basis (hms.portal; migration 0014). The HM06x
# refusals come from proxy_grant_check_basis and proxy_grant_guard.
GUARDIAN_UNTIL_ADULT = "A guardian's access ends at the latest the day before the patient turns 18."
CONSTRAINT_MESSAGES.update(
    {
        "proxy_grant_guardian_of_minor": (
            "basis",
            "Only a patient under 18 has a guardian; an adult's relative needs the patient's consent.",
        ),
        "proxy_grant_guardian_until_adult": ("ends_on", GUARDIAN_UNTIL_ADULT),
        "proxy_grant_guardian_has_end": ("ends_on", GUARDIAN_UNTIL_ADULT),
        "proxy_grant_portal_by_patient": (
            "_form",
            "Only the patient grants access in the portal, in their own name.",
        ),
        "proxy_grant_registered_by_staff": (
            "_form",
            "Only staff register a guardian's access or access on the patient's recorded consent.",
        ),
        "proxy_grant_consent_taken_by_staff": (
            "consent_taken_by",
            "The patient's consent is taken by a member of staff.",
        ),
        "proxy_grant_consent_recorded": ("consent_method", "Record how the patient consented."),
        "proxy_grant_consent_only_with_consent": (
            "basis",
            "Consent is recorded only for access on the patient's consent.",
        ),
        "proxy_grant_consent_before_grant": (
            "consent_taken_at",
            "The time of consent cannot be in the future.",
        ),
        "proxy_grant_consent_recent": (
            "consent_taken_at",
            "Consent is registered when it is given: at most 30 days before the grant.",
        ),
        "proxy_grant_is_a_record": (
            "_form",
            "A proxy grant cannot be changed; it can only be revoked, once.",
        ),
    }
)

# Medication: prescriptions, reviews and the administration record (0020).
CONSTRAINT_MESSAGES.update(
    {
        "prescription_version_dose_positive": ("dose", "The dose must be more than zero."),
        "prescription_version_period_ordered": ("ends_at", "The end must be after the start."),
        "prescription_version_times_count": ("times", "Give 1 to 12 times of day."),
        "prescription_version_interval_range": ("interval_hours", "Give 1 to 168 hours between doses."),
        "prescription_version_prn_max_range": ("max_doses_per_day", "Give 1 to 24 doses a day."),
        "prescription_version_schedule_shape": ("schedule", "Complete the schedule."),
        "prescription_version_stop_has_reason": ("reason", "Give a reason to pause or discontinue."),
        "prescription_version_reason_length": ("reason", "Enter 3 to 1000 characters."),
        "prescription_version_override_reason_length": ("override_reason", "Enter 5 to 1000 characters."),
        "prescription_version_instructions_length": ("instructions", "Enter at most 1000 characters."),
        "prescription_version_indication_fk": ("indication_id", "Choose one of the patient's diagnoses."),
        "prescription_version_by_doctor": ("_form", "Only a doctor prescribes."),
        "prescription_version_own_unit": ("care_unit_id", "Choose one of your care units."),
        "prescription_version_first_is_new": ("_form", "A new prescription starts its own history."),
        "prescription_version_based_on_current": (
            "_form",
            "The prescription was changed by someone else meanwhile; open it again.",
        ),
        "prescription_version_transition": ("_form", "The prescription's status does not allow that change."),
        "prescription_version_drug_current": ("drug_id", "The drug is retired from the formulary."),
        "prescription_version_route_of_drug": ("route", "The drug is not given by that route."),
        "prescription_version_unit_of_drug": ("dose_unit", "The drug is dosed in another unit."),
        "prescription_version_warnings_overridden": (
            "override_reason",
            "Give a reason to override the warnings, or change the prescription.",
        ),
        "prescription_review_of_current": (
            "_form",
            "The prescription has changed since; review its latest version.",
        ),
        "prescription_review_transition": ("_form", "The prescription cannot take that review now."),
        "prescription_review_query_has_message": ("message", "Write the question or the answer."),
        "prescription_review_message_length": ("message", "Enter 3 to 2000 characters."),
        "medication_administration_once_per_dose": ("_form", "This dose is already recorded."),
        "medication_administration_prn_max": ("dose", "All as-needed doses of the day are given."),
        "medication_administration_prescription_active": ("_form", "The prescription is not active."),
        "medication_administration_own_unit": ("care_unit_id", "Choose one of your care units."),
        "medication_administration_schedule_matches": (
            "_form",
            "A scheduled dose names its time; an as-needed dose does not.",
        ),
        "medication_administration_time_scheduled": (
            "scheduled_for",
            "The prescription schedules no dose at that time.",
        ),
        "medication_administration_unit_matches": (
            "dose_unit",
            "The dose is in another unit than prescribed.",
        ),
        "medication_administration_given_has_dose": ("dose", "Give the dose given."),
        "medication_administration_not_given_has_note": ("note", "Say why the dose was not given."),
        "medication_administration_not_future": (
            "administered_at",
            "A dose cannot be recorded ahead of time.",
        ),
        "medication_administration_note_length": ("note", "Enter at most 1000 characters."),
        "medication_administration_dose_positive": ("dose", "The dose must be more than zero."),
        "drug_one_product": (
            "generic_name",
            "The formulary already has this drug in this form and strength.",
        ),
        "drug_atc_code_format": ("atc_code", "Seven characters, e.g. N02BE01."),
        "drug_atc_group_fkey": ("atc_code", "The ATC group of this code is not known."),
        "drug_generic_name_length": ("generic_name", "Enter 2 to 120 characters."),
        "drug_strength_positive": ("strength", "The strength must be more than zero."),
        "drug_max_daily_dose_positive": ("max_daily_dose", "The maximum must be more than zero."),
        "drug_routes_nonempty": ("routes", "Choose at least one route."),
        "renal_function_egfr_plausible": ("egfr", "eGFR is between 1 and 200."),
        "renal_function_creatinine_plausible": ("creatinine", "Creatinine is between 10 and 3000 µmol/L."),
        "renal_function_has_a_value": ("egfr", "Give the eGFR, the creatinine or both."),
        "renal_function_not_future": ("measured_at", "A result cannot be recorded ahead of time."),
        "allergy_atc_code_format": ("atc_code", "An ATC code or class, e.g. J01C or N02BE01."),
    }
)

# The pharmacy (migration 0021). The HM08x refusals come from its functions:
# pharmacy_receive, pharmacy_dispense, ward_order_request, ward_order_move,
# stock_adjust and stock_waste.
NOT_ENOUGH_STOCK = "Not that many units are in stock."
CONSTRAINT_MESSAGES.update(
    {
        "stock_batch_quantity_nonnegative": ("quantity", NOT_ENOUGH_STOCK),
        "stock_batch_lot_format": (
            "lot",
            "A lot number is 1 to 40 letters, digits, dots, dashes or slashes.",
        ),
        "stock_batch_unit_cost_nonnegative": ("unit_cost", "The unit cost cannot be negative."),
        "stock_receipt_supplier_length": ("supplier", "Enter 2 to 120 characters."),
        "stock_receipt_reference_length": ("reference", "Enter at most 60 characters."),
        "stock_receipt_line_quantity_positive": ("quantity", "Enter a quantity of at least 1."),
        "stock_receipt_line_not_expired": (
            "expires_on",
            "The batch has expired; an expired batch is not received.",
        ),
        "stock_receipt_line_drug_current": ("drug_id", "Choose a current drug of the formulary."),
        "stock_receipt_has_lines": ("_form", "A delivery has at least one line."),
        "stock_dispense_quantity_positive": ("quantity", "Enter a quantity of at least 1."),
        "stock_dispense_prescription_fk": ("prescription_id", "Choose one of the patient's prescriptions."),
        "stock_dispense_prescription_active": (
            "prescription_id",
            "Only an active prescription is dispensed.",
        ),
        "stock_dispense_prescription_approved": (
            "prescription_id",
            "The prescription is not yet approved by a pharmacist.",
        ),
        "stock_ledger_reason_required": ("reason", "Give a reason (at least 3 characters)."),
        "stock_ledger_reason_length": ("reason", "Give a reason (at least 3 characters)."),
        "stock_ledger_quantity_nonzero": (
            "quantity",
            "An adjustment changes the stock by at least one unit.",
        ),
        "stock_ledger_wastage_positive": ("quantity", "Enter a quantity of at least 1."),
        "stock_level_reorder_level_range": ("reorder_level", "Enter a whole number of at least 0."),
        "stock_location_name_key": ("name", "Another location has this name."),
        "ward_order_own_ward": ("location_id", "Order for the medicine room of one of your own care units."),
        "ward_order_has_lines": ("_form", "An order has at least one line."),
        "ward_order_line_one_per_drug": ("_form", "Each drug appears once in an order."),
        "ward_order_line_quantity_positive": ("_form", "Enter a quantity of at least 1."),
        "ward_order_note_length": ("note", "Enter at most 1000 characters."),
        "ward_order_event_cancel_has_reason": ("reason", "Give a reason (at least 3 characters)."),
        "ward_order_event_reason_length": ("reason", "Give a reason (at least 3 characters)."),
        "stock_batch_enough_stock": ("quantity", "Not enough stock that has not expired."),
        "stock_by_pharmacist": ("_form", "Only a pharmacist does this."),
        "stock_location_pharmacy_exists": ("_form", "The hospital has no central pharmacy yet."),
        "ward_order_by_ward_staff": ("_form", "Only the ward's nurses and doctors order for it."),
        "ward_order_exists": ("_form", "No such ward order."),
        "ward_order_transition": ("_form", "The order cannot take that step now."),
    }
)

# Scheduling (migration 0022): the HM09x refusals of the booking functions and
# the set-up's constraints, by the field the form shows them on.
SLOT_TAKEN = "This time was just taken; choose one of the next free times."
CONSTRAINT_MESSAGES.update(
    {
        "appointment_by_verified_user": ("_form", "Log in to book or change appointments."),
        "appointment_patient_within_reach": ("_form", "No such patient."),
        "appointment_booked_by_unit": ("_form", "Clinicians book appointments of their own care units."),
        "appointment_patient_bookable": (
            "type_id",
            "This kind of appointment is booked by the clinic; please call them.",
        ),
        "appointment_type_active": ("type_id", "This kind of appointment is no longer given."),
        "appointment_clinician_of_unit": ("clinician_id", "Choose a clinician of the care unit."),
        "appointment_not_past": ("starts_at", "The time has passed; choose a time in the future."),
        "appointment_within_hours": (
            "starts_at",
            "The clinician does not work then; choose one of the free times.",
        ),
        "appointment_room_of_unit": ("room_id", "Choose one of the care unit's rooms."),
        "appointment_slot_taken": ("starts_at", SLOT_TAKEN),
        "appointment_no_overlap_clinician": ("starts_at", SLOT_TAKEN),
        "appointment_no_overlap_room": (
            "room_id",
            "The room was just taken at that time; choose another time or room.",
        ),
        "appointment_no_overlap_patient": (
            "starts_at",
            "The patient already has an appointment at that time.",
        ),
        "appointment_change_booked": ("_form", "Only a booked appointment can be changed."),
        "appointment_change_24h": (
            "_form",
            "Appointments can be changed here until 24 hours before; please call the clinic.",
        ),
        "appointment_cancelled_has_reason": ("reason", "Give a reason for the cancellation."),
        "appointment_cancel_reason_length": ("reason", "Enter 3 to 500 characters."),
        "appointment_check_in_by_unit": (
            "_form",
            "A receptionist or nurse of the appointment's care unit checks the patient in.",
        ),
        "appointment_check_in_booked": ("_form", "Only a booked appointment is checked in."),
        "appointment_check_in_today": ("_form", "A patient is checked in on the day of the appointment."),
        "appointment_walk_in_emergency": ("type_id", "Walk-ins are registered at an emergency unit."),
        "appointment_no_show_by_unit": ("_form", "The care unit's staff mark a no-show."),
        "appointment_no_show_after_start": (
            "_form",
            "A booked appointment is marked as a no-show once it has begun.",
        ),
        "waitlist_entry_once": ("type_id", "The patient is already on the waitlist for this."),
        "waitlist_entry_waiting": (
            "_form",
            "Only a waiting place on the list is given up; answer the offer first.",
        ),
        "waitlist_offer_open": ("_form", "The offer has expired; the time went to the next patient."),
        "calendar_feed_staff": ("_form", "Calendar feeds are for staff."),
        "calendar_feed_unknown": ("_form", "No such calendar feed."),
        "appointment_type_name_length": ("name", "Enter 2 to 120 characters."),
        "appointment_type_duration_range": ("duration_minutes", "Give 5 to 480 minutes."),
        "appointment_type_name_per_unit_key": ("name", "The care unit already has a type of this name."),
        "clinic_room_name_length": ("name", "Enter 1 to 60 characters."),
        "clinic_room_name_per_unit_key": ("name", "The care unit already has a room of this name."),
        "working_hours_period_ordered": ("ends_at", "The end must be after the start."),
        "working_hours_no_overlap": ("starts_at", "The clinician already works then on that weekday."),
        "working_hours_clinician_unit_fk": ("clinician_id", "The clinician does not work in that care unit."),
        "schedule_exception_during_bounded": ("ends_at", "The end must be after the start."),
        "schedule_exception_note_length": ("note", "Enter at most 200 characters."),
    }
)

# Scheduling's limits on what one may book (0022).
CONSTRAINT_MESSAGES.update(
    {
        "appointment_patient_booking_limit": (
            "_form",
            "You have six upcoming appointments, the most that can be booked here; please call the clinic.",
        ),
        "appointment_within_horizon": ("starts_at", "That time is too far ahead to book."),
    }
)

# Portal accounts and their activation codes (0023).
CONSTRAINT_MESSAGES.update(
    {
        "patient_user_patient_id_key": ("_form", "The patient already has a portal account."),
        "portal_code_account_deactivated": (
            "_form",
            "The account is deactivated; an administrator reactivates it.",
        ),
        "account_create_portal_by_code": ("role", "Portal accounts are created with an activation code."),
    }
)

# Secure messaging (migration 0025): the HM200–HM209 refusals of the
# messaging functions and triggers, and the named checks on messages and files.
CONSTRAINT_MESSAGES.update(
    {
        "message_by_verified_user": ("_form", "Log in to write messages."),
        "message_thread_within_reach": ("_form", "No such conversation."),
        "message_thread_unit_had_contact": (
            "care_unit_id",
            "Write to a care unit that has seen you: where you had a visit, a stay or an appointment.",
        ),
        "message_thread_closed_read_only": ("_form", "The conversation is closed; start a new one."),
        "message_thread_staff_of_unit": ("_form", "The care unit's doctors and nurses do this."),
        "message_thread_assignee_of_unit": ("assignee_id", "Choose a doctor or nurse of the care unit."),
        "message_thread_subject_length": ("subject", "Enter 1 to 150 characters."),
        "message_thread_status_transition": ("_form", "The conversation cannot change like that."),
        "message_thread_identity_fixed": ("_form", "A conversation's patient, unit and subject are fixed."),
        "thread_message_body_not_empty": ("body", "Write a message."),
        "thread_message_body_length": ("body", "A message is at most 5000 characters."),
        "thread_message_append_only": ("_form", "Messages and their attachments are kept as they were sent."),
        "message_attachment_type_by_content": ("attachments", "Attach PDF, PNG or JPEG files only."),
        "message_attachment_content_matches_type": ("attachments", "Attach PDF, PNG or JPEG files only."),
        "message_attachment_name_matches_type": (
            "attachments",
            "The file's name does not match its content (PDF, PNG or JPEG).",
        ),
        "message_attachment_filename_safe": (
            "attachments",
            "Give the file a plain name of at most 200 characters.",
        ),
        "message_attachment_size": ("attachments", "Each attachment may be at most 5 MB."),
        "message_attachment_at_most_three": ("attachments", "A message has at most three attachments."),
        "message_attachment_with_message": ("attachments", "Files are attached to a message as it is sent."),
        "message_filing_once": ("_form", "The message is already filed in the journal."),
        "message_filing_note_fresh": ("_form", "A message is filed in a note signed for it just now."),
    }
)

# Care requests (0026): who may file what, where it goes, and its steps.
CONSTRAINT_MESSAGES.update(
    {
        "care_request_by_verified_user": ("_form", "Log in to file or handle care requests."),
        "care_request_filer_may": (
            "kind",
            "You may not ask for this for the patient: only the patient, or a relative whose "
            "authorisation covers it, may.",
        ),
        "care_request_prescription_own": (
            "prescription_id",
            "Choose one of the patient's current prescriptions.",
        ),
        "care_request_one_pending_renewal": (
            "prescription_id",
            "A renewal of this prescription is already asked for.",
        ),
        "care_request_note_visible": ("note_id", "Choose a signed note of the record that you can read."),
        "care_request_proposed_text_length": (
            "proposed_text",
            "Say what the note should say instead (3 to 4000 characters).",
        ),
        "care_request_unit_contact": ("care_unit_id", "Choose a care unit that has cared for the patient."),
        "care_request_body_length": ("body", "Write 3 to 4000 characters."),
        "care_request_answer_length": ("answer", "Write at most 4000 characters."),
        "care_request_routed": ("_form", "No such request among those routed to you."),
        "care_request_own": ("_form", "No such request."),
        "care_request_take_open": ("_form", "Only an open request can be taken."),
        "care_request_transition": ("_form", "The request cannot take that step now."),
        "care_request_taken_by_other": ("_form", "Another handler has taken this request."),
        "care_request_refusal_has_reason": (
            "reason",
            "Give the reason for the refusal (at least 5 characters).",
        ),
        "care_request_answer_given": ("answer", "Write the answer."),
        "care_request_outcome_of_kind": ("_form", "This kind of request is not answered that way."),
        "care_request_appointment_of_patient": ("appointment_id", "Name one of the patient's appointments."),
        "care_request_renewal_version": (
            "_form",
            "An approved renewal names the renewed prescription you wrote for it.",
        ),
        "care_request_amendment_version": (
            "_form",
            "An approved correction names the amended version you signed for it.",
        ),
        "care_request_withdraw_open": ("_form", "Only an open request can be withdrawn."),
        "care_request_kept": ("_form", "What was asked, and a decision once made, do not change."),
    }
)

# Consultations finished (migration 0027): the answer and its journal note,
# closing, withdrawing (HM240-HM245), and the parts of the record chosen.
CONSTRAINT_MESSAGES.update(
    {
        "consultation_parts_chosen": (
            "parts",
            "Choose at least one part of the record the specialist may read.",
        ),
        "consultation_answer_by_specialist": ("_form", "Only the specialist asked answers the consultation."),
        "consultation_answer_while_open": ("_form", "The consultation is no longer open."),
        "consultation_answer_length": ("answer", "Write an answer of at most 8000 characters."),
        "consultation_by_requester": ("_form", "Only the doctor who asked may do this."),
        "consultation_close_answered": ("_form", "Only an answered consultation can be closed."),
        "consultation_withdraw_open": ("_form", "Only a consultation not yet answered can be withdrawn."),
        "consultation_withdraw_reason_length": ("reason", "Too long."),
    }
)

# Referrals (migration 0028): the HM250-HM259 refusals of referral_send,
# referral_accept, referral_reject and referral_withdraw.
CONSTRAINT_MESSAGES.update(
    {
        "referral_question_length": ("question", "Write the question in at least 10 characters."),
        "referral_to_another_unit": ("to_unit_id", "Choose another care unit than the one you refer from."),
        "referral_by_doctor": ("_form", "Referrals are sent by doctors."),
        "referral_from_own_unit": ("from_unit_id", "Choose one of your care units."),
        "referral_patient_in_care": ("_form", "You may refer only a patient in your care."),
        "referral_to_active_unit": ("to_unit_id", "Choose a care unit of the hospital to refer to."),
        "referral_diagnosis_same_patient_fk": (
            "diagnosis_ids",
            "Choose diagnoses from the patient's own list.",
        ),
        "referral_one_open_per_unit": (
            "to_unit_id",
            "The patient already has a referral waiting at this care unit.",
        ),
        "referral_decided_by_receiving_unit": (
            "_form",
            "Only a doctor of the receiving care unit decides a referral.",
        ),
        "referral_moves_once": ("_form", "The referral is already answered."),
        "referral_rejection_has_reason": (
            "reason",
            "Say why the referral is rejected (5 to 2000 characters).",
        ),
        "referral_withdrawn_by_sender": ("_form", "Only the doctor who sent a referral withdraws it."),
        "referral_decision_reason_length": ("reason", "Too long."),
    }
)

# Laboratory and radiology (0029): the HM260-HM275 refusals and the constraints.
CONSTRAINT_MESSAGES.update(
    {
        "lab_order_by_doctor": ("_form", "Only a doctor orders tests and examinations."),
        "lab_order_own_unit": ("care_unit_id", "Choose one of your care units."),
        "lab_order_patient_in_care": ("_form", "The patient is not in your care."),
        "lab_order_has_tests": ("tests", "Choose at least one test or panel."),
        "lab_order_visible": ("_form", "No such order."),
        "lab_order_sampled_by_unit_nurse": ("_form", "A nurse of the ordering unit takes the sample."),
        "lab_order_sampled_at_plausible": (
            "sampled_at",
            "The sample time must be after the order and not in the future.",
        ),
        "lab_order_sampled_after_order": (
            "sampled_at",
            "The sample time must be after the order and not in the future.",
        ),
        "lab_order_cancelled_by_orderer": (
            "_form",
            "The doctor who ordered, or a doctor of the ordering unit, cancels an order.",
        ),
        "lab_order_status_forward": ("_form", "The order has moved on; open it again."),
        "lab_order_question_length": ("clinical_question", "Enter 3 to 1000 characters."),
        "lab_order_cancel_reason_length": ("reason", "Enter 3 to 500 characters."),
        "lab_result_line_fk": ("_form", "The order has no such test."),
        "lab_result_by_clinician": ("_form", "Results are entered by doctors and nurses."),
        "lab_result_after_sampling": ("_form", "Results come after the sample is taken."),
        "lab_result_supersedes_current": (
            "_form",
            "The test has a newer result; a correction replaces the current one.",
        ),
        "lab_result_superseded_once": (
            "_form",
            "The test has a newer result; a correction replaces the current one.",
        ),
        "lab_result_value_plausible": ("_form", "The value is outside what the laboratory reports."),
        "lab_result_comment_length": ("_form", "Enter at most 1000 characters."),
        "lab_result_ack_pkey": ("_form", "The result is already acknowledged."),
        "lab_result_ack_result_fk": ("_form", "No such result."),
        "lab_result_ack_by_ordering_doctor": (
            "_form",
            "The doctor who ordered, or a doctor of the ordering unit, acknowledges a result.",
        ),
        "radiology_order_body_part_length": ("body_part", "Enter 2 to 100 characters."),
        "radiology_order_question_length": ("question", "Enter 3 to 2000 characters."),
        "radiology_order_status_forward": ("_form", "The examination has moved on; open it again."),
        "radiology_report_by_doctor": ("_form", "A doctor with the patient in care writes the report."),
        "radiology_report_once": ("_form", "The examination is already reported or cancelled."),
        "radiology_report_order_fk": ("_form", "No such examination."),
        "radiology_report_body_length": ("body", "Enter 5 to 20000 characters."),
        "radiology_report_ack_pkey": ("_form", "The report is already acknowledged."),
        "radiology_report_ack_report_fk": ("_form", "No such report."),
        "radiology_report_ack_by_ordering_doctor": (
            "_form",
            "The doctor who ordered, or a doctor of the ordering unit, acknowledges a report.",
        ),
    }
)

# The discharge summary (0034): HM290-HM291.
CONSTRAINT_MESSAGES.update(
    {
        "encounter_discharge_has_summary": (
            "_form",
            "An admission is discharged with a signed discharge summary.",
        ),
        "discharge_summary_signed_by_doctor": ("_form", "Only a doctor signs a discharge summary."),
    }
)

# A rename at READ COMMITTED only (0047): HM292.
CONSTRAINT_MESSAGES.update(
    {
        "patient_rename_read_committed": (
            "_form",
            "A patient's name is changed at READ COMMITTED only, so that the former name's words go with it.",
        ),
    }
)

# Department heads (0038): HM380.
CONSTRAINT_MESSAGES.update(
    {
        "department_head_is_staff": (
            "user_id",
            "A department is headed by an active doctor, nurse or administrator.",
        ),
        "department_head_department_id_fkey": ("department_id", "No such department."),
    }
)
