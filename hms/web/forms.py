"""Forms: validation with pydantic, giving one message per field (``Invalid``),
and the one way a page shows a form, saves it, or shows it again.

A failed form comes back with status 422, these messages beside the fields and
every value the user typed still in place; nothing is written. A saved form
redirects (303) to where the saved thing is shown.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from hms.core.context import RequestContext
from hms.core.errors import Invalid
from hms.web.render import page

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "string_too_long": "Too long.",
    "date_from_datetime_parsing": "Enter a date as YYYY-MM-DD.",
    "date_parsing": "Enter a date as YYYY-MM-DD.",
    "date_from_datetime_inexact": "Enter a date as YYYY-MM-DD.",
    "int_parsing": "Enter a whole number.",
    "enum": "Choose one of the options.",
    "literal_error": "Choose one of the options.",
    "string_pattern_mismatch": "The format is not valid.",
    "less_than_equal": "The value is too high (outside physiological limits).",
    "greater_than_equal": "The value is too low (outside physiological limits).",
    "decimal_parsing": "Enter a number.",
    "float_parsing": "Enter a number.",
    "decimal_max_places": "Too many decimals.",
    "datetime_parsing": "Enter a date and time as YYYY-MM-DD HH:MM.",
    "datetime_from_date_parsing": "Enter a date and time as YYYY-MM-DD HH:MM.",
}


def parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate form data (blank strings count as missing) or raise Invalid."""
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    cleaned = {k: v for k, v in cleaned.items() if v not in ("", None)}
    try:
        return model.model_validate(cleaned)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "_form"
            if err["type"] == "value_error":
                message = str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
            else:
                message = _MESSAGES.get(err["type"], "The value is not valid.")
            errors.setdefault(field, message)
        raise Invalid(errors) from None


def parse_with_lines(
    model: type[M],
    form: dict[str, str],
    line_model: type[BaseModel],
    fields: tuple[str, ...],
    *,
    rows: int,
    no_lines: str,
) -> M:
    """A form with a head and numbered lines (fields ``<name>_<row>``, as a
    delivery or an order has): the head and every filled line parsed, the
    head's and each line's errors reported together, beside their fields.
    The head model takes the parsed lines as ``lines``."""
    errors: dict[str, str] = {}
    head: M | None = None
    try:
        head = parse(model, {**form, "lines": []})
    except Invalid as exc:
        errors |= exc.errors
    lines: list[BaseModel] = []
    line_errors: dict[str, str] = {}
    for row in range(rows):
        values = {name: form.get(f"{name}_{row}", "") for name in fields}
        if not any(str(v).strip() for v in values.values()):
            continue
        try:
            lines.append(parse(line_model, values))
        except Invalid as exc:
            line_errors |= {f"{name}_{row}": message for name, message in exc.errors.items()}
    if not lines and not line_errors:
        line_errors[f"{fields[0]}_0"] = no_lines
    errors |= line_errors
    if errors or head is None:
        raise Invalid(errors)
    return head.model_copy(update={"lines": lines})


def submit(save: Callable[[], str], *, again: Callable[[dict[str, str]], Response]) -> Response:
    """Run ``save`` (parse, then call the service) and redirect to the URL it
    returns; when the input is refused, answer ``again(errors)`` instead."""
    try:
        url = save()
    except Invalid as exc:
        return again(exc.errors)
    return RedirectResponse(url, status_code=303)


def _unchanged(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return values


def _no_offers(ctx: RequestContext, values: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class FormPage:
    """A page with one form: shown (200), then saved and left (303), or shown
    again with the messages and what was typed (422).

    ``fill`` gives the values the form shows (defaults filled in, passwords
    left out), from what was typed and the page's context; ``offers`` the
    choices it offers, such as the user's care units, from those values and
    the page's other context (asked only when the form is shown, not when it
    is saved)."""

    template: str
    fill: Callable[[RequestContext, dict[str, Any], dict[str, Any]], dict[str, Any]] = _unchanged
    offers: Callable[[RequestContext, dict[str, Any], dict[str, Any]], dict[str, Any]] = _no_offers

    def show(
        self,
        request: Request,
        ctx: RequestContext,
        values: dict[str, Any],
        *,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> Response:
        values = self.fill(ctx, values, context)
        return page(
            request,
            ctx,
            self.template,
            status_code=status_code,
            values=values,
            errors=errors or {},
            **self.offers(ctx, values, context),
            **context,
        )

    def submit(
        self,
        request: Request,
        ctx: RequestContext,
        values: dict[str, Any],
        save: Callable[[], str],
        **context: Any,
    ) -> Response:
        """Save the form (see ``submit``), or show it again with what was typed."""
        return submit(
            save,
            again=lambda errors: self.show(request, ctx, values, errors=errors, status_code=422, **context),
        )
