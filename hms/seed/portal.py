"""Seed steps: portal accounts for some patients, and relatives who log in.

A relative is also written down as the patient's next of kin. The proxy
consent that lets a relative see the patient's record belongs to the access
domain; ``ctx.relatives`` lists the pairs for the step that grants it.
"""

from dataclasses import dataclass

from hms.seed.context import SeedContext, SeededPatient
from hms.seed.patients import KIN_COLUMNS, kin_name

PORTAL_RATE = 0.02
RELATIVE_RATE = 0.25  # of the patients with a portal account
USER_COLUMNS = ("username", "password_hash", "role", "full_name")


def seed_portal_accounts(ctx: SeedContext) -> None:
    adults = [p for p in ctx.patients if p.age >= 18 and not p.protected]
    if not adults:
        return
    count = min(len(adults), max(1, round(len(ctx.patients) * PORTAL_RATE)))
    chosen = ctx.rng.sample(adults, count)
    # The demo patient is old enough to have a grown-up child as their relative.
    demo = next((p for p in chosen if 60 <= p.age <= 85), chosen[0])
    usernames = {
        p.id: ctx.people.reserve_username("patient")
        if p is demo
        else ctx.people.username(p.given_name, p.family_name)
        for p in chosen
    }
    names = [(usernames[p.id], f"{p.given_name} {p.family_name}") for p in chosen]
    user_ids = _create_users(ctx, "patient", names)
    ctx.copy("patient_user", ("user_id", "patient_id"), ((user_ids[usernames[p.id]], p.id) for p in chosen))
    ctx.portal_users.update({p.id: user_ids[usernames[p.id]] for p in chosen})
    ctx.add_login("patient", "patient", f"{demo.given_name} {demo.family_name}", user_ids["patient"])


@dataclass(frozen=True)
class Relative:
    patient: SeededPatient
    relationship: str
    full_name: str
    username: str


def seed_relatives(ctx: SeedContext) -> None:
    by_id = {p.id: p for p in ctx.patients if p.id in ctx.portal_users}
    if not by_id:
        return
    demo = next(pid for pid, uid in ctx.portal_users.items() if uid == ctx.user_ids.get("patient"))
    others = sorted(pid for pid in by_id if pid != demo)
    count = min(len(others), max(1, round(len(by_id) * RELATIVE_RATE)) - 1)
    chosen = [demo, *ctx.rng.sample(others, count)]
    relatives = [_relative_of(ctx, by_id[pid], demo=n == 0) for n, pid in enumerate(chosen)]
    user_ids = _create_users(ctx, "relative", [(r.username, r.full_name) for r in relatives])
    kin = (
        (r.patient.id, r.full_name, r.relationship, ctx.people.mobile_phone(), None, False) for r in relatives
    )
    ctx.copy("next_of_kin", KIN_COLUMNS, kin)
    ctx.relatives.extend((user_ids[r.username], r.patient.id) for r in relatives)
    ctx.add_login("relative", "relative", relatives[0].full_name, user_ids["relative"])


def _relative_of(ctx: SeedContext, patient: SeededPatient, *, demo: bool) -> Relative:
    """Someone close to an adult patient: a grown-up child of the old, else a partner or family."""
    if patient.age >= 60:
        relationship = "child"
    else:
        relationship = ctx.rng.choice(("spouse", "partner", "parent", "sibling"))
    given, family = kin_name(ctx, patient, relationship)
    username = ctx.people.reserve_username("relative") if demo else ctx.people.username(given, family)
    return Relative(patient, relationship, f"{given} {family}", username)


def _create_users(ctx: SeedContext, role: str, users: list[tuple[str, str]]) -> dict[str, int]:
    """Create login accounts (username, full name) in one COPY; returns username -> id."""
    ctx.copy(
        "app_user", USER_COLUMNS, ((username, ctx.password_hash, role, name) for username, name in users)
    )
    return dict(
        ctx.conn.execute(
            "SELECT username, id FROM app_user WHERE username = ANY(%s)",
            [[username for username, _ in users]],
        ).fetchall()
    )
