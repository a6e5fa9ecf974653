"""The vocabulary of names follows the names patients have now: a rename
takes away the words no one else has, and a registration of the same word at
the same moment keeps it, whichever of the two comes first."""

import threading
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from hms.db.connect import worker_url
from hms.jobs import names
from tests.patients.registry import add_patient


def has_word(owner, word: str) -> bool:
    return owner.execute(
        "SELECT EXISTS (SELECT FROM patient_name_word WHERE word = %s) AS x", [word]
    ).fetchone()["x"]


def has_key(owner, key: str, patient_id: int) -> bool:
    return owner.execute(
        "SELECT EXISTS (SELECT FROM patient_name_key WHERE key = %s AND patient_id = %s) AS x",
        [key, patient_id],
    ).fetchone()["x"]


@pytest.fixture()
def transaction(owner_url: str) -> Iterator[Callable[[], psycopg.Connection]]:
    """Connections as the owner, each in a transaction of its own left open."""
    conns: list[psycopg.Connection] = []

    def open_one() -> psycopg.Connection:
        conn = psycopg.connect(owner_url, row_factory=dict_row)
        conn.execute("SET lock_timeout = '20s'")
        conns.append(conn)
        return conn

    yield open_one
    for conn in conns:
        conn.close()


def in_background(work: Callable[[], object]) -> threading.Thread:
    """Runs ``work`` in a thread; its error, if any, is raised by finish()."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    thread.join(0.5)  # long enough to reach the word's lock
    return thread


def finish(thread: threading.Thread) -> None:
    thread.join(20)
    assert not thread.is_alive()
    if thread.errors:  # type: ignore[attr-defined]
        raise thread.errors[0]  # type: ignore[attr-defined]


def test_renaming_the_last_patient_of_a_word_takes_the_word_away(owner):
    siv = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    owner.execute("UPDATE patient SET family_name = 'Berg' WHERE id = %s", [siv])
    assert not has_word(owner, "zetterqvist")
    assert has_word(owner, "berg") and has_word(owner, "siv")


def test_a_word_another_patient_still_has_stays(owner):
    siv = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    add_patient(owner, "Ulla", "Zetterqvist", "19720404")
    owner.execute("UPDATE patient SET family_name = 'Berg' WHERE id = %s", [siv])
    assert has_word(owner, "zetterqvist")


def test_an_update_that_changes_no_name_locks_no_word(owner, transaction):
    siv = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    holder = transaction()
    holder.execute("SELECT FROM patient_name_word WHERE word IN ('siv', 'zetterqvist') FOR UPDATE")
    owner.execute("SET lock_timeout = '1s'")
    owner.execute("UPDATE patient SET city = 'Lund' WHERE id = %s", [siv])
    holder.rollback()


def test_a_registration_in_progress_keeps_the_word_a_rename_would_take(owner, transaction):
    """Ulla Zetterqvist is being registered when Siv, the only Zetterqvist,
    is renamed: the rename waits for the registration and keeps the word."""
    siv = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    registration = transaction()
    ulla = add_patient(registration, "Ulla", "Zetterqvist", "19720404")
    rename = transaction()
    renaming = in_background(
        lambda: (
            rename.execute("UPDATE patient SET family_name = 'Berg' WHERE id = %s", [siv]),
            rename.commit(),
        )
    )
    registration.commit()
    finish(renaming)
    assert has_key(owner, "zetterqvist", ulla)
    assert has_word(owner, "zetterqvist")


def test_a_registration_after_a_rename_in_progress_adds_the_word_again(owner, transaction):
    """Siv, the only Zetterqvist, is being renamed (the word already taken
    away) when Ulla Zetterqvist is registered: the registration waits for
    the rename and puts the word back."""
    siv = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    rename = transaction()
    rename.execute("UPDATE patient SET family_name = 'Berg' WHERE id = %s", [siv])
    registration = transaction()
    registering = in_background(
        lambda: (add_patient(registration, "Ulla", "Zetterqvist", "19720404"), registration.commit())
    )
    rename.commit()
    finish(registering)
    assert has_word(owner, "zetterqvist")


def test_a_rename_in_a_transaction_of_one_snapshot_is_refused(owner, transaction):
    """Under REPEATABLE READ the rename could not see a registration that
    commits while it waits, so it could not take the former name's words with
    it; a word left behind would be readable until pruned. The database
    refuses it (0047), and the name and its words stay as they were."""
    siv = add_patient(owner, "Siv", "Zetterqvist", "19700303")
    rename = transaction()
    rename.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    with pytest.raises(psycopg.Error, match="READ COMMITTED only") as refused:
        rename.execute("UPDATE patient SET family_name = 'Berg' WHERE id = %s", [siv])
    assert refused.value.sqlstate == "HM292"
    rename.rollback()
    assert has_word(owner, "zetterqvist") and has_key(owner, "zetterqvist", siv)
    # An update that changes no name is not a rename, at any isolation.
    rename.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    rename.execute("UPDATE patient SET city = 'Lund' WHERE id = %s", [siv])
    rename.commit()


def _left_behind(owner, word: str) -> None:
    """A word no patient has, as the renames before 0044 left them."""
    owner.execute("INSERT INTO patient_name_word (word) VALUES (%s)", [word])


def test_the_jobs_prune_a_word_no_patient_has(owner, owner_url, settings):
    _left_behind(owner, "zetterqvist")
    assert names.run(worker_url(settings, owner_url)).words_pruned == 1
    assert not has_word(owner, "zetterqvist")
    assert names.run(worker_url(settings, owner_url)).words_pruned == 0


def test_the_pruning_waits_for_a_registration_of_the_word(owner, owner_url, settings, transaction):
    _left_behind(owner, "zetterqvist")
    registration = transaction()
    ulla = add_patient(registration, "Ulla", "Zetterqvist", "19720404")
    pruned: list[int] = []
    pruning = in_background(lambda: pruned.append(names.run(worker_url(settings, owner_url)).words_pruned))
    registration.commit()
    finish(pruning)
    assert pruned == [0]
    assert has_key(owner, "zetterqvist", ulla) and has_word(owner, "zetterqvist")


def test_the_pruning_refuses_a_transaction_of_one_snapshot(settings, owner_url):
    with psycopg.connect(worker_url(settings, owner_url)) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.errors.InvalidTransactionState):
            conn.execute("SELECT patient_name_words_prune()")
