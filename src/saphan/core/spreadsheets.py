"""What every spreadsheet Saphan writes shares: text stays text.

A cell that starts like a formula (``=HYPERLINK(…)`` typed as a person's name, say) must
not run when the file is opened. xlsxwriter turns such strings into formulas unless told
not to; CSV readers do it on their own, so the text gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

#: Options for ``xlsxwriter.Workbook``: in memory, strings never become formulas.
WORKBOOK_OPTIONS = {"in_memory": True, "strings_to_formulas": False}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet program will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel on Thai Windows reads the Thai), text inert,
    numbers as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([inert(str(h)) for h in header])
    for row in rows:
        writer.writerow([inert(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
