"""Emergency access (nödåtkomst): the form a refused clinician is offered."""

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.access import service
from hms.access.forms import EmergencyAccessForm
from hms.access.roles import Permission
from hms.web.context import RequestContext
from hms.web.forms import FormInvalid, parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/emergency-access")


@router.get("", response_class=HTMLResponse)
@requires(Permission.EMERGENCY_ACCESS)
def form(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "access/refused.html", patient_id=patient_id, values={}, errors={})


@router.post("", response_class=HTMLResponse)
@requires(Permission.EMERGENCY_ACCESS)
def open_access(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.emergency_access_open(ctx, patient_id=patient_id, data=parse(EmergencyAccessForm, form))
    except FormInvalid as exc:
        return page(request, ctx, "access/refused.html", status_code=422, patient_id=patient_id,
                    values=form, errors=exc.errors)
    return RedirectResponse(f"/patients/{patient_id}/journal?notice=emergency", status_code=303)
