"""What an audit action means to a reader: the part of the record it touched
and whether it was a look or a change.

An action is ``<object>.<verb>`` (``note.sign``, ``vitals.read``). The
patient's access log and the administrators' log show it in words; the
English phrases here are msgids, translated where they are shown. A verb
counts as a change only when it is listed in ``WRITE_VERBS``: every other verb
(read, list, print, queue, mar…) is a look, so a refused look at a page is
never reported to a patient as a refused change.
"""

from dataclasses import dataclass

# The part of the record an action's object names.
PARTS: dict[str, str] = {
    "journal": "Journal",
    "note": "Notes",
    "diagnosis": "Diagnoses",
    "allergy": "Allergies",
    "vitals": "Vital signs",
    "encounter": "Visits and admissions",
    "history": "Medical history",
    "procedure": "Procedures",
    "care_plan": "Care plans",
    "medication": "Medication",
    "pharmacy": "Medication",
    "patient": "Personal details",
    "next_of_kin": "Next of kin",
    "appointment": "Appointments",
    "waitlist": "Appointments",
    "consultation": "Consultations",
    "referral": "Referrals",
    "message": "Messages",
    "thread": "Messages",
    "attachment": "Messages",
    "care_request": "Requests",
    "request": "Requests",
    "proxy": "Proxies",
    "journal_block": "Blocks",
    "emergency_access": "Emergency access",
    "audit": "Access log",
    "account": "Portal account",
    "portal_account": "Portal account",
    "route": "A page about the patient",
    "lab": "Laboratory results",
    "radiology": "Imaging",
    "ward": "Ward board",
}

# Portal actions name the page, not the part; these say which part it was.
PORTAL_PARTS: dict[str, str] = {
    "read_record": "Journal",
    "read_own": "Journal",
    "own_record": "Journal",
    "medication": "Medication",
    "appointments": "Appointments",
    "book": "Appointments",
    "access_log": "Access log",
}

# Verbs that change something; the rest are looks.
WRITE_VERBS = frozenset(
    {
        "accept",
        "activate",
        "administer",
        "amend",
        "answer",
        "answered",
        "approve",
        "approved",
        "assign",
        "book",
        "cancel",
        "change",
        "check_in",
        "close",
        "code_issue",
        "complete",
        "create",
        "decline",
        "delete",
        "discard_draft",
        "discharge",
        "dispense",
        "edit_contact",
        "file",
        "grant",
        "join",
        "leave",
        "mark_in_error",
        "move",
        "no_show",
        "open",
        "post",
        "prescribe",
        "refuse",
        "refused",
        "register",
        "reject",
        "request",
        "resolve",
        "revoke",
        "send",
        "sign",
        "start",
        "take",
        "update",
        "update_draft",
        "walk_in",
        "withdraw",
        "write",
        "acknowledge",
        "order",
        "sample",
    }
)

# How a verb reads in the administrators' log.
VERBS: dict[str, str] = {
    "read": "read",
    "list": "listed",
    "search": "searched",
    "print": "printed",
    "accept": "accepted",
    "activate": "activated",
    "administer": "given",
    "amend": "amended",
    "answer": "answered",
    "answered": "answered",
    "approve": "approved",
    "approved": "approved",
    "assign": "assigned",
    "book": "booked",
    "cancel": "cancelled",
    "change": "changed",
    "check_in": "checked in",
    "close": "closed",
    "complete": "completed",
    "create": "created",
    "delete": "deleted",
    "discharge": "discharged",
    "dispense": "dispensed",
    "file": "filed in the journal",
    "grant": "granted",
    "mark_in_error": "marked as entered in error",
    "move": "moved",
    "open": "opened",
    "post": "sent",
    "prescribe": "prescribed",
    "refuse": "refused",
    "refused": "refused",
    "reject": "rejected",
    "revoke": "revoked",
    "send": "sent",
    "sign": "signed",
    "start": "started",
    "take": "taken on",
    "update": "changed",
    "withdraw": "withdrawn",
    "write": "recorded",
    "acknowledge": "acknowledged",
    "order": "ordered",
    "sample": "sampled",
}


@dataclass(frozen=True)
class Described:
    part: str | None  # a PARTS msgid, or None when the object is not known
    verb: str  # a VERBS msgid ("read" or "changed" for a verb not listed)
    writes: bool


def split(action: str) -> tuple[str, str]:
    obj, _, verb = action.partition(".")
    return obj, verb


def is_write(action: str) -> bool:
    return split(action)[1] in WRITE_VERBS


def describe(action: str) -> Described:
    """The part and the verb of an action, as msgids."""
    obj, verb = split(action)
    if obj == "route":  # route.refused: a page the guard refused to show
        return Described(part=PARTS[obj], verb="read", writes=False)
    part = PORTAL_PARTS.get(verb) if obj == "portal" else PARTS.get(obj)
    writes = verb in WRITE_VERBS
    phrase = VERBS.get(verb) or ("changed" if writes else "read")
    return Described(part=part, verb=phrase, writes=writes)
