"""Reading untrusted JSON and CSV values while collecting every problem with its path.

The contract and the results come from people drafting spreadsheets and JSON by hand;
stopping at the first mistake would make them fix one problem per run, so :class:`Reader`
records each problem (a JSON path and a message that renders in Thai or English) and
carries on with a placeholder value, and :class:`SpecError` reports them all at the end.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

T = TypeVar("T", bound=str)
NumberKind = Literal["money", "share", "number"]

# Above this a year can only be Buddhist Era; the files are Common Era throughout.
BE_THRESHOLD = 2400
BE_OFFSET = 543
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")

MISSING = _("This field is required.")
NOT_TEXT = _("Expected text.")
NOT_OBJECT = _("Expected an object ({…}).")
NOT_LIST = _("Expected a list ([…]).")
NOT_BOOL = _("Expected true or false.")
NOT_INTEGER = _("Expected a whole number.")
NOT_NUMBER = _('Expected a number such as "12500.00".')
FLOAT_MONEY = _(
    'Write amounts and shares as strings such as "%(suggest)s": a JSON number with a'
    " decimal point is a binary float and can lose satang."
)
NEGATIVE = _("This cannot be negative.")
UNKNOWN_FIELD = _("Unknown field %(key)s (check the spelling).")
NOT_ONE_OF = _("Expected one of: %(options)s.")
BAD_DATE = _("Write dates as YYYY-MM-DD in the Common Era, e.g. 2026-07-01.")
BE_DATE = _(
    "%(year)s looks like a Buddhist-Era year; dates here are Common Era: %(ce)s (BE − 543)."
)


class Message:
    """A lazily translated message with its parameters, rendered when turned into text."""

    def __init__(self, message: str | Promise, params: dict[str, Any] | None = None) -> None:
        self.message = message
        self.params = {k: str(v) for k, v in (params or {}).items()}

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    def __repr__(self) -> str:
        return f"Message({str(self)!r})"

    def text(self, language: str) -> str:
        with translation.override(language):
            return str(self)


class SpecError(ValueError):
    """Bad contract or results; ``problems`` lists ``(path, message)`` for every mistake."""

    def __init__(self, problems: list[tuple[str, Message]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))

    def as_list(self) -> list[dict[str, str]]:
        """Each problem in both languages, for the CLI and the API."""
        return [{"path": p, "en": m.text("en"), "th": m.text("th")} for p, m in self.problems]


def parse_day(value: Any) -> tuple[date | None, Message | None]:
    """An ISO date, or the reason it is not one (with a hint for Buddhist-Era years)."""
    if not isinstance(value, str) or not (found := _ISO_DATE.fullmatch(value.strip())):
        return None, Message(BAD_DATE)
    year, month, day = (int(g) for g in found.groups())
    if year >= BE_THRESHOLD:
        ce = f"{year - BE_OFFSET:04d}-{month:02d}-{day:02d}"
        return None, Message(BE_DATE, {"year": year, "ce": ce})
    try:
        return date(year, month, day), None
    except ValueError:
        return None, Message(BAD_DATE)


def parse_decimal(value: Any, kind: NumberKind = "number") -> tuple[Decimal | None, Message | None]:
    """A Decimal from a string or integer (and a float only where cents do not matter)."""
    if isinstance(value, bool):
        return None, Message(NOT_NUMBER)
    if isinstance(value, float):
        if kind != "number":
            return None, Message(FLOAT_MONEY, {"suggest": repr(value)})
        return Decimal(repr(value)), None
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, str) and _NUMBER.fullmatch(text := value.strip().replace(",", "")):
        try:
            return Decimal(text), None
        except InvalidOperation:  # pragma: no cover - the pattern already rules it out
            pass
    return None, Message(NOT_NUMBER)


class Reader:
    def __init__(self) -> None:
        self.problems: list[tuple[str, Message]] = []

    def add(self, path: str, message: str | Promise, **params: Any) -> None:
        self.problems.append((path, Message(message, params)))

    def ok_at(self, path: str) -> bool:
        """No problem yet at ``path`` or inside it (so checks do not pile up on one mistake)."""
        return not any(
            p == path or p.startswith((path + ".", path + "[")) for p, _m in self.problems
        )

    def raise_if_any(self) -> None:
        if self.problems:
            raise SpecError(self.problems)

    def known(self, data: dict[str, Any], path: str, keys: set[str]) -> None:
        for key in data:
            if key not in keys:
                self.add(f"{path}.{key}", UNKNOWN_FIELD, key=key)

    def _get(self, data: dict[str, Any], key: str, path: str, required: bool) -> Any:
        value = data.get(key)
        if value is None and required:
            self.add(f"{path}.{key}", MISSING)
        return value

    def text(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> str:
        value = self._get(data, key, path, required)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.add(f"{path}.{key}", NOT_TEXT if not isinstance(value, str) else MISSING)
            return ""
        return value.strip()

    def choice(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        options: tuple[T, ...],
        default: T | None = None,
    ) -> T:
        value = self._get(data, key, path, default is None)
        if value is None:
            return default if default is not None else options[0]
        if value not in options:
            self.add(f"{path}.{key}", NOT_ONE_OF, options=", ".join(options))
            return options[0]
        return value

    def boolean(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(f"{path}.{key}", NOT_BOOL)
            return default
        return value

    def integer(self, data: dict[str, Any], key: str, path: str, default: int | None = None) -> int:
        value = self._get(data, key, path, default is None)
        if value is None:
            return default or 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(f"{path}.{key}", NOT_INTEGER)
            return default or 0
        return value

    def number(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        required: bool = True,
    ) -> Decimal | None:
        return self.money(data, key, path, required=required, kind="number")

    def money(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        required: bool = True,
        kind: NumberKind = "money",
    ) -> Decimal | None:
        value = self._get(data, key, path, required)
        if value is None:
            return None
        number, error = parse_decimal(value, kind)
        if error is not None:
            self.problems.append((f"{path}.{key}", error))
        return number

    def cap(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        kind: NumberKind = "money",
    ) -> Decimal | None:
        """An optional non-negative amount (a cap, a percentage)."""
        number = self.money(data, key, path, required=False, kind=kind)
        if number is not None and number < 0:
            self.add(f"{path}.{key}", NEGATIVE)
            return None
        return number

    def day(self, data: dict[str, Any], key: str, path: str) -> date:
        value = self._get(data, key, path, True)
        if value is None:
            return date.min
        day, error = parse_day(value)
        if error is not None:
            self.problems.append((f"{path}.{key}", error))
        return day or date.min

    def mapping(self, data: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
        value = data.get(key)
        if value is not None and not isinstance(value, dict):
            self.add(f"{path}.{key}", NOT_OBJECT)
            return None
        return value

    def items(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        required: bool = False,
    ) -> list[tuple[str, dict[str, Any]]]:
        value = self._get(data, key, path, required)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            self.add(f"{path}.{key}", NOT_LIST if not isinstance(value, list) else MISSING)
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                found.append((f"{path}.{key}[{i}]", item))
            else:
                self.add(f"{path}.{key}[{i}]", NOT_OBJECT)
        return found

    def strings(self, data: dict[str, Any], key: str, path: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(f"{path}.{key}", NOT_LIST)
            return []
        return list(value)
