"""Every page that shows Greta's data writes her audit row: exactly one per
page, under the acting user and their role, naming her. (A list writes one
row per patient it shows; every page here shows Greta alone.)"""

import pytest

from tests.access.conftest import grant_sven


def pages(world) -> dict[str, list[str]]:
    """What each role may open of Greta's, from the read matrix's rules."""
    g, note = world.greta.patient_id, world.notes[world.greta.patient_id]
    registry = [f"/patients/{g}", f"/api/patients/{g}"]
    front_desk = [*registry, f"/patients/{g}/edit", f"/patients/{g}/proxies"]
    journal = [f"/patients/{g}/journal{p}" for p in ("", f"/notes/{note}", "/vitals", "/diagnoses", "/print")]
    portal = ["/", "/my", f"/my/patients/{g}", *registry]
    return {
        "alice": front_desk + journal,
        "bob": front_desk + journal,
        "rita": front_desk,
        "adam": front_desk,
        "petra": registry,
        "greta": [*portal, "/my/access-log", "/my/proxies", "/my/blocks"],
        "sven": portal,
    }


ROLE_NAMES = {
    "alice": "doctor", "bob": "nurse", "rita": "receptionist", "adam": "administrator",
    "petra": "pharmacist", "greta": "patient", "sven": "relative",
}  # fmt: skip


def rows_written(owner, who, url: str) -> tuple[int, list[dict]]:
    last = owner.execute("SELECT coalesce(max(id), 0) AS n FROM audit_log").fetchone()["n"]
    response = who.get(url)
    rows = owner.execute(
        "SELECT user_id, user_role, patient_id, action, outcome FROM audit_log WHERE id > %s ORDER BY id",
        [last],
    ).fetchall()
    return response.status_code, rows


# Pages whose header reads the patient (without auditing) and whose own scoped
# read writes the page's one row: once a source of double rows, checked here.
HEADER_THEN_READ = (
    "the header's access_patient(action='journal.read') writes one row and the page's own read "
    "({read}) a second; hms/journal/{module}: read the header without auditing (or let one call "
    "write the page's row)"
)
TWO_ROWS = {
    "/journal/notes/": HEADER_THEN_READ.format(
        read="read.access_note: note.read", module="pages.py note_show"
    ),
    "/journal/vitals": HEADER_THEN_READ.format(
        read="read.vitals_series: vitals.read", module="pages.py _vitals_page"
    ),
    "/journal/diagnoses": HEADER_THEN_READ.format(
        read="read.diagnoses: diagnosis.read", module="entry_pages.py diagnosis_list"
    ),
    "/journal/print": HEADER_THEN_READ.format(read="journal.print", module="entry_pages.py journal_print"),
    "/proxies": (
        "proxy.read is written twice: hms/portal/pages.py _proxies_page calls access_patient(action='proxy.read') "
        "for staff and then read.proxy_grants writes proxy.read again; audit once (e.g. proxy_grants only when "
        "access.basis == 'own', or access_patient without its row)"
    ),
}


def one_row_naming_greta(world, user_id: int, role: str, rows: list[dict]) -> bool:
    expected = {"user_id": user_id, "user_role": role, "patient_id": world.greta.patient_id}
    return len(rows) == 1 and {k: rows[0][k] for k in expected} == expected


@pytest.mark.parametrize("username", list(ROLE_NAMES))
def test_each_page_showing_greta_writes_one_audit_row_naming_her(world, browser, owner, username):
    grant_sven(owner, world.cast)
    who, user_id = browser(username), world.cast.ids[username]
    wrong = []
    for url in pages(world)[username]:
        status, rows = rows_written(owner, who, url)
        assert status == 200, f"{username} GET {url}: {status}"
        assert world.greta.shown_in(who.get(url).text) or url.startswith("/my/"), url
        expected = {
            "user_id": user_id,
            "user_role": ROLE_NAMES[username],
            "patient_id": world.greta.patient_id,
        }
        if len(rows) != 1 or any({k: r[k] for k in expected} != expected for r in rows):
            wrong.append(f"{url}: {[(r['action'], r['patient_id'], r['user_role']) for r in rows]}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("part", list(TWO_ROWS))
def test_journal_and_proxy_pages_write_one_row_not_two(world, browser, owner, part):
    url = next(u for u in pages(world)["alice"] if part in u)
    status, rows = rows_written(owner, browser("alice"), url)
    assert status == 200
    assert one_row_naming_greta(world, world.cast.alice, "doctor", rows), rows
