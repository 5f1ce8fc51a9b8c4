"""Identity documents: the Thai 13-digit personal ID (PID) and other document numbers.

The PID is ``C-RRRR-GGGGG-SS-K``: person category, registry office (province and
district), group, sequence, and a check digit. Its first digit and, for some categories,
digits 6–7 say who a person is (civil status, ethnic group, how nationality was gained),
so they are personal data in themselves: show :func:`national_id_mask` by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from saphan.core.errors import field_error

NATIONAL_ID_LENGTH = 13
# Four digits are enough for a person to recognise their own number, and they are the
# serial and check digits, which say nothing about the person.
MASK_VISIBLE_DIGITS = 4

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Numbers are copied from cards, PDFs and spreadsheets, which bring every kind of
# space and dash with them; none of them is part of the number.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_GROUPS = (1, 4, 5, 2, 1)


# -- the personal ID ---------------------------------------------------------------------


def national_id_normalise(value: str) -> str:
    """``"๑-๑๐๑๗ 00230.70-8"`` → ``"1101700230708"``; other characters are kept."""
    return _SEPARATORS.sub("", value.translate(_THAI_DIGITS))


def _is_ascii_digits(value: str) -> bool:
    # str.isdigit() is true for "²" and Arabic-Indic digits, which are not PIDs.
    return _ASCII_DIGITS.fullmatch(value) is not None


def national_id_check_digit(first12: str) -> int:
    """The 13th digit: x = Σ(i=1..12) (14−i)·dᵢ mod 11; d₁₃ = (11 − x) mod 10."""
    if len(first12) != NATIONAL_ID_LENGTH - 1 or not _is_ascii_digits(first12):
        raise ValueError(f"expected 12 ASCII digits, got {first12!r}")
    total = sum((14 - i) * int(d) for i, d in enumerate(first12, start=1))
    return (11 - total % 11) % 10


def national_id_is_valid(value: str) -> bool:
    number = national_id_normalise(value)
    return (
        len(number) == NATIONAL_ID_LENGTH
        and _is_ascii_digits(number)
        and national_id_check_digit(number[:12]) == int(number[12])
    )


def national_id_validate(value: str, *, field: str = "national_id") -> str:
    """The normalised 13 digits, or a :class:`SaphanValidationError` saying what is wrong."""
    number = national_id_normalise(value)
    if not number:
        raise field_error(field, _("Enter the 13-digit Thai personal ID."))
    stray = "".join(dict.fromkeys(c for c in number if not _is_ascii_digits(c)))
    if stray:
        raise field_error(
            field,
            _("A Thai personal ID has only digits; remove %(chars)s."),
            chars=" ".join(stray),
        )
    if len(number) != NATIONAL_ID_LENGTH:
        raise field_error(
            field, _("A Thai personal ID has 13 digits; this has %(n)s."), n=len(number)
        )
    expected = national_id_check_digit(number[:12])
    if expected != int(number[12]):
        raise field_error(
            field,
            _(
                "The check digit is wrong: the last digit should be %(expected)s."
                " Please check the number."
            ),
            expected=expected,
        )
    return number


def _thirteen_digits(value: str) -> str:
    number = national_id_normalise(value)
    if len(number) != NATIONAL_ID_LENGTH or not _is_ascii_digits(number):
        # Display helpers run on stored, validated numbers; anything else is a bug upstream.
        raise ValueError("not a 13-digit personal ID")
    return number


def _grouped(number: str) -> str:
    parts, start = [], 0
    for size in _GROUPS:
        parts.append(number[start : start + size])
        start += size
    return "-".join(parts)


def national_id_format(value: str) -> str:
    """``"1101700230708"`` → ``"1-1017-00230-70-8"`` (the grouping printed on the card)."""
    return _grouped(_thirteen_digits(value))


def national_id_mask(value: str) -> str:
    """``"1101700230708"`` → ``"x-xxxx-xxxx0-70-8"``: only the last four digits show.

    The first digit reveals civil status (Thai, foreigner, stateless) and digits 6–7 of
    categories 6, 8 and 0 reveal ethnic origin or how nationality was gained.
    """
    number = _thirteen_digits(value)
    hidden = NATIONAL_ID_LENGTH - MASK_VISIBLE_DIGITS
    return _grouped("x" * hidden + number[hidden:])


# -- what the digits mean ----------------------------------------------------------------


def _pick(language: str, thai: str, english: str) -> str:
    return thai if language.lower().startswith("th") else english


@dataclass(frozen=True)
class IdCategory:
    """Person category from the first digit (ประเภทบุคคล), as the civil registry defines it.

    Labels are plain strings in both languages rather than gettext: they are reference
    text from the registry, not interface wording, and must read the same in any catalogue.
    """

    digit: str
    label_th: str
    label_en: str

    def label(self, language: str) -> str:
        return _pick(language, self.label_th, self.label_en)


@dataclass(frozen=True)
class IdSubtype:
    """A group within category 0, from digits 6–7."""

    code: str
    digits: str
    label_th: str
    label_en: str

    def label(self, language: str) -> str:
        return _pick(language, self.label_th, self.label_en)


ID_CATEGORIES: dict[str, IdCategory] = {
    c.digit: c
    for c in (
        IdCategory(
            "1",
            "คนที่เกิดและมีสัญชาติไทย แจ้งเกิดภายในกำหนดเวลา (เกิดตั้งแต่ 1 มกราคม 2527)",
            "Thai national born on or after 1 January 1984 whose birth was registered on time",
        ),
        IdCategory(
            "2",
            "คนที่เกิดและมีสัญชาติไทย แจ้งเกิดเกินกำหนดเวลา (เกิดตั้งแต่ 1 มกราคม 2527)",
            "Thai national born on or after 1 January 1984 whose birth was registered late",
        ),
        IdCategory(
            "3",
            "คนไทยและคนต่างด้าวที่มีใบสำคัญประจำตัวคนต่างด้าว ซึ่งมีชื่ออยู่ในทะเบียนบ้านก่อนวันที่ 31 พฤษภาคม 2527",
            "Thai national, or foreigner with an alien certificate,"
            " listed in a house registration before 31 May 1984",
        ),
        IdCategory(
            "4",
            "คนไทยและคนต่างด้าวที่มีใบสำคัญประจำตัวคนต่างด้าว"
            " ซึ่งแจ้งย้ายเข้าทะเบียนบ้านโดยยังไม่มีเลขประจำตัวประชาชนในสมัยเริ่มแรก (พ.ศ. 2527)",
            "Thai national, or foreigner with an alien certificate, who moved into a house"
            " registration without an ID number when numbers were first issued (1984)",
        ),
        IdCategory(
            "5",
            "คนไทยที่ได้รับอนุมัติให้เพิ่มชื่อเข้าในทะเบียนบ้านภายหลัง (กรณีตกสำรวจ ถูกจำหน่ายชื่อโดยผิดพลาด หรือกรณีอื่น)",
            "Thai national added to a house registration later"
            " (missed by the census, wrongly removed, or another reason)",
        ),
        IdCategory(
            "6",
            "ผู้ที่ไม่มีสัญชาติไทย: คนต่างด้าวที่เข้าเมืองโดยชอบด้วยกฎหมายแต่อยู่เป็นการชั่วคราว"
            " และผู้ที่เข้าเมืองโดยไม่ชอบด้วยกฎหมาย",
            "Not Thai: foreigner living in Thailand temporarily, or a person who entered illegally",
        ),
        IdCategory(
            "7",
            "บุตรของบุคคลประเภทที่ 6 ซึ่งเกิดในประเทศไทย",
            "Child of a category-6 person, born in Thailand",
        ),
        IdCategory(
            "8",
            "คนต่างด้าวที่ได้รับอนุญาตให้มีถิ่นที่อยู่ถาวรในประเทศไทย และผู้ที่ได้สัญชาติไทยในภายหลัง เช่น โดยการแปลงสัญชาติ",
            "Foreigner with permanent residence, or a person who gained Thai nationality later"
            " (e.g. by naturalisation)",
        ),
        IdCategory(
            "0",
            "บุคคลที่ไม่มีสถานะทางทะเบียน (ไม่มีสัญชาติไทย) ซึ่งได้รับการจัดทำทะเบียนประวัติไว้เป็นหลักฐาน",
            "Person without civil-registration status (not Thai),"
            " registered in a personal-record register for the record",
        ),
    )
}

ZERO_SURVEYED = "surveyed"
ZERO_RECORD_REGISTER = "record_register"

ZERO_SUBTYPES: dict[str, IdSubtype] = {
    s.digits: s
    for s in (
        IdSubtype(
            ZERO_SURVEYED,
            "89",
            "บุคคลไร้รัฐที่ได้รับการสำรวจ: คนที่ไม่มีสถานะทางทะเบียนซึ่งได้รับการเพิ่มชื่อ"
            "ในทะเบียนประวัติจากการสำรวจตามยุทธศาสตร์การจัดการปัญหาสถานะและสิทธิของบุคคล (พ.ศ. 2548)",
            "Stateless persons surveyed and registered: people without registration status"
            " added to the personal-record register by the survey under the 2005"
            " personal-status strategy",
        ),
        IdSubtype(
            ZERO_RECORD_REGISTER,
            "00",
            "ผู้ที่จัดทำทะเบียนประวัติตามพระราชบัญญัติการทะเบียนราษฎร มาตรา 19/2 และมาตรา 38"
            " วรรคสอง: คนซึ่งไม่มีสัญชาติไทยที่ไม่อาจมีชื่อในทะเบียนบ้าน และเด็กที่ไม่มีสถานะ"
            "ทางทะเบียนซึ่งได้รับการแจ้งเกิด (รวมถึงผู้ที่รอพิสูจน์สัญชาติไทย เช่น คนไทยตกหล่น)",
            "Registered under the Civil Registration Act s.19/2 and s.38 para. 2: non-Thai"
            " persons who cannot be listed in a house registration and children without"
            " registration status whose births were notified (including people awaiting proof"
            " of Thai nationality, e.g. Thai people missing from the civil registry)",
        ),
    )
}


# 9 is not a person category; the registry reserves the series. A number starting with 9
# can still pass the check digit, so it gets a category rather than an exception.
RESERVED_CATEGORY = IdCategory(
    "9",
    "เลขชุดที่สงวนไว้ ไม่ได้ออกให้บุคคลทั่วไป โปรดตรวจสอบเลขอีกครั้ง",
    "Reserved series, not issued to the general public; please check the number",
)


def national_id_category(value: str) -> IdCategory:
    """Category of a PID from its first digit (9, reserved, gives ``RESERVED_CATEGORY``)."""
    return ID_CATEGORIES.get(_thirteen_digits(value)[0], RESERVED_CATEGORY)


def national_id_zero_subtype(value: str) -> str | None:
    """``ZERO_SURVEYED`` or ``ZERO_RECORD_REGISTER`` for a category-0 PID, else ``None``.

    Look the label up in ``ZERO_SUBTYPES`` by digits, or with :func:`zero_subtype_label`.
    """
    number = _thirteen_digits(value)
    if number[0] != "0":
        return None
    subtype = ZERO_SUBTYPES.get(number[5:7])
    return subtype.code if subtype else None


def zero_subtype_label(code: str, language: str) -> str:
    for subtype in ZERO_SUBTYPES.values():
        if subtype.code == code:
            return subtype.label(language)
    raise ValueError(f"unknown category-0 subtype {code!r}")


# -- other documents ---------------------------------------------------------------------


class DocumentType(models.TextChoices):
    NATIONAL_ID = "national_id", _("Thai personal ID")
    PASSPORT = "passport", _("Passport")
    MIGRANT_WORKER_CARD = "migrant_worker_card", _("Migrant worker card (pink card)")
    RESIDENCE_CERTIFICATE = "residence_certificate", _("Certificate of residence")
    OTHER = "other", _("Other document")


def document_number_normalise(value: str) -> str:
    """``"aa 12-345"`` → ``"AA12345"``, so one document gives one blind index however typed."""
    return re.sub(r"[\s\-\u2010-\u2015\u2212]+", "", value.translate(_THAI_DIGITS)).upper()
