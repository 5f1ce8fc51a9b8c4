"""Plausible, deterministic results for a pilot, for the demo and the tests.

:func:`generate_results` walks each participant through the contract's participant
metrics in prerequisite order: each one succeeds with the chance the contract's
``assumptions`` give (the middle of the range), on a day inside its window; a failure is
recorded as an assessment with value 0 (or not at all), and the outcomes that need it are
not reached. So that the demo shows claims in every state, a few participants carry a
deliberate slip, always the same ones for the same seed: a result a little after its
window closes (``late``), one just before it opens (``early``), a later outcome claimed
without the first (``skip``), and a once-only outcome claimed twice (``twice``).
Participants are grouped into half-year cohorts by enrolment date (``C1`` for the first
six months of the contract, …); each cohort metric is measured for each cohort six
months after the cohort's last enrolment.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from saphan.outcomes.engine import Contract, Metric, Result

Slip = Literal["late", "early", "skip", "twice"]
#: The participants at these positions always carry a slip (when there are that many).
FORCED_SLIPS: dict[int, Slip] = {1: "late", 2: "skip", 3: "twice", 5: "early"}
#: Chance of a slip for everyone else, tried in this order.
SLIP_CHANCES: tuple[tuple[Slip, float], ...] = (
    ("late", 0.04),
    ("skip", 0.03),
    ("twice", 0.03),
    ("early", 0.02),
)
NOT_ACHIEVED_RECORDED = 0.6  # share of failures recorded as an assessment with value 0
COHORT_MONTHS = 6
COHORT_FOLLOW_UP_DAYS = 182
DEFAULT_SUCCESS = 0.7


def _rate(contract: Contract, metric: Metric) -> float:
    """The middle of the assumed success range (a rate for a participant metric)."""
    if contract.assumptions and metric.code in contract.assumptions.success:
        low, high = contract.assumptions.success[metric.code]
        return float((low + high) / 2)
    return DEFAULT_SUCCESS


def _slip(index: int, rng: random.Random) -> Slip | None:
    if index in FORCED_SLIPS:
        return FORCED_SLIPS[index]
    draw = rng.random()
    for slip, chance in SLIP_CHANCES:
        if draw < chance:
            return slip
        draw -= chance
    return None


def cohort_of(contract: Contract, enrolled_on: date) -> str:
    """``C1`` for enrolments in the contract's first six months, ``C2`` the next six, …"""
    months = (enrolled_on.year - contract.start.year) * 12 + enrolled_on.month
    months -= contract.start.month
    return f"C{max(0, months) // COHORT_MONTHS + 1}"


def _day(metric: Metric, rng: random.Random, slip: Slip | None) -> int:
    window = metric.window
    low, high = (window.from_days, window.to_days) if window else (30, 300)
    if slip == "late":
        return high + rng.randint(3, 30)
    if slip == "early" and low > 0:
        return max(0, low - rng.randint(1, min(low, 10)))
    return rng.randint(low, high)


def _participant_results(
    contract: Contract,
    metrics: Sequence[Metric],
    participant: str,
    enrolled_on: date,
    rng: random.Random,
    slip: Slip | None,
) -> list[Result]:
    cohort = cohort_of(contract, enrolled_on)
    needed = {code for m in metrics for code in m.requires}  # what "skip" can leave out
    achieved: set[str] = set()
    results: list[Result] = []
    slipped = False  # each slipping participant slips once, on the first outcome it fits
    for metric in metrics:
        if not all(code in achieved for code in metric.requires):
            continue
        if rng.random() >= _rate(contract, metric):
            if rng.random() < NOT_ACHIEVED_RECORDED:
                day = _day(metric, rng, None)
                on = enrolled_on + timedelta(days=day)
                results.append(
                    Result(metric.code, on, Decimal(0), participant, cohort, enrolled_on)
                )
            continue  # the outcomes that need this one are skipped; independent ones go on
        achieved.add(metric.code)
        fits = not slipped and (
            slip in ("late", "twice")
            or (slip == "skip" and metric.code in needed)
            or (slip == "early" and metric.window is not None and metric.window.from_days > 0)
        )
        use = slip if fits else None
        slipped = slipped or fits
        on = enrolled_on + timedelta(days=_day(metric, rng, use))
        if use == "skip":
            continue  # achieved, but never claimed: the next outcome lacks its prerequisite
        results.append(Result(metric.code, on, Decimal(1), participant, cohort, enrolled_on))
        if use == "twice":
            again = on + timedelta(days=rng.randint(7, 20))
            results.append(Result(metric.code, again, Decimal(1), participant, cohort, enrolled_on))
    return results


def _cohort_results(
    contract: Contract, participants: Sequence[tuple[str, date]], rng: random.Random
) -> list[Result]:
    last: dict[str, date] = {}
    for _code, enrolled_on in participants:
        cohort = cohort_of(contract, enrolled_on)
        last[cohort] = max(last.get(cohort, enrolled_on), enrolled_on)
    results = []
    for metric in contract.metrics:
        if metric.unit != "cohort":
            continue
        low, high = (Decimal(40), Decimal(70))
        if contract.assumptions and metric.code in contract.assumptions.success:
            low, high = contract.assumptions.success[metric.code]
        for cohort in sorted(last, key=lambda c: int(c[1:])):
            on = min(last[cohort] + timedelta(days=COHORT_FOLLOW_UP_DAYS), contract.end)
            value = Decimal(str(round(rng.uniform(float(low), float(high)), 1)))
            comparison = None
            threshold = metric.threshold
            if threshold is not None and threshold.against == "comparison":
                expected = float(threshold.expected_comparison or low)
                comparison = Decimal(str(round(expected + rng.uniform(-3, 3), 1)))
            results.append(Result(metric.code, on, value, cohort=cohort, comparison=comparison))
    return results


def generate_results(
    contract: Contract,
    participants: Sequence[tuple[str, date]],
    seed: int = 0,
    *,
    as_of: date | None = None,
) -> list[Result]:
    """Results for ``participants`` (code, enrolment date), sorted by date then code.

    Only results dated within the contract (and on or before ``as_of`` when given) are
    returned. The same contract, participants and seed always give the same results.
    """
    rng = random.Random(f"{contract.code}:{seed}")  # noqa: S311 - demo data, not secrets
    order = contract.metric_order()
    metrics = sorted(
        (m for m in contract.metrics if m.unit == "participant"), key=lambda m: order[m.code]
    )
    results: list[Result] = []
    for index, (code, enrolled_on) in enumerate(participants):
        slip = _slip(index, rng)
        results += _participant_results(contract, metrics, code, enrolled_on, rng, slip)
    results += _cohort_results(contract, participants, rng)
    last = min(contract.end, as_of) if as_of else contract.end
    kept = [r for r in results if contract.start <= r.achieved_on <= last]
    return sorted(kept, key=lambda r: (r.achieved_on, r.subject, order[r.metric]))


def generate_participants(
    contract: Contract, prefix: str, count: int, seed: int = 0, *, days: int = 365
) -> list[tuple[str, date]]:
    """``count`` pseudonymous codes (``HHH-T0001`` …) enrolled over the first ``days``
    of the contract, evenly with a little jitter; deterministic for a seed."""
    rng = random.Random(f"{contract.code}:participants:{seed}")  # noqa: S311 - demo data
    span = max(1, min(days, (contract.end - contract.start).days))
    out = []
    for i in range(count):
        offset = int(span * (i + rng.random()) / max(count, 1))
        out.append((f"{prefix}-T{i + 1:04d}", contract.start + timedelta(days=min(offset, span))))
    return out
