"""The small SQL functions the schema builds on, checked against the
``personnummer`` package and by example."""

from datetime import date

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from personnummer import personnummer as pnr_lib

from tests.acting import authenticate, session_for
from tests.db.pnr import number

# The owner connection is autocommit and these functions are pure, so sharing
# one connection between generated examples is safe.
examples = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def library_birth_date(pnr: str) -> date | None:
    try:
        return pnr_lib.parse(pnr).get_date()
    except pnr_lib.PersonnummerException:
        return None


def twelve_digits(born: date, serial: int, check: int, coordination: bool) -> str:
    day = born.day + (60 if coordination else 0)
    return f"{born:%Y%m}{day:02d}{serial:03d}{check}"


@examples
@given(
    born=st.dates(min_value=date(1850, 1, 1), max_value=date(2099, 12, 31)),
    serial=st.integers(min_value=1, max_value=999),
    check=st.integers(min_value=0, max_value=9),
    coordination=st.booleans(),
)
def test_pnr_is_valid_agrees_with_the_personnummer_package(owner, born, serial, check, coordination):
    pnr = twelve_digits(born, serial, check, coordination)
    row = owner.execute("SELECT pnr_is_valid(%s) AS valid, pnr_birth_date(%s) AS born", [pnr, pnr]).fetchone()
    assert row["valid"] == pnr_lib.valid(pnr), pnr
    assert row["born"] == born


@examples
@given(
    born=st.dates(min_value=date(1850, 1, 1), max_value=date(2099, 12, 31)),
    serial=st.integers(min_value=1, max_value=999),
    coordination=st.booleans(),
)
def test_every_number_with_the_right_check_digit_is_valid(owner, born, serial, coordination):
    day = born.day + (60 if coordination else 0)
    pnr = number(f"{born:%Y%m}{day:02d}", f"{serial:03d}")
    assert pnr_lib.valid(pnr)
    row = owner.execute("SELECT pnr_is_valid(%s) AS valid, pnr_birth_date(%s) AS born", [pnr, pnr]).fetchone()
    assert row == {"valid": True, "born": born}


@examples
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
@example("198502299801")  # 29 February in a common year
@example("200002292380")  # 29 February in a leap century
@example("190002292380")  # 1900 was no leap year
@example("198507919805")  # day 91 = 31 + 60
@example("198504919805")  # 31 April as a coordination day
def test_pnr_birth_date_is_the_date_in_the_number_or_null(owner, pnr):
    day = int(pnr[6:8])
    try:
        expected = date(int(pnr[:4]), int(pnr[4:6]), day - 60 if day > 60 else day)
    except ValueError:
        expected = None
    assert owner.execute("SELECT pnr_birth_date(%s) AS born", [pnr]).fetchone()["born"] == expected
    assume(pnr[8:11] != "000")  # see test_serial_000_is_refused_like_the_package_does
    valid = owner.execute("SELECT pnr_is_valid(%s) AS valid", [pnr]).fetchone()["valid"]
    assert valid == pnr_lib.valid(pnr)


@pytest.mark.parametrize(
    "typed", ["19850709-9805", "8507099805", "1985070998", "19850709980", "abcdefghijkl", "", " 198507099805"]
)
def test_only_twelve_bare_digits_are_a_number(owner, typed):
    row = owner.execute(
        "SELECT pnr_is_valid(%s) AS valid, pnr_birth_date(%s) AS born", [typed, typed]
    ).fetchone()
    assert row == {"valid": False, "born": None}


def test_null_is_neither_valid_nor_invalid(owner):
    row = owner.execute("SELECT pnr_is_valid(NULL) AS valid, pnr_birth_date(NULL) AS born").fetchone()
    assert row == {"valid": None, "born": None}


def test_serial_000_is_refused_like_the_package_does(owner):
    pnr = number("19850709", "000")
    assert not pnr_lib.valid(pnr)
    assert owner.execute("SELECT pnr_is_valid(%s) AS valid", [pnr]).fetchone()["valid"] is False


# --- text folding and LIKE patterns ------------------------------------------------


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Jönsson ÅSA", "jonsson asa"),
        ("Ängelholm", "angelholm"),
        ("Øberg Ærlig", "oberg aerlig"),
        ("José Müller-Lüdenscheidt", "jose muller-ludenscheidt"),
        ("already plain", "already plain"),
    ],
)
def test_hms_fold_lowers_and_strips_accents(owner, text, folded):
    assert owner.execute("SELECT hms_fold(%s) AS f", [text]).fetchone()["f"] == folded


def test_hms_fold_is_immutable_so_it_can_feed_a_generated_column(owner):
    row = owner.execute("SELECT provolatile FROM pg_proc WHERE proname = 'hms_fold'").fetchone()
    assert row["provolatile"] == "i"


@pytest.mark.parametrize(
    "typed, pattern",
    [
        ("50%", r"%50\%%"),
        ("a_b", r"%a\_b%"),
        ("back\\slash", r"%back\\slash%"),
        ("plain", "%plain%"),
    ],
)
def test_hms_like_contains_escapes_what_the_user_typed(owner, typed, pattern):
    assert owner.execute("SELECT hms_like_contains(%s) AS p", [typed]).fetchone()["p"] == pattern


@pytest.mark.parametrize(
    "value, typed, matches",
    [
        ("dose 50% of", "50%", True),
        ("dose 500 mg", "50%", False),
        ("x a_b y", "a_b", True),
        ("x axb y", "a_b", False),
        ("c:\\temp", "\\t", True),
        ("tab", "\\t", False),
        ("anything", "", True),
    ],
)
def test_a_wildcard_typed_by_the_user_matches_only_itself(owner, value, typed, matches):
    row = owner.execute("SELECT %s LIKE hms_like_contains(%s) AS m", [value, typed]).fetchone()
    assert row["m"] is matches


@pytest.mark.parametrize(
    "value, typed, matches",
    [
        ("50% off", "50%", True),
        ("500 mg", "50%", False),
        ("a_bc", "a_b", True),
        ("axbc", "a_b", False),
        ("x a_b", "a_b", False),
        ("1985", "", True),
    ],
)
def test_hms_like_prefix_matches_the_start_only_and_escapes_wildcards(owner, value, typed, matches):
    row = owner.execute("SELECT %s LIKE hms_like_prefix(%s) AS m", [value, typed]).fetchone()
    assert row["m"] is matches


def test_patient_name_matches_substrings_and_small_typos(owner):
    def matches(query: str) -> bool:
        return owner.execute(
            "SELECT patient_name_matches(hms_fold('Greta Gustafsson'), hms_fold(%s)) AS m", [query]
        ).fetchone()["m"]

    assert matches("gusta")
    assert matches("Gustafson")
    assert matches("GRETA")
    assert not matches("Svensson")
    assert not matches("%")


def test_hms_current_user_id_is_what_a_live_session_proved(owner, cast):
    assert owner.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] is None
    token = session_for(owner, cast.alice)
    with owner.transaction():
        authenticate(owner, token)
        assert owner.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] == cast.alice
    assert owner.execute("SELECT hms_current_user_id() AS u").fetchone()["u"] is None


def test_user_role_is_staff_names_the_six_staff_roles(owner):
    rows = owner.execute(
        "SELECT r::text AS role FROM unnest(enum_range(NULL::user_role)) AS r WHERE user_role_is_staff(r) "
        "ORDER BY 1"
    ).fetchall()
    assert [r["role"] for r in rows] == sorted(
        ["doctor", "nurse", "pharmacist", "receptionist", "administrator", "external_specialist"]
    )
