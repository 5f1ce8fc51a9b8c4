"""Partial dates of birth typed in the Buddhist or Common Era; no database needed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from saphan.core.errors import validation_error_payload
from saphan.people.partialdate import (
    BE_OFFSET,
    BE_THRESHOLD,
    PartialDate,
    ce_date_validate,
    partial_date_parse,
)

TODAY = date(2026, 11, 25)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
past_days = st.dates(min_value=date(1880, 1, 1), max_value=TODAY)
precisions = st.sampled_from(["year", "month", "day"])


def _partial(day: date, precision: str) -> PartialDate:
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


def _refusal(text: str, field: str = "birth_date") -> str:
    with pytest.raises(ValidationError) as error:
        partial_date_parse(text, today=TODAY, field=field)
    return validation_error_payload(error.value)["errors"][field][0]["en"]


# -- properties --------------------------------------------------------------------------


@given(past_days, precisions, st.sampled_from(["th", "en"]), st.booleans())
def test_parse_reads_back_what_format_writes(
    day: date, precision: str, language: str, thai_digits: bool
) -> None:
    value = _partial(day, precision)
    text = value.format(language)
    if thai_digits:
        text = text.translate(THAI_DIGITS)
    assert partial_date_parse(text, today=TODAY) == value


@given(past_days, precisions)
def test_iso_round_trips(day: date, precision: str) -> None:
    value = _partial(day, precision)
    assert PartialDate.from_iso(value.iso()) == value
    assert value.precision == precision


@given(past_days)
def test_a_be_year_and_its_ce_year_are_the_same_date(day: date) -> None:
    be, ce = day.year + BE_OFFSET, day.year
    pairs = [
        (f"{day.day}/{day.month}/{be}", f"{day.day}/{day.month}/{ce}"),
        (f"{day.day:02d}-{day.month:02d}-{be}", f"{day.day:02d}-{day.month:02d}-{ce}"),
        (f"{be}-{day.month:02d}-{day.day:02d}", f"{ce}-{day.month:02d}-{day.day:02d}"),
        (f"{day.month}/{be}", f"{day.month}/{ce}"),
        (str(be), str(ce)),
    ]
    for in_be, in_ce in pairs:
        assert partial_date_parse(in_be, today=TODAY) == partial_date_parse(in_ce, today=TODAY)
    assert partial_date_parse(f"{day.day}/{day.month}/{be}", today=TODAY).earliest() == day


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999 - BE_OFFSET, 12, 31)))
def test_future_dates_are_refused(day: date) -> None:
    in_be = f"{day.day}/{day.month}/{day.year + BE_OFFSET}"
    assert _refusal(in_be) == "This date is in the future."
    if day.year <= BE_THRESHOLD:
        # A later CE year cannot be told from an early BE one; refused either way. (Above
        # 2400 a year is read as BE: "2500" is 1957, which is right for a birth date.)
        with pytest.raises(ValidationError):
            partial_date_parse(f"{day.day}/{day.month}/{day.year}", today=TODAY)
    with pytest.raises(ValidationError):
        ce_date_validate(day, field="visit_on", today=TODAY)


# -- examples ----------------------------------------------------------------------------

MAY_12_1967 = PartialDate(1967, 5, 12)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2510", PartialDate(1967)),
        ("1967", PartialDate(1967)),
        ("5/2510", PartialDate(1967, 5)),
        ("05/2510", PartialDate(1967, 5)),
        ("1967-05", PartialDate(1967, 5)),
        ("12/5/2510", MAY_12_1967),
        ("12-05-2510", MAY_12_1967),
        ("12.5.2510", MAY_12_1967),
        ("2510-05-12", MAY_12_1967),
        ("1967-05-12", MAY_12_1967),
        ("12 พ.ค. 2510", MAY_12_1967),
        ("12พ.ค.2510", MAY_12_1967),
        ("12 พฤษภาคม 2510", MAY_12_1967),
        ("12 พฤษภาคม พ.ศ. 2510", MAY_12_1967),
        ("12 May 1967", MAY_12_1967),
        ("12 may 1967 CE", MAY_12_1967),
        ("๑๒/๕/๒๕๑๐", MAY_12_1967),
        ("  12 / 5 / 2510 ".replace(" ", ""), MAY_12_1967),
        ("พ.ค. 2510", PartialDate(1967, 5)),
        ("3 Sept 1967", PartialDate(1967, 9, 3)),
        ("29/2/2511", PartialDate(1968, 2, 29)),
        ("1/11/2569", PartialDate(2026, 11, 1)),
        ("2423", PartialDate(1880)),
    ],
)
def test_accepted_forms(typed: str, expected: PartialDate) -> None:
    assert partial_date_parse(typed, today=TODAY) == expected


UNREADABLE = "Write the date as day/month/year, e.g. 12/5/2510, or just the year."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", UNREADABLE),
        ("   ", UNREADABLE),
        ("soon", UNREADABLE),
        ("12 Maybe 1967", UNREADABLE),
        ("12/5-2510", UNREADABLE),
        ("12/5/10", "Write the year with four digits, e.g. 2510 or 1967."),
        ("31/2/2510", "Day 31 does not exist: that month has 28 days."),
        ("29/2/2510", "Day 29 does not exist: that month has 28 days."),
        ("0/5/2510", "Day 0 does not exist: that month has 31 days."),
        ("12/13/2510", "There is no month 13; months run from 1 to 12."),
        ("13/2510", "There is no month 13; months run from 1 to 12."),
        ("26/11/2569", "This date is in the future."),
        ("ธ.ค. 2569", "This date is in the future."),
        ("1879", "1879 is too early: dates from 1880 CE (2423 BE) onwards are accepted."),
        ("2422", "2422 is too early: dates from 1880 CE (2423 BE) onwards are accepted."),
        ("พ.ศ. 1967", "1967 is too early: dates from 1880 CE (2423 BE) onwards are accepted."),
        ("ค.ศ. 2510", "This date is in the future."),
    ],
)
def test_refused_with_a_specific_message(typed: str, message: str) -> None:
    assert _refusal(typed) == message


@pytest.mark.parametrize("year", ["2027", "2100", "2400"])
def test_a_year_that_is_neither_era_says_so(year: str) -> None:
    message = _refusal(year)
    assert message.startswith(f"{year} cannot be right")
    assert "Buddhist-Era" in message and "Common-Era" in message


def test_errors_go_to_the_named_field() -> None:
    assert _refusal("31/2/2510", field="guardian_birth_date").startswith("Day 31")


def test_partial_date_parts() -> None:
    assert PartialDate(1967).iso() == "1967"
    assert PartialDate(1967, 5).iso() == "1967-05"
    assert MAY_12_1967.iso() == "1967-05-12"
    assert PartialDate(1967).earliest() == date(1967, 1, 1)
    assert PartialDate(1967, 5).earliest() == date(1967, 5, 1)
    assert MAY_12_1967.format("th") == "12 พ.ค. 2510"
    assert PartialDate(1967, 5).format("th") == "พ.ค. 2510"
    assert PartialDate(1967).format("th") == "2510"
    assert MAY_12_1967.format("en") == "12 May 1967"
    assert PartialDate(1967, 5).format("en") == "May 1967"
    assert PartialDate(1967).format("en") == "1967"


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [(1, None, 1967), (None, 13, 1967), (30, 2, 1967), (None, 0, 1967), (1, 1, 0)],
)
def test_impossible_partial_dates_are_programming_errors(
    day: int | None, month: int | None, year: int
) -> None:
    with pytest.raises(ValueError):
        PartialDate(year, month, day)


@pytest.mark.parametrize("text", ["67", "1967-5", "1967-05-12T00:00", "1967-02-30", ""])
def test_from_iso_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.from_iso(text)


def test_age_counts_completed_years_from_the_earliest_day() -> None:
    assert MAY_12_1967.age_on(date(2027, 5, 11)) == 59
    assert MAY_12_1967.age_on(date(2027, 5, 12)) == 60
    # Only the year known: counted from 1 January, as Thai registration does.
    assert PartialDate(1967).age_on(date(2027, 1, 1)) == 60
    assert PartialDate(1967, 12).age_on(date(2027, 11, 30)) == 59
    leap = PartialDate(2000, 2, 29)
    assert leap.age_on(date(2001, 2, 28)) == 0
    assert leap.age_on(date(2001, 3, 1)) == 1


@given(past_days, precisions, past_days)
def test_age_is_never_more_than_a_year_off_the_exact_age(
    born: date, precision: str, today: date
) -> None:
    if today < born:
        born, today = today, born
    exact = _partial(born, "day").age_on(today)
    assert exact <= _partial(born, precision).age_on(today) <= exact + 1


def test_ce_date_validate() -> None:
    assert ce_date_validate(date(1967, 5, 12), field="birth_date", today=TODAY) == date(1967, 5, 12)
    with pytest.raises(ValidationError) as error:
        ce_date_validate(date(2510, 5, 12), field="birth_date", today=TODAY)
    payload = validation_error_payload(error.value)
    assert payload["errors"]["birth_date"][0]["en"] == (
        "This looks like a Buddhist-Era year (2510); this field takes Common-Era years (1967)."
    )
    with pytest.raises(ValidationError) as error:
        ce_date_validate(TODAY + timedelta(days=1), field="visit_on", today=TODAY)
    assert validation_error_payload(error.value)["errors"]["visit_on"][0]["en"] == (
        "This date is in the future."
    )
