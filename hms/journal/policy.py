"""Who may read and write the journal.

Role permissions live in ``hms.core.roles``; here are the rules about one
note: only its author sees and edits a draft and signs it (the database says
the same: note_sign and the note_version triggers refuse anyone else), and
anyone who may write notes may amend or mark a signed note, which the route's
permission already says. Which patients a clinician may open is the access
decision (``hms.access.policy``).
"""

from hms.core.context import CurrentUser
from hms.core.roles import Permission


def can_read_journal(user: CurrentUser) -> bool:
    return user.can(Permission.JOURNAL_READ)


def is_author(user: CurrentUser, *, author_id: int) -> bool:
    return user.id == author_id


def can_edit_draft(user: CurrentUser, *, author_id: int) -> bool:
    """Edit, sign or discard a draft: its author only."""
    return user.can(Permission.NOTE_WRITE) and is_author(user, author_id=author_id)
