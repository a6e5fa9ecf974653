"""Medication tests: a small formulary of their own (added beside whatever
the reference data holds) and helpers that prescribe with plain SQL, as the
app's role acting for a user, the way the app does."""

from typing import Any

import psycopg
import pytest

# generic name, ATC, form, strength, strength unit, dose unit, max a day, routes, stock unit
DRUGS = [
    ("Warfarin", "B01AA03", "tablet", 2.5, "mg", "mg", 20, "{oral}", "tablet"),
    ("Ibuprofen", "M01AE01", "tablet", 400, "mg", "mg", 2400, "{oral}", "tablet"),
    ("Naproxen", "M01AE02", "tablet", 250, "mg", "mg", 1000, "{oral}", "tablet"),
    ("Paracetamol", "N02BE01", "tablet", 500, "mg", "mg", 4000, "{oral}", "tablet"),
    ("Paracetamol", "N02BE01", "infusion", 10, "mg", "mg", 4000, "{iv}", "bag"),
    ("Fenoximetylpenicillin", "J01CE02", "tablet", 1, "g", "g", 6, "{oral}", "tablet"),
    ("Sertralin", "N06AB06", "tablet", 50, "mg", "mg", 200, "{oral}", "tablet"),
    ("Tramadol", "N02AX02", "capsule", 50, "mg", "mg", 400, "{oral}", "capsule"),
    ("Insulin aspart", "A10AB05", "injection", 100, "unit", "unit", None, "{sc,iv}", "pen"),
]
GROUPS = [
    ("B01AA", "Vitamin K-antagonister", "Vitamin K antagonists"),
    ("M01AE", "Propionsyraderivat", "Propionic acid derivatives"),
    ("N02BE", "Anilider", "Anilides"),
    ("J01CE", "Betalaktamaskänsliga penicilliner", "Beta-lactamase sensitive penicillins"),
    ("J01C", "Betalaktamantibakteriella medel, penicilliner", "Beta-lactam antibacterials, penicillins"),
    ("N06AB", "Selektiva serotoninåterupptagshämmare", "Selective serotonin reuptake inhibitors"),
    ("N02AX", "Övriga opioider", "Other opioids"),
    (
        "A10AB",
        "Insuliner och analoger för injektion, snabbverkande",
        "Insulins and analogues for injection, fast-acting",
    ),
]
INTERACTIONS = [
    ("B01AA03", "M01A", "major", "Raised risk of bleeding.", "Avoid; prefer paracetamol.",
     "Ökad blödningsrisk.", "Undvik; välj paracetamol."),
    ("N02AX02", "N06AB", "major", "Risk of serotonin syndrome and seizures.", "Avoid the combination.",
     "Risk för serotonergt syndrom och kramper.", "Undvik kombinationen."),
]  # fmt: skip


@pytest.fixture()
def drugs(owner: psycopg.Connection) -> dict[str, int]:
    """Drug ids by "Name form" (e.g. "Paracetamol tablet")."""
    return ensure_drugs(owner)


def ensure_drugs(owner: psycopg.Connection) -> dict[str, int]:
    """The drugs above, added where the formulary lacks them; ids by "Name form"."""
    with owner.transaction():
        for code, sv, en in GROUPS:
            owner.execute(
                "INSERT INTO atc_group (code, name_sv, name_en) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [code, sv, en],
            )
        ids = {}
        for name, atc, form, strength, unit, dose_unit, max_day, routes, stock in DRUGS:
            owner.execute(
                "INSERT INTO drug (generic_name, atc_code, form, strength, strength_unit, dose_unit, "
                "max_daily_dose, routes, stock_unit) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT ON CONSTRAINT drug_one_product DO NOTHING",
                [name, atc, form, strength, unit, dose_unit, max_day, routes, stock],
            )
            ids[f"{name} {form}"] = owner.execute(
                "SELECT id FROM drug WHERE generic_name = %s AND form = %s AND strength = %s",
                [name, form, strength],
            ).fetchone()["id"]
        for row in INTERACTIONS:
            owner.execute(
                "INSERT INTO drug_interaction (atc_a, atc_b, severity, effect_en, advice_en, effect_sv, advice_sv) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                row,
            )
    return ids


def given_prescription(owner: psycopg.Connection, cast: Any, *, patient: int | None = None) -> int:
    """A paracetamol prescription by Dr Alice from the medical ward, written as
    the owner acting in Alice's verified session (so the database fills it in
    as for her); returns the prescription's id."""
    from tests.acting import authenticate, session_for

    drug = ensure_drugs(owner)["Paracetamol tablet"]
    token = session_for(owner, cast.alice)
    with owner.transaction():
        authenticate(owner, token)
        row = prescribe(owner, cast, drug, patient_id=patient or cast.greta_patient, override_reason="Known")
    prescription_id: int = row["prescription_id"]
    return prescription_id


def prescribe(conn: Any, cast: Any, drug_id: int, **values: Any) -> dict:
    """A first version written with plain SQL (as the app writes it); returns the row."""
    row = {
        "patient_id": cast.greta_patient,
        "drug_id": drug_id,
        "change": "prescribed",
        "care_unit_id": cast.unit_med,
        "dose": 500,
        "dose_unit": "mg",
        "route": "oral",
        "schedule": "times",
        "times_of_day": ["08:00", "20:00"],
        "starts_at": "yesterday 00:00 Europe/Stockholm",
    } | values
    columns = ", ".join(row)
    marks = ", ".join(f"%({k})s" for k in row)
    return conn.execute(
        f"INSERT INTO prescription_version ({columns}) VALUES ({marks}) "  # noqa: S608 - fixed column names
        "RETURNING id, prescription_id, version_no, status, written_by",
        row,
    ).fetchone()


def change(conn: Any, cast: Any, first: dict, based_on: int, kind: str, **values: Any) -> dict:
    """A later version of the prescription ``first`` began: a change, pause,
    resumption, renewal or end, written against the version ``based_on``."""
    row = {
        "prescription_id": first["prescription_id"],
        "based_on": based_on,
        "change": kind,
        "care_unit_id": cast.unit_med,
    } | values
    columns = ", ".join(row)
    marks = ", ".join(f"%({k})s" for k in row)
    return conn.execute(
        f"INSERT INTO prescription_version ({columns}) VALUES ({marks}) "  # noqa: S608 - fixed column names
        "RETURNING id, prescription_id, version_no, status, written_by",
        row,
    ).fetchone()


# Each person in their own logged-in browser (see tests/consultations).
from tests.consultations.conftest import Browser, browser  # noqa: E402, F401
