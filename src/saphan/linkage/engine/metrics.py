"""Precision, recall and F1 of predicted pairs against true pairs, and a baseline.

Pairs are compared as unordered pairs of record IDs: ("b", "a") and ("a", "b") are the
same pair. For a link (two files), pass the left ID first in both frames and set
``ordered=True`` so IDs shared by the two files are not confused.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class LinkageScores:
    predicted: int
    true: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true if self.true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        return (
            f"precision {self.precision:.4f}, recall {self.recall:.4f}, F1 {self.f1:.4f} "
            f"({self.true_positives:,} of {self.true:,} true pairs; {self.predicted:,} predicted)"
        )


def _unordered(pairs: pl.DataFrame, ordered: bool) -> pl.DataFrame:
    left, right = pl.col("record_id_l").cast(pl.String), pl.col("record_id_r").cast(pl.String)
    if ordered:
        return pairs.select(left.alias("a"), right.alias("b")).unique()
    return pairs.select(
        pl.min_horizontal(left, right).alias("a"), pl.max_horizontal(left, right).alias("b")
    ).unique()


def score_pairs(
    predicted: pl.DataFrame, true_pairs: pl.DataFrame, *, ordered: bool = False
) -> LinkageScores:
    """Both frames have ``record_id_l`` and ``record_id_r`` columns."""
    found, truth = _unordered(predicted, ordered), _unordered(true_pairs, ordered)
    hits = found.join(truth, on=["a", "b"], how="semi").height
    return LinkageScores(predicted=found.height, true=truth.height, true_positives=hits)


def exact_id_pairs(df: pl.DataFrame, id_column: str = "national_id") -> pl.DataFrame:
    """The baseline: every pair of rows with the same (non-empty) ID, digits only."""
    keyed = df.select(
        pl.col("record_id").cast(pl.String),
        pl.col(id_column).cast(pl.String).str.replace_all(r"\D", "").alias("key"),
    ).filter(pl.col("key").is_not_null() & (pl.col("key") != ""))
    joined = keyed.join(keyed, on="key", suffix="_r").filter(
        pl.col("record_id") < pl.col("record_id_r")
    )
    return joined.select(pl.col("record_id").alias("record_id_l"), "record_id_r")
