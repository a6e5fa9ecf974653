"""Relatives need a legal basis. Staff register a proxy only as the guardian of
a patient under 18, or on the patient's consent, recorded on the grant (who
took it, when, how); otherwise only the patient grants, in the portal. The
database holds each rule against plain SQL as the app's role, and the patient
sees and revokes every grant of theirs, whoever registered it."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.cast import password_hash
from tests.conftest import login
from tests.db.expect import refused
from tests.db.pnr import number

# What the staff page wrote before a grant had a basis.
OLD_REGISTER = (
    "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, granted_by) "
    "VALUES (%(patient)s, %(sven)s, '{record}', %(by)s) RETURNING id"
)
REGISTER = (
    "INSERT INTO proxy_grant (patient_id, relative_user_id, scopes, granted_by, starts_on, ends_on, "
    "basis, consent_taken_by, consent_taken_at, consent_method) "
    "VALUES (%(patient)s, %(sven)s, '{record}', %(by)s, coalesce(%(starts_on)s::date, current_date), "
    "%(ends_on)s::date, %(basis)s, %(taken_by)s, %(taken_at)s::timestamptz, %(method)s) RETURNING id"
)


def grant(cast, **fields) -> dict:
    """A grant to Sven for Greta, registered by Rita, with no basis details."""
    return {
        "patient": cast.greta_patient, "sven": cast.sven, "by": cast.rita, "starts_on": None, "ends_on": None,
        "basis": None, "taken_by": None, "taken_at": None, "method": None, **fields,
    }  # fmt: skip


def by_phone(cast, **fields) -> dict:
    """Greta's consent, taken by Rita on the phone an hour ago."""
    consent = {
        "basis": "recorded_consent", "taken_by": cast.rita, "method": "phone",
        "taken_at": datetime.now(UTC) - timedelta(hours=1),
    }  # fmt: skip
    return grant(cast, **{**consent, **fields})


@pytest.fixture()
def child(owner) -> dict:
    """Maja, about ten years old: Sven's daughter, registered with a valid personnummer."""
    born = date(datetime.now(UTC).year - 10, 6, 12)
    patient_id = owner.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
        "VALUES (%s, 'Maja', 'Gustafsson', %s, 'female') RETURNING id",
        [number(born.strftime("%Y%m%d"), "242"), born],
    ).fetchone()["id"]
    return {"patient_id": patient_id, "adult_on": born.replace(year=born.year + 18)}


def grants(owner) -> list[dict]:
    return owner.execute(
        "SELECT patient_id, relative_user_id, granted_by, basis::text AS basis, consent_taken_by, "
        "consent_method::text AS consent_method, consent_taken_at IS NOT NULL AS consent_dated, ends_on "
        "FROM proxy_grant ORDER BY id"
    ).fetchall()


# -- Staff: a guardian of a minor, or the patient's recorded consent ------------


@pytest.mark.parametrize(
    ("basis", "constraint"),
    [
        (None, "proxy_grant_portal_by_patient"),  # no basis named: the portal's, which is not Rita's
        ("recorded_consent", "proxy_grant_consent_recorded"),  # consent claimed, none recorded
        ("guardian", "proxy_grant_guardian_of_minor"),  # Greta is 80 or more
    ],
)
def test_reception_cannot_register_a_relative_for_an_adult_without_her_recorded_consent(
    app_as, cast, owner, basis, constraint
):
    # given Rita at reception, and Greta, an adult who has consented to nothing
    rita = app_as(cast.rita)
    # when Rita registers Sven as Greta's proxy with plain SQL, without consent
    statement = OLD_REGISTER if basis is None else REGISTER
    refused(rita, statement, grant(cast, basis=basis), constraint=constraint)
    # then nothing is saved
    assert grants(owner) == []


def test_reception_registers_a_relative_on_the_patients_recorded_consent(app_as, cast, owner):
    # given Greta told Rita on the phone an hour ago that Sven may read her record
    rita = app_as(cast.rita)
    # when Rita registers the grant with that consent
    rita.execute(REGISTER, by_phone(cast))
    # then the grant is saved with its basis and who took the consent, when and how
    assert grants(owner) == [
        {
            "patient_id": cast.greta_patient, "relative_user_id": cast.sven, "granted_by": cast.rita,
            "basis": "recorded_consent", "consent_taken_by": cast.rita, "consent_method": "phone",
            "consent_dated": True, "ends_on": None,
        }
    ]  # fmt: skip
    # and Sven reaches her record on that grant
    assert app_as(cast.sven).execute("SELECT count(*) AS n FROM patient").fetchone()["n"] == 1


def test_consent_is_taken_by_a_member_of_staff_recently_and_not_in_the_future(app_as, cast, owner):
    rita = app_as(cast.rita)
    # a consent "taken" by the relative himself is no consent
    refused(
        rita, REGISTER, by_phone(cast, taken_by=cast.sven), constraint="proxy_grant_consent_taken_by_staff"
    )
    # nor is one given tomorrow
    refused(
        rita,
        REGISTER,
        by_phone(cast, taken_at=datetime.now(UTC) + timedelta(days=1)),
        constraint="proxy_grant_consent_before_grant",
    )
    # nor one dug up from a year ago
    refused(
        rita,
        REGISTER,
        by_phone(cast, taken_at=datetime.now(UTC) - timedelta(days=365)),
        constraint="proxy_grant_consent_recent",
    )
    # but Dr Alice may have taken it and Rita registers it
    rita.execute(REGISTER, by_phone(cast, taken_by=cast.alice))
    assert [g["consent_taken_by"] for g in grants(owner)] == [cast.alice]


def test_reception_registers_a_guardian_for_a_child_until_the_day_before_she_turns_18(
    app_as, cast, owner, child
):
    # given Maja, ten years old, whose father Sven is her guardian
    rita = app_as(cast.rita)
    # when Rita registers Sven as Maja's guardian, naming no end
    rita.execute(REGISTER, grant(cast, patient=child["patient_id"], basis="guardian"))
    # then the grant is saved, and ends the day before Maja turns 18
    [row] = grants(owner)
    assert (row["patient_id"], row["basis"], row["consent_taken_by"]) == (
        child["patient_id"],
        "guardian",
        None,
    )
    assert (child["adult_on"] - row["ends_on"]).days == 1


def test_a_guardians_grant_cannot_run_past_the_18th_birthday(app_as, cast, owner, child):
    rita = app_as(cast.rita)
    # given Maja turns 18 on adult_on: a grant until that day is refused
    until_adult = grant(cast, patient=child["patient_id"], basis="guardian", ends_on=child["adult_on"])
    refused(rita, REGISTER, until_adult, constraint="proxy_grant_guardian_until_adult")
    # and so is one that starts on her 18th birthday: she has no guardian then
    from_adult = grant(cast, patient=child["patient_id"], basis="guardian", starts_on=child["adult_on"])
    refused(rita, REGISTER, from_adult, constraint="proxy_grant_guardian_of_minor")
    assert grants(owner) == []


def test_a_relative_cannot_register_a_grant_for_himself(app_as, cast, owner, child):
    # given Sven, a relative, with the app's credentials and his own session
    sven = app_as(cast.sven)
    # when he registers himself as Greta's proxy on a claimed consent, or as Maja's guardian
    refused(
        sven,
        REGISTER,
        by_phone(cast, by=cast.sven, taken_by=cast.rita),
        constraint="proxy_grant_registered_by_staff",
    )
    refused(
        sven,
        REGISTER,
        grant(cast, patient=child["patient_id"], by=cast.sven, basis="guardian"),
        constraint="proxy_grant_registered_by_staff",
    )
    # then nothing is saved
    assert grants(owner) == []


# -- The patient, in the portal --------------------------------------------------


def test_greta_grants_sven_access_in_the_portal(app_as, cast, owner):
    # when Greta, in her own session, grants Sven her record
    app_as(cast.greta).execute(REGISTER, grant(cast, by=cast.greta, basis="patient_portal"))
    # then the grant is hers, on the portal basis, with no consent to record
    [row] = grants(owner)
    assert (row["granted_by"], row["basis"], row["consent_taken_by"]) == (cast.greta, "patient_portal", None)


def test_reception_cannot_claim_the_patients_own_portal_basis(app_as, cast, owner):
    rita = app_as(cast.rita)
    # Rita, in her own name, claiming that the patient granted it in the portal
    refused(rita, REGISTER, grant(cast, basis="patient_portal"), constraint="proxy_grant_portal_by_patient")
    # or writing Greta's name as the one granting: not in her own name
    refused(rita, REGISTER, grant(cast, by=cast.greta, basis="patient_portal"), sqlstate="42501")
    assert grants(owner) == []


def test_a_grant_is_never_rewritten_only_revoked_once(app_as, cast, owner):
    # given Rita registered Sven on Greta's consent
    rita = app_as(cast.rita)
    grant_id = rita.execute(REGISTER, by_phone(cast)).fetchone()["id"]
    # when she points the grant at another relative, or stretches the consent into a guardian's right
    other = owner.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) "
        "VALUES ('lisa', %s, 'relative', 'Lisa Larsson') RETURNING id",
        [password_hash()],
    ).fetchone()["id"]
    for change, value in (("relative_user_id = %s", other), ("ends_on = %s", date(2099, 1, 1))):
        refused(
            rita,
            f"UPDATE proxy_grant SET {change} WHERE id = %s",  # noqa: S608
            [value, grant_id],
            constraint="proxy_grant_is_a_record",
        )
    # then only revoking it works, once
    assert rita.execute("UPDATE proxy_grant SET revoked_at = now() WHERE id = %s", [grant_id]).rowcount == 1
    refused(
        rita,
        "UPDATE proxy_grant SET revoked_at = now() WHERE id = %s",
        [grant_id],
        constraint="proxy_grant_is_a_record",
    )


# -- Through the pages ----------------------------------------------------------


def staff_form(token: str, **fields) -> dict:
    return {"csrf_token": token, "username": "sven", "scopes": ["record"], **fields}


def test_greta_sees_and_revokes_a_grant_reception_registered(client, cast, owner):
    client.cookies.set("hms_lang", "en")
    # given Rita registers Sven on Greta's consent, taken in person, on the staff page
    token = login(client, "rita")
    response = client.post(
        f"/patients/{cast.greta_patient}/proxies",
        data=staff_form(token, basis="recorded_consent", consent_method="in_person"),
        follow_redirects=False,
    )
    assert response.status_code == 303
    [row] = grants(owner)
    assert (row["basis"], row["consent_taken_by"], row["consent_method"]) == (
        "recorded_consent", cast.rita, "in_person"
    )  # fmt: skip
    client.post("/logout", data={"csrf_token": token})
    # when Greta opens her proxies in the portal
    token = login(client, "greta")
    page = client.get("/my/proxies").text
    # then she sees the grant, on what basis and who registered it
    assert "Sven Gustafsson" in page
    assert "The patient's recorded consent" in page and "Registered by Rita Reception" in page
    grant_id = owner.execute("SELECT id FROM proxy_grant").fetchone()["id"]
    assert f'action="/my/proxies/{grant_id}/revoke"' in page
    # and revokes it
    response = client.post(
        f"/my/proxies/{grant_id}/revoke",
        data={"csrf_token": token, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert owner.execute("SELECT revoked_at IS NOT NULL AS r FROM proxy_grant").fetchone()["r"]


def test_staff_form_shows_the_databases_refusal_beside_the_field_and_keeps_what_was_typed(
    client, cast, owner, child
):
    client.cookies.set("hms_lang", "en")
    token = login(client, "rita")
    too_late = child["adult_on"].isoformat()
    cases = [
        # a guardian for adult Greta
        (cast.greta_patient, staff_form(token, basis="guardian", ends_on="2030-05-01"), "basis",
         "Only a patient under 18 has a guardian; an adult's relative needs the patient's consent."),
        # a guardian for Maja until her 18th birthday
        (child["patient_id"], staff_form(token, basis="guardian", ends_on=too_late), "ends_on",
         "A guardian's access ends at the latest the day before the patient turns 18."),
        # consent without saying how it was given
        (cast.greta_patient, staff_form(token, basis="recorded_consent", consent_taken_by="alice"), "consent_method",
         "Record how the patient consented."),
        # consent "taken" by the patient herself
        (cast.greta_patient, staff_form(token, basis="recorded_consent", consent_method="written",
                                        consent_taken_by="greta"), "consent_taken_by",
         "The patient's consent is taken by a member of staff."),
    ]  # fmt: skip
    for patient_id, data, field, message in cases:
        response = client.post(f"/patients/{patient_id}/proxies", data=data)
        assert response.status_code == 422, data
        assert f'<p class="error" id="e-{field}">{message}</p>' in response.text, field
        assert 'value="sven"' in response.text
        for typed in ("ends_on", "consent_taken_by"):
            if typed in data:
                assert f'value="{data[typed]}"' in response.text, typed
        assert f'value="{data["basis"]}" checked' in response.text
    assert grants(owner) == []


def test_staff_form_asks_for_a_basis(client, cast, owner):
    client.cookies.set("hms_lang", "en")
    token = login(client, "rita")
    response = client.post(f"/patients/{cast.greta_patient}/proxies", data=staff_form(token))
    assert response.status_code == 422
    assert '<p class="error" id="e-basis">This field is required.</p>' in response.text
    assert grants(owner) == []
