"""Synthetic demo people at scale: realistic, invented, and loaded without the ORM.

Nothing here is real personal data. Names are drawn from pythainlp's bundled name lists
(and a few common Burmese, Khmer and Lao name elements), ID numbers are made up with a
valid check digit, and every other fact is sampled from rough shares per province.

Speed comes from three things:

* rows are generated in chunks (default 50,000 people), by worker processes (two on a
  2-core machine) when there is more than one chunk: generating a person in Python and
  encrypting its numbers (Fernet, via :func:`encrypt_text`, about 20 % of the time) is
  the costly part; the name-search text is cached per name;
* on PostgreSQL each chunk is written with ``COPY ... FROM STDIN`` (ids are reserved
  from the tables' sequences first, so that children can reference their person); on
  SQLite with ``executemany`` in one transaction per chunk (the FTS5 triggers fire);
* for a large load into a small table (at least :data:`BULK_REBUILD_MIN` people, and
  more than the table already holds) the secondary indexes and the foreign keys of the
  registry tables are dropped inside the load's transaction and rebuilt at the end: one
  sort per index beats a million incremental GIN and B-tree inserts. Everything happens
  in one transaction, so a failed load leaves the schema and the data as they were.
  Dropping a foreign key locks the table it references (users, organisations,
  geography) until the load commits: run a bulk load before serving, as
  ``saphan demo`` does.

Bulk loading writes no django-simple-history rows: the history of a demo person starts
at its first edit.

Demo people are recognised by their ``uid``: its first 32 bits are :data:`PERSON_MARK`,
the next 32 bits the person's demo index. Loading again therefore adds only the
missing number of people (``demo_people_load(5000)`` twice leaves 5,000).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from saphan.core.crypto import blind_index, encrypt_text
from saphan.people import choices as c
from saphan.people.identity import DocumentType, national_id_check_digit
from saphan.people.search_text import search_text, thai_sort_key

#: First 32 bits of every demo person's uid (and of every demo household's).
PERSON_MARK = 0x5A9A_DE30
HOUSEHOLD_MARK = 0x5A9A_DE31
#: People per chunk: one progress line, one transaction on SQLite, one set of COPYs.
CHUNK_SIZE = 50_000
#: Indexes are dropped and rebuilt only for loads at least this large.
BULK_REBUILD_MIN = 100_000
#: The 13-digit ID serials are a bijection of the demo index: unique below this many.
MAX_DEMO_PEOPLE = 9_900_000
DEFAULT_SEED = 2569

PERSON_TABLE = "people_person"
HOUSEHOLD_TABLE = "people_household"
IDENTIFIER_TABLE = "people_personidentifier"
GROUP_TABLE = "people_persongroup"
DISABILITY_TABLE = "people_disability"
CONSENT_TABLE = "people_consent"
MEMBER_TABLE = "people_householdmember"

#: The columns each generated row carries, in order. Model columns missing here are
#: filled with the field's default (see ``_columns``); ``id`` of the child tables comes
#: from the column default (the sequence).
COLUMNS: dict[str, tuple[str, ...]] = {
    PERSON_TABLE: (
        "id",
        "uid",
        "title",
        "given_name",
        "family_name",
        "given_name_latin",
        "family_name_latin",
        "nickname",
        "name_search",
        "name_sort",
        "sex",
        "birth_year",
        "birth_month",
        "birth_day",
        "phone",
        "phone_index",
        "registered_subdistrict_id",
        "registered_address",
        "current_subdistrict_id",
        "current_address",
        "no_fixed_address",
        "last_seen_place",
        "province_id",
        "district_id",
        "work_status",
        "income_band",
        "dependants_under_18",
        "chronic_illness",
        "chronic_illness_note",
        "bedridden",
        "civil_status",
        "verification_stage",
        "religion",
        "ethnicity",
        "gender_identity",
        "disability_card_number",
        "disability_card_index",
        "disability_card_expiry",
        "legal_basis",
        "legal_basis_note",
        "sensitive_basis",
        "organisation_id",
        "created_by_id",
        "created_at",
        "updated_at",
    ),
    HOUSEHOLD_TABLE: (
        "id",
        "uid",
        "province_id",
        "subdistrict_id",
        "address",
        "organisation_id",
        "created_at",
    ),
    IDENTIFIER_TABLE: (
        "person_id",
        "doc_type",
        "number",
        "number_index",
        "last4",
        "issuing_country",
        "valid_from",
        "valid_to",
        "is_current",
        "note",
        "created_at",
    ),
    GROUP_TABLE: ("person_id", "group", "source", "recorded_on", "recorded_by_id", "note"),
    DISABILITY_TABLE: ("person_id", "disability_type", "severity", "recorded_on"),
    CONSENT_TABLE: (
        "person_id",
        "purpose",
        "covers_basic",
        "covers_sensitive",
        "covers_sharing",
        "given_by",
        "guardian_name",
        "guardian_relationship",
        "given_on",
        "withdrawn_on",
        "evidence",
        "recorded_by_id",
        "organisation_id",
        "created_at",
    ),
    MEMBER_TABLE: ("household_id", "person_id", "relationship", "since", "until"),
}
TABLES = tuple(COLUMNS)

# --- shares -----------------------------------------------------------------------------

#: Rough registered population (thousands): where the registry's people live.
PROVINCE_WEIGHTS: dict[str, int] = {
    "30": 2630,  # Nakhon Ratchasima
    "34": 1870,  # Ubon Ratchathani
    "41": 1580,  # Udon Thani
    "31": 1580,  # Buri Ram
    "33": 1470,  # Si Sa Ket
    "11": 1150,  # Samut Prakan
    "13": 1050,  # Pathum Thani
    "65": 850,  # Phitsanulok
    "16": 750,  # Lop Buri
    "52": 730,  # Lampang
    "94": 720,  # Pattani
    "95": 540,  # Yala
    "35": 540,  # Yasothon
    "66": 530,  # Phichit
    "55": 480,  # Nan
    "76": 480,  # Phetchaburi
    "81": 480,  # Krabi
    "54": 440,  # Phrae
    "83": 420,  # Phuket
    "49": 350,  # Mukdahan
    "18": 320,  # Chai Nat
    "15": 270,  # Ang Thong
    "82": 270,  # Phangnga
    "23": 230,  # Trat
    "85": 190,  # Ranong
}
#: Share of Muslim (Thai) households.
MUSLIM_SHARE = {"94": 0.86, "95": 0.78, "81": 0.36, "82": 0.28, "83": 0.12, "85": 0.06}
MUSLIM_SHARE_OTHER = 0.006
MUSLIM_SHARE_CENTRAL = {"11": 0.05, "13": 0.05}
#: Share of migrant-worker units (single workers and families).
MIGRANT_SHARE = {
    "11": 0.13,
    "13": 0.13,
    "85": 0.24,
    "83": 0.14,
    "82": 0.07,
    "23": 0.06,
    "81": 0.05,
    "76": 0.04,
    "49": 0.03,
}
MIGRANT_SHARE_OTHER = 0.006
#: Share of households of ethnic groups, indigenous peoples or people with status problems.
ETHNIC_SHARE = {
    "55": 0.13,
    "85": 0.12,
    "52": 0.06,
    "54": 0.06,
    "82": 0.04,
    "83": 0.02,
    "81": 0.02,
    "33": 0.02,
    "31": 0.01,
}
ETHNIC_SHARE_OTHER = 0.003
ETHNIC_GROUPS: dict[str, tuple[str, ...]] = {
    "55": ("ม้ง", "เมี่ยน", "ลัวะ", "ขมุ", "มลาบรี", "ไทลื้อ"),
    "52": ("กะเหรี่ยง", "ม้ง", "เมี่ยน", "ลีซู", "อาข่า"),
    "54": ("ม้ง", "เมี่ยน", "มลาบรี", "ขมุ"),
    "85": ("ไทยพลัดถิ่น", "ไทยพลัดถิ่น", "มอแกน", "มอญ"),
    "82": ("มอแกน", "มอแกลน"),
    "83": ("อูรักลาโว้ย", "มอแกน"),
    "81": ("อูรักลาโว้ย",),
    "33": ("กูย", "เขมร"),
    "31": ("เขมร", "กูย"),
}
ETHNIC_GROUPS_OTHER = ("ไทยพลัดถิ่น", "กะเหรี่ยง", "มอญ")
#: Clan names used as family names by Hmong, Mien and Lisu people.
CLAN_NAMES = ("แซ่ย่าง", "แซ่ลี", "แซ่ว่าง", "แซ่โซ้ง", "แซ่จ๋าว", "แซ่ท้าว", "แซ่หาง", "แซ่เติ๋น")
CLAN_GROUPS = frozenset({"ม้ง", "เมี่ยน", "ลีซู"})
#: Migrant origin per province (Myanmar, Cambodia, Laos).
MIGRANT_ORIGIN = {"23": "KH", "49": "LA", "85": "MM", "83": "MM", "82": "MM", "81": "MM"}

# Burmese, Khmer and Lao name elements (Thai script, Latin): common words, nobody's name.
BURMESE_PARTS = (
    ("อ่อง", "Aung"),
    ("จ่อ", "Kyaw"),
    ("มิน", "Min"),
    ("ซอ", "Saw"),
    ("หม่อง", "Maung"),
    ("ทุน", "Tun"),
    ("วิน", "Win"),
    ("โซ", "Soe"),
    ("เต็ง", "Thein"),
    ("ละ", "Hla"),
    ("ขิ่น", "Khin"),
    ("ซู", "Su"),
    ("เอ", "Aye"),
    ("ทิดา", "Thida"),
    ("นันดา", "Nanda"),
    ("ซาน", "San"),
    ("เมียว", "Myo"),
    ("ตาน", "Than"),
    ("นเว", "Nwe"),
    ("มู", "Moe"),
)
KHMER_GIVEN = (
    ("สุขา", "Sokha"),
    ("ดารา", "Dara"),
    ("โสภา", "Sophea"),
    ("จันทู", "Chanthou"),
    ("วรรณา", "Vanna"),
    ("ฤทธี", "Rithy"),
    ("โสวรรณ", "Sovann"),
    ("โกศล", "Kosal"),
    ("สรีย์", "Srey"),
    ("เพียบ", "Pheap"),
)
KHMER_FAMILY = (
    ("จันทร์", "Chan"),
    ("ซก", "Sok"),
    ("เฮง", "Heng"),
    ("คิม", "Kim"),
    ("เมียะ", "Meas"),
    ("อุก", "Ouk"),
    ("เจีย", "Chea"),
    ("ลอง", "Long"),
)
LAO_GIVEN = (
    ("สมพอน", "Somphone"),
    ("คำหล้า", "Khamla"),
    ("บุญมี", "Bounmy"),
    ("วิไล", "Vilay"),
    ("สุขสะหวัน", "Souksavanh"),
    ("พอนสะหวัน", "Phonesavanh"),
    ("แก้ว", "Keo"),
    ("คำแพง", "Khamphaeng"),
)
LAO_FAMILY = (
    ("พมมะจัน", "Phommachanh"),
    ("ศรีสะหวาด", "Sisavath"),
    ("วงศา", "Vongsa"),
    ("แก้วมณี", "Keomany"),
    ("อินทะวง", "Inthavong"),
    ("จันทะวง", "Chanthavong"),
)
COUNTRY = {"MM": "เมียนมา", "KH": "กัมพูชา", "LA": "ลาว"}
PASSPORT_PREFIX = {"MM": "MC", "KH": "N0", "LA": "PA"}
ORIGIN_ETHNICITY = {
    "MM": ("เมียนมา", "เมียนมา", "ไทใหญ่", "มอญ", "กะเหรี่ยง"),
    "KH": ("กัมพูชา",),
    "LA": ("ลาว",),
}

NICKNAMES = (
    "แดง", "ดำ", "น้อย", "ต้น", "เล็ก", "ปุ๊ก", "หนึ่ง", "นิด", "อ้อ", "บี", "ตุ๊ก", "โอ๋",
    "แอน", "ปู", "กุ้ง", "มด", "ไก่", "หมู", "ต่าย", "ป้อม", "เอ", "นก", "เก่ง", "บอย",
    "ออย", "ปลา", "ฝน", "ฟ้า", "น้ำ", "แนน", "เบียร์", "ต้อม", "ยุ้ย", "ติ๊ก", "จ๋า", "หน่อย",
    "แป้ง", "มิ้นท์", "เปิ้ล", "ส้ม", "โจ้", "เจ", "อาร์ม", "ตั้ม", "กอล์ฟ", "บอล", "ภูมิ",
    "ข้าวหอม", "ใบเตย", "น้ำฝน", "ทองดี", "บุญ", "คำ", "สิงห์", "เสือ",
)  # fmt: skip
VILLAGE_FIRST = (
    "หนอง", "โนน", "ดอน", "นา", "ห้วย", "ทุ่ง", "โคก", "ป่า", "บึง", "สระ", "ท่า", "วัง",
    "หัว", "ดง", "ม่วง", "แม่", "ปาก", "บาง", "คลอง", "เขา",
)  # fmt: skip
VILLAGE_SECOND = (
    "ใหญ่", "น้อย", "คำ", "แดง", "บัว", "ยาง", "ไผ่", "จาน", "แก", "ขาม", "สะแก", "หว้า",
    "ทอง", "เหนือ", "ใต้", "กลาง", "ใหม่", "เก่า", "งาม", "ตะเคียน", "โพธิ์", "มะม่วง",
    "ปลาดุก", "เจริญ", "สำราญ", "ศรี", "ทราย", "หิน",
)  # fmt: skip
LAST_SEEN = (
    "ใต้สะพานข้ามแม่น้ำ",
    "สถานีขนส่งผู้โดยสาร",
    "ตลาดสดเทศบาล",
    "ศาลาริมทาง",
    "หน้าห้างสรรพสินค้า",
    "สวนสาธารณะกลางเมือง",
    "ลานวัด",
    "สถานีรถไฟ",
    "ริมหาดสาธารณะ",
    "ใต้ทางด่วน",
)
ILLNESSES = (
    "เบาหวาน",
    "ความดันโลหิตสูง",
    "เบาหวานและความดันโลหิตสูง",
    "โรคหัวใจ",
    "โรคไตเรื้อรัง",
    "โรคปอดอุดกั้นเรื้อรัง",
    "โรคหลอดเลือดสมอง",
    "ข้อเข่าเสื่อม",
    "โรคหืด",
    "เอชไอวี",
)
CONSENT_PURPOSES = (
    "ลงทะเบียนรับความช่วยเหลือเบื้องต้นและติดตามสิทธิ",
    "สำรวจข้อมูลกลุ่มประชากรเฉพาะและประสานหน่วยงานช่วยเหลือ",
    "ติดตามเฝ้าระวังและจัดการรายกรณี",
)
LEGAL_BASES = (
    (
        c.LegalBasis.SOCIAL_WELFARE.value,
        "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด ตาม พ.ร.บ. การจัดสวัสดิการสังคม พ.ศ. 2546",
    ),
    (c.LegalBasis.VITAL_INTEREST.value, "โรงพยาบาลส่งเสริมสุขภาพตำบล กรณีฉุกเฉินด้านสุขภาพ"),
    (
        c.LegalBasis.PUBLIC_HEALTH.value,
        "สำนักงานสาธารณสุขจังหวัด ตาม พ.ร.บ. การสาธารณสุข พ.ศ. 2535",
    ),
)
DISABILITY_WEIGHTS = (
    (c.DisabilityType.MOVEMENT.value, 48),
    (c.DisabilityType.HEARING.value, 19),
    (c.DisabilityType.SEEING.value, 10),
    (c.DisabilityType.INTELLECTUAL.value, 10),
    (c.DisabilityType.MENTAL.value, 8),
    (c.DisabilityType.AUTISM.value, 3),
    (c.DisabilityType.LEARNING.value, 2),
)

_G = c.PopulationGroup
_DERIVED = c.GroupSource.DERIVED.value
_DECLARED = c.GroupSource.DECLARED.value
_SURVEY = c.GroupSource.SURVEY.value
_AGENCY = c.GroupSource.AGENCY.value
_NATIONAL_ID = DocumentType.NATIONAL_ID.value
_PHONE_PURPOSE = "phone"  # saphan.people.services.PHONE_PURPOSE (checked by the tests)
_CARD_PURPOSE = "disability_card"  # saphan.people.services.DISABILITY_CARD_PURPOSE


# --- context shared with the worker processes --------------------------------------------


@dataclass(frozen=True)
class ProvinceInfo:
    code: str
    name_th: str
    organisation_id: int
    #: (subdistrict code, district code) of every subdistrict of the province.
    subdistricts: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Context:
    """Everything a worker needs to generate rows, picklable."""

    today: dt.date
    now: dt.datetime  # aware, UTC: rows are registered up to two years before this
    vendor: str
    seed: int
    provinces: tuple[ProvinceInfo, ...]
    male_names: tuple[str, ...]
    female_names: tuple[str, ...]
    family_names: tuple[str, ...]
    #: Per table: values appended to every row for model columns the loader does not set.
    extras: dict[str, tuple[Any, ...]]
    field_keys: tuple[str, ...]
    blind_index_key: str


@dataclass(frozen=True)
class ChunkTask:
    number: int
    first_index: int  # demo index of the first person
    count: int
    person_ids: tuple[int, ...]
    household_ids: tuple[int, ...]  # at most count // 2 are used
    as_copy: bool  # COPY text (PostgreSQL) or row tuples (SQLite)


@dataclass
class ChunkData:
    number: int
    rows: dict[str, list[tuple[Any, ...]]]
    copy: dict[str, bytes]
    counts: dict[str, int]
    generate_seconds: float


@dataclass
class LoadResult:
    requested: int
    existing: int
    added: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    rebuild_seconds: float = 0.0
    analyze_seconds: float = 0.0
    rebuilt_indexes: bool = False
    workers: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


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


class _Generator:
    """Generates one chunk. People come in units: a person living alone (or homeless), or
    a household of 2–6 sharing an address, a family name and a religion."""

    def __init__(self, ctx: Context, task: ChunkTask) -> None:
        self.ctx = ctx
        self.task = task
        self.rng = rng = random.Random(f"saphan-demo:{ctx.seed}:{task.first_index}")
        self.rand = rng.random
        self.choice = rng.choice
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
        self.persons = self.rows[PERSON_TABLE]
        self.households = self.rows[HOUSEHOLD_TABLE]
        self.identifiers = self.rows[IDENTIFIER_TABLE]
        self.groups = self.rows[GROUP_TABLE]
        self.disabilities = self.rows[DISABILITY_TABLE]
        self.consents = self.rows[CONSENT_TABLE]
        self.members = self.rows[MEMBER_TABLE]
        today = ctx.today
        self.today = today
        self.older_cutoff = _cutoff(c.OLDER_PERSON_AGE, today)
        self.adult_cutoff = _cutoff(c.ADULT_AGE, today)
        # ISO dates n days before and after today, drawn by index (much cheaper than
        # date arithmetic per row).
        self.past = [(today - dt.timedelta(days=n)).isoformat() for n in range(3651)]
        self.future = [(today + dt.timedelta(days=n)).isoformat() for n in range(3001)]
        self.province_cum = list(
            itertools.accumulate(PROVINCE_WEIGHTS.get(p.code, 300) for p in ctx.provinces)
        )
        by_code = {p.code: p for p in ctx.provinces}
        self.isan = [by_code[code] for code in ISAN if code in by_code]
        self.next_person = 0
        self.next_household = 0
        self.villages: dict[str, list[str]] = {}
        self.latin = _romanize_cached()
        self.sqlite = ctx.vendor == "sqlite"
        # created_at of the rows registered n days ago, formatted for the database.
        utc = ctx.now.astimezone(dt.UTC)
        self.stamps = [
            str((utc - dt.timedelta(days=n)).replace(tzinfo=None))
            if self.sqlite
            else str(utc - dt.timedelta(days=n))
            for n in range(731)
        ]
        self.stamp = self.stamps[0]

    # -- small helpers ---------------------------------------------------------------

    def uid(self, mark: int, middle: int) -> str:
        x = (mark << 96) | (middle << 64) | self.rng.getrandbits(64)
        h = f"{x:032x}"
        return h if self.sqlite else f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def days_ago(self, low: int, high: int) -> int:
        return low + int(self.rand() * (high - low + 1))

    def province(self) -> ProvinceInfo:
        x = self.rand() * self.province_cum[-1]
        return self.ctx.provinces[bisect.bisect_right(self.province_cum, x)]

    def address(self, subdistrict: str, urban: bool) -> str:
        names = self.villages.get(subdistrict)
        if names is None:
            local = random.Random(f"village:{subdistrict}")
            names = [
                local.choice(VILLAGE_FIRST) + local.choice(VILLAGE_SECOND)
                for _ in range(local.randint(6, 20))
            ]
            self.villages[subdistrict] = names
        moo = int(self.rand() * len(names))
        house = 1 + int(self.rand() * 250)
        if urban and self.rand() < 0.5:
            return f"{house}/{1 + int(self.rand() * 99)} หมู่ {moo + 1}"
        return f"{house} หมู่ {moo + 1} บ้าน{names[moo]}"

    def pick(self, *options: tuple[str, float]) -> str:
        """One of the values by weight; "" with the remaining probability."""
        x = self.rand()
        for value, weight in options:
            x -= weight
            if x < 0:
                return value
        return ""

    # -- units -----------------------------------------------------------------------------

    def run(self) -> dict[str, list[tuple[Any, ...]]]:
        count = self.task.count
        while self.next_person < count:
            self.unit(count - self.next_person)
        extras = self.ctx.extras
        for table, extra in extras.items():
            if extra:
                self.rows[table] = [row + extra for row in self.rows[table]]
        return self.rows

    def unit(self, remaining: int) -> None:
        rand, choice, uniform = self.rand, self.choice, self.rng.uniform
        prov = self.province()
        code = prov.code
        migrant = rand() < MIGRANT_SHARE.get(code, MIGRANT_SHARE_OTHER)
        ethnic = ""
        if not migrant and rand() < ETHNIC_SHARE.get(code, ETHNIC_SHARE_OTHER):
            ethnic = choice(ETHNIC_GROUPS.get(code, ETHNIC_GROUPS_OTHER))
        homeless = False
        r = rand()
        if migrant:
            if r < 0.55:  # single workers, mostly men
                members = [_Person(MALE if rand() < 0.65 else FEMALE, uniform(18, 45))]
            else:
                head = _Person(MALE, uniform(20, 45), HEAD)
                members = [head, _Person(FEMALE, max(18.0, uniform(18, 45)), SPOUSE)]
                for _ in range(choice((0, 1, 1, 2))):
                    members.append(_Person(choice((MALE, FEMALE)), uniform(0, 12), CHILD))
        elif r < 0.04:
            # Homeless people: mostly men, some with no known age.
            homeless = True
            age = None if rand() < 0.25 else uniform(20, 80)
            members = [_Person(MALE if rand() < 0.8 else FEMALE, age)]
        elif r < 0.62:
            members = [self.single()]
        else:
            members = self.household()
        if len(members) > remaining:
            members = members[:remaining]
        if len(members) == 1:
            members[0].rel = ""
        self.emit(prov, members, migrant, ethnic, homeless)

    def single(self) -> _Person:
        """A person registered alone: an older person, a young person, an adult."""
        rand, uniform = self.rand, self.rng.uniform
        r = rand()
        if r < 0.30:
            age = uniform(60, 96)
        elif r < 0.36:
            age = uniform(15, 18)
        else:
            age = uniform(18, 60)
        return _Person(FEMALE if rand() < 0.55 else MALE, age)

    def household(self) -> list[_Person]:
        rand, choice, uniform = self.rand, self.choice, self.rng.uniform
        sexes = (MALE, FEMALE)
        r = rand()
        if r < 0.32:  # a couple and their children
            head = _Person(MALE if rand() < 0.75 else FEMALE, uniform(24, 58), HEAD)
            spouse = _Person(FEMALE if head.sex == MALE else MALE, 0.0, SPOUSE)
            spouse.age = max(18.0, (head.age or 30) + uniform(-6, 4))
            members = [head, spouse]
            young = min(head.age or 30, spouse.age) - 18
            for _ in range(choice((0, 1, 1, 1, 2, 2, 3))):
                members.append(_Person(choice(sexes), uniform(0, max(min(young, 28), 0.5)), CHILD))
        elif r < 0.48:  # three generations
            head = _Person(MALE if rand() < 0.6 else FEMALE, uniform(48, 80), HEAD)
            members = [head]
            if rand() < 0.7:
                age = (head.age or 60) + uniform(-6, 3)
                members.append(_Person(FEMALE if head.sex == MALE else MALE, age, SPOUSE))
            adult = _Person(choice(sexes), uniform(20, (head.age or 60) - 20), CHILD)
            members.append(adult)
            for _ in range(choice((1, 1, 2, 3))):
                age = uniform(0, max((adult.age or 20) - 17, 0.5))
                members.append(_Person(choice(sexes), age, GRANDCHILD))
        elif r < 0.62:  # older people raising grandchildren: no working-age adult
            head = _Person(FEMALE if rand() < 0.65 else MALE, uniform(60, 86), HEAD)
            members = [head]
            if rand() < 0.45:
                members.append(
                    _Person(MALE if head.sex == FEMALE else FEMALE, uniform(60, 88), SPOUSE)
                )
            for _ in range(choice((1, 1, 2, 2, 3))):
                members.append(_Person(choice(sexes), uniform(2, 17.9), GRANDCHILD))
        elif r < 0.80:  # an adult child caring for old parents
            head = _Person(choice(sexes), uniform(30, 58), HEAD)
            members = [head]
            if rand() < 0.5:
                age = (head.age or 40) + uniform(-5, 5)
                members.append(_Person(FEMALE if head.sex == MALE else MALE, age, SPOUSE))
            for _ in range(choice((1, 1, 2))):
                age = (head.age or 40) + uniform(20, 35)
                members.append(_Person(choice((MALE, FEMALE, FEMALE)), age, PARENT))
        elif r < 0.92:  # a single parent
            head = _Person(FEMALE if rand() < 0.85 else MALE, uniform(20, 52), HEAD)
            members = [head]
            for _ in range(choice((1, 1, 2, 3))):
                age = uniform(0, max((head.age or 30) - 17, 0.5))
                members.append(_Person(choice(sexes), age, CHILD))
        else:  # siblings and other relatives
            head = _Person(choice(sexes), uniform(25, 85), HEAD)
            age = (head.age or 50) + uniform(-10, 10)
            members = [head, _Person(choice(sexes), max(age, 18.0), SIBLING)]
            if rand() < 0.3:
                members.append(_Person(choice(sexes), uniform(5, 70), OTHER_RELATIVE))
        return members[:6]

    def emit(
        self,
        prov: ProvinceInfo,
        members: list[_Person],
        migrant: bool,
        ethnic: str,
        homeless: bool,
    ) -> None:
        """Household-level facts, then each member's rows."""
        rand, choice = self.rand, self.choice
        code = prov.code
        urban = code in URBAN
        sub, district = choice(prov.subdistricts)
        origin = ""
        if migrant:
            origin = MIGRANT_ORIGIN.get(code) or choice(("MM", "MM", "MM", "MM", "KH", "LA"))
            religion = ISLAM if rand() < 0.04 else BUDDHISM
        elif ethnic:
            r = rand()
            religion = BUDDHISM if r < 0.55 else (CHRISTIANITY if r < 0.85 else "other")
        else:
            share = MUSLIM_SHARE.get(code) or MUSLIM_SHARE_CENTRAL.get(code, MUSLIM_SHARE_OTHER)
            religion = ISLAM if rand() < share else BUDDHISM
            if religion == BUDDHISM and rand() < 0.01:
                religion = choice((CHRISTIANITY, "none"))
        if ethnic in CLAN_GROUPS and rand() < 0.7:
            family = choice(CLAN_NAMES)
        else:
            family = choice(self.ctx.family_names)
        # Registered (house-registration) address: none for migrants and some ethnic
        # people; in Isan for many people living in the cities around Bangkok and Phuket.
        registered: str | None = sub
        registered_district = district
        if migrant or (ethnic and rand() < 0.3):
            registered, registered_district = None, ""
        elif urban and rand() < 0.35 and self.isan:
            registered, registered_district = choice(choice(self.isan).subdistricts)
        address = self.address(sub, urban)
        if registered is None:
            registered_address = ""
        elif registered == sub:
            registered_address = address
        else:
            registered_address = self.address(registered, False)
        created_days = self.days_ago(0, 730)
        created = self.past[created_days]
        household = 0
        if len(members) > 1:
            household = self.task.household_ids[self.next_household]
            self.next_household += 1
            self.households.append(
                (
                    household,
                    self.uid(HOUSEHOLD_MARK, self.task.first_index & 0xFFFF_FFFF),
                    code,
                    sub,
                    address,
                    prov.organisation_id,
                    self.stamps[created_days],
                )
            )
        under18 = sum(1 for p in members if p.age is not None and p.age < 18)
        for p in members:
            p.index = self.task.first_index + self.next_person
            p.pk = self.task.person_ids[self.next_person]
            self.next_person += 1
        head = members[0]
        for p in members:
            rel = p.rel
            if (
                (rel == SPOUSE and rand() < 0.35)
                or (rel == GRANDCHILD and rand() < 0.5)
                or (rel in (PARENT, OTHER_RELATIVE) and rand() < 0.6)
            ):
                p.family = choice(self.ctx.family_names)
            else:
                p.family = family
            if homeless:
                keep = rand() < 0.5
                self.person(
                    p, prov, None, registered_district if keep else "",
                    registered if keep else None, "", "",
                    religion, origin, ethnic, True, created_days, None, head,
                )  # fmt: skip
            else:
                # Children cared for: counted for the head and spouse; 0 for adults alone.
                if rel in (HEAD, SPOUSE):
                    dependants: int | None = under18
                else:
                    dependants = 0 if rel == "" and (p.age or 0) >= 18 else None
                self.person(
                    p, prov, sub, district, registered, registered_address, address,
                    religion, origin, ethnic, False, created_days, dependants, head,
                )  # fmt: skip
            if household:
                self.members.append((household, p.pk, rel, created, None))

    # -- one person ------------------------------------------------------------------------

    def birth(self, age: float | None) -> tuple[int | None, int | None, int | None]:
        """A (possibly partial) birth date: older people more often know only the year."""
        if age is None:
            return None, None, None
        born = self.today - dt.timedelta(days=int(age * 365.2425))
        r = self.rand()
        year_only = 0.3 if age >= 70 else 0.12
        if r < year_only:
            return born.year, None, None
        if r < year_only + 0.05:
            return born.year, born.month, None
        return born.year, born.month, born.day

    def person(
        self,
        p: _Person,
        prov: ProvinceInfo,
        sub: str | None,
        district: str,
        registered: str | None,
        registered_address: str,
        address: str,
        religion: str,
        origin: str,
        ethnic: str,
        homeless: bool,
        created_days: int,
        dependants: int | None,
        head: _Person,
    ) -> None:
        rand, choice = self.rand, self.choice
        ctx = self.ctx
        pk = p.pk
        age = p.age
        female = p.sex == FEMALE
        code = prov.code
        org = prov.organisation_id
        created = self.past[created_days]
        self.stamp = now = self.stamps[created_days]

        # Names.
        family = p.family
        given_latin = family_latin = nickname = ""
        if origin == "MM":
            parts = self.rng.sample(BURMESE_PARTS, choice((1, 2, 2, 3)))
            given = " ".join([t for t, _ in parts])
            family = ""
            if rand() < 0.7:
                given_latin = " ".join([e for _, e in parts])
        elif origin:
            givens, families = (
                (KHMER_GIVEN, KHMER_FAMILY) if origin == "KH" else (LAO_GIVEN, LAO_FAMILY)
            )
            given, latin = choice(givens)
            family, family_latin_name = choice(families)
            if rand() < 0.7:
                given_latin, family_latin = latin, family_latin_name
        else:
            given = choice(ctx.female_names if female else ctx.male_names)
            if rand() < 0.01:
                given_latin = self.latin(given)
                family_latin = self.latin(family) if given_latin else ""
            if rand() < 0.35:
                nickname = choice(NICKNAMES)

        # Birth, title, derived groups (exactly as saphan.people.groups computes them).
        year, month, day = self.birth(age)
        adult = age is None or age >= 18
        # The title follows the recorded age, counted from the earliest possible birthday
        # (PartialDate.age_on), which is what the registry shows.
        today = self.today
        shown_age = (
            None
            if year is None
            else today.year - year - ((today.month, today.day) < (month or 1, day or 1))
        )
        if shown_age is not None and shown_age < 15:
            title = "เด็กหญิง" if female else "เด็กชาย"
        elif not female:
            title = "นาย"
        elif p.rel == SPOUSE or (p is head and p.rel == HEAD and (age or 40) >= 30):
            title = "นาง"
        else:
            title = "นาง" if (age or 40) >= 35 and rand() < 0.7 else "นางสาว"
        p.full_name = f"{title}{given} {family}".rstrip()
        if p.rel == HEAD:
            head.guardian = p.full_name
        older = year is not None and _born_on_or_before(year, month, day, self.older_cutoff)
        child = year is not None and not _born_on_or_before(year, month, day, self.adult_cutoff)

        # Consent (PDPA): most people consent, most of them to sensitive data too.
        sensitive_consent = False
        if rand() < 0.92:
            guardian = age is not None and age <= 10
            giver, guardian_name, guardian_relationship = SELF, "", ""
            if guardian:
                giver = GUARDIAN
                guardian_name = head.guardian if head is not p else ""
                if not guardian_name:
                    guardian_name = f"นาง{choice(ctx.female_names)} {family}".rstrip()
                if p.rel == GRANDCHILD:
                    guardian_relationship = "ยาย" if head.sex == FEMALE else "ตา"
                else:
                    guardian_relationship = "มารดา" if head.sex == FEMALE or head is p else "บิดา"
            covers_sensitive = rand() < 0.88
            withdrawn: str | None = None
            if rand() < 0.02 and created_days > 1:
                withdrawn = self.past[self.days_ago(0, created_days - 1)]
            if rand() < 0.04:  # an earlier, basic-only consent
                earlier = self.past[min(created_days + self.days_ago(30, 400), 3650)]
                self.consents.append(
                    (pk, CONSENT_PURPOSES[1], True, False, False, giver, guardian_name,
                     guardian_relationship, earlier, None, "", None, org, now)
                )  # fmt: skip
            self.consents.append(
                (pk, choice(CONSENT_PURPOSES), True, covers_sensitive, rand() < 0.35, giver,
                 guardian_name, guardian_relationship, created, withdrawn, "", None, org, now)
            )  # fmt: skip
            sensitive_consent = covers_sensitive and withdrawn is None
        legal_basis = legal_note = ""
        if not sensitive_consent and rand() < (0.5 if homeless or older else 0.25):
            legal_basis, legal_note = choice(LEGAL_BASES)
        basis = CONSENT if sensitive_consent else (LEGAL if legal_basis else "")

        # Civil status and documents (numbers are encrypted; status itself is sensitive).
        status, stage = self.civil_status(origin, ethnic, age)
        office = district or f"{code}01"
        national = ""
        if status == THAI_REGISTERED:
            if rand() < (0.55 if homeless else 0.93):
                first = "1" if (year or 1980) >= 1984 else "3"
                if rand() < 0.015:
                    first = choice("2458")
                national = _national_id(first, office, p.index)
        elif status == STATELESS:
            if rand() < 0.9:
                national = _zero_id(code, "89", p.index)
                if stage == ID_CARD_ISSUED:
                    # Nationality granted: the 0-number is history, a new number is current.
                    self.identifier(pk, NATIONAL_ID, national, valid_to=created, current=False)
                    national = _national_id("8", office, p.index)
                    status = THAI_REGISTERED
        elif status == THAI_UNREGISTERED:
            if rand() < 0.5:
                national = _zero_id(code, "00", p.index)
        elif status == NON_THAI_6_7:
            first = "7" if age is not None and age < 25 and rand() < 0.7 else "6"
            national = _national_id(first, office, p.index)
        elif status == MIGRANT_WITH_PERMIT:
            until = self.future[self.days_ago(60, 900)]
            self.identifier(pk, MIGRANT_CARD, _pink_card(code, p.index), valid_to=until)
            if rand() < 0.6:
                serial = (p.index * 7_654_321 + 55_555) % 10_000_000
                until = self.future[self.days_ago(90, 3000)]
                number = f"{PASSPORT_PREFIX[origin]}{serial:07d}"
                self.identifier(pk, PASSPORT, number, valid_to=until, country=COUNTRY[origin])
        if national:
            self.identifier(pk, NATIONAL_ID, national)

        # Work and income (not sensitive data).
        work, income = self.work(age, origin, homeless)
        phone = phone_index = ""
        if (age is None or age >= 12) and rand() < (0.25 if homeless else 0.72):
            number = f"0{choice('689')}{int(rand() * 100_000_000):08d}"
            phone = encrypt_text(number)
            phone_index = blind_index(number, purpose=_PHONE_PURPOSE)

        # Sensitive data (PDPA s.26): only where consent or a legal basis allows it.
        lgbtq = age is not None and age >= 15 and rand() < 0.035
        chronic: bool | None = None
        bedridden: bool | None = None
        chronic_note = ethnicity = gender = card = card_index = ""
        card_expiry: str | None = None
        disabilities: list[str] = []
        if basis:
            if rand() < (0.17 if older else (0.07 if adult else 0.04)):
                first_type = self.disability_type()
                severity = choice(SEVERITIES)
                self.disabilities.append((pk, first_type, severity, created))
                disabilities.append(first_type)
                if rand() < 0.1:
                    second = self.disability_type()
                    if second != first_type:
                        self.disabilities.append((pk, second, choice(SEVERITIES), created))
                if national and rand() < 0.7:
                    # The disability card carries the personal ID number.
                    card = encrypt_text(national)
                    card_index = blind_index(national, purpose=_CARD_PURPOSE)
                    card_expiry = self.future[self.days_ago(0, 2900)]
                if severity == "severe" and adult and work not in ("", RETIRED) and rand() < 0.6:
                    work, income = UNABLE, income or NO_INCOME
            if rand() < (0.45 if older else (0.08 if adult else 0.02)):
                chronic = True
                chronic_note = choice(ILLNESSES)
            elif rand() < 0.6:
                chronic = False
            if older and rand() < (0.09 if (age or 0) >= 80 else 0.04):
                bedridden = True
                work, income = UNABLE, income or UNDER_3000
            elif chronic is not None:
                bedridden = False
            if lgbtq:
                gender = choice(GENDERS_TRANS) if rand() < 0.45 else ("woman" if female else "man")
            if origin:
                ethnicity = choice(ORIGIN_ETHNICITY[origin])
            elif ethnic:
                ethnicity = ethnic
            elif religion == ISLAM and code in ("94", "95") and rand() < 0.7:
                ethnicity = "มลายู"
        religion_shown = religion if basis else ""

        self.persons.append(
            (
                pk,
                self.uid(PERSON_MARK, p.index),
                title,
                given,
                family,
                given_latin,
                family_latin,
                nickname,
                _name_search(given, family, nickname, given_latin, family_latin),
                _sort_key(given, family),
                p.sex,
                year,
                month,
                day,
                phone,
                phone_index,
                registered,
                registered_address if registered else "",
                sub,
                address,
                homeless,
                choice(LAST_SEEN) if homeless else "",
                code,
                district if (sub or registered) else None,
                work,
                income,
                dependants,
                chronic,
                chronic_note,
                bedridden,
                status if basis else "",
                stage if basis else "",
                religion_shown,
                ethnicity,
                gender,
                card,
                card_index,
                card_expiry,
                legal_basis,
                legal_note,
                basis,
                org,
                None,
                now,
                now,
            )
        )

        # Group memberships. Derived ones exactly as groups_refresh_derived computes them;
        # groups revealing sensitive data (religion, ethnicity, status, gender identity)
        # only where sensitive data may be held.
        groups = self.groups
        if older:
            groups.append((pk, G_OLDER, DERIVED, created, None, ""))
        if child:
            groups.append((pk, G_CHILD, DERIVED, created, None, ""))
        if disabilities:
            groups.append((pk, G_DISABILITY, DERIVED, created, None, ""))
        if homeless:
            groups.append((pk, G_HOMELESS, SURVEY, created, None, ""))
        if work == INFORMAL and not origin and rand() < 0.85:
            groups.append((pk, G_INFORMAL, DECLARED, created, None, ""))
        if origin and adult and work in (EMPLOYED, INFORMAL, UNEMPLOYED):
            source = AGENCY if status == MIGRANT_WITH_PERMIT else DECLARED
            groups.append((pk, G_MIGRANT, source, created, None, ""))
        if female and adult and age is not None and rand() < 0.8:
            groups.append((pk, G_WOMEN, DECLARED, created, None, ""))
        if basis:
            if religion == ISLAM and not origin and rand() < 0.9:
                groups.append((pk, G_MUSLIM, DECLARED, created, None, ""))
            if lgbtq:
                groups.append((pk, G_LGBTQ, DECLARED, created, None, ""))
            if not origin and (ethnic or status in (STATELESS, THAI_UNREGISTERED, NON_THAI_6_7)):
                groups.append((pk, G_STATUS, SURVEY, created, None, ""))

    def identifier(
        self,
        pk: int,
        doc_type: str,
        number: str,
        *,
        valid_to: str | None = None,
        current: bool = True,
        country: str = "",
    ) -> None:
        valid_from = self.past[self.days_ago(30, 3650)]
        if valid_to is not None and valid_to < valid_from:
            valid_from = self.past[3650]
        self.identifiers.append(
            (
                pk,
                doc_type,
                encrypt_text(number),
                _identifier_index(doc_type, number),
                number[-4:],
                country,
                valid_from,
                valid_to,
                current,
                "",
                self.stamp,
            )
        )

    def disability_type(self) -> str:
        x = self.rand() * 100
        for dtype, weight in DISABILITY_WEIGHTS:
            x -= weight
            if x < 0:
                return dtype
        return DISABILITY_WEIGHTS[0][0]

    def civil_status(self, origin: str, ethnic: str, age: float | None) -> tuple[str, str]:
        rand, choice = self.rand, self.choice
        if origin:
            if age is not None and age < 15:
                return (NON_THAI_6_7 if rand() < 0.6 else NO_STATUS), ""
            r = rand()
            return (MIGRANT_WITH_PERMIT if r < 0.72 else NO_STATUS if r < 0.9 else NON_THAI_6_7), ""
        if ethnic:
            r = rand()
            if r < 0.55:
                return THAI_REGISTERED, ""
            if r < 0.77:
                return STATELESS, choice(STAGES_STATELESS)
            if r < 0.89:
                return NON_THAI_6_7, choice(STAGES_EARLY[:2])
            if r < 0.96:
                return THAI_UNREGISTERED, choice(STAGES_EARLY)
            return NO_STATUS, STAGES_EARLY[0]
        if rand() < 0.008:
            return THAI_UNREGISTERED, choice(STAGES_EARLY)
        return THAI_REGISTERED, ""

    def work(self, age: float | None, origin: str, homeless: bool) -> tuple[str, str]:
        pick = self.pick
        if age is not None and age < 15:
            return (STUDENT if age >= 6 else ""), ""
        if homeless:
            status = pick((UNEMPLOYED, 0.4), (INFORMAL, 0.4), (UNABLE, 0.2))
        elif origin:
            status = pick((EMPLOYED, 0.6), (INFORMAL, 0.4))
        elif age is not None and age < 18:
            status = pick((STUDENT, 0.85), (INFORMAL, 0.15))
        elif age is not None and age >= 60:
            status = pick((RETIRED, 0.25), (INFORMAL, 0.3), (UNABLE, 0.17), (UNEMPLOYED, 0.1))
        else:
            status = pick(
                (INFORMAL, 0.42),
                (EMPLOYED, 0.22),
                (UNEMPLOYED, 0.12),
                (UNABLE, 0.05),
                (STUDENT, 0.05 if (age or 40) < 25 else 0.0),
            )
        if status in ("", STUDENT):
            return status, ""
        if status in (UNEMPLOYED, UNABLE):
            return status, pick((NO_INCOME, 0.6), (UNDER_3000, 0.4))
        if status == RETIRED:
            return status, pick((UNDER_3000, 0.8), (FROM_3000, 0.2))
        if status == INFORMAL:
            return status, pick(
                (UNDER_3000, 0.35), (FROM_3000, 0.45), (FROM_9000, 0.15), (FROM_15000, 0.05)
            )
        return status, pick((FROM_3000, 0.2), (FROM_9000, 0.5), (FROM_15000, 0.3))


@lru_cache(maxsize=1)
def _services_identifier_index() -> Callable[[str, str], str]:
    from saphan.people.services import identifier_index  # a late import: services is big

    return identifier_index


def _identifier_index(doc_type: str, number: str) -> str:
    return _services_identifier_index()(doc_type, number)


# --- formatting rows for COPY ----------------------------------------------------------


def _copy_bytes(rows: list[tuple[Any, ...]], width: int) -> bytes:
    """Rows in COPY text format. Generated text never holds a tab, newline or backslash
    (corpus names are filtered, everything else is ours); the counts below prove it."""
    s = str
    text = "".join(
        [
            "\t".join(
                [
                    v
                    if v.__class__ is s
                    else ("\\N" if v is None else "t" if v is True else "f" if v is False else s(v))
                    for v in row
                ]
            )
            + "\n"
            for row in rows
        ]
    )
    if (
        text.count("\n") != len(rows)
        or text.count("\t") != len(rows) * (width - 1)
        or text.count("\\") != text.count("\\N")
    ):
        raise ValueError("generated text holds a tab, newline or backslash")
    return text.encode("utf-8")


# --- workers -----------------------------------------------------------------------------

_WORKER_CONTEXT: Context | None = None


def _worker_init(ctx: Context) -> None:
    """Runs once in each worker process (spawned, so Django is set up afresh)."""
    global _WORKER_CONTEXT  # one context per worker process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    import django

    django.setup()
    # The parent's keys, whatever the worker's environment says.
    settings.SAPHAN_FIELD_KEYS = list(ctx.field_keys)
    settings.SAPHAN_BLIND_INDEX_KEY = ctx.blind_index_key
    _WORKER_CONTEXT = ctx


def _generate_in_worker(task: ChunkTask) -> ChunkData:
    assert _WORKER_CONTEXT is not None
    return generate_chunk(_WORKER_CONTEXT, task)


def generate_chunk(ctx: Context, task: ChunkTask) -> ChunkData:
    """Generate (and encrypt) the rows of one chunk; COPY text for PostgreSQL."""
    started = time.perf_counter()
    rows = _Generator(ctx, task).run()
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    copy: dict[str, bytes] = {}
    if task.as_copy:
        for table, table_rows in rows.items():
            width = len(COLUMNS[table]) + len(ctx.extras.get(table, ()))
            copy[table] = _copy_bytes(table_rows, width)
        rows = {}
    return ChunkData(task.number, rows, copy, counts, time.perf_counter() - started)


# --- reading the database ---------------------------------------------------------------


def _uid_range(mark: int) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.UUID(int=mark << 96), uuid.UUID(int=(mark << 96) | ((1 << 96) - 1))


def demo_people_count() -> int:
    """How many demo people (uid marked with :data:`PERSON_MARK`) the database holds."""
    from saphan.people.models import Person

    low, high = _uid_range(PERSON_MARK)
    return Person.objects.filter(uid__gte=low, uid__lte=high).count()


def demo_next_index() -> int:
    """The demo index after the highest one loaded (indexes make ID numbers unique)."""
    from saphan.people.models import Person

    low, high = _uid_range(PERSON_MARK)
    top = (
        Person.objects.filter(uid__gte=low, uid__lte=high)
        .order_by("-uid")
        .values_list("uid", flat=True)
        .first()
    )
    return 0 if top is None else ((top.int >> 64) & 0xFFFF_FFFF) + 1


def _extras() -> dict[str, tuple[Any, ...]]:
    """Defaults for model columns the generator does not set (fields added later)."""
    from django.apps import apps

    by_table = {m._meta.db_table: m for m in apps.get_app_config("people").get_models()}
    extras: dict[str, tuple[Any, ...]] = {}
    for table, columns in COLUMNS.items():
        model = by_table[table]
        missing = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns and not (f.primary_key and isinstance(f, models.AutoField))
        ]
        values = []
        for f in missing:
            if not f.has_default() and not f.null and not f.blank:
                raise RuntimeError(
                    f"{table}.{f.column} has no default: teach saphan.demo.people to fill it."
                )
            values.append(f.get_db_prep_save(f.get_default(), connection))
        extras[table] = tuple(values)
        COLUMNS_WITH_EXTRAS[table] = columns + tuple(str(f.column) for f in missing)
    return extras


COLUMNS_WITH_EXTRAS: dict[str, tuple[str, ...]] = dict(COLUMNS)


def build_context(seed: int = DEFAULT_SEED) -> Context:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

    from saphan.geo.models import Province, Subdistrict
    from saphan.orgs.models import Organisation

    provinces = list(Province.objects.project().order_by("code"))
    orgs = dict(
        Organisation.objects.filter(code__in=[f"cso-{p.code}" for p in provinces]).values_list(
            "code", "id"
        )
    )
    missing = [p.code for p in provinces if f"cso-{p.code}" not in orgs]
    if not provinces or missing:
        raise RuntimeError(
            "The demo organisations are missing: run demo_seed_organisations_and_users() "
            "(saphan demo) first."
        )
    subdistricts: dict[str, list[tuple[str, str]]] = {p.code: [] for p in provinces}
    for code, district, province in (
        Subdistrict.objects.filter(province__in=provinces)
        .order_by("code")
        .values_list("code", "district_id", "province_id")
    ):
        subdistricts[province].append((code, district))
    now = timezone.now()
    return Context(
        today=timezone.localdate(),
        now=now,
        vendor=connection.vendor,
        seed=seed,
        provinces=tuple(
            ProvinceInfo(p.code, p.name_th, orgs[f"cso-{p.code}"], tuple(subdistricts[p.code]))
            for p in provinces
        ),
        male_names=_clean_names(thai_male_names()),
        female_names=_clean_names(thai_female_names()),
        family_names=_clean_names(thai_family_names()),
        extras=_extras(),
        field_keys=tuple(
            settings.SAPHAN_FIELD_KEYS
            if not isinstance(settings.SAPHAN_FIELD_KEYS, str)
            else settings.SAPHAN_FIELD_KEYS.split(",")
        ),
        blind_index_key=settings.SAPHAN_BLIND_INDEX_KEY,
    )


# --- writing -------------------------------------------------------------------------


def _quoted_columns(table: str) -> str:
    qn = connection.ops.quote_name
    return ", ".join(qn(col) for col in COLUMNS_WITH_EXTRAS[table])


def _reserve_ids(table: str, n: int) -> tuple[int, ...]:
    """``n`` fresh primary keys of ``table`` that no other insert will take."""
    if n <= 0:
        return ()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return tuple(row[0] for row in cursor.fetchall())
        # SQLite (AUTOINCREMENT): move the table's sequence past the block.
        with transaction.atomic():
            cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table name
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            start = max(top, found[0] if found else 0) + 1
            if found:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + n - 1, table]
                )
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                    [table, start + n - 1],
                )
        return tuple(range(start, start + n))


def _write_chunk(chunk: ChunkData) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                data = chunk.copy.get(table)
                if not data:
                    continue
                sql = f"COPY {qn(table)} ({_quoted_columns(table)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    copy.write(data)
            else:
                rows = chunk.rows.get(table)
                if not rows:
                    continue
                marks = ", ".join(["%s"] * len(rows[0]))
                sql = f"INSERT INTO {qn(table)} ({_quoted_columns(table)}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, rows)


@dataclass
class _Detached:
    restore: list[str]
    indexes: int
    foreign_keys: int


def _pg_detach_indexes() -> _Detached:
    """Drop the secondary indexes and foreign keys of the registry tables (inside the
    caller's transaction) and return the statements that recreate them. Primary keys
    and unique constraints stay: they guard the load itself."""
    qn = connection.ops.quote_name
    drops: list[str] = []
    indexes: list[str] = []
    foreign: list[str] = []
    with connection.cursor() as cursor:
        # Foreign-key checks still pending in the caller's transaction (Django's are
        # DEFERRABLE INITIALLY DEFERRED) would block ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in TABLES:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                drops.insert(0, f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                foreign.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                "AND k.conrelid = i.indrelid) ORDER BY 1",
                [table],
            )
            for name, definition in cursor.fetchall():
                drops.append(f"DROP INDEX {name}")
                indexes.append(definition)
        for statement in drops:
            cursor.execute(statement)
    return _Detached(indexes + foreign, len(indexes), len(foreign))


def _pg_restore(detached: _Detached) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # CREATE INDEX needs no pending checks
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in detached.restore:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's default


def _pg_analyze() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _table_rows(table: str) -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's estimate is enough to choose the loading strategy.
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table]
            )
            estimate = cursor.fetchone()[0]
            if estimate is not None and estimate >= 0:
                return int(estimate)
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table name
        return int(cursor.fetchone()[0])


def _chunks(ctx: Context, tasks: Iterator[ChunkTask], workers: int) -> Iterator[ChunkData]:
    """Chunks in order; with workers, at most ``workers + 1`` are generated ahead."""
    if workers <= 0:
        for task in tasks:
            yield generate_chunk(ctx, task)
        return
    import multiprocessing
    from collections import deque

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(ctx,),
    )
    pending: deque[Future[ChunkData]] = deque()
    try:
        for task in tasks:
            pending.append(pool.submit(_generate_in_worker, task))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def demo_people_load(
    n: int,
    *,
    seed: int = DEFAULT_SEED,
    chunk_size: int = CHUNK_SIZE,
    workers: int | None = None,
    rebuild_indexes: bool | None = None,
    analyze: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LoadResult:
    """Make sure the database holds ``n`` demo people: add the missing number, or nothing.

    ``workers``: generating processes (by default 2, or one per core but one on larger
    machines, when there is more than one chunk; 0 = generate in this process).
    ``rebuild_indexes`` (PostgreSQL): drop and rebuild the registry's secondary indexes
    and foreign keys around the load; by default only for at least
    :data:`BULK_REBUILD_MIN` people into tables holding fewer.
    """
    if n < 0:
        raise ValueError("the number of demo people cannot be negative")
    say = progress or (lambda _line: None)
    existing = demo_people_count()
    result = LoadResult(requested=n, existing=existing, added=0)
    missing = n - existing
    if missing <= 0:
        return result
    first_index = demo_next_index()
    if first_index + missing > MAX_DEMO_PEOPLE:
        raise ValueError(f"at most {MAX_DEMO_PEOPLE:,} demo people are supported")
    started = time.perf_counter()
    ctx = build_context(seed)
    postgres = connection.vendor == "postgresql"
    sizes = [min(chunk_size, missing - k) for k in range(0, missing, chunk_size)]
    if workers is None:
        # Two on a 2-core machine (measured best); one per spare core on larger ones.
        workers = min(8, max(2, (os.cpu_count() or 2) - 1)) if len(sizes) > 1 else 0
    result.workers = workers
    if rebuild_indexes is None:
        rebuild_indexes = (
            postgres and missing >= BULK_REBUILD_MIN and missing > _table_rows(PERSON_TABLE)
        )
    rebuild_indexes = bool(rebuild_indexes and postgres)
    result.rebuilt_indexes = rebuild_indexes

    def tasks() -> Iterator[ChunkTask]:
        index = first_index
        for number, size in enumerate(sizes, start=1):
            yield ChunkTask(
                number=number,
                first_index=index,
                count=size,
                person_ids=_reserve_ids(PERSON_TABLE, size),
                household_ids=_reserve_ids(HOUSEHOLD_TABLE, size // 2),
                as_copy=postgres,
            )
            index += size

    rows = dict.fromkeys(TABLES, 0)
    added = 0

    def write(chunk: ChunkData) -> None:
        nonlocal added
        t = time.perf_counter()
        _write_chunk(chunk)
        result.write_seconds += time.perf_counter() - t
        result.generate_seconds += chunk.generate_seconds
        for table, count in chunk.counts.items():
            rows[table] += count
        added += sizes[chunk.number - 1]
        elapsed = time.perf_counter() - started
        say(
            f"  chunk {chunk.number}/{len(sizes)}: {added:,} people, "
            f"{sum(rows.values()):,} rows in {elapsed:.1f} s ({added / elapsed:,.0f} people/s)"
        )

    say(
        f"Adding {missing:,} demo people ({existing:,} there already) in {len(sizes)} "
        f"chunk(s), {workers or 'no'} worker process(es)"
        + ("; indexes and foreign keys rebuilt at the end" if rebuild_indexes else "")
    )
    if postgres:
        with transaction.atomic():
            detached = _pg_detach_indexes() if rebuild_indexes else None
            for chunk in _chunks(ctx, tasks(), workers):
                write(chunk)
            if detached is not None:
                say(
                    f"  rebuilding {detached.indexes} indexes and "
                    f"{detached.foreign_keys} foreign keys…"
                )
                t = time.perf_counter()
                _pg_restore(detached)
                result.rebuild_seconds = time.perf_counter() - t
                say(f"  rebuilt in {result.rebuild_seconds:.1f} s")
        if analyze:
            t = time.perf_counter()
            _pg_analyze()
            result.analyze_seconds = time.perf_counter() - t
            say(f"  ANALYZE in {result.analyze_seconds:.1f} s")
    else:
        for chunk in _chunks(ctx, tasks(), workers):
            with transaction.atomic():
                write(chunk)
    result.added = added
    result.rows = rows
    result.seconds = time.perf_counter() - started
    return result
