"""Reading uploaded files into string tables (saphan.intake.readers); no database."""

from __future__ import annotations

import codecs
import datetime as dt
import pickle
import time
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
from django.utils import translation

from saphan.intake.readers import IntakeFileError, read_table, sniff_format


@pytest.fixture(autouse=True)
def _english() -> Any:
    # The assertions read the English messages; Thai is the default language.
    with translation.override("en"):
        yield


THAI_ROWS = [
    ["given_name", "family_name", "national_id", "phone"],
    ["สมชาย", "ใจดี", "0101700203451", "0812345678"],
    ["  น้ำฝน ", "", "", "021234567"],
]


def write_text(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", sep: str = ","
) -> Path:
    path.write_bytes(("\r\n".join(sep.join(r) for r in rows) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], *, sheet: str = "Sheet1") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet(sheet)
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, row in enumerate(rows):
        for col, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, col, value, date)
            elif value is not None:
                ws.write(r, col, value)
    workbook.close()
    return path


def records(table: Any) -> list[dict[str, Any]]:
    return table.frame.to_dicts()


def error(path: Path, **kwargs: Any) -> IntakeFileError:
    with pytest.raises(IntakeFileError) as info:
        read_table(path, **kwargs)
    return info.value


# -- CSV ---------------------------------------------------------------------------------


def test_utf8_csv_keeps_every_cell_as_text(tmp_path: Path) -> None:
    table = read_table(write_text(tmp_path / "a.csv", THAI_ROWS))
    assert (table.file_format, table.encoding, table.delimiter) == ("csv", "utf-8", ",")
    assert table.columns == table.source_columns == THAI_ROWS[0]
    assert all(dtype == pl.String for dtype in table.frame.dtypes)
    assert records(table) == [
        {"given_name": "สมชาย", "family_name": "ใจดี", "national_id": "0101700203451",
         "phone": "0812345678"},
        {"given_name": "น้ำฝน", "family_name": None, "national_id": None, "phone": "021234567"},
    ]  # fmt: skip
    assert table.row_numbers.to_list() == [2, 3]


def test_utf8_with_bom(tmp_path: Path) -> None:
    table = read_table(write_text(tmp_path / "a.csv", THAI_ROWS, encoding="utf-8-sig"))
    assert table.encoding == "utf-8-sig"
    assert table.columns[0] == "given_name"
    assert table.frame["given_name"][0] == "สมชาย"


def test_windows_874_thai_csv(tmp_path: Path) -> None:
    rows = [["ชื่อ", "นามสกุล"], ["สมชาย", "ใจดี"], ["น้ำฝน", "เย็นใจ"]]
    table = read_table(write_text(tmp_path / "a.csv", rows, encoding="cp874"))
    assert table.encoding == "cp874"
    assert table.columns == ["ชื่อ", "นามสกุล"]
    assert table.frame.rows() == [("สมชาย", "ใจดี"), ("น้ำฝน", "เย็นใจ")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_tab_separated_as_excel_unicode_text(tmp_path: Path, encoding: str) -> None:
    table = read_table(write_text(tmp_path / "a.txt", THAI_ROWS, encoding=encoding, sep="\t"))
    assert table.encoding == encoding
    assert table.delimiter == "\t"
    assert table.frame["national_id"][0] == "0101700203451"


def test_semicolons_as_kobo_exports_them(tmp_path: Path) -> None:
    rows = [["name", "note"], ["a", '"x, y"'], ["b", "z"]]
    table = read_table(write_text(tmp_path / "a.csv", rows, sep=";"))
    assert table.delimiter == ";"
    assert table.frame["note"].to_list() == ["x, y", "z"]


def test_excel_sep_line_blank_rows_trailing_delimiters_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('sep=;\nname;note;;\n"a";"line 1\nline 2";;\n;;;\n\nb;;;\n', encoding="utf-8")
    table = read_table(path)
    assert table.columns == ["name", "note"]
    assert table.frame.rows() == [("a", "line 1\nline 2"), ("b", None)]
    # Spreadsheet rows: sep line 1, header 2, records 3..6
    assert table.row_numbers.to_list() == [3, 6]


def test_a_character_split_between_read_chunks_is_still_utf8(tmp_path: Path) -> None:
    prefix = b"name\n" + b"a" * ((1 << 20) - 7) + b"\n"
    assert len(prefix) == (1 << 20) - 1  # the 3 bytes of "ส" straddle the 1 MiB chunk edge
    path = tmp_path / "a.csv"
    path.write_bytes(prefix + "สมชาย\n".encode())
    table = read_table(path)
    assert table.encoding == "utf-8"
    assert table.frame["name"][-1] == "สมชาย"


def test_bytes_neither_utf8_nor_thai_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("name\nสมชาย\n".encode() + b"bad \x81\xfe\n")
    err = error(path)
    assert err.code == "encoding"
    assert err.params == {"line": 3}
    assert "UTF-8" in str(err.message)


def test_thai_garbled_by_a_wrong_encoding_is_refused(tmp_path: Path) -> None:
    garbled = "ชื่อ,นามสกุล\nสมชาย,ใจดี\n".encode().decode("cp1252", errors="ignore")
    path = tmp_path / "a.csv"
    path.write_text(garbled, encoding="utf-8")
    err = error(path)
    assert err.code == "encoding" and "garbled" in str(err.message)


def test_latin1_text_is_not_mistaken_for_thai(tmp_path: Path) -> None:
    # Every byte is defined in cp874, but é, è and ë become Thai tone marks on Latin letters.
    rows = [["name"], ["José"], ["Renée"], ["Hélène"], ["Zoë"], ["André"]]
    err = error(write_text(tmp_path / "a.csv", rows, encoding="latin-1"))
    assert err.code == "encoding" and "garbled" in str(err.message)


def test_ragged_rows_name_the_first_bad_line(tmp_path: Path) -> None:
    rows = [["a", "b"], ["1", "2"], ["3", "4", ""], ["5", "6", "7"]]
    err = error(write_text(tmp_path / "a.csv", rows))
    assert err.code == "ragged"
    assert err.params == {"line": 4, "found": 3, "expected": 2}


def test_rows_padded_with_empty_values_are_not_ragged(tmp_path: Path) -> None:
    rows = [["a", "b"], ["1", "2", "", ""], ["3", "4"]]
    assert read_table(write_text(tmp_path / "a.csv", rows)).frame.rows() == [("1", "2"), ("3", "4")]


def test_max_rows_reads_a_preview_with_the_same_columns(tmp_path: Path) -> None:
    rows = [["a", "", "b", ""]] + [[str(i), "", "x", ""] for i in range(50)]
    path = write_text(tmp_path / "a.csv", rows)
    preview, full = read_table(path, max_rows=5), read_table(path)
    assert preview.frame.height == 5 and full.frame.height == 50
    # An unnamed column between names stays (to map by hand); trailing ones go.
    assert preview.columns == full.columns == ["a", "column_2", "b"]


# -- refusals ----------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    assert error(path).code == "empty"
    path.write_bytes(b"\r\n\r\n ,, \r\n")
    assert error(path).code == "empty"


def test_header_only(tmp_path: Path) -> None:
    err = error(write_text(tmp_path / "a.csv", [["a", "b"], ["", " "]]))
    assert (err.code, str(err.message)) == ("empty", "The file has a header row but no data rows.")
    assert error(write_xlsx(tmp_path / "a.xlsx", [["a", "b"]])).code == "empty"


def test_a_header_without_names(tmp_path: Path) -> None:
    assert error(write_text(tmp_path / "a.csv", [[" ", "\ufeff"], ["1", "2"]])).code == "no_columns"


def test_an_oversize_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(2 * 1024**3)  # sparse: no disk used

    def no_reading(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    started = time.monotonic()
    err = error(path, max_bytes=1024 * 1024)
    assert time.monotonic() - started < 1
    assert err.code == "too_large"
    with translation.override("en"):
        assert "2.0" in str(err.message) and "GB" in str(err.message)


def test_the_size_limit_comes_from_settings(tmp_path: Path, settings: Any) -> None:
    settings.SAPHAN_IMPORT_MAX_BYTES = 10
    assert error(write_text(tmp_path / "a.csv", THAI_ROWS)).code == "too_large"


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(bytes(range(256)) * 40)
    assert error(path).code in {"encoding", "unreadable"}


@pytest.mark.parametrize(
    "head",
    [b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, b"<html><table>"],
)
def test_other_formats_are_refused(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(head + b"x" * 100)
    assert error(path).code == "unsupported"


def test_an_opendocument_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    err = error(path)
    assert err.code == "unsupported" and ".ods" in str(err.message)


def test_the_error_renders_when_shown_and_survives_pickling(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    err = pickle.loads(pickle.dumps(error(path)))  # noqa: S301 - our own object
    assert err.code == "empty"
    with translation.override("en"):
        assert str(err) == "The file is empty."
    with translation.override("th"):
        assert str(err.message)


# -- Excel -------------------------------------------------------------------------------


def test_xlsx_numbers_dates_and_ids_come_out_as_text(tmp_path: Path) -> None:
    rows = [
        ["national_id", "birth_date", "phone", "count", "typed_id", "ratio"],
        [1101700203451, dt.date(1967, 3, 15), 812345678, 3, "0101700203451", 0.5],
        [None, None, None, None, None, None],
        [1.0e15, dt.datetime(2024, 1, 2, 13, 45), "0812345678", 2.5, " x ", True],
    ]
    table = read_table(write_xlsx(tmp_path / "a.xlsx", rows))
    assert (table.file_format, table.sheet, table.encoding) == ("xlsx", "Sheet1", None)
    assert all(dtype == pl.String for dtype in table.frame.dtypes)
    assert records(table) == [
        {"national_id": "1101700203451", "birth_date": "1967-03-15", "phone": "812345678",
         "count": "3", "typed_id": "0101700203451", "ratio": "0.5"},
        {"national_id": "1000000000000000", "birth_date": "2024-01-02 13:45:00",
         "phone": "0812345678", "count": "2.5", "typed_id": "x", "ratio": "true"},
    ]  # fmt: skip
    assert table.row_numbers.to_list() == [2, 4]


def test_xlsx_header_below_title_rows_and_a_blank_first_sheet(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("ว่าง")
    ws = workbook.add_worksheet("รายชื่อ")
    ws.write_row(2, 1, ["ชื่อ", "ชื่อ"])
    ws.write_row(3, 1, ["สมชาย", "x"])
    workbook.close()
    table = read_table(path)
    assert table.sheet == "รายชื่อ"
    assert table.columns == ["ชื่อ", "ชื่อ (2)"]
    assert table.source_columns == ["ชื่อ", "ชื่อ"]
    assert table.row_numbers.to_list() == [4]


def test_xlsx_sheet_named_data_is_preferred_or_one_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    notes = workbook.add_worksheet("คำอธิบาย")
    notes.write_column(0, 0, ["read me", "then fill in Data"])
    data = workbook.add_worksheet("Data")
    data.write_row(0, 0, ["name"])
    data.write_row(1, 0, ["a"])
    workbook.close()
    assert read_table(path).sheet == "Data"
    assert read_table(path, sheet="คำอธิบาย").columns == ["read me"]
    assert error(path, sheet="nope").code == "no_sheet"


def test_xlsx_with_a_formula_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet("สรุป")
    ws.write_row(0, 0, ["a", "b"])
    ws.write_row(1, 0, [1, 2])
    ws.write_formula(2, 1, "=SUM(B2:B2)")
    ws.data_validation(1, 0, 9, 0, {"validate": "list", "source": ["yes", "no"]})
    workbook.close()
    err = error(path)
    assert err.code == "xlsx_formulas"
    assert err.params == {"sheet": "สรุป"}
    assert "Paste Special" in str(err.message)


def test_data_validation_lists_are_not_formulas(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet()
    ws.write_row(0, 0, ["a"])
    ws.write_row(1, 0, ["yes"])
    ws.data_validation(1, 0, 9, 0, {"validate": "list", "source": ["yes", "no"]})
    workbook.close()
    assert read_table(path).frame["a"].to_list() == ["yes"]


def test_xlsm_with_macros_is_refused(tmp_path: Path) -> None:
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 512)
    path = tmp_path / "a.xlsm"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write(0, 0, "a")
    workbook.add_vba_project(str(vba))
    workbook.close()
    assert sniff_format(path) == "xlsx"
    assert error(path).code == "xlsx_macros"


def test_xlsx_that_unpacks_to_far_more_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["a"], ["1"]])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (4 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    err = error(path, max_bytes=200_000)
    assert err.code == "too_large"


def test_a_damaged_workbook(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["a"], ["1"]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert error(path).code == "unreadable"


# -- KoBoToolbox / ODK -------------------------------------------------------------------

KOBO_HEADER = [
    "start", "end", "today", "deviceid", "consent/consent_given_on", "person/given_name",
    "group_abc/person/family_name", "person/groups", "person/groups/women", "person/groups/lgbtq",
    "sensitive:bedridden", "วัน/เดือน/ปีเกิด", "meta/instanceID", "_id", "_uuid",
    "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
    "__version__", "_tags", "_index", "formhub/uuid",
]  # fmt: skip


def test_kobo_csv_headers_lose_group_paths_and_metadata(tmp_path: Path) -> None:
    row = ["2025-01-01T09:00", "", "", "", "2025-01-01", "สมชาย", "ใจดี", "women lgbtq", "1",
           "1", "no", "15/03/2510", "uuid:abc", "7", "abc", "", "", "", "", "", "v1", "", "1",
           ""]  # fmt: skip
    table = read_table(write_text(tmp_path / "kobo.csv", [KOBO_HEADER, row], sep=";"))
    assert table.file_format == "kobo_csv"
    assert table.columns == [
        "consent_given_on", "given_name", "family_name", "groups", "bedridden",
        "วัน/เดือน/ปีเกิด", "source_id",
    ]  # fmt: skip
    assert table.source_columns[-1] == "_uuid"
    assert records(table)[0]["source_id"] == "abc"
    assert records(table)[0]["groups"] == "women lgbtq"


def test_kobo_xlsx_with_only_the_instance_id(tmp_path: Path) -> None:
    rows = [["person/given_name", "meta/instanceID"], ["สมชาย", "uuid:1234-abcd"]]
    table = read_table(write_xlsx(tmp_path / "kobo.xlsx", rows))
    assert table.file_format == "kobo_xlsx"
    assert records(table) == [{"given_name": "สมชาย", "source_id": "1234-abcd"}]


def test_odk_central_export(tmp_path: Path) -> None:
    header = ["SubmissionDate", "person-given_name", "meta-instanceID", "KEY", "SubmitterID"]
    rows = [header, ["2025-01-01", "สมชาย", "uuid:x1", "uuid:x1", "5"]]
    table = read_table(write_text(tmp_path / "central.csv", rows))
    assert (table.file_format, table.columns) == ("kobo_csv", ["given_name", "source_id"])
    assert records(table) == [{"given_name": "สมชาย", "source_id": "x1"}]


def test_plain_files_keep_slashes_start_and_duplicates(tmp_path: Path) -> None:
    rows = [["name", "a/b", "start", "name", " name ", "name (2)"], ["x", "y", "z", "1", "2", "3"]]
    table = read_table(write_text(tmp_path / "a.csv", rows))
    assert table.file_format == "csv"
    assert table.columns == ["name", "a/b", "start", "name (2)", "name (3)", "name (2) (2)"]
    assert table.source_columns == rows[0]


def test_header_normalisation(tmp_path: Path) -> None:
    rows = [["\ufeffชื่อ\u200b", "  family \n  name "], ["a", "b"]]
    path = tmp_path / "a.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"".join(
        (",".join(f'"{v}"' for v in r) + "\n").encode() for r in rows
    ))  # fmt: skip
    assert read_table(path).columns == ["ชื่อ", "family name"]


@pytest.mark.parametrize(
    ("cells", "formula"),
    [
        ('<x:c r="B3" t="inlineStr"><x:is><x:t>Note:f &lt;f&gt; a</x:t></x:is></x:c>', False),
        ('<x:c r="B3"><x:f>1+1</x:f><x:v>2</x:v></x:c>', True),
    ],
)
def test_prefixed_spreadsheetml_as_the_openxml_sdk_writes_it(
    tmp_path: Path, cells: str, formula: bool
) -> None:
    from saphan.intake.readers import _scan_worksheet

    xml = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<x:sheetData><x:row r="3">{cells}</x:row></x:sheetData>'
        "<x:extLst><x14:dataValidations><xm:f>Lists!$A$1:$A$3</xm:f></x14:dataValidations>"
        "</x:extLst></x:worksheet>"
    )
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as zf:
        assert _scan_worksheet(zf, "xl/worksheets/sheet1.xml") == (formula, None if formula else 3)
