"""Seed steps: the patient registry and the patients' next of kin.

Patients are loaded with COPY in batches, so 100,000 take seconds, not minutes.
"""

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, time, timedelta

from hms.seed.context import SeedContext, SeededPatient
from hms.seed.people import Person

BATCH = 5000
PROTECTED_RATE = 0.01  # skyddade personuppgifter
COORDINATION_RATE = 0.03  # samordningsnummer
KIN_RATE = 0.6
REGISTERED_WITHIN_DAYS = 3650

PATIENT_COLUMNS = (
    "personal_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "protected_identity",
    "created_at",
    "created_by",
)
KIN_COLUMNS = ("patient_id", "full_name", "relationship", "phone", "email", "is_primary")


def seed_patients(ctx: SeedContext) -> None:
    registrars: Sequence[int | None] = ctx.staff.get("receptionist") or [None]
    now = datetime.now(UTC)
    with ctx.progress("Patients", ctx.patient_count) as advance:
        for start in range(0, ctx.patient_count, BATCH):
            size = min(BATCH, ctx.patient_count - start)
            batch = [
                (ctx.people.person(coordination_rate=COORDINATION_RATE), ctx.rng.random() < PROTECTED_RATE)
                for _ in range(size)
            ]
            ctx.copy(
                "patient",
                PATIENT_COLUMNS,
                (
                    _patient_row(ctx.rng, person, protected, now, ctx.rng.choice(registrars))
                    for person, protected in batch
                ),
            )
            _remember(ctx, batch)
            advance(size)


def _patient_row(
    rng: random.Random, p: Person, protected: bool, now: datetime, registrar: int | None
) -> tuple[object, ...]:
    born = datetime.combine(p.date_of_birth, time(12), UTC)
    created_at = max(born, now - timedelta(seconds=rng.randrange(REGISTERED_WITHIN_DAYS * 86400)))
    a = p.address
    return (
        p.personal_number,
        p.given_name,
        p.family_name,
        p.date_of_birth,
        p.sex,
        p.phone,
        p.email,
        a.street,
        a.postal_code,
        a.city,
        protected,
        created_at,
        registrar,
    )


def _remember(ctx: SeedContext, batch: list[tuple[Person, bool]]) -> None:
    ids: dict[str, int] = dict(
        ctx.conn.execute(
            "SELECT personal_number, id FROM patient WHERE personal_number = ANY(%s)",
            [[person.personal_number for person, _ in batch]],
        ).fetchall()
    )
    ctx.patients.extend(
        SeededPatient(ids[p.personal_number], p.given_name, p.family_name, p.sex, p.age, protected)
        for p, protected in batch
    )


def seed_next_of_kin(ctx: SeedContext) -> None:
    with ctx.progress("Next of kin", len(ctx.patients)) as advance:
        for start in range(0, len(ctx.patients), BATCH):
            batch = ctx.patients[start : start + BATCH]
            ctx.copy("next_of_kin", KIN_COLUMNS, _kin_rows(ctx, batch))
            advance(len(batch))


def _kin_rows(ctx: SeedContext, patients: list[SeededPatient]) -> Iterator[tuple[object, ...]]:
    rng = ctx.rng
    for patient in patients:
        if rng.random() >= KIN_RATE:
            continue
        for n in range(1 if rng.random() < 0.7 else 2):
            relationship = rng.choice(_relationships(patient.age))
            given, family = kin_name(ctx, patient, relationship)
            email = ctx.people.email(given, family) if rng.random() < 0.2 else None
            yield (patient.id, f"{given} {family}", relationship, ctx.people.mobile_phone(), email, n == 0)


def _relationships(age: int) -> tuple[str, ...]:
    if age < 18:
        return ("parent", "parent", "parent", "guardian")
    if age < 40:
        return ("partner", "spouse", "parent", "sibling", "friend")
    if age < 70:
        return ("spouse", "partner", "child", "sibling", "friend")
    return ("child", "child", "spouse", "sibling", "other")


def kin_name(ctx: SeedContext, patient: SeededPatient, relationship: str) -> tuple[str, str]:
    """Family shares the patient's family name more often than not."""
    rng, people = ctx.rng, ctx.people
    shares = relationship in ("parent", "child", "sibling") and rng.random() < 0.8
    shares = shares or (relationship == "spouse" and rng.random() < 0.6)
    family = patient.family_name if shares else people.family_name()
    return people.given_name(rng.choice(("female", "male"))), family
