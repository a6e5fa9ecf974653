"""Seed step: about fifty staff across every staff role, with profiles and care units.

The first of each role gets a well-known username (``doctor``, ``nurse``, …)
so the demo can be tried role by role; the rest are named given.family.
"""

from dataclasses import dataclass

from hms.seed.context import SeedContext

STAFF_EMAIL_DOMAIN = "hospital.example"


@dataclass(frozen=True)
class StaffGroup:
    role: str
    demo_username: str
    count: int
    professions: tuple[str, ...]  # the first is the demo account's
    titles: tuple[str | None, ...]
    licensed: bool
    # care units to spread the rest of the group over, and the demo account's
    units: tuple[str, ...] = ()
    demo_units: tuple[str, ...] = ()


WARDS = ("MED1", "MED2", "SURG1", "AKM", "PAED1", "GER1", "ORT1")
CLINICS = ("MEDMOT", "SURGMOT", "AKM", "BUMOT", "ORTMOT")

GROUPS = [
    StaffGroup(
        role="doctor", demo_username="doctor", count=14, professions=("Läkare",),
        titles=("Överläkare", "Specialistläkare", "ST-läkare", "AT-läkare"),
        licensed=True, units=WARDS, demo_units=("MED1", "MEDMOT"),
    ),
    StaffGroup(
        role="nurse", demo_username="nurse", count=18,
        professions=("Sjuksköterska", "Specialistsjuksköterska"),
        titles=("Avdelningssjuksköterska", None, "Avdelningschef"),
        licensed=True, units=WARDS, demo_units=("MED1",),
    ),
    StaffGroup(
        role="pharmacist", demo_username="pharmacist", count=4, professions=("Apotekare", "Receptarie"),
        titles=("Sjukhusapotekare", None), licensed=True,
    ),
    StaffGroup(
        role="receptionist", demo_username="reception", count=6,
        professions=("Receptionist", "Medicinsk sekreterare"), titles=(None,),
        licensed=False, units=CLINICS, demo_units=("MED1", "MEDMOT"),
    ),
    StaffGroup(
        role="administrator", demo_username="admin", count=3,
        professions=("Systemförvaltare", "Verksamhetschef"), titles=("Systemadministratör", None),
        licensed=False,
    ),
    StaffGroup(
        role="external_specialist", demo_username="specialist", count=5,
        professions=("Kardiolog", "Neurolog", "Dermatolog", "Onkolog", "Radiolog"),
        titles=("Överläkare, regionens specialistklinik",), licensed=True,
    ),
]  # fmt: skip


def seed_staff(ctx: SeedContext) -> None:
    licences = iter(ctx.rng.sample(range(100_000, 1_000_000), sum(g.count for g in GROUPS)))
    for group in GROUPS:
        ctx.staff[group.role] = []
        for n in range(group.count):
            licence = str(next(licences)) if group.licensed else None
            user_id = _staff_member(ctx, group, n, licence)
            ctx.staff[group.role].append(user_id)
            units = group.demo_units if n == 0 else _units_for(group, n)
            _place(ctx, user_id, [ctx.units[code] for code in units])


def _staff_member(ctx: SeedContext, group: StaffGroup, n: int, licence: str | None) -> int:
    """A staff account and its profile; the first of a group is the demo account."""
    people = ctx.people
    given, family = people.given_name(ctx.rng.choice(("female", "male"))), people.family_name()
    username = people.reserve_username(group.demo_username) if n == 0 else people.username(given, family)
    user_id = ctx.insert(
        "INSERT INTO app_user (username, password_hash, role, full_name, email) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        username, ctx.password_hash, group.role, f"{given} {family}", f"{username}@{STAFF_EMAIL_DOMAIN}",
    )  # fmt: skip
    profession = group.professions[0 if n == 0 else n % len(group.professions)]
    title = group.titles[n % len(group.titles)]
    ctx.conn.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number, title, phone) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [user_id, group.role, profession, licence, title, people.mobile_phone()],
    )
    if n == 0:
        ctx.add_login(group.role, username, f"{given} {family}", user_id)
    return user_id


def _place(ctx: SeedContext, user_id: int, unit_ids: list[int]) -> None:
    for unit_id in unit_ids:
        ctx.conn.execute(
            "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [user_id, unit_id]
        )
    ctx.staff_units[user_id] = unit_ids


def _units_for(group: StaffGroup, n: int) -> tuple[str, ...]:
    """Spread the rest of a group evenly over its units, in order."""
    if not group.units:
        return ()
    return (group.units[(n - 1) % len(group.units)],)
