"""The chart and its main flows: encounters, notes (write, sign, amend), vital signs."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.access.policy import Access
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.journal import forms, policy, read, service
from hms.journal.charts import trend_chart
from hms.medication import read as medication_read
from hms.patients import read as patient_read
from hms.web.confirm import confirm_page, confirmed
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.input_check import as_id
from hms.web.render import page


def journal_access(request: Request, ctx: RequestContext) -> Access:
    """Every journal route's gate (see guarded_router), asked after the guard in
    its transaction: the access decision for this patient's clinical data, kept
    for the handler. The input check has made the id plain digits."""
    access = read.journal_access(ctx, patient_id=int(request.path_params["patient_id"]))
    request.state.access = access
    return access


router = guarded_router(prefix="/patients/{patient_id}/journal", gate=journal_access)

NOTICES = {
    "encounter": "The encounter is opened.",
    "discharged": "The patient is discharged and the bed is free.",
    "closed": "The encounter is closed.",
    "draft": "The draft is saved. It is not part of the journal until you sign it.",
    "signed": "The note is signed.",
    "in_error": "The note is marked entered in error.",
    "vitals": "The vital signs are recorded.",
    "discarded": "The draft is discarded.",
    "emergency": "Emergency access is open for four hours. It is logged and will be reviewed.",
}
# The notices the entry pages (pages_entries.py) send to the chart; only the chart shows them.
CHART_NOTICES = {
    **NOTICES,
    "allergy": "The allergy is recorded.",
    "procedure": "The procedure is recorded.",
    "history": "The history is recorded.",
    "care_plan": "The care plan is recorded.",
    "care_plan_status": "The care plan is closed.",
    "care_plan_unchanged": "The care plan was already closed.",
}


def _redirect(patient_id: int, path: str = "", notice: str = "") -> RedirectResponse:
    url = f"/patients/{patient_id}/journal{path}" + (f"?notice={notice}" if notice else "")
    return RedirectResponse(url, status_code=303)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(request: Request) -> read.TimelineFilter:
    p = request.query_params
    before_at = None
    if p.get("before_at"):
        try:
            before_at = datetime.fromisoformat(p["before_at"])
        except ValueError:
            before_at = None
    return read.TimelineFilter(
        kind=p.get("kind") or None,
        from_date=_date(p.get("from")),
        to_date=_date(p.get("to")),
        author_id=as_id(p.get("author")),
        care_unit_id=as_id(p.get("unit")),
        code=(p.get("code") or "").strip()[:8] or None,
        text=(p.get("text") or "").strip()[:100] or None,
        before_at=before_at,
        before_kind=p.get("before_kind") if before_at else None,
        before_id=as_id(p.get("before_id")) if before_at else None,
    )


def _unit_options(units: list[dict[str, Any]], timeline: list[dict[str, Any]]) -> dict[int, str]:
    """The care-unit filter's choices: the user's own units, then those the page's entries were written in."""
    return {u["id"]: u["name"] for u in units} | {t["care_unit_id"]: t["care_unit"] for t in timeline}


@router.get("", response_class=HTMLResponse)
@requires(Permission.JOURNAL_READ)
def chart(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    filters = _filters(request)
    data = read.access_chart(ctx, patient_id=patient_id, filters=filters, access=request.state.access)
    if notice in CHART_NOTICES:
        ctx.flash.append(CHART_NOTICES[notice])
    query = {k: v for k, v in request.query_params.items() if not k.startswith("before_") and k != "notice"}
    return _chart_page(request, ctx, patient_id, data, filters, query)


def _chart_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    data: dict[str, Any],
    filters: read.TimelineFilter,
    query: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    """The chart page: what access_chart read, with the timeline's filter choices
    and the current medication (the chart itself, and the chart again with an error)."""
    return page(
        request,
        ctx,
        "journal/chart.html",
        status_code=status_code,
        **data,
        filters=filters,
        query=query,
        authors=read.timeline_authors(ctx),
        unit_options=_unit_options(read.my_care_units(ctx), data["timeline"]),
        medication=medication_read.current_medication(ctx, patient_id=patient_id),
    )


# Encounters ---------------------------------------------------------------


@router.get("/encounters/new", response_class=HTMLResponse)
@requires(Permission.ENCOUNTER_MANAGE)
def encounter_form(
    request: Request, patient_id: int, unit: int | None = None, ctx: RequestContext = Depends(current)
) -> Response:
    return _encounter_page(request, ctx, patient_id, {"care_unit_id": unit} if unit else {}, {})


def _with_unit(ctx: RequestContext, patient_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """A new entry's form preselects the user's care unit that has the patient in care."""
    if values.get("care_unit_id"):
        return values
    unit = read.preferred_care_unit(ctx, patient_id=patient_id)
    return {**values, "care_unit_id": str(unit)} if unit else values


def _encounter_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read")
    units = read.my_care_units(ctx)
    unit_id = as_id(str(values.get("care_unit_id") or ""))
    unit_id = unit_id or read.preferred_care_unit(ctx, patient_id=patient_id)
    if unit_id is None and units:
        unit_id = units[0]["id"]
    beds = read.free_beds(ctx, care_unit_id=unit_id) if unit_id else []
    return page(
        request,
        ctx,
        "journal/encounter_new.html",
        status_code=status_code,
        patient=patient,
        units=units,
        beds=beds,
        unit_id=unit_id,
        values=values,
        errors=errors,
    )


@router.post("/encounters/new", response_class=HTMLResponse)
@requires(Permission.ENCOUNTER_MANAGE)
def encounter_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.encounter_start(ctx, patient_id=patient_id, data=parse(forms.EncounterForm, form))
    except Invalid as exc:
        return _encounter_page(request, ctx, patient_id, form, exc.errors, status_code=422)
    return _redirect(patient_id, notice="encounter")


# Ending an encounter asks first: an admission through its discharge summary
# (written, reviewed, then signed and discharged together), any other
# encounter through a page that says what closing it means.


def _open_encounter(ctx: RequestContext, patient_id: int, encounter_id: int) -> dict[str, Any]:
    return read.access_encounter(ctx, patient_id=patient_id, encounter_id=encounter_id)


def _discharge_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    encounter: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    confirm: bool = False,
    status_code: int = 200,
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read", audit=False)
    return page(
        request,
        ctx,
        "journal/discharge_confirm.html" if confirm else "journal/discharge.html",
        status_code=status_code,
        patient=patient,
        encounter=encounter,
        sections=forms.DISCHARGE_SECTIONS,
        values=values,
        errors=errors,
    )


@router.get("/encounters/{encounter_id}/discharge", response_class=HTMLResponse)
@requires(Permission.DISCHARGE_SUMMARY)
def discharge_form(
    request: Request, patient_id: int, encounter_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    encounter = _open_encounter(ctx, patient_id, encounter_id)
    if encounter["kind"] != "admission":
        return _redirect(patient_id, f"/encounters/{encounter_id}/close")
    if encounter["ended_at"] is not None:
        return _redirect(patient_id)
    values = read.discharge_prefill(
        ctx, access=request.state.access, encounter=encounter, until=datetime.now(UTC)
    )
    return _discharge_page(request, ctx, patient_id, encounter, values, {})


@router.post("/encounters/{encounter_id}/discharge", response_class=HTMLResponse)
@requires(Permission.DISCHARGE_SUMMARY)
def discharge_submit(
    request: Request,
    patient_id: int,
    encounter_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    """action=review shows the summary to confirm; action=confirm signs it and
    discharges; action=edit goes back to the form with the text kept."""
    encounter = _open_encounter(ctx, patient_id, encounter_id)
    if encounter["kind"] != "admission":
        return _redirect(patient_id, f"/encounters/{encounter_id}/close")
    # Browsers send line breaks as CRLF (and the confirmation page carries them back).
    values = {name: form.get(name, "").replace("\r\n", "\n") for name, _ in forms.DISCHARGE_SECTIONS}
    action = form.get("action")
    if action == "edit":
        return _discharge_page(request, ctx, patient_id, encounter, values, {})
    try:
        data = parse(forms.DischargeSummaryForm, values)
        if action != "confirm":
            return _discharge_page(request, ctx, patient_id, encounter, values, {}, confirm=True)
        service.discharge_with_summary(ctx, patient_id=patient_id, encounter=encounter, data=data)
    except Invalid as exc:
        return _discharge_page(request, ctx, patient_id, encounter, values, exc.errors, status_code=422)
    return _redirect(patient_id, notice="discharged")


@router.get("/encounters/{encounter_id}/close", response_class=HTMLResponse)
@requires(Permission.ENCOUNTER_MANAGE)
def encounter_close_confirm(
    request: Request, patient_id: int, encounter_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    encounter = _open_encounter(ctx, patient_id, encounter_id)
    if encounter["kind"] == "admission":
        return _redirect(patient_id, f"/encounters/{encounter_id}/discharge")
    if encounter["ended_at"] is not None:
        return _redirect(patient_id)
    return _close_page(request, ctx, patient_id, encounter)


def _close_page(
    request: Request, ctx: RequestContext, patient_id: int, encounter: dict[str, Any], status_code: int = 200
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read", audit=False)
    return page(
        request,
        ctx,
        "journal/encounter_close.html",
        status_code=status_code,
        patient=patient,
        encounter=encounter,
    )


@router.post("/encounters/{encounter_id}/close", response_class=HTMLResponse)
@requires(Permission.ENCOUNTER_MANAGE)
def encounter_close(
    request: Request,
    patient_id: int,
    encounter_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    """Closes only when the confirmation page's button sent confirmed=yes (as
    every irreversible action asks); anything else shows that page."""
    encounter = _open_encounter(ctx, patient_id, encounter_id)
    if form.get("confirmed") != "yes":
        return _close_page(request, ctx, patient_id, encounter)
    try:
        service.encounter_close(ctx, patient_id=patient_id, encounter_id=encounter_id)
    except Invalid as exc:
        return _error_back(request, ctx, patient_id, exc)
    return _redirect(patient_id, notice="closed")


def _error_back(request: Request, ctx: RequestContext, patient_id: int, exc: Invalid) -> Response:
    """The chart again, with what the database refused as the page's error."""
    filters = read.TimelineFilter()
    data = read.access_chart(ctx, patient_id=patient_id, filters=filters)
    ctx.flash.extend(exc.errors.values())
    return _chart_page(request, ctx, patient_id, data, filters, {}, status_code=422)


# Notes --------------------------------------------------------------------


@router.get("/notes/new", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def note_new(
    request: Request, patient_id: int, kind: str = "progress", ctx: RequestContext = Depends(current)
) -> Response:
    kind = kind if kind in forms.NOTE_HEADINGS else "progress"
    return _note_form(request, ctx, patient_id, {"kind": kind}, {}, note=None)


def _note_form(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    note: dict[str, Any] | None,
    status_code: int = 200,
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read")
    if note is None:
        values = _with_unit(ctx, patient_id, values)
    kind = values.get("kind") or (note["kind"] if note else "progress")
    if kind not in forms.NOTE_HEADINGS:  # a form sent back with a kind of note there is not
        kind = note["kind"] if note else "progress"
    if note and note.get("draft") and not any(k.startswith("section_") for k in values):
        for i, section in enumerate(note["draft"]["sections"], start=1):
            headings = forms.NOTE_HEADINGS[kind]
            if section["heading"] in headings:
                values[f"section_{headings.index(section['heading']) + 1}"] = section["body"]
            else:
                values[f"section_{i}"] = section["body"]
    return page(
        request,
        ctx,
        "journal/note_form.html",
        status_code=status_code,
        patient=patient,
        note=note,
        kind=kind,
        headings=forms.NOTE_HEADINGS[kind],
        kinds=list(forms.NOTE_HEADINGS),
        units=read.my_care_units(ctx),
        encounters=read.encounters(ctx, patient_id=patient_id),
        values=values,
        errors=errors,
    )


@router.post("/notes/new", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def note_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        data = parse(forms.NoteForm, form)
        sections = service.note_sections(data.kind, form)
        sign = form.get("action") == "sign"
        note_id, _ = service.note_create(ctx, patient_id=patient_id, data=data, sections=sections, sign=sign)
    except Invalid as exc:
        return _note_form(request, ctx, patient_id, form, exc.errors, note=None, status_code=422)
    return _redirect(patient_id, f"/notes/{note_id}", "signed" if sign else "draft")


@router.get("/notes/{note_id}", response_class=HTMLResponse)
@requires(Permission.JOURNAL_READ)
def note_show(
    request: Request, patient_id: int, note_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read", audit=False)
    note = read.access_note(ctx, patient_id=patient_id, note_id=note_id)
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    return page(
        request,
        ctx,
        "journal/note_show.html",
        patient=patient,
        note=note,
        units=read.my_care_units(ctx),
        values={},
        errors={},
    )


@router.get("/notes/{note_id}/edit", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def note_edit(
    request: Request, patient_id: int, note_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    note = read.access_note(ctx, patient_id=patient_id, note_id=note_id)
    if note["draft"] is None or not policy.can_edit_draft(ctx.staff, author_id=note["draft"]["author_id"]):
        return _redirect(patient_id, f"/notes/{note_id}")
    return _note_form(request, ctx, patient_id, {"kind": note["kind"]}, {}, note=note)


@router.post("/notes/{note_id}/edit", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def note_update(
    request: Request,
    patient_id: int,
    note_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    note = read.access_note(ctx, patient_id=patient_id, note_id=note_id)
    draft = note["draft"]
    if draft is None or not policy.can_edit_draft(ctx.staff, author_id=draft["author_id"]):
        return _redirect(patient_id, f"/notes/{note_id}")
    form = {**form, "kind": note["kind"]}
    try:
        if form.get("action") == "discard":
            service.note_discard_draft(ctx, patient_id=patient_id, note_id=note_id, version_id=draft["id"])
            return _redirect(patient_id, "", "discarded")
        sections = service.note_sections(note["kind"], form)
        sign = form.get("action") == "sign"
        service.note_draft_update(
            ctx, patient_id=patient_id, note_id=note_id, version_id=draft["id"], sections=sections, sign=sign
        )
    except Invalid as exc:
        return _note_form(request, ctx, patient_id, form, exc.errors, note=note, status_code=422)
    return _redirect(patient_id, f"/notes/{note_id}", "signed" if sign else "draft")


@router.post("/notes/{note_id}/amend", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def note_amend(
    request: Request,
    patient_id: int,
    note_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    return _note_action(request, ctx, patient_id, note_id, form, amend=True)


@router.post("/notes/{note_id}/error", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def note_in_error(
    request: Request,
    patient_id: int,
    note_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    return _note_action(request, ctx, patient_id, note_id, form, amend=False)


def _note_action(
    request: Request, ctx: RequestContext, patient_id: int, note_id: int, form: dict[str, str], *, amend: bool
) -> Response:
    note = read.access_note(ctx, patient_id=patient_id, note_id=note_id)
    try:
        reason = parse(forms.ReasonForm, form).reason
        if amend:
            unit = as_id(form.get("care_unit_id")) or note["care_unit_id"]
            service.note_amend(ctx, patient_id=patient_id, note_id=note_id, care_unit_id=unit, reason=reason)
            return _redirect(patient_id, f"/notes/{note_id}/edit")
        if not confirmed(form):  # the reason is checked first, then the user is asked
            return confirm_page(
                request,
                ctx,
                kind="note_in_error",
                form=form,
                back=f"/patients/{patient_id}/journal/notes/{note_id}",
                subject=note,
                patient=patient_read.access_patient(
                    ctx, patient_id=patient_id, action="journal.read", audit=False
                ),
            )
        service.note_mark_in_error(ctx, patient_id=patient_id, note_id=note_id, reason=reason)
    except Invalid as exc:
        patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read", audit=False)
        errors = {
            ("amend_reason" if amend else "error_reason"): exc.errors.get("reason")
            or exc.errors.get("_form")
            or next(iter(exc.errors.values()))
        }
        values = {("amend_reason" if amend else "error_reason"): form.get("reason", "")}
        return page(
            request,
            ctx,
            "journal/note_show.html",
            status_code=422,
            patient=patient,
            note=note,
            units=read.my_care_units(ctx),
            values=values,
            errors=errors,
        )
    return _redirect(patient_id, f"/notes/{note_id}", "in_error")


# Vital signs --------------------------------------------------------------


@router.get("/vitals", response_class=HTMLResponse)
@requires(Permission.JOURNAL_READ)
def vitals(
    request: Request, patient_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    return _vitals_page(request, ctx, patient_id, {}, {}, notice=notice)


def _vitals_page(
    request: Request,
    ctx: RequestContext,
    patient_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    notice: str = "",
) -> Response:
    patient = patient_read.access_patient(ctx, patient_id=patient_id, action="journal.read", audit=False)
    values = _with_unit(ctx, patient_id, values)
    series = read.vitals_series(ctx, patient_id=patient_id)
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    charts = [
        trend_chart(series, ["systolic", "diastolic"], "Blood pressure (mmHg)"),
        trend_chart(series, ["pulse"], "Pulse (/min)"),
        trend_chart(series, ["temperature"], "Temperature (°C)"),
        trend_chart(series, ["spo2"], "SpO2 (%%)"),
        trend_chart(series, ["respiratory_rate"], "Respiratory rate (/min)"),
        trend_chart(series, ["news2"], "NEWS2"),
    ]
    return page(
        request,
        ctx,
        "journal/vitals.html",
        status_code=status_code,
        patient=patient,
        series=list(reversed(series)),
        charts=[c for c in charts if c],
        units=read.my_care_units(ctx),
        values=values,
        errors=errors,
    )


@router.post("/vitals", response_class=HTMLResponse)
@requires(Permission.VITALS_WRITE)
def vitals_create(
    request: Request,
    patient_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    try:
        service.vitals_add(ctx, patient_id=patient_id, data=parse(forms.VitalsForm, form))
    except Invalid as exc:
        return _vitals_page(request, ctx, patient_id, form, exc.errors, status_code=422)
    return _redirect(patient_id, "/vitals", "vitals")
