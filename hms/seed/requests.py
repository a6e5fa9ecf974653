"""Demo care requests: the demo patient has asked a unit that cares for them
two questions, one still waiting for the unit's doctors and nurses and one
answered by a doctor of the unit, so both the portal's Requests and the
staff's queue show something. Written as the owner (the request functions
need a verified user); the rows still meet every constraint of 0026."""

from datetime import UTC, datetime, timedelta

from hms.seed.context import SeedContext

ANSWERED = (
    "Kan jag ta ipren mot värken?",
    "Ja, i några dagar, men högst tre tabletter om dagen. Hör av dig om det inte går över.",
)
WAITING = "Jag behöver ett intyg om sjukskrivning för förra veckan till min arbetsgivare."


def seed_requests(ctx: SeedContext) -> None:
    patient_user = ctx.user_ids.get("patient")
    patient = next((pid for pid, uid in ctx.portal_users.items() if uid == patient_user), None)
    if patient is None or patient_user is None:
        return
    found = ctx.conn.execute(
        "SELECT e.care_unit_id, s.user_id FROM encounter AS e "
        "JOIN staff_care_unit AS s ON s.care_unit_id = e.care_unit_id "
        "JOIN app_user AS u ON u.id = s.user_id AND u.role = 'doctor' "
        "WHERE e.patient_id = %s ORDER BY (s.user_id = %s) DESC, e.started_at, s.user_id LIMIT 1",
        [patient, ctx.user_ids.get("doctor")],
    ).fetchone()
    if found is None:
        return
    unit, doctor = found
    day = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    question, answer = ANSWERED
    ctx.insert(
        "INSERT INTO care_request (patient_id, kind, care_unit_id, body, filed_by, filed_at, status, "
        "taken_by, taken_at, answered_by, answered_at, answer) "
        "VALUES (%s, 'question', %s, %s, %s, %s, 'answered', %s, %s, %s, %s, %s) RETURNING id",
        patient, unit, question, patient_user, day, doctor, day + timedelta(hours=3),
        doctor, day + timedelta(hours=3), answer,
    )  # fmt: skip
    ctx.insert(
        "INSERT INTO care_request (patient_id, kind, care_unit_id, body, filed_by, filed_at) "
        "VALUES (%s, 'certificate', %s, %s, %s, %s) RETURNING id",
        patient, unit, WAITING, patient_user, day + timedelta(days=1),
    )  # fmt: skip
