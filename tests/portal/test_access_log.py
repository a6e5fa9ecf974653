"""Loggutdrag: the patient sees which care unit reached her record, when and how."""

import re

from tests.conftest import login
from tests.portal import given


def log_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1] if "<tbody>" in html else ""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


def test_patient_sees_that_the_medical_ward_read_her_chart(client, cast, owner):
    # given Dr Alice (medical ward) opened Greta's chart
    token = login(client, "alice")
    assert client.get(f"/patients/{cast.greta_patient}/journal").status_code == 200
    client.post("/logout", data={"csrf_token": token})
    # when Greta opens her access log
    client.cookies.set("hms_lang", "en")
    login(client, "greta")
    page = client.get("/my/access-log")
    # then it names the unit and the role, not the person
    assert page.status_code == 200
    rows = log_rows(page.text)
    assert any("Medical ward 1" in r and "Doctor" in r and "Read" in r for r in rows), rows
    assert "Alice" not in page.text
    # and reading the log is itself audited
    assert given.audit_rows(owner, user_id=cast.greta, action="portal.access_log")


def test_refusals_and_emergency_access_are_in_the_log(client, cast, owner):
    # given Dr Charlie (surgery, no care relationship) is refused, then breaks the glass
    token = login(client, "charlie")
    assert client.get(f"/patients/{cast.greta_patient}/journal").status_code == 403
    response = client.post(
        f"/patients/{cast.greta_patient}/emergency-access",
        data={"csrf_token": token, "reason": "Medvetslös i akutrummet, behöver anamnes"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    client.get(f"/patients/{cast.greta_patient}/journal")
    client.post("/logout", data={"csrf_token": token})
    # when Greta reads her log
    client.cookies.set("hms_lang", "en")
    login(client, "greta")
    rows = log_rows(client.get("/my/access-log").text)
    # then the surgical ward's refusal and its emergency access are both there, newest first
    surgical = [r for r in rows if "Surgical ward 1" in r]
    assert any("Refused" in r for r in surgical), rows
    assert any("Emergency access" in r and "Allowed" in r for r in surgical), rows
    assert "Emergency access" in surgical[0]


def test_a_relative_has_no_access_log_of_their_own(client, cast):
    login(client, "sven")
    assert client.get("/my/access-log").status_code == 404
