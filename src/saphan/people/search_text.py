"""Normalised name text for typo-tolerant search and Thai dictionary-order sorting."""

from __future__ import annotations

import re
from functools import lru_cache

from pythainlp.soundex import udom83
from pythainlp.util import normalize as thai_normalize

from saphan.people.names import normalise_thai_name

_TONE = re.compile(r"[็-์]")
_LEADING_VOWEL = re.compile(r"([เ-ไ])([ก-ฮ])")


_THAI = re.compile(r"[\u0e01-\u0e4e]")


def _phonetic(word: str) -> str:
    """udom83 Thai soundex without its zero padding: same-sound letters (ศ/ษ/ส, ท/ธ/ฒ,
    น/ณ…) and vowel length map to one code, the commonest Thai spelling variants."""
    if not _THAI.search(word):
        return ""
    try:
        return udom83(word).rstrip("0")
    except (ValueError, IndexError):  # pythainlp refuses some odd strings
        return ""


def search_text(*parts: str) -> str:
    """Lower-cased, Thai-normalised names, each word followed by its phonetic code, so
    that one trigram index matches both spelling typos and same-sound spellings."""
    words: list[str] = []
    for part in parts:
        if part and part.strip():
            words.extend(_part_words(part))
    return " ".join(words)[:400]


@lru_cache(maxsize=131_072)
def _part_words(part: str) -> tuple[str, ...]:
    # Cached: names repeat across a registry, and soundex is the slow step of a bulk import.
    words: list[str] = []
    for word in thai_normalize(normalise_thai_name(part)).lower().split():
        words.append(word)
        code = _phonetic(word)
        if code:
            words.append(code)
    return tuple(words)


def names_only(text: str) -> list[str]:
    """The name words of a search text (without the phonetic codes)."""
    return [w for w in text.split() if not any(ch.isdigit() for ch in w)]


@lru_cache(maxsize=65_536)
def edit_similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / longer length, on characters (not UTF-8 bytes)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1 - previous[-1] / max(len(a), len(b))


def closeness(query: str, text: str) -> float:
    """How well each query word matches its best name word (mean edit similarity)."""
    query_words = names_only(query)
    text_words = names_only(text)
    if not query_words or not text_words:
        return 0.0
    return sum(max(edit_similarity(q, t) for t in text_words) for q in query_words) / len(
        query_words
    )


def thai_sort_key(text: str) -> str:
    """Thai dictionary order (pythainlp's collation): leading vowels after the consonant,
    tone marks last, so that a plain codepoint ORDER BY sorts Thai names correctly."""
    base = _LEADING_VOWEL.sub(r"\2\1", _TONE.sub("", text))
    tones = "".join(_TONE.findall(text))
    return (base + tones)[:200]


def trigrams(text: str) -> set[str]:
    """pg_trgm-style trigrams of each word (two spaces before, one after)."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def word_similarity(query: str, text: str) -> float:
    """Share of the query's trigrams found among the text's (like pg_trgm's ``<%``,
    simplified): 1.0 when every trigram of the query occurs in the text."""
    q = trigrams(query)
    if not q:
        return 0.0
    return len(q & trigrams(text)) / len(q)
