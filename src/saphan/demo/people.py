"""Synthetic demo people at scale: realistic, invented, and loaded without the ORM.

Nothing here is real personal data. Names are drawn from pythainlp's bundled name lists
(and a few common Burmese, Khmer and Lao name elements), ID numbers are made up with a
valid check digit, and every other fact is sampled from rough shares per province.

Speed comes from three things:

* rows are generated in chunks (default 50,000 people), by two worker processes when
  there is more than one chunk: encryption (Fernet, via :func:`encrypt_text`) and the
  name-search text are the costly part of generating a row;
* on PostgreSQL each chunk is written with ``COPY ... FROM STDIN`` (ids are reserved
  from the tables' sequences first, so that children can reference their person); on
  SQLite with ``executemany`` in one transaction per chunk (the FTS5 triggers fire);
* for a large load into a small table (at least :data:`BULK_REBUILD_MIN` people, and
  more than the table already holds) the secondary indexes and the foreign keys of the
  registry tables are dropped inside the load's transaction and rebuilt at the end: one
  sort per index beats a million incremental GIN and B-tree inserts. Everything happens
  in one transaction, so a failed load leaves the schema and the data as they were.

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
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

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
    now: str  # created_at of rows, formatted for the database
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


def _clean_names(names: Sequence[str]) -> tuple[str, ...]:
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


class _Person:
    __slots__ = (
        "age",
        "consent_guardian",
        "family",
        "full_name",
        "index",
        "pk",
        "relationship",
        "sex",
    )

    def __init__(self, sex: str, age: float | None, relationship: str) -> None:
        self.sex = sex
        self.age = age
        self.relationship = relationship
        self.family = ""
        self.full_name = ""
        self.consent_guardian = ""
        self.pk = 0
        self.index = 0


class _Generator:
    def __init__(self, ctx: Context, task: ChunkTask) -> None:
        self.ctx = ctx
        self.task = task
        self.rng = random.Random(f"saphan-demo:{ctx.seed}:{task.first_index}")
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
        self.today = ctx.today
        self.older_cutoff = _cutoff(c.OLDER_PERSON_AGE, ctx.today)
        self.adult_cutoff = _cutoff(c.ADULT_AGE, ctx.today)
        weights = [PROVINCE_WEIGHTS.get(p.code, 300) for p in ctx.provinces]
        self.province_cum = list(itertools.accumulate(weights))
        self.by_code = {p.code: p for p in ctx.provinces}
        self.isan = [
            self.by_code[code]
            for code in ("30", "31", "33", "34", "35", "41")
            if code in self.by_code
        ]
        self.next_person = 0
        self.next_household = 0
        self.villages: dict[str, list[str]] = {}
        self.latin = _romanize_cached()
        uuid_text = (lambda u: u.hex) if ctx.vendor == "sqlite" else str
        self.uuid_text: Callable[[uuid.UUID], str] = uuid_text
        self.is_sqlite = ctx.vendor == "sqlite"

    # -- small helpers ---------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_within(self, start: dt.date, end: dt.date) -> dt.date:
        span = (end - start).days
        return start + dt.timedelta(days=self.rng.randint(0, max(span, 0)))

    def province(self) -> ProvinceInfo:
        x = self.rng.random() * self.province_cum[-1]
        return self.ctx.provinces[bisect.bisect_right(self.province_cum, x)]

    def village(self, subdistrict: str) -> tuple[int, str]:
        names = self.villages.get(subdistrict)
        if names is None:
            local = random.Random(f"village:{subdistrict}")
            names = [
                local.choice(VILLAGE_FIRST) + local.choice(VILLAGE_SECOND)
                for _ in range(local.randint(6, 20))
            ]
            self.villages[subdistrict] = names
        moo = self.rng.randrange(len(names))
        return moo + 1, names[moo]

    def address(self, subdistrict: str, urban: bool) -> str:
        moo, name = self.village(subdistrict)
        house = self.rng.randint(1, 250)
        if urban and self.chance(0.5):
            return f"{house}/{self.rng.randint(1, 99)} หมู่ {moo}"
        return f"{house} หมู่ {moo} บ้าน{name}"

    def phone(self) -> str:
        return f"0{self.rng.choice('689')}{self.rng.randrange(10**8):08d}"

    def pick(self, *options: tuple[str, float]) -> str:
        """One of the values by weight; "" with the remaining probability."""
        x = self.rng.random()
        for value, weight in options:
            x -= weight
            if x < 0:
                return value
        return ""

    # -- identity numbers --------------------------------------------------------------

    def national_id(self, first: str, office: str, index: int) -> str:
        """``first`` + 4-digit registry office + 7-digit serial + check digit; the serial is
        a bijection of the demo index, so numbers are unique for the whole demo."""
        serial = (index * 7_654_321 + 1_234_567) % 10_000_000
        first12 = f"{first}{office}{serial:07d}"
        return first12 + str(national_id_check_digit(first12))

    def zero_id(self, province: str, digits67: str, index: int) -> str:
        """0-PPRR-{89|00}SSS-SS-K: office and 5-digit serial from the demo index."""
        v = (index * 1_234_577 + 424_242) % 9_900_000
        office = f"{province}{v // 100_000 + 1:02d}"
        first12 = f"0{office}{digits67}{v % 100_000:05d}"
        return first12 + str(national_id_check_digit(first12))

    def pink_card(self, province: str, index: int) -> str:
        serial = (index * 7_654_321 + 99_991) % 100_000_000
        first12 = f"00{province}{serial:08d}"
        return first12 + str(national_id_check_digit(first12))

    # -- households ----------------------------------------------------------------------

    def child_age(self, low: float, high: float) -> float:
        return self.rng.uniform(max(low, 0.0), max(high, 0.2))

    def unit(self, remaining: int) -> None:
        rng = self.rng
        prov = self.province()
        code = prov.code
        migrant = self.chance(MIGRANT_SHARE.get(code, MIGRANT_SHARE_OTHER))
        ethnic = "" if migrant else ""
        if not migrant and self.chance(ETHNIC_SHARE.get(code, ETHNIC_SHARE_OTHER)):
            ethnic = rng.choice(ETHNIC_GROUPS.get(code, ETHNIC_GROUPS_OTHER))
        members: list[_Person] = []
        homeless = False
        r = rng.random()
        m, f = c.Sex.MALE.value, c.Sex.FEMALE.value
        rel = c.Relationship
        if migrant:
            if r < 0.55:
                members = [_Person(rng.choice((m, m, f)), rng.uniform(18, 45), "")]
            else:
                head = _Person(m, rng.uniform(20, 45), rel.HEAD)
                members = [head, _Person(f, max(18, head.age - rng.uniform(-3, 6)), rel.SPOUSE)]  # type: ignore[operator]
                for _ in range(rng.choice((0, 1, 1, 2, 3))):
                    members.append(_Person(rng.choice((m, f)), self.child_age(0, 12), rel.CHILD))
        elif r < 0.02 * 2.5:
            # Homeless people: mostly men of working age or older, alone.
            homeless = True
            age = None if self.chance(0.25) else rng.uniform(20, 80)
            members = [_Person(m if self.chance(0.8) else f, age, "")]
        elif r < 0.56:
            members = [self.single_adult()]
        else:
            members = self.household_members(rng.random())
        if len(members) > remaining:
            members = members[:remaining]
            if len(members) == 1:
                members[0].relationship = ""
        self.emit_unit(prov, members, migrant=migrant, ethnic=ethnic, homeless=homeless)

    def single_adult(self) -> _Person:
        rng = self.rng
        r = rng.random()
        if r < 0.45:
            age = rng.uniform(60, 98) if self.chance(0.9) else rng.uniform(60, 70)
        elif r < 0.55:
            age = rng.uniform(15, 18)
        else:
            age = rng.uniform(18, 60)
        return _Person(c.Sex.FEMALE.value if self.chance(0.55) else c.Sex.MALE.value, age, "")

    def household_members(self, r: float) -> list[_Person]:
        rng = self.rng
        m, f = c.Sex.MALE.value, c.Sex.FEMALE.value
        rel = c.Relationship
        members: list[_Person]
        if r < 0.30:  # couple with children
            head = _Person(m if self.chance(0.75) else f, rng.uniform(24, 58), rel.HEAD)
            spouse_age = max(18.0, head.age + rng.uniform(-6, 4))  # type: ignore[operator]
            members = [head, _Person(f if head.sex == m else m, spouse_age, rel.SPOUSE)]
            young = min(head.age, spouse_age) - 18  # type: ignore[operator]
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                members.append(
                    _Person(rng.choice((m, f)), self.child_age(0, min(young, 30)), rel.CHILD)
                )
        elif r < 0.48:  # three generations
            head = _Person(m if self.chance(0.6) else f, rng.uniform(48, 80), rel.HEAD)
            members = [head]
            if self.chance(0.7):
                members.append(
                    _Person(f if head.sex == m else m, head.age + rng.uniform(-6, 3), rel.SPOUSE)
                )  # type: ignore[operator]
            adult = _Person(rng.choice((m, f)), rng.uniform(20, head.age - 20), rel.CHILD)  # type: ignore[operator]
            members.append(adult)
            for _ in range(rng.choice((1, 1, 2, 3))):
                members.append(
                    _Person(rng.choice((m, f)), self.child_age(0, adult.age - 17), rel.GRANDCHILD)  # type: ignore[operator]
                )
        elif r < 0.66:  # older people raising grandchildren, no working-age adult
            head = _Person(f if self.chance(0.65) else m, rng.uniform(60, 86), rel.HEAD)
            members = [head]
            if self.chance(0.45):
                members.append(_Person(m if head.sex == f else f, rng.uniform(60, 88), rel.SPOUSE))
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                members.append(_Person(rng.choice((m, f)), rng.uniform(2, 17.9), rel.GRANDCHILD))
        elif r < 0.80:  # adult child caring for old parents
            head = _Person(rng.choice((m, f)), rng.uniform(30, 58), rel.HEAD)
            members = [head]
            if self.chance(0.5):
                members.append(
                    _Person(f if head.sex == m else m, head.age + rng.uniform(-5, 5), rel.SPOUSE)
                )  # type: ignore[operator]
            for _ in range(rng.choice((1, 1, 2))):
                members.append(
                    _Person(rng.choice((m, f, f)), head.age + rng.uniform(20, 35), rel.PARENT)
                )  # type: ignore[operator]
        elif r < 0.93:  # single parent
            head = _Person(f if self.chance(0.85) else m, rng.uniform(19, 52), rel.HEAD)
            members = [head]
            for _ in range(rng.choice((1, 1, 2, 3))):
                members.append(
                    _Person(rng.choice((m, f)), self.child_age(0, head.age - 16), rel.CHILD)
                )  # type: ignore[operator]
        else:  # siblings and other relatives
            head = _Person(rng.choice((m, f)), rng.uniform(25, 85), rel.HEAD)
            members = [
                head,
                _Person(rng.choice((m, f)), head.age + rng.uniform(-10, 10), rel.SIBLING),
            ]  # type: ignore[operator]
            if self.chance(0.3):
                members.append(_Person(rng.choice((m, f)), rng.uniform(5, 70), rel.OTHER_RELATIVE))
        return members[:6]

    # -- rows ------------------------------------------------------------------------------

    def emit_unit(
        self,
        prov: ProvinceInfo,
        members: list[_Person],
        *,
        migrant: bool,
        ethnic: str,
        homeless: bool,
    ) -> None:
        rng = self.rng
        code = prov.code
        urban = code in ("11", "13", "83")
        sub, district = rng.choice(prov.subdistricts)
        origin = ""
        if migrant:
            origin = MIGRANT_ORIGIN.get(code) or rng.choice(("MM", "MM", "MM", "MM", "KH", "LA"))
        # Household-level facts.
        if migrant:
            religion = c.Religion.ISLAM.value if self.chance(0.04) else c.Religion.BUDDHISM.value
        elif ethnic:
            religion = rng.choice(
                (c.Religion.BUDDHISM.value,) * 5
                + (c.Religion.CHRISTIANITY.value,) * 3
                + (c.Religion.OTHER.value,) * 2
            )
            if code in ("94", "95", "81", "82", "83") and ethnic in ("อูรักลาโว้ย",):
                religion = c.Religion.BUDDHISM.value
        else:
            share = MUSLIM_SHARE.get(code) or MUSLIM_SHARE_CENTRAL.get(code, MUSLIM_SHARE_OTHER)
            religion = c.Religion.ISLAM.value if self.chance(share) else c.Religion.BUDDHISM.value
            if religion == c.Religion.BUDDHISM.value and self.chance(0.01):
                religion = rng.choice((c.Religion.CHRISTIANITY.value, c.Religion.NONE.value))
        if ethnic in CLAN_GROUPS and self.chance(0.7):
            family = rng.choice(CLAN_NAMES)
        else:
            family = rng.choice(self.ctx.family_names)
        # Address: registered elsewhere for some internal migrants to the cities.
        registered_sub: str | None = sub
        registered_district = district
        if migrant:
            registered_sub, registered_district = None, ""
        elif urban and self.chance(0.35) and self.isan:
            other = rng.choice(self.isan)
            registered_sub, registered_district = rng.choice(other.subdistricts)
        elif ethnic and self.chance(0.3):
            registered_sub, registered_district = None, ""
        address = self.address(sub, urban)
        registered_address = (
            address
            if registered_sub == sub
            else (self.address(registered_sub, False) if registered_sub else "")
        )
        created = self.day_within(self.today - dt.timedelta(days=730), self.today)
        household_pk = 0
        if len(members) > 1:
            household_pk = self.task.household_ids[self.next_household]
            self.next_household += 1
            hh_uid = uuid.UUID(int=(HOUSEHOLD_MARK << 96) | rng.getrandbits(96))
            self.rows[HOUSEHOLD_TABLE].append(
                (
                    household_pk,
                    self.uuid_text(hh_uid),
                    code,
                    sub,
                    address,
                    prov.organisation_id,
                    self.ctx.now,
                )
            )
        under18 = sum(1 for p in members if p.age is not None and p.age < 18)
        head_name = ""
        for p in members:
            p.index = self.task.first_index + self.next_person
            p.pk = self.task.person_ids[self.next_person]
            self.next_person += 1
        for p in members:
            same_family = not (
                (p.relationship == c.Relationship.SPOUSE and self.chance(0.35))
                or (p.relationship == c.Relationship.GRANDCHILD and self.chance(0.5))
                or (
                    p.relationship in (c.Relationship.OTHER_RELATIVE, c.Relationship.PARENT)
                    and self.chance(0.6)
                )
            )
            p.family = family if same_family else rng.choice(self.ctx.family_names)
            if p.relationship in (c.Relationship.CHILD, c.Relationship.GRANDCHILD) and head_name:
                p.consent_guardian = head_name
            self.person(
                p,
                prov,
                sub=None if homeless else sub,
                district=registered_district if homeless else district,
                registered_sub=registered_sub if not homeless or self.chance(0.5) else None,
                registered_address="" if homeless else registered_address,
                address="" if homeless else address,
                religion=religion,
                origin=origin,
                ethnic=ethnic,
                homeless=homeless,
                created=created,
                dependants=under18
                if p.relationship in (c.Relationship.HEAD, c.Relationship.SPOUSE)
                else None,
                head=members[0],
            )
            if p.relationship == c.Relationship.HEAD:
                head_name = p.full_name
            if household_pk:
                self.rows[MEMBER_TABLE].append(
                    (household_pk, p.pk, p.relationship, created.isoformat(), None)
                )

    def birth(self, age: float | None) -> tuple[int | None, int | None, int | None]:
        if age is None:
            return None, None, None
        born = self.today - dt.timedelta(days=int(age * 365.2425))
        r = self.rng.random()
        year_only = 0.32 if age >= 70 else 0.12
        if r < year_only:
            return born.year, None, None
        if r < year_only + 0.05:
            return born.year, born.month, None
        return born.year, born.month, born.day

    def person(
        self,
        p: _Person,
        prov: ProvinceInfo,
        *,
        sub: str | None,
        district: str,
        registered_sub: str | None,
        registered_address: str,
        address: str,
        religion: str,
        origin: str,
        ethnic: str,
        homeless: bool,
        created: dt.date,
        dependants: int | None,
        head: _Person,
    ) -> None:
        rng = self.rng
        chance = self.chance
        ctx = self.ctx
        age = p.age
        female = p.sex == c.Sex.FEMALE.value
        pk = p.pk
        code = prov.code
        # Names.
        given_latin = family_latin = ""
        family = p.family
        if origin == "MM":
            parts = rng.sample(BURMESE_PARTS, rng.choice((1, 2, 2, 3)))
            given = " ".join(t for t, _ in parts)
            family = ""
            if chance(0.7):
                given_latin = " ".join(e for _, e in parts)
        elif origin in ("KH", "LA"):
            given_list, family_list = (
                (KHMER_GIVEN, KHMER_FAMILY) if origin == "KH" else (LAO_GIVEN, LAO_FAMILY)
            )
            g, gl = rng.choice(given_list)
            fam, fl = rng.choice(family_list)
            given, family = g, fam
            if chance(0.7):
                given_latin, family_latin = gl, fl
        else:
            given = rng.choice(ctx.female_names if female else ctx.male_names)
            if chance(0.03):
                given_latin = self.latin(given)
                family_latin = self.latin(family) if given_latin else ""
        nickname = rng.choice(NICKNAMES) if not origin and chance(0.35) else ""
        # Birth and title.
        year, month, day = self.birth(age)
        if age is not None and age < 15:
            title = "เด็กหญิง" if female else "เด็กชาย"
        elif not female:
            title = "นาย"
        elif p.relationship == c.Relationship.SPOUSE or (
            p.relationship == c.Relationship.HEAD and head is p and (age or 40) >= 30
        ):
            title = "นาง"
        else:
            title = "นาง" if (age or 40) >= 35 and chance(0.7) else "นางสาว"
        p.full_name = f"{title}{given} {family}".strip()
        older = year is not None and _born_on_or_before(year, month, day, self.older_cutoff)
        child = year is not None and not _born_on_or_before(year, month, day, self.adult_cutoff)
        adult = age is None or age >= 18
        # Consent (PDPA) and the basis for sensitive data.
        consents = self.rows[CONSENT_TABLE]
        given_on = created
        sensitive_consent = False
        legal_basis = legal_note = ""
        if chance(0.92):
            guardian = age is not None and age <= 10
            guardian_name = p.consent_guardian or (head.full_name if head is not p else "")
            if guardian and not guardian_name:
                guardian_name = f"{'นาง' if chance(0.7) else 'นาย'}{rng.choice(ctx.female_names)} {family}".strip()
            covers_sensitive = chance(0.88)
            withdrawn: str | None = None
            if chance(0.02):
                withdrawn = self.day_within(given_on, self.today).isoformat()
                if withdrawn == given_on.isoformat():
                    withdrawn = None
            if chance(0.04):  # an earlier, basic-only consent
                earlier = given_on - dt.timedelta(days=rng.randint(30, 400))
                consents.append(
                    (pk, CONSENT_PURPOSES[1], True, False, False, c.ConsentGiver.SELF.value if not guardian else c.ConsentGiver.GUARDIAN.value,
                     guardian_name if guardian else "", self.guardian_relationship(p, head) if guardian else "",
                     earlier.isoformat(), None, "", None, prov.organisation_id, ctx.now)
                )  # fmt: skip
            consents.append(
                (pk, rng.choice(CONSENT_PURPOSES), True, covers_sensitive, chance(0.35),
                 c.ConsentGiver.GUARDIAN.value if guardian else c.ConsentGiver.SELF.value,
                 guardian_name if guardian else "", self.guardian_relationship(p, head) if guardian else "",
                 given_on.isoformat(), withdrawn, "", None, prov.organisation_id, ctx.now)
            )  # fmt: skip
            sensitive_consent = covers_sensitive and withdrawn is None
        if not sensitive_consent and (
            chance(0.5) if (homeless or (older and chance(0.3))) else chance(0.25)
        ):
            legal_basis, legal_note = rng.choice(LEGAL_BASES)
        sensitive_basis = (
            c.SensitiveBasis.CONSENT.value
            if sensitive_consent
            else (c.SensitiveBasis.LEGAL.value if legal_basis else "")
        )
        sensitive = bool(sensitive_basis)
        # Civil status and documents.
        district_office = district or f"{code}01"
        idents = self.rows[IDENTIFIER_TABLE]
        status, stage = self.civil_status(origin, ethnic, age)
        national = ""
        issued = created.isoformat()
        if status == c.CivilStatus.THAI_REGISTERED.value:
            if not (homeless and chance(0.4)) and chance(0.955):
                born_year = year or (self.today.year - 40)
                first = "1" if born_year >= 1984 else "3"
                if chance(0.015):
                    first = rng.choice("2458")
                national = self.national_id(first, district_office, p.index)
        elif status == c.CivilStatus.STATELESS.value:
            if chance(0.9):
                national = self.zero_id(code, "89", p.index)
                if stage == c.VerificationStage.ID_CARD_ISSUED.value:
                    # Nationality granted: the 0-number is history, a new number is current.
                    old = national
                    idents.append(
                        self.identifier(pk, _NATIONAL_ID, old, valid_to=issued, current=False)
                    )
                    national = self.national_id("8", district_office, p.index)
                    status = c.CivilStatus.THAI_REGISTERED.value
        elif status == c.CivilStatus.THAI_UNREGISTERED.value:
            if chance(0.5):
                national = self.zero_id(code, "00", p.index)
        elif status == c.CivilStatus.NON_THAI_6_7.value:
            first = "7" if age is not None and age < 25 and chance(0.7) else "6"
            national = self.national_id(first, district_office, p.index)
        elif status == c.CivilStatus.MIGRANT_WITH_PERMIT.value:
            idents.append(self.identifier(pk, DocumentType.MIGRANT_WORKER_CARD.value, self.pink_card(code, p.index),
                                          valid_to=(self.today + dt.timedelta(days=rng.randint(60, 900))).isoformat()))  # fmt: skip
            if chance(0.6):
                serial = (p.index * 7_654_321 + 55_555) % 10_000_000
                passport = f"{PASSPORT_PREFIX[origin]}{serial:07d}"
                idents.append(self.identifier(pk, DocumentType.PASSPORT.value, passport, country=COUNTRY[origin],
                                              valid_to=(self.today + dt.timedelta(days=rng.randint(90, 3000))).isoformat()))  # fmt: skip
        if national:
            idents.append(self.identifier(pk, _NATIONAL_ID, national))
        # Work and income (not sensitive).
        work, income = self.work(age, origin, homeless)
        phone = (
            ""
            if (age is not None and age < 12) or not chance(0.6 if not homeless else 0.2)
            else self.phone()
        )
        # Sensitive attributes: only with consent or a legal basis.
        disabilities: list[tuple[str, str]] = []
        chronic: bool | None = None
        chronic_note = ""
        bedridden: bool | None = None
        card = card_index = ""
        card_expiry: str | None = None
        gender = ""
        lgbtq = age is not None and age >= 15 and chance(0.025)
        if sensitive:
            disabled = chance(0.17 if older else (0.07 if adult else 0.04))
            if disabled:
                first_type = self.weighted_disability()
                disabilities.append(
                    (first_type, rng.choice(("mild", "moderate", "moderate", "severe")))
                )
                if chance(0.1):
                    second = self.weighted_disability()
                    if second != first_type:
                        disabilities.append((second, rng.choice(("mild", "moderate", "severe"))))
                if national and chance(0.7):
                    card = encrypt_text(national)
                    card_index = blind_index(national, purpose=_CARD_PURPOSE)
                    card_expiry = (
                        self.today + dt.timedelta(days=rng.randint(-200, 2900))
                    ).isoformat()
            if chance(0.45 if older else (0.08 if adult else 0.02)):
                chronic = True
                chronic_note = rng.choice(ILLNESSES)
            else:
                chronic = False if chance(0.6) else None
            if older and chance(0.04 + (0.05 if (age or 0) >= 80 else 0.0)):
                bedridden = True
                work, income = c.WorkStatus.UNABLE.value, income or c.IncomeBand.UNDER_3000.value
            elif chronic is not None:
                bedridden = False
            if lgbtq:
                gender = rng.choice(
                    ("trans_woman", "trans_man", "non_binary", "other")
                    if chance(0.45)
                    else ("woman", "man")
                )
                if gender == "woman" and not female:
                    gender = "man"
                if gender == "man" and female:
                    gender = "woman"
            if (
                disabilities
                and any(s == "severe" for _, s in disabilities)
                and adult
                and work not in ("", "retired")
            ):
                work = c.WorkStatus.UNABLE.value if chance(0.6) else work
        ethnicity = ""
        if sensitive:
            if origin:
                ethnicity = rng.choice(ORIGIN_ETHNICITY[origin])
            elif ethnic:
                ethnicity = ethnic
            elif code in ("94", "95") and religion == c.Religion.ISLAM.value and chance(0.7):
                ethnicity = "มลายู"
        # The person row.
        phone_token = encrypt_text(phone) if phone else ""
        phone_index = blind_index(phone, purpose=_PHONE_PURPOSE) if phone else ""
        located_district = district if (sub or registered_sub) else None
        uid = uuid.UUID(int=(PERSON_MARK << 96) | (p.index << 64) | rng.getrandbits(64))
        created_at = ctx.now
        self.rows[PERSON_TABLE].append(
            (
                pk,
                self.uuid_text(uid),
                title,
                given,
                family,
                given_latin,
                family_latin,
                nickname,
                _name_search(given, family, nickname, given_latin, family_latin),
                thai_sort_key(f"{given} {family}"),
                p.sex,
                year,
                month,
                day,
                phone_token,
                phone_index,
                registered_sub,
                registered_address if registered_sub else "",
                sub,
                address,
                homeless,
                rng.choice(LAST_SEEN) if homeless else "",
                code,
                located_district,
                work,
                income,
                dependants,
                chronic,
                chronic_note,
                bedridden,
                status if sensitive else "",
                stage if sensitive else "",
                religion if sensitive else "",
                ethnicity,
                gender,
                card,
                card_index,
                card_expiry,
                legal_basis,
                legal_note,
                sensitive_basis,
                prov.organisation_id,
                None,
                created_at,
                created_at,
            )
        )
        for dtype, severity in disabilities:
            self.rows[DISABILITY_TABLE].append((pk, dtype, severity, issued))
        # Group memberships: derived ones exactly as groups_refresh_derived computes them.
        groups = self.rows[GROUP_TABLE]
        if older:
            groups.append((pk, _G.OLDER_PERSON.value, _DERIVED, issued, None, ""))
        if child:
            groups.append((pk, _G.CHILD.value, _DERIVED, issued, None, ""))
        if disabilities:
            groups.append((pk, _G.DISABILITY.value, _DERIVED, issued, None, ""))
        if homeless:
            groups.append((pk, _G.HOMELESS.value, _SURVEY, issued, None, ""))
        if work == c.WorkStatus.INFORMAL.value and not origin and chance(0.85):
            groups.append((pk, _G.INFORMAL_WORKER.value, _DECLARED, issued, None, ""))
        if (
            origin
            and adult
            and work
            in (
                c.WorkStatus.EMPLOYED.value,
                c.WorkStatus.INFORMAL.value,
                c.WorkStatus.UNEMPLOYED.value,
            )
        ):
            groups.append((pk, _G.MIGRANT_WORKER.value, _AGENCY if status == c.CivilStatus.MIGRANT_WITH_PERMIT.value else _DECLARED, issued, None, ""))  # fmt: skip
        if female and age is not None and age >= 18 and chance(0.8):
            groups.append((pk, _G.WOMEN.value, _DECLARED, issued, None, ""))
        # Groups that reveal sensitive data (religion, ethnicity, gender identity) are
        # declared only where sensitive data may be held.
        if sensitive:
            if religion == c.Religion.ISLAM.value and not origin and chance(0.9):
                groups.append((pk, _G.THAI_MUSLIM.value, _DECLARED, issued, None, ""))
            if lgbtq:
                groups.append((pk, _G.LGBTQ.value, _DECLARED, issued, None, ""))
            if (
                ethnic
                or (status
                in (
                    c.CivilStatus.STATELESS.value,
                    c.CivilStatus.THAI_UNREGISTERED.value,
                    c.CivilStatus.NON_THAI_6_7.value,
                )
                and not origin)
            ):
                groups.append((pk, _G.STATUS_ETHNIC_INDIGENOUS.value, _SURVEY, issued, None, ""))

    def guardian_relationship(self, p: _Person, head: _Person) -> str:
        if p.relationship == c.Relationship.GRANDCHILD:
            return "ยาย" if head.sex == c.Sex.FEMALE.value else "ตา"
        return "มารดา" if head.sex == c.Sex.FEMALE.value else "บิดา"

    def identifier(
        self,
        pk: int,
        doc_type: str,
        number: str,
        *,
        valid_to: str | None = None,
        current: bool = True,
        country: str = "",
    ) -> tuple[Any, ...]:
        from saphan.people.services import identifier_index

        valid_from = self.day_within(
            self.today - dt.timedelta(days=3650), self.today - dt.timedelta(days=30)
        )
        if valid_to is not None and valid_to < valid_from.isoformat():
            valid_from = dt.date.fromisoformat(valid_to) - dt.timedelta(days=365)
        return (
            pk,
            doc_type,
            encrypt_text(number),
            identifier_index(doc_type, number),
            number[-4:],
            country,
            valid_from.isoformat(),
            valid_to,
            current,
            "",
            self.ctx.now,
        )

    def weighted_disability(self) -> str:
        x = self.rng.random() * 100
        for dtype, weight in DISABILITY_WEIGHTS:
            x -= weight
            if x < 0:
                return dtype
        return DISABILITY_WEIGHTS[0][0]

    def civil_status(self, origin: str, ethnic: str, age: float | None) -> tuple[str, str]:
        rng = self.rng
        cs = c.CivilStatus
        vs = c.VerificationStage
        if origin:
            if age is not None and age < 15:
                status = cs.NON_THAI_6_7.value if self.chance(0.6) else cs.NONE.value
            else:
                r = rng.random()
                status = (
                    cs.MIGRANT_WITH_PERMIT.value
                    if r < 0.72
                    else (cs.NONE.value if r < 0.9 else cs.NON_THAI_6_7.value)
                )
            return status, ""
        if ethnic:
            r = rng.random()
            if r < 0.55:
                return cs.THAI_REGISTERED.value, ""
            if r < 0.77:
                stage = rng.choice(
                    (vs.NOT_STARTED, vs.DOCUMENTS, vs.WITNESSES, vs.DNA_TEST, vs.INTERVIEW,
                     vs.AWAITING_DECISION, vs.APPROVED, vs.ID_CARD_ISSUED, vs.REJECTED)
                )  # fmt: skip
                return cs.STATELESS.value, stage.value
            if r < 0.89:
                return cs.NON_THAI_6_7.value, rng.choice((vs.NOT_STARTED, vs.DOCUMENTS, "")) or ""
            if r < 0.96:
                return cs.THAI_UNREGISTERED.value, rng.choice(
                    (vs.NOT_STARTED, vs.DOCUMENTS, vs.WITNESSES, vs.DNA_TEST, vs.AWAITING_DECISION)
                ).value
            return cs.NONE.value, vs.NOT_STARTED.value
        if self.chance(0.008):
            return cs.THAI_UNREGISTERED.value, rng.choice(
                (vs.NOT_STARTED, vs.DOCUMENTS, vs.WITNESSES, vs.DNA_TEST, vs.INTERVIEW)
            ).value
        return cs.THAI_REGISTERED.value, ""

    def work(self, age: float | None, origin: str, homeless: bool) -> tuple[str, str]:
        w = c.WorkStatus
        i = c.IncomeBand
        if age is not None and age < 15:
            return (w.STUDENT.value if age >= 6 else ""), ""
        if homeless:
            status = self.pick((w.UNEMPLOYED, 0.4), (w.INFORMAL, 0.4), (w.UNABLE, 0.2))
        elif origin:
            status = self.pick((w.EMPLOYED, 0.6), (w.INFORMAL, 0.4))
        elif age is not None and age < 18:
            status = self.pick((w.STUDENT, 0.85), (w.INFORMAL, 0.15))
        elif age is not None and age >= 60:
            status = self.pick(
                (w.RETIRED, 0.25), (w.INFORMAL, 0.3), (w.UNABLE, 0.17), (w.UNEMPLOYED, 0.1)
            )
        else:
            status = self.pick(
                (w.INFORMAL, 0.42),
                (w.EMPLOYED, 0.22),
                (w.UNEMPLOYED, 0.12),
                (w.UNABLE, 0.05),
                (w.STUDENT, 0.05 if (age or 40) < 25 else 0.0),
            )
        if status in ("", w.STUDENT):
            return status, ""
        if status in (w.UNEMPLOYED, w.UNABLE):
            return status, self.pick((i.NONE, 0.6), (i.UNDER_3000, 0.4))
        if status == w.RETIRED:
            return status, self.pick((i.UNDER_3000, 0.8), (i.FROM_3000, 0.2))
        if status == w.INFORMAL:
            return status, self.pick(
                (i.UNDER_3000, 0.35), (i.FROM_3000, 0.45), (i.FROM_9000, 0.15), (i.FROM_15000, 0.05)
            )
        return status, self.pick((i.FROM_3000, 0.2), (i.FROM_9000, 0.5), (i.FROM_15000, 0.3))

    # -- the chunk -------------------------------------------------------------------------

    def run(self) -> dict[str, list[tuple[Any, ...]]]:
        count = self.task.count
        while self.next_person < count:
            self.unit(count - self.next_person)
        extras = self.ctx.extras
        if any(extras.values()):
            for table, extra in extras.items():
                if extra:
                    self.rows[table] = [row + extra for row in self.rows[table]]
        return self.rows
