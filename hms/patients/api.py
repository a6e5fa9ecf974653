"""JSON API for the registry; the same reads and writes as the pages."""

from datetime import date
from typing import Any

from fastapi import Body, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.patients import read, service
from hms.patients.forms import RegistrationForm
from hms.web.forms import parse
from hms.web.guard import current, guarded_router, requires

router = guarded_router(prefix="/api/patients", tags=["patients"])


class PatientSummary(BaseModel):
    id: int
    personal_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    protected_identity: bool


class PatientDetail(PatientSummary):
    phone: str | None
    email: str | None
    street_address: str | None
    postal_code: str | None
    city: str | None
    contact_hidden: bool


MORE_HEADER = "X-More-Results"


@router.get(
    "",
    response_model=list[PatientSummary],
    responses={
        200: {
            "headers": {
                MORE_HEADER: {
                    "description": '"true" when more patients match than the list holds (the page says '
                    "so too): add a word or the birth date to narrow the search.",
                    "schema": {"type": "string", "enum": ["true", "false"]},
                }
            }
        }
    },
)
@requires(Permission.PATIENT_SEARCH)
def search(q: str, response: Response, ctx: RequestContext = Depends(current)) -> list[dict[str, Any]]:
    result = read.patient_search(ctx, query=q)
    response.headers[MORE_HEADER] = "true" if result.more else "false"
    return result.rows


@router.get("/{patient_id}", response_model=PatientDetail)
@requires(Permission.PATIENT_READ_DEMOGRAPHICS)
def get(patient_id: int, ctx: RequestContext = Depends(current)) -> dict[str, Any]:
    return read.access_patient(ctx, patient_id=patient_id)


@router.post(
    "",
    status_code=201,
    response_model=PatientDetail,
    responses={422: {"description": "Field errors: {field: message}"}},
)
@requires(Permission.PATIENT_REGISTER)
def register(body: dict[str, Any] = Body(...), ctx: RequestContext = Depends(current)) -> Any:
    try:
        patient_id = service.patient_register(ctx, data=parse(RegistrationForm, body))
    except Invalid as exc:
        return JSONResponse({"errors": exc.errors}, status_code=422)
    return read.access_patient(ctx, patient_id=patient_id)
