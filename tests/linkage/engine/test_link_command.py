"""``saphan link`` end to end on two small CSV files (no database)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "link"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in ("registry.csv", "hospital.csv", "registry_hospital.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def _run(folder: Path, *extra: str, config: str = "registry_hospital.json") -> tuple[str, Path]:
    out = folder / "pairs.csv"
    printed = io.StringIO()
    call_command(
        "link",
        str(folder / "registry.csv"),
        str(folder / "hospital.csv"),
        "--config",
        str(folder / config),
        "--out",
        str(out),
        *extra,
        stdout=printed,
    )
    return printed.getvalue(), out


def test_links_the_example_files(files: Path) -> None:
    printed, out = _run(files)
    pairs = pl.read_csv(out, infer_schema=False)
    assert pairs.columns[:3] == ["left_id", "right_id", "match_probability"]
    assert "evidence" in pairs.columns and "gamma_birth_date" in pairs.columns
    found = set(pairs.select("left_id", "right_id").iter_rows())
    # Title in the name, BE year, typo, swapped day/month, swapped ID digits:
    assert found == {("P001", "H-01"), ("P002", "H-02"), ("P003", "H-03"), ("P005", "H-05")}
    assert "left 6 rows, right 6 rows" in printed and "links 4" in printed
    swapped = pairs.filter(pl.col("left_id") == "P002")["evidence"].item()
    assert "day and month swapped" in swapped


def test_threshold_option(files: Path) -> None:
    _printed, out = _run(files, "--threshold", "0.999999999999999")
    strict = pl.read_csv(out, infer_schema=False)
    assert strict.height < 4
    with pytest.raises(CommandError, match="--threshold"):
        _run(files, "--threshold", "2")


def test_bad_config_is_one_clear_error(files: Path) -> None:
    config = json.loads((files / "registry_hospital.json").read_text(encoding="utf-8"))
    config["right"]["columns"]["given_name"] = "ชื่อจริง"
    (files / "bad.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="right file has no column 'ชื่อจริง'"):
        _run(files, config="bad.json")


def test_missing_input_file(files: Path) -> None:
    (files / "hospital.csv").unlink()
    with pytest.raises(CommandError, match=r"hospital\.csv: no such file"):
        _run(files)


def test_windows_thai_encoding_and_xlsx(files: Path) -> None:
    hospital = (files / "hospital.csv").read_text(encoding="utf-8")
    (files / "hospital.csv").write_bytes(hospital.encode("cp874"))
    _printed, out = _run(files)
    assert pl.read_csv(out, infer_schema=False).height == 4

    registry = pl.read_csv(files / "registry.csv", infer_schema=False)
    registry.write_excel(files / "registry.xlsx")
    out = files / "from_xlsx.csv"
    call_command(
        "link",
        str(files / "registry.xlsx"),
        str(files / "hospital.csv"),
        "--config",
        str(files / "registry_hospital.json"),
        "--out",
        str(out),
        stdout=io.StringIO(),
    )
    assert pl.read_csv(out, infer_schema=False).height == 4
