"""The demo messages: the demo patient has asked the unit that has seen them
two questions; one is answered by a nurse of that unit, the other is new in
the unit's inbox, and the demo patient reads both in the portal."""

from hms.seed.demo import DEMO_PASSWORD, seed_hospital
from tests.conftest import login


def test_the_demo_patient_has_an_answered_and_a_new_thread(owner_url, owner, client):
    seed_hospital(owner_url, patients=30)
    threads = owner.execute(
        "SELECT t.status::text, u.username AS started_by, "
        "(SELECT array_agg(m.side::text ORDER BY m.id) FROM thread_message AS m WHERE m.thread_id = t.id) AS sides "
        "FROM message_thread AS t JOIN app_user AS u ON u.id = t.started_by ORDER BY t.id"
    ).fetchall()
    assert threads == [
        {"status": "answered", "started_by": "patient", "sides": ["patient", "staff"]},
        {"status": "new", "started_by": "patient", "sides": ["patient"]},
    ]
    login(client, "patient", DEMO_PASSWORD)
    page = client.get("/my/messages")
    assert page.status_code == 200 and "Fråga om provsvar" in page.text and "Biverkningar" in page.text
