"""The Excel half of :mod:`saphan.intake.readers`: checking an uploaded workbook and
reading one sheet of it as text.

Before calamine (through fastexcel) opens a workbook, the zip is checked as a stream:
macros, cell formulas and parts that unpack to more than :data:`XLSX_EXPANSION` times the
upload limit (a zip bomb) are refused, and every part is read through once so a part
whose declared size lies fails its CRC here. No XML parser meets the file: the few
attributes needed are read with regular expressions.

Excel values (calamine through fastexcel):

* Numbers come out as their shortest text (``1101700203451``, ``3.5``), never ``.0`` or an
  exponent. A leading zero lost when someone typed an ID or phone number as a number in
  Excel cannot be recovered here (``812345678``); the pipeline may restore it.
* Cells Excel stores as dates come out as ISO ``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` when a
  time is set). Excel stores a serial day number and the Buddhist-Era display is only a
  number format, so these dates are always in the Common Era. A year above 2400 means
  someone typed a Buddhist-Era year into a Gregorian Excel; that is left to the pipeline.
  A serial typed into a cell formatted as a plain number (``45000``) stays a number.
* Booleans come out as ``true``/``false``.

This module knows nothing of the messages people read: it raises :class:`Refusal`, naming
a message of ``readers.MESSAGES``, and ``readers`` turns it into an ``IntakeFileError``.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy

#: An xlsx part may unpack to at most this many times the upload limit (zip-bomb guard).
XLSX_EXPANSION = 10
_CHUNK = 1 << 20
_SMALL_PART = 16 << 20

_size_lazy = lazy(filesizeformat, str)


class Refusal(Exception):
    """A workbook that cannot be imported: ``code`` for machines, and ``key`` (the code
    itself by default) with ``params`` naming the message in ``readers.MESSAGES``."""

    def __init__(self, code: str, key: str | None = None, **params: Any) -> None:
        self.code = code
        self.key = key
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Sheet:
    """The cells of one sheet, every one text; row 0 is the header row, at ``first_row``
    in Excel."""

    frame: pl.DataFrame
    name: str
    first_row: int


def zip_format(path: Path, name: str) -> str:
    """``"xlsx"`` for a zip that is an Excel workbook; other zips are refused (``name``
    names the file in the message)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = _read_part(zf, "mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError):
        raise Refusal("unreadable", "damaged") from None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        if "xl/workbook.bin" in names:
            raise Refusal("unsupported", "xlsb")
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise Refusal("unsupported", "ods")
    raise Refusal("unsupported", name=name)


_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
# Cell formulas live in <sheetData>; <xm:f> after it belongs to data-validation lists.
# Patterns starting with a literal are searched several times faster than "<" + _NS.
_FORMULA = re.compile(rb"<f[\s/>]")
_PREFIXED = re.compile(rb":f[\s/>]|:sheetData>")
_OPENING = re.compile(rb"<[A-Za-z_][\w.-]*")
_CLOSING = re.compile(rb"</[A-Za-z_][\w.-]*")
# The first cell holding a value: calamine starts the table there, so its row number is
# the header's row number in Excel.
_FIRST_CELL = re.compile(
    rb"<" + _NS + rb'c\s[^>]*?\br="[A-Z]{1,3}(\d+)"[^>]*(?<!/)>\s*<' + _NS + rb"(?:v|is)[\s>]"
)
_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*"([^"]*)"')
_ISO_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"


@dataclass(frozen=True)
class _SheetEntry:
    """A sheet as xl/workbook.xml lists it, with the zip part holding its cells."""

    name: str
    part: str
    visible: bool


def read_sheet(path: Path, *, max_bytes: int, max_rows: int | None, sheet: str | None) -> Sheet:
    """Check the workbook, then read one sheet (``sheet`` by name, else the default: one
    named "survey" or "data", else the first visible sheet with data); ``max_rows`` data
    rows at most, after the header row."""
    budget = max_bytes * XLSX_EXPANSION
    try:
        with zipfile.ZipFile(path) as zf:
            chosen, first_row = _check_workbook(zf, budget=budget, wanted=sheet)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Refusal("unreadable", "damaged") from None
    try:
        reader = fastexcel.read_excel(path)
        raw = reader.load_sheet(
            chosen,
            header_row=None,
            n_rows=None if max_rows is None else max_rows + 1,
            dtypes="string",
        ).to_polars()
    except fastexcel.FastExcelError:
        raise Refusal("unreadable", "damaged") from None
    if raw.width:
        raw = raw.with_columns(pl.all().cast(pl.String).str.replace(_ISO_MIDNIGHT, "${1}"))
    return Sheet(frame=raw, name=chosen, first_row=first_row)


def _check_workbook(zf: zipfile.ZipFile, *, budget: int, wanted: str | None) -> tuple[str, int]:
    """Refuse macros, formulas and zip bombs; return the sheet to read and its first row."""
    names = zf.namelist()
    if any(n.lower().endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in names):
        raise Refusal("xlsx_macros")
    if b"macroenabled" in _read_part(zf, "[Content_Types].xml").lower():
        raise Refusal("xlsx_macros")
    if sum(info.file_size for info in zf.infolist()) > budget:
        raise Refusal("too_large", "unpacked_too_large", limit=_size_lazy(budget))
    sheets = _workbook_sheets(zf)
    by_part = {s.part: s.name for s in sheets}
    first_rows: dict[str, int] = {}
    for part in names:
        if part.startswith("xl/worksheets/") and part.endswith(".xml"):
            formula, first = _scan_worksheet(zf, part)
            if formula:
                sheet_name = by_part.get(part, posixpath.basename(part))
                raise Refusal("xlsx_formulas", sheet=sheet_name)
            if first:
                first_rows[part] = first
        elif part.endswith((".xml", ".rels")):
            # Read through so a part whose declared size lies fails its CRC here, before
            # calamine unpacks it.
            with zf.open(part) as f:
                while f.read(_CHUNK):
                    pass
    chosen = _choose_sheet(sheets, wanted, filled=set(first_rows))
    return chosen.name, first_rows.get(chosen.part, 1)


def _read_part(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise Refusal("unreadable", "damaged") from None
    if info.file_size > _SMALL_PART:
        raise Refusal("unreadable", "damaged")
    return zf.read(info)


def _workbook_sheets(zf: zipfile.ZipFile) -> list[_SheetEntry]:
    # Attributes read with regular expressions: no XML parser (and its entity expansion)
    # meets untrusted input, and these two parts are flat lists.
    targets: dict[bytes, str] = {}
    rels = _read_part(zf, "xl/_rels/workbook.xml.rels")
    for m in re.finditer(rb"<" + _NS + rb"Relationship\b([^>]*)>", rels):
        attrs = dict(_ATTR.findall(m.group(1)))
        target = html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
        part = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        targets[attrs.get(b"Id", b"")] = posixpath.normpath(part)
    sheets = []
    for m in re.finditer(rb"<" + _NS + rb"sheet\b([^>]*)>", _read_part(zf, "xl/workbook.xml")):
        attrs = dict(_ATTR.findall(m.group(1)))
        rid = next((v for k, v in attrs.items() if k == b"id" or k.endswith(b":id")), b"")
        sheets.append(
            _SheetEntry(
                name=html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace")),
                part=targets.get(rid, ""),
                visible=attrs.get(b"state", b"visible") == b"visible",
            )
        )
    return sheets


def _choose_sheet(sheets: list[_SheetEntry], wanted: str | None, filled: set[str]) -> _SheetEntry:
    """The sheet asked for, else one named "survey" or "data", else the first visible
    sheet with data (a blank first sheet is skipped)."""
    if wanted is not None:
        for s in sheets:
            if s.name == wanted:
                return s
        raise Refusal("no_sheet", sheet=wanted)
    usable = [s for s in sheets if s.visible and s.part.startswith("xl/worksheets/")]
    for preferred in ("survey", "data"):
        for s in usable:
            if s.name.strip().casefold() == preferred:
                return s
    if not usable:
        raise Refusal("empty")
    return next((s for s in usable if s.part in filled), usable[0])


def _scan_worksheet(zf: zipfile.ZipFile, part: str) -> tuple[bool, int | None]:
    """(has a cell formula, row of the first cell with a value), streaming the part."""
    first: int | None = None
    tail = b""
    with zf.open(part) as f:
        while chunk := f.read(_CHUNK):
            buf = tail + chunk
            end = _sheet_data_end(buf)
            if end >= 0:
                buf = buf[:end]
            if _FORMULA.search(buf) or _prefixed_tag(buf, b":f") >= 0:
                return True, first
            if first is None and (m := _FIRST_CELL.search(buf)):
                first = int(m.group(1))
            if end >= 0:
                while f.read(_CHUNK):
                    pass  # to the end, for the CRC check
                break
            # An element split across chunks is found whole on the next pass.
            tail = buf[-1024:]
    return False, first


def _prefixed_tag(buf: bytes, suffix: bytes, start: re.Pattern[bytes] = _OPENING) -> int:
    """Where a namespace-prefixed tag (``<x:f``, or ``</x:sheetData>`` with ``start`` =
    ``_CLOSING``) starts, or -1.

    Such tags are rare (the OpenXML SDK writes them), so each hit of the fast search is
    checked by looking back for the ``<``; text such as "Note:f" is not a tag.
    """
    for m in _PREFIXED.finditer(buf):
        if not buf.startswith(suffix, m.start()):
            continue
        lt = buf.rfind(b"<", max(0, m.start() - 64), m.start())
        if lt >= 0 and start.fullmatch(buf, lt, m.start()):
            return lt
    return -1


def _sheet_data_end(buf: bytes) -> int:
    end = buf.find(b"</sheetData>")
    return end if end >= 0 else _prefixed_tag(buf, b":sheetData>", _CLOSING)
