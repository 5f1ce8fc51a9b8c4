"""Why a claim is refused or cut, in words that render in Thai or English.

A :class:`Problem` carries a stable ``code`` (for programs and tests), a lazily
translated ``message`` with ``%(name)s`` placeholders, and the ``params`` that fill
them, so the app, the API and the CLI can each show it in their own language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, str | Promise] = {
    "unknown_metric": _("There is no metric %(metric)s in this contract."),
    "wrong_unit": _("Metric %(metric)s is counted per %(unit)s; this result is for a %(given)s."),
    "outside_contract": _(
        "%(date)s is outside the contract, which runs from %(start)s to %(end)s."
    ),
    "not_enrolled": _("Metric %(metric)s has a time window, so the enrolment date is needed."),
    "achieved_before_enrolment": _(
        "The outcome (%(date)s) is dated before enrolment (%(enrolled_on)s)."
    ),
    "outside_window": _(
        "Metric %(metric)s counts from day %(from_days)s to day %(to_days)s after enrolment;"
        " this result is on day %(day)s."
    ),
    "prerequisite_missing": _(
        "Metric %(metric)s needs %(requires)s to have been achieved on or before %(date)s."
    ),
    "already_paid": _(
        "%(who)s already has an accepted result for metric %(metric)s (on %(first)s);"
        " it is paid once only."
    ),
    "not_achieved": _("The value is 0: the outcome was not achieved."),
    "missing_comparison": _(
        "Metric %(metric)s is measured against a comparison group; the comparison value is missing."
    ),
    "threshold_not_met": _(
        "The cohort improved by %(improvement)s%%; the contract requires at least %(minimum)s%%."
    ),
    "reference_zero": _("The reference value is 0, so a relative improvement cannot be computed."),
    "no_price": _("The rate card has no price for metric %(metric)s on %(date)s."),
    "cap_reached": _("The %(cap)s cap %(key)s is reached: %(payable)s of %(gross)s can be paid."),
}


@dataclass(frozen=True)
class Problem:
    """One reason. ``blocking`` is false when the claim stands but is paid less (a cap)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    blocking: bool = True

    @property
    def message(self) -> str | Promise:
        return MESSAGES[self.code]

    def text(self, language: str | None = None) -> str:
        """The message with its parameters, in ``language`` or the active language."""
        if language is None:
            return str(self.message) % self.params
        with translation.override(language):
            return str(self.message) % self.params

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "params": {k: str(v) for k, v in self.params.items()},
            "en": self.text("en"),
            "th": self.text("th"),
        }


def problem(code: str, *, blocking: bool = True, **params: Any) -> Problem:
    if code not in MESSAGES:
        raise KeyError(code)  # a programming error: every code has a message
    return Problem(code, {k: str(v) for k, v in params.items()}, blocking)
