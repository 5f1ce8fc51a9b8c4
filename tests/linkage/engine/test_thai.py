"""Thai normalisation, the per-character encoding and the phonetic codes."""

from __future__ import annotations

import string

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saphan.linkage.engine.thai import (
    encode_for_distance,
    id_digits,
    latin_soundex,
    map_unique,
    normalise_name,
    phonetic,
)

PRINTABLE = set(string.printable) - set("\t\n\r\x0b\x0c")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("นายสมชาย", "สมชาย"),
        ("นาย สมชาย", "สมชาย"),
        ("น.ส.สมหญิง", "สมหญิง"),
        ("นางสาว สมหญิง", "สมหญิง"),
        ("ด.ช.ก้อง", "ก้อง"),
        ("ดรุณี", "ดรุณี"),  # starts like ดร. but is a name
        ("สมชายยย", "สมชาย"),  # a stuck key
        ("ถถถนอม", "ถนอม"),
        ("สม ชาย", "สมชาย"),
        ("สม\u200bชาย", "สมชาย"),  # zero-width space from a web form
        ("สมชาย1", "สมชาย"),
        ("Mr. John-Paul", "johnpaul"),
        ("Aaron", "aron"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(raw: str | None, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_tone_mark_typed_before_the_vowel_normalises_to_the_same_name() -> None:
    standard = "ที่รัก"  # ท + ี + ่ (vowel, then tone mark)
    typed = "ท\u0e48\u0e35รัก"  # ท + ่ + ี: looks the same on screen
    assert typed != standard
    assert normalise_name(typed) == normalise_name(standard) == "ที่รัก"


def test_nikhahit_and_sara_aa_are_sara_am() -> None:
    assert normalise_name("น\u0e4d\u0e32ฝน") == normalise_name("น\u0e33ฝน")


def test_duplicated_marks_are_removed() -> None:
    assert normalise_name("ก่่อง") == normalise_name("ก่อง")


@given(st.text())
def test_encode_is_one_printable_ascii_character_per_character(text: str) -> None:
    encoded = encode_for_distance(text)
    assert len(encoded) == len(text)
    assert set(encoded) <= PRINTABLE
    assert encode_for_distance(text) == encoded  # deterministic


@given(st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)))
def test_encode_thai_text_never_uses_latin_letters(text: str) -> None:
    encoded = encode_for_distance(text)
    assert len(encoded) == len(text)
    assert not set(encoded) & set(string.ascii_lowercase)


def test_encode_keeps_letters_apart_except_same_sound_ones() -> None:
    assert encode_for_distance("ก") != encode_for_distance("ข")
    assert encode_for_distance("สมชาย") != encode_for_distance("สมชาค")
    assert encode_for_distance("ศรี") == encode_for_distance("สรี")  # ศ ษ ส sound alike
    assert encode_for_distance("๑๒๓") == "123"
    assert encode_for_distance("somchai") == "somchai"


def test_encoded_distance_counts_characters() -> None:
    import duckdb

    a, b = encode_for_distance("สมชาย"), encode_for_distance("สมชาค")
    rows = duckdb.sql(f"SELECT levenshtein('{a}', '{b}')").fetchall()
    assert rows[0][0] == 1


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("robert", "R163"),
        ("rupert", "R163"),
        ("ashcraft", "A261"),
        ("tymczak", "T522"),
        ("pfister", "P236"),
        ("lee", "L000"),
    ],
)
def test_latin_soundex(name: str, code: str) -> None:
    assert latin_soundex(name) == code


def test_phonetic_thai_and_latin() -> None:
    assert phonetic("สมชาย") == phonetic("สมชาย")
    assert phonetic("สมชาย") != ""
    assert phonetic("ศรีสุข") == phonetic("สรีสุข")
    assert phonetic("สมชาย", engine="udom83") != ""
    assert phonetic("smith") == latin_soundex("smith") == "S530"
    assert phonetic("") == ""


def test_id_digits() -> None:
    assert id_digits("1-1037-00123-45-8") == "1103700123458"
    assert id_digits("๑๒๓") == "123"
    assert id_digits(None) == ""


def test_map_unique_calls_each_distinct_value_once() -> None:
    calls: list[str] = []

    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    lookup = map_unique(pl.Series(["a", "b", "a", None, "a"]), {"up": upper})
    assert sorted(calls) == ["a", "b"]
    assert dict(lookup.iter_rows()) == {"a": "A", "b": "B"}
