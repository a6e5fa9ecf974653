"""How the database's coded values read on a page.

A page shows an enum value through the ``label`` filter:
``{{ grant.scope|label("proxy_scope") }}``. The English phrases are msgids,
translated where shown; each is chosen for its one sense, so a value never
borrows the translation of a word spelt the same in another sense (the proxy
scope "record" is not the verb "Record", a primary diagnosis is not a primary
contact). ``tests/web/test_labels.py`` holds every value of each listed
enum in the database to a label here, and every label to a Swedish
translation.
"""

from hms.web.i18n import current_locale, gettext

LABELS: dict[str, dict[str, str]] = {
    "proxy_scope": {
        "record": "The whole record",
        "medication": "Medication",
        "appointments": "Appointments",
        "messages": "Messages",
    },
    # news2_band() returns text, not an enum: its four bands.
    "news2_band": {
        "low": "Low risk",
        "low_medium": "Low-medium risk",
        "medium": "Medium risk",
        "high": "High risk",
    },
    "diagnosis_rank": {"primary": "Primary diagnosis", "secondary": "Secondary diagnosis"},
    "note_kind": {
        "admission": "Admission note",
        "progress": "Progress note",
        "nursing": "Nursing note",
        "phone": "Phone note",
        "discharge_summary": "Discharge summary",
        "consultation": "Consultation note",
    },
    "encounter_kind": {
        "outpatient": "Outpatient visit",
        "admission": "Admission",
        "emergency": "Emergency visit",
        "phone": "Phone contact",
        "consultation": "Consultation",
    },
    "allergy_severity": {
        "mild": "Mild",
        "moderate": "Moderate",
        "severe": "Severe",
        "life_threatening": "Life-threatening",
    },
    "history_kind": {"past_illness": "Past illness", "family": "Family history", "social": "Social history"},
    "care_plan_status": {"active": "Active", "completed": "Completed", "cancelled": "Cancelled"},
    # The timeline's procedure rows say whether they were surgery.
    "procedure_kind": {"surgery": "Surgery", "procedure": "Procedure"},
    "care_unit_kind": {
        "inpatient": "Inpatient care",
        "outpatient": "Outpatient care",
        "emergency": "Emergency care",
    },
    "consultation_status": {
        "open": "Awaiting answer",
        "answered": "Answered",
        "closed": "Closed",
        "withdrawn": "Withdrawn",
    },
    "ward_order_status": {
        "requested": "Requested",
        "approved": "Approved",
        "picked": "Picked",
        "delivered": "Delivered",
        "cancelled": "Cancelled",
    },
    "stock_movement": {
        "receipt": "Receipt",
        "dispense": "Dispensed",
        "transfer_out": "Transfer out",
        "transfer_in": "Transfer in",
        "adjustment": "Adjustment",
        "wastage": "Wastage",
    },
    "lab_flag": {
        "normal": "Normal",
        "low": "Low",
        "high": "High",
        "critical_low": "Critically low",
        "critical_high": "Critically high",
    },
    # The timeline's kinds of entry.
    "entry_kind": {
        "note": "Note",
        "diagnosis": "Diagnosis",
        "vitals": "Vital signs",
        "encounter": "Encounter",
        "procedure": "Procedure",
        "allergy": "Allergy",
        "history": "History",
        "care_plan": "Care plan",
    },
}

# The enum (or list) a timeline row's subtype comes from, by its kind.
TIMELINE_SUBTYPES = {
    "encounter": "encounter_kind",
    "note": "note_kind",
    "diagnosis": "diagnosis_rank",
    "procedure": "procedure_kind",
    "allergy": "allergy_severity",
    "history": "history_kind",
    "care_plan": "care_plan_status",
    "vitals": "news2_band",
}


# A note's sections are headed by the Swedish journal's keywords (sökord),
# stored as written; the English interface shows them in English.
NOTE_HEADINGS_EN: dict[str, str] = {
    "Kontaktorsak": "Reason for contact",
    "Anamnes": "History",
    "Status": "Examination",
    "Bedömning": "Assessment",
    "Åtgärd": "Plan",
    "Aktuellt": "Current",
    "Omvårdnadsstatus": "Nursing status",
    "Observationer": "Observations",
    "Planering": "Planning",
    "Vårdförlopp": "Course of care",
    "Diagnoser": "Diagnoses",
    "Läkemedel": "Medication",
    "Uppföljning": "Follow-up",
    "Frågeställning": "Question",
    "Konsultsvar": "Consultant's answer",
}


def heading(keyword: str) -> str:
    """A note section's heading in the page's language."""
    if current_locale.get() == "sv":
        return keyword
    return NOTE_HEADINGS_EN.get(keyword, keyword)


def label(value: str | None, kind: str) -> str:
    """A coded value in words, in the page's language (the value itself when
    the table has no label for it, which the tests do not allow)."""
    if value is None:
        return ""
    phrase = LABELS.get(kind, {}).get(value)
    return gettext(phrase) if phrase else value


def subtype_label(kind: str, subtype: str | None) -> str:
    """A timeline row's subtype in words."""
    return label(subtype, TIMELINE_SUBTYPES.get(kind, ""))
