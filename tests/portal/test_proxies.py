"""Proxy consent: Greta lets her son Sven read her record, and can take it back."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.conftest import csrf_of, login
from tests.portal import given


def grant_form(token: str, **fields) -> dict:
    return {"csrf_token": token, "username": "sven", "scopes": ["record"], **fields}


def test_granted_relative_reads_the_record_until_it_is_revoked(client, cast, owner):
    given.signed_note(owner, cast, "Blodtrycket välinställt.")
    # given Greta grants Sven her record
    token = login(client, "greta")
    response = client.post("/my/proxies", data=grant_form(token), follow_redirects=False)
    assert response.status_code == 303
    grant_id = owner.execute("SELECT id FROM proxy_grant").fetchone()["id"]
    client.post("/logout", data={"csrf_token": token})
    # then Sven sees her among the people he may act for, and her record
    token = login(client, "sven")
    assert f'href="/my/patients/{cast.greta_patient}"' in client.get("/my").text
    assert f'href="/my/patients/{cast.greta_patient}"' in client.get("/").text
    page = client.get(f"/my/patients/{cast.greta_patient}")
    assert page.status_code == 200 and "Blodtrycket välinställt." in page.text
    read = given.audit_rows(owner, user_id=cast.sven, action="portal.read_record")
    assert [(r["patient_id"], r["outcome"], r["detail"]) for r in read] == [
        (cast.greta_patient, "allowed", "proxy")
    ]
    client.post("/logout", data={"csrf_token": token})
    # when Greta revokes the grant
    token = login(client, "greta")
    response = client.post(
        f"/my/proxies/{grant_id}/revoke",
        data={"csrf_token": token, "confirmed": "yes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert owner.execute("SELECT revoked_at IS NOT NULL AS r FROM proxy_grant").fetchone()["r"]
    client.post("/logout", data={"csrf_token": token})
    # then Sven gets 404 and the refusal is audited
    login(client, "sven")
    assert client.get(f"/my/patients/{cast.greta_patient}").status_code == 404
    refused = given.audit_rows(owner, user_id=cast.sven, outcome="refused")
    assert [r["patient_id"] for r in refused] == [cast.greta_patient]


def test_expired_grant_gives_404(client, cast, owner):
    given.grant(owner, cast, starts="current_date - 30", ends="current_date - 1")
    login(client, "sven")
    assert client.get(f"/my/patients/{cast.greta_patient}").status_code == 404
    assert "Greta" not in client.get("/my").text


def test_grant_without_record_scope_does_not_open_the_record(client, cast, owner):
    given.grant(owner, cast, scopes="{messages}")
    login(client, "sven")
    assert client.get(f"/my/patients/{cast.greta_patient}").status_code == 404


def test_bad_grants_are_refused_beside_the_fields_and_nothing_is_saved(client, cast, owner):
    client.cookies.set("hms_lang", "en")
    token = login(client, "greta")
    cases = [
        (grant_form(token, username="nobody-here"), "There is no relative account with this username."),
        (grant_form(token, username="alice"), "There is no relative account with this username."),
        ({**grant_form(token), "scopes": []}, "Choose at least one thing the relative may see."),
        (
            grant_form(token, starts_on="2030-05-10", ends_on="2030-05-01"),
            "The end date cannot be before the start date.",
        ),
    ]
    for data, message in cases:
        response = client.post("/my/proxies", data=data)
        assert response.status_code == 422, data
        assert message in response.text
        assert f'value="{data["username"]}"' in response.text
    assert 'value="2030-05-01"' in response.text
    assert owner.execute("SELECT count(*) AS n FROM proxy_grant").fetchone()["n"] == 0


def test_receptionist_registers_a_proxy_on_the_patients_recorded_consent(client, cast, owner):
    token = login(client, "rita")
    show = client.get(f"/patients/{cast.greta_patient}").text
    assert f'href="/patients/{cast.greta_patient}/proxies"' in show
    page = client.get(f"/patients/{cast.greta_patient}/proxies")
    assert page.status_code == 200
    taken = (datetime.now(ZoneInfo("Europe/Stockholm")) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    consent = {"basis": "recorded_consent", "consent_method": "written", "consent_taken_at": taken}
    response = client.post(
        f"/patients/{cast.greta_patient}/proxies",
        data=grant_form(csrf_of(page.text), scopes=["record", "appointments"], **consent),
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = owner.execute(
        "SELECT scopes::text[] AS scopes, granted_by, basis::text AS basis, consent_taken_by, "
        "consent_method::text AS method, consent_taken_at = (%s || ' Europe/Stockholm')::timestamptz AS at_typed "
        "FROM proxy_grant",
        [taken.replace("T", " ")],
    ).fetchone()
    assert row == {
        "scopes": ["record", "appointments"], "granted_by": cast.rita, "basis": "recorded_consent",
        "consent_taken_by": cast.rita, "method": "written", "at_typed": True,
    }  # fmt: skip
    assert given.audit_rows(owner, user_id=cast.rita, action="proxy.grant")
    del token


def test_patient_and_relative_cannot_use_the_staff_proxy_page(client, cast):
    login(client, "greta")
    assert client.get(f"/patients/{cast.greta_patient}/proxies").status_code == 403
