"""Seed step: the central pharmacy and a medicine room for every inpatient
unit, stock of the formulary's drugs (some near expiry, some below their
reorder level) and a few ward orders at every step.

The stock is made as the hospital makes it, through the pharmacy's own
functions (migration 0021), acting as the demo pharmacist and the wards'
nurses through sessions opened for this step and closed after it: the ledger
then names who received, ordered and delivered, as it would in use.
Where the formulary is still empty, a few common drugs are added first."""

import hashlib
import json
import secrets
from datetime import timedelta

from hms.core.clock import today
from hms.seed.context import SeedContext

# Used only when the formulary holds no drug yet: (ATC group, its names), drug rows.
FALLBACK_GROUPS = [
    ("N02BE", "Anilider", "Anilides"),
    ("C03CA", "Sulfonamider", "Sulfonamides"),
    ("B01AB", "Heparingruppen", "Heparin group"),
    ("J01CE", "Betalaktamaskänsliga penicilliner", "Beta-lactamase sensitive penicillins"),
    ("A10AB", "Insuliner, snabbverkande", "Insulins, fast-acting"),
    ("N02AA", "Naturliga opiumalkaloider", "Natural opium alkaloids"),
]
FALLBACK_DRUGS = [
    ("Paracetamol", "N02BE01", "tablet", 500, "mg", "mg", 4000, "{oral}", "tablet"),
    ("Furosemid", "C03CA01", "tablet", 40, "mg", "mg", 1500, "{oral}", "tablet"),
    ("Dalteparin", "B01AB04", "injection", 5000, "unit", "unit", 20000, "{sc}", "ampoule"),
    ("Bensylpenicillin", "J01CE01", "injection", 1, "g", "g", 12, "{iv,im}", "vial"),
    ("Insulin aspart", "A10AB05", "injection", 100, "unit", "unit", None, "{sc}", "pen"),
    ("Morfin", "N02AA01", "injection", 10, "mg", "mg", 200, "{iv,sc}", "ampoule"),
]
# Drugs stocked (at most), and every how many a drug is kept low or near expiry.
STOCKED = 60
LOW_EVERY = 7
NEAR_EXPIRY_EVERY = 5
REORDER_LEVEL = 50


def seed_pharmacy(ctx: SeedContext) -> None:
    pharmacists = ctx.staff.get("pharmacist", [])
    if not pharmacists:
        return
    drugs = _drugs(ctx)
    pharmacy = ctx.insert(
        "INSERT INTO stock_location (kind, name) VALUES ('pharmacy', 'Centralapoteket') RETURNING id"
    )
    rooms = _rooms(ctx)
    tokens: list[bytes] = []
    try:
        _act(ctx, pharmacists[0], tokens)
        _receive(ctx, drugs)
        for drug in drugs:
            ctx.conn.execute(
                "INSERT INTO stock_level (location_id, drug_id, reorder_level) VALUES (%s, %s, %s)",
                [pharmacy, drug, REORDER_LEVEL],
            )
        for room, nurse in rooms:
            _orders(ctx, room, nurse, pharmacists[0], drugs, tokens)
    finally:
        # No session of the seed outlives it, nor its verified identity.
        ctx.conn.execute("DELETE FROM user_session WHERE token_hash = ANY(%s)", [tokens])
        ctx.conn.execute("SELECT count(*) FROM hms_authenticate(%s)", [secrets.token_urlsafe(32)])


def _drugs(ctx: SeedContext) -> list[int]:
    rows = ctx.conn.execute(
        "SELECT id FROM drug WHERE retired_at IS NULL ORDER BY id LIMIT %s", [STOCKED]
    ).fetchall()
    if rows:
        return [int(r[0]) for r in rows]
    for code, sv, en in FALLBACK_GROUPS:
        ctx.conn.execute(
            "INSERT INTO atc_group (code, name_sv, name_en) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [code, sv, en],
        )
    return [
        ctx.insert(
            "INSERT INTO drug (generic_name, atc_code, form, strength, strength_unit, dose_unit, "
            "max_daily_dose, routes, stock_unit) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            *row,
        )
        for row in FALLBACK_DRUGS
    ]


def _rooms(ctx: SeedContext) -> list[tuple[int, int]]:
    """A medicine room per inpatient unit, with a nurse of that unit."""
    nurses = ctx.staff.get("nurse", [])
    rooms = []
    for code, unit in sorted(ctx.units.items()):
        if ctx.unit_kinds.get(code) != "inpatient":
            continue
        room = ctx.insert(
            "INSERT INTO stock_location (kind, name, care_unit_id) VALUES ('ward', %s, %s) RETURNING id",
            f"Läkemedelsrum {code}",
            unit,
        )
        nurse = next((n for n in nurses if unit in ctx.staff_units.get(n, [])), None)
        if nurse is not None:
            rooms.append((room, nurse))
    return rooms


def _act(ctx: SeedContext, user_id: int, tokens: list[bytes]) -> None:
    """Act as the user for what follows in this transaction, as a request does."""
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).digest()
    tokens.append(digest)
    ctx.conn.execute(
        "INSERT INTO user_session (token_hash, user_id, csrf_token) VALUES (%s, %s, %s)",
        [digest, user_id, secrets.token_urlsafe(32)],
    )
    ctx.conn.execute("SELECT count(*) FROM hms_authenticate(%s)", [token])


def _receive(ctx: SeedContext, drugs: list[int]) -> None:
    """One delivery of everything, two batches of some drugs."""
    rng, lines = ctx.rng, []
    for n, drug in enumerate(drugs):
        low = n % LOW_EVERY == 0
        days = rng.randint(20, 80) if n % NEAR_EXPIRY_EVERY == 0 else rng.randint(180, 900)
        lines.append(
            {
                "drug_id": drug,
                "lot": f"{rng.choice('ABCDEFGHKLMNPR')}{rng.randint(10000, 99999)}",
                "expires_on": (today() + timedelta(days=days)).isoformat(),
                "quantity": rng.randint(5, REORDER_LEVEL - 10) if low else rng.randint(80, 600),
                "unit_cost": f"{rng.uniform(0.4, 120):.2f}",
            }
        )
    ctx.conn.execute("SELECT pharmacy_receive('Apoteket AB', 'FS-2026-001', %s::jsonb)", [json.dumps(lines)])


def _orders(
    ctx: SeedContext, room: int, nurse: int, pharmacist: int, drugs: list[int], tokens: list[bytes]
) -> None:
    """Three orders for the room: one delivered, one approved, one just requested."""
    for steps in (("approved", "picked", "delivered"), ("approved",), ()):
        _act(ctx, nurse, tokens)
        # Ordered from the well-stocked drugs only: how much of a low one is
        # left depends on the random draws before, which change with the day
        # the demo is loaded on (the schedule's days), and an order the stock
        # cannot meet is refused.
        stocked = [d for n, d in enumerate(drugs) if n % LOW_EVERY != 0] or drugs
        chosen = ctx.rng.sample(stocked, k=min(3, len(stocked)))
        lines = [{"drug_id": d, "quantity": ctx.rng.randint(1, 4)} for d in chosen]
        row = ctx.conn.execute(
            "SELECT ward_order_request(%s, %s::jsonb, 'Veckobeställning')", [room, json.dumps(lines)]
        ).fetchone()
        order = row[0] if row else None
        _act(ctx, pharmacist, tokens)
        for step in steps:
            ctx.conn.execute("SELECT ward_order_move(%s, %s)", [order, step])
