"""Irreversible actions ask first, on a page drawn by the server (no script).

The action's own form posts as before; without ``confirmed=yes`` the handler
writes nothing and answers with a page that says what will happen, shows the
details, and repeats the submitted fields in a form whose button posts them
again, now confirmed. The texts of each kind of action live in one template,
``confirm.html``, so both languages stand side by side."""

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from hms.core.context import RequestContext
from hms.web.render import page

CONFIRMED = "yes"

# What confirm.html knows how to ask; a handler names one of these.
KINDS = frozenset(
    {
        "care_plan_completed",
        "care_plan_cancelled",
        "diagnosis_resolve",
        "diagnosis_in_error",
        "note_in_error",
        "proxy_revoke",
        "block_revoke",
        "appointment_cancel",
        "my_appointment_cancel",
        "lab_order_cancel",
        "prescription_discontinue",
        "request_withdraw",
    }
)


def confirmed(form: Mapping[str, str]) -> bool:
    """Whether the user has seen the confirmation page and pressed its button."""
    return form.get("confirmed") == CONFIRMED


def confirm_page(
    request: Request,
    ctx: RequestContext,
    *,
    kind: str,
    form: Mapping[str, str],
    back: str,
    subject: Mapping[str, Any] | None = None,
    patient: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """The "Are you sure?" page of one action: ``subject`` holds the details
    shown (the entry, the booking, the grant), ``back`` where "No" leads."""
    if kind not in KINDS:
        raise ValueError(f"no confirmation text for {kind!r}")
    carried = {k: v for k, v in form.items() if k not in ("csrf_token", "confirmed")}
    return page(
        request,
        ctx,
        "confirm.html",
        kind=kind,
        action=request.url.path,
        carried=carried,
        back=back,
        subject=subject or {},
        patient=patient,
    )
