"""Dates of birth that may be partial and are often typed in the Buddhist Era.

Many older and undocumented people know only their year of birth, or month and year, so
the registry stores a :class:`PartialDate` (always in the Common Era) rather than forcing
a made-up day. Staff type dates the Thai way: day first, BE years (CE + 543).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils.translation import gettext_lazy as _

from saphan.core.errors import field_error
from saphan.core.thaidate import BE_OFFSET, EN_MONTHS_SHORT, THAI_MONTHS, THAI_MONTHS_SHORT

# Nobody alive was born before 1880; an earlier year is a typing mistake.
EARLIEST_YEAR = 1880
# Above this a year can only be BE: 2400 CE is centuries away, 2400 BE was 1857 CE.
BE_THRESHOLD = 2400

Precision = Literal["year", "month", "day"]
Era = Literal["be", "ce"]

UNREADABLE = _("Write the date as day/month/year, e.g. 12/5/2510, or just the year.")
YEAR_DIGITS = _("Write the year with four digits, e.g. 2510 or 1967.")
NO_SUCH_MONTH = _("There is no month %(month)s; months run from 1 to 12.")
NO_SUCH_DAY = _("Day %(day)s does not exist: that month has %(last)s days.")
IN_FUTURE = _("This date is in the future.")
TOO_EARLY = _("%(year)s is too early: dates from 1880 CE (2423 BE) onwards are accepted.")
NEITHER_ERA = _(
    "%(year)s cannot be right: as a Common-Era year it is in the future, and as a"
    " Buddhist-Era year it would be before 1880 CE (2423 BE). Please check the year."
)
BE_IN_CE_FIELD = _(
    "This looks like a Buddhist-Era year (%(be)s); this field takes Common-Era years (%(ce)s)."
)


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day; ``year`` is in the Common Era."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        # Callers that read user input use partial_date_parse, which explains mistakes;
        # reaching here with a bad value is a programming error.
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        self.earliest()  # raises ValueError for month 13, 30 February and the like

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def earliest(self) -> date:
        """The first possible day: 1 January / the 1st, as Thai registration records it."""
        month = 1 if self.month is None else self.month
        return date(self.year, month, 1 if self.day is None else self.day)

    def iso(self) -> str:
        """``"1967"``, ``"1967-05"`` or ``"1967-05-12"``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        found = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
        if not found:
            raise ValueError(f"not an ISO partial date: {text!r}")
        year, month, day = found.groups()
        return cls(int(year), _int_or_none(month), _int_or_none(day))

    def format(self, language: str) -> str:
        """Thai (BE): ``"12 พ.ค. 2510"``, ``"พ.ค. 2510"``, ``"2510"``; English ``"12 May 1967"``."""
        thai = language.lower().startswith("th")
        parts = [str(self.year + BE_OFFSET if thai else self.year)]
        if self.month is not None:
            parts.insert(0, (THAI_MONTHS_SHORT if thai else EN_MONTHS_SHORT)[self.month - 1])
        if self.day is not None:
            parts.insert(0, str(self.day))
        return " ".join(parts)

    def age_on(self, today: date) -> int:
        """Completed years on ``today``, counting from :meth:`earliest`.

        With only a year known this can overstate the age by up to a year; that matches
        how Thai agencies compute entitlements (e.g. the old-age allowance) from 1 January.
        """
        born = self.earliest()
        before_birthday = (today.month, today.day) < (born.month, born.day)
        return today.year - born.year - before_birthday


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text else None


# -- parsing -----------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_ERA_BE = re.compile(r"พ\.?\s*ศ\.?|\bb\.?\s?e\b\.?")
_ERA_CE = re.compile(r"ค\.?\s*ศ\.?|\b(?:c\.?\s?e|a\.?\s?d)\b\.?")
_NUMERIC = re.compile(r"(\d+)([/.\-])(\d+)(?:\2(\d+))?")
_WORDED = re.compile(r"(?:(\d{1,2})\s*)?(\D+?)\s*(\d+)")
_EN_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _month_key(text: str) -> str:
    return re.sub(r"[\s.,/\-]", "", text.casefold())


_MONTHS: dict[str, int] = {
    _month_key(name): number
    for names in (THAI_MONTHS, THAI_MONTHS_SHORT, EN_MONTHS_SHORT, _EN_MONTHS)
    for number, name in enumerate(names, start=1)
}
_MONTHS["sept"] = 9


@dataclass(frozen=True)
class _Pieces:
    """What was typed, before any checking: the year as text, so its length can be checked."""

    year: str
    month: int | None = None
    day: int | None = None
    era: Era | None = None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_THAI_DIGITS)).casefold()
    return " ".join(text.split())


def _take_era(text: str) -> tuple[str, Era | None]:
    """Remove a ``พ.ศ.`` / ``ค.ศ.`` (or BE / CE / AD) marker and say which it was."""
    eras: tuple[tuple[re.Pattern[str], Era], ...] = ((_ERA_BE, "be"), (_ERA_CE, "ce"))
    for pattern, era in eras:
        stripped = pattern.sub(" ", text)
        if stripped != text:
            return " ".join(stripped.split()), era
    return text, None


def _split_numeric(found: re.Match[str]) -> _Pieces:
    first, _sep, second, third = found.groups()
    if third is not None:
        if len(first) >= 3:  # 2510-05-12, 1967-05-12
            return _Pieces(first, int(second), int(third))
        return _Pieces(third, int(second), int(first))  # day first, the Thai way
    if len(first) >= 3:  # 1967-05
        return _Pieces(first, int(second))
    return _Pieces(second, int(first))  # 5/2510


def _pieces(text: str, field: str) -> _Pieces:
    text, era = _take_era(_clean(text))
    if re.fullmatch(r"\d+", text):
        return _Pieces(text, era=era)
    if numeric := _NUMERIC.fullmatch(text):
        found = _split_numeric(numeric)
        return _Pieces(found.year, found.month, found.day, era)
    if worded := _WORDED.fullmatch(text):
        day, month_name, year = worded.groups()
        month = _MONTHS.get(_month_key(month_name))
        if month is not None:
            return _Pieces(year, month, _int_or_none(day), era)
    raise field_error(field, UNREADABLE)


def _ce_year(pieces: _Pieces, today: date, field: str) -> int:
    if len(pieces.year) != 4:
        raise field_error(field, YEAR_DIGITS)
    typed = int(pieces.year)
    if pieces.era == "be" or (pieces.era is None and typed > BE_THRESHOLD):
        year = typed - BE_OFFSET
    elif pieces.era is None and today.year < typed:
        raise field_error(field, NEITHER_ERA, year=typed)
    else:
        year = typed
    if year < EARLIEST_YEAR:
        raise field_error(field, TOO_EARLY, year=typed)
    return year


def _check_month_and_day(pieces: _Pieces, year: int, field: str) -> None:
    if pieces.month is None:
        return
    if not 1 <= pieces.month <= 12:
        raise field_error(field, NO_SUCH_MONTH, month=pieces.month)
    last = calendar.monthrange(year, pieces.month)[1]
    if pieces.day is not None and not 1 <= pieces.day <= last:
        raise field_error(field, NO_SUCH_DAY, day=pieces.day, last=last)


def partial_date_parse(text: str, *, today: date, field: str = "birth_date") -> PartialDate:
    """Read a (partial) date as Thai staff type it.

    Accepts ``2510``, ``1967``, ``5/2510``, ``12/5/2510``, ``12-05-2510``, ``12.5.2510``,
    ``2510-05-12``, ``12 พ.ค. 2510``, ``12 พฤษภาคม พ.ศ. 2510``, ``12 May 1967`` and Thai
    digits. Numbers with slashes are day first. A year above 2400 is BE unless marked.
    """
    pieces = _pieces(text, field)
    year = _ce_year(pieces, today, field)
    _check_month_and_day(pieces, year, field)
    value = PartialDate(year, pieces.month, pieces.day)
    if value.earliest() > today:
        raise field_error(field, IN_FUTURE)
    return value


def ce_date_validate(value: date, *, field: str, today: date) -> date:
    """For API input, which must be CE: refuse a BE year and dates after ``today``."""
    if value.year > BE_THRESHOLD:
        raise field_error(field, BE_IN_CE_FIELD, be=value.year, ce=value.year - BE_OFFSET)
    if value > today:
        raise field_error(field, IN_FUTURE)
    return value
