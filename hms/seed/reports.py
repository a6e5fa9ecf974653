"""Seed step: a department head for the demo (the head of Medicinkliniken,
login "head", a doctor placed in the department's units), and the reports'
figures computed from the history the steps before wrote, so the dashboard
has something to show at once."""

from hms.seed.context import SeedContext
from hms.seed.staff import STAFF_EMAIL_DOMAIN

HEAD_DEPARTMENT = "MED"


def seed_reports(ctx: SeedContext) -> None:
    given, family = ctx.people.given_name("female"), ctx.people.family_name()
    username = ctx.people.reserve_username("head")
    user_id = ctx.insert(
        "INSERT INTO app_user (username, password_hash, role, full_name, email) "
        "VALUES (%s, %s, 'doctor', %s, %s) RETURNING id",
        username, ctx.password_hash, f"{given} {family}", f"{username}@{STAFF_EMAIL_DOMAIN}",
    )  # fmt: skip
    ctx.conn.execute(
        "INSERT INTO staff_profile (user_id, role, profession, licence_number, title) "
        "VALUES (%s, 'doctor', 'Läkare', 'VC-0001', 'Verksamhetschef')",
        [user_id],
    )
    ctx.conn.execute(
        "INSERT INTO staff_care_unit (user_id, care_unit_id) "
        "SELECT %s, u.id FROM care_unit AS u INNER JOIN department AS d ON u.department_id = d.id "
        "WHERE d.code = %s",
        [user_id, HEAD_DEPARTMENT],
    )
    ctx.conn.execute(
        "INSERT INTO department_head (department_id, user_id) SELECT id, %s FROM department WHERE code = %s",
        [user_id, HEAD_DEPARTMENT],
    )
    ctx.add_login("doctor", username, f"{given} {family}", user_id)
    ctx.conn.execute("SELECT report_refresh()")
