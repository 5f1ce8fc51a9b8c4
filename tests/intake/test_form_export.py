"""The shipped XLSForm and the importer agree: an export of the form (as KoBoToolbox
writes it, group paths and meta columns included) imports with no mapping, and every
choice the form offers is a value the importer accepts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from saphan.intake import validate, vocab
from saphan.intake.fields import FIELDS_BY_NAME
from saphan.intake.models import ImportJob
from saphan.intake.xlsform import FORMS_DIR
from saphan.people.models import Person
from tests.intake.conftest import thai_id

pytestmark = pytest.mark.django_db

FORM = FORMS_DIR / "registry_survey.xlsx"
META = ["start", "end", "_id", "_uuid", "_submission_time", "_index", "_validation_status"]


def _questions() -> list[tuple[str, str, str]]:
    """(group path, type, name) of every question that exports a column."""
    sheet = openpyxl.load_workbook(FORM, read_only=True)["survey"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    kind, name = header.index("type"), header.index("name")
    groups: list[str] = []
    found = []
    for row in rows:
        if not row[kind]:
            continue
        if row[kind] == "begin_group":
            groups.append(row[name])
        elif row[kind] == "end_group":
            groups.pop()
        elif row[kind] != "note":
            found.append(("/".join(groups), str(row[kind]), str(row[name])))
    return found


def _choices() -> dict[str, list[str]]:
    sheet = openpyxl.load_workbook(FORM, read_only=True)["choices"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    lists: dict[str, list[str]] = {}
    for row in rows:
        if row[header.index("list_name")]:
            lists.setdefault(row[header.index("list_name")], []).append(
                str(row[header.index("name")])
            )
    return lists


GOOD = {
    "consent_given_on": ("2026-11-01", "2026-11-02"),
    "consent_given_by": ("self", "guardian"),
    "guardian_name": ("", "สมศรี ใจดี"),
    "consent_sensitive": ("yes", "no"),
    "consent_sharing": ("yes", "yes"),
    "given_name": ("คำแสน", "เด็กหญิงน้ำฝน"),
    "family_name": ("ดีงาม", "ใจดี"),
    "title": ("นาง", ""),
    "nickname": ("แสน", ""),
    "given_name_latin": ("Khamsaen", ""),
    "family_name_latin": ("Dee-ngam", ""),
    "sex": ("female", "female"),
    "birth_date": ("15/03/2490", "2562"),
    "national_id": (thai_id("150010000011"), ""),
    "phone": ("0812345678", ""),
    "province": ("55", "55"),
    "district": ("5501", "5502"),
    "no_fixed_address": ("no", "no"),
    "subdistrict": ("550101", "550202"),
    "address": ("12 หมู่ 3", ""),
    "groups": ("informal_worker", "women"),
    "work_status": ("informal", "student"),
    "income_band": ("lt3000", "none"),
    "disabilities": ("movement seeing", ""),
    "chronic_illness": ("yes", ""),
    "bedridden": ("no", ""),
    "civil_status": ("thai_registered", ""),
}


def test_every_question_of_the_form_is_an_import_field() -> None:
    names = [name for _group, _kind, name in _questions()]
    assert set(names) == set(GOOD), "update GOOD when the form changes"
    assert set(names) <= set(FIELDS_BY_NAME)


def test_every_choice_of_the_form_is_accepted_by_the_importer() -> None:
    lists = _choices()
    gazetteer = vocab.Gazetteer()
    for _group, kind, name in _questions():
        if not kind.startswith("select_"):
            continue
        values = lists[kind.split()[1]]
        assert values, name
        for value in values:
            if name == "province":
                assert value in gazetteer.provinces
            elif name == "district":
                assert value in gazetteer.districts
            elif name == "subdistrict":
                assert value in gazetteer.subdistricts
            else:
                cell = validate.CHECKS[name](value)
                assert not cell.code or cell.warning, (name, value, cell.message)


def test_an_export_of_the_form_imports_without_mapping(
    make_org: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    org = make_org(provinces=("55",))
    questions = _questions()
    header = META[:2] + [f"{g}/{n}" if g else n for g, _k, n in questions] + META[2:]
    rows: list[list[str]] = [header]
    for i in range(2):
        meta_head = ["2026-11-01T09:00:00", "2026-11-01T09:20:00"]
        meta_tail = [str(100 + i), f"uuid:{i:08d}-kobo", "2026-11-01T10:00:00", str(i + 1), ""]
        rows.append(meta_head + [GOOD[n][i] for _g, _k, n in questions] + meta_tail)
    call_command("import", "persons", str(write_csv(rows, delimiter=";")), "--org", org.code)
    job = ImportJob.objects.get()
    problems = list(job.issues.filter(is_warning=False).values_list("column", "message_en"))
    assert (job.created, job.rejected) == (2, 0), problems
    kham = Person.objects.get(given_name="คำแสน")
    assert (kham.birth_year, kham.current_subdistrict_id, kham.phone) == (
        1947,
        "550101",
        "0812345678",
    )
    assert set(kham.disabilities.values_list("disability_type", flat=True)) == {
        "movement",
        "seeing",
    }
    girl = Person.objects.get(given_name="น้ำฝน")
    assert girl.title == "เด็กหญิง"
    assert girl.consents.get().given_by == "guardian"
