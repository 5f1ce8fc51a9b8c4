"""Saphan's record-linkage engine: Fellegi–Sunter duplicate detection and file linkage.

Pure data in, data out (polars frames, no Django models): see ``docs/linkage.md``.

    from saphan.linkage import engine
    pairs = engine.dedup(frame)                # record_id_l, record_id_r, match_probability…
    links = engine.link(left, right, threshold=0.95)
"""

from saphan.linkage.engine.config import (
    LinkConfig,
    LinkConfigError,
    SideConfig,
    frame_for_side,
    load_config,
)
from saphan.linkage.engine.metrics import LinkageScores, exact_id_pairs, score_pairs
from saphan.linkage.engine.model import (
    LinkageRun,
    TooManyPairsError,
    dedup,
    dedup_run,
    link,
    link_run,
    train_model,
)
from saphan.linkage.engine.prepare import STANDARD_COLUMNS, prepare
from saphan.linkage.engine.settings import COMPARISON_NAMES, level_labels
from saphan.linkage.engine.thai import encode_for_distance, id_digits, normalise_name, phonetic

__all__ = [
    "COMPARISON_NAMES",
    "STANDARD_COLUMNS",
    "LinkConfig",
    "LinkConfigError",
    "LinkageRun",
    "LinkageScores",
    "SideConfig",
    "TooManyPairsError",
    "dedup",
    "dedup_run",
    "encode_for_distance",
    "exact_id_pairs",
    "frame_for_side",
    "id_digits",
    "level_labels",
    "link",
    "link_run",
    "load_config",
    "normalise_name",
    "phonetic",
    "prepare",
    "score_pairs",
    "train_model",
]
