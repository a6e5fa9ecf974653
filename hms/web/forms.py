"""Form validation with pydantic, giving one message per field (``Invalid``).

A failed form comes back with these messages beside the fields and every value
the user typed still in place; nothing is written.
"""

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hms.core.errors import Invalid

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
