"""Journal entry pages: diagnoses, allergies, procedures, past history, care plans, journal copy."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.accounts import read as accounts_read
from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.journal import forms, read, service
from hms.journal.pages import journal_access
from hms.patients.read import access_patient
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/journal", dependencies=[Depends(journal_access)])

NOTICES = {
    "diagnosis": "The diagnosis is recorded.",
    "resolved": "The diagnosis is resolved and has left the problem list.",
    "diagnosis_in_error": "The diagnosis is marked entered in error.",
}


def _patient(ctx: RequestContext, patient_id: int, *, audit: bool = True) -> dict[str, Any]:
    return access_patient(ctx, patient_id=patient_id, action="journal.read", audit=audit)


def _to_chart(patient_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/patients/{patient_id}/journal?notice={notice}", status_code=303)


def _units(ctx: RequestContext) -> list[tuple[int, str]]:
    return [(u["id"], u["name"]) for u in read.my_care_units(ctx)]


def _default_unit(ctx: RequestContext, values: dict[str, Any]) -> dict[str, Any]:
    """Preselect the user's care unit when there is only one."""
    units = read.my_care_units(ctx)
    if "care_unit_id" not in values and len(units) == 1:
        values = {**values, "care_unit_id": str(units[0]["id"])}
    return values


def _encounters(ctx: RequestContext, patient_id: int) -> list[tuple[int, str]]:
    return [
        (e["id"], f"{e['started_at'].astimezone(LOCAL_TZ):%Y-%m-%d} · {e['kind']} · {e['reason']}")
        for e in read.encounters(ctx, patient_id=patient_id)
    ]


def _aware(value: datetime) -> datetime:
    """A time typed in a form (hospital local time, no zone) as an aware time."""
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- Diagnoses -------------------------------------------------------------


@router.get("/diagnoses", response_class=HTMLResponse)
@requires(Permission.JOURNAL_READ)
def diagnosis_list(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    patient = _patient(ctx, patient_id, audit=False)
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    rows = read.diagnoses(ctx, patient_id=patient_id)
    active = [d for d in rows if d["resolved_date"] is None and d["entered_in_error_at"] is None]
    resolved = [d for d in rows if d["resolved_date"] is not None and d["entered_in_error_at"] is None]
    in_error = [d for d in rows if d["entered_in_error_at"] is not None]
    return page(
        request,
        ctx,
        "journal/entry_diagnoses.html",
        patient=patient,
        active=active,
        resolved=resolved,
        in_error=in_error,
        can_write=ctx.staff.can(Permission.DIAGNOSIS_WRITE),
    )


@router.post("/diagnoses/{diagnosis_id}/resolve", response_class=HTMLResponse)
@requires(Permission.DIAGNOSIS_WRITE)
def diagnosis_resolve(
    request: Request,
    patient_id: int,
    diagnosis_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        resolved_on = _date(form.get("resolved_date")) or datetime.now(UTC).astimezone(LOCAL_TZ).date()
        service.diagnosis_resolve(
            ctx, patient_id=patient_id, diagnosis_id=diagnosis_id, resolved_on=resolved_on
        )
    except Invalid as exc:
        return _diagnoses_with_errors(request, ctx, patient_id, exc)
    return RedirectResponse(f"/patients/{patient_id}/journal/diagnoses?notice=resolved", status_code=303)


@router.post("/diagnoses/{diagnosis_id}/error", response_class=HTMLResponse)
@requires(Permission.DIAGNOSIS_WRITE)
def diagnosis_in_error(
    request: Request,
    patient_id: int,
    diagnosis_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        reason = parse(forms.ReasonForm, form).reason
        service.entry_mark_in_error(
            ctx, patient_id=patient_id, kind="diagnosis", entry_id=diagnosis_id, reason=reason
        )
    except Invalid as exc:
        return _diagnoses_with_errors(request, ctx, patient_id, exc)
    return RedirectResponse(
        f"/patients/{patient_id}/journal/diagnoses?notice=diagnosis_in_error", status_code=303
    )


@router.post("/care-plans/{care_plan_id}/status", response_class=HTMLResponse)
@requires(Permission.CARE_PLAN_WRITE)
def care_plan_status(
    request: Request,
    patient_id: int,
    care_plan_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.care_plan_set_status(
            ctx, patient_id=patient_id, care_plan_id=care_plan_id, status=form.get("status", "")
        )
    except Invalid:
        return RedirectResponse(f"/patients/{patient_id}/journal?notice=care_plan_unchanged", status_code=303)
    return RedirectResponse(f"/patients/{patient_id}/journal?notice=care_plan_status", status_code=303)


def _diagnoses_with_errors(request: Request, ctx: RequestContext, patient_id: int, exc: Invalid) -> Response:
    ctx.flash.extend(exc.errors.values())
    response = diagnosis_list(request, patient_id, notice="", ctx=ctx)
    response.status_code = 422
    return response


def _diagnosis_form(
    request: Request,
    ctx: RequestContext,
    patient: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    icd_q = str(values.get("icd_q") or "").strip()
    matches = read.icd10_search(ctx, query=icd_q) if icd_q else []
    return page(
        request,
        ctx,
        "journal/entry_diagnosis_new.html",
        status_code=status_code,
        patient=patient,
        values=_default_unit(ctx, values),
        errors=errors,
        icd_q=icd_q,
        matches=matches,
        units=_units(ctx),
        encounters=_encounters(ctx, patient["id"]),
    )


@router.get("/diagnoses/new", response_class=HTMLResponse)
@requires(Permission.DIAGNOSIS_WRITE)
def diagnosis_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    # The picker is a GET form: the search and every typed value come back in the query string.
    values = {k: v for k, v in request.query_params.items() if k != "notice"}
    return _diagnosis_form(request, ctx, patient, values, {})


@router.post("/diagnoses/new", response_class=HTMLResponse)
@requires(Permission.DIAGNOSIS_WRITE)
def diagnosis_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)
    # A typed code wins; otherwise the code chosen among the search results.
    if not (form.get("code") or "").strip():
        form = {**form, "code": form.get("picked_code", "")}
    try:
        service.diagnosis_add(ctx, patient_id=patient_id, data=parse(forms.DiagnosisForm, form))
    except Invalid as exc:
        return _diagnosis_form(request, ctx, patient, form, exc.errors, status_code=422)
    return RedirectResponse(f"/patients/{patient_id}/journal/diagnoses?notice=diagnosis", status_code=303)


# --- Allergies -------------------------------------------------------------


def _entry_form(
    request: Request,
    ctx: RequestContext,
    template: str,
    patient: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    **extra: Any,
) -> Response:
    return page(
        request,
        ctx,
        template,
        status_code=status_code,
        patient=patient,
        values=_default_unit(ctx, values),
        errors=errors,
        units=_units(ctx),
        **extra,
    )


@router.get("/allergies/new", response_class=HTMLResponse)
@requires(Permission.ALLERGY_WRITE)
def allergy_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    return _entry_form(request, ctx, "journal/entry_allergy_new.html", patient, {}, {})


@router.post("/allergies/new", response_class=HTMLResponse)
@requires(Permission.ALLERGY_WRITE)
def allergy_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)
    try:
        service.allergy_add(ctx, patient_id=patient_id, data=parse(forms.AllergyForm, form))
    except Invalid as exc:
        return _entry_form(
            request, ctx, "journal/entry_allergy_new.html", patient, form, exc.errors, status_code=422
        )
    return _to_chart(patient_id, "allergy")


# --- Procedures and surgeries ----------------------------------------------


@router.get("/procedures/new", response_class=HTMLResponse)
@requires(Permission.PROCEDURE_WRITE)
def procedure_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    now = datetime.now(UTC).astimezone(LOCAL_TZ)
    return _entry_form(
        request,
        ctx,
        "journal/entry_procedure_new.html",
        patient,
        {"performed_at": f"{now:%Y-%m-%dT%H:%M}"},
        {},
        encounters=_encounters(ctx, patient_id),
    )


@router.post("/procedures/new", response_class=HTMLResponse)
@requires(Permission.PROCEDURE_WRITE)
def procedure_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)
    values = {**form, "code": (form.get("code") or "").strip().upper()}
    try:
        data = parse(forms.ProcedureForm, values)
        data = data.model_copy(update={"performed_at": _aware(data.performed_at)})
        if data.performed_at > datetime.now(UTC):
            raise Invalid({"performed_at": "The time is in the future."})
        service.procedure_add(ctx, patient_id=patient_id, data=data)
    except Invalid as exc:
        return _entry_form(
            request,
            ctx,
            "journal/entry_procedure_new.html",
            patient,
            form,
            exc.errors,
            status_code=422,
            encounters=_encounters(ctx, patient_id),
        )
    return _to_chart(patient_id, "procedure")


# --- Past, family and social history ---------------------------------------


@router.get("/history/new", response_class=HTMLResponse)
@requires(Permission.HISTORY_WRITE)
def history_new(
    request: Request, patient_id: int, kind: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    patient = _patient(ctx, patient_id)
    values = {"kind": kind} if kind in ("past_illness", "family", "social") else {}
    return _entry_form(request, ctx, "journal/entry_history_new.html", patient, values, {})


@router.post("/history/new", response_class=HTMLResponse)
@requires(Permission.HISTORY_WRITE)
def history_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)
    try:
        service.history_add(ctx, patient_id=patient_id, data=parse(forms.HistoryForm, form))
    except Invalid as exc:
        return _entry_form(
            request, ctx, "journal/entry_history_new.html", patient, form, exc.errors, status_code=422
        )
    return _to_chart(patient_id, "history")


# --- Care plans --------------------------------------------------------------


def _responsible(ctx: RequestContext) -> list[tuple[int, str]]:
    """The user and the staff who share a care unit with them."""
    me = (ctx.staff.id, ctx.staff.full_name)
    return [me, *((c["id"], c["full_name"]) for c in accounts_read.colleagues(ctx))]


@router.get("/care-plans/new", response_class=HTMLResponse)
@requires(Permission.CARE_PLAN_WRITE)
def care_plan_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    return _entry_form(
        request,
        ctx,
        "journal/entry_care_plan_new.html",
        patient,
        {"responsible_id": str(ctx.staff.id)},
        {},
        staff=_responsible(ctx),
    )


@router.post("/care-plans/new", response_class=HTMLResponse)
@requires(Permission.CARE_PLAN_WRITE)
def care_plan_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)
    staff = _responsible(ctx)
    try:
        data = parse(forms.CarePlanForm, form)
        if data.responsible_id not in {s[0] for s in staff}:
            raise Invalid({"responsible_id": "Choose someone on your care units."})
        service.care_plan_add(ctx, patient_id=patient_id, data=data)
    except Invalid as exc:
        return _entry_form(
            request,
            ctx,
            "journal/entry_care_plan_new.html",
            patient,
            form,
            exc.errors,
            status_code=422,
            staff=staff,
        )
    return _to_chart(patient_id, "care_plan")


# --- Journal copy --------------------------------------------------------------


@router.get("/print", response_class=HTMLResponse)
@requires(Permission.JOURNAL_READ)
def journal_print(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id, audit=False)
    start = _date(request.query_params.get("from"))
    end = _date(request.query_params.get("to"))
    if start and end and end < start:
        start, end = end, start
    entries = read.access_journal_copy(ctx, patient_id=patient_id, start=start, end=end)
    return page(
        request,
        ctx,
        "journal/print.html",
        patient=patient,
        entries=entries,
        start=start,
        end=end,
        printed_at=datetime.now(UTC),
    )
