"""Reading an uploaded CSV or Excel file safely into a polars DataFrame of strings.

Nothing is typed or inferred here: every cell stays text, so a national ID keeps its
leading zero and ``0812345678`` stays a phone number. Mapping, validation and writing are
the import pipeline's job; this module only answers "what table is in this file?", or
refuses with an :class:`IntakeFileError` whose message the person who uploaded the file can
act on (save as UTF-8, paste values only, remove macros…).

Memory stays bounded by the size limit: the size is checked before anything is read, CSV
encodings are detected and transcoded in chunks, and Excel parts are scanned as streams.

CSV is read here; Excel workbooks in :mod:`saphan.intake.xlsx` (which also says how Excel
values come out as text). Both end in :func:`_finish`, which turns the header row into
column names.
"""

from __future__ import annotations

import codecs
import csv
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from saphan.intake import xlsx
from saphan.intake.headers import kobo_columns, normalise_header, unique_names

# Re-exported: XLSX_EXPANSION was defined here, and tests import _scan_worksheet from here.
from saphan.intake.xlsx import XLSX_EXPANSION as XLSX_EXPANSION
from saphan.intake.xlsx import _scan_worksheet as _scan_worksheet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
_CHUNK = 1 << 20
_SAMPLE = 1 << 16
_DELIMITERS = (",", ";", "\t", "|")
_ROW = "__saphan_row__"

# -- errors ------------------------------------------------------------------------------

#: Everything a person may be told, by key (the msgids for the Thai catalogue).
MESSAGES: dict[str, StrOrPromise] = {
    "cannot_open": _("The uploaded file could not be opened."),
    "too_large": _("The file is %(size)s; the largest file that can be imported is %(limit)s."),
    "empty": _("The file is empty."),
    "header_only": _("The file has a header row but no data rows."),
    "no_columns": _(
        "The first row has no column names. Put one name per column in the first row and "
        "upload the file again."
    ),
    "not_text": _("This file is not a spreadsheet or a text file."),
    "unsupported": _(
        "“%(name)s” cannot be imported. Upload a CSV file or an Excel workbook (.xlsx)."
    ),
    "xls": _(
        "Old Excel workbooks (.xls) cannot be read. Open the file in Excel and save it as an "
        "Excel Workbook (.xlsx)."
    ),
    "password": _(
        "The workbook is protected with a password. Remove the password in Excel, save the "
        "file, and upload it again."
    ),
    "web_page": _(
        "This file is a web page or an XML file saved with a spreadsheet name. Open it in "
        "Excel and save it as an Excel Workbook (.xlsx)."
    ),
    "ods": _(
        "OpenDocument spreadsheets (.ods) cannot be read. Save the file as an Excel Workbook "
        "(.xlsx) or as CSV."
    ),
    "xlsb": _(
        "Excel binary workbooks (.xlsb) cannot be read. Save the file as an Excel Workbook (.xlsx)."
    ),
    "encoding": _(
        "The characters in the file could not be read. Save it as “CSV UTF-8” (or as CSV in "
        "the Thai Windows-874 encoding) and upload it again."
    ),
    "encoding_line": _(
        "The characters in the file could not be read (the first unreadable character is on "
        "line %(line)s). Save it as “CSV UTF-8” (or as CSV in the Thai Windows-874 encoding) "
        "and upload it again."
    ),
    "garbled": _(
        "The Thai text in the file is garbled: it was saved in one encoding and opened in "
        "another. Open the original file and save it as “CSV UTF-8”."
    ),
    "ragged": _(
        "Line %(line)s has %(found)s values but the header has %(expected)s columns. Check "
        "that line for an extra delimiter or a missing quotation mark."
    ),
    "csv": _(
        "The file could not be read as CSV. Check it for missing quotation marks, or save it "
        "again from Excel as “CSV UTF-8”."
    ),
    "csv_line": _(
        "The file could not be read as CSV near line %(line)s. Check that line for a missing "
        "quotation mark."
    ),
    "damaged": _(
        "The workbook is damaged and could not be read. Open it in Excel, save it again, and "
        "upload it."
    ),
    "unpacked_too_large": _(
        "The workbook is larger than %(limit)s when unpacked, which is too large to import. "
        "Split it into smaller files."
    ),
    "xlsx_macros": _(
        "The workbook contains macros, which are not accepted. Save it as an Excel Workbook "
        "(.xlsx) without macros, or as CSV, and upload it again."
    ),
    "xlsx_formulas": _(
        "The sheet “%(sheet)s” contains formulas. Select all cells, copy them, use Paste "
        "Special → Values only, save, and upload the file again."
    ),
    "no_sheet": _("The workbook has no sheet named “%(sheet)s”."),
}


def _render(message: StrOrPromise, params: dict[str, Any]) -> str:
    return str(message) % params if params else str(message)


# Rendered only when shown, so a message raised in a background job appears in the
# language of whoever reads it; parameters may be lazy too (file sizes).
_render_lazy = lazy(_render, str)
_size_lazy = lazy(filesizeformat, str)


class IntakeFileError(Exception):
    """A file that cannot be imported; ``code`` for machines, ``message`` for people."""

    def __init__(self, code: str, message: StrOrPromise, **params: Any) -> None:
        self.code = code
        self.params = params
        self._msgid = message
        self.message = _render_lazy(message, params)
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Jobs pickle exceptions; the keyword parameters need rebuilding by hand.
        return (_rebuild_error, (self.code, self._msgid, self.params))


def _rebuild_error(code: str, message: StrOrPromise, params: dict[str, Any]) -> IntakeFileError:
    return IntakeFileError(code, message, **params)


def _fail(code: str, key: str | None = None, **params: Any) -> IntakeFileError:
    """The error ``code`` with the message ``key`` (the code itself by default)."""
    return IntakeFileError(code, MESSAGES[key or code], **params)


def _refused(refusal: xlsx.Refusal) -> IntakeFileError:
    """The error for a workbook :mod:`saphan.intake.xlsx` refused."""
    return _fail(refusal.code, refusal.key, **refusal.params)


def _encoding_error(line: int | None) -> IntakeFileError:
    if line is None:
        return _fail("encoding")
    return _fail("encoding", "encoding_line", line=line)


# -- result ------------------------------------------------------------------------------


@dataclass
class RawTable:
    """One table read from a file; ``columns[i]`` was ``source_columns[i]`` in the file."""

    frame: pl.DataFrame
    columns: list[str]
    source_columns: list[str]
    file_format: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    #: For each frame row, its row number as a spreadsheet program shows it (the header is
    #: usually row 1); empty rows were dropped, so validation messages need this.
    row_numbers: pl.Series = field(default_factory=lambda: pl.Series(_ROW, [], pl.UInt32))


def read_table(
    path: Path | str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    original_name: str | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Read ``path`` (CSV or xlsx, decided by content) into a :class:`RawTable`.

    ``max_rows`` reads only the first rows (a preview); ``sheet`` picks an Excel sheet by
    name instead of the default (a sheet named "survey" or "data", else the first visible).
    """
    path = Path(path)
    if max_bytes is None:
        max_bytes = getattr(settings, "SAPHAN_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    try:
        size = path.stat().st_size
    except OSError:
        raise _fail("unreadable", "cannot_open") from None
    # Before anything is read: a 2 GB upload is refused at once.
    if size > max_bytes:
        raise _fail("too_large", size=_size_lazy(size), limit=_size_lazy(max_bytes))
    if size == 0:
        raise _fail("empty")
    if sniff_format(path, original_name) == "xlsx":
        return _read_xlsx(path, max_bytes=max_bytes, max_rows=max_rows, sheet=sheet)
    return _read_csv(path, max_rows=max_rows)


def sniff_format(path: Path | str, original_name: str | None = None) -> str:
    """``"xlsx"`` or ``"csv"`` from the file's first bytes; other formats are refused.

    The extension only names the file in messages: Thai agency systems export web pages
    and tab-separated text as ".xls", and renamed CSV files are common.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(_SAMPLE)
    except OSError:
        raise _fail("unreadable", "cannot_open") from None
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            return xlsx.zip_format(path, original_name or path.name)
        except xlsx.Refusal as refusal:
            raise _refused(refusal) from None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE2 container: either a pre-2007 workbook or an encrypted xlsx.
        encrypted = "EncryptionInfo".encode("utf-16-le") in head
        raise _fail("unsupported", "password" if encrypted else "xls")
    binary = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
    if head.startswith(binary):
        raise _fail("unsupported", name=original_name or path.name)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype", b"<html", b"<table", b"<?xml", b"<meta")):
        raise _fail("unsupported", "web_page")
    return "csv"


def _read_xlsx(path: Path, *, max_bytes: int, max_rows: int | None, sheet: str | None) -> RawTable:
    try:
        book = xlsx.read_sheet(path, max_bytes=max_bytes, max_rows=max_rows, sheet=sheet)
    except xlsx.Refusal as refusal:
        raise _refused(refusal) from None
    return _finish(
        book.frame,
        first_row=book.first_row,
        max_rows=max_rows,
        file_format="xlsx",
        sheet=book.name,
    )


# -- CSV ---------------------------------------------------------------------------------


def _read_csv(path: Path, *, max_rows: int | None) -> RawTable:
    encoding, bad_line = _detect_encoding(path)
    with _utf8_source(path, encoding, bad_line) as src:
        with src.open("rb") as f:
            sample = f.read(_SAMPLE)
        text = sample.decode("utf-8", errors="ignore").lstrip("\ufeff")
        _refuse_mojibake(text)
        skip, delimiter = _sniff_layout(text, complete=len(sample) < _SAMPLE)
        raw = _parse_csv(src, delimiter=delimiter, skip=skip, max_rows=max_rows)
    return _finish(
        raw,
        first_row=skip + 1,
        max_rows=max_rows,
        file_format="csv",
        encoding=encoding,
        delimiter=delimiter,
    )


def _detect_encoding(path: Path) -> tuple[str, int | None]:
    """The encoding, and for cp874 the line of the first byte that is not UTF-8."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", None
    # Excel's "Unicode text" is UTF-16 with a BOM, but other tools drop it: ASCII
    # delimiters, digits and newlines then leave NUL bytes on one side only.
    pairs = len(head) // 2 or 1
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > pairs // 10 and even == 0:
        return "utf-16-le", None
    if even > pairs // 10 and odd == 0:
        return "utf-16-be", None
    if b"\x00" in head:
        raise _fail("unreadable", "not_text")
    bad_line = _first_non_utf8_line(path)
    bom = head.startswith(codecs.BOM_UTF8)
    if bad_line is None:
        return ("utf-8-sig" if bom else "utf-8"), None
    if bom:
        raise _encoding_error(bad_line)
    return "cp874", bad_line


def _first_non_utf8_line(path: Path) -> int | None:
    """Validate strict UTF-8 chunk by chunk; a character split at a chunk edge carries over."""
    line = 1
    carry = b""
    with path.open("rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            data = carry + chunk
            try:
                _text, consumed = codecs.utf_8_decode(data, "strict", not chunk)
            except UnicodeDecodeError as e:
                return line + data.count(b"\n", 0, e.start)
            line += data.count(b"\n", 0, consumed)
            carry = data[consumed:]
            if not chunk:
                return None


@contextmanager
def _utf8_source(path: Path, encoding: str, bad_line: int | None) -> Iterator[Path]:
    """``path`` itself if it is UTF-8, else a UTF-8 copy written in chunks (polars reads UTF-8)."""
    if encoding in ("utf-8", "utf-8-sig"):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="saphan-intake-") as tmp:
        out = Path(tmp) / "table.csv"
        try:
            with (
                path.open(encoding=encoding, errors="strict", newline="") as src,
                out.open("w", encoding="utf-8", newline="") as dst,
            ):
                shutil.copyfileobj(src, dst, _CHUNK)
        except UnicodeDecodeError:
            raise _encoding_error(bad_line) from None
        yield out


_THAI_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a") | frozenset(
    chr(c) for c in range(0x0E47, 0x0E4F)
)


def _refuse_mojibake(text: str) -> None:
    """Refuse text that decoded but is garbage: binary, or Thai read in the wrong encoding."""
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    if controls > max(2, len(text) // 200):
        raise _encoding_error(None)
    # Thai UTF-8 read as Windows-1252 or Latin-1 and saved again: every Thai letter turns
    # into "à¸…" or "à¹…". Real text in any language never has that pair.
    garbled = text.count("à¸") + text.count("à¹")
    # Latin-1 or UTF-8 bytes wrongly decoded as cp874 put Thai vowel and tone marks after
    # characters that cannot carry them; real Thai puts them on a consonant or another mark.
    thai = orphans = 0
    previous = ""
    for ch in text:
        if "\u0e00" <= ch <= "\u0e7f":
            thai += 1
            if ch in _THAI_MARKS and not (
                "\u0e01" <= previous <= "\u0e2e" or previous in _THAI_MARKS
            ):
                orphans += 1
        previous = ch
    if garbled >= 3 or (orphans >= 3 and orphans * 20 > thai):
        raise _fail("encoding", "garbled")


def _sniff_layout(text: str, *, complete: bool) -> tuple[int, str]:
    """Lines to skip before the header (blank lines, Excel's ``sep=;``) and the delimiter."""
    lines = text.split("\n")
    if not complete:
        lines = lines[:-1]
    skip, delimiter = 0, ""
    if lines and (m := re.fullmatch(r"sep=(.)\r?", lines[0])):
        skip, delimiter = 1, m.group(1)
    while skip < len(lines) and not lines[skip].strip(" \t\r,;|"):
        skip += 1
    if not delimiter:
        delimiter = _sniff_delimiter("\n".join(lines[skip:]))
    return skip, delimiter


def _sniff_delimiter(text: str) -> str:
    """The candidate that splits the header and most sample records into equal widths."""
    records: list[dict[str, int]] = []
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "\n":
            records.append(counts)
            counts = dict.fromkeys(_DELIMITERS, 0)
            if len(records) > 50:
                break
        elif ch in counts:
            counts[ch] += 1
    else:
        records.append(counts)  # the last line has no newline after it
    if not records:
        return ","
    header, body = records[0], [r for r in records[1:] if any(r.values())]
    scores = [
        (sum(1 for r in body if r[d] == header[d]), header[d], -i, d)
        for i, d in enumerate(_DELIMITERS)
        if header[d]
    ]
    return max(scores)[3] if scores else ","


def _parse_csv(src: Path, *, delimiter: str, skip: int, max_rows: int | None) -> pl.DataFrame:
    # No header: the header row comes back as row 0 exactly as written, with blanks and
    # duplicates that polars would otherwise rename.
    options: dict[str, Any] = {
        "has_header": False,
        "separator": delimiter,
        "quote_char": '"',
        "infer_schema": False,
        "encoding": "utf8",
        "skip_lines": skip,
        "n_rows": None if max_rows is None else max_rows + 1,
        "raise_if_empty": False,
    }
    try:
        return pl.read_csv(src, **options)
    except pl.exceptions.PolarsError as e:
        if "more fields" not in str(e):
            raise _fail("unreadable", "csv") from None
    ragged = _first_ragged_line(src, delimiter=delimiter, skip=skip)
    if ragged is not None:
        line, found, expected = ragged
        if found is None:
            raise _fail("unreadable", "csv_line", line=line)
        raise _fail("ragged", line=line, found=found, expected=expected)
    # Only empty values stick out past the header (rows ending in extra delimiters):
    # cutting them off loses nothing.
    try:
        return pl.read_csv(src, truncate_ragged_lines=True, **options)
    except pl.exceptions.PolarsError:
        raise _fail("unreadable", "csv") from None


def _first_ragged_line(
    src: Path, *, delimiter: str, skip: int
) -> tuple[int, int | None, int] | None:
    """The first record with non-empty values past the header's width, as (line, found,
    expected); only run after polars refused the file."""
    with src.open(encoding="utf-8-sig", newline="") as f:
        for _line in range(skip):
            f.readline()
        reader = csv.reader(f, delimiter=delimiter, quotechar='"')
        start = skip + 1
        try:
            header = next(reader, None)
            if header is None:
                return None
            width = len(header)
            start = skip + reader.line_num + 1
            for row in reader:
                if len(row) > width and any(v.strip() for v in row[width:]):
                    return start, len(row), width
                start = skip + reader.line_num + 1
        except csv.Error:
            return start, None, 0
    return None


# -- the finished table ------------------------------------------------------------------


def _clean(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().replace("", None)


def _finish(
    raw: pl.DataFrame,
    *,
    first_row: int,
    max_rows: int | None,
    file_format: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> RawTable:
    """Row 0 of ``raw`` is the header row, at ``first_row`` in the file."""
    if raw.height == 0 or raw.width == 0:
        raise _fail("empty")
    raw_names = raw.columns
    source = ["" if v is None else str(v) for v in raw.row(0)]
    headers = [normalise_header(s) for s in source]
    if not any(headers):
        raise _fail("no_columns")
    # Unnamed columns after the last name (trailing delimiters, Excel's padding) go; an
    # unnamed column between named ones stays, to be mapped by hand. This never depends on
    # the data, so a preview and the full read give the same columns.
    last = max(i for i, name in enumerate(headers) if name)
    pairs = [(i, name or f"column_{i + 1}") for i, name in enumerate(headers[: last + 1])]
    kobo, pairs = kobo_columns(pairs)
    if not pairs:
        raise _fail("no_columns")
    columns = unique_names([name for _i, name in pairs])
    selected = []
    for (i, _name), column in zip(pairs, columns, strict=True):
        expr = _clean(raw_names[i])
        if column == "source_id" and kobo:
            expr = expr.str.strip_prefix("uuid:")  # meta/instanceID is "uuid:…", _uuid is not
        selected.append(expr.alias(column))
    # Lazy, so polars cleans only the columns kept and without intermediate copies.
    body = raw.lazy().slice(1).with_row_index(_ROW, offset=first_row + 1)
    frame = body.select([*selected, pl.col(_ROW)]).collect()
    keep = frame.select(pl.any_horizontal(pl.exclude(_ROW).is_not_null())).to_series()
    if not keep.all():
        frame = frame.filter(keep)  # filtering copies every column: only when needed
    # A preview of a file whose first rows are blank is empty, not an error.
    if frame.height == 0 and (max_rows is None or raw.height <= max_rows):
        raise _fail("empty", "header_only")
    return RawTable(
        frame=frame.drop(_ROW),
        columns=columns,
        source_columns=[source[i] for i, _name in pairs],
        file_format=f"kobo_{file_format}" if kobo else file_format,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        row_numbers=frame.get_column(_ROW),
    )
