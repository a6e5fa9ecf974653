"""The safety checks: allergy to the drug or its class, known interactions,
duplicate therapy in one chemical group, and the maximum daily dose, all
from one query; a warning passes only with a reason, which is kept."""

import pytest

from tests.journal import given
from tests.medication.conftest import prescribe


@pytest.fixture()
def alice(acting_as, cast):
    return acting_as(cast.alice)


def warnings(conn, cast, drug_id: int, dose: float, unit: str = "mg", per_day: int = 2) -> list[tuple]:
    rows = conn.execute(
        "SELECT kind, severity, subject FROM medication_check(%s, %s, %s, %s, %s) ORDER BY kind, subject",
        [cast.greta_patient, drug_id, dose, unit, per_day],
    ).fetchall()
    return [(r["kind"], r["severity"], r["subject"]) for r in rows]


def test_warfarin_and_an_nsaid_interact(alice, cast, drugs):
    prescribe(alice, cast, drugs["Warfarin tablet"], dose=5)
    assert warnings(alice, cast, drugs["Ibuprofen tablet"], 400) == [("interaction", "major", "Warfarin")]


def test_an_ssri_and_tramadol_interact_whichever_comes_first(alice, cast, drugs):
    prescribe(alice, cast, drugs["Tramadol capsule"], dose=50)
    assert warnings(alice, cast, drugs["Sertralin tablet"], 50) == [("interaction", "major", "Tramadol")]


def test_an_allergy_to_a_class_warns_for_each_drug_in_it(alice, owner, cast, drugs):
    given.clinical(owner, cast, "allergy", substance="Penicilliner", atc_code="J01C", severity="severe")
    assert warnings(alice, cast, drugs["Fenoximetylpenicillin tablet"], 1, "g") == [
        ("allergy", "contraindicated", "Penicilliner")
    ]


def test_an_allergy_named_as_the_substance_warns(alice, owner, cast, drugs):
    given.clinical(owner, cast, "allergy", substance="paracetamol", severity="moderate")
    assert [w[0] for w in warnings(alice, cast, drugs["Paracetamol tablet"], 500)] == ["allergy"]


def test_an_allergy_entered_in_error_does_not_warn(alice, owner, cast, drugs):
    given.clinical(
        owner,
        cast,
        "allergy",
        substance="paracetamol",
        entered_in_error_at="now",
        entered_in_error_reason="Wrong patient",
    )
    assert warnings(alice, cast, drugs["Paracetamol tablet"], 500) == []


def test_two_drugs_of_one_chemical_group_are_duplicate_therapy(alice, cast, drugs):
    prescribe(alice, cast, drugs["Ibuprofen tablet"], dose=400)
    assert warnings(alice, cast, drugs["Naproxen tablet"], 250) == [("duplicate", "moderate", "Ibuprofen")]


def test_a_dose_above_the_daily_maximum_warns(alice, cast, drugs):
    assert warnings(alice, cast, drugs["Paracetamol tablet"], 1, "g", per_day=6) == [
        ("dose", "major", "Paracetamol")
    ]
    assert warnings(alice, cast, drugs["Paracetamol tablet"], 1, "g", per_day=4) == []


def test_the_daily_maximum_counts_every_form_of_the_substance(alice, cast, drugs):
    prescribe(alice, cast, drugs["Paracetamol infusion"], dose=1000, route="iv", override_reason=None)
    found = warnings(alice, cast, drugs["Paracetamol tablet"], 1000, per_day=3)
    assert ("dose", "major", "Paracetamol") in found
    assert ("duplicate", "moderate", "Paracetamol") in found


def test_a_warning_without_a_reason_refuses_the_prescription(alice, owner, cast, drugs):
    prescribe(alice, cast, drugs["Warfarin tablet"], dose=5)
    with pytest.raises(Exception) as caught:
        prescribe(alice, cast, drugs["Ibuprofen tablet"], dose=400)
    assert caught.value.diag.constraint_name == "prescription_version_warnings_overridden"
    assert "Warfarin" in str(caught.value)
    assert owner.execute("SELECT count(*) AS n FROM prescription").fetchone()["n"] == 1


def test_an_overridden_warning_is_kept_with_its_reason(alice, owner, cast, drugs):
    prescribe(alice, cast, drugs["Warfarin tablet"], dose=5)
    row = prescribe(
        alice,
        cast,
        drugs["Ibuprofen tablet"],
        dose=400,
        override_reason="Short course, INR checked twice weekly",
    )
    kept = owner.execute(
        "SELECT kind, subject, override_reason, overridden_by, version_id FROM prescription_warning"
    ).fetchall()
    assert kept == [{
        "kind": "interaction", "subject": "Warfarin", "override_reason": "Short course, INR checked twice weekly",
        "overridden_by": cast.alice, "version_id": row["id"],
    }]  # fmt: skip


def test_a_check_reveals_no_allergy_its_caller_may_not_see(acting_as, owner, cast, drugs):
    """Greta has blocked the medical ward, which recorded her allergy: a
    pharmacist (who reaches her by role) does not see the allergy, and the
    check they run does not reveal it either."""
    from tests.access.conftest import block_medicine

    given.clinical(owner, cast, "allergy", substance="Penicilliner", atc_code="J01C")
    block_medicine(owner, cast)
    petra = acting_as(cast.petra)
    assert warnings(petra, cast, drugs["Fenoximetylpenicillin tablet"], 1, "g") == []


def test_a_new_drug_is_checked_against_every_active_one(alice, owner, cast, drugs):
    for name in ("Warfarin tablet", "Sertralin tablet", "Ibuprofen tablet"):
        prescribe(alice, cast, drugs[name], dose=5, override_reason="Known and monitored")
    kinds = {w[0] for w in warnings(alice, cast, drugs["Tramadol capsule"], 50)}
    assert kinds == {"interaction"}


def formulary(owner, name: str, form: str = "tablet") -> dict:
    """A drug of the loaded reference formulary (the lowest strength of that form)."""
    row = owner.execute(
        "SELECT id, strength, dose_unit FROM drug WHERE generic_name = %s AND form = %s ORDER BY strength LIMIT 1",
        [name, form],
    ).fetchone()
    assert row, f"{name} {form} is not in the formulary"
    return row


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Warfarin", "Naproxen"),  # warfarin + NSAID
        ("Sertralin", "Tramadol"),  # SSRI + tramadol
        ("Enalapril", "Spironolakton"),  # ACE inhibitor + potassium-sparing diuretic
        ("Metotrexat", "Trimetoprim"),  # methotrexate + trimethoprim
        ("Simvastatin", "Klaritromycin"),  # statin + macrolide
        ("Digoxin", "Amiodaron"),
        ("Litium", "Enalapril"),
    ],
)
def test_the_known_pairs_of_the_reference_formulary_interact(alice, owner, cast, first, second):
    a, b = formulary(owner, first), formulary(owner, second)
    prescribe(alice, cast, a["id"], dose=a["strength"], dose_unit=a["dose_unit"], times_of_day=["08:00"])
    found = warnings(alice, cast, b["id"], b["strength"], b["dose_unit"], per_day=1)
    assert ("interaction", first) in {(w[0], w[2]) for w in found}, found
