"""A referral through the pages: Alice refers Greta from the medical ward to
the surgical ward; Charlie there reads it and accepts or rejects it; Alice
may withdraw it while it waits. Every read and write is audited, bad input
comes back beside its field, and no one else reaches a referral."""

from tests.referrals.conftest import QUESTION, refer_through_the_form


def audit_rows(owner, action: str, user: int) -> list[dict]:
    return owner.execute(
        "SELECT patient_id, outcome FROM audit_log WHERE action = %s AND user_id = %s ORDER BY id",
        [action, user],
    ).fetchall()


def referral_count(owner) -> int:
    return owner.execute("SELECT count(*) AS n FROM referral").fetchone()["n"]


def test_alice_refers_greta_from_her_chart(browser, owner, cast, diagnoses):
    alice = browser("alice")
    chart = alice.get(f"/patients/{cast.greta_patient}/journal")
    assert f"/patients/{cast.greta_patient}/referrals/new" in chart.text
    form = alice.get(f"/patients/{cast.greta_patient}/referrals/new")
    assert form.status_code == 200
    assert "K80.2" in form.text and "Surgical ward 1" in form.text
    referral = refer_through_the_form(alice, cast, [diagnoses["gallstones"]])
    row = owner.execute(
        "SELECT patient_id, from_unit_id, to_unit_id, sent_by, urgency::text, status::text FROM referral WHERE id = %s",
        [referral],
    ).fetchone()
    assert row == {
        "patient_id": cast.greta_patient,
        "from_unit_id": cast.unit_med,
        "to_unit_id": cast.unit_surg,
        "sent_by": cast.alice,
        "urgency": "urgent",
        "status": "sent",
    }
    assert audit_rows(owner, "referral.create", cast.alice)[-1] == {
        "patient_id": cast.greta_patient,
        "outcome": "allowed",
    }
    page = alice.get(f"/referrals/{referral}?notice=sent")
    assert "The referral is sent to the care unit." in page.text
    assert QUESTION in page.text and "Calculus of gallbladder" in page.text
    assert "Waiting for an answer" in page.text and "Answer due" in page.text
    assert "Referrals I have sent" in alice.get("/referrals").text
    assert 'href="/referrals"' in alice.get("/").text  # the menu


def test_bad_input_is_shown_beside_the_fields_and_nothing_is_sent(browser, owner, cast, diagnoses):
    from tests.journal import given

    alice = browser("alice")
    asa = given.patient(owner)
    hers = given.clinical(owner, cast, "diagnosis", patient_id=asa, code="I10")
    response = alice.post(
        f"/patients/{cast.greta_patient}/referrals/new",
        {
            "from_unit_id": cast.unit_med,
            "to_unit_id": cast.unit_med,
            "urgency": "urgent",
            "question": "Help?",
            "diagnosis_ids": [diagnoses["gallstones"]],
        },
    )
    assert response.status_code == 422
    assert 'id="e-question"' in response.text
    assert 'value="urgent" checked' in response.text  # what she chose is kept
    response = alice.post(
        f"/patients/{cast.greta_patient}/referrals/new",
        {
            "from_unit_id": cast.unit_med,
            "to_unit_id": cast.unit_med,
            "urgency": "urgent",
            "question": QUESTION,
            "diagnosis_ids": [diagnoses["gallstones"], hers],
        },
    )
    assert response.status_code == 422
    assert "Choose another care unit than the one you refer from." in response.text
    assert "Choose diagnoses from the patient's own list." in response.text
    assert QUESTION in response.text
    assert referral_count(owner) == 0


def test_charlie_reads_the_referral_but_not_the_record_until_he_accepts(browser, owner, cast, diagnoses):
    referral = refer_through_the_form(browser("alice"), cast, [diagnoses["gallstones"]])
    charlie = browser("charlie")
    listing = charlie.get("/referrals")
    assert "New referrals to my units" in listing.text and "Gustafsson, Greta" in listing.text
    page = charlie.get(f"/referrals/{referral}")
    assert page.status_code == 200 and QUESTION in page.text and "K80.2" in page.text
    assert "19420214-2388" in page.text
    assert audit_rows(owner, "referral.read", cast.charlie) == [
        {"patient_id": cast.greta_patient, "outcome": "allowed"}
    ]
    # the journal stays closed to him
    assert charlie.get(f"/patients/{cast.greta_patient}/journal").status_code == 403
    # when he accepts, the patient is in his unit's care and the journal opens
    response = charlie.post(f"/referrals/{referral}/accept")
    assert response.status_code == 303
    assert "the patient is in your unit" in charlie.get(response.headers["location"]).text
    assert charlie.get(f"/patients/{cast.greta_patient}/journal").status_code == 200
    assert audit_rows(owner, "referral.accept", cast.charlie) == [
        {"patient_id": cast.greta_patient, "outcome": "allowed"}
    ]
    decided = charlie.get(f"/referrals/{referral}")
    assert "Accepted" in decided.text and "Turnaround" in decided.text
    # and accepting again is refused beside the form, changing nothing
    again = charlie.post(f"/referrals/{referral}/accept")
    assert again.status_code == 422
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM care_assignment WHERE care_unit_id = %s", [cast.unit_surg]
        ).fetchone()["n"]
        == 1
    )


def test_charlie_rejects_with_a_reason_alice_reads(browser, owner, cast):
    referral = refer_through_the_form(browser("alice"), cast, [])
    charlie = browser("charlie")
    response = charlie.post(f"/referrals/{referral}/reject", {"reason": ""})
    assert response.status_code == 422
    assert 'id="e-reason"' in response.text
    assert (
        owner.execute("SELECT status::text FROM referral WHERE id = %s", [referral]).fetchone()["status"]
        == "sent"
    )
    reason = "No surgical indication; treat conservatively."
    assert charlie.post(f"/referrals/{referral}/reject", {"reason": reason}).status_code == 303
    page = browser("alice").get(f"/referrals/{referral}")
    assert "Rejected" in page.text and reason in page.text


def test_alice_withdraws_after_a_confirmation(browser, owner, cast):
    referral = refer_through_the_form(browser("alice"), cast, [])
    alice = browser("alice")
    assert f"/referrals/{referral}/withdraw" in alice.get(f"/referrals/{referral}").text
    confirm = alice.get(f"/referrals/{referral}/withdraw")
    assert confirm.status_code == 200 and "This cannot be undone." in confirm.text
    assert alice.post(f"/referrals/{referral}/withdraw", {"reason": "Resolved."}).status_code == 303
    assert owner.execute("SELECT status::text FROM referral WHERE id = %s", [referral]).fetchone()[
        "status"
    ] == ("withdrawn")
    assert browser("charlie").post(f"/referrals/{referral}/accept").status_code == 422
    # and the receiving doctor has no withdrawal to confirm
    assert browser("charlie").get(f"/referrals/{referral}/withdraw").status_code == 404


def test_no_one_else_reaches_a_referral(browser, owner, cast, diana):
    referral = refer_through_the_form(browser("alice"), cast, [])
    who = browser("diana")
    for url in (f"/referrals/{referral}", f"/referrals/{referral}/withdraw"):
        assert who.get(url).status_code == 404
    assert who.post(f"/referrals/{referral}/accept").status_code == 404
    assert "Gustafsson" not in who.get("/referrals").text
    assert audit_rows(owner, "referral.read", cast.diana) == [{"patient_id": None, "outcome": "refused"}] * 3
    for username in ("bob", "rita", "petra", "erik", "greta"):
        assert browser(username).get(f"/referrals/{referral}").status_code == 403, username
        assert browser(username).get("/referrals").status_code == 403, username
    assert browser("bob").get(f"/patients/{cast.greta_patient}/referrals/new").status_code == 403
    # a doctor without a care relationship may not refer Greta
    assert browser("charlie").get(f"/patients/{cast.greta_patient}/referrals/new").status_code == 403


def test_the_pages_read_in_swedish(browser, cast):
    alice = browser("alice")
    alice.client.cookies.set("hms_lang", "sv")
    form = alice.get(f"/patients/{cast.greta_patient}/referrals/new")
    assert "Remittera patienten" in form.text and "Brådskande" in form.text
    assert "Remisser" in alice.get("/referrals").text
