"""Dates: stored in the Common Era, shown in the Buddhist Era (CE + 543) in Thai."""

from __future__ import annotations

import datetime as dt

BE_OFFSET = 543
THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
EN_MONTHS_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def format_date(value: dt.date, *, language: str = "th", style: str = "medium") -> str:
    """``25 พ.ย. 2569`` (Thai, medium), ``25 พฤศจิกายน 2569`` (long), ``25 Nov 2026`` (en).

    A datetime also gets its time (``HH:MM``).
    """
    thai = language.startswith("th")
    year = value.year + BE_OFFSET if thai else value.year
    if thai:
        month = (THAI_MONTHS if style == "long" else THAI_MONTHS_SHORT)[value.month - 1]
    else:
        month = EN_MONTHS_SHORT[value.month - 1]
    text = f"{value.day} {month} {year}"
    if isinstance(value, dt.datetime):
        text += f" {value:%H:%M}"
    return text


def format_month(value: dt.date, *, language: str | None = None) -> str:
    """``พ.ย. 2569`` in Thai (Buddhist Era), ``Nov 2026`` in English."""
    if language is None:
        from django.utils.translation import get_language

        language = get_language() or "th"
    if language.startswith("th"):
        return f"{THAI_MONTHS_SHORT[value.month - 1]} {value.year + BE_OFFSET}"
    return f"{EN_MONTHS_SHORT[value.month - 1]} {value.year}"
