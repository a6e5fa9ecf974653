"""The care unit's inbox: the doctors and nurses of the unit a thread is
addressed to list its threads by status, open one (which marks it read by
the unit), give it to themselves or a colleague, answer, close it, and file
a patient's message into the journal as a signed note. Attachments are
downloaded only through a guarded route, read under row-level security and
audited. The helpers for files are shared with the portal's pages."""

from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.core.roles import Permission
from hms.messaging import forms, policy, read, service
from hms.web.forms import parse
from hms.web.guard import current, form_data, guarded_router, read_form, requires
from hms.web.render import page

router = guarded_router(prefix="/messages")
M = TypeVar("M", bound=BaseModel)

NOTICES = {
    "answered": "The answer is sent.",
    "assigned": "The conversation is assigned.",
    "closed": "The conversation is closed.",
    "filed": "The message is filed in the journal as a signed note.",
}


# Shared with the portal's pages ---------------------------------------------------


async def uploads(request: Request) -> list[forms.Upload]:
    """The files of a multipart form, as their names and bytes (read at most
    one byte past the limit, so an oversized file is known without reading it all)."""
    form = await read_form(request)
    found = []
    for value in form.getlist("attachments"):
        if isinstance(value, UploadFile) and value.filename:
            found.append(forms.Upload(value.filename, await value.read(forms.MAX_BYTES + 1)))
    return found


def parse_message(model: type[M], form: dict[str, str]) -> M:
    """A message form, where an empty message is said plainly."""
    try:
        return parse(model, form)
    except Invalid as exc:
        if "body" in exc.errors and not form.get("body", "").strip():
            exc.errors["body"] = forms.EMPTY_MESSAGE
        raise


def download(row: dict[str, Any]) -> Response:
    """A stored file, as the type its content was found to be, never shown inline
    (and, as every response, with ``X-Content-Type-Options: nosniff``: hms.web.security)."""
    name = row["filename"]
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return Response(
        content=bytes(row["content"]),
        media_type=row["content_type"],
        headers={
            "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}",
        },
    )


# The inbox ---------------------------------------------------------------------------


def _thread(ctx: RequestContext, thread_id: int, action: str = "message.read") -> dict[str, Any]:
    return read.access_thread(ctx, thread_id=thread_id, action=action)


def _back(thread_id: int, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/messages/{thread_id}?notice={notice}", status_code=303)


@router.get("", response_class=HTMLResponse)
@requires(Permission.MESSAGE_INBOX)
def inbox(
    request: Request,
    status: str = "open",
    care_unit_id: str = "",
    mine: str = "",
    ctx: RequestContext = Depends(current),
) -> Response:
    values = {"status": status, "care_unit_id": care_unit_id, "mine": "true" if mine else ""}
    try:
        filters = parse(forms.InboxFilter, values)
    except Invalid:
        filters = forms.InboxFilter()
    return page(
        request,
        ctx,
        "messaging/inbox.html",
        threads=read.inbox(ctx, filters=filters),
        units=read.my_units(ctx),
        filters=filters,
    )


def _thread_page(
    request: Request,
    ctx: RequestContext,
    thread: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    for message in thread["messages"]:
        message["may_file"] = policy.may_file(ctx.staff, message) and message["side"] == "patient"
    return page(
        request,
        ctx,
        "messaging/thread.html",
        status_code=status_code,
        thread=thread,
        may_write=policy.may_write(thread),
        colleagues=read.colleagues(ctx, care_unit_id=thread["care_unit_id"]),
        values=values or {"assignee_id": thread["assigned_to"] or ctx.staff.id},
        errors=errors or {},
    )


@router.get("/{thread_id}", response_class=HTMLResponse)
@requires(Permission.MESSAGE_INBOX)
def thread_page(
    request: Request, thread_id: int, notice: str = "", ctx: RequestContext = Depends(current)
) -> Response:
    if notice in NOTICES:
        ctx.flash.append(NOTICES[notice])
    thread = _thread(ctx, thread_id)
    if thread["unit_read_at"] is None:
        service.thread_mark_read(ctx, thread=thread)
        thread["unit_read_at"] = datetime.now(UTC)
    return _thread_page(request, ctx, thread)


@router.post("/{thread_id}/reply", response_class=HTMLResponse)
@requires(Permission.MESSAGE_INBOX)
def reply(
    request: Request,
    thread_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
    files: list[forms.Upload] = Depends(uploads),
) -> Response:
    thread = _thread(ctx, thread_id, "message.post")
    try:
        data = parse_message(forms.ReplyForm, form)
        service.message_reply(ctx, thread=thread, data=data, uploads=files)
    except Invalid as exc:
        return _thread_page(request, ctx, thread, values=form, errors=exc.errors, status_code=422)
    return _back(thread_id, "answered")


@router.post("/{thread_id}/assign", response_class=HTMLResponse)
@requires(Permission.MESSAGE_INBOX)
def assign(
    request: Request,
    thread_id: int,
    ctx: RequestContext = Depends(current),
    form: dict[str, str] = Depends(form_data),
) -> Response:
    thread = _thread(ctx, thread_id, "message.assign")
    try:
        service.thread_assign(ctx, thread=thread, data=parse(forms.AssignForm, form))
    except Invalid as exc:
        return _thread_page(request, ctx, thread, values=form, errors=exc.errors, status_code=422)
    return _back(thread_id, "assigned")


@router.post("/{thread_id}/close", response_class=HTMLResponse)
@requires(Permission.MESSAGE_INBOX)
def close(request: Request, thread_id: int, ctx: RequestContext = Depends(current)) -> Response:
    thread = _thread(ctx, thread_id, "message.close")
    try:
        service.thread_close(ctx, thread=thread)
    except Invalid as exc:
        return _thread_page(request, ctx, thread, errors=exc.errors, status_code=422)
    return _back(thread_id, "closed")


@router.post("/{thread_id}/messages/{message_id}/file", response_class=HTMLResponse)
@requires(Permission.NOTE_WRITE)
def file_in_journal(
    request: Request, thread_id: int, message_id: int, ctx: RequestContext = Depends(current)
) -> Response:
    thread = _thread(ctx, thread_id, "message.file")
    if message_id not in {m["id"] for m in thread["messages"]}:
        return _thread_page(request, ctx, thread, errors={"_form": "No such message."}, status_code=422)
    try:
        service.message_file(ctx, message_id=message_id)
    except Invalid as exc:
        return _thread_page(request, ctx, thread, errors=exc.errors, status_code=422)
    return _back(thread_id, "filed")


@router.get("/attachments/{attachment_id}")
@requires(Permission.MESSAGE_INBOX)
def attachment(attachment_id: int, ctx: RequestContext = Depends(current)) -> Response:
    return download(read.access_attachment(ctx, attachment_id=attachment_id))
