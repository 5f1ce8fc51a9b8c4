"""The ``saphan link`` configuration: which column of each file is which standard column.

A JSON file::

    {
      "left":  {"id": "rec_id",
                "columns": {"given_name": "given_name", "family_name": "surname",
                            "birth_date": "date_of_birth", "national_id": "soc_sec_id"},
                "birth_date_format": "%Y%m%d"},
      "right": {"id": "rec_id", "columns": {...}},
      "threshold": 0.9
    }

Keys of ``columns`` are standard columns (:data:`MAPPABLE_COLUMNS`), values are column
names in the file. ``birth_date`` is one text column split into year, month and day,
read with ``birth_date_format`` (``%d``, ``%m``, ``%Y`` and literal characters) or, when
that is absent, as ``2510-03-15``, ``25100315``, ``15/03/2510`` (also ``-`` or ``.``)
or a bare year. Buddhist Era years are fine (15/03/2543 becomes 2000-03-15 in
``prepare``; 29/02/2543 is a real date, so dates are never parsed as CE calendars).

Every problem raises :class:`LinkConfigError` with an English ``message`` and a Thai
``message_th``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from saphan.linkage.engine.prepare import STANDARD_COLUMNS

#: Standard columns a file column may be mapped to (``record_id`` comes from ``id``).
MAPPABLE_COLUMNS: tuple[str, ...] = (
    *(c for c in STANDARD_COLUMNS if c != "record_id"),
    "birth_date",
)
_TOP_LEVEL_KEYS = {"left", "right", "threshold", "match_share"}
_SIDE_KEYS = {"id", "columns", "birth_date_format"}
_DIRECTIVES = {"d": r"(?P<day>\d{1,2})", "m": r"(?P<month>\d{1,2})", "Y": r"(?P<year>\d{4})"}
_THAI_DIGITS = [chr(0x0E50 + d) for d in range(10)]
_ASCII_DIGITS = [str(d) for d in range(10)]
#: Tried in order when no format is given: ISO, compact, day-first, year only.
_DEFAULT_DATE_PATTERNS = (
    r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})$",
    r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$",
    r"^(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})$",
    r"^(?P<year>\d{4})$",
)


class LinkConfigError(ValueError):
    """A bad ``saphan link`` config or input file, explained in English and Thai."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_th = message_th


@dataclass(frozen=True)
class SideConfig:
    """One input file: its ID column, the column mapping, the birth-date format."""

    name: str
    id_column: str
    columns: dict[str, str] = field(default_factory=dict)
    birth_date_format: str | None = None


@dataclass(frozen=True)
class LinkConfig:
    left: SideConfig
    right: SideConfig
    threshold: float = 0.9
    match_share: float = 0.5


def _check_probability(value: Any, key: str) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1
    if not ok:
        raise LinkConfigError(
            f'"{key}" must be a number greater than 0 and at most 1, not {value!r}',
            f'"{key}" ต้องเป็นตัวเลขที่มากกว่า 0 และไม่เกิน 1 (ได้รับ {value!r})',
        )
    return float(value)


def date_pattern(birth_date_format: str) -> str:
    """``"%d/%m/%Y"`` → a regex with ``day``, ``month`` and ``year`` groups."""
    pattern, i = "", 0
    while i < len(birth_date_format):
        char = birth_date_format[i]
        if char == "%":
            directive = birth_date_format[i + 1 : i + 2]
            if directive not in _DIRECTIVES:
                raise LinkConfigError(
                    f'birth_date_format "{birth_date_format}": %{directive} is not supported '
                    "(use %d, %m and %Y)",
                    f'birth_date_format "{birth_date_format}": ไม่รองรับ %{directive} '
                    "(ใช้ได้เฉพาะ %d, %m และ %Y)",
                )
            pattern += _DIRECTIVES[directive]
            i += 2
        else:
            pattern += re.escape(char)
            i += 1
    if "(?P<year>" not in pattern:
        raise LinkConfigError(
            f'birth_date_format "{birth_date_format}" has no year (%Y)',
            f'birth_date_format "{birth_date_format}" ไม่มีปี (%Y)',
        )
    return f"^{pattern}$"


def _side(raw: Any, name: str) -> SideConfig:
    th_side = {"left": "ไฟล์ซ้าย (left)", "right": "ไฟล์ขวา (right)"}[name]
    if not isinstance(raw, dict):
        raise LinkConfigError(
            f'"{name}" must be an object with "id" and "columns"',
            f'"{name}" ต้องเป็นออบเจ็กต์ที่มี "id" และ "columns" ({th_side})',
        )
    unknown = sorted(set(raw) - _SIDE_KEYS)
    if unknown:
        raise LinkConfigError(
            f'"{name}" has unknown keys: {", ".join(unknown)} (allowed: id, columns, '
            "birth_date_format)",
            f"{th_side} มีคีย์ที่ไม่รู้จัก: {', '.join(unknown)} (ใช้ได้: id, columns, birth_date_format)",
        )
    id_column = raw.get("id")
    if not isinstance(id_column, str) or not id_column:
        raise LinkConfigError(
            f'"{name}" has no "id": name the column that identifies each row',
            f'{th_side} ไม่มี "id": ระบุชื่อคอลัมน์ที่ใช้ระบุแต่ละแถว',
        )
    columns = raw.get("columns", {})
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in columns.items()
    ):
        raise LinkConfigError(
            f'"{name}.columns" must map standard column names to column names in the file',
            f'"{name}.columns" ต้องจับคู่ชื่อคอลัมน์มาตรฐานกับชื่อคอลัมน์ในไฟล์',
        )
    unknown = sorted(set(columns) - set(MAPPABLE_COLUMNS))
    if unknown:
        raise LinkConfigError(
            f'"{name}.columns" has unknown standard columns: {", ".join(unknown)} '
            f"(known: {', '.join(MAPPABLE_COLUMNS)})",
            f'"{name}.columns" มีคอลัมน์มาตรฐานที่ไม่รู้จัก: {", ".join(unknown)} '
            f"(ที่รู้จัก: {', '.join(MAPPABLE_COLUMNS)})",
        )
    if "birth_date" in columns and {"birth_year", "birth_month", "birth_day"} & set(columns):
        raise LinkConfigError(
            f'"{name}.columns" maps both birth_date and birth_year/month/day: choose one',
            f'"{name}.columns" จับคู่ทั้ง birth_date และ birth_year/month/day: เลือกอย่างใดอย่างหนึ่ง',
        )
    date_format = raw.get("birth_date_format")
    if date_format is not None:
        if not isinstance(date_format, str):
            raise LinkConfigError(
                f'"{name}.birth_date_format" must be text such as "%d/%m/%Y"',
                f'"{name}.birth_date_format" ต้องเป็นข้อความ เช่น "%d/%m/%Y"',
            )
        date_pattern(date_format)  # fail now, not after reading the file
    return SideConfig(name, id_column, dict(columns), date_format)


def parse_config(raw: Any) -> LinkConfig:
    """Validate a decoded JSON config."""
    if not isinstance(raw, dict):
        raise LinkConfigError(
            "the config must be a JSON object with left, right and threshold",
            "ไฟล์ตั้งค่าต้องเป็นออบเจ็กต์ JSON ที่มี left, right และ threshold",
        )
    unknown = sorted(set(raw) - _TOP_LEVEL_KEYS)
    if unknown:
        raise LinkConfigError(
            f"the config has unknown keys: {', '.join(unknown)} "
            "(allowed: left, right, threshold, match_share)",
            f"ไฟล์ตั้งค่ามีคีย์ที่ไม่รู้จัก: {', '.join(unknown)} (ใช้ได้: left, right, threshold, match_share)",
        )
    for side in ("left", "right"):
        if side not in raw:
            raise LinkConfigError(
                f'the config has no "{side}" section',
                f'ไฟล์ตั้งค่าไม่มีส่วน "{side}"',
            )
    return LinkConfig(
        left=_side(raw["left"], "left"),
        right=_side(raw["right"], "right"),
        threshold=_check_probability(raw.get("threshold", 0.9), "threshold"),
        match_share=_check_probability(raw.get("match_share", 0.5), "match_share"),
    )


def load_config(path: str | Path) -> LinkConfig:
    """Read and validate a ``saphan link`` JSON config."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise LinkConfigError(
            f"cannot read the config {path}: {error.strerror or error}",
            f"อ่านไฟล์ตั้งค่า {path} ไม่ได้: {error.strerror or error}",
        ) from error
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise LinkConfigError(
            f"the config {path} is not valid JSON (line {error.lineno}: {error.msg})",
            f"ไฟล์ตั้งค่า {path} ไม่ใช่ JSON ที่ถูกต้อง (บรรทัด {error.lineno}: {error.msg})",
        ) from error
    return parse_config(raw)


def _date_parts(column: pl.Expr, birth_date_format: str | None) -> list[pl.Expr]:
    """Year, month and day of a text date (no calendar check: prepare validates dates
    after turning BE years into CE)."""
    text = column.cast(pl.String).str.replace_many(_THAI_DIGITS, _ASCII_DIGITS).str.strip_chars()
    patterns = (
        [date_pattern(birth_date_format)] if birth_date_format else list(_DEFAULT_DATE_PATTERNS)
    )
    parts = []
    for part in ("year", "month", "day"):
        candidates = []
        for pattern in patterns:
            if part in re.compile(pattern).groupindex:
                found = text.str.extract_groups(pattern).struct.field(part)
                candidates.append(found.cast(pl.Int32, strict=False))
            else:
                # The first matching pattern decides: a bare year has no month, so the
                # month is unknown rather than taken from a later pattern.
                matched = text.str.contains(pattern)
                candidates.append(pl.when(matched).then(pl.lit(-1, dtype=pl.Int32)))
        value = pl.coalesce(candidates)
        parts.append(pl.when(value >= 0).then(value).otherwise(None).alias(f"birth_{part}"))
    return parts


def frame_for_side(df: pl.DataFrame, side: SideConfig) -> pl.DataFrame:
    """The standard linkage columns of one input file, per its :class:`SideConfig`."""
    wanted = [side.id_column, *side.columns.values()]
    missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        raise LinkConfigError(
            f"{side.name} file has no column{'s' if len(missing) > 1 else ''} {names} "
            f"(its columns: {', '.join(df.columns)})",
            f"ไฟล์ {side.name} ไม่มีคอลัมน์ {names} (คอลัมน์ที่มี: {', '.join(df.columns)})",
        )
    ids = df[side.id_column].cast(pl.String)
    if ids.null_count() or ids.is_duplicated().any():
        raise LinkConfigError(
            f"{side.name} file: the id column {side.id_column!r} must be filled in and "
            "unique on every row",
            f"ไฟล์ {side.name}: คอลัมน์ id {side.id_column!r} ต้องมีค่าและไม่ซ้ำกันทุกแถว",
        )
    exprs = [pl.col(side.id_column).cast(pl.String).alias("record_id")]
    for standard, source in side.columns.items():
        if standard == "birth_date":
            exprs.extend(_date_parts(pl.col(source), side.birth_date_format))
        else:
            exprs.append(pl.col(source).cast(pl.String).alias(standard))
    return df.select(exprs)
