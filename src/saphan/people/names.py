"""Thai personal names: the title (คำนำหน้านาม) kept apart from the name.

Forms and spreadsheets give "นายสมชาย ใจดี", "น.ส. สมหญิง", "Mr Somchai"; the registry
stores one canonical title (the Thai word) and the bare name, so matching and
de-duplication compare names, not spellings of titles.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.functional import lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Title:
    """A title with its labels; ``value`` is what the database stores.

    Labels are plain strings in both languages: a title's English rendering is fixed
    (it is what the English side of a Thai ID card prints), not interface wording.
    """

    value: str
    label_th: str
    label_en: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str) -> str:
        return self.label_th if language.lower().startswith("th") else self.label_en

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.value, *self.aliases)


TITLES: tuple[Title, ...] = (
    Title("นาย", "นาย", "Mr", ("Mr", "Mr.")),
    Title("นาง", "นาง", "Mrs", ("Mrs", "Mrs.")),
    Title("นางสาว", "นางสาว", "Miss", ("น.ส.", "นส.", "นส", "น.ส", "Miss")),
    Title("เด็กชาย", "เด็กชาย", "Master", ("ด.ช.", "ดช.", "ดช", "ด.ช", "Master", "Mstr.")),
    Title("เด็กหญิง", "เด็กหญิง", "Miss (girl)", ("ด.ญ.", "ดญ.", "ดญ", "ด.ญ")),
    # Ms has no Thai legal counterpart, so it is stored as itself.
    Title("Ms", "Ms", "Ms", ("Ms.",)),
    Title("พระ", "พระ", "Phra (monk)", ("พระภิกษุ", "Phra")),
    Title(
        "ว่าที่ร้อยตรี",
        "ว่าที่ร้อยตรี",
        "Acting Sub-Lieutenant",
        ("ว่าที่ ร.ต.", "ว่าที่ร.ต.", "ว่าที่ ร้อยตรี", "Acting Sub Lt."),
    ),
    Title("ดร.", "ดร.", "Dr", ("ดร", "Dr", "Dr.")),
)
TITLES_BY_VALUE: dict[str, Title] = {t.value: t for t in TITLES}


def _active_label(value: str) -> str:
    return TITLES_BY_VALUE[value].label(translation.get_language() or "th")


_lazy_label = lazy(_active_label, str)

# Model-field choices; each label renders in the language active when it is shown.
TITLE_CHOICES: list[tuple[str, StrOrPromise]] = [(t.value, _lazy_label(t.value)) for t in TITLES]


# -- cleaning ----------------------------------------------------------------------------

# Zero-width spaces arrive from web pages and word processors that use them as Thai
# line-break hints; they make equal names compare unequal.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise_thai_name(text: str) -> str:
    """NFC, no zero-width characters, single spaces, and ``ํา`` typed as ``ำ``."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    # Nikhahit + sara aa looks exactly like sara am but NFC does not merge them.
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return " ".join(text.split())


# -- splitting ---------------------------------------------------------------------------


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= c <= "\u0e7f" for c in text)


def _may_glue(spelling: str) -> bool:
    """Whether a name may follow this spelling with no space ("นายสมชาย", "น.ส.สมหญิง").

    Bare two-letter abbreviations ("ดร", "นส") and Latin words need a space: "ดรุณี" is a
    name, not "ดร" + "ุณี", and "Mrs" is not "Mr" + "s".
    """
    return spelling.endswith(".") or (_is_thai(spelling) and len(spelling) >= 3)


def _starts_a_word(text: str) -> bool:
    """False if ``text`` begins with a Thai vowel or mark that cannot start a syllable."""
    first = text[0]
    return not (unicodedata.category(first) == "Mn" or first in "ะาำๅๆฯ")


def _match(text: str, spelling: str) -> str | None:
    """The rest of ``text`` after ``spelling``, or None if ``spelling`` is not its title."""
    if not text.casefold().startswith(spelling.casefold()):
        return None
    rest = text[len(spelling) :]
    glued = bool(rest) and not rest[0].isspace()
    rest = rest.strip()
    if not rest or not _starts_a_word(rest) or (glued and not _may_glue(spelling)):
        return None
    return rest


# Longest first, so นางสาว wins over นาง and นาง over นา-anything.
_SPELLINGS: list[tuple[str, Title]] = sorted(
    ((s, t) for t in TITLES for s in t.spellings), key=lambda pair: -len(pair[0])
)

_WHOLE_TITLES = frozenset(s.casefold() for s, _title in _SPELLINGS)


def split_title(text: str) -> tuple[str, str]:
    """``"นายสมชาย ใจดี"`` → ``("นาย", "สมชาย ใจดี")``; no title → ``("", text)``.

    Text that is only a title, or a name that merely starts like one ("ดรุณี"), is left
    whole. A shorter title is tried when a longer one would cut a syllable:
    "นางสาวิตรี" is นาง + สาวิตรี, not นางสาว + "ิตรี".
    """
    text = normalise_thai_name(text)
    if text.casefold() in _WHOLE_TITLES:
        return "", text  # "นางสาว" alone is not นาง + สาว
    for spelling, title in _SPELLINGS:
        rest = _match(text, spelling)
        if rest is not None:
            return title.value, rest
    return "", text


def split_full_name(text: str) -> tuple[str, str, str]:
    """``"น.ส.สมหญิง รักไทย ดี"`` → ``("นางสาว", "สมหญิง", "รักไทย ดี")``."""
    title, rest = split_title(text)
    given, _, family = rest.partition(" ")
    return title, given, family


def title_label(value: str, language: str) -> str:
    """Label of a stored title; an unknown (legacy) value is shown as stored."""
    title = TITLES_BY_VALUE.get(value)
    return title.label(language) if title else value
