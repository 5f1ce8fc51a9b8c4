"""What a notification can say, and how it is worded in the active language.

A notification stores its *kind* and a few short parameters, never a sentence: the
sentence is rendered when it is read, so it follows the reader's language. Parameters
are non-personal (PDPA): a case reference, an organisation, a province, a count, a date.
Never a person's name or identifier.

Dates travel as ISO strings (``2026-05-01``) and show in the Buddhist Era in Thai.
A ``province`` given as a DOPA code (``55``) shows as the province's name.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from saphan.core.thaidate import format_date

#: Longest text parameter: parameters are labels and references, not free text.
PARAM_MAX_LENGTH = 120
LINK_MAX_LENGTH = 500
KEY_MAX_LENGTH = 200

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PROVINCE_CODE = re.compile(r"^\d{2}$")


class NotificationKind(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", _("Referral received")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral_declined", _("Referral declined")
    REFERRAL_REPORTED_BACK = "referral_reported_back", _("Referral reported back")
    REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("Follow-up overdue")
    GOAL_OVERDUE = "goal_overdue", _("Goal overdue")
    CASE_ASSIGNED = "case_assigned", _("Case assigned")
    NEW_WATCH_FLAGS = "new_watch_flags", _("New watch flags")


K = NotificationKind

#: The parameters each kind may carry (and its message uses).
PARAMS: dict[NotificationKind, tuple[str, ...]] = {
    K.REFERRAL_RECEIVED: ("organisation", "case"),
    K.REFERRAL_ACCEPTED: ("organisation", "case"),
    K.REFERRAL_DECLINED: ("organisation", "case"),
    K.REFERRAL_REPORTED_BACK: ("organisation", "case"),
    K.REFERRAL_OVERDUE: ("organisation", "case", "due_on"),
    K.FOLLOW_UP_OVERDUE: ("case", "due_on"),
    K.GOAL_OVERDUE: ("case", "due_on"),
    K.CASE_ASSIGNED: ("case",),
    K.NEW_WATCH_FLAGS: ("count", "province"),
}

MESSAGES: dict[NotificationKind, str | Promise] = {
    K.REFERRAL_RECEIVED: _("New referral from %(organisation)s (case %(case)s)"),
    K.REFERRAL_ACCEPTED: _("%(organisation)s accepted the referral (case %(case)s)"),
    K.REFERRAL_DECLINED: _("%(organisation)s declined the referral (case %(case)s)"),
    K.REFERRAL_REPORTED_BACK: _("%(organisation)s reported back on the referral (case %(case)s)"),
    K.REFERRAL_OVERDUE: _("The referral to %(organisation)s was due on %(due_on)s (case %(case)s)"),
    K.FOLLOW_UP_OVERDUE: _("A follow-up was due on %(due_on)s (case %(case)s)"),
    K.GOAL_OVERDUE: _("A goal was due on %(due_on)s (case %(case)s)"),
    K.CASE_ASSIGNED: _("Case %(case)s was assigned to you"),
    K.NEW_WATCH_FLAGS: ngettext_lazy(
        "%(count)s new watch flag in %(province)s",
        "%(count)s new watch flags in %(province)s",
        "count",
    ),
}


def kind_check(kind: str) -> NotificationKind:
    """The kind, or ``ValueError`` for a kind that does not exist."""
    try:
        return NotificationKind(kind)
    except ValueError:
        raise ValueError(f"Unknown notification kind: {kind!r}") from None


def params_clean(kind: NotificationKind, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check the parameters a sender gives (``ValueError`` when wrong).

    Only the kind's own parameter names are accepted, so nothing personal can slip in
    under another name; values are short strings or numbers; dates become ISO strings.
    """
    allowed = PARAMS[kind]
    cleaned: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if name not in allowed:
            raise ValueError(f"{kind.value} takes {', '.join(allowed)}; not {name!r}")
        if isinstance(value, dt.datetime):
            value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"Parameter {name!r} must be a short string or a number")
        if isinstance(value, str) and len(value) > PARAM_MAX_LENGTH:
            raise ValueError(f"Parameter {name!r} is longer than {PARAM_MAX_LENGTH} characters")
        cleaned[name] = value
    return cleaned


def link_is_safe(link: str) -> bool:
    """A relative path on this site: starts with one ``/``, never ``//`` or ``/\\``."""
    if not link:
        return True
    if len(link) > LINK_MAX_LENGTH or not link.startswith("/") or link[1:2] in ("/", "\\"):
        return False
    return not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in link)


def validate_link(value: str) -> None:
    """Model field validator for :func:`link_is_safe`."""
    if not link_is_safe(value):
        raise ValidationError(
            _("The link must be a path on this site, starting with a single “/”."),
            code="invalid_link",
        )


@functools.cache
def _province_names() -> dict[str, tuple[str, str]]:
    from saphan.geo.models import Province

    return {p.code: (p.name_th, p.name_en) for p in Province.objects.all()}


def _display(name: str, value: Any, language: str) -> Any:
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            try:
                return format_date(dt.date.fromisoformat(value), language=language)
            except ValueError:
                return value
        if name == "province" and _PROVINCE_CODE.match(value):
            names = _province_names().get(value)
            if names:
                return names[1] if language.startswith("en") else names[0]
        if name == "count" and value.isdigit():
            return int(value)
    return value


def message_render(kind: str, params: Mapping[str, Any] | None) -> str:
    """The notification's sentence in the active language.

    Missing or malformed parameters never raise: the kind's label is shown instead.
    """
    try:
        known = NotificationKind(kind)
    except ValueError:
        return kind
    language = translation.get_language() or "th"
    values = {name: _display(name, value, language) for name, value in (params or {}).items()}
    try:
        return str(MESSAGES[known] % values)
    except (KeyError, TypeError, ValueError):
        return str(known.label)


def message_in(kind: str, params: Mapping[str, Any] | None, language: str) -> str:
    with translation.override(language):
        return message_render(kind, params)
