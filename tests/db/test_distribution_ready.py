"""The schema stays ready to be distributed by patient (Citus), read from the
catalogue of the migrated database; docs/SCALING.md tells the path.

Patient-owned tables are derived, not listed: the patient table itself (the
table every `patient_id` column refers to, distributed by its `id`), every
table of schema public with a `patient_id` column, and every table whose rows
all belong to a row of those through a foreign key whose columns are NOT NULL
(a note section through its note version). The rules Citus sets for tables
distributed by one column and co-located:

- the distribution column is there and NOT NULL;
- the primary key, every unique index and every exclusion constraint
  include it;
- a foreign key between two of them pairs it with the parent's;
- no other table refers to them (a reference table may refer only to
  reference tables).

Every other table is named in REFERENCE_TABLES, with the reason it is
copied whole to every node. What cannot hold is in EXCEPTIONS, each pointing
to the section of docs/SCALING.md that says why; an exception that no longer
happens fails too, so the list cannot outlive its reasons."""

import re
from pathlib import Path

import pytest

from tests.db.expect import refused
from tests.journal import given

SCALING = Path(__file__).resolve().parents[2] / "docs" / "SCALING.md"

# The tables copied whole to every node (create_reference_table), and why.
REFERENCE_TABLES = {
    # the organisation: small, read by almost every query, changed by administrators
    "department": "organisation",
    "care_unit": "organisation",
    "ward": "organisation",
    "room": "organisation",
    "bed": "organisation",
    "clinic_room": "organisation: scheduling's rooms",
    "appointment_type": "organisation: what each unit books",
    "working_hours": "organisation: clinicians' hours, read by every free-slot search",
    "schedule_exception": "organisation: clinicians' absences, read by every free-slot search",
    "referral_urgency_target": "organisation: turnaround targets",
    # terminologies: loaded by migrations, read-only to the app
    "icd10_code": "terminology: ICD-10",
    "lab_test": "terminology: LOINC tests",
    "lab_panel": "terminology: LOINC panels",
    "lab_panel_test": "terminology: a panel's tests",
    "lab_reference_range": "terminology: reference ranges by sex and age",
    "vital_sign_code": "terminology: vital signs",
    "atc_group": "terminology: ATC",
    "drug": "terminology: the formulary",
    "drug_interaction": "terminology: the formulary's interactions",
    "patient_name_word": "terminology: the words that occur in names, no patient's (patient search)",
    # accounts and staff: every request authenticates against them
    "app_user": "accounts",
    "user_session": "accounts: read by every request's authentication",
    "portal_activation_code": "accounts: portal activation",
    "calendar_feed": "accounts: a clinician's calendar token",
    "staff_profile": "staff",
    "staff_care_unit": "staff: unit membership, read by every access decision",
    "department_head": "staff: who may read a department's reports",
    # reports: aggregates of every patient, one stamp per refresh
    "report_refresh": "reports: when the figures were last computed",
    # the pharmacy's stock: hospital-wide, not a patient's (its dispenses are)
    "stock_location": "pharmacy stock",
    "stock_batch": "pharmacy stock",
    "stock_level": "pharmacy stock",
    "stock_ledger": "pharmacy stock (see EXCEPTIONS for its reference to a dispense)",
    "stock_receipt": "pharmacy stock",
    "stock_receipt_line": "pharmacy stock",
    "ward_order": "pharmacy stock: a ward's order",
    "ward_order_line": "pharmacy stock: a ward's order",
    "ward_order_event": "pharmacy stock: a ward's order",
}

# The migration tool's own tables stay on the coordinator.
BOOKKEEPING = {"_yoyo_log", "_yoyo_migration", "_yoyo_version", "yoyo_lock"}

# (table, constraint or column): the section of docs/SCALING.md that says why.
EXCEPTIONS = {
    ("patient", "patient_personal_number_key"): "the-personal-identity-number",
    ("audit_log", "patient_id"): "the-audit-log",
    ("audit_log", "audit_log_pkey"): "the-audit-log",
    ("audit_log", "audit_log_chain_seq_key"): "the-audit-log",
    ("patient_user", "patient_user_pkey"): "a-portal-account-and-its-patient",
    ("bed_occupancy", "bed_occupancy_no_double_booking"): "beds-clinicians-and-rooms",
    ("appointment", "appointment_no_overlap_clinician"): "beds-clinicians-and-rooms",
    ("appointment", "appointment_no_overlap_room"): "beds-clinicians-and-rooms",
    ("stock_dispense", "stock_dispense_pkey"): "the-pharmacy-ledger-and-its-dispenses",
    ("stock_ledger", "stock_ledger_dispense_id_fkey"): "the-pharmacy-ledger-and-its-dispenses",
}


def tables(owner) -> dict[str, int]:
    rows = owner.execute(
        "SELECT c.relname, c.oid::bigint AS oid FROM pg_class AS c "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
    ).fetchall()
    return {r["relname"]: r["oid"] for r in rows}


def columns(owner, oid: int, numbers) -> list[str]:
    rows = owner.execute(
        "SELECT attname FROM unnest(%s::int2[]) WITH ORDINALITY AS k (n, i) "
        "JOIN pg_attribute ON attrelid = %s AND attnum = k.n ORDER BY k.i",
        [list(numbers), oid],
    ).fetchall()
    return [r["attname"] for r in rows]


def foreign_keys(owner) -> list[dict]:
    return owner.execute(
        "SELECT con.conname, con.conrelid::regclass::text AS child, con.confrelid::regclass::text AS parent, "
        "con.conrelid::bigint AS child_oid, con.confrelid::bigint AS parent_oid, con.conkey, con.confkey, "
        "bool_and(a.attnotnull) AS not_null "
        "FROM pg_constraint AS con JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey) "
        "WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace "
        "AND (SELECT relnamespace FROM pg_class WHERE oid = con.confrelid) = 'public'::regnamespace "
        "GROUP BY con.oid ORDER BY 1"
    ).fetchall()


def patient_owned(owner) -> dict[str, str]:
    """Each patient-owned table with its distribution column."""
    all_tables = tables(owner)
    roots = owner.execute(
        "SELECT DISTINCT con.confrelid::regclass::text AS root FROM pg_constraint AS con "
        "JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] "
        "WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND a.attname = 'patient_id' "
        "AND con.connamespace = 'public'::regnamespace"
    ).fetchall()
    assert [r["root"] for r in roots] == ["patient"], "every patient_id refers to patient"
    owned = {"patient": "id"}
    for name, oid in all_tables.items():
        if owner.execute(
            "SELECT 1 FROM pg_attribute WHERE attrelid = %s AND attname = 'patient_id' AND NOT attisdropped",
            [oid],
        ).fetchone():
            owned[name] = "patient_id"
    fks = foreign_keys(owner)
    grew = True
    while grew:  # rows that all belong to a patient-owned row belong to its patient
        grew = False
        for fk in fks:
            if fk["parent"] in owned and fk["child"] not in owned and fk["not_null"]:
                owned[fk["child"]] = "patient_id"
                grew = True
    return owned


def violations(owner) -> set[tuple[str, str]]:
    """Where the schema breaks a rule of distribution, as (table, constraint or column)."""
    owned = patient_owned(owner)
    all_tables = tables(owner)
    found = set()
    for name, column in owned.items():
        oid = all_tables[name]
        attr = owner.execute(
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = %s AND attname = %s AND NOT attisdropped",
            [oid, column],
        ).fetchone()
        if attr is None or not attr["attnotnull"]:
            found.add((name, column))
        keys = owner.execute(
            "SELECT ic.relname, i.indkey::int2[] AS k, i.indisprimary, i.indisunique FROM pg_index AS i "
            "JOIN pg_class AS ic ON ic.oid = i.indexrelid WHERE i.indrelid = %s AND (i.indisunique OR "
            "EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid AND contype = 'x'))",
            [oid],
        ).fetchall()
        if not any(k["indisprimary"] for k in keys):
            found.add((name, f"{name}_pkey"))
        for k in keys:
            if column not in columns(owner, oid, k["k"]):
                found.add((name, k["relname"]))
    for fk in foreign_keys(owner):
        if fk["parent"] not in owned:
            continue
        if fk["child"] not in owned:
            found.add((fk["child"], fk["conname"]))
            continue
        child = columns(owner, fk["child_oid"], fk["conkey"])
        parent = columns(owner, fk["parent_oid"], fk["confkey"])
        if (owned[fk["child"]], owned[fk["parent"]]) not in zip(child, parent, strict=True):
            found.add((fk["child"], fk["conname"]))
    return found


def test_every_rule_of_distribution_holds_but_the_named_exceptions(owner):
    new = violations(owner) - EXCEPTIONS.keys()
    assert not new, f"these break a rule of distribution (docs/SCALING.md): {sorted(new)}"


def test_every_named_exception_still_happens(owner):
    gone = EXCEPTIONS.keys() - violations(owner)
    assert not gone, f"these exceptions no longer happen; take them off the list: {sorted(gone)}"


def test_every_exception_points_to_a_section_of_the_scaling_notes():
    headings = re.findall(r"^#+ (.+)$", SCALING.read_text(encoding="utf-8"), flags=re.MULTILINE)
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
    assert set(EXCEPTIONS.values()) <= anchors


def test_every_table_is_patient_owned_or_a_reference_table(owner):
    owned = patient_owned(owner)
    assert not owned.keys() & REFERENCE_TABLES.keys(), "a reference table holds no patient's rows"
    unplaced = tables(owner).keys() - owned.keys() - REFERENCE_TABLES.keys() - BOOKKEEPING
    assert not unplaced, f"say whether these are distributed or reference tables: {sorted(unplaced)}"
    assert REFERENCE_TABLES.keys() <= tables(owner).keys()


def test_reference_tables_refer_only_to_reference_tables(owner):
    wrong = [
        (fk["child"], fk["conname"])
        for fk in foreign_keys(owner)
        if fk["child"] in REFERENCE_TABLES and fk["parent"] not in REFERENCE_TABLES
    ]
    assert set(wrong) <= EXCEPTIONS.keys()


# The composite keys also refuse a row that points at another patient's row,
# even from the schema's owner: once the app's functions alone kept them apart.


@pytest.fixture()
def asa(owner) -> int:
    """Åsa Ek, a second patient."""
    return given.patient(owner, given.ASA)


def test_a_note_section_cannot_join_another_patients_note_version(owner, cast, asa):
    _, version = given.note(owner, cast)
    refused(
        owner,
        "INSERT INTO note_section (version_id, patient_id, position, heading, body) "
        "VALUES (%s, %s, 9, 'Åtgärd', 'Slipped in')",
        [version, asa],
        constraint="note_section_version_id_fkey",
    )


def test_a_mail_cannot_carry_another_patients_notice(owner, cast, asa):
    notice = owner.execute(
        "INSERT INTO patient_notice (patient_id, kind, about_start, type_name, unit_name) "
        "VALUES (%s, 'booked', now() + interval '2 days', 'Återbesök', 'Medical ward 1') RETURNING id",
        [cast.greta_patient],
    ).fetchone()["id"]
    refused(
        owner,
        "INSERT INTO mail_outbox (notice_id, patient_id, to_address, subject, body) "
        "VALUES (%s, %s, 'asa@example.org', 'Your appointment is booked', 'Greta''s time')",
        [notice, asa],
        constraint="mail_outbox_notice_id_fkey",
    )


def test_a_note_section_takes_its_patient_from_its_version(acting_as, cast):
    """The statements that write sections name the version only; the app's
    role writes them as before and the row carries the version's patient."""
    dr_alice = acting_as(cast.alice, "doctor")
    _, version = given.note(dr_alice, cast)
    rows = dr_alice.execute("SELECT DISTINCT patient_id FROM note_section WHERE version_id = %s", [version])
    assert [r["patient_id"] for r in rows.fetchall()] == [cast.greta_patient]


def test_every_primary_key_with_an_id_starts_with_it(owner):
    """The id comes first in every key that has one, so a row is still found
    by its id alone on the key's index (patient_id follows)."""
    rows = owner.execute(
        "SELECT c.conrelid::regclass::text AS tbl, a.attname AS first FROM pg_constraint AS c "
        "JOIN pg_attribute AS a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'p' AND c.connamespace = 'public'::regnamespace "
        "AND 'id' = ANY (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY (c.conkey))"
    ).fetchall()
    assert {r["tbl"] for r in rows} >= {"encounter", "note", "note_version", "prescription", "lab_result"}
    assert [r["tbl"] for r in rows if r["first"] != "id"] == []
