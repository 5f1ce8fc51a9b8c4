"""Where an import spends its time, per phase (printed by ``benchmarks/import_people.py``
and logged at DEBUG level at the end of each import). Costs a few perf_counter calls."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

SECONDS: defaultdict[str, float] = defaultdict(float)


@contextmanager
def timed(phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        SECONDS[phase] += time.perf_counter() - started


def timings_reset() -> None:
    SECONDS.clear()
