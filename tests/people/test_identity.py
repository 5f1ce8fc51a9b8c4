"""Thai personal ID: check digit, messages, display, categories; no database needed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from saphan.core.errors import validation_error_payload
from saphan.people.identity import (
    ID_CATEGORIES,
    RESERVED_CATEGORY,
    ZERO_RECORD_REGISTER,
    ZERO_SURVEYED,
    DocumentType,
    document_number_normalise,
    national_id_category,
    national_id_check_digit,
    national_id_format,
    national_id_is_valid,
    national_id_mask,
    national_id_normalise,
    national_id_validate,
    national_id_zero_subtype,
    zero_subtype_label,
)

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)
THIRD_DIGIT = 2  # zero-based index of the digit whose weight is 11


def _with_check(first12: str) -> str:
    return first12 + str(national_id_check_digit(first12))


def _x(first12: str) -> int:
    """The intermediate x = Σ(14−i)·dᵢ mod 11 of the check-digit formula."""
    return sum((14 - i) * int(d) for i, d in enumerate(first12, start=1)) % 11


def _english(error: pytest.ExceptionInfo[ValidationError], field: str = "national_id") -> str:
    return validation_error_payload(error.value)["errors"][field][0]["en"]


# -- check digit -------------------------------------------------------------------------


@given(twelve_digits)
def test_every_prefix_with_its_check_digit_validates(first12: str) -> None:
    number = _with_check(first12)
    assert national_id_is_valid(number)
    assert national_id_validate(number) == number


@given(twelve_digits, st.integers(0, 12), st.integers(1, 9))
def test_which_single_digit_changes_the_check_digit_catches(
    first12: str, position: int, shift: int
) -> None:
    """The claim "the mod-10 check catches every single-digit change" is false.

    What is true: a change to the check digit itself is always caught; a change to the
    third digit never is (its weight is 11 ≡ 0 mod 11); any other change is caught unless
    it moves x between 0 and 10, which both give check digit 1.
    """
    number = _with_check(first12)
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    if position == 12:
        caught = True
    elif position == THIRD_DIGIT:
        caught = False
    else:
        caught = {_x(number[:12]), _x(changed[:12])} != {0, 10}
    assert national_id_is_valid(changed) is not caught


def test_known_numbers() -> None:
    # 1101700230703 fails the formula: x = 3, so the last digit must be (11 − 3) mod 10 = 8.
    assert national_id_check_digit("110170023070") == 8
    assert national_id_is_valid("1101700230708")
    assert not national_id_is_valid("1101700230703")
    assert national_id_check_digit("310060000000") == 5
    assert national_id_is_valid("3100600000005")
    # The blind spots, concretely: the third digit can be anything ...
    assert all(national_id_is_valid(f"11{d}1700230708") for d in "0123456789")
    # ... and x = 10 and x = 0 share check digit 1, so 9 → 4 in the twelfth place slips by.
    assert _x("110000000009") == 10 and _x("110000000004") == 0
    assert national_id_is_valid("1100000000091") and national_id_is_valid("1100000000041")


def test_check_digit_needs_twelve_ascii_digits() -> None:
    for bad in ("11017002307", "1101700230700", "11017002307a", "١١٠١٧٠٠٢٣٠٧٠"):
        with pytest.raises(ValueError):
            national_id_check_digit(bad)


# -- normalising and messages ------------------------------------------------------------


def test_normalise_strips_separators_and_reads_thai_digits() -> None:
    assert national_id_normalise("1-1017-00230-70-8") == "1101700230708"
    assert national_id_normalise(" 1 1017 00230 70 8 ") == "1101700230708"
    assert national_id_normalise("1.1017.00230.70.8") == "1101700230708"
    assert national_id_normalise("๑-๑๐๑๗-๐๐๒๓๐-๗๐-๘") == "1101700230708"
    assert national_id_normalise("1–1017\u00a000230—70-8") == "1101700230708"


@given(twelve_digits)
def test_thai_digits_and_dashes_validate_like_ascii(first12: str) -> None:
    number = _with_check(first12)
    thai = national_id_format(number).translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    assert national_id_validate(thai) == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 13-digit Thai personal ID."),
        ("110170023070", "A Thai personal ID has 13 digits; this has 12."),
        ("11017002307081", "A Thai personal ID has 13 digits; this has 14."),
        ("1101700230a0x", "A Thai personal ID has only digits; remove a x."),
        (
            "1101700230703",
            "The check digit is wrong: the last digit should be 8. Please check the number.",
        ),
    ],
)
def test_validate_says_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        national_id_validate(typed)
    assert _english(error) == message


def test_validate_reports_on_the_given_field() -> None:
    with pytest.raises(ValidationError) as error:
        national_id_validate("123", field="guardian_national_id")
    assert "guardian_national_id" in error.value.error_dict


# -- display -----------------------------------------------------------------------------


def test_format_and_mask() -> None:
    assert national_id_format("1101700230708") == "1-1017-00230-70-8"
    assert national_id_mask("1101700230708") == "x-xxxx-xxxx0-70-8"
    assert national_id_mask("1-1017-00230-70-8") == "x-xxxx-xxxx0-70-8"
    with pytest.raises(ValueError):
        national_id_format("12345")
    with pytest.raises(ValueError):
        national_id_mask("12345")


@given(twelve_digits)
def test_mask_hides_category_and_group_digits(first12: str) -> None:
    number = _with_check(first12)
    masked = national_id_mask(number).replace("-", "")
    assert masked[:9] == "x" * 9
    assert masked[9:] == number[9:]


# -- categories --------------------------------------------------------------------------


def test_every_category_has_labels_in_both_languages() -> None:
    assert sorted(ID_CATEGORIES) == list("012345678")
    for digit in "012345678":
        number = _with_check(digit + "10170023070")
        category = national_id_category(number)
        assert category.digit == digit
        assert category.label("th") == category.label_th and category.label_th
        assert category.label("en") == category.label_en and category.label_en
    assert "1984" in national_id_category(_with_check("110170023070")).label("en")
    assert "2527" in national_id_category(_with_check("110170023070")).label("th-th")
    reserved = national_id_category(_with_check("910170023070"))
    assert reserved == RESERVED_CATEGORY and reserved.digit == "9"
    with pytest.raises(ValueError):
        national_id_category("12345")


def test_zero_subtypes_come_from_digits_six_and_seven() -> None:
    surveyed = _with_check("050018900001")
    recorded = _with_check("050010000001")
    other = _with_check("050015000001")
    assert national_id_zero_subtype(surveyed) == ZERO_SURVEYED
    assert national_id_zero_subtype(recorded) == ZERO_RECORD_REGISTER
    assert national_id_zero_subtype(other) is None
    # Digits 6–7 only mean this in category 0.
    assert national_id_zero_subtype(_with_check("650018900001")) is None
    assert "ไร้รัฐ" in zero_subtype_label(ZERO_SURVEYED, "th")
    assert "19/2" in zero_subtype_label(ZERO_RECORD_REGISTER, "en")
    with pytest.raises(ValueError):
        zero_subtype_label("nope", "en")


# -- other documents ---------------------------------------------------------------------


def test_document_types_and_numbers() -> None:
    assert DocumentType.values == [
        "national_id",
        "passport",
        "migrant_worker_card",
        "residence_certificate",
        "other",
    ]
    assert document_number_normalise(" aa 12-345 ") == "AA12345"
    assert document_number_normalise("AA12345") == document_number_normalise("aa-12 345")


@given(st.text(alphabet="abcXYZ0189 -", max_size=20))
def test_document_number_normalising_is_idempotent(value: str) -> None:
    once = document_number_normalise(value)
    assert document_number_normalise(once) == once
    assert " " not in once and "-" not in once
