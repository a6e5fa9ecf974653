"""The portal's messages: a patient, or a relative whose grant in force has
the messages scope, lists the patient's conversations with care units,
starts one to a unit that has seen the patient, writes in it with up to
three files, and sees when the unit read it and answered. A closed
conversation is read-only."""

from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.context import RequestContext
from hms.core.errors import Invalid, NotFound
from hms.core.roles import Permission
from hms.messaging import forms, policy, read, service
from hms.messaging.pages import download, parse_message, uploads
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.input_check import as_id
from hms.web.render import page

router = guarded_router(prefix="/my/messages")

NOTICES = {
    "sent": "Your message is sent to the care unit.",
}


@router.get("", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def overview(
    request: Request, patient_id: str = "", notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    patients = read.portal_patients(ctx)
    if not patients:
        return page(request, ctx, "messaging/portal.html", patients=[], patient=None, threads=[])
    patient = read.portal_patient(ctx, as_id(patient_id))
    return page(
        request,
        ctx,
        "messaging/portal.html",
        patients=patients,
        patient=patient,
        threads=read.patient_threads(ctx, patient_id=patient["patient_id"]),
    )


def _new_page(
    request: Request,
    ctx: RequestContext,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    patient = read.portal_patient(ctx, as_id(str(values.get("patient_id") or "")))
    return page(
        request,
        ctx,
        "messaging/portal_new.html",
        status_code=status_code,
        patient=patient,
        units=read.units_for_patient(ctx, patient_id=patient["patient_id"]),
        values={**values, "patient_id": patient["patient_id"]},
        errors=errors,
    )


@router.get("/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def new_form(request: Request, patient_id: str = "", ctx: RequestContext = Depends(current)) -> Response:
    return _new_page(request, ctx, {"patient_id": patient_id}, {})


@router.post("/new", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def start(
    request: Request,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    files: list[forms.Upload] = Depends(uploads),
) -> Response:
    patient = read.portal_patient(ctx, as_id(form.get("patient_id")))
    try:
        data = parse_message(forms.StartForm, form)
        thread_id = service.thread_start(ctx, patient_id=patient["patient_id"], data=data, uploads=files)
    except Invalid as exc:
        return _new_page(request, ctx, form, exc.errors, status_code=422)
    return RedirectResponse(f"/my/messages/{thread_id}?notice=sent", status_code=303)


def _own_thread(ctx: RequestContext, thread_id: int, action: str) -> dict[str, Any]:
    """A thread of a patient this portal user writes for (else 404, audited)."""
    thread = read.access_thread(ctx, thread_id=thread_id, action=action)
    if thread["patient_id"] not in {p["patient_id"] for p in read.portal_patients(ctx)}:
        raise NotFound(audit={"patient_id": thread["patient_id"], "action": action, "detail": "not theirs"})
    return thread


def _thread_page(
    request: Request,
    ctx: RequestContext,
    thread: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        ctx,
        "messaging/portal_thread.html",
        status_code=status_code,
        thread=thread,
        may_write=policy.may_write(thread),
        values=values or {},
        errors=errors or {},
    )


@router.get("/{thread_id}", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def thread_page(
    request: Request, thread_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    thread = _own_thread(ctx, thread_id, "message.read")
    if thread["patient_unread"] or thread["patient_read_at"] is None:
        service.thread_mark_read(ctx, thread=thread)
        thread["patient_read_at"] = datetime.now(UTC)
    return _thread_page(request, ctx, thread)


@router.post("/{thread_id}/reply", response_class=HTMLResponse)
@requires(Permission.PORTAL_OWN_RECORD)
def reply(
    request: Request,
    thread_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    files: list[forms.Upload] = Depends(uploads),
) -> Response:
    thread = _own_thread(ctx, thread_id, "message.post")
    try:
        data = parse_message(forms.ReplyForm, form)
        service.message_reply(ctx, thread=thread, data=data, uploads=files)
    except Invalid as exc:
        return _thread_page(request, ctx, thread, values=form, errors=exc.errors, status_code=422)
    return RedirectResponse(f"/my/messages/{thread_id}?notice=sent", status_code=303)


@router.get("/attachments/{attachment_id}")
@requires(Permission.PORTAL_OWN_RECORD)
def attachment(attachment_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return download(read.access_attachment(ctx, attachment_id=attachment_id))
