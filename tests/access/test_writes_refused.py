"""A role without a write route's permission is refused with 403 and writes
nothing: every table the routes write is the same, row for row, before and
after (a checksum of its contents, so an UPDATE would show too). Generated
from the route registry, like the read matrix."""

import re

from fastapi.routing import APIRoute

from hms.core.roles import has_permission
from hms.web.guard import all_routes, policy_of
from tests.access.test_route_matrix import ROLES

# Every table a write route may change (sessions excluded: logging in writes them).
WRITTEN_TABLES = (
    "patient", "next_of_kin", "patient_user", "app_user", "staff_profile", "staff_care_unit",
    "department", "care_unit", "ward", "room", "bed", "encounter", "bed_occupancy", "note",
    "note_version", "note_section", "diagnosis", "procedure_record", "allergy", "history_entry",
    "care_plan", "vital_signs", "care_assignment", "emergency_access", "journal_block",
    "proxy_grant", "consultation", "audit_log", "referral", "referral_diagnosis",
)  # fmt: skip

# One plausible value for every field any write form reads: were the guard
# to let the request through, the write would succeed and show.
FORM = {
    "reason": "Unconscious in the emergency room, needs history",
    "care_unit_id": "{unit_med}", "kind": "progress", "action": "sign",
    "section_1": "Cough and fever.", "section_2": "Pneumonia.",
    "code": "J15.9", "rank": "primary", "onset_date": "2024-03-01",
    "substance": "Penicillin", "category": "medication", "severity": "severe", "reaction": "Rash",
    "systolic": "120", "diastolic": "80", "pulse": "70", "temperature": "36.8",
    "respiratory_rate": "14", "spo2": "97", "consciousness": "A", "measured_at": "2024-03-02T08:00",
    "description": "Former smoker.", "name": "Appendectomy", "performed_at": "2024-03-02T10:00",
    "title": "Mobilisation", "goals": "Walks", "actions": "Physio", "responsible_id": "{alice}",
    "personal_number": "198507099805", "given_name": "Åsa", "family_name": "Ek",
    "date_of_birth": "1985-07-09", "sex": "female", "phone": "070-000 00 00",
    "relation": "son", "username": "sven", "scopes": "record",
    "question": "Is anticoagulation advisable now for this patient?", "specialist_id": "{erik}",
    "answer": "Yes.", "review": "justified", "comment": "Fine.", "full_name": "New Person",
    "role": "doctor", "password": "Correct-horse-2", "department_id": "1", "ward_id": "1", "room_id": "1",
    "label": "C", "bed_id": "{bed_b}", "patient_id": "{greta_patient}",
}  # fmt: skip


def write_routes(app) -> list[APIRoute]:
    return [
        r
        for r in all_routes(app.routes)
        if isinstance(r, APIRoute) and "POST" in r.methods and policy_of(r.endpoint).permission is not None
    ]


def snapshot(owner) -> dict[str, str]:
    parts = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {t} AS t) AS {t}"
        for t in WRITTEN_TABLES
    )
    return owner.execute(f"SELECT {parts}").fetchone()  # noqa: S608 (table names are constants)


def url_of(route: APIRoute, world) -> str:
    cast = world.cast
    ids = {
        "patient_id": cast.greta_patient, "note_id": world.notes[cast.greta_patient],
        "encounter_id": world.encounter, "user_id": cast.alice, "care_unit_id": cast.unit_med,
        "ward_id": cast.ward_med, "bed_id": cast.bed_b,
    }  # fmt: skip
    return re.sub(r"{(\w+)}", lambda m: str(ids.get(m.group(1), 1)), route.path)


def test_the_registry_has_journal_and_registry_writes(app):
    paths = {r.path for r in write_routes(app)}
    assert {"/patients/new", "/api/patients", "/patients/{patient_id}/journal/notes/new"} <= paths
    assert "/patients/{patient_id}/journal/diagnoses/new" in paths


def test_a_role_without_the_permission_is_refused_and_nothing_is_written(app, world, browser, owner):
    form = {k: v.format(**world.cast.ids) for k, v in FORM.items()}
    wrong, tried = [], 0
    browsers = {username: browser(username) for username in ROLES}  # logging in is audited: first
    for route in write_routes(app):
        permission = policy_of(route.endpoint).permission
        url = url_of(route, world)
        before = snapshot(owner)
        before_seq = owner.execute("SELECT coalesce(max(id), 0) AS seq FROM audit_log").fetchone()["seq"]
        for username, role in ROLES.items():
            if has_permission(role, permission):
                continue
            who = browsers[username]
            response = who.post(url, json=form) if url.startswith("/api/") else who.post(url, form)
            tried += 1
            if response.status_code != 403:
                wrong.append(f"{username} POST {url}: {response.status_code}")
        changed = [t for t, digest in snapshot(owner).items() if digest != before[t] and t != "audit_log"]
        if changed:
            wrong.append(f"POST {url} by roles without {permission} changed {changed}")
        # the audit log gains only refusals
        added = owner.execute("SELECT DISTINCT outcome FROM audit_log WHERE id > %s", [before_seq]).fetchall()
        if any(row["outcome"] != "refused" for row in added):
            wrong.append(f"POST {url} by roles without {permission} logged {added}")
    assert wrong == []
    assert tried > 100


def test_a_doctor_outside_the_care_is_refused_a_diagnosis_and_nothing_is_written(world, browser, owner):
    # given Dr Charlie, who holds diagnosis.write but has no care relation to Greta
    form = {k: v.format(**world.cast.ids) for k, v in FORM.items()} | {
        "care_unit_id": str(world.cast.unit_surg)
    }
    before = snapshot(owner)
    # when he records a diagnosis for her
    response = browser("charlie").post(f"/patients/{world.greta.patient_id}/journal/diagnoses/new", form)
    # then he is refused (with the offer of emergency access) and only the refusal is logged
    assert response.status_code == 403
    after = snapshot(owner)
    assert [t for t in WRITTEN_TABLES if after[t] != before[t]] == ["audit_log"]
    refusal = owner.execute(
        "SELECT user_id, patient_id, outcome FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert refusal == {
        "user_id": world.cast.charlie,
        "patient_id": world.greta.patient_id,
        "outcome": "refused",
    }


def test_a_sanity_check_the_same_diagnosis_form_writes_for_alice(world, browser, owner):
    form = {k: v.format(**world.cast.ids) for k, v in FORM.items()}
    count = owner.execute("SELECT count(*) AS n FROM diagnosis").fetchone()["n"]
    response = browser("alice").post(f"/patients/{world.greta.patient_id}/journal/diagnoses/new", form)
    assert response.status_code == 303, response.text[-2000:]
    assert owner.execute("SELECT count(*) AS n FROM diagnosis").fetchone()["n"] == count + 1


def test_a_role_refused_a_patients_page_is_logged_against_that_patient(world, browser, owner):
    # given a receptionist, who may not read the journal
    rita = browser("rita")
    # when she asks for Greta's chart
    assert rita.get(f"/patients/{world.cast.greta_patient}/journal").status_code == 403
    # then Greta's audit trail holds the refusal, under Rita
    row = owner.execute(
        "SELECT user_id, patient_id, action, outcome FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row == {
        "user_id": world.cast.rita,
        "patient_id": world.cast.greta_patient,
        "action": "route.refused",
        "outcome": "refused",
    }
