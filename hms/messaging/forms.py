"""What the messaging forms accept. Each limit repeats a constraint or a
check of migration 0025, which has the last word; these give the friendlier
message first."""

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hms.core.errors import Invalid

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Status = Literal["new", "assigned", "answered", "closed"]
STATUSES: tuple[str, ...] = Status.__args__  # type: ignore[attr-defined]

# message_attachment_size, message_attachment_at_most_three
MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
# The first bytes of each accepted type (message_attachment_content_matches_type)
# and the endings its name may have (message_attachment_name_matches_type).
MAGIC = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)
BODY_MAX = 5000
EMPTY_MESSAGE = "Write a message."


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class StartForm(Strict):
    care_unit_id: Id
    subject: str = Field(min_length=1, max_length=150)
    body: str = Field(min_length=1, max_length=BODY_MAX)


class ReplyForm(Strict):
    body: str = Field(min_length=1, max_length=BODY_MAX)


class AssignForm(Strict):
    assignee_id: Id


class InboxFilter(Strict):
    """The inbox's filters (query string): a status, one unit, only mine."""

    status: Literal["open", "new", "assigned", "answered", "closed", "all"] = "open"
    care_unit_id: Id | None = None
    mine: bool = False


@dataclass(frozen=True)
class Upload:
    """A file as it came: its name and its bytes (never the browser's type)."""

    filename: str
    content: bytes


def content_type_of(content: bytes) -> str | None:
    """The type the first bytes say, or None when it is not PDF, PNG or JPEG."""
    for magic, content_type, _ in MAGIC:
        if content.startswith(magic):
            return content_type
    return None


def check_uploads(uploads: list[Upload]) -> list[Upload]:
    """The files a message may carry, or Invalid beside the attachments field."""
    if len(uploads) > MAX_FILES:
        raise Invalid({"attachments": "A message has at most three attachments."})
    for upload in uploads:
        if len(upload.content) > MAX_BYTES:
            raise Invalid({"attachments": "Each attachment may be at most 5 MB."})
        content_type = content_type_of(upload.content)
        if content_type is None:
            raise Invalid({"attachments": "Attach PDF, PNG or JPEG files only."})
        endings = next(e for _, t, e in MAGIC if t == content_type)
        if not upload.filename.lower().endswith(endings):
            raise Invalid({"attachments": "The file's name does not match its content (PDF, PNG or JPEG)."})
        if not 5 <= len(upload.filename) <= 200 or any(c in upload.filename for c in '/\\"'):
            raise Invalid({"attachments": "Give the file a plain name of at most 200 characters."})
    return uploads
