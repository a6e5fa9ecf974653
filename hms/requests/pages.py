"""Staff's care requests: the queue of requests routed to the user
(/requests), and a request's page where its handler takes it and answers,
approves (a renewal: the renewed prescription; a correction: the amended
note) or refuses it with a reason."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hms.core.clock import LOCAL_TZ
from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.requests import forms, policy, read, service
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, requires
from hms.web.render import page

router = guarded_router(prefix="/requests")

NOTICES = {
    "taken": "The request is yours to answer.",
    "answered": "The answer is sent.",
    "approved": "The request is approved.",
    "refused": "The refusal and its reason are sent.",
}


@router.get("", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def queue(request: Request, ctx: RequestContext = Depends(current)) -> Response:
    return page(request, ctx, "requests/queue.html", requests=read.queue(ctx))


def _sections(note: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The headings and text of the note as it reads now (its latest signed version)."""
    if note is None or note.get("current") is None:
        return []
    return list(note["current"]["sections"])


def _show(
    request: Request,
    ctx: RequestContext,
    request_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str = "",
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    row = read.access_request(ctx, request_id=request_id)
    note = read.note_of(ctx, request=row) if row["kind"] == "correction" else None
    values = values or {}
    sections = _sections(note)
    for i, s in enumerate(sections, start=1):
        values.setdefault(f"section_{i}", s["body"])
    return page(
        request,
        ctx,
        "requests/request.html",
        status_code=status_code,
        r=row,
        prescription=read.prescription_of(ctx, request=row) if row["kind"] == "renewal" else None,
        note=note,
        sections=sections,
        may_take=policy.may_take(ctx.staff, row),
        may_decide=policy.may_decide(ctx.staff, row),
        outcomes=policy.OUTCOMES[row["kind"]],
        values=values,
        errors=errors or {},
    )


@router.get("/{request_id}", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def show(
    request: Request, request_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    return _show(request, ctx, request_id, notice=notice)


def _step(
    request: Request,
    ctx: RequestContext,
    request_id: int,
    form: dict[str, str],
    notice: str,
    act: Callable[[dict[str, Any]], object],
) -> Response:
    row = read.access_request(ctx, request_id=request_id, action="request.handle")
    try:
        act(row)
    except Invalid as exc:
        return _show(request, ctx, request_id, values=dict(form), errors=exc.errors, status_code=422)
    return RedirectResponse(f"/requests/{request_id}?notice={notice}", status_code=303)


@router.post("/{request_id}/take", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def take(
    request: Request,
    request_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    return _step(request, ctx, request_id, form, "taken", lambda r: service.request_take(ctx, request=r))


@router.post("/{request_id}/answer", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def answer(
    request: Request,
    request_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    def act(r: dict[str, Any]) -> None:
        service.request_answer(ctx, request=r, data=parse(forms.AnswerForm, form))

    return _step(request, ctx, request_id, form, "answered", act)


@router.post("/{request_id}/refuse", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def refuse(
    request: Request,
    request_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    def act(r: dict[str, Any]) -> None:
        service.request_refuse(ctx, request=r, data=parse(forms.RefuseForm, form))

    return _step(request, ctx, request_id, form, "refused", act)


def _local(data: forms.ApproveRenewalForm) -> forms.ApproveRenewalForm:
    """A time typed in the form is the hospital's local time."""
    ends: datetime | None = data.ends_at
    if ends is not None and ends.tzinfo is None:
        return data.model_copy(update={"ends_at": ends.replace(tzinfo=LOCAL_TZ)})
    return data


@router.post("/{request_id}/approve", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def approve(
    request: Request,
    request_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    def act(r: dict[str, Any]) -> None:
        data = _local(parse(forms.ApproveRenewalForm, form))
        service.request_approve_renewal(ctx, request=r, data=data)

    return _step(request, ctx, request_id, form, "approved", act)


@router.post("/{request_id}/amend", response_class=HTMLResponse)
@requires(Permission.CARE_REQUEST_HANDLE)
def amend(
    request: Request,
    request_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    def act(r: dict[str, Any]) -> None:
        data = parse(forms.AmendForm, form)
        headings = [s["heading"] for s in _sections(read.note_of(ctx, request=r))]
        sections = [
            (h, form.get(f"section_{i}", "").strip()[:20000]) for i, h in enumerate(headings, start=1)
        ]
        service.request_amend(ctx, request=r, data=data, sections=sections)

    return _step(request, ctx, request_id, form, "approved", act)
