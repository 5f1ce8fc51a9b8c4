"""Reading the words people type in survey columns: yes/no, sex, choice labels, groups,
and place names (DOPA codes or Thai/English names, misspellings matched to the nearest
name in the right province or district)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils import translation
from rapidfuzz import fuzz, process

from saphan.people import choices as c

YES = frozenset({"yes", "y", "true", "1", "ใช่", "มี", "ได้", "ยินยอม", "x", "✓"})
NO = frozenset({"no", "n", "false", "0", "ไม่", "ไม่ใช่", "ไม่มี", "ไม่ยินยอม", "-"})
SEX_WORDS = {
    "male": c.Sex.MALE,
    "m": c.Sex.MALE,
    "ชาย": c.Sex.MALE,
    "ช": c.Sex.MALE,
    "female": c.Sex.FEMALE,
    "f": c.Sex.FEMALE,
    "หญิง": c.Sex.FEMALE,
    "ญ": c.Sex.FEMALE,
}
LIST_SPLIT = re.compile(r"[\s,;|/]+")
#: Misspelt place names are accepted at this similarity (0–100) and reported as warnings.
PLACE_MATCH_SCORE = 85


def word_key(text: str) -> str:
    return " ".join(text.strip().lower().split())


def yes_no(text: str) -> bool | None:
    """True/False, or None for a word that is neither."""
    key = word_key(text)
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def choice_words(choices: type[Any]) -> dict[str, str]:
    """value, English label and Thai label (lower-cased) → value."""
    words: dict[str, str] = {}
    for value, label in choices.choices:
        if not value:
            continue
        words[word_key(value)] = value
        for language in ("en", "th"):
            with translation.override(language):
                words.setdefault(word_key(str(label)), value)
    return words


def choice_list(text: str, words: dict[str, str]) -> tuple[list[str], list[str]]:
    """A list typed in one cell ("homeless, informal_worker" or labels on lines).
    Labels may contain spaces, so the whole cell and each line are tried first."""
    found: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[\n;|,]+", text):
        key = word_key(part)
        if not key:
            continue
        if key in words:
            found.append(words[key])
            continue
        for token in LIST_SPLIT.split(key):
            if token in words:
                found.append(words[token])
            elif token:
                unknown.append(token)
    return list(dict.fromkeys(found)), unknown


_PLACE_PREFIXES = re.compile(
    r"^(จังหวัด|จ\.|อำเภอ|อ\.|กิ่งอำเภอ|เขต|ตำบล|ต\.|แขวง|changwat|amphoe|tambon|khet|khwaeng)\s*",
    re.IGNORECASE,
)


def place_key(text: str) -> str:
    return _PLACE_PREFIXES.sub("", word_key(text)).replace(" ", "")


@dataclass
class PlaceMatch:
    province: str = ""
    district: str = ""
    subdistrict: str = ""
    error: str = ""  # "province" | "district" | "subdistrict" (the part not found)
    corrected: tuple[tuple[str, str, str], ...] = ()  # (part, typed, matched name)


class Gazetteer:
    """The geography in memory, for matching the place columns of a file."""

    def __init__(self) -> None:
        from saphan.geo.models import District, Province, Subdistrict

        self.provinces = {
            p.code: (p.name_th, p.name_en) for p in Province.objects.only("name_th", "name_en")
        }
        self.districts: dict[str, tuple[str, str, str]] = {
            d.code: (d.province_id, d.name_th, d.name_en)
            for d in District.objects.only("province_id", "name_th", "name_en")
        }
        self.subdistricts: dict[str, tuple[str, str, str, str]] = {
            s.code: (s.province_id, s.district_id, s.name_th, s.name_en)
            for s in Subdistrict.objects.only("province_id", "district_id", "name_th", "name_en")
        }

    @cached_property
    def _province_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for code, (th, en) in self.provinces.items():
            names[place_key(th)] = code
            names[place_key(en)] = code
        names[place_key("กทม")] = "10"
        return names

    @cached_property
    def _district_names(self) -> dict[str, dict[str, str]]:
        by_province: dict[str, dict[str, str]] = {}
        for code, (province, th, en) in self.districts.items():
            names = by_province.setdefault(province, {})
            names.setdefault(place_key(th), code)
            names.setdefault(place_key(en), code)
        return by_province

    @cached_property
    def _subdistrict_names(self) -> dict[str, dict[str, str]]:
        by_district: dict[str, dict[str, str]] = {}
        for code, (_province, district, th, en) in self.subdistricts.items():
            names = by_district.setdefault(district, {})
            names.setdefault(place_key(th), code)
            names.setdefault(place_key(en), code)
        return by_district

    @staticmethod
    def _find(typed: str, names: dict[str, str]) -> tuple[str, str]:
        """(code, matched name) by exact name, else the closest name above the score."""
        key = place_key(typed)
        if not key:
            return "", ""
        if key in names:
            return names[key], ""
        best = process.extractOne(key, names.keys(), scorer=fuzz.ratio)
        if best and best[1] >= PLACE_MATCH_SCORE:
            return names[best[0]], best[0]
        return "", ""

    def match(self, province: str, district: str, subdistrict: str) -> PlaceMatch:
        found = PlaceMatch()
        corrected: list[tuple[str, str, str]] = []
        province, district, subdistrict = province.strip(), district.strip(), subdistrict.strip()
        if subdistrict.isdigit() and subdistrict in self.subdistricts:
            found.province, found.district, *_names = self.subdistricts[subdistrict]
            found.subdistrict = subdistrict
            return found
        if district.isdigit() and district in self.districts:
            found.district = district
            found.province = self.districts[district][0]
        if not found.province and province:
            if province.isdigit():
                found.province = province if province in self.provinces else ""
            else:
                found.province, name = self._find(province, self._province_names)
                if name:
                    corrected.append(("province", province, name))
            if not found.province:
                found.error = "province"
                return found
        if not found.district and district:
            if not found.province:
                found.error = "province"
                return found
            found.district, name = self._find(
                district, self._district_names.get(found.province, {})
            )
            if name:
                corrected.append(("district", district, name))
            if not found.district:
                found.error = "district"
                return found
        if subdistrict:
            if not found.district:
                found.error = "district"
                return found
            found.subdistrict, name = self._find(
                subdistrict, self._subdistrict_names.get(found.district, {})
            )
            if name:
                corrected.append(("subdistrict", subdistrict, name))
            if not found.subdistrict:
                found.error = "subdistrict"
        found.corrected = tuple(corrected)
        return found
