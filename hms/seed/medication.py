"""Demo medication: the patients in a bed get the drugs such patients take,
prescribed by a doctor of their unit, most of them reviewed by a pharmacist,
and today's doses given so far recorded by a nurse of the unit.

Every row goes through the database's own rules (the triggers of migration
0020 fill in who wrote it, number the versions and run the safety checks), so
the seed acts in each person's verified session, as the app does: it opens a
session for them, proves it with ``hms_authenticate`` and ends it after.
"""

import hashlib
import secrets
from datetime import datetime
from typing import NamedTuple

from hms.seed.context import SeedContext


class Regimen(NamedTuple):
    generic_name: str
    form: str
    strength: float
    dose: float
    unit: str
    route: str
    times: tuple[str, ...] = ()
    interval_hours: int | None = None
    as_needed_max: int | None = None
    instructions: str | None = None


REGIMENS = [
    Regimen("Paracetamol", "tablet", 500, 1000, "mg", "oral", ("08:00", "14:00", "20:00")),
    Regimen("Dalteparin", "injection", 10000, 5000, "unit", "sc", ("20:00",), instructions="Trombosprofylax"),
    Regimen("Furosemid", "tablet", 40, 40, "mg", "oral", ("08:00",)),
    Regimen("Metoprolol", "tablet", 50, 50, "mg", "oral", ("08:00", "20:00"), instructions="Ej om puls < 55"),
    Regimen("Enalapril", "tablet", 10, 10, "mg", "oral", ("08:00",)),
    Regimen("Atorvastatin", "tablet", 40, 40, "mg", "oral", ("20:00",)),
    Regimen("Omeprazol", "capsule", 20, 20, "mg", "oral", ("08:00",)),
    Regimen("Metformin", "tablet", 500, 500, "mg", "oral", ("08:00", "18:00"), instructions="Till måltid"),
    Regimen("Insulin glargin", "injection", 100, 20, "unit", "sc", ("22:00",)),
    Regimen("Bensylpenicillin", "injection", 1, 3, "g", "iv", interval_hours=8),
    Regimen("Cefotaxim", "injection", 1, 1, "g", "iv", interval_hours=8),
    Regimen("Apixaban", "tablet", 5, 5, "mg", "oral", ("08:00", "20:00")),
    Regimen("Sertralin", "tablet", 50, 50, "mg", "oral", ("08:00",)),
    Regimen("Oxikodon", "capsule", 5, 5, "mg", "oral", as_needed_max=4, instructions="Vid smärta"),
    Regimen("Zopiklon", "tablet", 5, 5, "mg", "oral", as_needed_max=1, instructions="Till natten"),
    Regimen(
        "Salbutamol", "inhaler", 100, 2, "puff", "inhalation", as_needed_max=4, instructions="Vid andnöd"
    ),
]
OVERRIDE = "Känd kombination, följs upp på avdelningen"
APPROVED_RATE = 0.7
REFUSED_RATE = 0.05


def seed_medication(ctx: SeedContext) -> None:
    conn = ctx.conn
    if not ctx.staff.get("doctor") or not ctx.staff.get("pharmacist"):
        return
    drugs = _drug_ids(ctx)
    stays = conn.execute(
        "SELECT patient_id, care_unit_id, started_at FROM encounter "
        "WHERE kind = 'admission' AND ended_at IS NULL ORDER BY patient_id"
    ).fetchall()
    sessions = Sessions(ctx)
    written: list[tuple[int, int]] = []  # (prescription id, unit)
    with ctx.progress("Medication", len(stays)) as advance:
        for patient_id, unit, started_at in stays:
            doctor = _member(ctx, "doctor", unit)
            if doctor is not None:
                sessions.act_as(doctor)
                for regimen in ctx.rng.sample(REGIMENS, ctx.rng.randint(2, 5)):
                    if regimen.generic_name in drugs:
                        prescription = _prescribe(
                            ctx, patient_id, unit, drugs[regimen.generic_name], regimen, started_at
                        )
                        written.append((prescription, unit))
            advance(1)
    _review(ctx, sessions, [p for p, _ in written])
    _give_todays_doses(ctx, sessions, sorted({u for _, u in written}))
    sessions.end()


def _drug_ids(ctx: SeedContext) -> dict[str, int]:
    ids = {}
    for r in REGIMENS:
        row = ctx.conn.execute(
            "SELECT id FROM drug "
            "WHERE generic_name = %s AND form = %s AND strength = %s AND retired_at IS NULL",
            [r.generic_name, r.form, r.strength],
        ).fetchone()
        if row:
            ids[r.generic_name] = row[0]
    return ids


def _member(ctx: SeedContext, role: str, unit: int) -> int | None:
    members = [u for u in ctx.staff.get(role, []) if unit in ctx.staff_units.get(u, [])]
    return ctx.rng.choice(members) if members else None


def _prescribe(
    ctx: SeedContext, patient_id: int, unit: int, drug_id: int, r: Regimen, started_at: datetime
) -> int:
    schedule = "as_needed" if r.as_needed_max else "interval" if r.interval_hours else "times"
    per_day = r.as_needed_max or (24 / r.interval_hours if r.interval_hours else len(r.times))
    warned = ctx.conn.execute(
        "SELECT count(*) FROM medication_check(%s, %s, %s::numeric, %s::dose_unit, %s::numeric)",
        [patient_id, drug_id, r.dose, r.unit, per_day],
    ).fetchone()
    return ctx.insert(
        "INSERT INTO prescription_version (patient_id, drug_id, change, care_unit_id, dose, dose_unit, "
        "route, schedule, times_of_day, interval_hours, max_doses_per_day, starts_at, instructions, "
        "override_reason) VALUES (%s, %s, 'prescribed', %s, %s, %s, %s, %s, %s::time[], %s, %s, %s, %s, %s) "
        "RETURNING prescription_id",
        patient_id, drug_id, unit, r.dose, r.unit, r.route, schedule, list(r.times) or None, r.interval_hours,
        r.as_needed_max, started_at, r.instructions, OVERRIDE if warned and warned[0] else None,
    )  # fmt: skip


def _review(ctx: SeedContext, sessions: "Sessions", prescriptions: list[int]) -> None:
    sessions.act_as(ctx.staff["pharmacist"][0])
    for prescription in prescriptions:
        if ctx.rng.random() < APPROVED_RATE:
            ctx.conn.execute(
                "INSERT INTO prescription_review (prescription_id, version_id, outcome) "
                "SELECT id, current_version_id, 'approved' FROM prescription WHERE id = %s",
                [prescription],
            )


def _give_todays_doses(ctx: SeedContext, sessions: "Sessions", units: list[int]) -> None:
    """Every scheduled dose of today until a quarter of an hour ago, recorded
    by a nurse of the ward: given, or now and then refused."""
    for unit in units:
        nurse = _member(ctx, "nurse", unit)
        if nurse is None:
            continue
        sessions.act_as(nurse)
        doses = ctx.conn.execute(
            "SELECT m.prescription_id, m.scheduled_for, v.dose, v.dose_unit FROM mar_doses(%s, "
            "hms_day_start(hms_today()), now() - interval '15 minutes') AS m "
            "INNER JOIN prescription_version AS v ON m.version_id = v.id",
            [unit],
        ).fetchall()
        for prescription, due, dose, dose_unit in doses:
            refused = ctx.rng.random() < REFUSED_RATE
            ctx.conn.execute(
                "INSERT INTO medication_administration (prescription_id, care_unit_id, scheduled_for, "
                "outcome, administered_at, dose, dose_unit, note) "
                "VALUES (%s, %s, %s, %s, %s + interval '10 minutes', %s, %s, %s)",
                [prescription, unit, due, "refused" if refused else "given", due,
                 None if refused else dose, None if refused else dose_unit,
                 "Patienten avböjde, illamående" if refused else None],
            )  # fmt: skip


class Sessions:
    """Sessions the seed opens to act as staff, proved for its transaction and
    deleted at the end."""

    def __init__(self, ctx: SeedContext) -> None:
        self.conn = ctx.conn
        self.tokens: dict[int, str] = {}

    def act_as(self, user_id: int) -> None:
        token = self.tokens.get(user_id)
        if token is None:
            token = self.tokens[user_id] = secrets.token_urlsafe(32)
            self.conn.execute(
                "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%s, %s, %s)",
                [hashlib.sha256(token.encode()).digest(), user_id, secrets.token_urlsafe(32)],
            )
        self.conn.execute("SELECT hms_authenticate(%s)", [token])

    def end(self) -> None:
        for token in self.tokens.values():
            self.conn.execute(
                "DELETE FROM user_session WHERE token_hash = %s", [hashlib.sha256(token.encode()).digest()]
            )
