"""Who may read and write the journal.

Role permissions live in ``hms.access.roles``; here are the rules about one
note or entry: only a note's author signs or edits its draft, and anyone who
may write notes may amend or mark a signed note (the amendment carries their
name). Care relationships (which patients a clinician may open) are added by
the access-control module.
"""

from hms.access.roles import Permission
from hms.web.context import CurrentUser


def can_read_journal(user: CurrentUser) -> bool:
    return user.can(Permission.JOURNAL_READ)


def can_edit_draft(user: CurrentUser, *, author_id: int) -> bool:
    return user.can(Permission.NOTE_WRITE) and user.id == author_id


def can_amend(user: CurrentUser) -> bool:
    return user.can(Permission.NOTE_WRITE)
