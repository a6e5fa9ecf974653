"""Name search at a region's scale: the best matches first, however many
patients share a name, a page at a time, and a word when there are more."""

import re

import pytest

from tests.db.expect import refused
from tests.db.pnr import number
from tests.patients.registry import add_patient, audit_rows

MORE = "More patients match; add a word or the birth date to narrow the search."


def shown(client, q: str) -> list[int]:
    """The patients of a search page, in the order shown."""
    response = client.get("/patients", params={"q": q})
    assert response.status_code == 200
    links = re.findall(r'<td><a href="/patients/(\d+)">', response.text)
    return [int(i) for i in dict.fromkeys(links)]  # each row links its number and its name


def add_many(owner, given: str, family: str, n: int) -> list[int]:
    """n patients of one name, born the same day (serials 001, 002, ...)."""
    rows = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "SELECT pnr, %s, %s, '1950-03-01', 'female' FROM unnest(%s::text[]) AS pnr RETURNING id",
        [given, family, [number("19500301", f"{i:03d}") for i in range(1, n + 1)]],
    ).fetchall()
    return [r["id"] for r in rows]


def test_the_name_typed_comes_before_names_spelt_nearly_like_it(client, rita, owner):
    andersen = add_patient(owner, "Anna", "Andersen", "19600101")
    andersson = add_patient(owner, "Anna", "Andersson", "19600102")
    assert shown(client, "andersson") == [andersson, andersen]
    assert shown(client, "andersen") == [andersen, andersson]
    assert shown(client, "anna andersen") == [andersen, andersson]


def test_a_misspelt_name_finds_the_nearest_spelling_first(client, rita, owner):
    andersen = add_patient(owner, "Anna", "Andersen", "19600101")
    andersson = add_patient(owner, "Anna", "Andersson", "19600102")
    assert shown(client, "anderson") == [andersson, andersen]


def test_a_common_name_shows_a_page_and_says_there_are_more(client, rita, owner):
    add_many(owner, "Karin", "Johansson", 30)
    response = client.get("/patients", params={"q": "johansson"})
    assert len(shown(client, "johansson")) == 25
    assert MORE in response.text
    api = client.get("/api/patients", params={"q": "johansson"})
    assert len(api.json()) == 25
    assert api.headers["X-More-Results"] == "true"


def test_a_page_that_holds_every_match_says_nothing_more(client, rita, owner):
    ids = add_many(owner, "Karin", "Johansson", 25)
    response = client.get("/patients", params={"q": "karin johansson"})
    assert set(shown(client, "karin johansson")) == set(ids)
    assert MORE not in response.text
    api = client.get("/api/patients", params={"q": "karin johansson"})
    assert api.headers["X-More-Results"] == "false"


def test_the_start_of_a_number_says_when_more_were_born_then(client, rita, owner):
    add_many(owner, "Karin", "Johansson", 26)
    assert MORE in client.get("/patients", params={"q": "19500301"}).text


def test_a_patient_two_of_whose_words_match_is_shown_and_audited_once(client, rita, owner):
    anders = add_patient(owner, "Anders", "Andersson", "19600101", sex="male")
    assert shown(client, "ander") == [anders]
    assert [r["patient_id"] for r in audit_rows(owner, "patient.search")] == [anders]


def test_both_words_must_match_however_near_one_of_them_is(client, rita, owner):
    karin = add_patient(owner, "Karin", "Andersson", "19600101")
    add_patient(owner, "Lars", "Andersson", "19600102", sex="male")
    assert shown(client, "karin anderson") == [karin]
    assert shown(client, "zetterqvist andersson") == []


# --- the words and keys of names, kept by the database ------------------------------------


def words(owner) -> set[str]:
    return {r["word"] for r in owner.execute("SELECT word FROM patient_name_word").fetchall()}


def keys(owner, patient_id: int) -> set[str]:
    rows = owner.execute("SELECT key FROM patient_name_key WHERE patient_id = %s", [patient_id]).fetchall()
    return {r["key"] for r in rows}


def test_registering_a_patient_keys_each_word_of_the_name_and_each_pair(owner):
    patient = add_patient(owner, "Anna-Karin", "Ågren", "19600101")
    assert {"anna", "karin", "agren"} <= words(owner)
    assert keys(owner, patient) == {"anna", "karin", "agren", "agren anna", "agren karin", "anna karin"}


def test_renaming_a_patient_swaps_the_keys_of_the_old_name_for_the_new(owner):
    patient = add_patient(owner, "Anna", "Ågren", "19600101")
    owner.execute("UPDATE patient SET family_name = 'Öberg' WHERE id = %s", [patient])
    assert keys(owner, patient) == {"anna", "oberg", "anna oberg"}
    assert "oberg" in words(owner)
    owner.execute("UPDATE patient SET city = 'Lund' WHERE id = %s", [patient])
    assert keys(owner, patient) == {"anna", "oberg", "anna oberg"}


def test_a_registry_loaded_in_one_statement_adds_each_word_once(owner):
    ids = add_many(owner, "Karin", "Johansson", 3)
    assert (
        owner.execute("SELECT count(*) AS n FROM patient_name_word WHERE word = 'karin'").fetchone()["n"] == 1
    )
    assert all(keys(owner, i) == {"karin", "johansson", "johansson karin"} for i in ids)


@pytest.mark.parametrize("table", ["patient_name_word", "patient_name_key"])
def test_the_app_role_neither_reads_nor_writes_the_words_and_keys_itself(app_conn, owner, cast, table):
    refused(app_conn, f"SELECT count(*) FROM {table}", sqlstate="42501")
    refused(app_conn, f"DELETE FROM {table}", sqlstate="42501")
    refused(
        app_conn,
        "INSERT INTO patient_name_key (key, patient_id) VALUES ('x', %s)"
        if table == "patient_name_key"
        else "INSERT INTO patient_name_word (word) VALUES ('x')",
        [cast.greta_patient] if table == "patient_name_key" else None,
        sqlstate="42501",
    )


@pytest.mark.parametrize("view", ["patient_search_word", "patient_search_key"])
def test_without_a_verified_user_the_search_views_give_nothing(app_conn, cast, view):
    assert app_conn.execute(f"SELECT count(*) AS n FROM {view}").fetchone()["n"] == 0


@pytest.mark.parametrize(
    ("username", "sees"), [("rita", True), ("alice", True), ("greta", False), ("sven", False)]
)
def test_only_the_roles_that_may_search_read_the_words_and_keys_of_names(acting_as, cast, username, sees):
    who = acting_as(getattr(cast, username))
    word = who.execute("SELECT word FROM patient_search_word WHERE word = 'gustafsson'").fetchall()
    key = who.execute("SELECT patient_id FROM patient_search_key WHERE key = 'gustafsson'").fetchall()
    assert (word != [], key != []) == (sees, sees)
