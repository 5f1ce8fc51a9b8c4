"""Checking every row of an import before anything is written.

Set-based: each column's *distinct* values are checked once with the registry's own
rules (ID check digit, Thai partial dates, choices, place names), and the results are
joined back onto the rows with polars. A row with any error is rejected whole; warnings
(a misspelt district matched to its nearest name) keep the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.core.errors import in_both_languages
from saphan.geo.models import Province
from saphan.intake import vocab
from saphan.intake.fields import FIELDS, FIELDS_BY_NAME
from saphan.people import choices as c
from saphan.people.consents import CHILD_CONSENT_MAX_AGE
from saphan.people.identity import national_id_validate
from saphan.people.names import TITLES, split_title
from saphan.people.partialdate import PartialDate, partial_date_parse
from saphan.people.services import phone_normalise

ROW = "_row"
FINGERPRINT = "_fingerprint"
FIRST_DATA_ROW = 2  # the header is row 1, as the spreadsheet shows it
MAX_TEXT = {"given_name": 100, "family_name": 100, "nickname": 50, "address": 300}


@dataclass
class Issue:
    row: int
    column: str
    value: str
    code: str
    message: Any  # lazy, rendered in both languages when stored
    params: dict[str, Any] = field(default_factory=dict)
    warning: bool = False

    def messages(self) -> dict[str, str]:
        text = self.message

        class _Formatted:
            def __str__(self_inner) -> str:
                return str(text) % self.params if self.params else str(text)

        return in_both_languages(_Formatted())  # type: ignore[arg-type]


@dataclass
class CheckResult:
    rows: pl.DataFrame  # valid rows, normalised columns, in file order
    issues: list[Issue]
    read: int
    rejected: int


@dataclass
class _Cell:
    value: Any = None
    code: str = ""
    message: Promise | str = ""
    params: dict[str, Any] = field(default_factory=dict)
    warning: bool = False


def _error_of(exc: ValidationError) -> tuple[Any, dict[str, Any]]:
    errors = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    first = next(iter(errors.values()))[0]
    return first.message, dict(first.params or {})


# --- one value ----------------------------------------------------------------------------

_TITLE_WORDS = {
    vocab.word_key(s): t.value for t in TITLES for s in (*t.spellings, t.label_en, t.label_th)
}


def _title(text: str) -> _Cell:
    value = _TITLE_WORDS.get(vocab.word_key(text))
    if value is None:
        return _Cell(code="title", message=_("Unknown title “%(value)s”."), params={"value": text})
    return _Cell(value)


def _text(name: str) -> Callable[[str], _Cell]:
    limit = MAX_TEXT.get(name, 100)

    def check(text: str) -> _Cell:
        text = " ".join(text.split())
        if len(text) > limit:
            return _Cell(
                code="too_long",
                message=_("Longer than %(limit)s characters."),
                params={"limit": limit},
            )
        return _Cell(text)

    return check


def _sex(text: str) -> _Cell:
    value = vocab.SEX_WORDS.get(vocab.word_key(text))
    if value is None:
        return _Cell(code="sex", message=_("Write the sex as female or male (หญิง or ชาย)."))
    return _Cell(str(value))


def _birth_date(text: str) -> _Cell:
    try:
        date = partial_date_parse(text, today=timezone.localdate())
    except ValidationError as exc:
        message, params = _error_of(exc)
        return _Cell(code="date", message=message, params=params)
    return _Cell((date.year, date.month, date.day))


def _full_date(text: str) -> _Cell:
    cell = _birth_date(text)
    if cell.code:
        return cell
    year, month, day = cell.value
    if day is None:
        return _Cell(code="date", message=_("Give the whole date: day, month and year."))
    return _Cell(dt.date(year, month, day))


def _national_id(text: str) -> _Cell:
    try:
        return _Cell(national_id_validate(text))
    except ValidationError as exc:
        message, params = _error_of(exc)
        return _Cell(code="national_id", message=message, params=params)


def _phone(text: str) -> _Cell:
    digits = phone_normalise(text)
    if not 9 <= len(digits) <= 10:
        return _Cell(code="phone", message=_("A phone number has 9 or 10 digits."))
    return _Cell(digits)


def _yes_no(text: str) -> _Cell:
    value = vocab.yes_no(text)
    if value is None:
        return _Cell(code="yes_no", message=_("Write yes or no (ใช่ or ไม่ใช่)."))
    return _Cell(value)


def _one_of(choices: type[Any]) -> Callable[[str], _Cell]:
    words = vocab.choice_words(choices)

    def check(text: str) -> _Cell:
        value = words.get(vocab.word_key(text))
        if value is None:
            return _Cell(
                code="choice", message=_("Unknown value “%(value)s”."), params={"value": text}
            )
        return _Cell(value)

    return check


def _many_of(choices: type[Any], *, refuse: frozenset[str] = frozenset()) -> Callable[[str], _Cell]:
    words = vocab.choice_words(choices)

    def check(text: str) -> _Cell:
        found, unknown = vocab.choice_list(text, words)
        if unknown:
            return _Cell(
                code="choice",
                message=_("Unknown values: %(values)s."),
                params={"values": ", ".join(unknown)},
            )
        derived = [g for g in found if g in refuse]
        if derived:
            # Age and disability groups are worked out by the registry: drop, not refuse.
            return _Cell(
                " ".join(g for g in found if g not in refuse),
                code="derived_group",
                message=_("“%(group)s” is worked out from age or disability records; ignored."),
                params={"group": ", ".join(derived)},
                warning=True,
            )
        return _Cell(" ".join(found))

    return check


CHECKS: dict[str, Callable[[str], _Cell]] = {
    "source_id": _text("source_id"),
    "title": _title,
    "given_name": _text("given_name"),
    "family_name": _text("family_name"),
    "nickname": _text("nickname"),
    "given_name_latin": _text("given_name_latin"),
    "family_name_latin": _text("family_name_latin"),
    "sex": _sex,
    "birth_date": _birth_date,
    "national_id": _national_id,
    "phone": _phone,
    "address": _text("address"),
    "no_fixed_address": _yes_no,
    "groups": _many_of(c.PopulationGroup, refuse=frozenset(c.DERIVED_GROUPS)),
    "disabilities": _many_of(c.DisabilityType),
    "chronic_illness": _yes_no,
    "bedridden": _yes_no,
    "civil_status": _one_of(c.CivilStatus),
    "work_status": _one_of(c.WorkStatus),
    "income_band": _one_of(c.IncomeBand),
    "consent_given_on": _full_date,
    "consent_sensitive": _yes_no,
    "consent_sharing": _yes_no,
    "consent_given_by": _one_of(c.ConsentGiver),
    "guardian_name": _text("guardian_name"),
}
PLACE_FIELDS = ("province", "district", "subdistrict")
PLACE_PARTS = {
    "province": _("province"),
    "district": _("district"),
    "subdistrict": _("subdistrict"),
}
DTYPES: dict[str, Any] = {
    "no_fixed_address": pl.Boolean,
    "chronic_illness": pl.Boolean,
    "bedridden": pl.Boolean,
    "consent_given_on": pl.Date,
    "consent_sensitive": pl.Boolean,
    "consent_sharing": pl.Boolean,
}


# --- the whole file -----------------------------------------------------------------------


class _Collector:
    def __init__(self, mapping: dict[str, str]) -> None:
        self.column_of = {name: column for column, name in mapping.items()}
        self.issues: list[Issue] = []
        self.bad_rows: set[int] = set()

    def add(self, rows: list[int], name: str, value: str, cell: _Cell) -> None:
        column = self.column_of.get(name, name)
        for row in rows:
            self.issues.append(
                Issue(row, column, value, cell.code, cell.message, cell.params, cell.warning)
            )
        if not cell.warning:
            self.bad_rows.update(rows)

    def error(self, rows: list[int], name: str, message: Any, **params: Any) -> None:
        self.add(rows, name, "", _Cell(code=name, message=message, params=params))


def _rows_with(frame: pl.DataFrame, name: str, values: list[str]) -> dict[str, list[int]]:
    hit = frame.filter(pl.col(name).is_in(values)).select(name, ROW)
    grouped: dict[str, list[int]] = {}
    for value, row in hit.iter_rows():
        grouped.setdefault(value, []).append(row)
    return grouped


def _checked_values(frame: pl.DataFrame, name: str, out: _Collector) -> dict[str, Any]:
    """Check each distinct value once; report the rows of bad ones; good value → result."""
    check = CHECKS[name]
    results: dict[str, _Cell] = {
        value: check(value) for value in frame[name].drop_nulls().unique().to_list()
    }
    flagged = [v for v, cell in results.items() if cell.code]
    for value, rows in _rows_with(frame, name, flagged).items():
        out.add(rows, name, value, results[value])
    return {v: cell.value for v, cell in results.items() if cell.value is not None}


def _check_column(frame: pl.DataFrame, name: str, out: _Collector) -> list[pl.Series]:
    good = _checked_values(frame, name, out)
    if name == "birth_date":
        return [
            frame[name]
            .replace_strict({v: t[i] for v, t in good.items()}, default=None, return_dtype=pl.Int32)
            .alias(part)
            for i, part in enumerate(("birth_year", "birth_month", "birth_day"))
        ]
    dtype = DTYPES.get(name, pl.String)
    return [frame[name].replace_strict(good, default=None, return_dtype=dtype).alias(name)]


def _places(frame: pl.DataFrame, out: _Collector, gazetteer: vocab.Gazetteer) -> pl.DataFrame:
    triples = frame.select(PLACE_FIELDS).unique()
    codes: list[tuple[Any, ...]] = []
    for province, district, subdistrict in triples.iter_rows():
        if not (province or district or subdistrict):
            codes.append((province, district, subdistrict, None, None, None))
            continue
        found = gazetteer.match(province or "", district or "", subdistrict or "")
        where = (
            (pl.col("province").eq_missing(province))
            & (pl.col("district").eq_missing(district))
            & (pl.col("subdistrict").eq_missing(subdistrict))
        )
        rows = frame.filter(where)[ROW].to_list() if (found.error or found.corrected) else []
        if found.error:
            typed = {"province": province, "district": district, "subdistrict": subdistrict}
            out.add(
                rows,
                found.error,
                typed[found.error] or "",
                _Cell(
                    code="place",
                    message=_("No %(part)s of this name or code was found: “%(value)s”."),
                    params={"part": PLACE_PARTS[found.error], "value": typed[found.error] or ""},
                ),
            )
            codes.append((province, district, subdistrict, None, None, None))
            continue
        for part, typed_name, matched in found.corrected:
            out.add(
                rows,
                part,
                typed_name,
                _Cell(
                    code="place_corrected",
                    message=_("“%(typed)s” was read as “%(matched)s”."),
                    params={"typed": typed_name, "matched": matched},
                    warning=True,
                ),
            )
        codes.append(
            (
                province,
                district,
                subdistrict,
                found.province or None,
                found.district or None,
                found.subdistrict or None,
            )
        )
    lookup = pl.DataFrame(
        codes,
        schema={
            "province": pl.String,
            "district": pl.String,
            "subdistrict": pl.String,
            "province_code": pl.String,
            "district_code": pl.String,
            "subdistrict_code": pl.String,
        },
        orient="row",
    )
    return frame.join(lookup, on=list(PLACE_FIELDS), how="left", nulls_equal=True)


def _split_titles(frame: pl.DataFrame) -> pl.DataFrame:
    names = frame["given_name"].drop_nulls().unique().to_list()
    split = {n: split_title(n) for n in names}
    titles = {n: t for n, (t, _rest) in split.items() if t}
    rests = {n: rest for n, (_t, rest) in split.items()}
    return frame.with_columns(
        pl.coalesce(
            pl.col("title"), pl.col("given_name").replace_strict(titles, default=None)
        ).alias("title"),
        pl.col("given_name").replace_strict(rests, default=None, return_dtype=pl.String),
    )


def _cross_checks(frame: pl.DataFrame, out: _Collector, provinces: set[str] | None) -> None:
    def rows(expr: pl.Expr) -> list[int]:
        return frame.filter(expr)[ROW].to_list()

    out.error(rows(pl.col("given_name").is_null()), "given_name", _("The given name is required."))
    no_place = pl.col("province_code").is_null() & pl.col("province").is_null()
    no_place &= pl.col("district").is_null() & pl.col("subdistrict").is_null()
    out.error(
        rows(no_place),
        "province",
        _(
            "Give a subdistrict of the address, or the province where "
            "the person is served (for people with no fixed address)."
        ),
    )
    if provinces is not None:
        outside = pl.col("province_code").is_not_null() & ~pl.col("province_code").is_in(
            sorted(provinces)
        )
        out.error(rows(outside), "province", _("Your organisation does not work in this province."))
    sensitive = [f.name for f in FIELDS if f.sensitive] + ["groups"]
    no_consent = (
        ~pl.col("consent_sensitive").fill_null(False) | pl.col("consent_given_on").is_null()
    )
    for name in sensitive:
        present = pl.col(name).is_not_null() & (pl.col(name).cast(pl.String) != "")
        if name == "groups":
            present &= pl.col("groups").str.contains(
                "|".join(sorted(c.SENSITIVE_GROUPS)), literal=False
            )
        out.error(
            rows(present & no_consent),
            name,
            _(
                "Sensitive data needs the person's consent for sensitive data: "
                "fill in consent_sensitive = yes and the date."
            ),
        )
    consent_any = pl.col("consent_sensitive").is_not_null()
    consent_any |= pl.col("consent_sharing").is_not_null()
    out.error(
        rows(consent_any & pl.col("consent_given_on").is_null()),
        "consent_given_on",
        _("Give the date the consent was given."),
    )
    guardian = pl.col("consent_given_by") == c.ConsentGiver.GUARDIAN
    out.error(
        rows(guardian & pl.col("guardian_name").is_null()),
        "guardian_name",
        _("Give the guardian's name."),
    )
    today = timezone.localdate()
    adult_from = today.year - CHILD_CONSENT_MAX_AGE - 1
    child_alone = (
        pl.col("consent_given_on").is_not_null()
        & (pl.col("consent_given_by").fill_null(c.ConsentGiver.SELF) == c.ConsentGiver.SELF)
        & (pl.col("birth_year") > adult_from)
    )
    candidates = frame.filter(child_alone).select(ROW, "birth_year", "birth_month", "birth_day")
    young = [
        row
        for row, year, month, day in candidates.iter_rows()
        if PartialDate(year, month, day).age_on(today) <= CHILD_CONSENT_MAX_AGE
    ]
    out.error(
        young,
        "consent_given_by",
        _("A child aged 10 or under cannot consent alone: record the guardian who consents."),
    )
    for name, message in (
        ("national_id", _("The same ID is already on row %(row)s of this file.")),
        ("source_id", _("The same submission is already on row %(row)s of this file.")),
    ):
        ids = frame.filter(pl.col(name).is_not_null()).select(name, ROW)
        first = ids.group_by(name).agg(pl.col(ROW).min().alias("_first"))
        repeats = ids.join(first, on=name).filter(pl.col(ROW) != pl.col("_first"))
        for row, first_row in repeats.select(ROW, "_first").iter_rows():
            out.error([row], name, message, row=first_row)


def _fingerprints(frame: pl.DataFrame, names: list[str]) -> pl.Series:
    joined = frame.select(
        pl.concat_str(
            [pl.col(n).cast(pl.String).fill_null("") for n in names], separator="\x1f"
        ).alias("k")
    )["k"]
    return pl.Series(
        FINGERPRINT,
        [hashlib.sha256(k.encode()).hexdigest() for k in joined.to_list()],
        dtype=pl.String,
    )


def rows_check(
    frame: pl.DataFrame, mapping: dict[str, str], *, user: Any, organisation: Any
) -> CheckResult:
    """Validate ``frame`` (file columns, strings) under ``mapping`` (column → field)."""
    mapped = frame.select(
        [pl.col(column).alias(name) for column, name in mapping.items() if name]
    ).with_row_index(ROW, offset=FIRST_DATA_ROW)
    mapped = mapped.with_columns(pl.col(ROW).cast(pl.Int64))
    for name in (*FIELDS_BY_NAME, *PLACE_FIELDS):
        if name not in mapped.columns:
            mapped = mapped.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    # Whitespace-only cells are empty cells.
    mapped = mapped.with_columns(
        [
            pl.when(pl.col(n).str.strip_chars() == "")
            .then(None)
            .otherwise(pl.col(n).str.strip_chars())
            .alias(n)
            for n in mapped.columns
            if n != ROW
        ]
    )
    out = _Collector(mapping)
    mapped = _split_titles(mapped)
    columns = [series for name in CHECKS for series in _check_column(mapped, name, out)]
    checked = mapped.select(ROW, *PLACE_FIELDS).with_columns(columns)
    checked = _places(checked, out, vocab.Gazetteer())
    provinces = (
        policy.province_codes_of(user)
        if user is not None
        else set(Province.objects.filter(organisations=organisation).values_list("code", flat=True))
    )
    _cross_checks(checked, out, provinces)
    checked = checked.drop(list(PLACE_FIELDS)).sort(ROW)
    names = [n for n in checked.columns if n != ROW]
    checked = checked.with_columns(_fingerprints(checked, names))
    good = checked.filter(~pl.col(ROW).is_in(sorted(out.bad_rows)))
    out.issues.sort(key=lambda i: (i.row, i.warning))
    return CheckResult(rows=good, issues=out.issues, read=len(frame), rejected=len(out.bad_rows))
