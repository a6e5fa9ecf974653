"""The main menu: each entry shows only to roles holding its permission."""

from dataclasses import dataclass

from hms.core.context import CurrentUser
from hms.core.roles import Permission
from hms.web.i18n import gettext as _


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    count: int = 0  # what waits there for the user (the header's notifications)


# Which of the header's notification counts each entry shows.
COUNTED = {
    "/messages": "messages",
    "/my/messages": "messages",
    "/requests": "requests",
    "/consultations": "consultations",
    "/referrals": "referrals",
}


def nav_items(user: CurrentUser, counts: dict[str, int] | None = None) -> list[NavItem]:
    entries = [
        ("/patients", "Patients", Permission.PATIENT_SEARCH),
        ("/patients/new", "Register patient", Permission.PATIENT_REGISTER),
        ("/admin/staff", "Staff", Permission.STAFF_MANAGE),
        ("/admin/organization", "Organisation", Permission.ORGANIZATION_MANAGE),
        ("/admin/audit", "Audit log", Permission.AUDIT_REVIEW),
        ("/consultations", "Consultations", Permission.CONSULTATION_ANSWER),
        ("/consultations", "Consultations", Permission.CONSULTATION_REQUEST),
        ("/my", "My record", Permission.PORTAL_OWN_RECORD),
        ("/medication/mar", "Medication round", Permission.MEDICATION_ADMINISTER),
        ("/medication/review", "Prescriptions to review", Permission.MEDICATION_REVIEW),
        ("/medication/active", "Active prescriptions", Permission.MEDICATION_REVIEW),
        ("/medication/formulary", "Formulary", Permission.FORMULARY_MANAGE),
        ("/pharmacy", "Pharmacy", Permission.STOCK_READ),
        ("/schedule", "Calendar", Permission.SCHEDULE_READ),
        ("/admin/scheduling", "Scheduling set-up", Permission.SCHEDULE_SETUP),
        ("/my/appointments", "My appointments", Permission.PORTAL_OWN_RECORD),
        ("/messages", "Messages from patients", Permission.MESSAGE_INBOX),
        ("/my/messages", "Messages", Permission.PORTAL_OWN_RECORD),
        ("/my/requests", "Requests", Permission.PORTAL_OWN_RECORD),
        ("/requests", "Requests to handle", Permission.CARE_REQUEST_HANDLE),
        ("/referrals", "Referrals", Permission.REFERRAL),
        ("/lab/sampling", "Samples to take", Permission.LAB_SAMPLE),
        ("/ward", "Ward board", Permission.WARD_BOARD),
        # Administrators report on the whole hospital; a department head finds
        # their department's reports on the home page (the role alone does not say).
        ("/reports", "Reports", Permission.DEPARTMENT_HEAD_MANAGE),
        ("/admin/department-heads", "Department heads", Permission.DEPARTMENT_HEAD_MANAGE),
    ]
    counts = counts or {}
    return [
        NavItem(href, _(label), counts.get(COUNTED.get(href, ""), 0))
        for href, label, perm in entries
        if user.can(perm)
    ]
