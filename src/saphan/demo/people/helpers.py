"""Small pure helpers of the demo-people generator: names, sort keys, ID numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache

from saphan.people import choices as c
from saphan.people.identity import DocumentType, national_id_check_digit
from saphan.people.search_text import search_text, thai_sort_key

# --- the generator ---------------------------------------------------------------------


def _clean_names(names: Iterable[str]) -> tuple[str, ...]:
    """Corpus names made of Thai letters only (no "ณ อยุธยา", no dots), sorted so that a
    seed gives the same people whatever the order of the corpus file."""
    return tuple(sorted({n for n in names if n and all("\u0e01" <= ch <= "\u0e4e" for ch in n)}))


@lru_cache(maxsize=1)
def _romanize_cached() -> Callable[[str], str]:
    from pythainlp.transliterate import romanize

    @lru_cache(maxsize=50_000)
    def latin(name: str) -> str:
        try:
            return str(romanize(name, engine="royin")).capitalize()
        except Exception:  # noqa: BLE001 - a rule-based romaniser refusing a rare name
            return ""

    return latin


@lru_cache(maxsize=200_000)
def _search_part(part: str) -> str:
    return search_text(part)


def _name_search(*parts: str) -> str:
    """``search_text(*parts)`` computed part by part with a cache: the text of a part does
    not depend on the others, and demo names repeat a lot."""
    return " ".join(t for t in (_search_part(p) for p in parts if p) if t)[:400]


_TONE_MARKS = "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c"  # what thai_sort_key moves to the end


@lru_cache(maxsize=200_000)
def _sort_part(part: str) -> tuple[str, str]:
    """thai_sort_key of one name split in its two halves: base letters, then tone marks."""
    key = thai_sort_key(part)
    base = key.rstrip(_TONE_MARKS)
    return base, key[len(base) :]


def _sort_key(given: str, family: str) -> str:
    """``thai_sort_key(f"{given} {family}")`` from cached halves: the key reorders letters
    only within a word and appends all tone marks in order, so it splits at the space."""
    g_base, g_tones = _sort_part(given)
    f_base, f_tones = _sort_part(family)
    return f"{g_base} {f_base}{g_tones}{f_tones}"[:200]


def _cutoff(years: int, today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _born_on_or_before(y: int, m: int | None, d: int | None, day: dt.date) -> bool:
    """saphan.people.groups.born_on_or_before, for one person in Python."""
    if y != day.year:
        return y < day.year
    if m is None or m < day.month:
        return True
    return m == day.month and (d is None or d <= day.day)


# Plain strings for the hot path (an enum member's .value is a property call).
MALE, FEMALE = c.Sex.MALE.value, c.Sex.FEMALE.value
HEAD, SPOUSE = c.Relationship.HEAD.value, c.Relationship.SPOUSE.value
CHILD, GRANDCHILD = c.Relationship.CHILD.value, c.Relationship.GRANDCHILD.value
PARENT, SIBLING = c.Relationship.PARENT.value, c.Relationship.SIBLING.value
OTHER_RELATIVE = c.Relationship.OTHER_RELATIVE.value
BUDDHISM, ISLAM = c.Religion.BUDDHISM.value, c.Religion.ISLAM.value
CHRISTIANITY = c.Religion.CHRISTIANITY.value
THAI_REGISTERED = c.CivilStatus.THAI_REGISTERED.value
THAI_UNREGISTERED = c.CivilStatus.THAI_UNREGISTERED.value
STATELESS = c.CivilStatus.STATELESS.value
NON_THAI_6_7 = c.CivilStatus.NON_THAI_6_7.value
MIGRANT_WITH_PERMIT = c.CivilStatus.MIGRANT_WITH_PERMIT.value
NO_STATUS = c.CivilStatus.NONE.value
ID_CARD_ISSUED = c.VerificationStage.ID_CARD_ISSUED.value
STAGES_STATELESS = tuple(s.value for s in c.VerificationStage)
STAGES_EARLY = tuple(
    s.value
    for s in (
        c.VerificationStage.NOT_STARTED,
        c.VerificationStage.DOCUMENTS,
        c.VerificationStage.WITNESSES,
        c.VerificationStage.DNA_TEST,
        c.VerificationStage.INTERVIEW,
        c.VerificationStage.AWAITING_DECISION,
    )
)
INFORMAL, EMPLOYED = c.WorkStatus.INFORMAL.value, c.WorkStatus.EMPLOYED.value
UNEMPLOYED, UNABLE = c.WorkStatus.UNEMPLOYED.value, c.WorkStatus.UNABLE.value
STUDENT, RETIRED = c.WorkStatus.STUDENT.value, c.WorkStatus.RETIRED.value
NO_INCOME, UNDER_3000 = c.IncomeBand.NONE.value, c.IncomeBand.UNDER_3000.value
FROM_3000, FROM_9000 = c.IncomeBand.FROM_3000.value, c.IncomeBand.FROM_9000.value
FROM_15000 = c.IncomeBand.FROM_15000.value
CONSENT, LEGAL = c.SensitiveBasis.CONSENT.value, c.SensitiveBasis.LEGAL.value
SELF, GUARDIAN = c.ConsentGiver.SELF.value, c.ConsentGiver.GUARDIAN.value
NATIONAL_ID = DocumentType.NATIONAL_ID.value
PASSPORT = DocumentType.PASSPORT.value
MIGRANT_CARD = DocumentType.MIGRANT_WORKER_CARD.value
G_OLDER, G_CHILD = c.PopulationGroup.OLDER_PERSON.value, c.PopulationGroup.CHILD.value
G_DISABILITY, G_HOMELESS = c.PopulationGroup.DISABILITY.value, c.PopulationGroup.HOMELESS.value
G_INFORMAL = c.PopulationGroup.INFORMAL_WORKER.value
G_STATUS = c.PopulationGroup.STATUS_ETHNIC_INDIGENOUS.value
G_MIGRANT, G_MUSLIM = c.PopulationGroup.MIGRANT_WORKER.value, c.PopulationGroup.THAI_MUSLIM.value
G_WOMEN, G_LGBTQ = c.PopulationGroup.WOMEN.value, c.PopulationGroup.LGBTQ.value
DERIVED, DECLARED = c.GroupSource.DERIVED.value, c.GroupSource.DECLARED.value
SURVEY, AGENCY = c.GroupSource.SURVEY.value, c.GroupSource.AGENCY.value
SEVERITIES = ("mild", "moderate", "moderate", "severe")
GENDERS_TRANS = ("trans_woman", "trans_man", "non_binary", "other")
#: Sensitive-data rule of the registry (services._validate): these need a basis.
ISAN = ("30", "31", "33", "34", "35", "41")
URBAN = frozenset({"11", "13", "83"})


class _Person:
    __slots__ = ("age", "family", "full_name", "guardian", "index", "pk", "rel", "sex")

    def __init__(self, sex: str, age: float | None, rel: str = "") -> None:
        self.sex = sex
        self.age = age
        self.rel = rel
        self.family = ""
        self.full_name = ""
        self.guardian = ""
        self.pk = 0
        self.index = 0


def _national_id(first: str, office: str, index: int) -> str:
    """``first`` + 4-digit registry office + 7-digit serial + check digit. The serial is a
    bijection of the demo index (affine, digits reversed, affine again: unique and not
    obviously sequential), so no two demo people share a number."""
    v = (index * 4_829_371 + 1_234_567) % 10_000_000
    v = (int(f"{v:07d}"[::-1]) * 3_137_777 + 271_828) % 10_000_000
    first12 = f"{first}{office}{v:07d}"
    return first12 + str(national_id_check_digit(first12))


def _zero_id(province: str, digits67: str, index: int) -> str:
    """0-PPRR-{89|00}SSS-SS-K (category 0): office and 5-digit serial from the index."""
    v = (index * 1_234_577 + 424_242) % 9_900_000
    first12 = f"0{province}{v // 100_000 + 1:02d}{digits67}{v % 100_000:05d}"
    return first12 + str(national_id_check_digit(first12))


def _pink_card(province: str, index: int) -> str:
    """Migrant worker cards carry a 13-digit number starting 00."""
    v = (index * 7_654_321 + 99_991) % 100_000_000
    first12 = f"00{province}{v:08d}"
    return first12 + str(national_id_check_digit(first12))


@lru_cache(maxsize=1)
def _services_identifier_index() -> Callable[[str, str], str]:
    from saphan.people.services import identifier_index

    return identifier_index


def _identifier_index(doc_type: str, number: str) -> str:
    return _services_identifier_index()(doc_type, number)
