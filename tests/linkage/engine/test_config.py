"""``saphan link`` configs: valid ones parse, bad ones say what is wrong (EN + TH)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from saphan.linkage.engine.config import (
    LinkConfigError,
    SideConfig,
    frame_for_side,
    load_config,
    parse_config,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "link"


def _side(**overrides: Any) -> dict[str, Any]:
    return {"id": "rec_id", "columns": {"given_name": "first"}, **overrides}


def _config(**overrides: Any) -> dict[str, Any]:
    return {"left": _side(), "right": _side(), "threshold": 0.9, **overrides}


def _error(raw: Any) -> LinkConfigError:
    with pytest.raises(LinkConfigError) as caught:
        parse_config(raw)
    error = caught.value
    assert error.message == str(error)
    assert any("\u0e01" <= c <= "\u0e5b" for c in error.message_th)  # a Thai message too
    return error


def test_examples_parse() -> None:
    febrl = load_config(EXAMPLES / "febrl4.json")
    assert febrl.left.id_column == "rec_id" and febrl.threshold == 0.9
    assert febrl.left.columns["family_name"] == "surname"
    thai = load_config(EXAMPLES / "registry_hospital.json")
    assert thai.right.columns["given_name"] == "ชื่อ"


def test_unknown_standard_column() -> None:
    error = _error(_config(left=_side(columns={"surname": "surname"})))
    assert "unknown standard columns: surname" in error.message


def test_missing_id() -> None:
    error = _error(_config(right={"columns": {"given_name": "x"}}))
    assert '"right" has no "id"' in error.message


@pytest.mark.parametrize("threshold", [0, 1.5, -1, "high", True, None])
def test_bad_threshold(threshold: Any) -> None:
    error = _error(_config(threshold=threshold))
    assert '"threshold" must be a number' in error.message


def test_missing_side_and_unknown_keys() -> None:
    assert 'no "left"' in _error({"right": _side()}).message
    assert "unknown keys: treshold" in _error(_config(treshold=0.5)).message
    assert "unknown keys: colums" in _error(_config(left={"id": "x", "colums": {}})).message
    assert "JSON object" in _error([1, 2]).message


def test_birth_date_twice_and_bad_format() -> None:
    both = _side(columns={"birth_date": "dob", "birth_year": "yob"})
    assert "both birth_date and birth_year" in _error(_config(left=both)).message
    bad = _side(columns={"birth_date": "dob"}, birth_date_format="%d %b %Y")
    assert "%b is not supported" in _error(_config(left=bad)).message
    no_year = _side(columns={"birth_date": "dob"}, birth_date_format="%d/%m")
    assert "has no year" in _error(_config(left=no_year)).message


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(LinkConfigError, match="cannot read the config"):
        load_config(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"left": ', encoding="utf-8")
    with pytest.raises(LinkConfigError, match="not valid JSON"):
        load_config(broken)


def test_mapped_column_missing_from_the_file() -> None:
    side = SideConfig("left", "rec_id", {"given_name": "first", "family_name": "last"})
    frame = pl.DataFrame({"rec_id": ["1"], "first": ["สมชาย"]})
    with pytest.raises(LinkConfigError, match="left file has no column 'last'") as caught:
        frame_for_side(frame, side)
    assert "first" in caught.value.message  # lists the columns it does have


def test_duplicate_ids_are_refused() -> None:
    side = SideConfig("right", "rec_id", {"given_name": "first"})
    frame = pl.DataFrame({"rec_id": ["1", "1"], "first": ["a", "b"]})
    with pytest.raises(LinkConfigError, match="must be filled in and unique"):
        frame_for_side(frame, side)


def test_birth_dates_with_buddhist_era_years() -> None:
    frame = pl.DataFrame(
        {
            "rec_id": ["a", "b", "c", "d"],
            "dob": ["15/03/2510", "29/02/2543", "๐๑/๐๑/๒๕๐๓", "rubbish"],
        }
    )
    side = SideConfig("left", "rec_id", {"birth_date": "dob"}, "%d/%m/%Y")
    out = frame_for_side(frame, side)
    assert out.select("birth_year", "birth_month", "birth_day").rows() == [
        (2510, 3, 15),
        (2543, 2, 29),
        (2503, 1, 1),
        (None, None, None),
    ]


def test_birth_dates_without_a_format() -> None:
    frame = pl.DataFrame({"rec_id": ["a", "b", "c"], "dob": ["1975-03-15", "19750315", "2518"]})
    out = frame_for_side(frame, SideConfig("left", "rec_id", {"birth_date": "dob"}))
    assert out.select("birth_year", "birth_month", "birth_day").rows() == [
        (1975, 3, 15),
        (1975, 3, 15),
        (2518, None, None),
    ]


def test_config_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "link.json"
    path.write_text(json.dumps(_config(match_share=0.2)), encoding="utf-8")
    config = load_config(path)
    assert config.match_share == 0.2 and config.left.columns == {"given_name": "first"}
