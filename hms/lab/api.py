"""JSON API for laboratory results: a patient's current results, and results
posted for an order's tests (an analyser's interface, or another system),
through the same reads and writes as the pages."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi import Body, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.lab import read, service
from hms.lab.forms import ResultLine
from hms.web.forms import parse
from hms.web.guard import current, guarded_router, requires

router = guarded_router(prefix="/api/patients/{patient_id}/lab", tags=["lab"])

MAX_RESULTS = 200


class Result(BaseModel):
    result_id: int
    order_id: int
    loinc: str
    short_name: str
    value: Decimal
    unit: str
    flag: str | None
    ref_low: Decimal | None
    ref_high: Decimal | None
    sampled_at: datetime | None
    entered_at: datetime
    acknowledged_at: datetime | None


class Posted(BaseModel):
    written: int


@router.get("/results", response_model=list[Result])
@requires(Permission.LAB_READ)
def results(patient_id: int, ctx: RequestContext = Depends(current)) -> list[dict[str, Any]]:
    return read.results_for_api(ctx, patient_id=patient_id)


@router.post(
    "/orders/{order_id}/results",
    response_model=Posted,
    responses={422: {"description": "Field errors: {field: message}"}},
)
@requires(Permission.LAB_RESULT)
def post_results(
    patient_id: int,
    order_id: int,
    body: list[dict[str, Any]] = Body(..., max_length=MAX_RESULTS),
    ctx: RequestContext = Depends(current),
) -> Any:
    """Results as ``[{"loinc": "2823-3", "value": 4.1, "comment": null}, …]``;
    the database computes each flag. All are saved, or none (422)."""
    order = read.access_order(ctx, patient_id=patient_id, order_id=order_id, audit=False)
    try:
        lines = [parse(ResultLine, item) for item in body]
        written = service.results_enter(ctx, order=order, lines=lines, source="api")
    except Invalid as exc:
        return JSONResponse({"errors": exc.errors}, status_code=422)
    return {"written": written}
