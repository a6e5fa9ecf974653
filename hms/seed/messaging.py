"""Demo messaging: the demo patient has asked a care unit that has seen them
two questions; a nurse of the unit has answered one, the other waits in the
unit's inbox. Written as the owner: the database still takes each message's
side from its author and moves the threads' status itself."""

from hms.seed.context import SeedContext

QUESTIONS = [
    (
        "Fråga om provsvar",
        "Hej! Har svaren på blodproverna från förra veckan kommit?",
        "Hej! Ja, proverna är utan anmärkning. Vi hörs vid nästa besök.",
    ),
    ("Biverkningar av ny medicin", "Jag har fått huvudvärk sedan jag började med den nya medicinen.", None),
]


def seed_messaging(ctx: SeedContext) -> None:
    user = ctx.user_ids.get("patient")
    patient = next((pid for pid, uid in ctx.portal_users.items() if uid == user), None)
    if user is None or patient is None:
        return
    unit = _unit_that_has_seen(ctx, patient)
    if unit is None:
        return
    nurse = next((n for n in ctx.staff.get("nurse", []) if unit in ctx.staff_units.get(n, [])), None)
    for subject, question, answer in QUESTIONS:
        thread = ctx.insert(
            "INSERT INTO message_thread (patient_id, care_unit_id, subject, started_by) "
            "VALUES (%s, %s, %s, %s) RETURNING id",
            patient, unit, subject, user,
        )  # fmt: skip
        _message(ctx, thread, patient, user, question)
        if answer is not None and nurse is not None:
            _message(ctx, thread, patient, nurse, answer)


def _message(ctx: SeedContext, thread: int, patient: int, author: int, body: str) -> None:
    ctx.insert(
        "INSERT INTO thread_message (thread_id, patient_id, author_id, side, body) "
        "VALUES (%s, %s, %s, 'patient', %s) RETURNING id",
        thread, patient, author, body,
    )  # fmt: skip


def _unit_that_has_seen(ctx: SeedContext, patient: int) -> int | None:
    """A unit with an encounter, a care assignment or an appointment of the patient."""
    row = ctx.conn.execute(
        "SELECT care_unit_id FROM encounter WHERE patient_id = %(p)s "
        "UNION ALL SELECT care_unit_id FROM care_assignment WHERE patient_id = %(p)s "
        "UNION ALL SELECT care_unit_id FROM appointment WHERE patient_id = %(p)s "
        "ORDER BY care_unit_id LIMIT 1",
        {"p": patient},
    ).fetchone()
    return None if row is None else int(row[0])
