"""Writes of the portal: proxy grants and blocks. Each runs in a savepoint of
the request's transaction, after the caller has been given the patient
(``read.own_patient`` or ``patient_access``), and writes its audit row."""

from hms.access.policy import Access
from hms.accounts import read as accounts_read
from hms.audit.service import audit_patient
from hms.core.clock import today
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.writes import savepoint
from hms.db.queries import load
from hms.journal import read as journal_read
from hms.portal import forms

q = load("portal")
# A grant on the patient's own word or a guardian's right records no consent.
_NO_CONSENT: dict[str, object] = {"consent_taken_by": None, "consent_taken_at": None, "consent_method": None}


def proxy_grant_add(ctx: RequestContext, *, access: Access, data: forms.ProxyForm) -> int:
    """The patient grants a relative access in the portal, in their own name."""
    return _grant(ctx, access, data, basis="patient_portal", consent=_NO_CONSENT)


def proxy_grant_register(ctx: RequestContext, *, access: Access, data: forms.StaffProxyForm) -> int:
    """Staff register a relative's access: as a minor's guardian, or on the
    patient's recorded consent. The database refuses a basis that does not hold."""
    if data.basis != "recorded_consent":
        return _grant(ctx, access, data, basis=data.basis, consent=_NO_CONSENT)
    taken_by = ctx.staff.id
    if data.consent_taken_by:
        user = accounts_read.user_by_username(ctx, username=data.consent_taken_by)
        if user is None:
            raise Invalid({"consent_taken_by": forms.UNKNOWN_USER})
        taken_by = user["id"]
    consent: dict[str, object] = {
        "consent_taken_by": taken_by,
        "consent_taken_at": data.consent_taken_at,  # None: now, as the database has it
        "consent_method": data.consent_method,
    }
    return _grant(ctx, access, data, basis=data.basis, consent=consent)


def _grant(
    ctx: RequestContext, access: Access, data: forms.ProxyForm, *, basis: str, consent: dict[str, object]
) -> int:
    """Write a grant on a basis, with its audit row."""
    relative = accounts_read.relative_by_username(ctx, username=data.username)
    if relative is None:
        raise Invalid({"username": forms.UNKNOWN_RELATIVE})

    with savepoint(ctx.conn):
        row = q.proxy_grant_add(
            ctx.conn,
            patient_id=access.patient_id,
            relative_user_id=relative["id"],
            scopes=list(data.scopes),
            starts_on=data.starts_on or today(),
            ends_on=data.ends_on,
            by=ctx.staff.id,
            basis=basis,
            **consent,
        )
        audit_patient(
            ctx,
            patient_id=access.patient_id,
            action="proxy.grant",
            object_type="proxy_grant",
            object_id=row["id"],
            detail=",".join(data.scopes),
        )
    return int(row["id"])


def proxy_grant_revoke(ctx: RequestContext, *, access: Access, grant_id: int) -> None:
    """End a grant now; 404 if it is not this patient's or already revoked."""
    row = q.proxy_grant_revoke(ctx.conn, grant_id=grant_id, patient_id=access.patient_id)
    if row is None:
        raise NotFound()
    audit_patient(
        ctx,
        patient_id=access.patient_id,
        action="proxy.revoke",
        object_type="proxy_grant",
        object_id=grant_id,
    )


def journal_block_add(ctx: RequestContext, *, access: Access, data: forms.BlockForm) -> int:
    """Block one care unit's entries from staff of other units."""
    units = {u["id"] for u in journal_read.units_with_entries_for(ctx, access=access)}
    if data.care_unit_id not in units:
        raise Invalid({"care_unit_id": forms.UNKNOWN_UNIT})
    with savepoint(ctx.conn):
        row = q.block_add(
            ctx.conn, patient_id=access.patient_id, care_unit_id=data.care_unit_id, by=ctx.staff.id
        )
        audit_patient(
            ctx,
            patient_id=access.patient_id,
            action="journal_block.create",
            object_type="journal_block",
            object_id=row["id"],
        )
    return int(row["id"])


def journal_block_revoke(ctx: RequestContext, *, access: Access, block_id: int) -> None:
    """Lift a block; 404 if it is not this patient's or already lifted."""
    row = q.block_revoke(ctx.conn, block_id=block_id, patient_id=access.patient_id)
    if row is None:
        raise NotFound()
    audit_patient(
        ctx,
        patient_id=access.patient_id,
        action="journal_block.revoke",
        object_type="journal_block",
        object_id=block_id,
    )
