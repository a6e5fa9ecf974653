"""Medication as the users see it: Dr Alice prescribes for Greta and meets the
safety checks, Petra the pharmacist reviews, Nurse Bob gives the doses on the
ward round, Adam keeps the formulary; bad input keeps what was typed."""

import re

import pytest

from tests.journal import given
from tests.medication.conftest import prescribe


@pytest.fixture()
def alice(browser):
    return browser("alice")


def form(cast, drug_id: int, **values) -> dict:
    return {
        "drug_id": drug_id, "care_unit_id": cast.unit_med, "dose": "500", "dose_unit": "mg", "route": "oral",
        "schedule": "times", "times": "08:00, 20:00", "starts_at": "2026-12-01T08:00",
    } | values  # fmt: skip


def count(owner, table: str = "prescription") -> int:
    return owner.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]  # noqa: S608 - fixed names


def test_alice_prescribes_and_greta_has_it_on_her_list(alice, owner, cast, drugs):
    page = alice.get(f"/patients/{cast.greta_patient}/medication/new")
    assert page.status_code == 200 and "Paracetamol" in page.text
    response = alice.post(
        f"/patients/{cast.greta_patient}/medication/new", form(cast, drugs["Paracetamol tablet"])
    )
    assert response.status_code == 303
    listing = alice.get(response.headers["location"])
    assert "Paracetamol" in listing.text and "08:00, 20:00" in listing.text
    assert "awaiting pharmacist review" in listing.text
    audit = owner.execute("SELECT user_id FROM audit_log WHERE action = 'medication.prescribe'").fetchall()
    assert audit == [{"user_id": cast.alice}]


def test_an_interaction_is_shown_and_saved_only_with_a_reason(alice, owner, cast, drugs, acting_as):
    prescribe(acting_as(cast.alice), cast, drugs["Warfarin tablet"], dose=5)
    url = f"/patients/{cast.greta_patient}/medication/new"
    warned = alice.post(url, form(cast, drugs["Ibuprofen tablet"], dose="400", instructions="With food"))
    assert warned.status_code == 422
    assert "Interaction: Warfarin" in warned.text
    assert "With food" in warned.text  # what was typed is kept
    assert count(owner) == 1
    saved = alice.post(
        url,
        form(cast, drugs["Ibuprofen tablet"], dose="400", override_reason="Three days only, INR on Friday"),
    )
    assert saved.status_code == 303
    rx = owner.execute(
        "SELECT id FROM prescription WHERE drug_id = %s", [drugs["Ibuprofen tablet"]]
    ).fetchone()
    page = alice.get(f"/patients/{cast.greta_patient}/medication/{rx['id']}")
    assert "Overridden warnings" in page.text and "Three days only, INR on Friday" in page.text


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"dose": "0"}, "dose", "The dose must be more than zero."),
        ({"dose_unit": "mgs"}, "dose_unit", "Choose one of the options."),
        ({"ends_at": "2026-11-30T08:00"}, "ends_at", "The end must be after the start."),
        ({"times": ""}, "times", "Give the times of day, e.g. 08:00, 20:00."),
        ({"dose_unit": "ml"}, "dose_unit", "is dosed in"),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_is_saved(
    alice, owner, cast, drugs, values, field, message
):
    response = alice.post(
        f"/patients/{cast.greta_patient}/medication/new",
        form(cast, drugs["Paracetamol tablet"], instructions="Typed text kept", **values),
    )
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', response.text)
    assert error and message in error.group(1)
    assert "Typed text kept" in response.text
    assert count(owner) == 0


def test_charlie_without_care_is_refused(browser, owner, cast, drugs):
    charlie = browser("charlie")
    response = charlie.post(
        f"/patients/{cast.greta_patient}/medication/new",
        form(cast, drugs["Paracetamol tablet"], care_unit_id=cast.unit_surg),
    )
    assert response.status_code == 403
    assert count(owner) == 0


def test_petra_reviews_from_her_queue_and_alice_answers_a_query(
    alice, browser, owner, cast, drugs, acting_as
):
    row = prescribe(acting_as(cast.alice), cast, drugs["Paracetamol tablet"])
    petra = browser("petra")
    queue = petra.get("/medication/review")
    assert "Paracetamol" in queue.text and "Gustafsson, Greta" in queue.text
    url = f"/patients/{cast.greta_patient}/medication/{row['prescription_id']}"
    assert (
        petra.post(f"{url}/review", {"outcome": "queried", "message": "Weight is 41 kg; dose?"}).status_code
        == 303
    )
    assert alice.get(f"{url}").text.count("Weight is 41 kg; dose?") >= 1
    assert (
        alice.post(f"{url}/review", {"outcome": "answered", "message": "Checked, keep."}).status_code == 303
    )
    assert petra.post(f"{url}/review", {"outcome": "approved"}).status_code == 303
    assert "No prescriptions wait for review." in petra.get("/medication/review").text
    state = owner.execute("SELECT review_state FROM prescription").fetchone()["review_state"]
    assert state == "approved"


def test_a_query_without_a_message_keeps_the_page(browser, cast, drugs, acting_as):
    row = prescribe(acting_as(cast.alice), cast, drugs["Paracetamol tablet"])
    petra = browser("petra")
    response = petra.post(
        f"/patients/{cast.greta_patient}/medication/{row['prescription_id']}/review", {"outcome": "queried"}
    )
    assert response.status_code == 422 and "Write the question or the answer" in response.text


def test_alice_pauses_and_discontinues_with_reasons(alice, owner, cast, drugs, acting_as):
    row = prescribe(acting_as(cast.alice), cast, drugs["Paracetamol tablet"])
    url = f"/patients/{cast.greta_patient}/medication/{row['prescription_id']}"
    missing = alice.post(f"{url}/status", {"change": "paused", "reason": ""})
    assert missing.status_code == 422
    assert alice.post(f"{url}/status", {"change": "paused", "reason": "Fasting"}).status_code == 303
    # discontinuing cannot be undone: she is asked first, and only the confirmed post ends it
    asked = alice.post(f"{url}/status", {"change": "discontinued", "reason": "Pain gone"})
    assert asked.status_code == 200 and "Discontinue the prescription?" in asked.text
    assert (
        alice.post(
            f"{url}/status", {"change": "discontinued", "reason": "Pain gone", "confirmed": "yes"}
        ).status_code
        == 303
    )
    listing = alice.get(f"/patients/{cast.greta_patient}/medication")
    assert "Past medication" in listing.text and "Pain gone" in listing.text


def test_bob_gives_the_morning_dose_on_his_round(browser, owner, cast, drugs, acting_as):
    given.admit(owner, cast)
    row = prescribe(acting_as(cast.alice), cast, drugs["Paracetamol tablet"], times_of_day=["00:00", "23:59"])
    bob = browser("bob")
    page = bob.get(f"/medication/mar?unit={cast.unit_med}&hours=24")
    assert page.status_code == 200 and "Paracetamol" in page.text
    scheduled = re.search(r'name="scheduled_for" value="([^"]+)"', page.text).group(1)
    response = bob.post(
        f"/medication/mar?unit={cast.unit_med}&hours=24",
        {"prescription_id": row["prescription_id"], "care_unit_id": cast.unit_med, "scheduled_for": scheduled,
         "dose": "500", "dose_unit": "mg", "administered_at": "2026-12-01T08:05", "outcome": "given"},
    )  # fmt: skip
    assert response.status_code == 303
    rec = owner.execute("SELECT recorded_by, outcome FROM medication_administration").fetchone()
    assert rec == {"recorded_by": cast.bob, "outcome": "given"}


def test_a_dose_not_given_without_a_note_is_refused(browser, owner, cast, drugs, acting_as):
    given.admit(owner, cast)
    row = prescribe(acting_as(cast.alice), cast, drugs["Paracetamol tablet"])
    bob = browser("bob")
    response = bob.post(
        f"/medication/mar?unit={cast.unit_med}",
        {"prescription_id": row["prescription_id"], "care_unit_id": cast.unit_med,
         "scheduled_for": "2026-12-01T08:00:00+01:00", "administered_at": "2026-12-01T08:05",
         "outcome": "refused"},
    )  # fmt: skip
    assert response.status_code == 422 and "Say why the dose was not given." in response.text
    assert count(owner, "medication_administration") == 0


def test_adam_adds_and_retires_a_drug(browser, owner, cast):
    adam = browser("adam")
    response = adam.post(
        "/medication/formulary",
        {"generic_name": "Testaminol", "atc_code": "n02be99", "form": "tablet", "strength": "250",
         "strength_unit": "mg", "dose_unit": "mg", "max_daily_dose": "1000", "routes": "oral",
         "stock_unit": "tablet"},
    )  # fmt: skip
    assert response.status_code == 303
    drug = owner.execute("SELECT id, atc_code FROM drug WHERE generic_name = 'Testaminol'").fetchone()
    assert drug["atc_code"] == "N02BE99"
    assert adam.post(f"/medication/formulary/{drug['id']}/retire", {"retired": "1"}).status_code == 303
    assert owner.execute("SELECT retired_at FROM drug WHERE id = %s", [drug["id"]]).fetchone()["retired_at"]
    owner.execute("DELETE FROM drug WHERE id = %s", [drug["id"]])


def test_a_drug_without_a_route_is_not_added(browser, owner):
    adam = browser("adam")
    response = adam.post(
        "/medication/formulary",
        {"generic_name": "Testaminol", "atc_code": "N02BE99", "form": "tablet", "strength": "250",
         "strength_unit": "mg", "dose_unit": "mg", "stock_unit": "tablet"},
    )  # fmt: skip
    assert response.status_code == 422 and 'value="Testaminol"' in response.text
    assert (
        owner.execute("SELECT count(*) AS n FROM drug WHERE generic_name = 'Testaminol'").fetchone()["n"] == 0
    )


def test_an_allergy_recorded_to_a_class_warns_when_prescribing(alice, owner, cast, drugs):
    response = alice.post(
        f"/patients/{cast.greta_patient}/journal/allergies/new",
        {"substance": "Penicillin", "category": "medication", "severity": "severe", "atc_code": "j01c",
         "care_unit_id": cast.unit_med},
    )  # fmt: skip
    assert response.status_code == 303
    warned = alice.post(
        f"/patients/{cast.greta_patient}/medication/new",
        form(cast, drugs["Fenoximetylpenicillin tablet"], dose="1", dose_unit="g"),
    )
    assert warned.status_code == 422 and "Allergy: Penicillin" in warned.text


def test_bob_records_kidney_function_and_petra_sees_it_beside_the_drugs(
    browser, owner, cast, drugs, acting_as
):
    prescribe(acting_as(cast.alice), cast, drugs["Paracetamol tablet"])
    bob = browser("bob")
    url = f"/patients/{cast.greta_patient}/medication"
    bad = bob.post(f"{url}/renal", {"egfr": "", "creatinine": "", "measured_at": "2026-12-01T07:00",
                                    "care_unit_id": cast.unit_med})  # fmt: skip
    assert bad.status_code == 422 and "Give the eGFR, the creatinine or both." in bad.text
    assert count(owner, "renal_function") == 0
    saved = bob.post(f"{url}/renal", {"egfr": "28", "creatinine": "160", "measured_at": "2026-12-01T07:00",
                                      "care_unit_id": cast.unit_med})  # fmt: skip
    assert saved.status_code == 303
    assert owner.execute("SELECT recorded_by FROM renal_function").fetchone()["recorded_by"] == cast.bob
    overview = browser("petra").get("/medication/active")
    assert "Gustafsson, Greta" in overview.text and "eGFR" in overview.text and "28" in overview.text
    assert "reduced" in overview.text


def test_kidney_function_is_written_only_in_ones_own_name_and_by_carers(acting_as, cast):
    insert = (
        "INSERT INTO renal_function (patient_id, care_unit_id, measured_at, egfr, recorded_by) "
        "VALUES (%s, %s, now(), 50, %s)"
    )
    with pytest.raises(Exception) as caught:
        acting_as(cast.bob).execute(insert, [cast.greta_patient, cast.unit_med, cast.alice])
    assert caught.value.sqlstate == "42501"
    with pytest.raises(Exception) as caught:
        acting_as(cast.petra).execute(insert, [cast.greta_patient, cast.unit_med, cast.petra])
    assert caught.value.sqlstate == "42501"
