"""The committed XLSForm and CSV template (saphan.intake.xlsform); no database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from pyxform.xls2xform import convert

from saphan.intake import xlsform
from saphan.intake.readers import read_table
from saphan.people import choices as c

#: The import's field names, as the lead's importer expects them (no mapping file).
FIELDS = {
    "given_name", "family_name", "title", "nickname", "given_name_latin", "family_name_latin",
    "sex", "birth_date", "national_id", "phone", "province", "district", "subdistrict",
    "address", "no_fixed_address", "groups", "disabilities", "chronic_illness", "bedridden",
    "civil_status", "work_status", "income_band", "consent_given_on", "consent_sensitive",
    "consent_sharing", "consent_given_by", "guardian_name",
}  # fmt: skip
COMMITTED = xlsform.FORMS_DIR / xlsform.XLSFORM_NAME
THAI = re.compile("[\u0e01-\u0e5b]")
EN, TH = "label::English (en)", "label::Thai (th)"


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book}
    finally:
        book.close()


def as_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, str]]:
    header = rows[0]
    return [{h: v or "" for h, v in zip(header, row, strict=False)} for row in rows[1:]]


@pytest.fixture(scope="module")
def survey() -> list[dict[str, str]]:
    return as_dicts(sheet_values(COMMITTED)["survey"])


@pytest.fixture(scope="module")
def choices() -> list[dict[str, str]]:
    return as_dicts(sheet_values(COMMITTED)["choices"])


def questions(survey: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in survey if r["type"] not in ("begin_group", "end_group", "note")]


def test_the_committed_form_is_what_the_code_generates(tmp_path: Path) -> None:
    fresh = tmp_path / "form.xlsx"
    xlsform.build_xlsform(fresh)
    assert sheet_values(fresh) == sheet_values(COMMITTED), "run `saphan intake_forms`"


def test_the_committed_csv_template_is_what_the_code_generates(tmp_path: Path) -> None:
    fresh = tmp_path / "template.csv"
    xlsform.build_csv_template(fresh)
    committed = xlsform.FORMS_DIR / xlsform.CSV_TEMPLATE_NAME
    assert fresh.read_bytes() == committed.read_bytes(), "run `saphan intake_forms`"
    assert committed.read_bytes().startswith(b"\xef\xbb\xbf")


def test_pyxform_converts_it_to_an_xform() -> None:
    warnings: list[str] = []
    result = convert(str(COMMITTED), warnings=warnings)
    assert warnings == []
    xform = result.xform
    assert f'id="{xlsform.FORM_ID}"' in xform
    assert '<translation lang="Thai (th)" default="true()">' in xform
    for name in ("consent_given_on", "given_name", "subdistrict", "groups", "bedridden"):
        assert f"/{name}" in xform


def test_question_names_are_the_import_fields(survey: list[dict[str, str]]) -> None:
    names = [r["name"] for r in questions(survey)]
    assert set(names) == FIELDS
    assert len(names) == len(set(names))
    assert set(xlsform.FIELD_NAMES) == FIELDS


def test_every_question_has_thai_and_english_labels(survey: list[dict[str, str]]) -> None:
    for row in survey:
        if row["type"] == "end_group":
            continue
        assert row[EN] and row[TH], row["name"]
        assert row[EN] != row[TH], row["name"]
        assert THAI.search(row[TH]), row["name"]
        assert (row["hint::English (en)"] == "") == (row["hint::Thai (th)"] == ""), row["name"]


def test_choice_labels_come_from_both_catalogues(choices: list[dict[str, str]]) -> None:
    for row in choices:
        assert row[EN] and THAI.search(row[TH]), row
    by_list: dict[str, dict[str, dict[str, str]]] = {}
    for row in choices:
        by_list.setdefault(row["list_name"], {})[row["name"]] = row
    assert by_list["sex"]["female"][EN] == "Female"
    assert by_list["sex"]["female"][TH] == "หญิง"
    declared = {v for v in c.PopulationGroup.values if v not in c.DERIVED_GROUPS}
    assert set(by_list["population_group"]) == declared
    for value, row in by_list["population_group"].items():
        assert row["sensitive"] == ("yes" if value in c.SENSITIVE_GROUPS else "no")
    assert set(by_list["disability_type"]) == set(c.DisabilityType.values)
    assert set(by_list["civil_status"]) == set(c.CivilStatus.values)
    assert set(by_list["work_status"]) == set(c.WorkStatus.values)
    assert set(by_list["income_band"]) == set(c.IncomeBand.values)
    assert set(by_list["consent_giver"]) == set(c.ConsentGiver.values)


def test_places_are_the_project_provinces_with_cascading_codes(
    choices: list[dict[str, str]], settings: Any
) -> None:
    provinces = {r["name"] for r in choices if r["list_name"] == "province"}
    assert provinces == set(settings.SAPHAN_PROJECT_PROVINCES)
    districts = {r["name"]: r for r in choices if r["list_name"] == "district"}
    assert all(
        d["province"] in provinces and n.startswith(d["province"]) for n, d in districts.items()
    )
    subdistricts = [r for r in choices if r["list_name"] == "subdistrict"]
    assert subdistricts and all(s["district"] in districts for s in subdistricts)
    assert all(s["name"].startswith(s["district"]) for s in subdistricts)


def test_consent_comes_first_and_guards_the_sensitive_questions(
    survey: list[dict[str, str]],
) -> None:
    assert (survey[0]["type"], survey[0]["name"]) == ("begin_group", "consent")
    consent_end = next(i for i, r in enumerate(survey) if r["type"] == "end_group")
    assert {r["name"] for r in survey[:consent_end]} >= {
        "consent_given_on", "consent_sensitive", "consent_sharing", "consent_given_by",
        "guardian_name",
    }  # fmt: skip
    by_name = {r["name"]: r for r in survey if r["type"] != "end_group"}
    assert by_name["sensitive"]["relevant"] == "${consent_sensitive} = 'yes'"
    start = survey.index(by_name["sensitive"])
    inside = {r["name"] for r in survey[start:] if r["type"] != "end_group"}
    assert {"disabilities", "chronic_illness", "bedridden", "civil_status"} <= inside
    assert "${consent_sensitive} = 'yes'" in by_name["groups"]["choice_filter"]
    assert by_name["guardian_name"]["relevant"] == "${consent_given_by} = 'guardian'"
    assert by_name["national_id"]["constraint"] == "regex(., '^[0-9]{13}$')"
    assert by_name["given_name"]["required"] == "yes"


def test_a_kobo_export_of_the_form_reads_as_the_import_fields(
    survey: list[dict[str, str]], tmp_path: Path
) -> None:
    """KoBo's "XML values and headers" CSV: group/name headers, metadata, no notes."""
    path: list[str] = []
    header = ["start", "end"]
    for row in survey:
        if row["type"] == "begin_group":
            path.append(row["name"])
        elif row["type"] == "end_group":
            path.pop()
        elif row["type"] != "note":
            header.append("/".join([*path, row["name"]]))
    header += ["meta/instanceID", "_id", "_uuid", "_submission_time", "_index"]
    export = tmp_path / "export.csv"
    export.write_text(";".join(header) + "\n" + ";".join(["x"] * len(header)) + "\n", "utf-8")
    table = read_table(export)
    assert table.file_format == "kobo_csv"
    assert set(table.columns) == FIELDS | {"source_id"}


def test_the_csv_template_reads_as_the_import_fields(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    xlsform.build_csv_template(path)
    table = read_table(path)
    assert (table.encoding, table.columns) == ("utf-8-sig", list(xlsform.FIELD_NAMES))
    row = table.frame.row(0, named=True)
    assert row["given_name"] == "สมหญิง"
    assert (row["province"], row["district"], row["subdistrict"]) == ("11", "1101", "110101")


def test_the_command_writes_both_files(tmp_path: Path) -> None:
    call_command("intake_forms", "--out", str(tmp_path))
    assert (tmp_path / xlsform.XLSFORM_NAME).exists()
    assert (tmp_path / xlsform.CSV_TEMPLATE_NAME).exists()
