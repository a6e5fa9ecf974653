"""Audit actions in words: a look is never reported as a change."""

import pytest

from hms.audit import actions


@pytest.mark.parametrize(
    "action",
    [
        "journal.read",
        "medication.mar",
        "medication.queue",
        "patient.search",
        "route.refused",
        "portal.access_log",
    ],
)
def test_looks_are_reads(action):
    described = actions.describe(action)
    assert not described.writes
    assert described.verb in {"read", "searched"}


@pytest.mark.parametrize(
    ("action", "part", "verb"),
    [
        ("note.sign", "Notes", "signed"),
        ("vitals.write", "Vital signs", "recorded"),
        ("appointment.book", "Appointments", "booked"),
        ("medication.prescribe", "Medication", "prescribed"),
        ("portal.read_record", "Journal", "read"),
    ],
)
def test_changes_and_parts_are_named(action, part, verb):
    described = actions.describe(action)
    assert (described.part, described.verb) == (part, verb)
    assert described.writes == (verb != "read")


def test_an_unknown_action_is_still_shown():
    described = actions.describe("something.unheard_of")
    assert described.part is None and described.verb == "read" and not described.writes


@pytest.mark.parametrize(
    ("action", "part"),
    [
        ("message.post", "Messages"),
        ("message.file", "Messages"),
        ("request.file", "Requests"),
        ("request.approved", "Requests"),
        ("request.refused", "Requests"),
    ],
)
def test_messages_and_requests_are_changes(action, part):
    described = actions.describe(action)
    assert described.part == part and described.writes


@pytest.mark.parametrize("action", ["message.read_inbox", "message.list", "request.queue", "request.form"])
def test_their_pages_are_looks(action):
    assert not actions.describe(action).writes
