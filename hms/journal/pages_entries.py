"""Journal entry pages: diagnoses, allergies, procedures, past history, care plans, journal copy."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.accounts import read as accounts_read
from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.journal import forms, read, service
from hms.journal.pages import journal_access
from hms.patients.read import access_patient
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import FormPage, parse, submit
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/patients/{patient_id}/journal", gate=journal_access)

NOTICES = {
    "diagnosis": "The diagnosis is recorded.",
    "resolved": "The diagnosis is resolved and has left the problem list.",
    "diagnosis_in_error": "The diagnosis is marked entered in error.",
}


def _patient(ctx: RequestContext, patient_id: int, *, audit: bool = True) -> dict[str, Any]:
    return access_patient(ctx, patient_id=patient_id, action="journal.read", audit=audit)


def _chart(patient_id: int, notice: str) -> str:
    return f"/patients/{patient_id}/journal?notice={notice}"


def _diagnoses(patient_id: int, notice: str) -> str:
    return f"/patients/{patient_id}/journal/diagnoses?notice={notice}"


def _units(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The care units an entry can be written for."""
    return {"units": [(u["id"], u["name"]) for u in read.my_care_units(ctx)]}


def _units_and_encounters(
    ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]
) -> dict[str, Any]:
    """The care units, and the patient's encounters an entry can belong to."""
    return {**_units(ctx, values, context), "encounters": _encounters(ctx, context["patient"]["id"])}


def _default_unit(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """Preselect the user's care unit that has the patient in care (or the
    user's only unit)."""
    if "care_unit_id" in values:
        return values
    unit = read.preferred_care_unit(ctx, patient_id=context["patient"]["id"])
    return {**values, "care_unit_id": str(unit)} if unit else values


def _icd10_matches(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The diagnosis form's code search (what was searched for, the codes found),
    with the care units and the patient's encounters."""
    icd_q = str(values.get("icd_q") or "").strip()
    matches, more = read.icd10_search(ctx, query=icd_q) if icd_q else ([], False)
    return {
        "icd_q": icd_q,
        "matches": matches,
        "more_matches": more,
        **_units_and_encounters(ctx, values, context),
    }


DIAGNOSIS_FORM = FormPage("journal/entry_diagnosis_new.html", fill=_default_unit, offers=_icd10_matches)
ALLERGY_FORM = FormPage("journal/entry_allergy_new.html", fill=_default_unit, offers=_units)
PROCEDURE_FORM = FormPage(
    "journal/entry_procedure_new.html", fill=_default_unit, offers=_units_and_encounters
)
HISTORY_FORM = FormPage("journal/entry_history_new.html", fill=_default_unit, offers=_units)
CARE_PLAN_FORM = FormPage("journal/entry_care_plan_new.html", fill=_default_unit, offers=_units)


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
    if not confirmed(form):
        return _confirm_diagnosis(request, ctx, patient_id, diagnosis_id, form, "diagnosis_resolve")

    def save() -> str:
        resolved_on = _date(form.get("resolved_date")) or datetime.now(UTC).astimezone(LOCAL_TZ).date()
        service.diagnosis_resolve(
            ctx, patient_id=patient_id, diagnosis_id=diagnosis_id, resolved_on=resolved_on
        )
        return _diagnoses(patient_id, "resolved")

    return submit(save, again=lambda errors: _diagnoses_with_errors(request, ctx, patient_id, errors))


@router.post("/diagnoses/{diagnosis_id}/error", response_class=HTMLResponse)
@requires(Permission.DIAGNOSIS_WRITE)
def diagnosis_in_error(
    request: Request,
    patient_id: int,
    diagnosis_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:

    def save() -> str:
        reason = parse(forms.ReasonForm, form).reason
        service.entry_mark_in_error(
            ctx, patient_id=patient_id, kind="diagnosis", entry_id=diagnosis_id, reason=reason
        )
        return _diagnoses(patient_id, "diagnosis_in_error")

    if not confirmed(form):  # a reason is asked for first, then whether the user is sure
        try:
            parse(forms.ReasonForm, form)
        except Invalid as exc:
            return _diagnoses_with_errors(request, ctx, patient_id, exc.errors)
        return _confirm_diagnosis(request, ctx, patient_id, diagnosis_id, form, "diagnosis_in_error")
    return submit(save, again=lambda errors: _diagnoses_with_errors(request, ctx, patient_id, errors))


@router.post("/care-plans/{care_plan_id}/status", response_class=HTMLResponse)
@requires(Permission.CARE_PLAN_WRITE)
def care_plan_status(
    request: Request,
    patient_id: int,
    care_plan_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    status = form.get("status", "")
    if not confirmed(form) and status in ("completed", "cancelled"):
        try:
            plan = read.active_care_plan(ctx, patient_id=patient_id, care_plan_id=care_plan_id)
        except NotFound:
            return RedirectResponse(_chart(patient_id, "care_plan_unchanged"), 303)
        return confirm_page(
            request,
            ctx,
            kind=f"care_plan_{status}",
            form=form,
            back=f"/patients/{patient_id}/journal",
            subject=plan,
            patient=_patient(ctx, patient_id, audit=False),
        )

    def save() -> str:
        service.care_plan_set_status(
            ctx, patient_id=patient_id, care_plan_id=care_plan_id, status=form.get("status", "")
        )
        return _chart(patient_id, "care_plan_status")

    # A refused change is told on the chart: the plan was already closed.
    return submit(save, again=lambda errors: RedirectResponse(_chart(patient_id, "care_plan_unchanged"), 303))


def _confirm_diagnosis(
    request: Request, ctx: RequestContext, patient_id: int, diagnosis_id: int, form: dict[str, str], kind: str
) -> Response:
    """The page that asks before a diagnosis is resolved or marked in error."""
    rows = read.diagnoses(ctx, patient_id=patient_id)
    diagnosis = next((d for d in rows if d["id"] == diagnosis_id and d["entered_in_error_at"] is None), None)
    if diagnosis is None:
        raise NotFound()
    return confirm_page(
        request,
        ctx,
        kind=kind,
        form=form,
        back=f"/patients/{patient_id}/journal/diagnoses",
        subject=diagnosis,
        patient=_patient(ctx, patient_id, audit=False),
    )


def _diagnoses_with_errors(
    request: Request, ctx: RequestContext, patient_id: int, errors: dict[str, str]
) -> Response:
    ctx.flash.extend(errors.values())
    response = diagnosis_list(request, patient_id, notice="", ctx=ctx)
    response.status_code = 422
    return response


@router.get("/diagnoses/new", response_class=HTMLResponse)
@requires(Permission.DIAGNOSIS_WRITE)
def diagnosis_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    # The picker is a GET form: the search and every typed value come back in the query string.
    values = {k: v for k, v in request.query_params.items() if k != "notice"}
    return DIAGNOSIS_FORM.show(request, ctx, values, patient=patient)


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

    def save() -> str:
        service.diagnosis_add(ctx, patient_id=patient_id, data=parse(forms.DiagnosisForm, form))
        return _diagnoses(patient_id, "diagnosis")

    return DIAGNOSIS_FORM.submit(request, ctx, form, save, patient=patient)


# --- Allergies -------------------------------------------------------------


@router.get("/allergies/new", response_class=HTMLResponse)
@requires(Permission.ALLERGY_WRITE)
def allergy_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return ALLERGY_FORM.show(request, ctx, {}, patient=_patient(ctx, patient_id))


@router.post("/allergies/new", response_class=HTMLResponse)
@requires(Permission.ALLERGY_WRITE)
def allergy_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)

    def save() -> str:
        service.allergy_add(ctx, patient_id=patient_id, data=parse(forms.AllergyForm, form))
        return _chart(patient_id, "allergy")

    return ALLERGY_FORM.submit(request, ctx, form, save, patient=patient)


# --- Procedures and surgeries ----------------------------------------------


@router.get("/procedures/new", response_class=HTMLResponse)
@requires(Permission.PROCEDURE_WRITE)
def procedure_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    now = datetime.now(UTC).astimezone(LOCAL_TZ)
    return PROCEDURE_FORM.show(request, ctx, {"performed_at": f"{now:%Y-%m-%dT%H:%M}"}, patient=patient)


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

    def save() -> str:
        data = parse(forms.ProcedureForm, values)
        data = data.model_copy(update={"performed_at": _aware(data.performed_at)})
        if data.performed_at > datetime.now(UTC):
            raise Invalid({"performed_at": "The time is in the future."})
        service.procedure_add(ctx, patient_id=patient_id, data=data)
        return _chart(patient_id, "procedure")

    return PROCEDURE_FORM.submit(request, ctx, form, save, patient=patient)


# --- Past, family and social history ---------------------------------------


@router.get("/history/new", response_class=HTMLResponse)
@requires(Permission.HISTORY_WRITE)
def history_new(
    request: Request, patient_id: int, kind: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    patient = _patient(ctx, patient_id)
    values = {"kind": kind} if kind in ("past_illness", "family", "social") else {}
    return HISTORY_FORM.show(request, ctx, values, patient=patient)


@router.post("/history/new", response_class=HTMLResponse)
@requires(Permission.HISTORY_WRITE)
def history_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    patient = _patient(ctx, patient_id)

    def save() -> str:
        service.history_add(ctx, patient_id=patient_id, data=parse(forms.HistoryForm, form))
        return _chart(patient_id, "history")

    return HISTORY_FORM.submit(request, ctx, form, save, patient=patient)


# --- Care plans --------------------------------------------------------------


def _responsible(ctx: RequestContext) -> list[tuple[int, str]]:
    """The user and the staff who share a care unit with them."""
    me = (ctx.staff.id, ctx.staff.full_name)
    return [me, *((c["id"], c["full_name"]) for c in accounts_read.colleagues(ctx))]


@router.get("/care-plans/new", response_class=HTMLResponse)
@requires(Permission.CARE_PLAN_WRITE)
def care_plan_new(request: Request, patient_id: int, ctx: RequestContext = Depends(current)) -> Response:
    patient = _patient(ctx, patient_id)
    return CARE_PLAN_FORM.show(
        request, ctx, {"responsible_id": str(ctx.staff.id)}, patient=patient, staff=_responsible(ctx)
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

    def save() -> str:
        data = parse(forms.CarePlanForm, form)
        if data.responsible_id not in {s[0] for s in staff}:
            raise Invalid({"responsible_id": "Choose someone on your care units."})
        service.care_plan_add(ctx, patient_id=patient_id, data=data)
        return _chart(patient_id, "care_plan")

    return CARE_PLAN_FORM.submit(request, ctx, form, save, patient=patient, staff=staff)


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
