"""Messaging's scene: Greta (in the medical ward's care, tests/cast.py) writes
to the medical ward; Sven is her son; the files are the smallest that pass
for PDF, PNG and JPEG by their first bytes."""

import pytest

from tests.access import conftest as access

# Each person's logged-in browser (tests/access), in English.
browser = access.browser

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03" + bytes(40)

START = "SELECT message_thread_start(%s, %s, %s, %s, %s::text[], %s::bytea[]) AS id"
POST = "SELECT message_post(%s, %s, %s::text[], %s::bytea[]) AS id"


def start(conn, patient: int, unit: int, *, subject="Fråga om provsvar", body="Hej! Har mina prover kommit?",
          files: tuple[tuple[str, bytes], ...] = ()) -> int:  # fmt: skip
    names, contents = [n for n, _ in files], [c for _, c in files]
    return conn.execute(START, [patient, unit, subject, body, names, contents]).fetchone()["id"]


def post(conn, thread: int, body: str, files: tuple[tuple[str, bytes], ...] = ()) -> int:
    names, contents = [n for n, _ in files], [c for _, c in files]
    return conn.execute(POST, [thread, body, names, contents]).fetchone()["id"]


def grant(owner, cast, scopes: list[str], **extra) -> None:
    """Greta's grant to Sven (from today unless said otherwise)."""
    columns = ["patient_id", "relative_user_id", "scopes", "granted_by", *extra]
    owner.execute(
        f"INSERT INTO proxy_grant ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
        [cast.greta_patient, cast.sven, scopes, cast.greta, *extra.values()],
    )


@pytest.fixture()
def greta_thread(acting_as, cast) -> dict[str, int]:
    """Greta asks the medical ward about her results, with a PDF attached."""
    greta = acting_as(cast.greta)
    thread = start(greta, cast.greta_patient, cast.unit_med, files=(("remiss.pdf", PDF),))
    message = greta.execute("SELECT id FROM thread_message WHERE thread_id = %s", [thread]).fetchone()["id"]
    attachment = greta.execute(
        "SELECT id FROM message_attachment WHERE message_id = %s", [message]
    ).fetchone()
    return {"thread": thread, "message": message, "attachment": attachment["id"]}
