"""A second round of attacks on messaging, care requests, consultations,
referrals, the laboratory, the header's counts and the allergy banner: by
someone who holds the app role's credentials and types plain SQL (acting
through a real verified session of one of the cast, or of nobody), and by
hostile users through the pages.

The scene: Greta (in the medical ward's care, tests/cast.py) and Hugo, a
patient of the surgical unit with a portal account of his own. Sven is
Greta's son; his grant varies. Nine of these attacks were holes when first
written, and 0033_access_round_two closes them: a block binds a relative in
messaging; a lab result or a radiology report names a line of its own
patient in a unit the writer sees, refused alike otherwise; a referral
carries no diagnosis a block hides from the receiving unit; a specialist
reads only their own consultations; an error mark is the verified user's.
Each test fails on the code before it."""

import re

import psycopg
import pytest

from tests import cast as cast_module
from tests.access import conftest as access
from tests.conftest import login
from tests.journal import given
from tests.lab.conftest import POTASSIUM, line, order, sample
from tests.messaging.conftest import PDF, grant, start
from tests.referrals.conftest import send

# Each person's logged-in browser (tests/access), in English.
browser = access.browser

HUGO = ("195003031233", "Hugo", "Holm", "1950-03-03", "male")


@pytest.fixture()
def hugo(owner, cast) -> dict[str, int]:
    """Hugo Holm: a patient in the surgical unit's care, with a portal login."""
    pnr, given_name, family, born, sex = HUGO
    patient = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        [pnr, given_name, family, born, sex],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [patient, cast.unit_surg, cast.charlie],
    )
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('hugo', %s, 'patient', 'Hugo Holm') RETURNING id",
        [cast_module.password_hash()],
    ).fetchone()["id"]
    owner.execute("INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)", [user, patient])
    return {"user": user, "patient": patient}


def surgical_care_for_greta(owner, cast) -> None:
    owner.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Inför operation', %s)",
        [cast.greta_patient, cast.unit_surg, cast.charlie],
    )


def block(owner, cast, unit: int) -> None:
    """Greta blocks a unit's entries from everyone outside it."""
    owner.execute(
        "INSERT INTO journal_block (patient_id, care_unit_id, created_by) VALUES (%s, %s, %s)",
        [cast.greta_patient, unit, cast.greta],
    )


def failure(conn, statement: str, params=None) -> tuple[str | None, str | None]:
    """The SQLSTATE and constraint a refused statement names."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(statement, params)
    return caught.value.sqlstate, caught.value.diag.constraint_name


# --- Messaging and blocks -------------------------------------------------------------------


@pytest.fixture()
def blocked_surgery_thread(owner, acting_as, cast) -> int:
    """Greta writes to the surgical unit, then blocks it; Sven has her
    messages scope. (A care request to the same unit is hidden from him.)"""
    surgical_care_for_greta(owner, cast)
    thread = start(acting_as(cast.greta), cast.greta_patient, cast.unit_surg, files=(("remiss.pdf", PDF),))
    block(owner, cast, cast.unit_surg)
    grant(owner, cast, ["messages"])
    return thread


def test_a_block_hides_a_units_conversation_from_a_relative(acting_as, cast, blocked_surgery_thread):
    sven = acting_as(cast.sven)
    # the same relative is not offered the blocked unit for a care request (0026) ...
    offered = sven.execute(
        "SELECT id FROM care_request_units(%s, 'question')", [cast.greta_patient]
    ).fetchall()
    assert cast.unit_surg not in {r["id"] for r in offered}
    # ... and must not read the conversation with it, its messages or its file either
    assert sven.execute("SELECT id FROM message_thread").fetchall() == []
    assert sven.execute("SELECT id FROM thread_message").fetchall() == []
    assert sven.execute("SELECT id FROM message_attachment").fetchall() == []


def test_a_relative_is_not_told_of_nor_writes_to_a_blocked_unit(acting_as, cast, blocked_surgery_thread):
    sven = acting_as(cast.sven)
    units = {
        r["care_unit_id"]
        for r in sven.execute("SELECT care_unit_id FROM message_thread_units(%s)", [cast.greta_patient])
    }
    assert cast.unit_surg not in units
    with pytest.raises(psycopg.Error):
        start(sven, cast.greta_patient, cast.unit_surg)


# --- Laboratory: the errors tell nothing of another patient's orders -----------------------


@pytest.fixture()
def hugos_lab(acting_as, cast, hugo) -> dict:
    """Dr Charlie's potassium order for Hugo (not sampled) and its line."""
    order_id = order(acting_as(cast.charlie), cast, patient=hugo["patient"], unit=cast.unit_surg)
    return {"order": order_id, "line": line(acting_as(cast.charlie), order_id, POTASSIUM)}


RESULT = "INSERT INTO lab_result (item_id, patient_id, loinc, value) VALUES (%s, %s, %s, 4.1)"


def test_a_result_on_another_patients_line_is_refused_as_if_it_did_not_exist(
    acting_as, owner, cast, hugos_lab
):
    bob = acting_as(cast.bob)  # Greta's nurse, no care of Hugo
    missing = owner.execute("SELECT coalesce(max(id), 0) + 1000 AS id FROM lab_order_item").fetchone()["id"]
    nothing = failure(bob, RESULT, [missing, cast.greta_patient, POTASSIUM])
    not_sampled = failure(bob, RESULT, [hugos_lab["line"]["id"], cast.greta_patient, POTASSIUM])
    assert not_sampled == nothing


def test_a_report_on_another_patients_examination_is_refused_as_if_it_did_not_exist(
    acting_as, owner, cast, hugo
):
    charlie = acting_as(cast.charlie)
    exam = charlie.execute(
        "SELECT radiology_order_place(%s, %s, 'ct', 'Buk', 'Gallsten? Smärta höger upp.', 'routine') AS id",
        [hugo["patient"], cast.unit_surg],
    ).fetchone()["id"]
    charlie.execute(
        "INSERT INTO radiology_report (order_id, patient_id, body) VALUES (%s, %s, 'Gallsten, ingen kolecystit.')",
        [exam, hugo["patient"]],
    )
    alice = acting_as(cast.alice)  # Greta's doctor, no care of Hugo
    report = "INSERT INTO radiology_report (order_id, patient_id, body) VALUES (%s, %s, 'Normalt.')"
    missing = owner.execute("SELECT coalesce(max(id), 0) + 1000 AS id FROM radiology_order").fetchone()["id"]
    assert failure(alice, report, [exam, cast.greta_patient]) == failure(
        alice, report, [missing, cast.greta_patient]
    )


# --- Referrals and blocks ------------------------------------------------------------------


def test_a_referral_does_not_carry_a_blocked_diagnosis_past_the_block(acting_as, owner, cast):
    # Given Greta's HIV diagnosis on the medical ward, which she blocks from every other unit
    hidden = given.clinical(owner, cast, "diagnosis", code="B24")
    block(owner, cast, cast.unit_med)
    # when Alice (of the medical ward, who sees it) names it in a referral to the surgical ward
    try:
        send(acting_as, cast, diagnosis_ids=[hidden])
    except psycopg.Error:
        return  # refused: the block holds
    # the surgical ward's Charlie, who cannot read the diagnosis itself, must not read it in the referral
    charlie = acting_as(cast.charlie)
    assert charlie.execute("SELECT id FROM diagnosis WHERE id = %s", [hidden]).fetchall() == []
    assert charlie.execute("SELECT code FROM referral_diagnosis").fetchall() == []


# --- Consultations -------------------------------------------------------------------------

CONSULT = (
    "INSERT INTO consultation (patient_id, care_unit_id, requested_by, specialist_id, question, parts) "
    "VALUES (%s, %s, %s, %s, 'Förmaksflimmer med pneumoni: antikoagulation nu?', %s) RETURNING id"
)


def test_a_doctor_may_share_all_six_parts_each_once(acting_as, cast):
    alice = acting_as(cast.alice)
    every = "{summary,notes,diagnoses,vitals,medication,lab}"
    assert alice.execute(
        CONSULT, [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, every]
    ).fetchone()
    with pytest.raises(psycopg.Error):
        alice.execute(CONSULT, [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, "{vitals,vitals}"])


# --- The allergy banner (holds) ------------------------------------------------------------


def test_a_doctor_without_care_gets_no_banner_on_the_registry_page(client, owner, cast):
    # Charlie (surgery) reads Greta's registry page by his role, but has no basis on her record
    given.clinical(owner, cast, "allergy")
    login(client, "charlie")
    page = client.get(f"/patients/{cast.greta_patient}")
    assert page.status_code == 200
    assert 'id="allergy-banner"' not in page.text
    assert "Penicillin" not in page.text


def test_the_answer_note_is_not_voided_in_someone_elses_name(acting_as, owner, cast):
    alice, erik, bob = acting_as(cast.alice), acting_as(cast.erik), acting_as(cast.bob)
    consultation = alice.execute(
        CONSULT, [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, "{notes}"]
    ).fetchone()["id"]
    note = erik.execute(
        "SELECT consultation_answer(%s, 'Antikoagulation kan startas; följ Hb.') AS note", [consultation]
    ).fetchone()["note"]
    # Bob, a nurse of the ward, marks it entered in error and names Dr Erik as the one who did
    try:
        bob.execute(
            "UPDATE note SET entered_in_error_at = now(), entered_in_error_by = %s, "
            "entered_in_error_reason = 'Fel patient' WHERE id = %s",
            [cast.erik, note],
        )
    except psycopg.Error:
        return  # refused
    marked = owner.execute("SELECT entered_in_error_by FROM note WHERE id = %s", [note]).fetchone()
    assert marked["entered_in_error_by"] == cast.bob


def test_no_result_is_written_into_an_order_a_block_hides(acting_as, owner, cast):
    # Given Alice's potassium order for Greta on the medical ward, sampled by Bob
    order_id = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), order_id)
    item = line(owner, order_id, POTASSIUM)
    # and Greta in the surgical ward's care too, with the medical ward blocked from it
    surgical_care_for_greta(owner, cast)
    block(owner, cast, cast.unit_med)
    charlie = acting_as(cast.charlie)
    assert charlie.execute("SELECT id FROM lab_order WHERE id = %s", [order_id]).fetchall() == []
    # when Charlie enters a result on the order line he cannot see, it is refused
    with pytest.raises(psycopg.Error):
        charlie.execute(RESULT, [item["id"], cast.greta_patient, POTASSIUM])


# --- Every new form, replayed by someone else (holds) -----------------------------------------

FORM = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"')
NEW_ROUTES = re.compile(r"/(my/)?(messages|requests)/|/patients/\d+/(lab|radiology)/")
HOSTILE = {
    "body": "Jag svarar i din tråd.",
    "answer": "Beviljas.",
    "reason": "Fel patient, makulera.",
    "assignee_id": "",
    "sampled_at": "2026-01-01T08:00",
    "note_text": "Ny text i journalen.",
}
STATE = (
    "SELECT (SELECT string_agg(status || ':' || coalesce(assigned_to::text, '') || ':' || "
    "coalesce(closed_by::text, ''), ',' ORDER BY id) FROM message_thread) AS threads, "
    "(SELECT count(*) FROM thread_message) AS messages, "
    "(SELECT count(*) FROM message_filing) AS filings, "
    "(SELECT string_agg(status || ':' || coalesce(taken_by::text, ''), ',' ORDER BY id) FROM care_request) AS requests, "
    "(SELECT string_agg(status::text, ',' ORDER BY id) FROM lab_order) AS orders, "
    "(SELECT count(*) FROM lab_result) AS results, (SELECT count(*) FROM lab_result_ack) AS acks, "
    "(SELECT string_agg(status::text, ',' ORDER BY id) FROM radiology_order) AS exams, "
    "(SELECT count(*) FROM note) AS notes"
)


def test_every_new_form_replayed_by_another_patient_or_unit_is_refused_and_changes_nothing(
    acting_as, owner, browser, cast, hugo
):
    # Given Greta's conversation with the medical ward and her question to it
    greta_thread = start(acting_as(cast.greta), cast.greta_patient, cast.unit_med)
    request = (
        acting_as(cast.greta)
        .execute(
            "SELECT care_request_file(%s, 'question', %s, NULL, NULL, 'Får jag ta ibuprofen?', NULL) AS id",
            [cast.greta_patient, cast.unit_med],
        )
        .fetchone()["id"]
    )
    # a sampled potassium order with a result, and a chest X-ray, on the medical ward
    order_id = order(acting_as(cast.alice), cast)
    sample(acting_as(cast.bob), order_id)
    acting_as(cast.bob).execute(
        RESULT, [line(owner, order_id, POTASSIUM)["id"], cast.greta_patient, POTASSIUM]
    )
    exam = (
        acting_as(cast.alice)
        .execute(
            "SELECT radiology_order_place(%s, %s, 'xray', 'Thorax', 'Pneumoni? Feber sedan tre dagar.', "
            "'routine') AS id",
            [cast.greta_patient, cast.unit_med],
        )
        .fetchone()["id"]
    )
    greta = cast.greta_patient
    pages = {
        "greta": [f"/my/messages/{greta_thread}", f"/my/requests/{request}"],
        "bob": [f"/messages/{greta_thread}"],
        "alice": [
            f"/requests/{request}",
            f"/patients/{greta}/lab",
            f"/patients/{greta}/radiology/{exam}/report",
        ],
    }
    actions = set()
    for who, urls in pages.items():
        for url in urls:
            page = browser(who).get(url)
            assert page.status_code == 200, url
            found = {a.replace("&amp;", "&") for a in FORM.findall(page.text)}
            actions |= {a for a in found if NEW_ROUTES.match(a)}
    assert len(actions) >= 8, sorted(actions)
    before = owner.execute(STATE).fetchone()
    # when Hugo (another patient) and Dr Charlie (another unit) post each form
    wrong = []
    for who in ("hugo", "charlie"):
        for action in sorted(actions):
            response = browser(who).post(action, HOSTILE)
            if response.status_code not in (403, 404):
                wrong.append(f"{who} {action}: {response.status_code}")
    # then each is refused and nothing changed
    assert wrong == []
    assert owner.execute(STATE).fetchone() == before


def test_no_report_is_written_on_an_examination_a_block_hides(acting_as, owner, cast):
    exam = (
        acting_as(cast.alice)
        .execute(
            "SELECT radiology_order_place(%s, %s, 'xray', 'Thorax', 'Pneumoni? Feber sedan tre dagar.', "
            "'routine') AS id",
            [cast.greta_patient, cast.unit_med],
        )
        .fetchone()["id"]
    )
    surgical_care_for_greta(owner, cast)
    block(owner, cast, cast.unit_med)
    charlie = acting_as(cast.charlie)
    assert charlie.execute("SELECT id FROM radiology_order WHERE id = %s", [exam]).fetchall() == []
    with pytest.raises(psycopg.Error):
        charlie.execute(
            "INSERT INTO radiology_report (order_id, patient_id, body) VALUES (%s, %s, 'Normal lungröntgen.')",
            [exam, cast.greta_patient],
        )


@pytest.fixture()
def frida(owner) -> int:
    """Dr Frida, another external specialist."""
    user = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('frida', %s, 'external_specialist', 'Dr Frida Fors') RETURNING id",
        [cast_module.password_hash()],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number) "
        "VALUES (%s, 'external_specialist', 'Psychiatrist', 'EXT-4002')",
        [user],
    )
    return user


def test_a_specialist_reads_no_other_consultation_of_the_patient(acting_as, cast, frida):
    alice = acting_as(cast.alice)
    # Given Dr Frida's answer about Greta (a journal note, for the notes part)
    theirs = alice.execute(
        CONSULT, [cast.greta_patient, cast.unit_med, cast.alice, frida, "{notes}"]
    ).fetchone()
    acting_as(frida).execute(
        "SELECT consultation_answer(%s, 'Depression, suicidrisk bedömd låg; fortsätt sertralin.')",
        [theirs["id"]],
    )
    # when Erik is let into Greta's vitals alone
    mine = alice.execute(
        CONSULT, [cast.greta_patient, cast.unit_med, cast.alice, cast.erik, "{vitals}"]
    ).fetchone()
    erik = acting_as(cast.erik)
    assert erik.execute("SELECT id FROM note").fetchall() == []  # the notes part is not his
    # then he reads his own consultation, and no other
    assert [r["id"] for r in erik.execute("SELECT id FROM consultation").fetchall()] == [mine["id"]]
