"""Roles and the one table that maps each role to what it may do.

Routes declare a permission (see ``hms.web.guard``) and each domain's
``policy.py`` asks for one; this table is the only place that says which roles
hold it. The database's privileges and row-level security mirror it.
"""

from enum import StrEnum


class Role(StrEnum):
    DOCTOR = "doctor"
    NURSE = "nurse"
    PHARMACIST = "pharmacist"
    RECEPTIONIST = "receptionist"
    ADMINISTRATOR = "administrator"
    EXTERNAL_SPECIALIST = "external_specialist"
    PATIENT = "patient"
    RELATIVE = "relative"


STAFF_ROLES = frozenset(
    {
        Role.DOCTOR,
        Role.NURSE,
        Role.PHARMACIST,
        Role.RECEPTIONIST,
        Role.ADMINISTRATOR,
        Role.EXTERNAL_SPECIALIST,
    }
)
CLINICAL_ROLES = frozenset({Role.DOCTOR, Role.NURSE})


class Permission(StrEnum):
    PATIENT_SEARCH = "patient.search"
    PATIENT_READ_DEMOGRAPHICS = "patient.read_demographics"
    PATIENT_REGISTER = "patient.register"
    PATIENT_EDIT_CONTACT = "patient.edit_contact"
    STAFF_MANAGE = "staff.manage"
    ORGANIZATION_READ = "organization.read"
    ORGANIZATION_MANAGE = "organization.manage"
    PORTAL_OWN_RECORD = "portal.own_record"
    JOURNAL_READ = "journal.read"
    EMERGENCY_ACCESS = "emergency_access.open"
    AUDIT_REVIEW = "audit.review"
    CONSULTATION_REQUEST = "consultation.request"
    CONSULTATION_ANSWER = "consultation.answer"
    PROXY_MANAGE = "proxy.manage"
    ENCOUNTER_MANAGE = "encounter.manage"
    NOTE_WRITE = "note.write"
    DIAGNOSIS_WRITE = "diagnosis.write"
    PROCEDURE_WRITE = "procedure.write"
    VITALS_WRITE = "vitals.write"
    ALLERGY_WRITE = "allergy.write"
    HISTORY_WRITE = "history.write"
    CARE_PLAN_WRITE = "care_plan.write"
    # Medication.
    MEDICATION_READ = "medication.read"
    PRESCRIBE = "medication.prescribe"
    MEDICATION_ADMINISTER = "medication.administer"
    MEDICATION_REVIEW = "medication.review"
    FORMULARY_MANAGE = "formulary.manage"
    # The pharmacy (hms.pharmacy).
    STOCK_READ = "stock.read"
    PHARMACY_MANAGE = "pharmacy.manage"
    WARD_ORDER = "ward_order.request"
    # Scheduling.
    SCHEDULE_READ = "schedule.read"
    APPOINTMENT_BOOK = "appointment.book"
    APPOINTMENT_CHECK_IN = "appointment.check_in"
    SCHEDULE_SETUP = "schedule.setup"
    # Portal accounts.
    PORTAL_ACCOUNT_CREATE = "portal_account.create"
    # Secure messaging.
    MESSAGE_INBOX = "message.inbox"
    # Care requests (hms.requests).
    CARE_REQUEST_HANDLE = "care_request.handle"
    # Referrals between the hospital's care units.
    REFERRAL = "referral.manage"
    # Laboratory and radiology.
    LAB_READ = "lab.read"
    LAB_ORDER = "lab.order"
    LAB_SAMPLE = "lab.sample"
    LAB_RESULT = "lab.result"
    LAB_ACKNOWLEDGE = "lab.acknowledge"
    RADIOLOGY_REPORT = "radiology.report"
    # The discharge summary (epikris) that ends an admission.
    DISCHARGE_SUMMARY = "discharge.summary"
    # The ward board (nurses and doctors, the wards of their own units).
    WARD_BOARD = "ward.board"
    # Reports (hms.reports): aggregates only; which units each user reports on
    # is the database's (hms_report_units: all for administrators, a
    # department head's own department, none for anyone else).
    REPORTS_READ = "reports.read"
    DEPARTMENT_HEAD_MANAGE = "department_head.manage"


_FRONT_DESK = {Role.RECEPTIONIST, Role.ADMINISTRATOR}
_CARE_STAFF = {Role.DOCTOR, Role.NURSE}

ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.PATIENT_SEARCH: frozenset(_FRONT_DESK | _CARE_STAFF | {Role.PHARMACIST}),
    # Every role may ask for a patient's page; which patients each one gets is
    # the access decision (hms.access.policy, RLS): own, granted, consulted, all.
    Permission.PATIENT_READ_DEMOGRAPHICS: frozenset(Role),
    Permission.PATIENT_REGISTER: frozenset(_FRONT_DESK | _CARE_STAFF),
    Permission.PATIENT_EDIT_CONTACT: frozenset(_FRONT_DESK | _CARE_STAFF),
    Permission.STAFF_MANAGE: frozenset({Role.ADMINISTRATOR}),
    Permission.ORGANIZATION_READ: frozenset(STAFF_ROLES),
    Permission.ORGANIZATION_MANAGE: frozenset({Role.ADMINISTRATOR}),
    Permission.PORTAL_OWN_RECORD: frozenset({Role.PATIENT, Role.RELATIVE}),
    # The journal: doctors and nurses document; diagnoses and procedures are
    # the physician's. Care relationships narrow this further (access control).
    Permission.JOURNAL_READ: frozenset(_CARE_STAFF),
    Permission.EMERGENCY_ACCESS: frozenset(_CARE_STAFF),
    Permission.AUDIT_REVIEW: frozenset({Role.ADMINISTRATOR}),
    Permission.CONSULTATION_REQUEST: frozenset({Role.DOCTOR}),
    Permission.CONSULTATION_ANSWER: frozenset({Role.EXTERNAL_SPECIALIST}),
    # Staff register a proxy for a patient (e.g. a guardian of a child); the
    # patient grants and revokes their own from the portal.
    Permission.PROXY_MANAGE: frozenset(_FRONT_DESK | _CARE_STAFF),
    Permission.ENCOUNTER_MANAGE: frozenset(_CARE_STAFF),
    Permission.NOTE_WRITE: frozenset(_CARE_STAFF),
    Permission.DIAGNOSIS_WRITE: frozenset({Role.DOCTOR}),
    Permission.PROCEDURE_WRITE: frozenset({Role.DOCTOR}),
    Permission.VITALS_WRITE: frozenset(_CARE_STAFF),
    Permission.ALLERGY_WRITE: frozenset(_CARE_STAFF),
    Permission.HISTORY_WRITE: frozenset(_CARE_STAFF),
    Permission.CARE_PLAN_WRITE: frozenset(_CARE_STAFF),
    # Medication: doctors prescribe, nurses and doctors give doses, the
    # pharmacist reviews every prescription (the medication area reaches all
    # patients for them); administrators keep the formulary.
    Permission.MEDICATION_READ: frozenset(_CARE_STAFF | {Role.PHARMACIST}),
    Permission.PRESCRIBE: frozenset({Role.DOCTOR}),
    Permission.MEDICATION_ADMINISTER: frozenset(_CARE_STAFF),
    Permission.MEDICATION_REVIEW: frozenset({Role.PHARMACIST}),
    Permission.FORMULARY_MANAGE: frozenset({Role.ADMINISTRATOR}),
    # The pharmacy: pharmacists run it; administrators see its figures; a
    # ward's nurses and doctors see and order for their own medicine room
    # (which rooms each one sees is the database's pharmacy_my_locations).
    Permission.STOCK_READ: frozenset({Role.PHARMACIST, Role.ADMINISTRATOR} | _CARE_STAFF),
    Permission.PHARMACY_MANAGE: frozenset({Role.PHARMACIST}),
    Permission.WARD_ORDER: frozenset(_CARE_STAFF),
    # Scheduling: reception and administrators run the calendars, clinicians
    # read theirs and book follow-ups in their own units (the database: only
    # there); reception and nurses of the unit check patients in, which opens
    # the encounter; administrators set up types, hours and rooms. Patients
    # and relatives book in the portal (PORTAL_OWN_RECORD).
    Permission.SCHEDULE_READ: frozenset(_FRONT_DESK | _CARE_STAFF),
    Permission.APPOINTMENT_BOOK: frozenset(_FRONT_DESK | _CARE_STAFF),
    Permission.APPOINTMENT_CHECK_IN: frozenset({Role.RECEPTIONIST, Role.NURSE}),
    Permission.SCHEDULE_SETUP: frozenset({Role.ADMINISTRATOR}),
    # Reception gives patients and relatives their portal login (an activation
    # code); the database lets no one else (0023).
    Permission.PORTAL_ACCOUNT_CREATE: frozenset(_FRONT_DESK),
    # Messages to a care unit are read and answered by its doctors and nurses
    # (the database: only of the thread's unit); patients and relatives write
    # in the portal (PORTAL_OWN_RECORD).
    Permission.MESSAGE_INBOX: frozenset(_CARE_STAFF),
    # Care requests: patients and relatives file them in the portal
    # (PORTAL_OWN_RECORD); doctors, nurses and receptionists handle those the
    # database routes to them (0026).
    Permission.CARE_REQUEST_HANDLE: frozenset(_CARE_STAFF | {Role.RECEPTIONIST}),
    # Doctors refer their patients to another unit, and decide the referrals
    # sent to their own units (the database: only those, 0028).
    Permission.REFERRAL: frozenset({Role.DOCTOR}),
    # Laboratory and radiology (0029): doctors order, acknowledge and write
    # imaging reports; the ordering unit's nurses take samples; doctors and
    # nurses enter results. The database narrows each to the patient in care
    # and the ordering doctor or unit.
    Permission.LAB_READ: frozenset(_CARE_STAFF),
    Permission.LAB_ORDER: frozenset({Role.DOCTOR}),
    Permission.LAB_SAMPLE: frozenset({Role.NURSE}),
    Permission.LAB_RESULT: frozenset(_CARE_STAFF),
    Permission.LAB_ACKNOWLEDGE: frozenset({Role.DOCTOR}),
    Permission.RADIOLOGY_REPORT: frozenset({Role.DOCTOR}),
    # An admission ends with a discharge summary a doctor signs (the database
    # refuses the discharge without one, and the signature by anyone else, 0034).
    Permission.DISCHARGE_SUMMARY: frozenset({Role.DOCTOR}),
    # The ward board: doctors and nurses, of the wards of their own care units
    # (the board's query keeps to those, and row-level security to the patients in care).
    Permission.WARD_BOARD: frozenset(_CARE_STAFF),
    # Reports: administrators for the whole hospital; a doctor or nurse who
    # heads a department for that department (the database answers which
    # units; others get none, and the pages refuse them). Administrators
    # appoint the heads.
    Permission.REPORTS_READ: frozenset(_CARE_STAFF | {Role.ADMINISTRATOR}),
    Permission.DEPARTMENT_HEAD_MANAGE: frozenset({Role.ADMINISTRATOR}),
}


def has_permission(role: Role | str, permission: Permission) -> bool:
    return Role(role) in ROLE_PERMISSIONS[permission]
