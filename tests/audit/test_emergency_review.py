"""An administrator reviews each emergency access once; the database refuses a
second review and a review by the one who used the access."""

import psycopg
import pytest


def test_the_queue_shows_the_unreviewed_access_and_what_was_done(client, cast, emergency, adam, olle):
    page = client.get("/admin/audit/emergency")
    assert page.status_code == 200
    assert f'id="access-{emergency}"' in page.text
    assert "Unconscious in the emergency room" in page.text
    assert "Olsson, Olle" in page.text
    assert "journal.read" in page.text  # what Alice did under it
    assert 'name="review"' in page.text


def test_admin_reviews_it_justified_and_it_is_audited(client, cast, emergency, adam, olle, owner):
    response = client.post(
        f"/admin/audit/emergency/{emergency}",
        data={"review": "justified", "comment": "Seen in the ER log.", "csrf_token": adam},
        follow_redirects=False,
    )
    assert response.status_code == 303
    row = owner.execute(
        "SELECT review::text, reviewed_by, review_comment, reviewed_at IS NOT NULL AS done "
        "FROM emergency_access WHERE id = %s",
        [emergency],
    ).fetchone()
    assert row == {
        "review": "justified",
        "reviewed_by": cast.adam,
        "review_comment": "Seen in the ER log.",
        "done": True,
    }
    audit = owner.execute(
        "SELECT user_id, patient_id, object_id FROM audit_log WHERE action = 'emergency_access.review'"
    ).fetchall()
    assert audit == [{"user_id": cast.adam, "patient_id": olle, "object_id": emergency}]
    page = client.get(response.headers["location"])
    assert "The review is saved." in page.text
    assert "Justified" in page.text


def test_a_second_review_is_refused_with_a_message(client, cast, emergency, adam, owner):
    client.post(f"/admin/audit/emergency/{emergency}", data={"review": "justified", "csrf_token": adam})
    again = client.post(
        f"/admin/audit/emergency/{emergency}", data={"review": "unjustified", "csrf_token": adam}
    )
    assert again.status_code == 422
    assert "already reviewed" in again.text
    assert (
        owner.execute("SELECT review::text FROM emergency_access WHERE id = %s", [emergency]).fetchone()[
            "review"
        ]
        == "justified"
    )
    assert (
        owner.execute(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'emergency_access.review'"
        ).fetchone()["n"]
        == 1
    )


def test_a_review_needs_a_verdict(client, cast, emergency, adam):
    response = client.post(f"/admin/audit/emergency/{emergency}", data={"csrf_token": adam})
    assert response.status_code == 422
    assert "This field is required." in response.text


def test_an_unknown_access_is_not_found(client, cast, adam):
    response = client.post("/admin/audit/emergency/999999", data={"review": "justified", "csrf_token": adam})
    assert response.status_code == 404


def test_nobody_reviews_their_own_emergency_access_even_with_raw_sql(owner, cast, olle):
    access = owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason) "
        "VALUES (%s, %s, 'Unconscious, needs history now') RETURNING id",
        [cast.alice, olle],
    ).fetchone()["id"]
    with pytest.raises(psycopg.errors.CheckViolation) as refused:
        owner.execute(
            "UPDATE emergency_access SET reviewed_at = now(), reviewed_by = user_id, review = 'justified' "
            "WHERE id = %s",
            [access],
        )
    assert refused.value.diag.constraint_name == "emergency_access_not_self_reviewed"


def test_the_database_refuses_a_second_review_even_to_the_owner(owner, cast, olle):
    access = owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason) "
        "VALUES (%s, %s, 'Unconscious, needs history now') RETURNING id",
        [cast.alice, olle],
    ).fetchone()["id"]
    review = "UPDATE emergency_access SET reviewed_at = now(), reviewed_by = %s, review = %s WHERE id = %s"
    owner.execute(review, [cast.adam, "justified", access])
    with pytest.raises(psycopg.Error) as refused:
        owner.execute(review, [cast.adam, "unjustified", access])
    assert refused.value.sqlstate == "HM040"


def test_a_clinician_cannot_write_a_review_with_the_apps_role(acting_as, cast, olle, owner):
    access = owner.execute(
        "INSERT INTO emergency_access (user_id, patient_id, reason) "
        "VALUES (%s, %s, 'Unconscious, needs history now') RETURNING id",
        [cast.alice, olle],
    ).fetchone()["id"]
    charlie = acting_as(cast.charlie, "doctor")
    with charlie.transaction():
        changed = charlie.execute(
            "UPDATE emergency_access SET reviewed_at = now(), reviewed_by = %s, review = 'justified' "
            "WHERE id = %s",
            [cast.charlie, access],
        ).rowcount
    assert changed == 0
