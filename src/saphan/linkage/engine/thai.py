"""Thai-aware normalisation for record linkage: names, per-character encoding, phonetics.

Everything here is a pure function of one string. The frame-level helpers
(:func:`map_unique`) compute a function once per *distinct* value and join the result
back, because a registry of a million people has far fewer distinct names than rows
and pythainlp's helpers are plain Python.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Literal

import polars as pl
from pythainlp.soundex import soundex as thai_soundex
from pythainlp.util import normalize as thai_normalize

from saphan.people.names import split_title

PhoneticEngine = Literal["lk82", "udom83"]

# -- normalisation -----------------------------------------------------------------------

_THAI_FIRST, _THAI_LAST = 0x0E01, 0x0E5B
# Thai letters, vowels and marks that belong in a name. Left out: ฯ (0E2F, abbreviation),
# ฿ (0E3F), ๆ (0E46, repetition), ๏ ๚ ๛ (0E4F, 0E5A, 0E5B) and the Thai digits: they
# are punctuation or numbers, never part of how a name is spelt.
_NAME_CHARS = re.compile(r"[^a-z\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]+")
# Any character typed twice or more in a row: "สมชายยย", "ถถถ", "aa". A real doubled
# letter (e.g. "ญญ" in "อัญญา") collapses on both sides of a comparison alike, so
# nothing is lost for matching; a stuck key is forgiven.
_REPEATS = re.compile(r"(.)\1+")


def normalise_name(text: str | None) -> str:
    """The comparable core of a personal name: no title, no spaces, no punctuation.

    ``"นาย สมชายยย"`` → ``"สมชาย"``; ``"Mr. John-Paul"`` → ``"johnpaul"``. Steps: strip
    a leading title (:func:`saphan.people.names.split_title`, which also applies NFC
    and removes zero-width characters), fix Thai tone-mark/vowel order and duplicated
    marks (``pythainlp.util.normalize``), lowercase Latin, drop everything that is not
    a letter or a Thai vowel/mark, and collapse runs of one character.
    """
    if not text:
        return ""
    _title, rest = split_title(text)
    rest = thai_normalize(unicodedata.normalize("NFC", rest)).lower()
    rest = _NAME_CHARS.sub("", rest)
    return _REPEATS.sub(r"\1", rest)


def normalise_text(text: str | None) -> str:
    """Addresses and other free text: NFC, Thai mark order, lowercase, single spaces."""
    if not text:
        return ""
    text = thai_normalize(unicodedata.normalize("NFC", text)).lower()
    return " ".join(text.split())


def id_digits(text: str | None) -> str:
    """Only the digits (ASCII or Thai) of an ID or phone number: ``"1-2345 ๖"`` → ``"123456"``."""
    if not text:
        return ""
    return "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())


# -- one ASCII character per character ---------------------------------------------------

# Why: string distances must count *characters*. Some DuckDB releases (and other SQL
# engines) count UTF-8 bytes, where every Thai character is three bytes sharing a
# two-byte prefix, so "one typo" looks like a small change in a long string and
# Jaro-Winkler overrates Thai names. DuckDB 2.0 counts code points, but the encoded form
# keeps the thresholds in model_thai.json meaning the same on every backend (Spark too).
#
# The budget: 94 printable ASCII characters. Latin letters stay themselves (lowercase,
# 26), ASCII and Thai digits become ASCII digits (10), "_" stands for anything else, so
# 57 are left for the 77 non-digit Thai code points. The 20 collisions are chosen where
# they cost least: letters that sound the same as an initial consonant and that people
# confuse when spelling names (ศ ษ → ส, ธ ฑ ฒ → ท, ณ → น …), and rare symbols (฿ ๏ ๚ ๛ ๎)
# that share one slot. The trade-off: "ศรี" and "สรี" encode equally, so they meet at
# the "exact" level of the encoded comparison. That is how people misspell names, and
# the phonetic codes equate them anyway; two different people whose names differ only
# by such a letter must be told apart by the other fields.
_SAME_SOUND = {
    "ฃ": "ข",
    "ฅ": "ค",
    "ฆ": "ค",
    "ศ": "ส",
    "ษ": "ส",
    "ฌ": "ช",
    "ฎ": "ด",
    "ฏ": "ต",
    "ฐ": "ถ",
    "ฑ": "ท",
    "ฒ": "ท",
    "ธ": "ท",
    "ณ": "น",
    "ฬ": "ล",
    "ภ": "พ",
    "ญ": "ย",
}
_RARE_SYMBOLS = "฿๏๚๛๎"
_OTHER = "_"


def _build_encoding() -> dict[int, str]:
    slots = iter(
        [chr(c) for c in range(ord("A"), ord("Z") + 1)]
        + [c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~"]
    )
    table: dict[int, str] = {}
    rare_slot = ""
    for code in range(_THAI_FIRST, _THAI_LAST + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cn":
            continue  # unassigned (0E3B–0E3E)
        if char.isdigit():
            table[code] = str(unicodedata.digit(char))
        elif char in _SAME_SOUND:
            continue  # filled below from the letter it sounds like
        elif char in _RARE_SYMBOLS:
            rare_slot = rare_slot or next(slots)
            table[code] = rare_slot
        else:
            table[code] = next(slots)
    for char, like in _SAME_SOUND.items():
        table[ord(char)] = table[ord(like)]
    for code in range(0x80):
        char = chr(code)
        if char.isascii() and char.isalnum():
            table[code] = char.lower()
        elif char == " ":
            table[code] = " "
        else:
            table[code] = _OTHER
    return table


class _Encoding(dict[int, str]):
    """``str.translate`` table; characters outside ASCII and Thai become ``_``."""

    def __missing__(self, key: int) -> str:
        return _OTHER


ENCODING = _Encoding(_build_encoding())


def encode_for_distance(text: str | None) -> str:
    """One printable ASCII character per input character (see the comment above)."""
    if not text:
        return ""
    return text.translate(ENCODING)


# -- phonetic codes ----------------------------------------------------------------------

_SOUNDEX_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def latin_soundex(text: str) -> str:
    """American Soundex (``"robert"`` → ``"R163"``); letters other than a–z are ignored."""
    letters = [c for c in text.lower() if "a" <= c <= "z"]
    if not letters:
        return ""
    code = letters[0].upper()
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for char in letters[1:]:
        digit = _SOUNDEX_CODES.get(char, "")
        if digit and digit != previous:
            code += digit
            if len(code) == 4:
                break
        if char not in "hw":  # h and w do not separate two equal codes
            previous = digit
    return code.ljust(4, "0")


def _has_thai(text: str) -> bool:
    return any("\u0e01" <= c <= "\u0e5b" for c in text)


def phonetic(text: str | None, engine: PhoneticEngine = "lk82") -> str:
    """A sound code of a normalised name: pythainlp's LK82/Udom83 for Thai, else Soundex."""
    if not text:
        return ""
    if _has_thai(text):
        return str(thai_soundex(text, engine=engine))
    return latin_soundex(text)


# -- frame helpers -----------------------------------------------------------------------


def map_unique(column: pl.Series, functions: dict[str, Callable[[str], str]]) -> pl.DataFrame:
    """A lookup frame: each distinct value of ``column`` (as ``value``) with one output
    column per function, empty results as null. Each function runs once per distinct
    value, so a million rows with 50,000 distinct names cost 50,000 calls.
    """
    distinct = column.drop_nulls().unique().to_list()
    data: dict[str, list[str | None]] = {"value": distinct}
    for name, function in functions.items():
        data[name] = [function(value) or None for value in distinct]
    schema = dict.fromkeys(data, pl.String)
    return pl.DataFrame(data, schema=schema)
