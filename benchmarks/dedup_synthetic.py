"""Benchmark: ``dedup`` of a synthetic Thai population with corrupted duplicates.

    uv run python benchmarks/dedup_synthetic.py                 # 1,000,000 rows
    uv run python benchmarks/dedup_synthetic.py --rows 100000 --threads 2

Generates ``--rows`` rows of which 20% are corrupted copies of other rows
(``saphan.linkage.engine.synthetic.make_population``: titles, Thai typos, tone-mark
order, missing IDs, swapped ID digits, BE years, day/month swaps, new addresses),
runs ``saphan.linkage.engine.dedup_run`` on them and prints rows, candidate pairs,
seconds per phase, peak RSS (``ru_maxrss``: the whole process, generation included),
precision / recall / F1 against the true pairs, and the recall of the exact-ID
baseline (pairs with the same national ID). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duplicate-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))

    from saphan.linkage.engine.metrics import exact_id_pairs, score_pairs
    from saphan.linkage.engine.model import dedup_run
    from saphan.linkage.engine.synthetic import make_population

    started = time.perf_counter()
    frame, true_pairs = make_population(
        args.rows, duplicate_rate=args.duplicate_rate, seed=args.seed
    )
    generated = time.perf_counter() - started
    print(f"rows {frame.height:,} ({true_pairs.height:,} true duplicate pairs)")
    print(f"cores {os.cpu_count()}, DuckDB threads {args.threads or 'default'}")
    print(f"generate (not part of dedup): {generated:.1f} s")

    cpu_before = _cpu_seconds()
    run = dedup_run(frame, threshold=args.threshold, threads=args.threads)
    cpu = _cpu_seconds() - cpu_before
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    print(f"candidate pairs {run.candidate_pairs:,}")
    for rule, pairs in run.pairs_by_rule.items():
        print(f"  rule {rule:45s} {pairs:>12,} pairs on its own")
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items())
    print(f"dedup: {phases} (CPU {cpu:.1f} s)")
    print(f"peak RSS {peak_mb:,.0f} MB")
    print(f"dedup at {args.threshold}: {score_pairs(run.pairs, true_pairs)}")
    baseline = score_pairs(exact_id_pairs(frame), true_pairs)
    print(f"exact national ID baseline: {baseline}")


if __name__ == "__main__":
    main()
