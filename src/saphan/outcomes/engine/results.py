"""Outcome results: what the independent evaluator (or administrative data) says happened.

A :class:`Result` is one participant's or one cohort's value for one metric on one date.
:func:`results_from_csv` reads them from the CSV the intermediary exports (columns in
``docs/outcomes.md``), reporting every bad cell with its spreadsheet row number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from saphan.outcomes.engine.reader import Message, SpecError, parse_day, parse_decimal

COLUMNS = ("participant", "cohort", "metric", "date", "value", "enrolled_on", "comparison")
# Free text kept by whoever prepared the file; the engine ignores it.
IGNORED_COLUMNS = ("note",)


@dataclass(frozen=True)
class Result:
    """``value`` 1 means achieved for a participant metric (0: assessed, not achieved);
    for a cohort metric it is the cohort's measured result, e.g. 62.5 (% housed), and
    ``comparison`` the comparison group's. ``row`` is the source row, for messages."""

    metric: str
    achieved_on: date
    value: Decimal = Decimal(1)
    participant: str | None = None
    cohort: str | None = None
    enrolled_on: date | None = None
    comparison: Decimal | None = None
    row: int | None = None

    @property
    def subject(self) -> str:
        """The participant code, or the cohort code for a cohort result."""
        return self.participant or self.cohort or ""


def results_from_csv(text: str) -> list[Result]:
    """Results from CSV text (UTF-8, a header row, CE dates), or :class:`SpecError`.

    Paths in the error are ``row N.column`` with N the spreadsheet row (the header is 1).
    """
    problems: list[tuple[str, Message]] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(h or "").strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS and h not in IGNORED_COLUMNS]
    if unknown or not {"metric", "date"} <= set(header):
        message = _("The header must name the columns %(columns)s (found: %(found)s).")
        problems.append(
            ("row 1", Message(message, {"columns": ", ".join(COLUMNS), "found": ", ".join(header)}))
        )
        raise SpecError(problems)
    results = []
    for number, raw in enumerate(reader, start=2):
        cells = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cells.values()):
            continue  # blank lines at the end of a spreadsheet export

        def bad(column: str, message: Message) -> None:
            problems.append((f"row {number}.{column}", message))  # noqa: B023 - used at once

        participant = cells.get("participant") or None
        cohort = cells.get("cohort") or None
        if participant is None and cohort is None:
            bad("participant", Message(_("Give a participant code or a cohort code.")))
        metric = cells.get("metric", "")
        if not metric:
            bad("metric", Message(_("This field is required.")))
        achieved_on, error = parse_day(cells.get("date", ""))
        if error is not None:
            bad("date", error)
        enrolled_on = None
        if cells.get("enrolled_on"):
            enrolled_on, error = parse_day(cells["enrolled_on"])
            if error is not None:
                bad("enrolled_on", error)
        value = Decimal(1)
        if cells.get("value"):
            number_value, error = parse_decimal(cells["value"])
            if error is not None:
                bad("value", error)
            value = number_value if number_value is not None else value
        comparison = None
        if cells.get("comparison"):
            comparison, error = parse_decimal(cells["comparison"])
            if error is not None:
                bad("comparison", error)
        if achieved_on is not None:
            results.append(
                Result(
                    metric, achieved_on, value, participant, cohort, enrolled_on, comparison, number
                )
            )
    if problems:
        raise SpecError(problems)
    return results
