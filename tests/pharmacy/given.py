"""Pharmacy fixtures as plain SQL: the formulary's few drugs the tests need,
the central pharmacy and the wards' medicine rooms, an approved prescription
for Greta, and deliveries received by Petra the pharmacist."""

import datetime as dt
import json
from dataclasses import dataclass

import psycopg

from hms.core.clock import today

ATC_GROUPS = [("N02BE", "Anilider", "Anilides"), ("C03CA", "Sulfonamider", "Sulfonamides")]
DRUGS = [
    # generic name, ATC, form, strength, unit, dose unit, max daily, routes, stock unit
    ("Paracetamol", "N02BE01", "tablet", 500, "mg", "mg", 4000, "{oral}", "tablet"),
    ("Furosemid", "C03CA01", "tablet", 40, "mg", "mg", 1500, "{oral}", "tablet"),
]


@dataclass(frozen=True)
class Stockroom:
    pharmacy: int
    ward_med: int
    ward_surg: int
    paracetamol: int
    furosemid: int


def stockroom(owner: psycopg.Connection, cast) -> Stockroom:
    """The drugs, the central pharmacy and the two wards' medicine rooms."""
    for code, sv, en in ATC_GROUPS:
        owner.execute(
            "INSERT INTO atc_group (code, name_sv, name_en) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            [code, sv, en],
        )
    drug_ids = []
    # Added where the reference formulary lacks them (it is loaded with the schema).
    for name, atc, form, strength, unit, dose_unit, max_daily, routes, stock_unit in DRUGS:
        owner.execute(
            "INSERT INTO drug (generic_name, atc_code, form, strength, strength_unit, dose_unit, "
            "max_daily_dose, routes, stock_unit) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT ON CONSTRAINT drug_one_product DO NOTHING",
            [name, atc, form, strength, unit, dose_unit, max_daily, routes, stock_unit],
        )
        drug_ids.append(
            owner.execute(
                "SELECT id FROM drug WHERE generic_name = %s AND form = %s AND strength = %s AND strength_unit = %s",
                [name, form, strength, unit],
            ).fetchone()["id"]
        )
    pharmacy = owner.execute(
        "INSERT INTO stock_location (kind, name) VALUES ('pharmacy', 'Central pharmacy') RETURNING id"
    ).fetchone()["id"]
    rooms = [
        owner.execute(
            "INSERT INTO stock_location (kind, name, care_unit_id) VALUES ('ward', %s, %s) RETURNING id",
            [name, unit],
        ).fetchone()["id"]
        for name, unit in (
            ("Medicine room, ward 12", cast.unit_med),
            ("Medicine room, surgery", cast.unit_surg),
        )
    ]
    return Stockroom(pharmacy, rooms[0], rooms[1], drug_ids[0], drug_ids[1])


def in_days(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)


def receive(petra, drug: int, quantity: int, *, days: int = 365, lot: str = "L1", cost: str = "1.50") -> int:
    """Petra receives one batch; returns the new batch's id."""
    lines = [
        {
            "drug_id": drug,
            "lot": lot,
            "expires_on": in_days(days).isoformat(),
            "quantity": quantity,
            "unit_cost": cost,
        }
    ]
    receipt = petra.execute(
        "SELECT pharmacy_receive('Apoteket AB', 'FS-1', %s::jsonb) AS id", [json.dumps(lines)]
    ).fetchone()["id"]
    return batch_of(petra, receipt)


def batch_of(conn, receipt: int) -> int:
    return conn.execute(
        "SELECT batch_id FROM stock_receipt_line WHERE receipt_id = %s ORDER BY id LIMIT 1", [receipt]
    ).fetchone()["batch_id"]


def expired_batch(owner: psycopg.Connection, drug: int, location: int, quantity: int, user: int) -> int:
    """A batch that expired yesterday (received long ago; made as the owner,
    since no receipt accepts an expired batch today)."""
    batch = owner.execute(
        "INSERT INTO stock_batch (drug_id, location_id, lot, expires_on, unit_cost) "
        "VALUES (%s, %s, 'OLD1', %s, 2) RETURNING id",
        [drug, location, in_days(-1)],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by) "
        "VALUES (%s, 'adjustment', %s, 'Stock count at go-live', %s)",
        [batch, quantity, user],
    )
    return batch


def prescription(acting_as, cast, drug: int, *, approve: bool = True, patient: int | None = None) -> int:
    """Dr Alice prescribes the drug for Greta (in her care); Petra approves it."""
    alice = acting_as(cast.alice, "doctor")
    row = alice.execute(
        "INSERT INTO prescription_version (patient_id, drug_id, change, care_unit_id, dose, dose_unit, route, "
        "schedule, times_of_day, starts_at) VALUES (%s, %s, 'prescribed', %s, 500, 'mg', 'oral', 'times', "
        "'{08:00,20:00}', now() - interval '1 day') RETURNING prescription_id, id",
        [patient or cast.greta_patient, drug, cast.unit_med],
    ).fetchone()
    if approve:
        acting_as(cast.petra, "pharmacist").execute(
            "INSERT INTO prescription_review (prescription_id, version_id, outcome) VALUES (%s, %s, 'approved')",
            [row["prescription_id"], row["id"]],
        )
    return row["prescription_id"]


def discontinue(acting_as, cast, prescription_id: int) -> None:
    alice = acting_as(cast.alice, "doctor")
    current = alice.execute(
        "SELECT current_version_id FROM prescription WHERE id = %s", [prescription_id]
    ).fetchone()["current_version_id"]
    alice.execute(
        "INSERT INTO prescription_version (prescription_id, patient_id, drug_id, change, based_on, care_unit_id, "
        "dose, dose_unit, route, schedule, times_of_day, starts_at, reason) SELECT %s, patient_id, drug_id, "
        "'discontinued', %s, %s, 500, 'mg', 'oral', 'times', '{08:00}', now(), 'Not needed any more' "
        "FROM prescription WHERE id = %s",
        [prescription_id, current, cast.unit_med, prescription_id],
    )


def balances(owner: psycopg.Connection) -> list[tuple[int, int, int]]:
    """(batch, quantity, ledger sum) of every batch."""
    rows = owner.execute(
        "SELECT b.id, b.quantity, coalesce((SELECT sum(l.quantity) FROM stock_ledger AS l "
        "WHERE l.batch_id = b.id), 0)::integer AS ledger FROM stock_batch AS b ORDER BY b.id"
    ).fetchall()
    return [(r["id"], r["quantity"], r["ledger"]) for r in rows]
