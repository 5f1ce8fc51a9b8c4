"""``prepare``: standard columns in, comparable columns out."""

from __future__ import annotations

import polars as pl

from saphan.linkage.engine.prepare import PREPARED_COLUMNS, prepare


def _one(**values: object) -> dict[str, object]:
    frame = pl.DataFrame([{"record_id": "1", **values}])
    return prepare(frame).row(0, named=True)


def test_missing_optional_columns_are_null() -> None:
    row = _one(given_name="สมชาย")
    assert list(row) == list(PREPARED_COLUMNS)
    assert row["given_name"] == "สมชาย"
    assert row["national_id"] is None and row["birth_year"] is None and row["phone"] is None


def test_empty_strings_become_null() -> None:
    row = _one(given_name="", national_id="  ", phone="", sex="")
    assert row["given_enc"] is None and row["national_id"] is None
    assert row["phone"] is None and row["sex"] is None


def test_buddhist_era_year_becomes_ce() -> None:
    row = _one(birth_year=2518, birth_month=3, birth_day=15)
    assert row["birth_year"] == 1975
    assert row["birth_date"] == "1975-03-15"


def test_day_month_swapped_variant() -> None:
    row = _one(birth_year=1972, birth_month=3, birth_day=4)
    assert row["birth_date"] == "1972-03-04"
    assert row["birth_date_swapped"] == "1972-04-03"
    assert _one(birth_year=1972, birth_month=3, birth_day=25)["birth_date_swapped"] is None


def test_impossible_dates_keep_only_what_is_real() -> None:
    row = _one(birth_year=2001, birth_month=2, birth_day=29)
    assert row["birth_date"] is None and row["birth_year"] == 2001
    assert _one(birth_year=2543, birth_month=2, birth_day=29)["birth_date"] == "2000-02-29"


def test_ids_phones_and_codes() -> None:
    row = _one(
        national_id="1-1037-00123-45-8",
        phone="+66 81 234 5678",
        subdistrict_code="100101",
        sex="ชาย",
    )
    assert row["national_id"] == "1103700123458"
    assert row["id_head"] == "110370" and row["id_tail"] == "123458"
    assert row["phone"] == "0812345678"
    assert row["district_code"] == "1001" and row["province_code"] == "10"
    assert row["sex"] == "male"


def test_swapped_id_digits_share_a_blocking_key() -> None:
    a = _one(national_id="1103700123458")
    b = _one(national_id="1103700124358")
    assert a["id_sorted"] == b["id_sorted"] and a["id_head"] == b["id_head"]


def test_title_typo_and_tone_order_meet() -> None:
    a = _one(given_name="นายสมศักดิ์", family_name="ที่ดี")
    b = _one(given_name="สมศักดิ์", family_name="ท\u0e48\u0e35ดี")
    assert a["given_enc"] == b["given_enc"] and a["family_enc"] == b["family_enc"]


def test_placeholder_ids_and_phones_are_missing() -> None:
    row = _one(national_id="0000000000000", phone="0000000000")
    assert row["national_id"] is None and row["phone"] is None
    assert _one(national_id="123")["national_id"] is None
    assert _one(national_id="5304218")["national_id"] == "5304218"  # short IDs exist (FEBRL)
