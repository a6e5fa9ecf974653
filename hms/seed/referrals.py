"""Demo referrals: some patients with an open visit are referred by a doctor
of that unit to another unit of the hospital, naming one of their
diagnoses; about a third are accepted (which places the patient in the
receiving unit's care, as referral_accept does), a few rejected, the rest
wait. Written as the owner, with the same rows the functions would write."""

from datetime import UTC, datetime, timedelta

from hms.seed.context import SeedContext

QUESTIONS = [
    "Bedömning och ställningstagande till fortsatt utredning, tack.",
    "Långvariga besvär trots behandling; önskar er bedömning och ev. övertagande.",
    "Inför planerad operation: önskar bedömning av operabilitet.",
    "Misstänkt progress; önskar snar bedömning på er mottagning.",
]
SHARE = 0.05
LIMIT = 60
REJECTION = "Ingen indikation för vår enhet; fortsatt handläggning hos remittenten föreslås."


def seed_referrals(ctx: SeedContext) -> None:
    units = [ctx.units[c] for c, kind in ctx.unit_kinds.items() if kind != "emergency"]
    rows = ctx.conn.execute(
        "SELECT e.patient_id, e.care_unit_id, e.started_at, min(d.id) AS diagnosis_id, min(d.code) AS code "
        "FROM encounter AS e JOIN diagnosis AS d "
        "ON d.patient_id = e.patient_id AND d.entered_in_error_at IS NULL "
        "WHERE e.ended_at IS NULL GROUP BY e.id, e.patient_id ORDER BY e.id"
    ).fetchall()
    chosen = [r for r in rows if ctx.rng.random() < SHARE][:LIMIT]
    for patient, from_unit, started, diagnosis, code in chosen:
        senders = doctors_of_unit(ctx, from_unit)
        targets = [u for u in units if u != from_unit and doctors_of_unit(ctx, u)]
        if not senders or not targets:
            continue
        _refer(
            ctx,
            patient,
            from_unit,
            ctx.rng.choice(targets),
            ctx.rng.choice(senders),
            started,
            diagnosis,
            code,
        )


def _refer(
    ctx: SeedContext, patient: int, from_unit: int, to_unit: int, sender: int, started: datetime,
    diagnosis: int, code: str,
) -> None:  # fmt: skip
    now = datetime.now(UTC)
    sent_at = min(started + timedelta(hours=ctx.rng.randint(1, 48)), now - timedelta(hours=1))
    urgency = ctx.rng.choice(["routine", "routine", "urgent", "acute"])
    outcome = ctx.rng.choice(["sent", "sent", "accepted", "rejected"])
    decider = ctx.rng.choice(doctors_of_unit(ctx, to_unit))
    decided_at = min(sent_at + timedelta(hours=ctx.rng.randint(2, 24 * 10)), now)
    care = None
    if outcome == "accepted":
        care = ctx.insert(
            "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by, created_at) "
            "VALUES (%s, %s, tstzrange(%s, %s + interval '365 days'), 'Remiss accepterad', %s, %s) "
            "RETURNING id",
            patient, to_unit, decided_at, decided_at, decider, decided_at,
        )  # fmt: skip
    referral = ctx.insert(
        "INSERT INTO referral (patient_id, from_unit_id, to_unit_id, sent_by, urgency, question, status, "
        "sent_at, decided_by, decided_at, decision_reason, care_assignment_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        patient, from_unit, to_unit, sender, urgency, ctx.rng.choice(QUESTIONS), outcome, sent_at,
        None if outcome == "sent" else decider, None if outcome == "sent" else decided_at,
        REJECTION if outcome == "rejected" else None, care,
    )  # fmt: skip
    ctx.conn.execute(
        "INSERT INTO referral_diagnosis (referral_id, patient_id, diagnosis_id, code) "
        "VALUES (%s, %s, %s, %s)",
        (referral, patient, diagnosis, code),
    )


def doctors_of_unit(ctx: SeedContext, unit: int) -> list[int]:
    return [u for u in ctx.staff.get("doctor", []) if unit in ctx.staff_units.get(u, [])]
