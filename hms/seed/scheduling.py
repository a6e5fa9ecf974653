"""Demo scheduling: appointment types and rooms for every unit, weekday hours
for its doctors and nurses, and a week of bookings from today, with the demo
patient among them. Written as the owner, but every booking still meets the
exclusion constraints: a time that would overlap is skipped."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hms.seed.context import SeedContext

LOCAL_TZ = ZoneInfo("Europe/Stockholm")
# name, minutes, mode, patients may book
TYPES = {
    "outpatient": [
        ("Nybesök", 45, "in_person", False),
        ("Återbesök", 30, "in_person", True),
        ("Telefonuppföljning", 15, "phone", True),
    ],
    "inpatient": [("Återbesök efter utskrivning", 30, "in_person", True)],
    "emergency": [("Akut bedömning", 60, "in_person", False)],
}
HOURS = (time(8), time(16))
BOOKED_SHARE = 0.5
DAYS = 7


def seed_scheduling(ctx: SeedContext) -> None:
    types = _types_and_rooms(ctx)
    clinicians = _hours(ctx)
    _week_of_bookings(ctx, types, clinicians)


def _types_and_rooms(ctx: SeedContext) -> dict[int, list[tuple[int, int]]]:
    """Each unit's bookable-by-staff types (id, minutes)."""
    found: dict[int, list[tuple[int, int]]] = {}
    for code, unit in ctx.units.items():
        kind = ctx.unit_kinds[code]
        for name, minutes, mode, bookable in TYPES[kind]:
            type_id = ctx.insert(
                "INSERT INTO appointment_type (care_unit_id, name, duration_minutes, mode, patient_bookable) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                unit, name, minutes, mode, bookable,
            )  # fmt: skip
            if kind != "emergency":
                found.setdefault(unit, []).append((type_id, minutes))
        if kind != "emergency":
            for n in (1, 2):
                ctx.insert(
                    "INSERT INTO clinic_room (care_unit_id, name) VALUES (%s, %s) RETURNING id",
                    unit, f"Mottagningsrum {n}",
                )  # fmt: skip
    return found


def _hours(ctx: SeedContext) -> dict[int, int]:
    """Weekday hours for every doctor and nurse in their first non-emergency unit: clinician -> unit."""
    emergency = {ctx.units[c] for c, k in ctx.unit_kinds.items() if k == "emergency"}
    chosen: dict[int, int] = {}
    for role in ("doctor", "nurse"):
        for user in ctx.staff.get(role, []):
            units = [u for u in ctx.staff_units.get(user, []) if u not in emergency]
            if units:
                chosen[user] = units[0]
    ctx.copy(
        "working_hours",
        ("clinician_id", "care_unit_id", "weekday", "starts_at", "ends_at"),
        ((user, unit, day, *HOURS) for user, unit in chosen.items() for day in range(1, 6)),
    )
    return chosen


def _week_of_bookings(
    ctx: SeedContext, types: dict[int, list[tuple[int, int]]], clinicians: dict[int, int]
) -> None:
    patients = [p.id for p in ctx.patients]
    if not patients:
        return
    demo = next((pid for pid, uid in ctx.portal_users.items() if uid == ctx.user_ids.get("patient")), None)
    first = datetime.now(LOCAL_TZ).date() + timedelta(days=1)
    rows: list[tuple[int, int, int, int, datetime, datetime]] = []
    for day in (first + timedelta(days=i) for i in range(DAYS)):
        if day.isoweekday() > 5:
            continue
        for clinician, unit in clinicians.items():
            rows += _day_of(ctx, day, clinician, unit, types.get(unit, []), patients)
    if demo is not None and rows:
        _, type_id, unit, clinician, starts, ends = rows[0]
        rows[0] = (demo, type_id, unit, clinician, starts, ends)
    with ctx.conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode) "
            "SELECT %s, t.id, %s, %s, tstzrange(%s, %s), t.mode FROM appointment_type AS t WHERE t.id = %s "
            "ON CONFLICT DO NOTHING",
            [(p, u, c, s, e, t) for p, t, u, c, s, e in rows],
        )
    ctx.conn.execute(
        "INSERT INTO appointment_event (appointment_id, patient_id, kind, during) "
        "SELECT id, patient_id, 'booked', during FROM appointment"
    )
    ctx.conn.execute("ANALYZE appointment")


def _day_of(
    ctx: SeedContext, day: date, clinician: int, unit: int, types: list[tuple[int, int]], patients: list[int]
) -> list[tuple[int, int, int, int, datetime, datetime]]:
    """About half of a clinician's day booked, in the unit's types' lengths."""
    if not types:
        return []
    found: list[tuple[int, int, int, int, datetime, datetime]] = []
    at = datetime.combine(day, HOURS[0], tzinfo=LOCAL_TZ)
    end = datetime.combine(day, HOURS[1], tzinfo=LOCAL_TZ)
    while True:
        type_id, minutes = ctx.rng.choice(types)
        until = at + timedelta(minutes=minutes)
        if until > end:
            return found
        if ctx.rng.random() < BOOKED_SHARE:
            found.append((ctx.rng.choice(patients), type_id, unit, clinician, at, until))
        at = until
