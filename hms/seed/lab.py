"""Demo laboratory work: a few of the patients in a bed have had blood taken
today, ordered by a doctor of their unit and sampled by a nurse of it, with
results entered and most of them acknowledged; one potassium is critical and
still waits for its doctor. Every row goes through the database's own rules
(migration 0029), in each person's verified session, as the app does."""

from hms.seed.context import SeedContext
from hms.seed.medication import Sessions

ORDERS = 12
PANELS = ("ELECTROLYTES", "BLOOD_COUNT", "INFLAMMATION", "LIVER", "KIDNEY")
POTASSIUM = "2823-3"


def seed_lab(ctx: SeedContext) -> None:
    if not ctx.staff.get("doctor") or not ctx.staff.get("nurse"):
        return
    stays = ctx.conn.execute(
        "SELECT patient_id, care_unit_id FROM encounter WHERE kind = 'admission' AND ended_at IS NULL "
        "ORDER BY patient_id LIMIT %s",
        [ORDERS],
    ).fetchall()
    sessions = Sessions(ctx)
    with ctx.progress("Lab", len(stays)) as advance:
        for n, (patient_id, unit) in enumerate(stays):
            doctor, nurse = _member(ctx, "doctor", unit), _member(ctx, "nurse", unit)
            if doctor is not None and nurse is not None:
                _one_order(ctx, sessions, patient_id, unit, doctor, nurse, critical=n == 0)
            advance(1)
    sessions.end()


def _member(ctx: SeedContext, role: str, unit: int) -> int | None:
    members = [u for u in ctx.staff.get(role, []) if unit in ctx.staff_units.get(u, [])]
    return ctx.rng.choice(members) if members else None


def _one_order(
    ctx: SeedContext, sessions: Sessions, patient: int, unit: int, doctor: int, nurse: int, *, critical: bool
) -> None:
    conn = ctx.conn
    panels = ["ELECTROLYTES"] if critical else ctx.rng.sample(PANELS, 2)
    sessions.act_as(doctor)
    order = ctx.insert(
        "SELECT lab_order_place(%s, %s, %s, %s, '{}', %s)",
        patient, unit, "urgent" if critical else "routine", "Kontroll under vårdtiden", panels,
    )  # fmt: skip
    sessions.act_as(nurse)
    conn.execute("SELECT lab_order_sample(%s, now())", [order])
    lines = conn.execute(
        "SELECT i.id, i.loinc, t.decimals, r.low, r.high FROM lab_order_item AS i "
        "INNER JOIN lab_test AS t ON i.loinc = t.loinc INNER JOIN patient AS p ON i.patient_id = p.id "
        "LEFT JOIN LATERAL lab_range_for(i.loinc, p.sex, p.date_of_birth, now()) AS r ON true "
        "WHERE i.order_id = %s ORDER BY i.id",
        [order],
    ).fetchall()
    results = []
    for item, loinc, decimals, low, high in lines:
        value = 6.4 if critical and loinc == POTASSIUM else _plausible(ctx, low, high, decimals)
        results.append(
            ctx.insert(
                "INSERT INTO lab_result (item_id, patient_id, loinc, value) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                item,
                patient,
                loinc,
                value,
            )  # fmt: skip
        )
    sessions.act_as(doctor)
    for result in results:
        flag = conn.execute("SELECT flag FROM lab_result WHERE id = %s", [result]).fetchone()
        if not (critical and flag and flag[0] in ("critical_low", "critical_high")):
            conn.execute(
                "INSERT INTO lab_result_ack (result_id, patient_id) VALUES (%s, %s)", [result, patient]
            )


def _plausible(ctx: SeedContext, low: object, high: object, decimals: int) -> float:
    """A value in (or, now and then, a little outside) the patient's range."""
    lo = float(low) if low is not None else float(high) * 0.3 if high is not None else 1.0  # type: ignore[arg-type]
    hi = float(high) if high is not None else lo * 1.5  # type: ignore[arg-type]
    spread = (hi - lo) * (1.3 if ctx.rng.random() < 0.15 else 1.0)
    return round(lo + ctx.rng.random() * spread, decimals)
