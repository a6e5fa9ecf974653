"""Loggutdrag: the patient sees who reached her record (name, profession,
care unit), when, what they read, and how: one line per visit."""

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
    # then one line names the doctor, her profession and unit, and the journal she read
    assert page.status_code == 200
    rows = log_rows(page.text)
    assert len(rows) == 1, rows
    for shown in ("Dr Alice Andersson", "Physician", "Medical ward 1", "Journal", "Read"):
        assert shown in rows[0], rows
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
    # then the surgical ward's refused read and its emergency access are two visits, newest first
    surgical = [r for r in rows if "Surgical ward 1" in r and "Dr Charlie Carlsson" in r]
    assert len(surgical) == 2, rows
    assert surgical[0].endswith("Emergency access"), rows
    assert surgical[1].endswith("Refused read"), rows
    assert "Refused change" not in " ".join(rows)


def test_a_visit_is_one_line_and_a_pause_starts_another(client, cast, owner):
    # given Dr Alice read Greta's chart three times within a few minutes, then
    # again two hours later (the earlier rows moved back by hand, as owner)
    token = login(client, "alice")
    for _ in range(3):
        assert client.get(f"/patients/{cast.greta_patient}/journal").status_code == 200
    owner.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only_row")
    owner.execute("UPDATE audit_log SET at = at - interval '2 hours' WHERE user_id = %s", [cast.alice])
    owner.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only_row")
    assert client.get(f"/patients/{cast.greta_patient}/journal").status_code == 200
    client.post("/logout", data={"csrf_token": token})
    # when Greta reads her log
    client.cookies.set("hms_lang", "en")
    login(client, "greta")
    rows = [r for r in log_rows(client.get("/my/access-log").text) if "Dr Alice Andersson" in r]
    # then she sees two visits, not four rows
    assert len(rows) == 2, rows


def test_a_relative_has_no_access_log_of_their_own(client, cast):
    login(client, "sven")
    assert client.get("/my/access-log").status_code == 404
