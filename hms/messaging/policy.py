"""Who does what with messages. A patient, or a relative whose grant in
force has the messages scope, writes for the patient (the messages area of
``hms_access_basis``); the doctors and nurses of the care unit a thread is
addressed to read, assign, answer, close it and file its messages into the
journal. The database (migration 0025) holds the same rules per row and has
the last word; these let the pages offer only what will work."""

from typing import Any

from hms.core.context import CurrentUser
from hms.core.roles import Permission, Role


def is_portal_user(user: CurrentUser) -> bool:
    return user.role in (Role.PATIENT, Role.RELATIVE)


def reads_inbox(user: CurrentUser) -> bool:
    return user.can(Permission.MESSAGE_INBOX)


def may_write(thread: dict[str, Any]) -> bool:
    """A closed thread is read-only, for both sides."""
    return bool(thread["status"] != "closed")


def may_file(user: CurrentUser, message: dict[str, Any]) -> bool:
    """A clinician files a message into the journal once."""
    return user.can(Permission.NOTE_WRITE) and message["filed_note_id"] is None
