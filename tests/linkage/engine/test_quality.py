"""Linkage quality on a labelled synthetic Thai population (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from saphan.linkage.engine.metrics import exact_id_pairs, score_pairs
from saphan.linkage.engine.model import TooManyPairsError, dedup, dedup_run, link, train_model
from saphan.linkage.engine.settings import COMPARISON_NAMES, level_labels
from saphan.linkage.engine.synthetic import make_population, national_id_check_digit


@pytest.fixture(scope="module")
def population() -> tuple[pl.DataFrame, pl.DataFrame]:
    return make_population(4000, duplicate_rate=0.2, seed=11)


def test_dedup_finds_corrupted_duplicates(population: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, true_pairs = population
    pairs = dedup(frame.drop("entity_id"))
    ours = score_pairs(pairs, true_pairs)
    baseline = score_pairs(exact_id_pairs(frame), true_pairs)
    assert ours.precision >= 0.95, ours
    assert ours.recall >= 0.95, ours
    # A third or more of the duplicates have no ID or a mistyped one: matching on the
    # ID alone misses them; the probabilistic model must not.
    assert baseline.recall < 0.75, baseline
    assert ours.recall >= baseline.recall + 0.2


def test_dedup_output_columns(population: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, _true = population
    pairs = dedup(frame.head(1000))
    assert pairs.columns == [
        "record_id_l",
        "record_id_r",
        "match_probability",
        "match_weight",
        *[f"gamma_{name}" for name in COMPARISON_NAMES],
        "evidence",
    ]
    assert pairs.height > 0
    assert (pairs["record_id_l"] < pairs["record_id_r"]).all()
    assert (pairs["match_probability"] >= 0.9).all()
    labels = level_labels()
    for name in COMPARISON_NAMES:
        assert set(pairs[f"gamma_{name}"].unique().to_list()) <= set(labels[name])


def test_link_two_files(population: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, true_pairs = population
    left_ids = set(true_pairs["record_id_l"])
    left = frame.filter(~pl.col("record_id").is_in(list(true_pairs["record_id_r"])))
    right = frame.filter(pl.col("record_id").is_in(list(true_pairs["record_id_r"])))
    pairs = link(left, right)
    assert set(pairs["record_id_l"]) <= set(left["record_id"])
    assert set(pairs["record_id_r"]) <= set(right["record_id"])
    truth = true_pairs.filter(pl.col("record_id_l").is_in(list(left_ids)))
    scores = score_pairs(pairs, truth, ordered=True)
    assert scores.precision >= 0.95 and scores.recall >= 0.95, scores


def test_too_many_pairs_is_refused(population: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, _true = population
    with pytest.raises(TooManyPairsError, match="pairs"):
        dedup(frame, max_pairs=10)


def test_run_reports_its_figures(population: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, _true = population
    run = dedup_run(frame.head(500))
    assert run.candidate_pairs >= run.pairs.height
    assert {"prepare", "blocking", "predict", "total"} <= set(run.seconds)


def test_train_model_writes_a_usable_model(tmp_path: Path) -> None:
    frame, true_pairs = make_population(2000, seed=3)
    path = tmp_path / "model.json"
    model = train_model(frame, path, u_pairs=1e5)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["comparisons"] == model["comparisons"]
    for comparison in saved["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        assert abs(sum(lv["m_probability"] for lv in levels) - 1) < 1e-9
        assert all(lv["u_probability"] > 0 for lv in levels)
    run = dedup_run(frame, model_path=path)
    assert score_pairs(run.pairs, true_pairs).f1 > 0.9


def test_synthetic_ids_are_valid() -> None:
    frame, _pairs = make_population(300, seed=1)
    ids = frame["national_id"].drop_nulls().to_list()
    assert all(len(i) == 13 for i in ids)
    digits = np.array([[int(c) for c in i] for i in ids])
    # Originals are valid; a duplicate may carry two swapped digits.
    valid = national_id_check_digit(digits[:, :12]) == digits[:, 12]
    assert valid.mean() > 0.9


def test_spark_settings_rename_only_the_string_functions() -> None:
    from saphan.linkage.engine.model import run_settings

    duckdb_settings = run_settings("dedupe_only", 1e-6)
    spark_settings = run_settings("dedupe_only", 1e-6, dialect="spark")
    duck_sql = json.dumps(duckdb_settings["comparisons"])
    spark_sql = json.dumps(spark_settings["comparisons"])
    assert "jaro_winkler_similarity(" in duck_sql and "jaro_winkler_similarity(" not in spark_sql
    assert spark_sql == duck_sql.replace("jaro_winkler_similarity(", "jaro_winkler(")
    assert spark_settings["probability_two_random_records_match"] == 1e-6
