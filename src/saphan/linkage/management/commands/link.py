"""``saphan link LEFT RIGHT --config LINK.json --out pairs.csv [--threshold X] [--train]``

Links two files of people (CSV or XLSX) with the linkage engine and writes the pairs
that are probably the same person: ``left_id,right_id,match_probability`` plus the
match weight, one evidence level per comparison and an evidence text. The config maps
each file's columns to the standard columns (``docs/linkage.md``). Nothing is written
to the database.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saphan.linkage.engine.config import LinkConfigError, frame_for_side, load_config
from saphan.linkage.engine.model import TooManyPairsError, link_run

CSV_SUFFIXES = {".csv": ",", ".tsv": "\t", ".txt": ","}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


def _read_csv(path: Path, separator: str) -> pl.DataFrame:
    """Every column as text (IDs keep their leading zeros). UTF-8 (with or without a
    byte-order mark) first, then Windows Thai (cp874/TIS-620), as Thai Excel saves it."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp874")
    return pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)


def read_table(path: Path) -> pl.DataFrame:
    """A CSV/TSV or spreadsheet (first sheet) as a frame of strings."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path, CSV_SUFFIXES[suffix])
        if suffix in EXCEL_SUFFIXES:
            frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
            return frame.with_columns(pl.all().cast(pl.String))
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as error:
        raise CommandError(f"{path}: cannot read it ({type(error).__name__}: {error})") from error
    raise CommandError(f"{path}: unknown file type {suffix or '(none)'} (use .csv or .xlsx)")


class Command(BaseCommand):
    help = "Link two files of people (CSV/XLSX) and write the probable matches as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("left", help="The first file (CSV or XLSX).")
        parser.add_argument("right", help="The second file (CSV or XLSX).")
        parser.add_argument("--config", required=True, help="The JSON column mapping.")
        parser.add_argument("--out", required=True, help="Where to write the pairs (CSV).")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="Lowest match probability to keep (0-1; default: the config's, else 0.9).",
        )
        parser.add_argument(
            "--train",
            action="store_true",
            help="Re-estimate the model's parameters on these two files (slower) instead of "
            "using the shipped Thai-trained ones.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = load_config(options["config"])
            left = frame_for_side(read_table(Path(options["left"])), config.left)
            right = frame_for_side(read_table(Path(options["right"])), config.right)
        except LinkConfigError as error:
            raise CommandError(error.message) from error
        threshold = options["threshold"]
        if threshold is None:
            threshold = config.threshold
        elif not 0 < threshold <= 1:
            raise CommandError("--threshold must be greater than 0 and at most 1")
        try:
            run = link_run(
                left,
                right,
                threshold=threshold,
                match_share=config.match_share,
                train=options["train"],
            )
        except TooManyPairsError as error:
            raise CommandError(str(error)) from error
        pairs = run.pairs.rename({"record_id_l": "left_id", "record_id_r": "right_id"})
        pairs = pairs.sort(
            "match_probability", "left_id", "right_id", descending=[True, False, False]
        )
        out = Path(options["out"])
        try:
            pairs.write_csv(out)
        except OSError as error:
            raise CommandError(f"{out}: cannot write it ({error.strerror or error})") from error
        self.stdout.write(
            f"left {left.height:,} rows, right {right.height:,} rows; "
            f"candidate pairs {run.candidate_pairs:,}; "
            f"links {pairs.height:,} at match probability >= {threshold:g}; "
            f"{run.seconds['total']:.1f} s; wrote {out}"
        )
