"""Writes on the registry. Each is all-or-nothing (a savepoint inside the
request's transaction) and writes its own audit row."""

from hms.audit.service import audit_patient
from hms.core.context import RequestContext
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.patients.forms import ContactForm, IdentityForm, NextOfKinForm, RegistrationForm

q = load("patients")


def patient_register(ctx: RequestContext, *, data: RegistrationForm) -> int:
    """Register a new patient; a duplicate number is refused by the database."""
    with savepoint(ctx.conn):
        row = q.patient_insert(
            ctx.conn,
            created_by=ctx.staff.id,
            **data.model_dump(),
        )
        patient_id = int(row["id"])
        audit_patient(
            ctx, patient_id=patient_id, action="patient.create", object_type="patient", object_id=patient_id
        )
    return patient_id


def patient_update(
    ctx: RequestContext, *, patient_id: int, identity: IdentityForm, contact: ContactForm | None
) -> None:
    """Change names, sex and protection; contact details only when the editor
    could see them (a protected patient's hidden address is never overwritten)."""
    with savepoint(ctx.conn):
        q.patient_update_identity(ctx.conn, patient_id=patient_id, **identity.model_dump())
        if contact is not None:
            q.patient_update_contact(ctx.conn, patient_id=patient_id, **contact.model_dump())
        audit_patient(
            ctx, patient_id=patient_id, action="patient.update", object_type="patient", object_id=patient_id
        )


def next_of_kin_add(ctx: RequestContext, *, patient_id: int, data: NextOfKinForm) -> int:
    with savepoint(ctx.conn):
        if data.is_primary:
            q.next_of_kin_clear_primary(ctx.conn, patient_id=patient_id)
        row = q.next_of_kin_insert(ctx.conn, patient_id=patient_id, **data.model_dump())
        audit_patient(
            ctx,
            patient_id=patient_id,
            action="next_of_kin.create",
            object_type="next_of_kin",
            object_id=row["id"],
        )
    return int(row["id"])


def next_of_kin_remove(ctx: RequestContext, *, patient_id: int, kin_id: int) -> bool:
    with ctx.conn.transaction():
        row = q.next_of_kin_delete(ctx.conn, patient_id=patient_id, kin_id=kin_id)
        if row:
            audit_patient(
                ctx,
                patient_id=patient_id,
                action="next_of_kin.delete",
                object_type="next_of_kin",
                object_id=kin_id,
            )
    return row is not None
