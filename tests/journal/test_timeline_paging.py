"""The timeline's page query agrees with the journal_timeline view, page after page."""

from hms.db.queries import load

q = load("journal")
FILTERS = dict(
    kind=None, from_date=None, to_date=None, author_id=None, care_unit_id=None, code=None, text=None
)


def given_a_mixed_history(owner, cast):
    for i in range(23):
        owner.execute(
            "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, pulse, recorded_by, recorded_at) "
            "VALUES (%s, %s, now() - make_interval(hours => %s), %s, %s, now())",
            [cast.greta_patient, cast.unit_med, 2 * i, 60 + i, cast.bob],
        )
    for i, code in enumerate(("J18.9", "I10", "E11.9")):
        owner.execute(
            "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by, recorded_at) "
            "VALUES (%s, %s, %s, %s, now() - make_interval(hours => %s))",
            [cast.greta_patient, cast.unit_med, code, cast.alice, 3 * i + 1],
        )
    for i in range(7):
        note = owner.execute(
            "INSERT INTO note (patient_id, care_unit_id, kind, created_by) VALUES (%s, %s, 'progress', %s) RETURNING id",
            [cast.greta_patient, cast.unit_med, cast.alice],
        ).fetchone()["id"]
        version = owner.execute(
            "INSERT INTO note_version (note_id, patient_id, version, author_id, care_unit_id) "
            "VALUES (%s, %s, 1, %s, %s) RETURNING id",
            [note, cast.greta_patient, cast.alice, cast.unit_med],
        ).fetchone()["id"]
        owner.execute(
            "INSERT INTO note_section (version_id, position, heading, body) VALUES (%s, 1, 'Aktuellt', %s)",
            [version, f"Anteckning {i}"],
        )
        owner.execute("SELECT note_sign(%s, %s)", [version, cast.alice])


def test_paging_through_the_timeline_gives_exactly_the_view_in_order(owner, cast, acting_as):
    given_a_mixed_history(owner, cast)
    alice = acting_as(cast.alice, "doctor")
    expected = [
        (r["kind"], r["id"])
        for r in alice.execute(
            "SELECT kind, id FROM journal_timeline WHERE patient_id = %s ORDER BY at DESC, kind DESC, id DESC",
            [cast.greta_patient],
        )
    ]
    seen, before = [], dict(before_at=None, before_kind=None, before_id=None)
    while True:
        rows = q.timeline(alice, patient_id=cast.greta_patient, limit=10, **FILTERS, **before)
        seen += [(r["kind"], r["id"]) for r in rows]
        if len(rows) < 10:
            break
        last = rows[-1]
        before = dict(before_at=last["at"], before_kind=last["kind"], before_id=last["id"])
    assert len(expected) == 33
    assert seen == expected


def test_filters_apply_within_every_branch(owner, cast, acting_as):
    given_a_mixed_history(owner, cast)
    alice = acting_as(cast.alice, "doctor")

    def only(**f):
        return q.timeline(
            alice,
            patient_id=cast.greta_patient,
            limit=50,
            before_at=None,
            before_kind=None,
            before_id=None,
            **{**FILTERS, **f},
        )

    assert {r["kind"] for r in only(kind="diagnosis")} == {"diagnosis"}
    assert [r["code"] for r in only(code="j18")] == ["J18.9"]
    assert len(only(text="anteckning 3")) == 1
    assert {r["kind"] for r in only(author_id=cast.bob)} == {"vitals"}
