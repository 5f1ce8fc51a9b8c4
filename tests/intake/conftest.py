from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from saphan.people.identity import national_id_check_digit


def thai_id(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


def wrong_check_digit(first12: str) -> str:
    return first12 + str((national_id_check_digit(first12) + 1) % 10)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.SAPHAN_HOME = tmp_path / "home"
    settings.SAPHAN_IMPORT_FIND_DUPLICATES = False


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        rows: list[list[str]],
        name: str = "survey.csv",
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        return path

    return write


HEADER = [
    "ชื่อ",
    "นามสกุล",
    "เพศ",
    "วันเกิด",
    "เลขบัตรประชาชน",
    "โทรศัพท์",
    "จังหวัด",
    "อำเภอ",
    "ตำบล",
    "ที่อยู่",
    "กลุ่ม",
    "ความพิการ",
    "consent_given_on",
    "consent_sensitive",
]
ID_A = thai_id("110170020345")
ID_B = thai_id("310050012345")


def bad_rows_file() -> list[list[str]]:
    """Row numbers as the spreadsheet shows them (header = 1)."""
    return [
        HEADER,
        # 2: good
        [
            "นายสมชาย",
            "ใจดี",
            "ชาย",
            "12/05/2510",
            ID_A,
            "081-234-5678",
            "น่าน",
            "เมืองน่าน",
            "ในเวียง",
            "1 หมู่ 2",
            "informal_worker",
            "",
            "",
            "",
        ],
        # 3: good, district misspelt (warning only)
        ["สมหญิง", "รักไทย", "หญิง", "1/1/2520", "", "", "น่าน", "เมืองนาน", "บ่อ", "", "", "", "", ""],
        # 4: ID with a wrong check digit
        [
            "มานะ",
            "ดีใจ",
            "ชาย",
            "2500",
            wrong_check_digit("110170020999"),
            "",
            "น่าน",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        # 5: no given name
        ["", "ไม่มีชื่อ", "ชาย", "2500", "", "", "น่าน", "", "", "", "", "", "", ""],
        # 6: born in the future (2590 BE = 2047 CE)
        ["อนาคต", "ไกล", "ชาย", "12/05/2590", "", "", "น่าน", "", "", "", "", "", "", ""],
        # 7: no such province
        ["หลงทาง", "ไกลบ้าน", "หญิง", "2500", "", "", "จังหวัดไม่มีจริง", "", "", "", "", "", "", ""],
        # 8: a province the organisation does not work in
        ["ปัตตา", "นีดี", "หญิง", "2500", "", "", "ปัตตานี", "", "", "", "", "", "", ""],
        # 9: sensitive data (disability) without consent
        ["พิการ", "ไม่ยินยอม", "ชาย", "2500", "", "", "น่าน", "", "", "", "", "seeing", "", ""],
        # 10: unknown sex
        ["เพศ", "ไม่รู้", "x?", "2500", "", "", "น่าน", "", "", "", "", "", "", ""],
        # 11: the ID of row 2 again
        ["ซ้ำ", "บัตรเดิม", "ชาย", "2510", ID_A, "", "น่าน", "", "", "", "", "", "", ""],
        # 12: a phone number too short
        ["โทร", "สั้น", "ชาย", "2510", "", "123", "น่าน", "", "", "", "", "", "", ""],
        # 13: good: year only, no ID, a group, consent with sensitive data
        [
            "บุญมี",
            "มีสุข",
            "ชาย",
            "2500",
            ID_B,
            "",
            "55",
            "5501",
            "550103",
            "",
            "homeless",
            "seeing",
            "2026-01-15",
            "ใช่",
        ],
    ]
