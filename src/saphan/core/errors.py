"""Errors that carry a message in both Thai and English.

Services raise :class:`SaphanValidationError` with a lazily translated message; the UI
shows it in the active language, the API returns both (``detail`` and ``detail_th``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise


def in_both_languages(message: str | Promise) -> dict[str, str]:
    with translation.override("en"):
        english = str(message)
    with translation.override("th"):
        thai = str(message)
    return {"en": english, "th": thai}


class SaphanValidationError(ValidationError):
    """A ValidationError whose messages are lazy, so they render in any language."""


def validation_error_payload(error: ValidationError) -> dict[str, Any]:
    """JSON body for an API error: every field's message in English and Thai."""
    fields: dict[str, list[dict[str, str]]] = {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            fields[field] = [in_both_languages(_render(e)) for e in errors]
    else:
        fields["__all__"] = [in_both_languages(_render(e)) for e in error.error_list]
    first = next(iter(fields.values()))[0]
    return {"detail": first["en"], "detail_th": first["th"], "errors": fields}


def _render(error: ValidationError) -> Any:
    message = error.message
    if error.params:

        class _Lazy:
            def __str__(self) -> str:
                return str(message) % error.params

        return _Lazy()
    return message


def field_error(field: str, message: str | Promise, **params: Any) -> SaphanValidationError:
    """One field's error, e.g. ``field_error("provinces", _("Unknown: %(c)s"), c="99")``."""
    return SaphanValidationError({field: ValidationError(message, params=params or None)})  # type: ignore[arg-type]
