"""Tables, columns, shares and name lists of the demo people (invented, not real data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from saphan.people import choices as c
from saphan.people.identity import DocumentType

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
