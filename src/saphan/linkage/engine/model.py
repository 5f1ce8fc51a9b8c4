"""Fellegi–Sunter duplicate detection and file-to-file linkage with Splink on DuckDB.

``dedup(frame)`` finds pairs of rows of one frame that are probably the same person;
``link(left, right)`` finds pairs across two frames. Both take the standard input
columns (:mod:`saphan.linkage.engine.prepare`) and return one row per pair at or above
``threshold`` with ``record_id_l``, ``record_id_r``, ``match_probability``,
``match_weight``, one ``gamma_<comparison>`` column per comparison (the level reached:
-1 missing, 0 different, higher is closer; :func:`level_labels` names them) and an
``evidence`` text such as ``"given_name: one typo; birth_date: day and month swapped"``.

How the shipped parameters (``model_thai.json``) were trained — ``train_model`` with
its defaults, reproducible with ``retrain_shipped_model()``:

* data: :func:`saphan.linkage.engine.synthetic.make_population`, 200,000 rows, 20%
  corrupted duplicates, seed 20250101;
* u (how often a level occurs among non-matches): Splink's random sampling of 10⁷ pairs
  (``estimate_u_using_random_sampling``, seed 1);
* m (how often among matches): counted on the labelled true pairs
  (``estimate_m_from_label_column("entity_id")``), with a floor of 10⁻³ (m) and 3·10⁻⁷ (u)
  so that a level never seen in training is very strong evidence rather than infinite;
* the prior (probability that two random records match) is *not* taken from the file:
  it depends on the size of the input, so each run sets it from ``duplicate_share``
  (dedup: the expected share of records that have a duplicate; λ = 2·share/(n−1)) or
  ``match_share`` (link: the expected share of the smaller file found in the other).

``train=True`` re-estimates on the data at hand instead: u by random sampling of that
data and m by expectation maximisation, blocking on the national ID and then on names
plus birth year (no labels needed). ``train_model(frame, path)`` writes a new JSON.

Scale-out: the same model runs on Spark — ``run_settings(link_type, prior,
dialect="spark")`` (which renames ``jaro_winkler_similarity`` to Splink's Spark UDF
``jaro_winkler``), a linker built with ``SparkAPI(spark_session=spark)`` instead of
``DuckDBAPI``, and Spark frames of the prepared columns (``prepare`` is polars; run it
per partition or port its expressions to PySpark). The blocking rules are equi-joins,
so Spark distributes them as ordinary hash joins. DuckDB on one machine handles a
registry of a few million people; the measured figures are in docs/linkage.md.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker, block_on

from saphan.linkage.engine.prepare import prepare
from saphan.linkage.engine.settings import (
    BLOCKING_RULES,
    COMPARISON_NAMES,
    level_labels,
    settings_dict,
)

MODEL_PATH = Path(__file__).with_name("model_thai.json")
DEFAULT_MAX_PAIRS = 100_000_000
M_FLOOR = 1e-3
U_FLOOR = 3e-7
_LEFT, _RIGHT = "left_input", "right_input"


class TooManyPairsError(ValueError):
    """Blocking would compare more pairs than ``max_pairs`` allows."""


@dataclass
class LinkageRun:
    """The pairs and how the run went: candidate pairs scored, seconds per phase."""

    pairs: pl.DataFrame
    candidate_pairs: int = 0
    pairs_by_rule: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


# -- sessions ----------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Splink logs every SQL step at INFO and warns about untrained parameters."""
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        splink_logger.setLevel(level)


@contextlib.contextmanager
def duckdb_session(threads: int | None = None) -> Iterator[DuckDBAPI]:
    """An in-process DuckDB for one run; spill files go to a temp dir removed after."""
    spill_dir = tempfile.mkdtemp(prefix="saphan-linkage-")
    con = duckdb.connect(":memory:")
    try:
        threads = threads or min(os.cpu_count() or 1, 8)
        con.execute(f"SET threads = {int(threads)}")
        con.execute(f"SET temp_directory = '{spill_dir}'")
        con.execute("SET preserve_insertion_order = false")
        with _quiet():
            yield DuckDBAPI(connection=con)
    finally:
        con.close()
        shutil.rmtree(spill_dir, ignore_errors=True)


# -- parameters --------------------------------------------------------------------------


def load_model(path: str | Path = MODEL_PATH) -> dict[str, Any]:
    """The trained settings (Splink JSON)."""
    with open(path, encoding="utf-8") as f:
        model: dict[str, Any] = json.load(f)
    return model


#: DuckDB function names in the comparison SQL → their names in Splink's Spark UDFs.
_SPARK_FUNCTIONS = {"jaro_winkler_similarity(": "jaro_winkler("}


def run_settings(
    link_type: str,
    prior: float,
    model: dict[str, Any] | None = None,
    *,
    dialect: str = "duckdb",
) -> dict[str, Any]:
    """Splink settings for one run: the trained comparisons (``model``, default the
    shipped one) with this run's link type, blocking rules and prior. ``dialect="spark"``
    renames the DuckDB string functions for ``SparkAPI``."""
    model = model if model is not None else load_model()
    run = settings_dict(link_type)
    run["comparisons"] = json.loads(json.dumps(model["comparisons"]))
    if dialect == "spark":
        for comparison in run["comparisons"]:
            for level in comparison["comparison_levels"]:
                for duckdb_name, spark_name in _SPARK_FUNCTIONS.items():
                    level["sql_condition"] = level["sql_condition"].replace(duckdb_name, spark_name)
    run["probability_two_random_records_match"] = min(max(prior, 1e-12), 0.5)
    return run


def _floor_parameters(model: dict[str, Any]) -> dict[str, Any]:
    """Every non-null level gets an m and a u of at least the floor, then each comparison's
    m and u are rescaled to sum to 1.

    Why a floor on m: the synthetic duplicates never show, say, a wrong sex, so the
    counted m of that level is 0 — an absolute veto. Real registries do have such
    errors; 10⁻³ makes them strong evidence (about −10 bits) instead. The floor on u
    is the rule of three over the 10⁷ sampled pairs: a level never seen among them
    occurs at most about 3 times in 10⁷, not never.
    """
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for key, floor in (("m_probability", M_FLOOR), ("u_probability", U_FLOOR)):
            values = [max(lv.get(key) or 0.0, floor) for lv in levels]
            total = sum(values)
            for level, value in zip(levels, values, strict=True):
                level[key] = value / total
    return model


# -- running -----------------------------------------------------------------------------


def _scalar(api: DuckDBAPI, sql: str) -> int:
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection.
    rows = api.duckdb_con.execute(sql).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def _estimate_pairs(
    api: DuckDBAPI, tables: list[str], rules: tuple[tuple[str, ...], ...]
) -> dict[str, int]:
    """Pairs each rule would generate on its own (overlaps counted per rule): sizes of
    equal-key groups, computed with GROUP BY in well under a second for a million rows."""
    counts: dict[str, int] = {}
    for rule in rules:
        keys = ", ".join(f'"{c}"' for c in rule)
        not_null = " AND ".join(f'"{c}" IS NOT NULL' for c in rule)
        # SQL from this module's constants (rule columns, table names), never from data.
        per_table = [
            f"SELECT {keys}, count(*) AS n FROM {t} WHERE {not_null} GROUP BY {keys}"  # noqa: S608
            for t in tables
        ]
        if len(tables) == 1:
            sql = f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM ({per_table[0]})"  # noqa: S608
        else:
            sql = (
                f"SELECT coalesce(sum(a.n * b.n), 0) FROM ({per_table[0]}) a "  # noqa: S608
                f"JOIN ({per_table[1]}) b USING ({keys})"
            )
        counts["+".join(rule)] = _scalar(api, sql)
    return counts


def _evidence(pairs: pl.DataFrame) -> pl.DataFrame:
    """Human-readable evidence: each comparison that was not missing, with its level."""
    labels = level_labels()
    parts = [
        pl.when(pl.col(f"gamma_{name}") >= 0).then(
            pl.lit(f"{name}: ")
            + pl.col(f"gamma_{name}").replace_strict(labels[name], return_dtype=pl.String)
        )
        for name in COMPARISON_NAMES
    ]
    return pairs.with_columns(
        pl.concat_str(parts, separator="; ", ignore_nulls=True).alias("evidence")
    )


def _score(
    api: DuckDBAPI,
    tables: list[str],
    settings: dict[str, Any],
    threshold: float,
    max_pairs: int,
    train: bool,
    run: LinkageRun,
) -> pl.DataFrame:
    started = time.perf_counter()
    run.pairs_by_rule = _estimate_pairs(api, tables, BLOCKING_RULES)
    upper_bound = sum(run.pairs_by_rule.values())
    if upper_bound > max_pairs:
        raise TooManyPairsError(
            f"blocking would compare up to {upper_bound:,} pairs (limit {max_pairs:,}); "
            f"by rule: {run.pairs_by_rule}"
        )
    names = (_LEFT, _RIGHT)[: len(tables)]
    if train:
        trained = _train_unlabelled(
            [
                api.register(t, dataset_display_name=f"training_{n}")
                for t, n in zip(tables, names, strict=True)
            ],
            settings,
        )
        settings = {**settings, "comparisons": trained["comparisons"]}
    inputs = [api.register(t, dataset_display_name=n) for t, n in zip(tables, names, strict=True)]
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=None)
    run.seconds["setup"] = time.perf_counter() - started
    started = time.perf_counter()
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    run.candidate_pairs = _scalar(api, f"SELECT count(*) FROM {blocked.physical_name}")  # noqa: S608
    run.seconds["blocking"] = time.perf_counter() - started
    started = time.perf_counter()
    # Reuses the cached blocked pairs; the threshold is applied inside the SQL.
    predictions = linker.inference.predict(
        threshold_match_probability=threshold, warning_mode="never"
    )
    gammas = ", ".join(f"gamma_{name}" for name in COMPARISON_NAMES)
    if len(tables) > 1:
        ids = (
            f"CASE WHEN source_dataset_l = '{_LEFT}' THEN record_id_l ELSE record_id_r END"
            " AS record_id_l, "
            f"CASE WHEN source_dataset_l = '{_LEFT}' THEN record_id_r ELSE record_id_l END"
            " AS record_id_r"
        )
    else:
        ids = (
            "least(record_id_l, record_id_r) AS record_id_l, "
            "greatest(record_id_l, record_id_r) AS record_id_r"
        )
    pairs = api.duckdb_con.sql(
        f"SELECT {ids}, match_probability, match_weight, {gammas} "  # noqa: S608
        f"FROM {predictions.physical_name} ORDER BY record_id_l, record_id_r"
    ).pl()
    run.seconds["predict"] = time.perf_counter() - started
    return _evidence(pairs.with_columns(pl.col("^gamma_.*$").cast(pl.Int8)))


def _register(api: DuckDBAPI, frame: pl.DataFrame, name: str) -> str:
    """Copy a frame into a DuckDB table (native tables join faster than Arrow scans)."""
    api.duckdb_con.register(f"{name}_arrow", frame.to_arrow())
    api.duckdb_con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
    api.duckdb_con.unregister(f"{name}_arrow")
    return name


def dedup_run(
    df: pl.DataFrame,
    *,
    threshold: float = 0.9,
    train: bool = False,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    duplicate_share: float = 0.05,
    threads: int | None = None,
    model_path: str | Path = MODEL_PATH,
) -> LinkageRun:
    """:func:`dedup` with the run's figures (candidate pairs, seconds per phase)."""
    run = LinkageRun(pairs=pl.DataFrame())
    started = time.perf_counter()
    prepared = prepare(df)
    run.seconds["prepare"] = time.perf_counter() - started
    n = max(prepared.height, 2)
    settings = run_settings("dedupe_only", 2 * duplicate_share / (n - 1), load_model(model_path))
    with duckdb_session(threads) as api:
        table = _register(api, prepared, "records")
        del prepared  # DuckDB has its own copy now
        run.pairs = _score(api, [table], settings, threshold, max_pairs, train, run)
    run.seconds["total"] = time.perf_counter() - started
    return run


def dedup(
    df: pl.DataFrame,
    *,
    threshold: float = 0.9,
    train: bool = False,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    duplicate_share: float = 0.05,
    threads: int | None = None,
) -> pl.DataFrame:
    """Pairs of rows of ``df`` that are probably the same person (``record_id_l`` <
    ``record_id_r``, as strings), at or above ``threshold`` match probability.

    ``max_pairs`` bounds the candidate pairs (raise :class:`TooManyPairsError` rather
    than grind a small server for hours); ``duplicate_share`` sets the prior.
    """
    return dedup_run(
        df,
        threshold=threshold,
        train=train,
        max_pairs=max_pairs,
        duplicate_share=duplicate_share,
        threads=threads,
    ).pairs


def link_run(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float = 0.9,
    train: bool = False,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    match_share: float = 0.5,
    threads: int | None = None,
    model_path: str | Path = MODEL_PATH,
) -> LinkageRun:
    """:func:`link` with the run's figures."""
    run = LinkageRun(pairs=pl.DataFrame())
    started = time.perf_counter()
    prepared_left, prepared_right = prepare(left), prepare(right)
    run.seconds["prepare"] = time.perf_counter() - started
    n_left, n_right = max(prepared_left.height, 1), max(prepared_right.height, 1)
    prior = match_share * min(n_left, n_right) / (n_left * n_right)
    settings = run_settings("link_only", prior, load_model(model_path))
    with duckdb_session(threads) as api:
        tables = [
            _register(api, prepared_left, f"{_LEFT}_records"),
            _register(api, prepared_right, f"{_RIGHT}_records"),
        ]
        del prepared_left, prepared_right
        run.pairs = _score(api, tables, settings, threshold, max_pairs, train, run)
    run.seconds["total"] = time.perf_counter() - started
    return run


def link(
    left: pl.DataFrame,
    right: pl.DataFrame,
    *,
    threshold: float = 0.9,
    train: bool = False,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    match_share: float = 0.5,
    threads: int | None = None,
) -> pl.DataFrame:
    """Pairs (``record_id_l`` from ``left``, ``record_id_r`` from ``right``) that are
    probably the same person. ``match_share``: the expected share of the smaller file
    that has a match in the other (sets the prior)."""
    return link_run(
        left,
        right,
        threshold=threshold,
        train=train,
        max_pairs=max_pairs,
        match_share=match_share,
        threads=threads,
    ).pairs


# -- training ----------------------------------------------------------------------------


def _train_unlabelled(
    inputs: list[Any], settings: dict[str, Any], u_pairs: float = 1e7
) -> dict[str, Any]:
    """u by random sampling, m by EM on two blocking rules, each leaving the other's
    fields free to be estimated; returns the trained settings with floored parameters."""
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=None)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    for rule in (block_on("national_id"), block_on("given_enc", "family_enc", "birth_year")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    return _floor_parameters(linker.misc.save_model_to_json())


def train_model(
    df: pl.DataFrame,
    out_path: str | Path,
    *,
    label_column: str | None = "entity_id",
    u_pairs: float = 1e7,
    threads: int | None = None,
) -> dict[str, Any]:
    """Estimate m and u on ``df`` (standard columns) and write the Splink JSON.

    With ``label_column`` (the true person of each row, as in the synthetic data) m is
    counted on the labelled pairs; without it m comes from EM. u always comes from
    random sampling of ``u_pairs`` pairs.
    """
    prepared = prepare(df)
    if label_column:
        prepared = prepared.with_columns(df[label_column].alias(label_column))
    n = prepared.height
    settings = settings_dict("dedupe_only")
    with duckdb_session(threads) as api:
        table = api.register(_register(api, prepared, "training"), dataset_display_name="training")
        if label_column:
            linker = Linker(table, settings, log_level=None)
            linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
            linker.training.estimate_m_from_label_column(label_column)
            model = _floor_parameters(linker.misc.save_model_to_json())
        else:
            model = _train_unlabelled([table], settings, u_pairs)
    if label_column:
        matches = int(
            prepared.group_by(label_column)
            .len()
            .select((pl.col("len") * (pl.col("len") - 1) / 2).sum())
            .item()
        )
        model["probability_two_random_records_match"] = matches / (n * (n - 1) / 2)
    model.pop("linker_uid", None)
    Path(out_path).write_text(
        json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return model


def level_label(comparison: str, gamma: int) -> str:
    """The label of one evidence level, e.g. ``level_label("birth_date", 5)``."""
    return level_labels()[comparison][gamma]


def retrain_shipped_model(path: str | Path = MODEL_PATH) -> dict[str, Any]:
    """Re-create ``model_thai.json`` exactly as shipped (see the module docstring)."""
    from saphan.linkage.engine.synthetic import make_population

    frame, _pairs = make_population(200_000, duplicate_rate=0.2, seed=20250101)
    return train_model(frame, path)
