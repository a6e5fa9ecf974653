"""The one write of reporting: administrators appoint and remove department
heads (the database checks the role and writes the audit row)."""

from hms.core.context import RequestContext
from hms.core.errors import Refused
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.reports import policy

q = load("reports")


def department_head_appoint(ctx: RequestContext, *, department_id: int, user_id: int) -> None:
    if not policy.may_appoint_heads(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        q.department_head_appoint(ctx.conn, department_id=department_id, user_id=user_id)


def department_head_remove(ctx: RequestContext, *, department_id: int, user_id: int) -> None:
    if not policy.may_appoint_heads(ctx.staff):
        raise Refused()
    with savepoint(ctx.conn):
        q.department_head_remove(ctx.conn, department_id=department_id, user_id=user_id)
