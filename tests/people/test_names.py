"""Thai titles separated from names; no database needed."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from saphan.people.names import (
    TITLE_CHOICES,
    TITLES,
    TITLES_BY_VALUE,
    normalise_thai_name,
    split_full_name,
    split_title,
    title_label,
)

# Names built from these never begin with the rest of a longer title (no ส for นาง+สาว,
# no ภ for พระ+ภิกษุ), so gluing them to any title stays unambiguous.
CONSONANTS = "กคงจชดตทนบปมยรลวห"
MARKS = "ิีึืุู่้"
# NFC puts stacked marks in canonical order (ุ before ่), so compare normalised names.
thai_names = st.builds(
    lambda first, rest: normalise_thai_name(first + rest),
    st.sampled_from(CONSONANTS),
    st.text(alphabet=CONSONANTS + MARKS + "าเแโ", max_size=8),
)
latin_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).map(
    str.capitalize
)
spellings = st.sampled_from([(s, t.value) for t in TITLES for s in t.spellings])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("นายสมชาย ใจดี", ("นาย", "สมชาย ใจดี")),
        ("นาย สมชาย ใจดี", ("นาย", "สมชาย ใจดี")),
        ("นางสาวสมหญิง รักไทย", ("นางสาว", "สมหญิง รักไทย")),
        ("นางสมศรี", ("นาง", "สมศรี")),
        ("น.ส.สมหญิง", ("นางสาว", "สมหญิง")),
        ("นส. สมหญิง", ("นางสาว", "สมหญิง")),
        ("นส สมหญิง", ("นางสาว", "สมหญิง")),
        ("ด.ช.ต้นกล้า", ("เด็กชาย", "ต้นกล้า")),
        ("ดช.ต้นกล้า", ("เด็กชาย", "ต้นกล้า")),
        ("เด็กหญิงแก้วตา", ("เด็กหญิง", "แก้วตา")),
        ("ด.ญ. แก้วตา", ("เด็กหญิง", "แก้วตา")),
        ("พระสมชาย ฐิตธมฺโม", ("พระ", "สมชาย ฐิตธมฺโม")),
        ("ว่าที่ ร.ต. สมชาย ใจดี", ("ว่าที่ร้อยตรี", "สมชาย ใจดี")),
        ("ว่าที่ร้อยตรีสมชาย", ("ว่าที่ร้อยตรี", "สมชาย")),
        ("ดร.สมชาย", ("ดร.", "สมชาย")),
        ("Mr John Smith", ("นาย", "John Smith")),
        ("MR. JOHN", ("นาย", "JOHN")),
        ("Mrs Smith", ("นาง", "Smith")),
        ("Miss Jones", ("นางสาว", "Jones")),
        ("Ms. Jones", ("Ms", "Jones")),
        ("Dr. Somchai", ("ดร.", "Somchai")),
        # Not titles: a name that only starts like one, or a title with nothing after it.
        ("ดรุณี ใจดี", ("", "ดรุณี ใจดี")),
        ("Drew Barrymore", ("", "Drew Barrymore")),
        ("Mrsmith", ("", "Mrsmith")),
        ("สมชาย ใจดี", ("", "สมชาย ใจดี")),
        ("นาย", ("", "นาย")),
        ("นางสาว", ("", "นางสาว")),
        ("น.ส.", ("", "น.ส.")),
        ("", ("", "")),
        # A longer title that would cut a syllable gives way to a shorter one.
        ("นางสาวิตรี ใจดี", ("นาง", "สาวิตรี ใจดี")),
    ],
)
def test_split_title(typed: str, expected: tuple[str, str]) -> None:
    assert split_title(typed) == expected


@given(spellings, thai_names)
def test_any_spelling_followed_by_a_space_is_found(spelling: tuple[str, str], name: str) -> None:
    typed, canonical = spelling
    assert split_title(f"{typed} {name}") == (canonical, name)


@given(spellings, thai_names)
def test_full_thai_titles_and_dotted_abbreviations_may_be_glued(
    spelling: tuple[str, str], name: str
) -> None:
    typed, canonical = spelling
    is_thai_word = typed[0] >= "\u0e00" and len(typed) >= 3
    if is_thai_word or typed.endswith("."):
        assert split_title(typed + name) == (canonical, name)


@given(spellings, latin_names)
def test_latin_names_after_any_title(spelling: tuple[str, str], name: str) -> None:
    typed, canonical = spelling
    assert split_title(f"{typed} {name}") == (canonical, name)


def test_split_full_name() -> None:
    assert split_full_name("นายสมชาย ใจดี") == ("นาย", "สมชาย", "ใจดี")
    assert split_full_name("น.ส.สมหญิง ณ อยุธยา") == ("นางสาว", "สมหญิง", "ณ อยุธยา")
    assert split_full_name("สมชาย") == ("", "สมชาย", "")
    assert split_full_name("  นาย   สมชาย   ใจดี  ") == ("นาย", "สมชาย", "ใจดี")
    assert split_full_name("") == ("", "", "")


def test_normalise_thai_name() -> None:
    assert normalise_thai_name("  สม\u200bชาย   ใจ\u200dดี ") == "สมชาย ใจดี"
    assert normalise_thai_name("\ufeffสมชาย\u00a0ใจดี") == "สมชาย ใจดี"
    assert normalise_thai_name("น\u0e4d\u0e32พล") == "นำพล"  # nikhahit + aa typed for sara am
    assert normalise_thai_name("Rene\u0301") == "René"
    assert normalise_thai_name("ก\u0e48\u0e38") == "ก\u0e38\u0e48"  # tone mark after vowel


@given(st.text(alphabet="กขคงนมาำิีุู่้ํ \u200b\u00a0\t", max_size=20))
def test_normalising_is_idempotent(text: str) -> None:
    once = normalise_thai_name(text)
    assert normalise_thai_name(once) == once
    assert "  " not in once and once == once.strip() and "\u200b" not in once


def test_title_choices_follow_the_active_language() -> None:
    values = [value for value, _label in TITLE_CHOICES]
    assert len(values) == len(set(values)) == len(TITLES)
    assert {"นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง"} <= set(values)
    labels = dict(TITLE_CHOICES)
    with translation.override("en"):
        assert str(labels["นาย"]) == "Mr" and str(labels["เด็กหญิง"]) == "Miss (girl)"
    with translation.override("th"):
        assert str(labels["นาย"]) == "นาย"
    assert title_label("นางสาว", "en") == "Miss"
    assert title_label("คุณหญิง", "en") == "คุณหญิง"  # unknown stored value shown as is
    assert TITLES_BY_VALUE["พระ"].label("en") == "Phra (monk)"
