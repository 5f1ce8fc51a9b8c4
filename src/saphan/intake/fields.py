"""The columns an import understands, and how file headers map onto them.

The names are the XLSForm's question names (``intake/forms/registry_survey.xlsx``), so a
KoBoToolbox/ODK export imports with no mapping. Other files map automatically when their
headers are one of the known Thai or English spellings, or through a mapping the user
picks on the mapping page (or ``--mapping MAP.json`` on the command line).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saphan.core.errors import field_error


@dataclass(frozen=True)
class ImportField:
    name: str
    label: Promise
    spellings: tuple[str, ...] = ()
    required: bool = False
    sensitive: bool = False


FIELDS: tuple[ImportField, ...] = (
    ImportField("source_id", _("Submission id"), ("_uuid", "uuid", "instanceid", "record id")),
    ImportField("title", _("Title"), ("คำนำหน้า", "คำนำหน้าชื่อ", "prefix")),
    ImportField(
        "given_name",
        _("Given name"),
        ("ชื่อ", "ชื่อจริง", "first name", "firstname", "name", "fname"),
        required=True,
    ),
    ImportField(
        "family_name", _("Family name"), ("นามสกุล", "สกุล", "surname", "last name", "lname")
    ),
    ImportField("nickname", _("Nickname"), ("ชื่อเล่น", "nick name")),
    ImportField("given_name_latin", _("Given name (Latin letters)"), ("ชื่อภาษาอังกฤษ",)),
    ImportField("family_name_latin", _("Family name (Latin letters)"), ("นามสกุลภาษาอังกฤษ",)),
    ImportField("sex", _("Sex"), ("เพศ", "gender")),
    ImportField(
        "birth_date",
        _("Date of birth"),
        ("วันเกิด", "วันเดือนปีเกิด", "ปีเกิด", "dob", "date of birth", "birthdate"),
    ),
    ImportField(
        "national_id",
        _("National ID number"),
        ("เลขบัตรประชาชน", "เลขประจำตัวประชาชน", "เลขบัตร", "citizen id", "id card", "cid", "pid"),
    ),
    ImportField("phone", _("Phone"), ("โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "mobile", "tel")),
    ImportField("province", _("Province"), ("จังหวัด", "province code", "รหัสจังหวัด")),
    ImportField("district", _("District"), ("อำเภอ", "เขต", "amphoe", "district code")),
    ImportField("subdistrict", _("Subdistrict"), ("ตำบล", "แขวง", "tambon", "subdistrict code")),
    ImportField("address", _("House and village"), ("ที่อยู่", "บ้านเลขที่", "address line")),
    ImportField("no_fixed_address", _("No fixed address"), ("ไม่มีที่อยู่เป็นหลักแหล่ง",)),
    ImportField("groups", _("Groups"), ("กลุ่ม", "กลุ่มประชากร", "population groups")),
    ImportField("disabilities", _("Disabilities"), ("ความพิการ", "ประเภทความพิการ"), sensitive=True),
    ImportField("chronic_illness", _("Chronic illness"), ("โรคเรื้อรัง",), sensitive=True),
    ImportField("bedridden", _("Bedridden"), ("ติดเตียง",), sensitive=True),
    ImportField("civil_status", _("Civil status"), ("สถานะทางทะเบียน",), sensitive=True),
    ImportField("work_status", _("Work"), ("อาชีพ", "การทำงาน", "occupation")),
    ImportField("income_band", _("Income"), ("รายได้",)),
    ImportField("consent_given_on", _("Consent given on"), ("วันที่ให้ความยินยอม", "consent date")),
    ImportField("consent_sensitive", _("Consent covers sensitive data"), ()),
    ImportField("consent_sharing", _("Consent covers sharing"), ()),
    ImportField("consent_given_by", _("Consent given by"), ()),
    ImportField("guardian_name", _("Guardian's name"), ("ชื่อผู้ปกครอง",)),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
IGNORE = ""  # mapping value: do not import this column


def _key(text: str) -> str:
    return re.sub(r"[\s_\-.:/()]+", " ", text.strip().lower()).strip()


_SPELLINGS: dict[str, str] = {}
for _field in FIELDS:
    for _spelling in (_field.name, _field.name.replace("_", " "), *_field.spellings):
        _SPELLINGS.setdefault(_key(_spelling), _field.name)


def mapping_guess(columns: list[str]) -> dict[str, str]:
    """Column → field for every header that is a known spelling; others are ignored.
    Each field is taken by its first column only."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        name = _SPELLINGS.get(_key(column), "")
        if name and name not in taken:
            mapping[column] = name
            taken.add(name)
        else:
            mapping[column] = IGNORE
    return mapping


def mapping_check(mapping: dict[str, str], columns: list[str]) -> dict[str, str]:
    """Refuse a mapping that names columns the file lacks, unknown fields, a field twice,
    or no given name. Returns the mapping restricted to imported columns."""
    missing = [c for c in mapping if c not in columns]
    if missing:
        raise field_error(
            "mapping",
            _("The mapping names columns the file does not have: %(columns)s."),
            columns=", ".join(missing),
        )
    unknown = sorted({f for f in mapping.values() if f and f not in FIELDS_BY_NAME})
    if unknown:
        raise field_error(
            "mapping", _("Unknown fields in the mapping: %(fields)s."), fields=", ".join(unknown)
        )
    used = [f for f in mapping.values() if f]
    twice = sorted({f for f in used if used.count(f) > 1})
    if twice:
        raise field_error(
            "mapping",
            _("Each field can come from one column only: %(fields)s."),
            fields=", ".join(twice),
        )
    if "given_name" not in used:
        raise field_error(
            "mapping",
            _(
                "No column is mapped to the given name. If this is not a registry "
                "survey, check that you chose the right file."
            ),
        )
    return {column: name for column, name in mapping.items() if name}


def mapping_load(path: Path) -> dict[str, str]:
    """A mapping file: ``{"columns": {"ชื่อ": "given_name", …}}`` (or the bare dict)."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise field_error(
            "mapping", _("The mapping file cannot be read: %(error)s"), error=str(exc)
        ) from exc
    columns = data.get("columns", data) if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise field_error(
            "mapping",
            _('A mapping file is a JSON object: {"columns": {"column in the file": "field"}}.'),
        )
    return dict(columns)
