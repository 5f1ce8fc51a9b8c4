"""Benchmark: the outcomes Monte Carlo (``saphan.outcomes.engine.simulate``).

    uv run python benchmarks/outcomes_simulate.py                  # 100,000 scenarios
    uv run python benchmarks/outcomes_simulate.py --scenarios 1000000 --repeat 3

Runs the Home Hope Hub example contract (``docs/examples/outcomes/home-hope-hub.json``,
five metrics, its own planning assumptions) and prints seconds per run (best and
median of ``--repeat``), scenarios per second and the headline figures, so a change in
speed can be told apart from a change in results. No database is needed. Prints
figures only; asserts nothing about time (the target is about 2 s for 100,000).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

TARGET_SECONDS = 2.0
EXAMPLE = Path(__file__).resolve().parent.parent / "docs/examples/outcomes/home-hope-hub.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--contract", type=Path, default=EXAMPLE)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    import django

    django.setup()
    from saphan.outcomes.engine.simulate import simulate
    from saphan.outcomes.engine.spec import contract_parse

    contract = contract_parse(json.loads(args.contract.read_text(encoding="utf-8")))
    seconds = []
    for _run in range(args.repeat):
        started = time.perf_counter()
        result = simulate(contract, scenarios=args.scenarios, seed=args.seed)
        seconds.append(time.perf_counter() - started)
    best, median = min(seconds), statistics.median(seconds)
    print(f"{contract.code}: {args.scenarios:,} scenarios × {args.repeat} runs")
    print(
        f"best {best:.3f} s · median {median:.3f} s · {args.scenarios / median:,.0f} scenarios/s"
        f" (target ≈ {TARGET_SECONDS:.0f} s for 100,000)"
    )
    irr = result.investor_irr
    print(
        f"payer cost p5/p50/p95 {result.payer_cost.p5:,.0f} / {result.payer_cost.p50:,.0f} /"
        f" {result.payer_cost.p95:,.0f} · P(investors lose) {result.prob_investor_loss:.1%}"
        f" · IRR p50 {'n/a' if irr is None else f'{irr.p50:.2%}'}"
        f" · break-even success {result.break_even_success_rate}"
    )


if __name__ == "__main__":
    main()
